"""SQLite's clock is UTC; answers on the clock's own day read the local one, as the semantic path does.

The tests move the process to a time zone whose day is not UTC's at this moment (UTC+14 from 10:00
UTC, else UTC−12), so that SQL reading UTC's day gives another date than the local one on any day.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import Replies, _duckdb_shop

from nl2sql.assistant import Assistant
from nl2sql.server_session import local_offset
from nl2sql.today import clock_as_of, local_clock


def _move_to(monkeypatch: pytest.MonkeyPatch, zone: str) -> date:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    return date.today()


@pytest.fixture()
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[date]:
    """The process in a time zone whose day differs from UTC's now; yields the local day."""
    day = _move_to(monkeypatch, "Etc/GMT-14" if datetime.now(UTC).hour >= 10 else "Etc/GMT+12")
    assert day != datetime.now(UTC).date()
    yield day
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(params=["within MariaDB's offsets", "at UTC+14"])
def far_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[date]:
    """The process at an offset MariaDB takes (UTC+13 or UTC−12), on a day that is not UTC's, or at
    UTC+14, which MariaDB does not take; yields the local day."""
    if request.param == "at UTC+14":
        day = _move_to(monkeypatch, "Etc/GMT-14")
    else:
        day = _move_to(monkeypatch, "Etc/GMT-13" if datetime.now(UTC).hour >= 11 else "Etc/GMT+12")
        assert day != datetime.now(UTC).date()
    yield day
    monkeypatch.undo()
    time.tzset()


def _value(sql: str) -> object:
    with sqlite3.connect(":memory:") as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT date('now')", lambda day: day.isoformat()),
        ("SELECT CURRENT_DATE", lambda day: day.isoformat()),
        ("SELECT substr(CURRENT_TIMESTAMP, 1, 10)", lambda day: day.isoformat()),
        ("SELECT DATE('now', 'start of day', '+1 day')", lambda day: (day + timedelta(days=1)).isoformat()),
        ("SELECT strftime('%Y-%m-%d', 'now', '-1 day')", lambda day: (day - timedelta(days=1)).isoformat()),
        (
            "SELECT CAST(julianday('now') - julianday('2000-01-01') AS INTEGER)",
            lambda day: (day - date(2000, 1, 1)).days,
        ),
    ],
)
def test_sql_reading_the_clock_reads_the_local_day_on_sqlite(far_from_utc: date, sql: str, expected) -> None:
    assert _value(sql) != expected(far_from_utc)  # UTC's day, as SQLite reads it
    assert _value(local_clock(sql, "sqlite")) == expected(far_from_utc)


def test_sql_that_chose_its_clock_or_never_reads_it_is_left_as_written() -> None:
    for sql in ("SELECT date('now', 'localtime')", "SELECT datetime('now', 'utc')", "SELECT 1", "SELECT ("):
        assert local_clock(sql, "sqlite") == sql
    for dialect in ("duckdb", "postgres"):
        assert local_clock("SELECT CURRENT_DATE", dialect) == "SELECT CURRENT_DATE"


def test_mysql_reads_its_session_clock_unless_mariadb_cannot_take_the_offset(far_zone: date) -> None:
    sql = "SELECT CURRENT_DATE, NOW()"
    if local_offset() <= timedelta(hours=13):
        assert local_clock(sql, "mysql") == sql
    else:  # UTC+14: the day and the moment, as literals
        pinned = local_clock(sql, "mysql")
        assert pinned.startswith(f"SELECT CAST('{far_zone.isoformat()}' AS DATE), CAST('{far_zone}")


def test_a_pinned_day_wins_over_the_local_clock(far_from_utc: date) -> None:
    pinned = clock_as_of("SELECT date('now')", "sqlite", date(2026, 6, 30))
    assert _value(pinned) == "2026-06-30"
    assert _value(clock_as_of("SELECT date('now')", "sqlite", far_from_utc)) == far_from_utc.isoformat()


def test_an_answer_on_a_database_without_its_own_day_counts_from_the_local_day(
    far_from_utc: date, sqlite_shop: str
) -> None:
    sql = "SELECT date('now') AS today, COUNT(*) AS n FROM customers"
    answer = Assistant(sqlite_shop, generator=Replies(sql), semantic=False, log=None).ask("What day is it?")
    assert answer.error is None, answer.error
    assert answer.data["today"].tolist() == [far_from_utc.isoformat()]
    assert answer.sql == sql  # shown as the model wrote it; no note: it is the analyst's own day
    assert not any("the clock in this SQL" in note for note in answer.notes)


@pytest.mark.parametrize("shop_db", ["postgresql", "mariadb"], indirect=True)
def test_an_answer_on_a_server_counts_from_the_local_day(far_zone: date, shop_db: str) -> None:
    """PostgreSQL and MariaDB sessions read the clock at this process's offset from UTC, whatever the
    server's own zone (MariaDB at UTC+14: a literal), so that generated SQL's "today" is the day the
    semantic path counts from. The offset goes with each query, so a worker started in another zone
    follows it too."""
    epoch = "extract(epoch FROM now())" if shop_db.startswith("postgresql") else "UNIX_TIMESTAMP()"
    with sa.create_engine(shop_db).connect() as connection:
        server_now = float(connection.exec_driver_sql(f"SELECT {epoch}").scalar())
    if abs(server_now - time.time()) > 3600:
        pytest.skip("this process's clock is shifted (faketime); the server's is not")
    _assert_answers_on(shop_db, "CURRENT_DATE", far_zone)


def test_an_answer_on_duckdb_counts_from_the_local_day(far_zone: date, tmp_path: Path) -> None:
    _assert_answers_on(_duckdb_shop(tmp_path), "CURRENT_DATE", far_zone)


def _assert_answers_on(database: str, clock: str, day: date) -> None:
    sql = f"SELECT {clock} AS today, COUNT(*) AS n FROM customers"
    answer = Assistant(database, generator=Replies(sql), semantic=False, log=None).ask("What day is it?")
    assert answer.error is None, answer.error
    assert [str(value)[:10] for value in answer.data["today"]] == [day.isoformat()]
