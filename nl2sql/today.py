"""Answer as of a given day: the clock in generated SQL (``date('now')``, ``CURRENT_DATE``, ``NOW()``)
replaced by that day, so relative windows count back from it.

The semantic path computes its windows from "today" in Python; generated SQL reads the database's
clock. When the assistant's today is not the clock's (the demo data ends on its own day; an evaluation
pins one), the SQL is rewritten on the AST to read that day instead, at its last second, and the answer
lists the change.

Example:
    >>> from datetime import date
    >>> pin_today("SELECT COUNT(*) FROM o WHERE d >= date('now', '-30 days')", "sqlite", date(2026, 6, 30))
    "SELECT COUNT(*) FROM o WHERE d >= DATE('2026-06-30 23:59:59', '-30 days')"
    >>> pin_today("SELECT * FROM o WHERE d > CURRENT_DATE - INTERVAL '7 days'", "postgres", date(2026, 6, 30))
    "SELECT * FROM o WHERE d > CAST('2026-06-30' AS DATE) - INTERVAL '7 DAYS'"
    >>> pin_today("SELECT 1", "sqlite", date(2026, 6, 30))
    'SELECT 1'
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

CLOCK_FUNCTIONS = {
    "now",
    "sysdate",
    "curdate",
    "current_date",
    "current_timestamp",
    "localtimestamp",
    "getdate",
}


def pin_today(sql: str, dialect: str, today: date) -> str:
    """``sql`` reading ``today`` wherever it reads the clock; unchanged when it never does.
    Text that does not parse is left as it is (the checks after this report it)."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return sql
    moment = f"{today.isoformat()} 23:59:59"
    changed = False

    def replace(node: exp.Expression) -> exp.Expression:
        nonlocal changed
        if isinstance(node, exp.Literal) and node.is_string and node.this.lower() == "now" and node.parent:
            changed = True
            return exp.Literal.string(moment)
        if isinstance(node, exp.CurrentDate):
            changed = True
            return exp.cast(exp.Literal.string(today.isoformat()), "DATE")
        clock = isinstance(node, exp.CurrentTimestamp | exp.CurrentDatetime | exp.CurrentTime)
        if clock or (isinstance(node, exp.Anonymous) and node.name.lower() in CLOCK_FUNCTIONS):
            changed = True
            return exp.cast(exp.Literal.string(moment), "TIMESTAMP")
        return node

    pinned = tree.transform(replace)
    return pinned.sql(dialect=dialect) if changed else sql
