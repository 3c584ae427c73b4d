"""The queries the product runs itself (catalog, row counts, sample values, grants) are bounded in time
on every engine, with real slow cases: a table another session has locked on PostgreSQL and MariaDB, a
SQLite file whose generated column takes milliseconds a row, and long statements on the pooled
SQLite and DuckDB connections. The bound is set to one second here (``OWN_QUERY_TIMEOUT_S``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, _duckdb_shop, _server_shop, _sqlite_shop

from nl2sql import own_query_timeout
from nl2sql.connect import open_database
from nl2sql.errors import InvalidLimitError
from nl2sql.own_query_timeout import timed_out
from nl2sql.schema import load_schema

pytestmark = pytest.mark.filterwarnings("ignore:the account")  # the superusers, warned of elsewhere

BOUND_S = 1.0
LOCK_HELD_S = 40.0
"""How long the other session holds its lock at most: without the bound, loading the schema takes this."""
DATABASE = "chatbi_own_timeout"


@pytest.fixture(autouse=True)
def one_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(own_query_timeout, "OWN_QUERY_TIMEOUT_S", BOUND_S)


class LockHolder:
    """Another session that locks the orders table until released (or :data:`LOCK_HELD_S` has passed)."""

    def __init__(self, url: str, kind: str) -> None:
        self.url, self.kind = url, kind
        self.locked, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def __enter__(self) -> LockHolder:
        self.thread.start()
        assert self.locked.wait(30), "the lock was never taken"
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self.thread.join(LOCK_HELD_S + 10)

    def _hold(self) -> None:
        engine = sa.create_engine(self.url)
        with engine.connect() as connection:
            if self.kind == "postgresql":
                connection.exec_driver_sql("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
            else:
                connection.exec_driver_sql("LOCK TABLES orders WRITE")
            self.locked.set()
            self.release.wait(LOCK_HELD_S)
            if self.kind != "postgresql":
                connection.exec_driver_sql("UNLOCK TABLES")
            connection.rollback()
        engine.dispose()


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    kind = request.param
    admin = POSTGRES_ADMIN_URL if kind == "postgresql" else MARIADB_ADMIN_URL
    yield kind, _server_shop(admin, kind, DATABASE)


def test_a_locked_table_cannot_hang_reading_the_schema(server: tuple[str, str]) -> None:
    kind, url = server
    database = open_database(url)
    with LockHolder(url, kind):
        started = time.monotonic()
        schema = load_schema(database)
        elapsed = time.monotonic() - started
    assert elapsed < 3 * BOUND_S + 3, f"reading the schema took {elapsed:.1f} s"
    assert schema.table("customers").row_count == 4
    assert schema.table("customers").column("segment").samples == ("SMB", "Consumer", "Enterprise")
    if schema.has_table("orders"):  # kept without what could not be read in time
        assert schema.table("orders").row_count is None
    else:  # or left out, saying why
        (skipped,) = schema.skipped
        assert skipped.name == "orders" and skipped.busy, skipped
        assert f"within {BOUND_S:g} s (locked by another session" in schema.skipped_note()
        assert "may not read" not in schema.skipped_note()  # not mistaken for a missing privilege
    assert load_schema(database).table("orders").row_count == 5  # once the lock is gone, all of it


def test_a_pooled_server_connection_keeps_its_bound_after_a_reset(server: tuple[str, str]) -> None:
    kind, url = server
    database = open_database(url)
    show = "SHOW statement_timeout" if kind == "postgresql" else "SELECT @@session.max_statement_time"
    for _ in range(2):  # a new connection, then one back from the pool (DISCARD ALL-ed on PostgreSQL)
        with database.engine.connect() as connection:
            shown = connection.exec_driver_sql(show).scalar()
            connection.rollback()
        assert shown == "1s" if kind == "postgresql" else float(shown) == BOUND_S, shown


def test_a_slow_generated_column_cannot_hang_sampling_values(tmp_path: Path) -> None:
    """A SQLite file whose text column is computed, a millisecond or so a row, over 50 000 rows: its
    samples would take a minute; the table is read without them, the other columns with theirs. (The
    file is made as a hostile author could: rows written with a quick expression, then the schema
    edited to a slow one, which a virtual column allows since nothing of it is stored.)"""
    path = tmp_path / "slow.sqlite"
    with sqlite3.connect(path) as setup:
        setup.executescript(
            "CREATE TABLE slow (id INTEGER PRIMARY KEY, kind TEXT,"
            " code TEXT AS (substr(hex(zeroblob(1)), 1, 4)) VIRTUAL);"
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)"
            " INSERT INTO slow (id, kind) SELECT i, CASE WHEN i % 2 THEN 'odd' ELSE 'even' END FROM n;"
            "PRAGMA writable_schema = ON;"
            "UPDATE sqlite_master SET sql = replace(sql, 'zeroblob(1)', 'zeroblob(500000 + id)')"
            " WHERE name = 'slow';"
        )
    database = open_database(path)
    started = time.monotonic()
    table = load_schema(database).table("slow")
    elapsed = time.monotonic() - started
    assert elapsed < 2 * BOUND_S + 3, f"reading the schema took {elapsed:.1f} s"
    assert table.row_count == 50000
    assert table.column("kind").samples == ("even", "odd")
    assert table.column("code").samples == ()


LONG = {
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000)"
        " SELECT COUNT(*) FROM c"
    ),
    "duckdb": "SELECT COUNT(*) FROM range(1000000) AS a, range(200000) AS b",
}
"""Statements of about forty seconds each, unbounded."""


@pytest.mark.parametrize("kind", ["sqlite", "duckdb"])
def test_a_long_statement_on_a_pooled_file_connection_is_stopped(kind: str, tmp_path: Path) -> None:
    database = open_database(_sqlite_shop(tmp_path) if kind == "sqlite" else _duckdb_shop(tmp_path))
    with database.engine.connect() as connection:
        started = time.monotonic()
        with pytest.raises(sa.exc.DBAPIError) as raised:
            connection.exec_driver_sql(LONG[kind]).fetchall()
        assert time.monotonic() - started < BOUND_S + 2
        assert timed_out(raised.value), raised.value
    for _ in range(2):  # the connection goes on, with a fresh bound for each statement
        with database.engine.connect() as connection:
            time.sleep(BOUND_S + 0.2)  # idle time does not count
            assert connection.exec_driver_sql("SELECT COUNT(*) FROM orders").scalar() == 5


def test_the_bound_is_a_setting(server: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``$CHATBI_OWN_QUERY_TIMEOUT`` sets it, :func:`set_own_query_timeout` (``c.ChatBI.own_query_timeout``
    in JupyterLab) overrides that; each new server session takes the value then in force."""
    kind, url = server
    show = "SHOW statement_timeout" if kind == "postgresql" else "SELECT @@session.max_statement_time"

    def shown() -> str:
        database = open_database(url)
        with database.engine.connect() as connection:
            value = str(connection.exec_driver_sql(show).scalar())
            connection.rollback()
        database.engine.dispose()
        return value

    def seconds(text: str) -> float:  # PostgreSQL: 2500ms, 4s; MariaDB: 2.5, 4
        return float(text[:-2]) / 1000 if text.endswith("ms") else float(text.removesuffix("s"))

    monkeypatch.setenv(own_query_timeout.ENVIRONMENT_VARIABLE, "2.5")
    assert seconds(shown()) == 2.5
    own_query_timeout.set_own_query_timeout(4)
    try:
        assert seconds(shown()) == 4
    finally:
        own_query_timeout.set_own_query_timeout(None)
    assert seconds(shown()) == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "ten"])
def test_an_unusable_setting_is_one_line_not_no_limit(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(own_query_timeout.ENVIRONMENT_VARIABLE, value)
    with pytest.raises(
        InvalidLimitError, match=f"^CHATBI_OWN_QUERY_TIMEOUT: the time limit must be .*{value}"
    ):
        open_database(_sqlite_shop(tmp_path))
    with pytest.raises(InvalidLimitError):
        own_query_timeout.set_own_query_timeout(value)
    (tmp_path / "cli").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "nl2sql", "schema", "--db", _sqlite_shop(tmp_path / "cli")],
        capture_output=True,
        text=True,
        env={**os.environ, own_query_timeout.ENVIRONMENT_VARIABLE: value},
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CHATBI_OWN_QUERY_TIMEOUT" in lines[0], result.stderr
