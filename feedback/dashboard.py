"""The adoption dashboard: plotly figures of :class:`feedback.stats.AdoptionStats`.

Figures are data (no widget, no display): the notebook shows them (``notebooks/adoption.ipynb``, through
:mod:`chatbi_jupyterlab.notebook.dashboard`, which also draws each as SVG for saved and offline notebooks).

Example:
    >>> from feedback.stats import AdoptionStats, DayStats
    >>> day = DayStats(questions=3, answered=2, outcomes={"accepted": 2, "error": 1}, day="2026-03-02")
    >>> figures = dashboard_figures(AdoptionStats(questions=3, answered=2, days=[day]))
    >>> list(figures)
    ['questions', 'shares', 'edits', 'latency', 'errors', 'versions']
    >>> [(trace.name, list(trace.y)) for trace in figures["questions"].data][:2]
    [('accepted', [2]), ('edited', [0])]
    >>> dashboard_figures(AdoptionStats())
    {}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedback.edit_kinds import EDIT_LABELS
from feedback.stats import OUTCOMES, AdoptionStats

if TYPE_CHECKING:
    import plotly.graph_objects as go

OUTCOME_COLORS = {
    "accepted": "#00cc96",
    "edited": "#ffa15a",
    "rejected": "#ef553b",
    "error": "#ab63fa",
    "no verdict": "#b0b0b0",
}
"""One colour per outcome, the same in every figure."""
SHARES = ("answered", "accepted", "edited", "rejected", "regenerated")
"""The shares per day the shares figure draws."""
SHARE_COLORS = {**OUTCOME_COLORS, "answered": "#636efa", "regenerated": "#19d3f3"}
"""The colours of the shares figure's lines."""
TOP_ERRORS = 10
"""The errors figure shows at most this many tables and as many columns."""


def dashboard_figures(stats: AdoptionStats) -> dict[str, go.Figure]:
    """The dashboard's figures by name: ``questions`` per day stacked by outcome, ``shares`` answered,
    accepted, edited, rejected and regenerated per day, ``edits`` by kind, ``latency`` p50/p95 per day,
    ``errors`` by table and column, ``versions`` (questions per day by model/adapter version); none for no
    questions."""
    if stats.empty:
        return {}
    return {
        "questions": questions_figure(stats),
        "shares": shares_figure(stats),
        "edits": edits_figure(stats),
        "latency": latency_figure(stats),
        "errors": errors_figure(stats),
        "versions": versions_figure(stats),
    }


def questions_figure(stats: AdoptionStats) -> go.Figure:
    """Questions per day, stacked by outcome.

    Example:
        >>> questions_figure(AdoptionStats()).layout.barmode
        'stack'
    """
    import plotly.graph_objects as go

    days = [day.day for day in stats.days]
    traces = [
        go.Bar(
            name=outcome,
            x=days,
            y=[day.outcomes.get(outcome, 0) for day in stats.days],
            marker_color=OUTCOME_COLORS[outcome],
        )
        for outcome in OUTCOMES
    ]
    return go.Figure(traces, layout=_layout("Questions per day, by outcome", "questions", barmode="stack"))


def shares_figure(stats: AdoptionStats) -> go.Figure:
    """The share of each day's questions answered without error, accepted unchanged, edited, rejected,
    and regenerated (the user asked the model for another answer at least once).

    Example:
        >>> [trace.name for trace in shares_figure(AdoptionStats()).data]
        ['answered', 'accepted', 'edited', 'rejected', 'regenerated']
    """
    import plotly.graph_objects as go

    days = [day.day for day in stats.days]
    traces = [
        go.Scatter(
            name=name,
            x=days,
            y=[day.share(name) for day in stats.days],
            mode="lines+markers",
            line={"color": SHARE_COLORS[name]},
        )
        for name in SHARES
    ]
    figure = go.Figure(traces, layout=_layout("Share of questions per day", "share of questions"))
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    return figure


def edits_figure(stats: AdoptionStats) -> go.Figure:
    """Edited answers by kind of edit (an edit of several kinds counts under each).

    Example:
        >>> list(edits_figure(AdoptionStats(edits={"join": 2})).data[0].y)
        [2]
    """
    import plotly.graph_objects as go

    kinds = [kind for kind, count in stats.edits.items() if count]
    bar = go.Bar(
        x=[EDIT_LABELS[kind] for kind in kinds],
        y=[stats.edits[kind] for kind in kinds],
        marker_color=OUTCOME_COLORS["edited"],
        name="edits",
    )
    return go.Figure(bar, layout=_layout("Edits by kind", "edited answers"))


def latency_figure(stats: AdoptionStats) -> go.Figure:
    """The median and 95th-percentile seconds of each day's answers.

    Example:
        >>> [trace.name for trace in latency_figure(AdoptionStats()).data]
        ['p50', 'p95']
    """
    import plotly.graph_objects as go

    days = [day for day in stats.days if day.latency.count]
    traces = [
        go.Scatter(
            name=name,
            x=[day.day for day in days],
            y=[getattr(day.latency, name) for day in days],
            mode="lines+markers",
        )
        for name in ("p50", "p95")
    ]
    return go.Figure(traces, layout=_layout("Answer latency per day", "seconds"))


def errors_figure(stats: AdoptionStats) -> go.Figure:
    """The tables and the columns errors name most (at most :data:`TOP_ERRORS` of each), as horizontal
    bars, a colour each.

    Example:
        >>> figure = errors_figure(AdoptionStats(error_tables={"ordres": 2}, error_columns={"o.amout": 1}))
        >>> [(trace.name, list(trace.y), list(trace.x)) for trace in figure.data]
        [('tables', ['ordres'], [2]), ('columns', ['o.amout'], [1])]
    """
    import plotly.graph_objects as go

    traces = [
        go.Bar(
            y=[name for name, _ in top],
            x=[count for _, count in top],
            orientation="h",
            marker_color=color,
            name=name,
        )
        for name, top, color in (
            ("tables", list(stats.error_tables.items())[:TOP_ERRORS], OUTCOME_COLORS["error"]),
            ("columns", list(stats.error_columns.items())[:TOP_ERRORS], OUTCOME_COLORS["rejected"]),
        )
    ]
    figure = go.Figure(traces, layout=_layout("Errors by table and column", ""))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="errors")
    return figure


def versions_figure(stats: AdoptionStats) -> go.Figure:
    """Questions per day, stacked by the model/adapter version that answered.

    Example:
        >>> from feedback.stats import VersionStats
        >>> version = VersionStats("qwen", "qwen", None, 1, "2026-03-02", "2026-03-02")
        >>> [trace.name for trace in versions_figure(AdoptionStats(versions=[version])).data]
        ['qwen']
    """
    import plotly.graph_objects as go

    days = [day.day for day in stats.days]
    traces = [
        go.Bar(name=version.version, x=days, y=[day.versions.get(version.version, 0) for day in stats.days])
        for version in stats.versions
    ]
    return go.Figure(
        traces, layout=_layout("Model and adapter versions over time", "questions", barmode="stack")
    )


def _layout(title: str, y_title: str, **more: object) -> dict[str, object]:
    return {
        "title": {"text": title},
        "yaxis": {"title": {"text": y_title}},
        "legend": {"traceorder": "normal"},
        **more,
    }
