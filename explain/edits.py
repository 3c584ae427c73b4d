"""Edits a user makes through the plan's controls, and :func:`apply`, which turns one into new SQL.

Each edit is a frozen dataclass naming what it changes by the plan's ids (``f1``, ``m1``) or by column.
:func:`apply` changes a copy of the plan's AST (SQL is built with sqlglot's ``exp`` builders), writes it in
the plan's dialect, parses it again and, when the plan has a schema, checks it with
:func:`explain.check.check`: an edit that does not fit the plan, or whose result gains an error, raises
:class:`~explain.errors.PlanEditError` with a message for the user. Everything the edit does not touch is
written back unchanged in meaning.

Example:
    >>> from explain.plan import plan
    >>> p = plan("SELECT COUNT(*) FROM orders WHERE status = 'cancelled'")
    >>> p.apply(SetFilterOperator("f1", "<>"))
    "SELECT COUNT(*) FROM orders WHERE status <> 'cancelled'"
    >>> edit_from_dict({"type": "SetLimit", "n": 5}).to_dict()
    {'type': 'SetLimit', 'n': 5}
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from explain import edit_shape, edit_sql
from explain.check import check
from explain.errors import PlanEditError, UnparsableSQLError
from explain.parse import parse_statement
from explain.plan_read import outermost_select

if TYPE_CHECKING:
    from sqlglot import exp

    from explain.plan import Plan

DateLike = str | datetime.date


class _Edit:
    """Shared by the edit types: their wire form."""

    def to_dict(self) -> dict[str, Any]:
        """``{"type": <class name>, <fields>…}``, as :func:`edit_from_dict` reads it."""
        data = asdict(self)  # type: ignore[call-overload]
        return {
            "type": type(self).__name__,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in data.items()},
        }

    def __post_init__(self) -> None:
        for item in fields(self):  # type: ignore[arg-type]
            value = getattr(self, item.name)
            if isinstance(value, list):
                object.__setattr__(self, item.name, tuple(value))


@dataclass(frozen=True)
class SetFilterValue(_Edit):
    """Give filter ``filter_id`` new values, as many as its operator takes.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE x IN (1, 2)").apply(SetFilterValue("f1", [3, "it's"]))
        "SELECT * FROM t WHERE x IN (3, 'it''s')"
    """

    filter_id: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class SetFilterOperator(_Edit):
    """Change the operator of filter ``filter_id``; ``values`` when the new one takes another number.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE x = 1").apply(SetFilterOperator("f1", "between", [1, 5]))
        'SELECT * FROM t WHERE x BETWEEN 1 AND 5'
    """

    filter_id: str
    operator: str
    values: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class AddFilter(_Edit):
    """AND a new condition ``column operator values`` to WHERE (or to HAVING).

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE a = 1 OR b = 2").apply(AddFilter("c", "is not null"))
        'SELECT * FROM t WHERE (a = 1 OR b = 2) AND c IS NOT NULL'
    """

    column: str
    operator: str
    values: tuple[Any, ...] = ()
    clause: str = "where"


@dataclass(frozen=True)
class RemoveFilter(_Edit):
    """Drop filter ``filter_id`` (any filter, also one that is not editable).

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE a = 1 AND b = 2").apply(RemoveFilter("f1"))
        'SELECT * FROM t WHERE b = 2'
    """

    filter_id: str


@dataclass(frozen=True)
class SetTimeWindow(_Edit):
    """Limit ``target`` to the last ``amount`` days/weeks/months/years (``column >= today - amount``).

    ``target`` is a time filter's id, whose whole time range (every time filter on that column) is
    replaced, or a date column, which gets the window (replacing its time range when it has one).

    Example:
        >>> from explain.plan import plan
        >>> p = plan("SELECT COUNT(*) FROM orders WHERE d BETWEEN '2025-01-01' AND '2025-12-31'")
        >>> p.apply(SetTimeWindow("f1", 3, "month"))
        "SELECT COUNT(*) FROM orders WHERE d >= DATE('now', '-3 month')"
    """

    target: str
    amount: int
    unit: str


@dataclass(frozen=True)
class SetDateRange(_Edit):
    """Limit ``target`` (a time filter's id, or a date column) to the days ``start`` to ``end``, both
    included; either may be None for an open end. Dates are written as ``'YYYY-MM-DD'`` strings.

    Example:
        >>> from explain.plan import plan
        >>> p = plan("SELECT * FROM t WHERE d >= DATE('now', '-30 days')")
        >>> p.apply(SetDateRange("f1", "2025-01-01", None))
        "SELECT * FROM t WHERE d >= '2025-01-01'"
    """

    target: str
    start: DateLike | None
    end: DateLike | None


@dataclass(frozen=True)
class AddGroupBy(_Edit):
    """Group by ``column`` too, and show it: it is added to the select list before the measures.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a, COUNT(*) FROM t GROUP BY a").apply(AddGroupBy("b"))
        'SELECT a, b, COUNT(*) FROM t GROUP BY a, b'
    """

    column: str
    alias: str | None = None


@dataclass(frozen=True)
class RemoveGroupBy(_Edit):
    """Stop grouping by ``column`` (or an output alias); its output column and ordering on it go too.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a, b, COUNT(*) FROM t GROUP BY a, b ORDER BY b").apply(RemoveGroupBy("b"))
        'SELECT a, COUNT(*) FROM t GROUP BY a'
    """

    column: str


@dataclass(frozen=True)
class SetAggregate(_Edit):
    """Change measure ``measure_id``'s function (count, sum, avg, min, max), optionally its column and
    whether it is DISTINCT; wrappers such as ``ROUND(…, 2)`` and the alias stay.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT ROUND(SUM(x), 2) AS total FROM t").apply(SetAggregate("m1", "avg"))
        'SELECT ROUND(AVG(x), 2) AS total FROM t'
    """

    measure_id: str
    function: str
    column: str | None = None
    distinct: bool | None = None


@dataclass(frozen=True)
class AddMeasure(_Edit):
    """Add ``function(column)`` (``column`` ``*`` for ``COUNT(*)``) to the select list of an aggregate query.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a, COUNT(*) AS n FROM t GROUP BY a").apply(AddMeasure("max", "x", "top"))
        'SELECT a, COUNT(*) AS n, MAX(x) AS top FROM t GROUP BY a'
    """

    function: str
    column: str = "*"
    alias: str | None = None
    distinct: bool = False


@dataclass(frozen=True)
class RemoveMeasure(_Edit):
    """Remove the output column that measure ``measure_id`` is in (and ordering on it).

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a, COUNT(*) AS n, SUM(x) FROM t GROUP BY a ORDER BY n").apply(RemoveMeasure("m1"))
        'SELECT a, SUM(x) FROM t GROUP BY a'
    """

    measure_id: str


@dataclass(frozen=True)
class SetOrder(_Edit):
    """Sort by ``key``: an output alias, a measure id, or a column/expression. A key already in ORDER BY
    only changes direction; a new key replaces the ORDER BY.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a, SUM(x) AS s FROM t GROUP BY a ORDER BY a").apply(SetOrder("m1", descending=True))
        'SELECT a, SUM(x) AS s FROM t GROUP BY a ORDER BY s DESC'
    """

    key: str
    descending: bool = False


@dataclass(frozen=True)
class RemoveOrder(_Edit):
    """Remove ``key`` from ORDER BY, or the whole ORDER BY when ``key`` is None.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t ORDER BY a, b DESC").apply(RemoveOrder("a"))
        'SELECT a FROM t ORDER BY b DESC'
    """

    key: str | None = None


@dataclass(frozen=True)
class SetLimit(_Edit):
    """Return at most ``n`` rows (``n`` ≥ 1), or all of them when ``n`` is None.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t LIMIT 10").apply(SetLimit(None))
        'SELECT a FROM t'
    """

    n: int | None


Edit = (
    SetFilterValue
    | SetFilterOperator
    | AddFilter
    | RemoveFilter
    | SetTimeWindow
    | SetDateRange
    | AddGroupBy
    | RemoveGroupBy
    | SetAggregate
    | AddMeasure
    | RemoveMeasure
    | SetOrder
    | RemoveOrder
    | SetLimit
)
EDIT_TYPES: dict[str, type[_Edit]] = {
    kind.__name__: kind
    for kind in (
        SetFilterValue,
        SetFilterOperator,
        AddFilter,
        RemoveFilter,
        SetTimeWindow,
        SetDateRange,
        AddGroupBy,
        RemoveGroupBy,
        SetAggregate,
        AddMeasure,
        RemoveMeasure,
        SetOrder,
        RemoveOrder,
        SetLimit,
    )
}

HANDLERS: dict[str, Callable[[Plan, exp.Select, Any], None]] = {
    "SetFilterValue": edit_sql.set_filter_value,
    "SetFilterOperator": edit_sql.set_filter_operator,
    "AddFilter": edit_sql.add_filter,
    "RemoveFilter": edit_sql.remove_filter,
    "SetTimeWindow": edit_sql.set_time_window,
    "SetDateRange": edit_sql.set_date_range,
    "AddGroupBy": edit_shape.add_group_by,
    "RemoveGroupBy": edit_shape.remove_group_by,
    "SetAggregate": edit_shape.set_aggregate,
    "AddMeasure": edit_shape.add_measure,
    "RemoveMeasure": edit_shape.remove_measure,
    "SetOrder": edit_shape.set_order,
    "RemoveOrder": edit_shape.remove_order,
    "SetLimit": edit_shape.set_limit,
}
"""The function that makes each edit type's change on a copied tree, by the edit's class name."""


def edit_from_dict(data: dict[str, Any]) -> Edit:
    """The edit ``data`` describes (``{"type": "SetLimit", "n": 5}``); :class:`PlanEditError` if none.

    Example:
        >>> edit_from_dict({"type": "RemoveFilter", "filter_id": "f2"})
        RemoveFilter(filter_id='f2')
    """
    arguments = dict(data)
    kind = EDIT_TYPES.get(str(arguments.pop("type", "")))
    if kind is None:
        raise PlanEditError(
            f"unknown edit type {data.get('type')!r}; expected one of {', '.join(EDIT_TYPES)}"
        )
    try:
        return kind(**arguments)  # type: ignore[return-value]
    except TypeError as error:
        raise PlanEditError(f"bad {kind.__name__}: {error}") from None


def apply(plan: Plan, edit: Edit) -> str:
    """The SQL of ``plan`` after ``edit``, in the plan's dialect.

    Raises:
        PlanEditError: the edit does not fit the plan (unknown id, bad operator or values, nothing to
            change), or its result is not valid against the plan's schema.

    Example:
        >>> from explain.plan import plan
        >>> apply(plan("SELECT name FROM products ORDER BY name"), SetOrder("name", descending=True))
        'SELECT name FROM products ORDER BY name DESC'
        >>> apply(plan("SELECT name FROM products"), SetLimit(-1))
        Traceback (most recent call last):
        ...
        explain.errors.PlanEditError: a limit must be a whole number of rows, at least 1 (got -1)
    """
    if not plan.editable:
        raise PlanEditError(f"this query cannot be edited here: {plan.read_only[0]}")
    handler = HANDLERS.get(type(edit).__name__)
    if handler is None:
        raise PlanEditError(f"{edit!r} is not an edit")
    tree = plan.tree.copy()
    select = outermost_select(tree)
    assert select is not None
    handler(plan, select, edit)
    sql = tree.sql(plan.dialect)
    _validate(plan, sql)
    return sql


def _validate(plan: Plan, sql: str) -> None:
    mapping = plan.schema.mapping() if plan.schema is not None else None
    try:
        parse_statement(sql, plan.dialect, mapping)
    except UnparsableSQLError as error:
        raise PlanEditError(f"the edit gives SQL that does not parse: {error}") from error
    if plan.schema is None:
        return
    before = {d.message for d in check(plan.sql, plan.schema, plan.dialect) if d.is_error}
    for diagnostic in check(sql, plan.schema, plan.dialect):
        if diagnostic.is_error and diagnostic.message not in before:
            raise PlanEditError(f"the edited query is not valid: {diagnostic.message}")
