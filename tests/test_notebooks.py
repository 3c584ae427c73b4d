"""The notebooks run headless in a real kernel with the real model; their outputs must show the answer.

A chart or an explanation that goes missing fails these tests: they look at what the notebook shows
(the static HTML output every answer has beside its live widget), not at screenshots. The quickstart is
also exported to HTML as ``jupyter nbconvert --to html`` does, widget state included, and read as a
browser offline would show it: without its scripts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
pytestmark = pytest.mark.slow


WIDGET = "application/vnd.jupyter.widget-view+json"
PROGRESS_BAR = re.compile(r"Loading weights|\d%\|[█▏▎▍▌▋▊▉ ]*\||it/s\]")
"""What a tqdm bar leaves in a notebook: "Loading weights:  0%|          | 0/291 [00:00<?, ?it/s]"."""


def _execute(notebook, cwd: Path = NOTEBOOKS):
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3")
    client.execute(cwd=str(cwd))
    return notebook


def _run(name: str) -> list:
    notebook = _execute(nbformat.read(NOTEBOOKS / name, as_version=4))
    return _code_cells(notebook)


def _code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def quickstart():
    """The quickstart notebook as run (once for the tests of this module), widget state included."""
    return _execute(nbformat.read(NOTEBOOKS / "quickstart.ipynb", as_version=4))


def _static_answers(cell) -> list:
    return [
        o
        for o in cell.outputs
        if o.output_type == "display_data"
        and o.data.get("text/html", "").startswith('<div class="chatbi-static"')
    ]


def _answer_html(cell) -> str:
    """The answer a cell shows: its static output, which a live widget output follows (and hides)."""
    shown = _static_answers(cell)
    assert shown, f"no answer shown for {cell.source!r}"
    static = shown[-1]
    later = cell.outputs[cell.outputs.index(static) + 1 :]
    live = [o for o in later if o.output_type == "display_data" and WIDGET in o.data]
    assert live, "the live widget is missing"
    assert "text/html" not in live[0].data, "the widget's output must not carry the answer a second time"
    return static.data["text/html"]


def _outputs_text(cell) -> str:
    """Everything a cell's outputs could show as text: streams, plain text, HTML."""
    parts = [o.get("text", "") for o in cell.outputs if o.output_type == "stream"]
    for output in cell.outputs:
        parts += [str(value) for key, value in output.get("data", {}).items() if key.startswith("text/")]
    return "\n".join(parts)


def _assert_no_progress_bars(cells: list) -> None:
    for cell in cells:
        found = PROGRESS_BAR.search(_outputs_text(cell))
        assert found is None, f"a progress bar is left in the output of {cell.source!r}: {found.group(0)!r}"


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


def test_quickstart(quickstart) -> None:
    cells = {
        cell.source.splitlines()[0] + "|" + cell.source.splitlines()[-1]: cell
        for cell in _code_cells(quickstart)
    }

    def cell(fragment: str):
        return next(c for key, c in cells.items() if fragment in key)

    assert "connected demo: sqlite, 8 tables" in _text(cell("%load_ext chatbi_jupyterlab.notebook"))
    assert "* demo: sqlite, 8 tables, 18 glossary terms" in _text(cell("%chatbi status"))
    for output in (o for c in cells.values() for o in c.outputs if o.output_type == "stream"):
        assert "llama_" not in output.text, "llama.cpp's log leaks into the notebook"

    segments = _answer_html(cell("customers are in each segment"))
    _assert_explained_with_chart(segments, "bar")
    assert "Enterprise" in segments and "group" in segments.lower()

    recent = _answer_html(cell("last 30 days"))
    _assert_explained_with_chart(recent, "indicator")
    assert "First read as: <b>order count · last 30 days (2026-06-01 to 2026-06-30)</b>" in recent
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
    _assert_no_progress_bars(list(cells.values()))


def test_quickstart_exported_to_html_shows_every_answer_offline(quickstart) -> None:
    """nbconvert prefers a widget's view to its fallback when the notebook has widget state (nbclient
    saves it); the view needs the widget manager from a CDN. Each answer must show without it."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    assert "application/vnd.jupyter.widget-state+json" in quickstart.metadata.get("widgets", {})
    page, _ = HTMLExporter().from_notebook_node(quickstart)
    offline = BeautifulSoup(page, "html.parser")
    for script in offline.find_all("script"):  # what a browser offline shows: no script runs or loads
        script.decompose()
    answers = [cell for cell in _code_cells(quickstart) if cell.source.startswith("%%ask")]
    assert len(answers) == 6
    shown = {"pre.chatbi-sql": 0, "p.chatbi-summary": 0, "ol.chatbi-steps": 0, "table.chatbi-table": 0}
    shown["svg.chatbi-static-chart"] = 0
    for cell in answers:
        saved = BeautifulSoup(_answer_html(cell), "html.parser").find("div", class_="chatbi-static")
        exported = offline.find("div", attrs={"data-chatbi-answer": saved["data-chatbi-answer"]})
        assert exported is not None, f"the answer to {cell.source!r} is not in the exported page"
        for part in shown:  # each part the answer has (one that failed has no table), as saved
            if saved.select_one(part) is None:
                continue
            drawn = exported.select_one(part)
            assert drawn is not None, f"{part} of {cell.source!r} is not in the exported page"
            assert drawn.get_text() == saved.select_one(part).get_text()
            assert len(drawn.find_all(True)) == len(saved.select_one(part).find_all(True))
            shown[part] += 1
    assert shown["pre.chatbi-sql"] == 6 and min(shown.values()) >= 4, shown
    # nothing outside the widget (which cannot render offline) hides the static copies
    assert not [style for style in offline.find_all("style") if "data-chatbi-answer" in style.get_text()]


def test_loading_the_model_leaves_no_progress_bar(tmp_path: Path) -> None:
    """With the transformers backend the first question loads the model in the kernel, and the first
    Accept the embedding model (to learn the correction); transformers draws a "Loading weights" bar for
    each. No cell may keep one."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_code_cell(source)
        for source in (
            "%load_ext chatbi_jupyterlab.notebook\n%chatbi connect demo\n"
            "%chatbi model --backend transformers",
            "%%ask\nList the customers in Chengdu whose first order was cancelled",
            "_ask_view.regenerate()",
            "_ask_view.accept()",
            "1 + 1",
        )
    ]
    cells = _code_cells(_execute(notebook, tmp_path))
    assert "loading the model" not in _text(cells[1])  # the stage line said it, and ended empty
    _answer_html(cells[1])
    _assert_no_progress_bars(cells)
    assert not [o for c in cells for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]


def test_connect_your_database() -> None:
    cells = _run("connect-your-database.ipynb")
    _assert_no_progress_bars(cells)
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
