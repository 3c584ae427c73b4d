"""Run one read query, never more: the safety gate, and bounds on rows, time and bytes.

The statement must pass the gate (:mod:`nl2sql.safety`); the SQL then asks the engine for at most one
row more than the limit (:mod:`nl2sql.row_cap`). It runs in a worker process the product can kill
(:mod:`nl2sql.query_process`), on a connection of its own (a session of its own on a server, ended
after the query), under the engine's own time limit and the product's deadline. No value may be larger
than ``max_value_bytes``, nor the result than ``max_result_bytes`` (:mod:`nl2sql.limits`), and the
worker's memory is capped, so that the product's own process stays bounded.

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

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from nl2sql.connect import Database
from nl2sql.limits import (
    DEFAULT_MAX_RESULT_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_VALUE_BYTES,
    DEFAULT_TIMEOUT_S,
    QueryLimits,
)
from nl2sql.query_process import run_in_worker
from nl2sql.row_cap import cap_rows
from nl2sql.safety import ensure_read_only

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT_S", "QueryResult", "run_query"]


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
    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES,
) -> QueryResult:
    """Execute ``sql`` on ``database`` if, and only if, it is a single read query, within its bounds.

    Raises:
        InvalidLimitError: a limit is not a usable number (0 or negative rows, a time limit that is 0,
            negative, infinite or not a number).
        RefusedStatementError: the statement is not a single read.
        QueryTimeoutError: it ran past ``timeout_s`` and was stopped.
        ResultTooLargeError: a value or the whole result is over its cap.
        QueryExecutionError: the database rejected it.
    """
    limits = QueryLimits(max_rows, timeout_s, max_value_bytes, max_result_bytes)
    statement = ensure_read_only(sql, database.dialect)
    capped = cap_rows(sql, statement, database.dialect, limits.max_rows + 1)
    started = time.perf_counter()
    columns, rows, truncated = run_in_worker(database, capped, limits)
    return QueryResult(
        columns=columns, rows=list(rows), truncated=truncated, seconds=time.perf_counter() - started
    )
