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

SQLite's clock is UTC, so on the clock's own day its SQL reads the local time instead (:func:`local_clock`),
the day the semantic path counts from too: before 08:00 in Shanghai, UTC's "today" is still yesterday.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from nl2sql.server_session import local_offset, reads_offset

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
    return _pinned(sql, dialect, today, f"{today.isoformat()} 23:59:59")


def _pinned(sql: str, dialect: str, today: date, moment: str) -> str:
    """``sql`` with its clock replaced: the date ``today``, the time ``moment`` (ISO text)."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return sql
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


def clock_as_of(sql: str, dialect: str, today: date | None = None) -> str:
    """``sql`` as it runs for an answer as of ``today``: reading that day (:func:`pin_today`) unless it is
    the local clock's own day (or None), where it reads the local clock (:func:`local_clock`).

    Example:
        >>> clock_as_of("SELECT date('now')", "sqlite", date(2026, 6, 30))
        "SELECT DATE('2026-06-30 23:59:59')"
        >>> clock_as_of("SELECT date('now')", "sqlite")
        "SELECT DATE(DATETIME('now', 'localtime'))"
    """
    if today is not None and today != date.today():
        return pin_today(sql, dialect, today)
    return local_clock(sql, dialect)


LOCAL_NOW = "DATETIME('now', 'localtime')"
"""SQLite's local time: what its ``'now'`` reads where :func:`local_clock` rewrites it."""
_SQLITE_CLOCKS = {exp.CurrentDate: "DATE", exp.CurrentTimestamp: "DATETIME", exp.CurrentTime: "TIME"}


def local_clock(sql: str, dialect: str) -> str:
    """``sql`` reading the local clock where its engine's clock is UTC (SQLite: ``'now'`` and
    ``CURRENT_DATE``/``CURRENT_TIMESTAMP``/``CURRENT_TIME``); unchanged elsewhere (DuckDB reads the local
    zone; PostgreSQL and MariaDB sessions are set to this process's offset from UTC by
    :mod:`nl2sql.server_session`), where the SQL already says ``'localtime'`` or ``'utc'``, or when it
    never reads the clock. Where MariaDB cannot be set to the offset (UTC+14, UTC+13:45), the SQL reads
    the local moment as a literal instead. Text that does not parse is left as it is.

    Example:
        >>> local_clock("SELECT COUNT(*) FROM o WHERE d >= date('now', '-30 days')", "sqlite")
        "SELECT COUNT(*) FROM o WHERE d >= DATE(DATETIME('now', 'localtime'), '-30 days')"
        >>> local_clock("SELECT * FROM o WHERE d = CURRENT_DATE", "sqlite")
        "SELECT * FROM o WHERE d = DATE('now', 'localtime')"
        >>> local_clock("SELECT date('now', 'localtime')", "sqlite")
        "SELECT date('now', 'localtime')"
        >>> local_clock("SELECT CURRENT_DATE", "duckdb")
        'SELECT CURRENT_DATE'
    """
    if dialect == "mysql" and not reads_offset(dialect, local_offset()):
        now = datetime.now()
        return _pinned(sql, dialect, now.date(), now.isoformat(sep=" ", timespec="seconds"))
    if dialect != "sqlite":
        return sql
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return sql
    if any(_said_zone(literal) for literal in tree.find_all(exp.Literal)):
        return sql
    changed = False

    def replace(node: exp.Expression) -> exp.Expression:
        nonlocal changed
        if isinstance(node, exp.Literal) and node.is_string and node.this.lower() == "now" and node.parent:
            changed = True
            return sqlglot.parse_one(LOCAL_NOW, read="sqlite")
        for clock, function in _SQLITE_CLOCKS.items():
            if type(node) is clock:
                changed = True
                return sqlglot.parse_one(f"{function}('now', 'localtime')", read="sqlite")
        return node

    local = tree.transform(replace, copy=True)
    return local.sql(dialect=dialect) if changed else sql


def _said_zone(literal: exp.Literal) -> bool:
    """Whether ``literal`` is SQLite's 'localtime' or 'utc' modifier: the SQL chose its clock itself."""
    return literal.is_string and literal.this.strip().lower() in {"localtime", "utc"}
