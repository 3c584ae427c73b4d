"""The notebooks run headless in a real kernel with the real model; their outputs must show the answer.

A chart or an explanation that goes missing fails these tests: they look at what the notebook shows
(the static HTML every answer carries beside its live widget), not at screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
pytestmark = pytest.mark.slow


def _run(name: str) -> list:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3")
    client.execute(cwd=str(NOTEBOOKS))
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _answer_html(cell) -> str:
    shown = [o for o in cell.outputs if o.output_type == "display_data" and "text/html" in o.data]
    assert shown, f"no answer shown for {cell.source!r}"
    data = shown[-1].data
    assert "application/vnd.jupyter.widget-view+json" in data, "the live widget is missing"
    return data["text/html"]


def _text(cell) -> str:
    parts = [o.get("text", "") for o in cell.outputs if o.output_type == "stream"]
    parts += [o.data.get("text/plain", "") for o in cell.outputs if o.output_type == "execute_result"]
    return "".join(parts)


def _assert_explained_with_chart(html: str, chart: str | None) -> None:
    assert 'class="chatbi-summary"' in html and 'class="chatbi-steps"' in html, "the explanation is missing"
    assert "<table" in html, "the result table is missing"
    assert "<script" not in html, "the saved answer must show offline: nothing to load"
    if chart is not None:
        assert 'class="chatbi-static-chart"' in html, f"the {chart} chart is missing"
        shapes = {"bar": "<rect", "pie": "<path", "line": "<polyline", "indicator": 'font-size="44"'}
        assert shapes[chart] in html, f"the {chart} chart is not drawn"


def test_quickstart() -> None:
    cells = {
        cell.source.splitlines()[0] + "|" + cell.source.splitlines()[-1]: cell
        for cell in _run("quickstart.ipynb")
    }

    def cell(fragment: str):
        return next(c for key, c in cells.items() if fragment in key)

    assert "connected demo: sqlite, 8 tables" in _text(cell("%load_ext nl2sql"))
    assert "* demo: sqlite, 8 tables, 16 glossary terms" in _text(cell("%chatbi status"))
    for output in (o for c in cells.values() for o in c.outputs if o.output_type == "stream"):
        assert "llama_" not in output.text, "llama.cpp's log leaks into the notebook"

    segments = _answer_html(cell("customers are in each segment"))
    _assert_explained_with_chart(segments, "bar")
    assert "Enterprise" in segments and "group" in segments.lower()

    recent = _answer_html(cell("last 30 days"))
    _assert_explained_with_chart(recent, "indicator")
    assert "Read as: <b>order count · last 30 days (2026-06-01 to 2026-06-30)</b>" in recent
    assert "DATE('now', '-90 day')" in _text(cell("SetTimeWindow"))
    assert "Changed:" in recent and "-90 day" in recent  # the saved output is the edited answer

    follow_up = _answer_html(cell("only for returns in the last 12 months"))
    assert "Follow-up to" in follow_up and "How many returns are there for each return reason?" in follow_up

    brands = _answer_html(cell("How many products does each brand have?"))
    _assert_explained_with_chart(brands, "bar")
    assert _text(cell('switch_chart("pie")')).strip() == "'pie'"

    chinese = _answer_html(cell("每个品牌有多少个产品"))
    _assert_explained_with_chart(chinese, "bar")
    assert "从 products" in chinese and "分组" in chinese

    assert "revenue (sales, turnover, 销售额" in _text(cell("%chatbi glossary"))


def test_connect_your_database() -> None:
    cells = _run("connect-your-database.ipynb")
    connected = next(c for c in cells if "%chatbi connect" in c.source)
    assert "connected shop: sqlite, 2 tables (customers, orders)" in _text(connected)
    assert "big order (large order): An order of more than 100 EUR." in _text(connected)
    answer = _answer_html(next(c for c in cells if "%%ask" in c.source))
    assert 'class="chatbi-summary"' in answer or "could not write valid SQL" in answer
    corrected = next(c for c in cells if "view.run_sql(" in c.source)
    table = _text(corrected)
    assert "Enterprise" in table and "200.5" in table and "SMB" in table
    status = next(c for c in cells if "%chatbi status" in c.source)
    assert "* shop: sqlite, 2 tables, 1 glossary terms, 1 question in the conversation" in _text(status)
