"""The adoption dashboard on the wire: the figures ``chatbi feedback stats`` and ``notebooks/adoption.ipynb``
show (:func:`feedback.dashboard.dashboard_figures`), each as plotly JSON themed as the panel's answer chart.

Example:
    >>> import os, tempfile
    >>> from feedback import FeedbackLog
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"))
    >>> _ = log.record("generated", database="shop", question="How many orders?", sql="SELECT 1")
    >>> board = dashboard_wire(log)
    >>> board.questions, board.outcomes["no verdict"], [figure.name for figure in board.figures][:2]
    (1, 1, ['questions', 'shares'])
    >>> "template" in board.figures[0].figure["layout"]
    False
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.errors import BadRequestError
from chatbi_jupyterlab.notebook.answer_chart import PLOTLY_MIMETYPE, plotly_bundle
from feedback.dashboard import dashboard_figures
from feedback.stats import adoption_stats

if TYPE_CHECKING:
    from feedback import FeedbackLog


def dashboard_wire(
    log: FeedbackLog, *, since: date | None = None, database: str | None = None, connection: str | None = None
) -> wire.Dashboard:
    """The adoption figures of ``log``'s events of UTC day ``since`` and later about ``database`` (the
    database connection ``connection`` opens, named as events name it)."""
    stats = adoption_stats(log, since=since, database=database)
    figures = [
        wire.DashboardFigure(name, figure.layout.title.text or "", plotly_bundle(figure)[PLOTLY_MIMETYPE])
        for name, figure in dashboard_figures(stats).items()
    ]
    return wire.Dashboard(
        stats.since, connection, stats.questions, stats.answered, dict(stats.outcomes), figures
    )


def parse_since(text: str | None) -> date | None:
    """The ``since`` query parameter, a UTC day; :class:`BadRequestError` when it is not one.

    Example:
        >>> parse_since("2026-03-02"), parse_since("")
        (datetime.date(2026, 3, 2), None)
    """
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequestError(f"since takes a day as YYYY-MM-DD, not {text!r}") from None
