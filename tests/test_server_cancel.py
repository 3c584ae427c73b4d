"""A query whose worker is killed stops on the server too: on real PostgreSQL and MariaDB, through the
owner and a SELECT-only account, whether the hard stop killed it (a query that ignores the engine's own
time limit, or a time limit set so that the hard stop comes first) or the user cancelled it (the
panel's Cancel, through ``cancelled_by``). The server's own list of sessions (``pg_stat_activity``,
``information_schema.PROCESSLIST``) shows the statement gone within two seconds."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, Replies, _server_shop, read_only_url

from nl2sql import limits, query_process
from nl2sql.connect import open_database
from nl2sql.errors import QueryCancelledError, QueryTimeoutError
from nl2sql.execute import run_query
from nl2sql.limits import QueryLimits
from nl2sql.query_process import cancelled_by

pytestmark = pytest.mark.filterwarnings("ignore:the account")  # the superusers, warned of elsewhere

DATABASE = "chatbi_cancel"
GONE_WITHIN_S = 5.0
"""How soon a stopped statement must be gone: the session is ended from a new connection on a thread of
its own, which a loaded machine (the shifted-clock run) can take seconds to open; a statement that is
never ended runs on for the query's 30 s or 60 s and still fails the check."""
STUBBORN = """
CREATE FUNCTION stubborn() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE started timestamptz := clock_timestamp();
BEGIN
  LOOP
    BEGIN  -- the whole wait inside the block: a cancel caught anywhere in it is shrugged off
      LOOP
        EXIT WHEN clock_timestamp() >= started + interval '60 seconds';
        PERFORM pg_sleep(0.05);
      END LOOP;
      RETURN 1;
    EXCEPTION WHEN query_canceled THEN NULL;  -- statement_timeout and pg_cancel_backend
    END;
  END LOOP;
END $$;
CREATE VIEW stubborn_view AS SELECT stubborn() AS x;
"""
"""A view that ignores PostgreSQL's statement timeout for a minute: only ending the session stops it."""
LONG = "SELECT COUNT(*) AS n FROM " + " CROSS JOIN ".join(f"orders AS o{i}" for i in range(14))
"""5¹⁴ rows to count: minutes of work, well inside the time limit, in memory on both servers."""


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """The engine and its shop database (PostgreSQL's with the stubborn view); skipped without a server."""
    kind = request.param
    admin_url = POSTGRES_ADMIN_URL if kind == "postgresql" else MARIADB_ADMIN_URL
    url = _server_shop(admin_url, kind, DATABASE)
    if kind == "postgresql":
        owner = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with owner.connect() as connection:
            connection.exec_driver_sql(STUBBORN)
        owner.dispose()
    yield kind, url
    _end_leftovers(kind)


@pytest.fixture(params=["owner", "read-only"])
def spec(request: pytest.FixtureRequest, server: tuple[str, str]) -> str:
    _, url = server
    return url if request.param == "owner" else read_only_url(url)


def _statements(kind: str) -> list[str]:
    """What the server is running on the test database (idle pooled sessions aside; the test's own admin
    session is elsewhere)."""
    if kind == "postgresql":
        admin = sa.create_engine(POSTGRES_ADMIN_URL)
        query = (
            f"SELECT query FROM pg_stat_activity WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()"
            " AND state <> 'idle'"
        )
    else:
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        query = (
            f"SELECT INFO FROM information_schema.PROCESSLIST WHERE DB = '{DATABASE}' AND COMMAND <> 'Sleep'"
        )
    try:
        with admin.connect() as connection:
            return [str(row[0]) for row in connection.exec_driver_sql(query)]
    finally:
        admin.dispose()


def _assert_gone(kind: str) -> None:
    """Nothing runs on the test database within :data:`GONE_WITHIN_S` (checked every 50 ms)."""
    deadline = time.monotonic() + GONE_WITHIN_S
    running = _statements(kind)
    while running and time.monotonic() < deadline:
        time.sleep(0.05)
        running = _statements(kind)
    assert running == [], f"still running on the server: {running}"


def _end_leftovers(kind: str) -> None:
    """So that a failed test leaves no statement running for the next ones."""
    if kind == "postgresql":
        admin = sa.create_engine(POSTGRES_ADMIN_URL)
        sql = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{DATABASE}'"
        with admin.connect() as connection:
            connection.exec_driver_sql(sql).fetchall()
    else:
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        with admin.connect() as connection:
            ids = connection.exec_driver_sql(
                f"SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{DATABASE}'"
            ).fetchall()
            for (session,) in ids:
                connection.exec_driver_sql(f"KILL {int(session)}")
    admin.dispose()


def test_a_query_that_ignores_the_engines_time_limit_is_ended_on_the_server(
    server: tuple[str, str], spec: str
) -> None:
    kind, _ = server
    if kind != "postgresql":
        pytest.skip("MariaDB stops every statement at max_statement_time: see the next test")
    database = open_database(spec)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="its process was ended"):
        run_query(database, "SELECT x FROM stubborn_view", timeout_s=1)
    assert time.monotonic() - started < 1 + limits.GRACE_S + 1.5
    _assert_gone(kind)


def test_a_query_the_hard_stop_kills_first_is_ended_on_the_server(
    server: tuple[str, str], spec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's limit is 30 s and the caller's deadline 1.5 s: the worker is killed mid-statement."""
    kind, _ = server
    database = open_database(spec)
    monkeypatch.setattr(limits, "GRACE_S", -28.5)
    with pytest.raises(QueryTimeoutError, match="its process was ended"):
        run_query(database, LONG, timeout_s=30)
    _assert_gone(kind)


def test_a_cancelled_query_is_ended_on_the_server(server: tuple[str, str], spec: str) -> None:
    kind, _ = server
    database = open_database(spec)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with cancelled_by(cancel), pytest.raises(QueryCancelledError):
        run_query(database, LONG, timeout_s=60)
    assert time.monotonic() - started < 2.0
    _assert_gone(kind)
    with cancelled_by(cancel), pytest.raises(QueryCancelledError):  # once cancelled, nothing more starts
        run_query(database, "SELECT 1", timeout_s=60)
    assert run_query(database, "SELECT COUNT(*) FROM orders").rows == [(5,)]  # and the next query runs


def test_a_query_stopped_before_its_session_was_read_is_still_ended_on_the_server(
    server: tuple[str, str], spec: str
) -> None:
    """The worker reported its session and started the query, but the product stopped it before reading
    that report (a cancel between two polls of a busy machine): the session is read from the pipe after
    the worker is killed, and ended."""
    kind, _ = server
    database = open_database(spec)
    key, request = query_process._request(database, LONG, QueryLimits(timeout_s=60))
    worker = query_process._Worker(key[0])
    worker.pipe.send(request)
    deadline = time.monotonic() + 30
    while not _statements(kind) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _statements(kind), "the query never started"
    assert worker.session is None  # nothing read from the worker yet
    query_process._stop(worker, request)
    _assert_gone(kind)


class CancelWhileRunning:
    """A panel's listener whose user presses Cancel half a second after the query starts running."""

    request_id = "1"

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.stages: list[str] = []

    def stage(self, stage: str) -> None:
        self.stages.append(stage)
        if stage == "running":
            threading.Timer(0.5, self.cancelled.set).start()

    def token(self, text: str) -> None:
        return None


def test_the_panels_cancel_ends_the_query_on_the_server(
    server: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel in the panel (the stream's ``cancel`` message sets the listener's event) while the query
    runs: the answer ends as cancelled at once, and the statement is gone from the server."""
    pytest.importorskip(
        "chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension"
    )
    from chatbi_jupyterlab import wire
    from chatbi_jupyterlab.errors import AnswerCancelled
    from chatbi_jupyterlab.service import ChatBIService, ServiceSettings

    kind, url = server
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: Replies(LONG))
    settings = ServiceSettings(connections={"shop": url}, feedback_log="", timeout_s=60, time_budget_s=60)
    service = ChatBIService(settings, logging.getLogger("test"))
    listener = CancelWhileRunning()
    started = time.monotonic()
    try:
        with pytest.raises(AnswerCancelled):
            asyncio.run(
                service.ask(wire.AskRequest("How many combinations of fourteen orders are there?"), listener)
            )
    finally:
        service.close()
    assert "running" in listener.stages
    assert time.monotonic() - started < 30
    _assert_gone(kind)
