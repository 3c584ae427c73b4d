"""The adoption figures (:class:`feedback.stats.AdoptionStats`) as one plain-text table for the terminal:
a row per day, the whole period with its shares, a row per user, then edits by kind, rejections with
their reasons, regenerations and what they led to, errors by table and column, reviews, and the model
versions over time.

Example:
    >>> from feedback.stats import AdoptionStats
    >>> print(stats_report(AdoptionStats(database="shop")))
    no questions on shop in the feedback log yet: ask some (%%ask, chatbi ask) and they show here
"""

from __future__ import annotations

from feedback.edit_kinds import EDIT_LABELS
from feedback.stats import OUTCOMES, AdoptionStats, Latency, Tally

HEADERS = ("", "questions", "answered", *OUTCOMES, "regenerated", "p50 s", "p95 s")


def stats_report(stats: AdoptionStats) -> str:
    """``stats`` as text: a table, then one line per kind of detail; one line when there is nothing.

    Example:
        >>> from feedback.stats import DayStats, UserStats
        >>> tally = {"questions": 2, "answered": 2, "outcomes": {"accepted": 1, "no verdict": 1}}
        >>> stats = AdoptionStats(**tally, days=[DayStats(**tally, day="2026-03-02")],
        ...                       users=[UserStats(**tally, user="ann")])
        >>> print(stats_report(stats).splitlines()[0])
        2 questions from 1 user, 2026-03-02
    """
    where = f" on {stats.database}" if stats.database else ""
    since = f" since {stats.since}" if stats.since else ""
    if stats.empty:
        return (
            f"no questions{where}{since} in the feedback log yet: ask some (%%ask, chatbi ask) and they"
            " show here"
        )
    users = len(stats.users)
    period = stats.days[0].day if len(stats.days) == 1 else f"{stats.days[0].day} to {stats.days[-1].day}"
    lines = [
        f"{stats.questions} question{'s' * (stats.questions != 1)}{where} from {users} user"
        f"{'s' * (users != 1)}, {period}",
        "",
    ]
    rows: list[tuple[str, ...]] = [HEADERS]
    rows += [_row(day.day, day, day.latency) for day in stats.days]
    rows.append(_row("all", stats, stats.latency))
    shares = ("answered", *OUTCOMES, "regenerated")
    rows.append(("share", "", *(f"{stats.share(name):.0%}" for name in shares), "", ""))
    rows += [_row(f"user {user.user}", user, None) for user in stats.users]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    edited = stats.outcomes.get("edited", 0)
    kinds = ", ".join(f"{EDIT_LABELS[kind]} {count}" for kind, count in stats.edits.items() if count)
    lines.append(f"edits by kind: {kinds}" if edited else "edits by kind: no edits")
    rejected = stats.outcomes.get("rejected", 0)
    reasons = "; ".join(f"{reason} ({count})" for reason, count in stats.rejections.items())
    lines.append(f"rejected: {rejected}" + (f": {reasons}" if reasons else ""))
    lines.append(_regenerated(stats))
    lines.append(
        f"errors: {stats.errors}"
        + _named("tables", stats.error_tables)
        + _named("columns", stats.error_columns)
    )
    lines.append(
        f"reviews: {stats.reviews.get('approved', 0)} approved, {stats.reviews.get('declined', 0)} declined"
    )
    versions = "; ".join(
        f"{v.version} ({v.first_day}{'' if v.first_day == v.last_day else ' to ' + v.last_day},"
        f" {v.questions} question{'s' * (v.questions != 1)})"
        for v in stats.versions
    )
    lines.append(f"versions: {versions}")
    return "\n".join(lines)


def _row(label: str, tally: Tally, latency: Latency | None) -> tuple[str, ...]:
    timing = ("", "") if latency is None else (_seconds(latency.p50), _seconds(latency.p95))
    counts = (str(tally.outcomes.get(name, 0)) for name in OUTCOMES)
    return (label, str(tally.questions), str(tally.answered), *counts, str(tally.regenerated), *timing)


def _regenerated(stats: AdoptionStats) -> str:
    """How many questions were regenerated, how many times, and how those questions ended.

    Example:
        >>> outcomes = {"accepted": 1, "rejected": 1}
        >>> _regenerated(AdoptionStats(regenerated=2, regenerations=3, regenerated_outcomes=outcomes))
        'regenerated: 2 questions, 3 times; then accepted 1, rejected 1'
        >>> _regenerated(AdoptionStats())
        'regenerated: none'
    """
    if not stats.regenerated:
        return "regenerated: none"
    ended = ", ".join(f"{name} {count}" for name, count in stats.regenerated_outcomes.items() if count)
    questions = f"{stats.regenerated} question{'s' * (stats.regenerated != 1)}"
    times = f"{stats.regenerations} time{'s' * (stats.regenerations != 1)}"
    return f"regenerated: {questions}, {times}; then {ended}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _named(what: str, counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return f"; {what}: " + ", ".join(f"{name} ({count})" for name, count in counts.items())
