"""A metric of the rows a count names: "revenue from *new customers* last quarter", "*新客户*贡献的销售额",
"orders placed by new customers this year".

A count of rows by their own date (new customers: customers counted by when they signed up) named as
where another metric comes from is not a second figure: it says *which* rows, so the other metric is
filtered to the rows whose date falls in the question's window (a ``during`` filter, as "revenue from
customers who signed up this year" reads). The two are told apart from two figures asked side by side
("new customers and revenue") by what stands between them: "from", "by", "of" ("revenue *from* new
customers"), "贡献的", "带来的", "的" ("新客户*贡献的*销售额"). Without a window the rows are not known
(new since when?), and with a comparison the window would move under them: the phrase is then left
unread, so the question goes to generated SQL rather than to two unrelated numbers.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> query = map_question("revenue from new customers last quarter", demo_semantic_model()).query
    >>> query.metrics, query.time_range, query.filters
    (('revenue',), 'last_quarter', (Filter(field='signup_date', op='during', values=('last_quarter',)),))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.query import Filter

FROM_ROWS_EN = re.compile(
    r"\s*(?:(?:that|which)\s+)?(?:(?:was|were|is|are|has been|have been)\s+)?"
    r"(?:(?:came|come|comes|coming|generated|contributed|brought in|placed|made|spent|booked|driven)\s+)?"
    r"(?:from|by|of|among)\s+(?:(?:the|our|all)\s+)?"
)
"""What stands between a metric and the rows it comes from: "revenue *came from* new customers"."""
ROWS_OWN_EN = re.compile(r"\s*(?:'s?|’s?)\s+")
"""A possessive between the rows and their metric: "new customers' revenue"."""
FROM_ROWS_ZH = re.compile(
    r"\s*(?:(?:贡献|带来|产生|创造|带动|实现|下单|购买|消费)了?)?(?:的|了)?(?:多少|几)?(?:的)?\s*"
)
"""The same in Chinese, the rows first: "新客户*贡献的*销售额", "新客户*贡献了多少*营收",
"新客户*的*订单数"."""


@dataclass(frozen=True)
class CohortMetric:
    """What a metric of a counted cohort changes in a reading: the metrics left, the filter on the
    cohort's date (none when it cannot be applied), and the words left unread (then the question is
    not read at all)."""

    metrics: list[str]
    filters: list[Filter]
    unread: tuple[str, ...] = ()


def read_cohort_metric(
    text: str,
    matches: Sequence[Any],
    model: SemanticModel,
    metrics: list[str],
    time_range: str,
    comparison: str,
) -> CohortMetric | None:
    """A metric named as coming from the rows another metric counts ("revenue from new customers"),
    read as the first filtered to the rows whose own date is in ``time_range``; None when the question
    names no such pair. ``text`` has its windows blanked out; ``matches`` are the mapper's.

    Example:
        >>> from types import SimpleNamespace as Match
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> text = "新客户贡献的销售额"
        >>> found = [Match(start=0, end=3, kind="metric", target=model.metric("new_customers")),
        ...          Match(start=6, end=9, kind="metric", target=model.metric("revenue"))]
        >>> read_cohort_metric(text, found, model, ["new_customers", "revenue"], "this_year", "none")
        CohortMetric(metrics=['revenue'], filters=[Filter(field='signup_date', op='during', \
values=('this_year',))], unread=())
        >>> read_cohort_metric(text, found, model, ["new_customers", "revenue"], "all", "none").unread
        ('new_customers',)
        >>> apart = [found[0], Match(start=4, end=7, kind="metric", target=model.metric("revenue"))]
        >>> names = ["new_customers", "revenue"]
        >>> read_cohort_metric("新客户和销售额", apart, model, names, "this_year", "none")  # two figures
    """
    named = [m for m in matches if m.kind == "metric" and m.target.name in metrics]
    for cohort in named:
        clock = _cohort_clock(model, cohort.target)
        if clock is None:
            continue
        for other in named:
            if other.target is cohort.target or not _reaches(model, other.target, cohort.target.table):
                continue
            if not _comes_from(text, other, cohort):
                continue
            if time_range in ("all", "", "none") or comparison != "none":
                return CohortMetric(metrics, [], (cohort.target.name,))  # a name: never read as a stray word
            left = [name for name in metrics if name != cohort.target.name]
            return CohortMetric(left, [Filter(clock, "during", (time_range,))])
    return None


def _cohort_clock(model: SemanticModel, metric: Metric) -> str | None:
    """The date of the rows ``metric`` counts, when it is a plain count of its table's rows by a date
    of that table (new customers by their signup date): the name of that date."""
    if metric.expr.replace(" ", "").upper() != "COUNT(*)" or metric.filter or metric.default_range:
        return None
    clock = model.time_dimension(metric)
    if clock is None or clock.table.lower() != metric.table.lower():
        return None
    return clock.name


def _reaches(model: SemanticModel, metric: Metric, table: str) -> bool:
    """Whether each row ``metric`` aggregates belongs to one row of ``table`` (another table)."""
    if metric.table.lower() == table.lower():
        return False
    return table.lower() in reachable(model, metric.table)


def _comes_from(text: str, metric: Any, cohort: Any) -> bool:
    """Whether the words between the two say the metric comes from the cohort's rows."""
    if metric.end <= cohort.start:  # "revenue from new customers"
        return FROM_ROWS_EN.fullmatch(text[metric.end : cohort.start]) is not None
    if cohort.end <= metric.start:  # "新客户贡献的销售额", "new customers' revenue"
        between = text[cohort.end : metric.start]
        return bool(FROM_ROWS_ZH.fullmatch(between) or ROWS_OWN_EN.fullmatch(between)) and (
            between.strip() != "" or _cjk(text[cohort.end - 1 : metric.start + 1])
        )
    return False


def _cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
