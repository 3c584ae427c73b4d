"""The process that runs queries, on any engine, so that a runaway query can be killed.

Some work inside an embedded engine ignores interrupts for seconds (SQLite's ``printf('%.*c', 1e9,
'x')``) or allocates outside the engine's own memory limit (DuckDB's ``repeat('x', 1e9)``, a list of
``range(1e8)``), and a PostgreSQL value of up to 1 GB arrives whole before any cap sees it. In a
separate process such a query is bounded from outside: the process caps its own
address space (:data:`ADDRESS_SPACE_BYTES` above what it holds at start, so an allocation past it fails
with an error), and the product kills it when a query runs past its time limit plus a grace
(:mod:`nl2sql.query_process`).

It is started as a plain script (``python query_worker.py FD BACKEND``) and imports only the standard
library, the engine's driver, and four sibling modules (:mod:`nl2sql.engine_settings`,
:mod:`nl2sql.sqlite_guard`, :mod:`nl2sql.bounded_fetch`, :mod:`nl2sql.server_session`), found beside
this file. Each request is a dict read from the pipe; each reply a tuple:
``("rows", columns, rows, truncated)`` or ``(kind, message)`` with ``kind`` one of ``timeout``,
``too-large`` (a cap), ``memory`` (the engine or the worker ran out of memory), ``error``. Every query
gets a new connection (a new session on a server), closed after it. On a server, before the query
runs, the worker also tells the product which session runs it (``("session", id)``,
:func:`nl2sql.server_session.session_id`), so that the product can end that session on the server
should it have to kill the worker.

Example:
    >>> import sqlite3, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "n.sqlite")
    >>> with sqlite3.connect(path) as setup:
    ...     _ = setup.execute("CREATE TABLE n (x INTEGER)")
    >>> request = {"backend": "sqlite", "path": path, "sql": "SELECT 1 + 1 AS two", "max_rows": 5,
    ...            "timeout_s": 5.0, "max_value_bytes": 1000, "max_result_bytes": 10000}
    >>> answer(request)
    ('rows', ['two'], [(2,)], False)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__:
    from nl2sql.bounded_fetch import TooLarge, fetch_bounded
    from nl2sql.engine_settings import open_duckdb, open_sqlite
    from nl2sql.server_session import (
        SERVER_BACKENDS,
        close_server,
        open_server,
        server_cursor,
        session_id,
    )
else:  # started as a script (``python -P``): the siblings become plain modules, found last on sys.path
    sys.path.append(str(Path(__file__).resolve().parent))
    from bounded_fetch import TooLarge, fetch_bounded  # type: ignore[import-not-found, no-redef]
    from engine_settings import open_duckdb, open_sqlite  # type: ignore[import-not-found, no-redef]
    from server_session import (  # type: ignore[import-not-found, no-redef]
        SERVER_BACKENDS,
        close_server,
        open_server,
        server_cursor,
        session_id,
    )

TIMEOUT_WORDS = ("interrupt", "statement timeout", "max_statement_time", "max_execution_time")
MEMORY_WORDS = ("out of memory", "too big", "cannot allocate")

SERVER_BACKUP_CANCEL_S = 0.5
"""How long after a server's own statement limit the worker asks it to cancel, should the engine not have
stopped: apart, so that the two requests never arrive as one (code that shrugs off the first would then
meet the second on its way out, and a query the engine cannot stop would look stopped by it)."""

ADDRESS_SPACE_BYTES = 1024 * 1024 * 1024
"""How much more address space than it holds at start the worker may take: past it, allocations fail."""


def answer(request: dict[str, Any], tell: Callable[[tuple[Any, ...]], None] | None = None) -> tuple[Any, ...]:
    """Run one request's query on a new connection and say what came of it (never raises for the query);
    on a server, ``tell`` is given the session's id before the query starts."""
    backend = request["backend"]
    server = backend in SERVER_BACKENDS
    try:
        if server:
            offset = request.get("utc_offset_minutes")
            utc_offset = None if offset is None else timedelta(minutes=offset)
            connection = open_server(backend, request["params"], utc_offset)
            if tell is not None:
                _tell_session(connection, backend, tell)
        elif backend == "sqlite":
            connection = open_sqlite(request["path"], max_value_bytes=request["max_value_bytes"])
        else:
            connection = open_duckdb(request["path"])
    except Exception as error:  # it cannot be opened: the caller shows the engine's words
        return ("error", _first_line(error))
    stopped = threading.Event()

    def interrupt() -> None:
        stopped.set()
        if backend == "postgresql":
            connection.cancel()
        elif not server:
            connection.interrupt()

    backup = SERVER_BACKUP_CANCEL_S if backend == "postgresql" else 0.0
    timer = threading.Timer(request["timeout_s"] + backup, interrupt)
    timer.daemon = True
    timer.start()
    try:
        if server:
            cursor = server_cursor(connection, backend, request["timeout_s"])
            cursor.execute(request["sql"])
        else:
            cursor = connection.execute(request["sql"])
        columns = [column[0] for column in cursor.description or ()]
        rows, truncated = fetch_bounded(
            cursor,
            max_rows=request["max_rows"],
            max_value_bytes=request["max_value_bytes"],
            max_result_bytes=request["max_result_bytes"],
        )
        return ("rows", columns, rows, truncated)
    except TooLarge as error:
        return ("too-large", str(error))
    except MemoryError:
        return ("memory", "MemoryError")
    except Exception as error:  # each engine raises its own kinds
        message = _first_line(error)
        if stopped.is_set() or any(word in message.lower() for word in TIMEOUT_WORDS):
            return ("timeout", message)
        if "too big" in message.lower():  # SQLite's length limit
            return ("too-large", message)
        if any(word in message.lower() for word in MEMORY_WORDS):
            return ("memory", message)
        return ("error", _message_of(error))
    finally:
        timer.cancel()
        if server:
            close_server(connection)
        else:
            connection.close()


def _tell_session(connection: Any, backend: str, tell: Callable[[tuple[Any, ...]], None]) -> None:
    """Tell the product which session will run the query; a server that will not say is not fatal."""
    try:
        session = session_id(connection, backend)
    except Exception:  # the query itself will meet whatever else is wrong
        if backend == "postgresql":
            connection.rollback()
        return
    tell(("session", session))


def _message_of(error: BaseException) -> str:
    """PyMySQL's ``(code, message)`` as its message; any other error's first line."""
    arguments = getattr(error, "args", ())
    if len(arguments) == 2 and isinstance(arguments[0], int) and isinstance(arguments[1], str):
        return arguments[1].strip().splitlines()[0]
    return _first_line(error)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _cap_address_space() -> None:
    import resource

    with open("/proc/self/statm") as handle:
        held = int(handle.read().split()[0]) * resource.getpagesize()
    limit = held + ADDRESS_SPACE_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(descriptor: int, backend: str) -> None:
    """Answer requests from the pipe ``descriptor`` until it closes."""
    from multiprocessing.connection import Connection

    pipe = Connection(descriptor)
    if backend == "duckdb":
        import duckdb  # noqa: F401  (loaded before the cap: the cap is for queries)
    elif backend == "postgresql":
        import psycopg  # noqa: F401
    elif backend in SERVER_BACKENDS:
        import pymysql  # noqa: F401
    if sys.platform.startswith("linux"):
        _cap_address_space()
    while True:
        try:
            request = pipe.recv()
        except (EOFError, OSError):
            return
        pipe.send(answer(request, tell=pipe.send))


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
