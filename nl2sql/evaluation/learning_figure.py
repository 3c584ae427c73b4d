"""The learning curve of ``chatbi bench learning`` as a plotly figure: EX on the held-out questions
after each number of corrections, on all of them, on those a correction covers by then and on the rest,
for one run or several drawn together (:mod:`nl2sql.evaluation.learning`).

Each run has its colour and each subset its dash; a subset with no question at a point (nothing is
covered before the first correction) leaves a gap. A run that retrained after its last point
(``--retrain``) has a star per subset there. The legend names each run by its databases and how
many questions it held out; when every run has the same databases, the x axis names them instead.

Example:
    >>> part = lambda n, ex: {"n": n, "ex": ex}
    >>> point = lambda c, ex, cov, unc: {"corrections": c, "all": part(4, ex),
    ...     "covered": part(2 if cov is not None else 0, cov or 0.0), "uncovered": part(2, unc)}
    >>> summary = {"databases": ["car_1"], "by_point": [point(0, 0.5, None, 0.5), point(10, 0.75, 1.0, 0.5)]}
    >>> figure = learning_figure([summary])
    >>> for trace in figure.data:
    ...     print(trace.name, list(trace.x), list(trace.y), trace.line.dash)
    4 held out: all [0, 10] [0.5, 0.75] solid
    4 held out: covered [0, 10] [None, 1.0] dash
    4 held out: uncovered [0, 10] [0.5, 0.5] dot
    >>> figure.layout.yaxis.range, figure.layout.xaxis.title.text
    ((0, 1), 'corrections per database (car_1)')
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explain.figure_svg import PALETTE, Page, figure_svg
from nl2sql.errors import ChatBIError

if TYPE_CHECKING:
    import plotly.graph_objects as go

TITLE = "EX on held-out questions after reviewed corrections"
SUBSETS = (
    ("all", "all", "solid"),
    ("covered", "covered", "dash"),
    ("uncovered", "uncovered", "dot"),
)
"""Each subset of the held-out questions drawn: its key in ``by_point``, its legend name, its dash."""


class LearningFigureError(ChatBIError, ValueError):
    """The learning curve cannot be drawn or written: a file that is not a learning run's JSON, a
    destination that is not an SVG or HTML file, or plotly missing."""


def run_name(summary: dict[str, Any], *, databases: bool = True) -> str:
    """How the figure's legend names a run: its databases (unless every run has the same: the x axis
    names them), how many questions it held out (all: every one its corrections left), and how corrections
    reached them when not every way.

    Example:
        >>> points = [{"all": {"n": 80}}]
        >>> summary = {"databases": ["car_1", "world_1"], "by_point": points, "teach": "examples"}
        >>> run_name(summary), run_name(summary, databases=False)
        ('car_1, world_1: 80 held out, teach examples', '80 held out, teach examples')
    """
    held_out = summary["by_point"][-1]["all"]["n"]
    teach = summary.get("teach", "all")
    every = " (all)" if summary.get("limit_eval", 0) is None else ""  # every question the pool left
    if summary.get("skip_eval"):
        every += f" after the first {summary['skip_eval']}"
    name = f"{held_out} held out{every}" + ("" if teach == "all" else f", teach {teach}")
    return f"{', '.join(summary['databases'])}: {name}" if databases else name


def learning_figure(summaries: Sequence[dict[str, Any]]) -> go.Figure:
    """The learning curves of ``summaries`` (each a run's JSON) in one figure: x the corrections made
    on each database (all reviewed and approved), y the EX from 0 to 1, three lines per run.

    Raises:
        LearningFigureError: plotly is not installed.
    """
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise LearningFigureError(
            "drawing the learning curve needs plotly: pip install 'chatbi[notebook]'"
        ) from None

    shared = len({tuple(summary["databases"]) for summary in summaries}) == 1
    runs = [run_name(summary, databases=not shared) for summary in summaries]
    runs = [f"{run}, run {index + 1}" if runs.count(run) > 1 else run for index, run in enumerate(runs)]
    across = "corrections per database" + (f" ({', '.join(summaries[0]['databases'])})" if shared else "")
    traces = []
    for index, (summary, run) in enumerate(zip(summaries, runs, strict=True)):
        color = PALETTE[index % len(PALETTE)]
        points = summary["by_point"]
        for key, name, dash in SUBSETS:
            traces.append(
                go.Scatter(
                    x=[point["corrections"] for point in points],
                    y=[point[key]["ex"] if point[key]["n"] else None for point in points],
                    customdata=[point[key]["n"] for point in points],
                    hovertemplate="%{y:.3f} on %{customdata} questions<extra></extra>",
                    mode="lines+markers",
                    name=f"{run}: {name}",
                    line={"color": color, "dash": dash},
                )
            )
        traces += _retrained_traces(summary, run, color)
    return go.Figure(
        traces,
        layout={
            "title": {"text": TITLE},
            "xaxis": {"title": {"text": across}},
            "yaxis": {"title": {"text": "execution accuracy (EX)"}, "range": [0, 1]},
        },
    )


def _retrained_traces(summary: dict[str, Any], run: str, color: str) -> list[go.Scatter]:
    """A run's EX after the retraining that followed its last point (``bench learning --retrain``), a
    star per subset above that point; none when it did not retrain."""
    import plotly.graph_objects as go

    retrained = summary.get("retrained")
    if not retrained:
        return []
    point = retrained["summary"]
    return [
        go.Scatter(
            x=[point["corrections"]],
            y=[point[key]["ex"]],
            customdata=[point[key]["n"]],
            hovertemplate="%{y:.3f} on %{customdata} questions, retrained<extra></extra>",
            mode="markers",
            name=f"{run}: {name} after retraining",
            marker={"color": color, "symbol": "star", "size": 11},
        )
        for key, name, _ in SUBSETS
        if point[key]["n"]
    ]


def check_destinations(svg: Path | None = None, html: Path | None = None) -> None:
    """Refuse a destination of the figure that is not an .svg (an .html) file, before anything is
    written or measured: a results file named by mistake is not overwritten.

    Example:
        >>> try:
        ...     check_destinations(svg=Path("results.json"))
        ... except LearningFigureError as error:
        ...     print(error)
        results.json is not an .svg file: the figure is written to one
    """
    for path, suffix in ((svg, ".svg"), (html, ".html")):
        if path is not None and path.suffix.lower() != suffix:
            raise LearningFigureError(f"{path} is not an {suffix} file: the figure is written to one")


def write_learning_figure(
    summaries: Sequence[dict[str, Any]], svg: Path | None = None, html: Path | None = None
) -> None:
    """Draw :func:`learning_figure` of ``summaries`` to ``svg``, a drawing that stands alone
    (:class:`explain.figure_svg.Page`: a white page, as a Markdown page shows it), and to ``html``, the
    live figure with plotly.js inside it (it fetches nothing).

    Raises:
        LearningFigureError: a destination is not an .svg (an .html) file, or cannot be written.
    """
    check_destinations(svg, html)
    figure = learning_figure(summaries)
    try:
        if svg is not None:
            svg.parent.mkdir(parents=True, exist_ok=True)
            svg.write_text(figure_svg(figure, Page()) + "\n", encoding="utf-8")
        if html is not None:
            html.parent.mkdir(parents=True, exist_ok=True)
            figure.write_html(html, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    except OSError as error:
        raise LearningFigureError(f"the figure cannot be written: {error}") from None


def read_learning_results(path: Path) -> dict[str, Any]:
    """The run saved at ``path`` by ``chatbi bench learning --json``.

    Raises:
        LearningFigureError: the file is missing, is not JSON, or holds no EX per number of corrections.

    Example:
        >>> try:
        ...     read_learning_results(Path("no-such-run.json"))
        ... except LearningFigureError as error:
        ...     print(error)
        no-such-run.json does not exist
    """
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LearningFigureError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LearningFigureError(f"{path} cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise LearningFigureError(f"{path} is not JSON (line {error.lineno}: {error.msg})") from None
    if not _is_learning_run(summary):
        raise LearningFigureError(
            f"{path} is not what `chatbi bench learning --json` writes (its databases and EX by corrections)"
        )
    return summary


def _is_learning_run(summary: Any) -> bool:
    """Whether ``summary`` has the parts :func:`learning_figure` draws."""
    if not isinstance(summary, dict) or not isinstance(summary.get("databases"), list):
        return False
    points = summary.get("by_point")
    if not isinstance(points, list) or not points:
        return False

    def part(point: Any, key: str) -> bool:
        value = point.get(key)
        return isinstance(value, dict) and _number(value.get("ex")) and _number(value.get("n"))

    return all(
        isinstance(point, dict)
        and _number(point.get("corrections"))
        and all(part(point, key) for key, _, _ in SUBSETS)
        for point in points
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
