"""The adoption notebook runs headless in a real kernel, offline, and shows the dashboard: the figures
table, then each figure as a live plotly chart with an SVG copy for saved and exported notebooks; then the
review view of the candidate corrections (its plain text where widgets do not render)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_feedback_stats import team_log  # noqa: F401 (a fixture)

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "adoption.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"
WIDGET = "application/vnd.jupyter.widget-view+json"


def _run(log: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    """The notebook's code cells as run on the feedback log ``log`` (the kernel reads the environment)."""
    monkeypatch.setenv("CHATBI_FEEDBACK_URL", str(log))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(NOTEBOOK.parent))
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _printed(cell) -> str:
    return "".join(
        o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"
    )


def test_the_notebook_shows_a_teams_log(team_log: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    cells = _run(team_log, monkeypatch)
    assert not [o for c in cells for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert _printed(cells[0]) == "", "a log with questions is shown as it is"
    dashboard = next(c for c in cells if "show_dashboard(stats)" in c.source)
    table = _printed(dashboard).splitlines()
    assert table[0] == "13 questions from 2 users, 2026-03-01 to 2026-03-03"
    assert table[6].split() == ["all", "13", "11", "3", "5", "2", "1", "2", "0", "1.25", "4.00"]
    figures = [o for o in dashboard.outputs if o.output_type == "display_data"]
    titles = [o.data["text/plain"] for o in figures]
    assert titles == [
        "Questions per day, by outcome",
        "Share of questions per day",
        "Edits by kind",
        "Answer latency per day",
        "Errors by table and column",
        "Model and adapter versions over time",
    ]
    for figure in figures:
        assert PLOTLY in figure.data, "the live chart"
        static = figure.data["text/html"]
        assert "<svg" in static and "<script" not in static and "cdn" not in static.lower()
    edits = figures[2].data[PLOTLY]["data"][0]
    assert edits["x"] == ["filter value", "time window", "columns or measures", "join", "limit or order"]
    shares = next(c for c in cells if "stats.share('answered')" in c.source)
    assert _printed(shares) == (
        "answered 85%, accepted unchanged 23%, edited 38%, rejected 15%, regenerated 0% (0 times)\n"
    )
    review = next(c for c in cells if "review_view(" in c.source)
    (shown,) = [o for o in review.outputs if o.output_type == "display_data"]
    assert shown.data["text/plain"] == "0 candidates waiting for review on demo", "the team asked about shop"


def test_an_empty_log_shows_the_demo_teams_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cells = _run(tmp_path / "feedback.sqlite", monkeypatch)
    assert _printed(cells[0]) == (
        "the feedback log holds no questions yet: below, a demo team's log on the demo database\n"
    )
    dashboard = next(c for c in cells if "show_dashboard(stats)" in c.source)
    assert _printed(dashboard).startswith("138 questions from 3 users, 2026-06-17 to 2026-06-30\n")
    assert len([o for o in dashboard.outputs if o.output_type == "display_data" and PLOTLY in o.data]) == 6
    review = next(c for c in cells if "review_view(" in c.source)
    (shown,) = [o for o in review.outputs if o.output_type == "display_data"]
    assert WIDGET in shown.data, "the live view"
    text = shown.data["text/plain"]
    assert text.startswith("7 candidates waiting for review on demo\n\n#"), text[:200]
    assert "How many customers are in each segment?" in text and "first rows of the corrected SQL:" in text
