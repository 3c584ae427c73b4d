"""Queries run in worker processes the product can kill, on every engine.

A worker (:mod:`nl2sql.query_worker`) is started once per database and reused; each query gets a new
connection in it (a new session on a server, ended after the query). A query that runs past its time
limit plus :data:`nl2sql.limits.GRACE_S` (the engine was asked to stop and did not, or a server does
not answer) gets its worker killed, and the next query starts a new one. A worker that dies (out of
its address space) is replaced the same way. Workers exit when the product does: their pipe closes.

Killing a worker does not stop a statement running on a server (the server notices the dead client
only when it next writes to it), so when a worker whose query runs on PostgreSQL or MariaDB is killed,
the session it reported is ended on the server as well, from a new short-lived connection
(:func:`nl2sql.server_session.end_session`, in a thread of its own so that nobody waits for it).
The same happens when a query is cancelled: queries run inside :func:`cancelled_by` stop as soon as
its event is set (the panel's Cancel), and Ctrl+C (``KeyboardInterrupt``) stops the query it interrupts.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> from nl2sql.limits import QueryLimits
    >>> path = os.path.join(tempfile.mkdtemp(), "n.sqlite")
    >>> with sqlite3.connect(path) as setup:
    ...     _ = setup.executescript("CREATE TABLE n (x INTEGER); INSERT INTO n VALUES (1), (2), (3);")
    >>> run_in_worker(open_database(path), "SELECT x FROM n ORDER BY x", QueryLimits(max_rows=2))
    (['x'], [(1,), (2,)], True)
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any

from nl2sql.connect import Database
from nl2sql.errors import QueryCancelledError, QueryExecutionError, QueryTimeoutError, ResultTooLargeError
from nl2sql.limits import QueryLimits
from nl2sql.server_session import driver_params, end_session, local_offset

WORKER = Path(__file__).with_name("query_worker.py")
MAX_IDLE_PER_DATABASE = 2
MAX_IDLE = 4
"""Idle workers kept in all; past it the one idle longest is ended (each holds tens of MB)."""
CANCEL_POLL_S = 0.05
"""How often a query that can be cancelled looks at its cancel event."""
EXIT_WAIT_S = 1.5
"""How long the process waits, as it exits, for server sessions still being ended (a reachable server
ends one in milliseconds; a silent one must not hold the exit for the whole connect timeout)."""

_cancel: ContextVar[threading.Event | None] = ContextVar("chatbi_query_cancel", default=None)


@contextmanager
def cancelled_by(event: threading.Event | None) -> Iterator[None]:
    """Queries run inside stop as soon as ``event`` is set (within :data:`CANCEL_POLL_S`): the worker is
    killed, the statement ended on the server, and :class:`QueryCancelledError` raised; a query started
    once it is set does not start at all.

    Example:
        >>> import sqlite3, tempfile, os, threading
        >>> from nl2sql.connect import open_database
        >>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
        >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
        >>> stop = threading.Event()
        >>> stop.set()
        >>> with cancelled_by(stop):
        ...     run_in_worker(open_database(path), "SELECT 1", QueryLimits())
        Traceback (most recent call last):
        ...
        nl2sql.errors.QueryCancelledError: the query was cancelled
    """
    token = _cancel.set(event)
    try:
        yield
    finally:
        _cancel.reset(token)


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, backend: str) -> None:
        ours, theirs = Pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-P", str(WORKER), str(theirs.fileno()), backend],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.pipe: Connection = ours
        self.session: Any = None
        """The server session running the current query, as the worker reported it (None on a file)."""

    def kill(self) -> Any:
        """Kill the worker, then read what it said before it died: the server session running its
        query (None on a file, or when none ran), also where its report was still unread in the pipe
        when the query was stopped (the worker reports its session before the query starts, so a query
        that started is always known)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        session, self.session = self.session, None
        try:
            while self.pipe.poll(0):
                message = self.pipe.recv()
                if message[0] == "session":
                    session = message[1]
        except (EOFError, OSError):  # closed already, or the worker died mid-message
            pass
        self.pipe.close()
        return session


_idle: OrderedDict[tuple[str, str], list[_Worker]] = OrderedDict()
"""Idle workers by database, the database used least recently first."""
_lock = threading.Lock()
_ending: list[threading.Thread] = []
"""Threads ending the server sessions of killed workers."""


def run_in_worker(
    database: Database, sql: str, limits: QueryLimits
) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """Run ``sql`` on ``database`` in a worker process, under ``limits``.

    Returns:
        The column names, at most ``limits.max_rows`` rows, and whether there were more.

    Raises:
        QueryTimeoutError: it ran past ``limits.timeout_s`` (the worker is killed past the grace).
        ResultTooLargeError: a value or the result is over its cap, or the query ran out of memory.
        QueryExecutionError: the engine rejected it.
        QueryCancelledError: it was cancelled (:func:`cancelled_by`).
    """
    cancel = _cancel.get()
    if cancel is not None and cancel.is_set():
        raise QueryCancelledError("the query was cancelled")
    key, request = _request(database, sql, limits)
    worker = _take(key, database.backend)
    try:
        worker.pipe.send(request)
        reply = _reply(worker, time.monotonic() + limits.deadline_s, cancel)
        if reply is None:
            _stop(worker, request)
            if cancel is not None and cancel.is_set():
                raise QueryCancelledError("the query was cancelled")
            raise QueryTimeoutError(
                f"the query ran longer than {limits.timeout_s:g} s and was stopped"
                " (the engine did not stop, so its process was ended)"
            )
    except (EOFError, OSError) as error:
        _stop(worker, request)
        raise ResultTooLargeError(
            "the query was stopped: it needed more memory than a query may use"
        ) from error
    except BaseException:  # KeyboardInterrupt while waiting: stop the query with it
        _stop(worker, request)
        raise
    worker.session = None  # the worker closed it after the query
    if reply[0] == "memory":  # a worker that ran out of memory is not trusted with another query
        worker.kill()
    else:
        _give_back(key, worker)
    return _result(reply, limits)


def _request(database: Database, sql: str, limits: QueryLimits) -> tuple[tuple[str, str], dict[str, Any]]:
    """Which workers may run ``sql`` on ``database`` (the key of their pool), and the request to send."""
    backend = database.backend
    request: dict[str, Any] = {"backend": backend}
    if database.file is not None:
        request["path"] = str(database.file.resolve())
        key = (backend, request["path"])
    else:
        _, params = database.engine.dialect.create_connect_args(database.engine.url)
        request["params"] = driver_params(params)
        request["utc_offset_minutes"] = local_offset() // timedelta(minutes=1)  # the parent's "today"
        key = (backend, database.engine.url.render_as_string(hide_password=False))
    request |= {
        "sql": sql,
        "max_rows": limits.max_rows,
        "timeout_s": limits.timeout_s,
        "max_value_bytes": limits.max_value_bytes,
        "max_result_bytes": limits.max_result_bytes,
    }
    return key, request


def _reply(worker: _Worker, deadline: float, cancel: threading.Event | None) -> tuple[Any, ...] | None:
    """The worker's answer to the request sent, noting the session it reports on the way; None once
    ``deadline`` (a :func:`time.monotonic` time) has passed or ``cancel`` is set."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or (cancel is not None and cancel.is_set()):
            return None
        if worker.pipe.poll(left if cancel is None else min(left, CANCEL_POLL_S)):
            message = worker.pipe.recv()
            if message[0] != "session":
                return message
            worker.session = message[1]


def _stop(worker: _Worker, request: dict[str, Any]) -> None:
    """Kill ``worker`` and end the server session running its query (in the background: a server that
    does not answer keeps nobody waiting; an exiting process waits for it :data:`EXIT_WAIT_S` at most)."""
    session = worker.kill()
    if session is not None:
        ending = threading.Thread(
            target=end_session,
            args=(request["backend"], request["params"], session),
            name="chatbi-end-session",
            daemon=True,
        )
        with _lock:
            _ending[:] = [thread for thread in _ending if thread.is_alive()] + [ending]
        ending.start()


@atexit.register
def wait_for_ending_sessions(wait_s: float | None = None) -> int:
    """Give server sessions still being ended up to ``wait_s`` seconds in all (:data:`EXIT_WAIT_S` by
    default), as the process exits; how many were still being ended after that.

    Example:
        >>> wait_for_ending_sessions(0.1)
        0
    """
    deadline = time.monotonic() + (EXIT_WAIT_S if wait_s is None else wait_s)
    with _lock:
        pending = list(_ending)
    for thread in pending:
        thread.join(max(0.0, deadline - time.monotonic()))
    return sum(thread.is_alive() for thread in pending)


def _result(reply: tuple[Any, ...], limits: QueryLimits) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    kind = reply[0]
    if kind == "rows":
        return reply[1], reply[2], reply[3]
    if kind == "timeout":
        raise QueryTimeoutError(f"the query ran longer than {limits.timeout_s:g} s and was stopped")
    if kind == "too-large":
        raise ResultTooLargeError(f"the result is too large: {reply[1]}")
    if kind == "memory":
        raise ResultTooLargeError(f"the query needed more memory than a query may use ({reply[1]})")
    raise QueryExecutionError(f"the database rejected the query: {reply[1]}")


def _take(key: tuple[str, str], backend: str) -> _Worker:
    with _lock:
        workers = _idle.get(key, [])
        while workers:
            worker = workers.pop()
            if worker.process.poll() is None:
                return worker
            worker.kill()
    return _Worker(backend)


def _give_back(key: tuple[str, str], worker: _Worker) -> None:
    ended = [worker]
    with _lock:
        workers = _idle.setdefault(key, [])
        _idle.move_to_end(key)
        if len(workers) < MAX_IDLE_PER_DATABASE and worker.process.poll() is None:
            workers.append(worker)
            ended = []
        while sum(len(group) for group in _idle.values()) > MAX_IDLE:
            oldest = next(key for key, group in _idle.items() if group)
            ended.append(_idle[oldest].pop(0))
        for empty in [key for key, group in _idle.items() if not group]:
            del _idle[empty]
    for old in ended:
        old.kill()


def worker_pids(path: str | Path | None = None) -> list[int]:
    """The process ids of the idle workers, of the file ``path`` or of all (for tests and diagnostics)."""
    wanted = str(Path(path).resolve()) if path is not None else None
    with _lock:
        return [
            worker.process.pid
            for (_, file), workers in _idle.items()
            if wanted in (None, file)
            for worker in workers
        ]


@atexit.register
def stop_workers() -> None:
    """End every idle worker (they would end on their own when the pipe closes)."""
    with _lock:
        workers = [worker for group in _idle.values() for worker in group]
        _idle.clear()
    for worker in workers:
        worker.kill()


if hasattr(os, "register_at_fork"):  # a forked child must not share its parent's workers
    os.register_at_fork(after_in_child=lambda: _idle.clear())
