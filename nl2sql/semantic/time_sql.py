"""Time in SQL, per dialect: period labels (``2025-03``, ``2025-Q1``) and date shifts.

sqlglot does not turn ``DATE_TRUNC`` or ``INTERVAL`` arithmetic into valid SQLite, so each dialect has
its own small table of templates, parsed with sqlglot in that dialect. Labels are text everywhere, so a
result reads the same on every engine: day ``2025-03-07``, week (its Monday) ``2025-03-03``, month
``2025-03``, quarter ``2025-Q1``, year ``2025``. Windows never need these: they are literal dates.

Example:
    >>> from sqlglot import exp
    >>> bucket(exp.column("order_date", "o"), "quarter", "mysql").sql("mysql")
    "CONCAT(YEAR(o.order_date), '-Q', QUARTER(o.order_date))"
    >>> shifted(exp.column("d"), "year", 1, "sqlite").sql("sqlite")
    "DATE(d, '+1 year')"
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

BUCKETS = {
    "sqlite": {
        "day": "DATE({d})",
        "week": "DATE({d}, '-6 days', 'weekday 1')",
        "month": "STRFTIME('%Y-%m', {d})",
        "quarter": "STRFTIME('%Y', {d}) || '-Q' || ((CAST(STRFTIME('%m', {d}) AS INTEGER) + 2) / 3)",
        "year": "STRFTIME('%Y', {d})",
    },
    "postgres": {
        "day": "TO_CHAR({d}, 'YYYY-MM-DD')",
        "week": "TO_CHAR(DATE_TRUNC('week', {d}), 'YYYY-MM-DD')",
        "month": "TO_CHAR({d}, 'YYYY-MM')",
        "quarter": "TO_CHAR({d}, 'YYYY-\"Q\"Q')",
        "year": "TO_CHAR({d}, 'YYYY')",
    },
    "duckdb": {
        "day": "STRFTIME({d}, '%Y-%m-%d')",
        "week": "STRFTIME(DATE_TRUNC('week', {d}), '%Y-%m-%d')",
        "month": "STRFTIME({d}, '%Y-%m')",
        "quarter": "STRFTIME({d}, '%Y') || '-Q' || CAST(QUARTER({d}) AS TEXT)",
        "year": "STRFTIME({d}, '%Y')",
    },
    "mysql": {
        "day": "DATE_FORMAT({d}, '%Y-%m-%d')",
        "week": "DATE_FORMAT(DATE_SUB({d}, INTERVAL WEEKDAY({d}) DAY), '%Y-%m-%d')",
        "month": "DATE_FORMAT({d}, '%Y-%m')",
        "quarter": "CONCAT(YEAR({d}), '-Q', QUARTER({d}))",
        "year": "DATE_FORMAT({d}, '%Y')",
    },
}
SHIFTS = {
    "sqlite": "DATE({d}, '+{n} {unit}')",
    "postgres": "({d} + INTERVAL '{n} {unit}')",
    "duckdb": "({d} + INTERVAL {n} {unit})",
    "mysql": "DATE_ADD({d}, INTERVAL {n} {unit})",
}
_IN_SHIFT_UNITS = {
    "day": ("day", 1),
    "week": ("day", 7),
    "month": ("month", 1),
    "quarter": ("month", 3),
    "year": ("year", 1),
}


def bucket(date: exp.Expression, grain: str, dialect: str) -> exp.Expression:
    """The text label of the ``grain`` period holding ``date``."""
    return _template(BUCKETS[_family(dialect)][grain], date, dialect)


def shifted(
    date: exp.Expression, unit: str, count: int, dialect: str, *, to_month_start: bool = False
) -> exp.Expression:
    """``date`` moved forward by ``count`` ``unit`` (day, week, month, quarter or year).

    ``to_month_start``: move the first day of its month instead, for labels of months, quarters and
    years: SQLite moves January 31 by a month to March 3, the other engines to February's last day.

    Example:
        >>> shifted(exp.column("d"), "month", 1, "sqlite", to_month_start=True).sql("sqlite")
        "DATE(d, 'start of month', '+1 month')"
    """
    base, factor = _IN_SHIFT_UNITS[unit]
    template = SHIFTS[_family(dialect)]
    if to_month_start and _family(dialect) == "sqlite":
        template = "DATE({d}, 'start of month', '+{n} {unit}')"
    text = template.replace("{n}", str(count * factor)).replace("{unit}", base)
    return _template(text, date, dialect)


def _template(text: str, date: exp.Expression, dialect: str) -> exp.Expression:
    placeholder = "__chatbi_date__"
    tree = sqlglot.parse_one(text.replace("{d}", placeholder), read=dialect)
    return tree.transform(
        lambda node: date.copy() if isinstance(node, exp.Column) and node.name == placeholder else node
    )


def _family(dialect: str) -> str:
    return "mysql" if dialect in ("mysql", "mariadb") else dialect
