"""Run one read query, never more: the safety gate, a row limit, a time limit, and a rollback.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "n.sqlite")
    >>> con = sqlite3.connect(path)
    >>> _ = con.executescript("CREATE TABLE n (x INTEGER); INSERT INTO n VALUES (1), (2), (3);")
    >>> con.commit(); con.close()
    >>> result = run_query(open_database(path), "SELECT x FROM n ORDER BY x", max_rows=2)
    >>> result.columns, result.rows, result.truncated
    (['x'], [(1,), (2,)], True)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection

from nl2sql.connect import Database
from nl2sql.errors import QueryExecutionError, QueryTimeoutError, driver_message
from nl2sql.safety import ensure_read_only

DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class QueryResult:
    """Rows a query returned, at most ``max_rows`` of them."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    """True when the query had more rows than the limit let through."""
    seconds: float

    def to_frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (duplicate column names kept)."""
        return pd.DataFrame.from_records(self.rows, columns=self.columns)


def run_query(
    database: Database,
    sql: str,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Execute ``sql`` on ``database`` if, and only if, it is a single read query.

    Raises:
        RefusedStatementError: the statement is not a single read.
        QueryTimeoutError: it ran past ``timeout_s`` and was stopped.
        QueryExecutionError: the database rejected it.
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    ensure_read_only(sql, database.dialect)
    started = time.perf_counter()
    with database.engine.connect() as connection:
        try:
            with _time_limit(connection, database.backend, timeout_s) as limit:
                try:
                    cursor = _execute_verbatim(connection, sql)
                    columns = list(cursor.keys())
                    rows = [tuple(row) for row in cursor.fetchmany(max_rows + 1)]
                    cursor.close()
                except Exception as error:  # each driver raises its own kinds
                    if limit.expired or _is_timeout(error):
                        raise QueryTimeoutError(
                            f"the query ran longer than {timeout_s:g} s and was stopped"
                        ) from error
                    raise QueryExecutionError(
                        f"the database rejected the query: {driver_message(error)}"
                    ) from error
        finally:
            connection.rollback()
    truncated = len(rows) > max_rows
    return QueryResult(
        columns=columns, rows=rows[:max_rows], truncated=truncated, seconds=time.perf_counter() - started
    )


def _execute_verbatim(connection: Connection, sql: str) -> Any:
    """Send ``sql`` to the driver as it is, with no parameters at all.

    Drivers that take ``%s`` or ``%(name)s`` placeholders (psycopg, PyMySQL) read every ``%`` of a
    statement as a placeholder once a parameter collection is passed, even an empty one: ``LIKE 'ap%'``
    then fails. Without one they leave the text alone, so ``%``, ``%%``, ``?``, ``:name`` and ``$1``
    inside string literals reach the server unchanged.
    """
    return connection.execution_options(no_parameters=True).exec_driver_sql(sql)


class _Limit:
    expired = False


@contextmanager
def _time_limit(connection: Connection, backend: str, timeout_s: float) -> Iterator[_Limit]:
    """Stop the statement after ``timeout_s``: server-side where the server can, else by interrupt."""
    limit = _Limit()
    if backend == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
        yield limit
        return
    if backend in {"mysql", "mariadb"}:
        version = str(connection.exec_driver_sql("SELECT VERSION()").scalar())
        if "mariadb" in version.lower():
            connection.exec_driver_sql(f"SET SESSION max_statement_time = {float(timeout_s)}")
        else:
            connection.exec_driver_sql(f"SET SESSION max_execution_time = {int(timeout_s * 1000)}")
        yield limit
        return
    raw = connection.connection.driver_connection

    def interrupt() -> None:
        limit.expired = True
        raw.interrupt()

    timer = threading.Timer(timeout_s, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield limit
    finally:
        timer.cancel()


def _is_timeout(error: Exception) -> bool:
    text = str(getattr(error, "orig", None) or error).lower()
    return any(
        marker in text
        for marker in (
            "statement timeout",
            "max_statement_time",
            "interrupted",
            "maximum statement execution time",
            "canceling statement",
        )
    )
