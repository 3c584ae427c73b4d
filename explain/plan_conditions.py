"""Read the AND-ed conditions of WHERE and HAVING as column-operator-values, and the date range a
condition on a date column sets (fixed days, days relative to today, or a year/month of the column).

Example:
    >>> import sqlglot
    >>> node = sqlglot.parse_one("o.order_date >= date('now', '-3 months')", read="sqlite")
    >>> condition = read_condition(node)
    >>> condition.subject.sql(), condition.operator, time_bounds(condition, "sqlite")[1].text()
    ('o.order_date', '>=', '3 months ago')
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from explain.plan_read import OPAQUE, is_literal, literal_value
from explain.timewindow import RelativeDate, read_relative_date

OPERATORS = (
    "=",
    "<>",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not in",
    "between",
    "like",
    "not like",
    "is null",
    "is not null",
)
"""The operators a filter can have, as the plan names them."""
ARITY: dict[str, tuple[int, int | None]] = {
    **{op: (1, 1) for op in ("=", "<>", ">", ">=", "<", "<=", "like", "not like")},
    "in": (1, None),
    "not in": (1, None),
    "between": (2, 2),
    "is null": (0, 0),
    "is not null": (0, 0),
}
"""How many values each operator takes: (at least, at most or None for no limit)."""
COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
}
_FLIPPED = {"=": "=", "<>": "<>", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_PERIOD_FORMATS = {"%Y": re.compile(r"^\d{4}$"), "%Y-%m": re.compile(r"^\d{4}-\d{2}$")}


@dataclass(frozen=True)
class Condition:
    """One condition read as ``subject operator operands``; ``subject`` is None when it is not that shape
    (an OR group, a subquery, expressions on both sides).

    Example:
        >>> import sqlglot
        >>> read_condition(sqlglot.parse_one("x NOT IN (1, 2)")).operator
        'not in'
    """

    subject: exp.Expression | None
    operator: str | None = None
    operands: tuple[exp.Expression, ...] = ()

    @property
    def editable(self) -> bool:
        return self.subject is not None


@dataclass(frozen=True)
class DateBound:
    """One end of a time range: a fixed day (``date``) or a day relative to today (``relative``).

    Example:
        >>> DateBound(None, RelativeDate(-3, "month"), True, "DATE('now', '-3 months')").text()
        '3 months ago'
    """

    date: str | None
    relative: RelativeDate | None
    inclusive: bool
    sql: str
    """The operand as written in the query."""

    def text(self) -> str:
        """The day in words: ``2025-01-01``, ``30 days ago``, ``the start of this month``."""
        if self.relative is None:
            return self.date or self.sql
        shift = self.relative
        base = f"the start of this {shift.start_of}" if shift.start_of else "today"
        if not shift.amount:
            return base
        count = f"{abs(shift.amount)} {shift.unit}{'s' if abs(shift.amount) != 1 else ''}"
        if not shift.start_of:
            return f"{count} ago" if shift.amount < 0 else f"in {count}"
        return f"{count} {'before' if shift.amount < 0 else 'after'} {base}"


def read_condition(node: exp.Expression) -> Condition:
    """``node`` as subject-operator-values; a literal on the left is read as if written on the right.

    Example:
        >>> import sqlglot
        >>> condition = read_condition(sqlglot.parse_one("5000 < unit_price"))
        >>> condition.subject.sql(), condition.operator, [o.sql() for o in condition.operands]
        ('unit_price', '>', ['5000'])
        >>> read_condition(sqlglot.parse_one("a = b")).editable
        False
    """
    negated = isinstance(node, exp.Not)
    inner = node.this if negated else node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if type(inner) in COMPARISONS and not negated:
        operator = COMPARISONS[type(inner)]
        left, right = inner.this, inner.expression
        if is_subject(left) and _is_operand(right):
            return Condition(left, operator, (right,))
        if is_subject(right) and _is_operand(left):
            return Condition(right, _FLIPPED[operator], (left,))
    elif isinstance(inner, exp.In) and not (inner.args.get("query") or inner.args.get("unnest")):
        values = tuple(inner.expressions)
        if is_subject(inner.this) and values and all(map(_is_operand, values)):
            return Condition(inner.this, "not in" if negated else "in", values)
    elif isinstance(inner, exp.Between) and not negated:
        values = (inner.args["low"], inner.args["high"])
        if is_subject(inner.this) and all(map(_is_operand, values)):
            return Condition(inner.this, "between", values)
    elif isinstance(inner, exp.Like) and is_subject(inner.this) and _is_operand(inner.expression):
        negative = negated != bool(inner.args.get("negate"))
        return Condition(inner.this, "not like" if negative else "like", (inner.expression,))
    elif isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null) and is_subject(inner.this):
        negative = negated != bool(inner.args.get("negate"))
        return Condition(inner.this, "is not null" if negative else "is null")
    return Condition(None)


def is_subject(node: exp.Expression) -> bool:
    """A column, an aggregate, or a function of exactly one column: what a filter can compare.

    Example:
        >>> import sqlglot
        >>> [is_subject(sqlglot.parse_one(s)) for s in ("o.status", "COUNT(*)", "LOWER(name)", "a + b")]
        [True, True, True, False]
    """
    if any(isinstance(n, OPAQUE) for n in node.walk()):
        return False
    if isinstance(node, exp.Column):
        return not isinstance(node.this, exp.Star)
    if isinstance(node, exp.AggFunc):
        return True
    if isinstance(node, exp.Func):
        return len(list(node.find_all(exp.Column))) == 1 and not node.find(exp.AggFunc)
    return False


def _is_operand(node: exp.Expression) -> bool:
    """A literal value, a literal date, or a date relative to today."""
    return is_literal(node) or _date_literal(node) is not None or _relative_date(node) is not None


def operand_value(node: exp.Expression, dialect: str) -> Any:
    """A filter value as the plan shows it: the literal's value, a date's ISO text, else the SQL.

    Example:
        >>> import sqlglot
        >>> operand_value(sqlglot.parse_one("DATE '2025-01-01'", read="postgres"), "postgres")
        '2025-01-01'
        >>> operand_value(sqlglot.parse_one("date('now', '-3 months')", read="sqlite"), "sqlite")
        "DATE('now', '-3 months')"
    """
    if is_literal(node):
        return literal_value(node)
    return _date_literal(node) or node.sql(dialect)


def _date_literal(node: exp.Expression) -> str | None:
    """The ISO text of a fixed date: ``'2025-01-01'``, ``DATE '2025-01-01'``, ``DATE('2025-01-01')``."""
    if isinstance(node, exp.Cast | exp.TsOrDsToDate | exp.Date | exp.StrToDate | exp.DateStrToDate):
        if isinstance(node, exp.Date) and node.expressions:
            return None
        node = node.this
    elif isinstance(node, exp.Anonymous) and node.name.lower() == "date" and len(node.expressions) == 1:
        node = node.expressions[0]
    if isinstance(node, exp.Literal) and node.is_string and _ISO_DATE.match(node.this):
        return node.this
    return None


def _relative_date(node: exp.Expression) -> RelativeDate | None:
    """The date relative to today that ``node`` computes, or None (fixed dates and literals included)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal):
        return None
    return read_relative_date(node)


def _date_part(subject: exp.Expression) -> tuple[exp.Column, str] | None:
    """``(column, format)`` when ``subject`` is the year (``%Y``) or year-month (``%Y-%m``) of a column."""
    if isinstance(subject, exp.TimeToStr):
        return _part(subject.this, subject.text("format"))
    if isinstance(subject, exp.Anonymous) and subject.name.lower() == "strftime" and subject.expressions:
        first = subject.expressions[0]
        if len(subject.expressions) == 2 and isinstance(first, exp.Literal):
            return _part(subject.expressions[1], first.name)
    if isinstance(subject, exp.Year):
        return _part(subject.this, "%Y")
    if isinstance(subject, exp.Extract) and subject.this.name.lower() == "year":
        return _part(subject.expression, "%Y")
    return None


def _part(node: exp.Expression, fmt: str) -> tuple[exp.Column, str] | None:
    while isinstance(node, exp.TsOrDsToTimestamp | exp.TsOrDsToDate | exp.Cast) and node.this is not None:
        node = node.this
    return (node, fmt) if isinstance(node, exp.Column) and fmt in _PERIOD_FORMATS else None


def time_bounds(
    condition: Condition, dialect: str
) -> tuple[exp.Column, DateBound | None, DateBound | None] | None:
    """``(column, start, end)`` when ``condition`` limits a date column to a range, else None.

    Example:
        >>> import sqlglot
        >>> column, start, end = time_bounds(read_condition(sqlglot.parse_one("strftime('%Y', d) = '2024'",
        ...                                  read="sqlite")), "sqlite")
        >>> column.sql(), start.date, end.date
        ('d', '2024-01-01', '2024-12-31')
    """
    subject, operator, operands = condition.subject, condition.operator, condition.operands
    if subject is None or operator not in ("=", ">", ">=", "<", "<=", "between") or not operands:
        return None
    if isinstance(subject, exp.Column):
        bounds = [_day_bound(node, dialect) for node in operands]
        if any(b is None for b in bounds):
            return None
        first, last = bounds[0], bounds[-1]
        return subject, *_by_operator(operator, (first, first), (last, last))  # type: ignore[arg-type]
    part = _date_part(subject)
    if part is None:
        return None
    periods = [_period(node, part[1], dialect) for node in operands]
    if any(p is None for p in periods):
        return None
    return part[0], *_by_operator(operator, periods[0], periods[-1])  # type: ignore[arg-type]


def _by_operator(
    operator: str, first: tuple[DateBound, DateBound], last: tuple[DateBound, DateBound]
) -> tuple[DateBound | None, DateBound | None]:
    """Start and end of ``column operator value``; ``first``/``last``: (first day, last day) of a value."""
    if operator == "=":
        return first[0], first[1]
    if operator == "between":
        return first[0], last[1]
    if operator == ">=":
        return first[0], None
    if operator == ">":
        return _exclusive(first[1]), None
    if operator == "<=":
        return None, first[1]
    return None, _exclusive(first[0])


def _exclusive(bound: DateBound) -> DateBound:
    return DateBound(bound.date, bound.relative, False, bound.sql)


def _day_bound(node: exp.Expression, dialect: str) -> DateBound | None:
    day = _date_literal(node)
    if day is not None:
        return DateBound(day, None, True, node.sql(dialect))
    shift = _relative_date(node)
    return DateBound(None, shift, True, node.sql(dialect)) if shift is not None else None


def _period(node: exp.Expression, fmt: str, dialect: str) -> tuple[DateBound, DateBound] | None:
    if not is_literal(node):
        return None
    text = str(literal_value(node))
    if not _PERIOD_FORMATS[fmt].match(text):
        return None
    year, month = int(text[:4]), int(text[5:7]) if fmt == "%Y-%m" else None
    if month is not None and not 1 <= month <= 12:
        return None
    first = datetime.date(year, month or 1, 1)
    last = datetime.date(year, month or 12, calendar.monthrange(year, month or 12)[1])
    sql = node.sql(dialect)
    return DateBound(first.isoformat(), None, True, sql), DateBound(last.isoformat(), None, True, sql)
