"""Rewrite MySQL-style date functions, which small models write out of habit, into SQLite's.

SQLite has no ``YEAR()``, ``MONTH()``, ``DAY()``, ``CURDATE()``, ``NOW()`` or
``DATE_SUB(…, INTERVAL n unit)``; it has ``strftime`` and ``date(…, '-n unit')``. sqlglot parses the
MySQL forms in the SQLite dialect but writes them back unchanged, and SQLite then rejects the query.
These rewrites keep the meaning and make it run.

Example:
    >>> rewrite_sqlite_dates("SELECT YEAR(order_date) FROM orders").sql
    "SELECT CAST(STRFTIME('%Y', order_date) AS INTEGER) FROM orders"
    >>> rewrite_sqlite_dates("SELECT COUNT(*) FROM t WHERE d >= DATE_SUB(CURDATE(), INTERVAL 30 DAY)").sql
    "SELECT COUNT(*) FROM t WHERE d >= DATE('now', '-30 day')"
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

PARTS = {exp.Year: "%Y", exp.Month: "%m", exp.Day: "%d"}
NOW_FUNCTIONS = {
    "curdate": "DATE('now')",
    "current_date": "DATE('now')",
    "now": "DATETIME('now')",
    "sysdate": "DATETIME('now')",
    "current_timestamp": "DATETIME('now')",
}
UNITS = {
    "day": "day",
    "days": "day",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "week": "day",
    "weeks": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
}


@dataclass
class Rewrite:
    sql: str
    changes: list[str] = field(default_factory=list)


def rewrite_sqlite_dates(sql: str) -> Rewrite:
    """``sql`` with MySQL date functions replaced by SQLite equivalents (unchanged when there are none)."""
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except SqlglotError:
        return Rewrite(sql)
    changes: list[str] = []
    for node in list(tree.walk()):
        if node.root() is not tree:
            continue  # inside something already replaced
        replacement = _replacement(node)
        if replacement is not None:
            changes.append(f"{node.sql('sqlite')} → {replacement.sql('sqlite')}")
            node.replace(replacement)
    return Rewrite(tree.sql("sqlite"), changes) if changes else Rewrite(sql)


def _replacement(node: exp.Expression) -> exp.Expression | None:
    for kind, part in PARTS.items():
        if type(node) is kind:
            strftime = exp.Anonymous(
                this="STRFTIME", expressions=[exp.Literal.string(part), node.this.copy()]
            )
            return exp.Cast(this=strftime, to=exp.DataType.build("INTEGER"))
    if isinstance(node, exp.Anonymous) and node.name.lower() in NOW_FUNCTIONS and not node.expressions:
        return sqlglot.parse_one(NOW_FUNCTIONS[node.name.lower()], read="sqlite")
    if isinstance(node, exp.DateSub | exp.DateAdd) and isinstance(node.expression, exp.Interval):
        amount, unit = _interval(node.expression)
        if amount is None or unit is None:
            return None
        sign = "-" if isinstance(node, exp.DateSub) else "+"
        amount = amount * 7 if node.expression.text("unit").lower().startswith("week") else amount
        function, start = _start(node.this)
        shift = exp.Literal.string(f"{sign}{amount} {unit}")
        return exp.Anonymous(this=function, expressions=[start, shift])
    return None


def _start(node: exp.Expression) -> tuple[str, exp.Expression]:
    """The SQLite function and first argument for shifting ``node`` (``'now'`` for today/now)."""
    name = node.name.lower() if isinstance(node, exp.Anonymous) and not node.expressions else ""
    if name in NOW_FUNCTIONS or isinstance(node, exp.CurrentDate | exp.CurrentTimestamp):
        timestamp = isinstance(node, exp.CurrentTimestamp) or NOW_FUNCTIONS.get(name, "").startswith(
            "DATETIME"
        )
        return ("DATETIME" if timestamp else "DATE"), exp.Literal.string("now")
    return "DATE", node.copy()


def _interval(interval: exp.Interval) -> tuple[int | None, str | None]:
    try:
        amount = int(float(interval.this.name))
    except (TypeError, ValueError):
        return None, None
    return amount, UNITS.get(interval.text("unit").lower())
