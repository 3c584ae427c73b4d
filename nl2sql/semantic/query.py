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
    {'direction': 'top', 'n': 1, 'within': None, 'by': None, 'values_only': False}
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
BAND_ENDS = ("left", "right")


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
    values_only: bool = False
    """Only the values ranked are shown, not the metric that orders them: "the most common hometown"
    asks for the hometown; its count only decides which one."""


@dataclass(frozen=True)
class Threshold:
    """Keep only the rows (groups) whose ``metric`` is ``op value``: cities with at least 50 buyers."""

    metric: str
    op: str = ">"
    value: float = 0


@dataclass(frozen=True)
class Band:
    """Group by ranges of a number ("revenue by order size band: under 1,000, 1,000–10,000, over 10,000").

    Example:
        >>> by_size = SemanticQuery(metrics=("revenue",), bands=(Band("total_amount", (1000, 10000)),))
        >>> by_size.to_dict()["bands"]
        [{'field': 'total_amount', 'edges': [1000, 10000], 'closed': 'left'}]
    """

    field: str
    """A fact (or numeric dimension) of a table the metric reaches."""
    edges: tuple[float, ...] = ()
    """Where one band ends and the next begins, increasing; none: the fact's ``x_bands``."""
    closed: str = "left"
    """Which end of a band holds its edge: ``left`` (``[1,000, 10,000)``: "under 1,000", "1,000–10,000")
    or ``right`` (``(0.1, 0.2]``: "up to 10%", "over 10% to 20%")."""


@dataclass(frozen=True)
class Period:
    """Group by the year, quarter or month of a date of a related table ("revenue by customer signup
    year"), joined along many-to-one relationships; the query's window stays on the metric's own date."""

    field: str
    """A time dimension (``signup_date``)."""
    grain: str = "year"


@dataclass(frozen=True)
class Related:
    """Rows of another table that each counted or listed row has, or has none of ("customers who never
    ordered", "orders that include an accessory"): a correlated ``EXISTS`` / ``NOT EXISTS`` along the
    declared relationships from ``table`` to the query's own table.

    Example:
        >>> never = Related("orders", present=False, time_range="last_90_days")
        >>> SemanticQuery(metrics=("customer_count",), related=(never,)).to_dict()["related"]
        [{'table': 'orders', 'present': False, 'time_range': 'last_90_days', 'before': False, 'filters': []}]
    """

    table: str
    """The related table whose rows are looked for (``orders``, ``order_items``)."""
    present: bool = True
    """True: at least one such row; False: none ("never", "without", "没有")."""
    time_range: str = "all"
    """A window on the related rows' own date (a :mod:`nl2sql.semantic.timerange` token), applied inside
    the subquery: "no orders *in the last 90 days*"."""
    before: bool = False
    """The window is the period just before ``time_range`` instead (as long; whole calendar periods):
    a churned customer ordered *in the period before* this one."""
    filters: tuple[Filter, ...] = ()
    """Conditions on the related rows, or on tables they reach ("an item *in Accessories*")."""


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
    related: tuple[Related, ...] = ()
    """Rows of other tables each row of the metric's table (or the listed table) has, or has none of
    ("customers who never ordered"). With ``share``, the share is of the rows meeting the last of
    these among the rows meeting everything else: the attach rate ("share of orders that include an
    accessory", "配件的搭售率")."""
    bands: tuple[Band, ...] = ()
    """Groupings by ranges of a number, after ``group_by`` in the result; rows come out band by band."""
    periods: tuple[Period, ...] = ()
    """Groupings by the period of another date than the metric's own, after ``group_by``."""
    per: str | None = None
    """A table whose rows each metric is averaged over ("average discount *per order*", "平均每笔订单"):
    the metric's total divided by the number of distinct such rows it counts over (``orders``)."""
    ascending: bool = False
    """A breakdown ordered from the smallest value of its first metric up ("lowest first", "从低到高",
    "升序"), every row kept, or the top ``n`` of a ranking shown so; without it a breakdown comes largest
    first (periods and bands in turn)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, not tuples) for JSON."""
        data = asdict(self)
        data["filters"] = [{**f, "values": list(f["values"])} for f in data["filters"]]
        data["related"] = [
            {**r, "filters": [{**f, "values": list(f["values"])} for f in r["filters"]]}
            for r in data["related"]
        ]
        data["bands"] = [{**b, "edges": list(b["edges"])} for b in data["bands"]]
        data["periods"] = list(data["periods"])
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
                related=tuple(_related(r) for r in data.get("related") or ()),
                bands=tuple(
                    Band(str(b["field"]), _edges(b.get("edges")), str(b.get("closed") or "left"))
                    for b in data.get("bands") or ()
                ),
                periods=tuple(
                    Period(str(p["field"]), str(p.get("grain") or "year")) for p in data.get("periods") or ()
                ),
                per=data.get("per") or None,
                ascending=bool(data.get("ascending") or False),
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
            *(("filter op", f.op, OPERATORS) for r in self.related for f in r.filters),
            *(("band closed", b.closed, BAND_ENDS) for b in self.bands),
            *(("period grain", p.grain, GRAINS[1:]) for p in self.periods),
        ):
            if value not in allowed:
                raise SemanticQueryError(f"{name} must be one of {', '.join(allowed)}; not {value}")
        if self.ranking.direction != "none" and self.ranking.n < 1:
            raise SemanticQueryError("a ranking needs a number of rows (n ≥ 1)")
        ranked = self.ranking.direction != "none"
        if self.ascending and (
            self.intent != "metric"
            or (
                ranked
                and (self.ranking.direction != "top" or self.ranking.within or self.ranking.values_only)
            )
        ):
            raise SemanticQueryError("an ascending order is for a breakdown, or the top rows of one ranking")
        if self.ranking.values_only and self.ranking.direction == "none":
            raise SemanticQueryError("only the values of a ranking are shown without their metric")
        if self.limit is not None and self.limit < 1:
            raise SemanticQueryError("limit must be at least 1")
        if self.share and self.comparison.kind != "none" and self.time_grain != "none":
            raise SemanticQueryError(
                "a share compared with another period cannot also be broken down by time"
            )
        if any(r.before and r.time_range in ("all", "", "none") for r in self.related):
            raise SemanticQueryError("the period before a window needs the window (related rows)")
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
        if self.per and (self.share or self.ratio):
            raise SemanticQueryError("an average per row cannot also be a share or a ratio")
        if any(list(b.edges) != sorted(set(b.edges)) for b in self.bands):
            raise SemanticQueryError("the edges of bands go up, each once")


def _filter(data: dict[str, Any]) -> Filter:
    return Filter(
        str(data["field"]), str(data.get("op") or "="), _values(data.get("values", data.get("value")))
    )


def _related(data: dict[str, Any]) -> Related:
    present = data.get("present", True)
    return Related(
        table=str(data["table"]),
        present=present if isinstance(present, bool) else str(present).lower() not in ("false", "no", "0"),
        time_range=str(data.get("time_range") or "all"),
        before=bool(data.get("before") or False),
        filters=tuple(_filter(f) for f in data.get("filters") or ()),
    )


def _edges(value: Any) -> tuple[float, ...]:
    numbers = (float(edge) for edge in _values(value))
    return tuple(int(edge) if edge.is_integer() else edge for edge in numbers)


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
