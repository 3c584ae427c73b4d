"""Dates relative to today, as the SQL dialects write them: read them off the AST, name the day they
fall on, and write them back in any dialect.

``DATE('now', '-3 months')`` (SQLite), ``CURRENT_DATE - INTERVAL '3 months'`` (PostgreSQL, DuckDB) and
``DATE_SUB(CURDATE(), INTERVAL 3 MONTH)`` (MySQL) all read as ``RelativeDate(-3, "month")``.

Example:
    >>> import datetime, sqlglot
    >>> shift = read_relative_date(sqlglot.parse_one("DATE('now', '-3 months')", read="sqlite"))
    >>> shift, shift.on(datetime.date(2026, 11, 23))
    (RelativeDate(amount=-3, unit='month', start_of=None), datetime.date(2026, 8, 23))
    >>> relative_date_sql(shift, "postgres").sql("postgres")
    "CURRENT_DATE - INTERVAL '3 MONTH'"
    >>> read_relative_date(sqlglot.parse_one("DATE('now', '-1 months')", read="sqlite")).on(
    ...     datetime.date(2027, 3, 30))  # as SQLite counts: past February's end, into March
    datetime.date(2027, 3, 2)
    >>> relative_date_sql(RelativeDate(-30, "day"), "sqlite").sql("sqlite")
    "DATE('now', '-30 day')"
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlglot import exp

Unit = Literal["day", "week", "month", "year"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year")
_UNIT_NAMES: dict[str, Unit] = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "mon": "month",
    "mons": "month",
    "year": "year",
    "years": "year",
    "quarter": "month",
    "quarters": "month",
}
_SQLITE_SHIFT = re.compile(r"^\s*([+-]?\d+)\s+([a-z]+)\s*$", re.IGNORECASE)
_SQLITE_START = re.compile(r"^\s*start of (month|year)\s*$", re.IGNORECASE)
_NOW_FUNCTIONS = {"now", "curdate", "sysdate", "getdate", "current_date", "today"}


@dataclass(frozen=True)
class RelativeDate:
    """Today shifted by ``amount`` units (negative: in the past), optionally from the start of the
    current month or year."""

    amount: int
    unit: Unit
    start_of: Literal["month", "year"] | None = None
    carry: bool = field(default=False, repr=False, compare=False)
    """Months moved as SQLite moves them: a day past the month's end carries into the next month
    (``DATE('2027-03-30', '-1 months')`` is 2027-03-02); elsewhere it stops at the month's last day."""

    def on(self, today: datetime.date) -> datetime.date:
        """The calendar day this stands for when today is ``today``."""
        if self.start_of == "month":
            today = today.replace(day=1)
        elif self.start_of == "year":
            today = today.replace(month=1, day=1)
        if self.unit == "day":
            return today + datetime.timedelta(days=self.amount)
        if self.unit == "week":
            return today + datetime.timedelta(weeks=self.amount)
        months = self.amount * (12 if self.unit == "year" else 1)
        return add_months(today, months, carry=self.carry)

    def with_amount(self, amount: int, unit: Unit | None = None) -> RelativeDate:
        return replace(self, amount=amount, unit=unit or self.unit)


def add_months(start: datetime.date, months: int, *, carry: bool) -> datetime.date:
    """``start`` moved ``months``; a day past the month's end carries into the next month (``carry``,
    as SQLite does) or stops at its last day.

    Example:
        >>> march_30 = datetime.date(2027, 3, 30)
        >>> add_months(march_30, -1, carry=True), add_months(march_30, -1, carry=False)
        (datetime.date(2027, 3, 2), datetime.date(2027, 2, 28))
    """
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    past_the_end = max(0, start.day - last) if carry else 0
    return datetime.date(year, month + 1, min(start.day, last)) + datetime.timedelta(days=past_the_end)


def read_relative_date(node: exp.Expression) -> RelativeDate | None:
    """The relative date ``node`` computes, or None when it is not one (a column, a fixed date, …)."""
    if _is_today(node):
        return RelativeDate(0, "day")
    if isinstance(node, exp.DateTrunc | exp.TimestampTrunc) and _is_today(node.this):
        start = _unit(node.text("unit"))
        return RelativeDate(0, "day", start) if start in ("month", "year") else None  # type: ignore[arg-type]
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("date", "datetime"):
        return _read_sqlite_modifiers(node.expressions)
    if isinstance(node, exp.Date) and not node.expressions:
        return _read_sqlite_modifiers([node.this])
    if isinstance(node, exp.Sub | exp.Add | exp.DateSub | exp.DateAdd):
        start = read_relative_date(node.this)
        if start is None or start.amount:
            return None
        amount, unit = _read_interval(node)
        if amount is None or unit is None:
            return None
        sign = -1 if isinstance(node, exp.Sub | exp.DateSub) else 1
        if node.text("unit").lower().startswith("quarter"):
            amount *= 3
        return RelativeDate(sign * amount, unit, start.start_of)
    return None


def relative_date_sql(shift: RelativeDate, dialect: str) -> exp.Expression:
    """An expression computing ``shift`` in ``dialect`` (a date, not a timestamp)."""
    if dialect == "sqlite":
        modifiers = [exp.Literal.string("now")]
        if shift.start_of:
            modifiers.append(exp.Literal.string(f"start of {shift.start_of}"))
        if shift.amount:
            amount, unit = (shift.amount * 7, "day") if shift.unit == "week" else (shift.amount, shift.unit)
            modifiers.append(exp.Literal.string(f"{amount:+d} {unit}"))
        return exp.Anonymous(this="DATE", expressions=modifiers)
    start: exp.Expression = exp.CurrentDate()
    if shift.start_of:
        start = exp.DateTrunc(this=start, unit=exp.Literal.string(shift.start_of.upper()))
    if not shift.amount:
        return start
    kind = exp.DateSub if shift.amount < 0 else exp.DateAdd
    return kind(
        this=start, expression=exp.Literal.number(abs(shift.amount)), unit=exp.var(shift.unit.upper())
    )


def _is_today(node: exp.Expression) -> bool:
    if isinstance(node, exp.CurrentDate | exp.CurrentTimestamp | exp.CurrentDatetime):
        return True
    if isinstance(node, exp.Anonymous) and node.name.lower() in _NOW_FUNCTIONS and not node.expressions:
        return True
    if isinstance(node, exp.Date | exp.Anonymous) and node.name.lower() in ("date", "datetime"):
        arguments = [node.this] if isinstance(node, exp.Date) else node.expressions
        return len(arguments) == 1 and isinstance(arguments[0], exp.Literal) and arguments[0].name == "now"
    return False


def _read_sqlite_modifiers(arguments: list[exp.Expression]) -> RelativeDate | None:
    if not arguments or not all(isinstance(a, exp.Literal) and a.is_string for a in arguments):
        return None
    if arguments[0].name.lower() != "now":
        return None
    shift = RelativeDate(0, "day", carry=True)
    for modifier in arguments[1:]:
        start = _SQLITE_START.match(modifier.name)
        moved = _SQLITE_SHIFT.match(modifier.name)
        if start and not shift.amount:
            shift = replace(shift, start_of=start.group(1).lower())  # type: ignore[arg-type]
        elif moved and not shift.amount and _unit(moved.group(2)):
            shift = shift.with_amount(int(moved.group(1)), _unit(moved.group(2)))
        else:
            return None
    return shift


def _read_interval(node: exp.Expression) -> tuple[int | None, Unit | None]:
    interval = node.expression
    if isinstance(interval, exp.Interval):
        amount_node, unit_name = interval.this, interval.text("unit")
    else:
        amount_node, unit_name = interval, node.text("unit") or "day"
    try:
        amount = int(float(amount_node.name))
    except (AttributeError, TypeError, ValueError):
        return None, None
    return amount, _unit(unit_name)


def _unit(name: str) -> Unit | None:
    return _UNIT_NAMES.get(name.strip().lower())
