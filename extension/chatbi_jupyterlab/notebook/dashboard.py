"""The adoption dashboard in a notebook: the figures table as text, then each figure of
:func:`feedback.dashboard.dashboard_figures` as one output that carries the live plotly chart
(``application/vnd.plotly.v1+json``, which JupyterLab draws without fetching anything) and the same chart
as inline SVG (``text/html``), which saved, exported and offline notebooks show.

Example:
    >>> from feedback.stats import AdoptionStats, DayStats
    >>> day = DayStats(questions=2, answered=2, outcomes={"accepted": 2}, day="2026-03-02")
    >>> bundles = dashboard_bundles(AdoptionStats(questions=2, answered=2, days=[day]))
    >>> len(bundles), sorted(bundles[0])
    (6, ['application/vnd.plotly.v1+json', 'text/html', 'text/plain'])
    >>> "<svg" in bundles[0]["text/html"], "<script" in bundles[0]["text/html"]
    (True, False)
"""

from __future__ import annotations

from typing import Any

from chatbi_jupyterlab.notebook.answer_chart import plotly_bundle
from chatbi_jupyterlab.notebook.answer_html import figure_html
from feedback.dashboard import dashboard_figures
from feedback.stats import AdoptionStats
from feedback.stats_report import stats_report


def dashboard_bundles(stats: AdoptionStats) -> list[dict[str, Any]]:
    """One mime bundle per dashboard figure: live plotly, static SVG, and its title as plain text."""
    bundles = []
    for figure in dashboard_figures(stats).values():
        bundle = plotly_bundle(figure)
        bundle["text/html"] = figure_html(figure)
        bundle["text/plain"] = figure.layout.title.text or ""
        bundles.append(bundle)
    return bundles


def show_dashboard(stats: AdoptionStats) -> None:
    """Print the figures table (:func:`feedback.stats_report.stats_report`) and show each figure."""
    from IPython.display import display

    print(stats_report(stats))
    for bundle in dashboard_bundles(stats):
        display(bundle, raw=True)
