"""What a reader may change in a semantic query, and the query with their changes: the measures, the
groupings each measure can be broken down by, the time windows (with their dates in words), the
time grains, the comparison with another period (and how the change is shown), the ranking (top or
bottom rows, overall or within a grouping) and the share of the whole. The notebook's interpretation
chips and the JupyterLab panel's "Read as" controls both offer these choices (:func:`query_choices`)
and apply them the same way (:func:`with_slots`), so the two never list different windows or accept
different changes.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model = demo_semantic_model()
    >>> query = SemanticQuery(metrics=("customer_count",), group_by=("segment",), time_range="last_year")
    >>> choices = query_choices(query, model, today=date(2026, 6, 30))
    >>> [c.text for c in choices.time_ranges][:3]
    ['all time', 'this month (2026-06-01 to 2026-06-30)', 'last month (2026-05-01 to 2026-05-31)']
    >>> "category" in groupings(model, ["customer_count"]), "category" in groupings(model, ["revenue"])
    (False, True)
    >>> with_slots(query, time_range="this_year", time_grain="month").time_grain
    'month'
    >>> [c.value for c in choices.comparisons]
    ['none', 'previous_period', 'same_period_last_year']
    >>> with_slots(query, direction="top", n=3, within="segment").ranking
    Ranking(direction='top', n=3, within='segment', by=None, values_only=False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, TypedDict, Unpack

from nl2sql.semantic.describe import field_text, metric_text, window_text
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.query import (
    COMPARISONS,
    DIRECTIONS,
    GRAINS,
    SHOWN_CHANGES,
    Comparison,
    Ranking,
    SemanticQuery,
    SemanticQueryError,
)

if TYPE_CHECKING:
    from datetime import date

    from nl2sql.semantic.model import Metric, SemanticModel

TIME_RANGES = (
    "all",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_year",
    "last_year",
    "last_7_days",
    "last_30_days",
    "last_3_months",
    "last_12_months",
)
"""The windows offered besides the one the question set (:mod:`nl2sql.semantic.timerange` tokens)."""

GRAIN_WORDS = {
    "en": {"none": "(no time buckets)", "day": "day", "week": "week", "month": "month", "quarter": "quarter",
           "year": "year"},
    "zh": {"none": "（不按时间分组）", "day": "天", "week": "周", "month": "月", "quarter": "季度",
           "year": "年"},
}  # fmt: skip
"""Each time grain in words, in English and Chinese."""

COMPARISON_WORDS = {
    "en": {"none": "no comparison", "previous_period": "with the previous period",
           "same_period_last_year": "with the same period last year"},
    "zh": {"none": "不对比", "previous_period": "环比上一周期", "same_period_last_year": "同比去年同期"},
}  # fmt: skip
"""Each comparison (:data:`nl2sql.semantic.query.COMPARISONS`) in words."""

SHOWN_WORDS = {
    "en": {"value": "both values", "delta": "the difference", "percent": "the percent change"},
    "zh": {"value": "两期数值", "delta": "差值", "percent": "变化百分比"},
}  # fmt: skip
"""What a comparison adds beside both values (:data:`nl2sql.semantic.query.SHOWN_CHANGES`), in words."""

DIRECTION_WORDS = {
    "en": {"none": "all rows", "top": "the top", "bottom": "the bottom"},
    "zh": {"none": "全部", "top": "前", "bottom": "后"},
}  # fmt: skip
"""Each ranking direction (:data:`nl2sql.semantic.query.DIRECTIONS`) in words."""

OVERALL_WORDS = {"en": "overall", "zh": "整体"}
"""A ranking over all rows, not within each value of a grouping (``within`` is ``""``)."""

RANKED_ROWS = 10
"""The rows a ranking keeps when a reader turns it on without saying how many."""


@dataclass(frozen=True)
class Choice:
    """One value a slot can take, and how a reader sees it."""

    value: str
    text: str


@dataclass(frozen=True)
class MetricChoice:
    """A measure a reader can pick, with the groupings it can be broken down by."""

    value: str
    text: str
    group_by: tuple[str, ...]
    """The dimensions reachable from the measure's table (or its finer equivalent's) without repeating
    the rows it aggregates."""


@dataclass(frozen=True)
class QueryChoices:
    """Every choice of the changeable slots of one semantic query, in the reader's language."""

    metrics: tuple[MetricChoice, ...]
    group_by: tuple[Choice, ...]
    """Every dimension a measure of the model can be broken down by, and those the query has."""
    time_ranges: tuple[Choice, ...]
    grains: tuple[Choice, ...]
    comparisons: tuple[Choice, ...]
    """The periods the values can be compared with; none but ``none`` when the query cannot be compared
    (a ratio, a bound on a metric)."""
    shows: tuple[Choice, ...]
    """What a comparison adds beside both values."""
    directions: tuple[Choice, ...]
    within: tuple[Choice, ...]
    """What a ranking can be within: ``""`` (overall), every grouping, and the grains; only those the
    query groups by apply (:func:`within_choices`)."""
    share: bool
    """Whether each value can be shown as a share of the whole (not beside a ratio)."""


def query_choices(
    query: SemanticQuery, model: SemanticModel, *, today: date, lang: str = "en"
) -> QueryChoices:
    """The measures, groupings, windows and grains a reader may pick for ``query``; what the query has
    already (a window such as ``2025-03``, a synonym of a metric) is among them.

    Example:
        >>> from datetime import date
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> query = SemanticQuery(metrics=("revenue",), time_range="2025")
        >>> choices = query_choices(query, demo_semantic_model(), today=date(2026, 6, 30), lang="zh")
        >>> choices.time_ranges[-1], choices.grains[3]
        (Choice(value='2025', text='2025-01-01 至 2025-12-31'), Choice(value='month', text='月'))
        >>> next(m.text for m in choices.metrics if m.value == "revenue")
        '销售额'
    """
    words = GRAIN_WORDS.get(lang, GRAIN_WORDS["en"])
    compared = COMPARISONS if not (query.ratio or query.having) else ("none",)
    comparison_words = COMPARISON_WORDS.get(lang, COMPARISON_WORDS["en"])
    shown_words = SHOWN_WORDS.get(lang, SHOWN_WORDS["en"])
    direction_words = DIRECTION_WORDS.get(lang, DIRECTION_WORDS["en"])
    metric_names = _with([m.name for m in model.metrics], query.metrics)
    metrics = tuple(
        MetricChoice(name, _metric_words(name, model, lang), groupings(model, [name]))
        for name in metric_names
    )
    dimensions = _with(groupings(model, []), query.group_by)
    group_by = tuple(Choice(name, _field_words(name, model, lang)) for name in dimensions)
    grains = tuple(Choice(grain, words[grain]) for grain in GRAINS)
    return QueryChoices(
        metrics=metrics,
        group_by=group_by,
        time_ranges=tuple(
            Choice(token, window_text(token, today, lang=lang))
            for token in _with(TIME_RANGES, [query.time_range])
        ),
        grains=grains,
        comparisons=tuple(Choice(kind, comparison_words[kind]) for kind in compared),
        shows=tuple(Choice(show, shown_words[show]) for show in SHOWN_CHANGES),
        directions=tuple(Choice(direction, direction_words[direction]) for direction in DIRECTIONS),
        within=(Choice("", OVERALL_WORDS.get(lang, OVERALL_WORDS["en"])), *group_by, *grains[1:]),
        share=not query.ratio,
    )


def within_choices(choices: QueryChoices, group_by: Sequence[str], time_grain: str) -> tuple[Choice, ...]:
    """What a ranking can be within for a query grouped by ``group_by`` and bucketed by ``time_grain``:
    overall, each of its groupings, and its grain or a coarser one ("for each year, the top month").

    Example:
        >>> from datetime import date
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> query = SemanticQuery(metrics=("revenue",), group_by=("region",), time_grain="month")
        >>> choices = query_choices(query, demo_semantic_model(), today=date(2026, 6, 30))
        >>> [c.value for c in within_choices(choices, ["region"], "quarter")]
        ['', 'region', 'quarter', 'year']
    """
    coarser = GRAINS[GRAINS.index(time_grain) :] if time_grain in GRAINS[1:] else ()
    return tuple(c for c in choices.within if c.value == "" or c.value in group_by or c.value in coarser)


def groupings(model: SemanticModel, metrics: Iterable[str]) -> tuple[str, ...]:
    """The dimensions every one of ``metrics`` can be broken down by (all of the model's for none), in
    the model's order; key columns (``…_id``) are left out, and a name the model lacks reaches nothing.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> groupings(demo_semantic_model(), ["new_customers"])
        ('customer', 'industry', 'segment', 'city', 'region')
    """
    dimensions = [f for f in model.fields if f.kind == "dimension" and not f.name.endswith("_id")]
    tables: set[str] | None = None
    for name in metrics:
        try:
            metric = model.metric(name)
        except KeyError:
            return ()
        found = _reached(model, metric)
        tables = found if tables is None else tables & found
    if tables is not None:
        dimensions = [f for f in dimensions if f.table.lower() in tables]
    return tuple(dict.fromkeys(f.name for f in dimensions))


class ReadingSlots(TypedDict, total=False):
    """The slots of a reading that :func:`with_slots` sets, each by keyword; one left out or None stays
    as it is."""

    metrics: Sequence[str] | None
    group_by: Sequence[str] | None
    time_range: str | None
    time_grain: str | None
    comparison: str | None
    show: str | None
    direction: str | None
    n: int | None
    within: str | None
    share: bool | None


def with_slots(query: SemanticQuery, **slots: Unpack[ReadingSlots]) -> SemanticQuery:
    """``query`` with the :class:`ReadingSlots` given (None keeps a slot as it is), read back through
    :meth:`SemanticQuery.from_dict`, so a change is checked as a whole query is; whether the names exist
    and the query compiles is :func:`nl2sql.semantic.route.reading_of`'s to say.

    ``comparison`` is a kind of :data:`~nl2sql.semantic.query.COMPARISONS` (``none`` drops it), ``show``
    what it adds beside both values; ``direction`` (``none`` drops the ranking), ``n`` and ``within``
    (``""`` for overall) set the ranking, which keeps what it was ranked by while that is still in the
    result; ``share`` shows each value as a share of the whole.

    Raises:
        SemanticQueryError: a slot holds what it cannot (a grain outside its list), or no measure is left.
        TypeError: a keyword is no slot.

    Example:
        >>> with_slots(SemanticQuery(metrics=("revenue",)), time_grain="fortnight")
        Traceback (most recent call last):
        ...
        nl2sql.semantic.query.SemanticQueryError: time_grain must be one of none, day, week, month, \
quarter, year; not fortnight
        >>> with_slots(SemanticQuery(metrics=("revenue",)), metrics=[])
        Traceback (most recent call last):
        ...
        nl2sql.semantic.query.SemanticQueryError: choose at least one measure
        >>> with_slots(SemanticQuery(metrics=("revenue",)), grain="month")
        Traceback (most recent call last):
        ...
        TypeError: with_slots() got keywords that are no slot: grain
    """
    unknown = sorted(set(slots) - set(ReadingSlots.__annotations__))
    if unknown:
        raise TypeError(f"with_slots() got keywords that are no slot: {', '.join(unknown)}")
    given = {slot: value for slot, value in slots.items() if value is not None}
    data = query.to_dict()
    plain = ("metrics", "group_by", "time_range", "time_grain", "share")
    data.update({slot: given[slot] for slot in plain if slot in given})
    if given.keys() & {"comparison", "show"}:
        data["comparison"] = asdict(_compared(query.comparison, given.get("comparison"), given.get("show")))
    if given.keys() & {"direction", "n", "within"}:
        kept_metrics = tuple(given["metrics"]) if "metrics" in given else query.metrics
        compared = data["comparison"]["kind"] != "none"
        direction, n, within = (given.get(slot) for slot in ("direction", "n", "within"))
        ranking = _ranked(query.ranking, direction, n, within, kept_metrics, compared=compared)
        data["ranking"] = asdict(ranking)
    changed = SemanticQuery.from_dict(data)
    if changed.intent == "metric" and not changed.metrics:
        raise SemanticQueryError("choose at least one measure")
    return changed


def _compared(now: Comparison, kind: str | None, show: str | None) -> Comparison:
    """The comparison with ``kind`` and ``show`` set; its own period to compare with stays only while
    the kind does."""
    kind = now.kind if kind is None else kind
    if kind == "none":
        return Comparison()
    return Comparison(kind, now.show if show is None else show, now.against if kind == now.kind else None)


def _ranked(
    now: Ranking,
    direction: str | None,
    n: int | None,
    within: str | None,
    metrics: Sequence[str],
    *,
    compared: bool,
) -> Ranking:
    """The ranking with ``direction``, ``n`` and ``within`` (``""``: overall) set; it is by the first
    metric unless what it was by (a metric, or a metric's change) is still in the result."""
    direction = now.direction if direction is None else direction
    if direction == "none":
        return Ranking()
    by = now.by
    if (
        by is not None
        and by not in metrics
        and not (compared and any(by.startswith(f"{m}_") for m in metrics))
    ):
        by = None
    within = now.within if within is None else (within or None)
    return Ranking(direction, n if n is not None else (now.n or RANKED_ROWS), within, by)


def _reached(model: SemanticModel, metric: Metric) -> set[str]:
    """The tables ``metric`` reaches, or its finer equivalent does (the compiler switches to it)."""
    found: set[str] = set()
    seen: set[str] = set()
    current: Metric | None = metric
    while current is not None and current.name not in seen:
        seen.add(current.name)
        found |= set(reachable(model, current.table))
        try:
            current = model.metric(current.finer) if current.finer else None
        except KeyError:
            current = None
    return found


def _metric_words(name: str, model: SemanticModel, lang: str) -> str:
    try:
        return metric_text(name, model, lang=lang)
    except KeyError:
        return name


def _field_words(name: str, model: SemanticModel, lang: str) -> str:
    try:
        return field_text(name, model, lang=lang)
    except KeyError:
        return name


def _with(choices: Iterable[str], present: Iterable[str]) -> list[str]:
    """``choices`` with whatever is chosen already (a synonym the query used) kept too."""
    return list(dict.fromkeys([*choices, *present]))
