"""A wall-clock bound on the queries ChatBI runs itself on its pooled connections.

Besides the user's queries (which run in a worker process, :mod:`nl2sql.query_process`), the product
reads the catalog, counts rows, samples values, probes grants and checks the account on the
connections of :mod:`nl2sql.connect`. Each such statement may take at most
:data:`OWN_QUERY_TIMEOUT_S`, so that a slow or hostile server (a table locked by another session, a
row-level policy that sleeps) or file (a generated column that takes seconds a row) cannot hang the
assistant: PostgreSQL gets a session ``statement_timeout``, MariaDB ``max_statement_time`` (MySQL
``max_execution_time``), both set when a connection is opened and again whenever it goes back to the
pool; SQLite a progress handler that stops a statement past its deadline; DuckDB an interrupt from a
timer. A statement stopped so fails with the engine's own words (:func:`timed_out` tells them apart).

Example:
    >>> session_timeout_statements("postgresql")
    ['SET SESSION statement_timeout = 10000']
    >>> session_timeout_statements("mysql", "10.11.6-MariaDB")
    ['SET SESSION max_statement_time = 10.000000']
    >>> session_timeout_statements("mysql", "8.0.36")
    ['SET SESSION max_execution_time = 10000']
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

OWN_QUERY_TIMEOUT_S = 10.0
"""The longest one statement ChatBI runs itself on a pooled connection may take."""
PROGRESS_STEPS = 1000
"""SQLite looks at the clock every this many virtual machine steps (well under a millisecond)."""
TIMEOUT_WORDS = (
    "statement timeout",  # PostgreSQL: canceling statement due to statement timeout
    "max_statement_time",  # MariaDB
    "maximum statement execution time",  # MySQL
    "interrupted",  # SQLite, DuckDB
)
_CLOCK = "chatbi_own_query_clock"


def session_timeout_statements(backend: str, server_version: str = "") -> list[str]:
    """The statements that bound every later statement of a server session by :data:`OWN_QUERY_TIMEOUT_S`
    (``backend`` as SQLAlchemy names it; for MySQL, the server's version says whether it is MariaDB)."""
    seconds = OWN_QUERY_TIMEOUT_S
    milliseconds = max(1, math.ceil(seconds * 1000))
    if backend == "postgresql":
        return [f"SET SESSION statement_timeout = {milliseconds}"]
    if backend == "mariadb" or "mariadb" in server_version.lower():
        return [f"SET SESSION max_statement_time = {max(seconds, 0.001):.6f}"]
    return [f"SET SESSION max_execution_time = {milliseconds}"]


def bound_embedded(engine: Engine) -> None:
    """Bound each statement on ``engine`` (SQLite or DuckDB) by :data:`OWN_QUERY_TIMEOUT_S`, counted from
    when it starts; a connection back in the pool has no deadline.

    Example:
        >>> import sqlalchemy as sa
        >>> engine = sa.create_engine("sqlite://")
        >>> bound_embedded(engine)
        >>> with engine.connect() as connection:
        ...     connection.exec_driver_sql("SELECT 1").scalar()
        1
    """
    event.listen(engine, "connect", _add_clock)
    event.listen(engine, "before_cursor_execute", _start_clock)
    event.listen(engine, "reset", _stop_clock)  # before the pool rolls the connection back
    event.listen(engine, "checkin", _stop_clock)


def timed_out(error: BaseException | str) -> bool:
    """Whether ``error`` (a driver's, SQLAlchemy's around it, or its message) says a statement ran out
    of time.

    Example:
        >>> timed_out(Exception("canceling statement due to statement timeout"))
        True
        >>> timed_out("permission denied for table orders")
        False
    """
    original = error if isinstance(error, str) else getattr(error, "orig", None) or error
    text = str(original).lower()
    return any(word in text for word in TIMEOUT_WORDS)


class _Clock:
    """One connection's deadline, and how to stop what it runs once the deadline passes."""

    def __init__(self, dbapi_connection: Any) -> None:
        self.connection = dbapi_connection
        self.deadline = math.inf
        self.timer: threading.Timer | None = None
        self.sqlite = hasattr(dbapi_connection, "set_progress_handler")
        if self.sqlite:
            dbapi_connection.set_progress_handler(self.expired, PROGRESS_STEPS)

    def expired(self) -> int:
        """Nonzero (stop the statement) once the deadline has passed: SQLite's progress handler."""
        return int(time.monotonic() > self.deadline)

    def start(self) -> None:
        self.stop()
        self.deadline = time.monotonic() + OWN_QUERY_TIMEOUT_S
        if not self.sqlite:  # DuckDB has no progress handler: interrupt it from a timer
            self.timer = threading.Timer(OWN_QUERY_TIMEOUT_S, self.connection.interrupt)
            self.timer.daemon = True
            self.timer.start()

    def stop(self) -> None:
        self.deadline = math.inf
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _add_clock(dbapi_connection: Any, record: Any) -> None:
    record.info[_CLOCK] = _Clock(dbapi_connection)


def _start_clock(connection: Any, *_: Any) -> None:
    clock = connection.connection.info.get(_CLOCK)
    if clock is not None:
        clock.start()


def _stop_clock(_dbapi_connection: Any, record: Any, _state: Any = None) -> None:
    clock = record.info.get(_CLOCK) if record is not None else None
    if clock is not None:
        clock.stop()
