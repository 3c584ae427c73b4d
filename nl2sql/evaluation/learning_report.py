"""The learning benchmark's summaries: EX per point, on all held-out questions and apart on those a
correction covers and the rest; and its row in BENCHMARKS.md.

Example:
    >>> asked = {"examples": [], "seconds": 1.0, "out_of_time": False}
    >>> answers = {"0": {**asked, "right": False, "path": "sql"},
    ...            "2": {**asked, "right": True, "path": "verified"}}
    >>> question = {"covered": {"0": False, "2": True}, "answers": answers}
    >>> store = {0: {"approved": 0, "suggestions": {}}, 2: {"approved": 2, "suggestions": {}}}
    >>> last = by_point([question], {"db": {"corrections": {"store": store}}}, [0, 2])[-1]
    >>> last["covered"], last["uncovered"]["n"], last["paths"]
    ({'n': 1, 'ex': 1.0, 'ex_at_first': 0.0, 'lift': 1.0}, 0, {'verified': 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from feedback.suggestions import ACCEPTED
from nl2sql.evaluation.latency import percentile

RETRAINED = "retrained"
"""The key of the answers after a retraining that followed the last point, beside the points'."""

LEARNING_HEADING = "## Learning from reviewed corrections (the product's loop)"
LEARNING_HEADER = (
    "| databases | held out | EX by corrections | covered at last: n, at first → last"
    " | uncovered at last: n, at first → last | lift | uncovered lift | approved | suggestions"
    " | semantic model | p50 s first / last | machine | model | date | command |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def by_point(
    questions: list[dict[str, Any]], runs: dict[str, dict[str, Any]], points: Sequence[int]
) -> list[dict[str, Any]]:
    """Per point: EX on all held-out questions, on those covered by then and on the rest, each beside
    the same questions' EX at the first point."""
    return [_point(questions, runs, str(point), point, str(points[0])) for point in points]


def retrained_point(
    questions: list[dict[str, Any]], runs: dict[str, dict[str, Any]], points: Sequence[int]
) -> dict[str, Any]:
    """As :func:`by_point`, for the answers after the retraining that followed the last point (the
    corrections then approved taught it).

    Example:
        >>> asked = {"examples": [], "seconds": 1.0, "out_of_time": False, "path": "sql"}
        >>> answers = {"0": {**asked, "right": False}, "retrained": {**asked, "right": True}}
        >>> question = {"covered": {"0": False, "retrained": False}, "answers": answers}
        >>> store = {0: {"approved": 0, "suggestions": {}}}
        >>> point = retrained_point([question], {"db": {"corrections": {"store": store}}}, [0])
        >>> point["retrained"], point["corrections"], point["uncovered"]["lift"]
        (True, 0, 1.0)
    """
    return {**_point(questions, runs, RETRAINED, points[-1], str(points[0])), "retrained": True}


def _point(
    questions: list[dict[str, Any]], runs: dict[str, dict[str, Any]], at: str, point: int, first: str
) -> dict[str, Any]:
    """The summary of the answers under ``at``, given after ``point`` corrections."""

    def subset(keep: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        chosen = [q for q in questions if keep(q)]
        ex = _ex([q["answers"][at]["right"] for q in chosen])
        before = _ex([q["answers"][first]["right"] for q in chosen])
        return {"n": len(chosen), "ex": ex, "ex_at_first": before, "lift": round(ex - before, 4)}

    answers = [q["answers"][at] for q in questions]
    states = [run["corrections"]["store"][point] for run in runs.values()]
    return {
        "corrections": point,
        "approved": sum(state["approved"] for state in states),
        "suggestions_accepted": sum(state["suggestions"].get(ACCEPTED, 0) for state in states),
        "all": subset(lambda q: True),
        "covered": subset(lambda q: q["covered"][at]),
        "uncovered": subset(lambda q: not q["covered"][at]),
        "paths": dict(Counter(a["path"] for a in answers)),
        "with_examples": sum(bool(a["examples"]) for a in answers),
        "out_of_time": sum(a["out_of_time"] for a in answers),
        "p50_seconds": percentile([a["seconds"] for a in answers], 50),
    }


def _ex(rights: list[bool]) -> float:
    return round(sum(rights) / len(rights), 4) if rights else 0.0


def learning_row(summary: dict[str, Any], command: str) -> str:
    """One Markdown row of BENCHMARKS.md's learning table: every point of the run together.

    Example:
        >>> part = {"n": 2, "ex": 0.5, "ex_at_first": 0.5, "lift": 0.0}
        >>> point = lambda n, ex: {"corrections": n, "approved": n, "suggestions_accepted": 0,
        ...     "all": {**part, "ex": ex, "lift": ex - 0.5}, "covered": part, "uncovered": part,
        ...     "p50_seconds": 1.2}
        >>> summary = {"databases": ["car_1"], "by_point": [point(0, 0.5), point(2, 0.75)],
        ...     "semantic": "none", "machine": "x86_64, 2 cores", "model_id": "m",
        ...     "started_at": "2026-01-02T10:00:00+00:00"}
        >>> learning_row(summary, "chatbi bench learning").split(" | ")[:6]
        ['| car_1', '2', '0: 0.500, 2: 0.750', '2: 0.500 → 0.500', '2: 0.500 → 0.500', '+25.0 pts']
    """
    points, first, last = summary["by_point"], summary["by_point"][0], summary["by_point"][-1]

    def before_after(part: dict[str, Any]) -> str:
        return f"{part['n']}: {part['ex_at_first']:.3f} → {part['ex']:.3f}"

    cells = [
        ", ".join(summary["databases"]),
        str(last["all"]["n"]),
        ", ".join(f"{p['corrections']}: {p['all']['ex']:.3f}" for p in points) + _retrained_cell(summary),
        before_after(last["covered"]),
        before_after(last["uncovered"]),
        f"{last['all']['lift'] * 100:+.1f} pts",
        f"{last['uncovered']['lift'] * 100:+.1f} pts",
        str(last["approved"]),
        str(last["suggestions_accepted"]),
        summary["semantic"] + ("" if summary.get("teach", "all") == "all" else f"; teach {summary['teach']}"),
        f"{first['p50_seconds']} / {last['p50_seconds']}",
        summary["machine"],
        summary["model_id"],
        summary["started_at"][:10],
        f"`{command}`",
    ]
    return "| " + " | ".join(cells) + " |"


def _retrained_cell(summary: dict[str, Any]) -> str:
    """The EX after the retraining, when the run retrained, as the row's EX cell ends."""
    retrained = summary.get(RETRAINED)
    if not retrained:
        return ""
    point = retrained["summary"]
    uncovered = point["uncovered"]
    return (
        f", {point['corrections']} + retraining: {point['all']['ex']:.3f}"
        f" (uncovered {uncovered['ex_at_first']:.3f} → {uncovered['ex']:.3f})"
    )
