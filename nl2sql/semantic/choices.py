"""What a reader may change in a semantic query, and the query with their changes: the measures, the
groupings each measure can be broken down by, the time windows (with their dates in words) and the
time grains. The notebook's interpretation chips and the JupyterLab panel's "Read as" controls both
offer these choices (:func:`query_choices`) and apply them the same way (:func:`with_slots`), so the
two never list different windows or accept different changes.

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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nl2sql.semantic.describe import field_text, metric_text, window_text
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.query import GRAINS, SemanticQuery, SemanticQueryError

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
    metric_names = _with([m.name for m in model.metrics], query.metrics)
    metrics = tuple(
        MetricChoice(name, _metric_words(name, model, lang), groupings(model, [name]))
        for name in metric_names
    )
    dimensions = _with(groupings(model, []), query.group_by)
    return QueryChoices(
        metrics=metrics,
        group_by=tuple(Choice(name, _field_words(name, model, lang)) for name in dimensions),
        time_ranges=tuple(
            Choice(token, window_text(token, today, lang=lang))
            for token in _with(TIME_RANGES, [query.time_range])
        ),
        grains=tuple(Choice(grain, words[grain]) for grain in GRAINS),
    )


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


def with_slots(
    query: SemanticQuery,
    *,
    metrics: Sequence[str] | None = None,
    group_by: Sequence[str] | None = None,
    time_range: str | None = None,
    time_grain: str | None = None,
) -> SemanticQuery:
    """``query`` with the slots given (None keeps a slot as it is), read back through
    :meth:`SemanticQuery.from_dict`, so a change is checked as a whole query is; whether the names exist
    and the query compiles is :func:`nl2sql.semantic.route.reading_of`'s to say.

    Raises:
        SemanticQueryError: a slot holds what it cannot (a grain outside its list), or no measure is left.

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
    """
    data = query.to_dict()
    changes = {"metrics": metrics, "group_by": group_by, "time_range": time_range, "time_grain": time_grain}
    data.update({slot: value for slot, value in changes.items() if value is not None})
    changed = SemanticQuery.from_dict(data)
    if changed.intent == "metric" and not changed.metrics:
        raise SemanticQueryError("choose at least one measure")
    return changed


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
