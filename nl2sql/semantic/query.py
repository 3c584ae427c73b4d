"""The semantic query: the small, closed form a metric question is filled into before any SQL exists.

Every slot has a "none" (an empty tuple, ``"all"``, ``"none"``), so a question fills only what it says.
Names are the semantic model's own (metrics, dimensions, filters); time windows are
:mod:`nl2sql.semantic.timerange` tokens. As JSON it is flat enough for a small model to write.

Example:
    >>> query = SemanticQuery(metrics=("revenue",), group_by=("region",), time_range="last_quarter",
    ...                       ranking=Ranking("top", 1))
    >>> SemanticQuery.from_dict(query.to_dict()) == query
    True
    >>> query.to_dict()["ranking"]
    {'direction': 'top', 'n': 1, 'within': None, 'by': None}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from nl2sql.errors import ChatBIError

INTENTS = ("metric", "detail", "out_of_scope")
GRAINS = ("none", "day", "week", "month", "quarter", "year")
OPERATORS = ("=", "!=", "in", "not in", ">", ">=", "<", "<=", "between", "contains", "during")
"""``during``: a date field within a window (one :mod:`nl2sql.semantic.timerange` token), for dates
other than the one the metric is counted by ("revenue this year from customers who signed up last
year")."""
COMPARISONS = ("none", "previous_period", "same_period_last_year")
SHOWN_CHANGES = ("value", "delta", "percent")
DIRECTIONS = ("none", "top", "bottom")
BOUNDS = (">", ">=", "<", "<=")


class SemanticQueryError(ChatBIError):
    """A semantic query that is malformed, or names what the semantic model does not have."""


@dataclass(frozen=True)
class Filter:
    """``field op values``: ``region = North China``, ``unit_price between 100 and 500``,
    ``signup_date during last_year``."""

    field: str
    op: str = "="
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Compare each value with the previous period or the same period a year earlier."""

    kind: str = "none"
    show: str = "percent"
    """What is added beside both values: nothing (``value``), the difference, or the percent change."""
    against: str | None = None
    """A window token to compare with instead of the one ``kind`` derives ("this year vs all last year")."""


@dataclass(frozen=True)
class Ranking:
    """The top or bottom ``n`` rows by a metric, overall or within each value of a grouping."""

    direction: str = "none"
    n: int = 0
    within: str | None = None
    by: str | None = None
    """The output column ranked by: a metric (the first by default), or ``<metric>_change_pct`` etc."""


@dataclass(frozen=True)
class Threshold:
    """Keep only the rows (groups) whose ``metric`` is ``op value``: cities with at least 50 buyers."""

    metric: str
    op: str = ">"
    value: float = 0


@dataclass(frozen=True)
class SemanticQuery:
    intent: str = "metric"
    metrics: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    time_grain: str = "none"
    time_range: str = "all"
    time_dimension: str | None = None
    """The time dimension windows and buckets use; the first metric's own when None."""
    filters: tuple[Filter, ...] = ()
    named_filters: tuple[str, ...] = ()
    comparison: Comparison = field(default_factory=Comparison)
    ranking: Ranking = field(default_factory=Ranking)
    limit: int | None = None
    subject: str | None = None
    """A listing (``detail``): the table whose rows are listed, one row each."""
    fields: tuple[str, ...] = ()
    """A listing: the fields shown beside what identifies each row."""
    share: bool = False
    """Each value as a percent of the whole: of the column's total when grouped ("各品类的销售额占比"),
    else of the same metric without the query's filters ("what share of revenue came from online")."""
    ratio: bool = False
    """The first metric as a percent of the second, beside both ("refunds as a % of revenue",
    "退款占营收的比例")."""
    having: tuple[Threshold, ...] = ()
    """Bounds on metrics of each result row, before any ranking ("products with at least 50 units
    sold", "下单客户不少于50个的城市"); each bounded metric is among ``metrics``."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, not tuples) for JSON."""
        data = asdict(self)
        data["filters"] = [{**f, "values": list(f["values"])} for f in data["filters"]]
        for key in ("metrics", "group_by", "named_filters", "fields"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SemanticQuery:
        """The query in ``data`` (as :meth:`to_dict` writes it; missing keys take their "none").

        Raises:
            SemanticQueryError: a slot has a value outside its closed list.
        """
        if not isinstance(data, dict):
            raise SemanticQueryError("a semantic query is a JSON object")
        try:
            query = cls(
                intent=str(data.get("intent") or "metric"),
                metrics=_names(data.get("metrics")),
                group_by=_names(data.get("group_by")),
                time_grain=str(data.get("time_grain") or "none"),
                time_range=str(data.get("time_range") or "all"),
                time_dimension=data.get("time_dimension") or None,
                filters=tuple(
                    Filter(str(f["field"]), str(f.get("op") or "="), _values(f.get("values", f.get("value"))))
                    for f in data.get("filters") or ()
                ),
                named_filters=_names(data.get("named_filters")),
                comparison=Comparison(**(data.get("comparison") or {})),
                ranking=Ranking(**(data.get("ranking") or {})),
                limit=int(data["limit"]) if data.get("limit") not in (None, "", "none") else None,
                subject=data.get("subject") or None,
                fields=_names(data.get("fields")),
                share=bool(data.get("share") or False),
                ratio=bool(data.get("ratio") or False),
                having=tuple(
                    Threshold(str(t["metric"]), str(t.get("op") or ">"), float(t.get("value") or 0))
                    for t in data.get("having") or ()
                ),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise SemanticQueryError(f"not a semantic query: {error}") from error
        query.check_shape()
        return query

    def check_shape(self) -> None:
        """Raise :class:`SemanticQueryError` when a closed slot holds something else.

        Example:
            >>> SemanticQuery(time_grain="fortnight").check_shape()
            Traceback (most recent call last):
            ...
            nl2sql.semantic.query.SemanticQueryError: time_grain must be one of none, day, week, month, \
quarter, year; not fortnight
        """
        for name, value, allowed in (
            ("intent", self.intent, INTENTS),
            ("time_grain", self.time_grain, GRAINS),
            ("comparison kind", self.comparison.kind, COMPARISONS),
            ("comparison show", self.comparison.show, SHOWN_CHANGES),
            ("ranking direction", self.ranking.direction, DIRECTIONS),
            *(("filter op", f.op, OPERATORS) for f in self.filters),
            *(("bound", t.op, BOUNDS) for t in self.having),
        ):
            if value not in allowed:
                raise SemanticQueryError(f"{name} must be one of {', '.join(allowed)}; not {value}")
        if self.ranking.direction != "none" and self.ranking.n < 1:
            raise SemanticQueryError("a ranking needs a number of rows (n ≥ 1)")
        if self.limit is not None and self.limit < 1:
            raise SemanticQueryError("limit must be at least 1")
        if self.share and self.comparison.kind != "none":
            raise SemanticQueryError("a share of the whole cannot also be compared with another period")
        if any(f.op == "during" and len(f.values) != 1 for f in self.filters):
            raise SemanticQueryError("a date filter (during) takes one window")
        if any(t.metric not in self.metrics for t in self.having):
            raise SemanticQueryError("a bound is on one of the query's metrics")
        if self.having and self.comparison.kind != "none":
            raise SemanticQueryError("a bound on a metric cannot also be compared with another period")
        if self.ratio and (len(self.metrics) != 2 or self.share or self.comparison.kind != "none"):
            raise SemanticQueryError(
                "a ratio takes exactly two metrics (the part first), with no share or comparison"
            )


def _names(value: Any) -> tuple[str, ...]:
    if value in (None, "", "none"):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v not in (None, "", "none"))


def _values(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list | tuple) else (value,)
