"""A wall-clock bound on the queries ChatBI runs itself on its pooled connections.

Besides the user's queries (which run in a worker process, :mod:`nl2sql.query_process`), the product
reads the catalog, counts rows, samples values, probes grants and checks the account on the
connections of :mod:`nl2sql.connect`. Each such statement may take at most
:func:`own_query_timeout_s` seconds (10 unless set: :func:`set_own_query_timeout`, the
``CHATBI_OWN_QUERY_TIMEOUT`` environment variable, or ``c.ChatBI.own_query_timeout`` in JupyterLab),
so that a slow or hostile server (a table locked by another session, a
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
    >>> set_own_query_timeout(2.5); session_timeout_statements("postgresql"); set_own_query_timeout(None)
    ['SET SESSION statement_timeout = 2500']
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from nl2sql.errors import InvalidLimitError
from nl2sql.limits import time_limit

OWN_QUERY_TIMEOUT_S = 10.0
"""The longest one statement ChatBI runs itself on a pooled connection may take, unless set otherwise."""
ENVIRONMENT_VARIABLE = "CHATBI_OWN_QUERY_TIMEOUT"
"""Seconds, read when a bound is next needed; :func:`set_own_query_timeout` takes precedence."""
PROGRESS_STEPS = 1000
"""SQLite looks at the clock every this many virtual machine steps (well under a millisecond)."""
TIMEOUT_WORDS = (
    "statement timeout",  # PostgreSQL: canceling statement due to statement timeout
    "max_statement_time",  # MariaDB
    "maximum statement execution time",  # MySQL
    "interrupted",  # SQLite, DuckDB
)
_CLOCK = "chatbi_own_query_clock"
_chosen: list[float] = []
"""The bound set in this process by :func:`set_own_query_timeout`, when one is."""


def own_query_timeout_s() -> float:
    """The longest one of ChatBI's own statements may take, in seconds: the value set by
    :func:`set_own_query_timeout`, else ``$CHATBI_OWN_QUERY_TIMEOUT``, else :data:`OWN_QUERY_TIMEOUT_S`.
    A connection opened before a change keeps its server sessions' bound until they are reset.

    Raises:
        InvalidLimitError: the environment variable is not a number of seconds above 0 (one line).

    Example:
        >>> own_query_timeout_s()
        10.0
    """
    if _chosen:
        return _chosen[-1]
    text = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return OWN_QUERY_TIMEOUT_S
    try:
        return time_limit(text)
    except InvalidLimitError as error:
        raise InvalidLimitError(f"{ENVIRONMENT_VARIABLE}: {error}") from None


def set_own_query_timeout(seconds: float | str | None) -> None:
    """Bound ChatBI's own statements by ``seconds`` in this process from now on (``None``: back to the
    environment variable or the default).

    Raises:
        InvalidLimitError: not a number of seconds above 0 (0, negative, infinite, not a number).

    Example:
        >>> set_own_query_timeout(30); own_query_timeout_s()
        30.0
        >>> set_own_query_timeout(None); own_query_timeout_s()
        10.0
    """
    _chosen.clear()
    if seconds is not None:
        _chosen.append(time_limit(seconds))


def session_timeout_statements(backend: str, server_version: str = "") -> list[str]:
    """The statements that bound every later statement of a server session by :func:`own_query_timeout_s`
    (``backend`` as SQLAlchemy names it; for MySQL, the server's version says whether it is MariaDB)."""
    seconds = own_query_timeout_s()
    milliseconds = max(1, math.ceil(seconds * 1000))
    if backend == "postgresql":
        return [f"SET SESSION statement_timeout = {milliseconds}"]
    if backend == "mariadb" or "mariadb" in server_version.lower():
        return [f"SET SESSION max_statement_time = {max(seconds, 0.001):.6f}"]
    return [f"SET SESSION max_execution_time = {milliseconds}"]


def bound_embedded(engine: Engine) -> None:
    """Bound each statement on ``engine`` (SQLite or DuckDB) by :func:`own_query_timeout_s`, counted from
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
        bound = own_query_timeout_s()
        self.deadline = time.monotonic() + bound
        if not self.sqlite:  # DuckDB has no progress handler: interrupt it from a timer
            self.timer = threading.Timer(bound, self.connection.interrupt)
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
