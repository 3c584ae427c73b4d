"""Relative dates: a correction's windows read as of the day it was made, written as of another day or
with the database's clock, checked on real SQLite, DuckDB, PostgreSQL and MariaDB."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
import sqlglot
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL

from feedback.corrections import Correction
from feedback.log import FeedbackLog
from feedback.review import approve, review_queue
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.demo.business import BUSINESS_AS_OF, load_business_questions
from nl2sql.relative_dates import ANCHORS, RelativeDate, re_anchored, read_date, with_clock
from nl2sql.safety import ensure_read_only
from nl2sql.today import pin_today

LATER_DAYS = [date(2026, 12, 7), date(2027, 1, 1), date(2027, 3, 31), date(2028, 2, 29), date(2028, 12, 31)]
"""Days the windows are moved to: a month end, a year start, a quarter end, a leap day, a year end."""


def _dated_questions() -> list[tuple[str, str, list[date]]]:
    """Every business question whose gold SQL writes dates: (question, SQL, its dates)."""
    found = []
    for question in load_business_questions():
        dates = [date.fromisoformat(d) for d in re.findall(r"'(\d{4}-\d\d-\d\d)'", question.sql or "")]
        if dates:
            found.append((question.question, question.sql or "", dates))
    return found


DATED = _dated_questions()


def _sqlite_value(expression: str) -> date:
    with sqlite3.connect(":memory:") as connection:
        return date.fromisoformat(connection.execute(f"SELECT {expression}").fetchone()[0])


def _duckdb_value(expression: str) -> date:
    return duckdb.connect().execute(f"SELECT {expression}").fetchone()[0]


def _readings() -> list[tuple[str, date, RelativeDate]]:
    return [
        (question, value, reading)
        for question, _, dates in DATED
        for value in dates
        if (reading := read_date(value, BUSINESS_AS_OF, question)) is not None
    ]


def test_most_business_windows_are_read_and_named_years_stay_fixed() -> None:
    readings = _readings()
    assert len(readings) > 0.6 * sum(len(dates) for _, _, dates in DATED)
    for question, _, dates in DATED:
        if re.search(r"(?<!\d)20\d\d(?!\d)", question):
            assert all(read_date(value, BUSINESS_AS_OF, question) is None for value in dates), question


@pytest.mark.parametrize("later", [BUSINESS_AS_OF, *LATER_DAYS])
def test_the_clock_expressions_give_the_moved_dates_in_sqlite_and_duckdb(later: date) -> None:
    """On the day the gold was written every clock expression gives the date it replaced; on a later day
    the one :meth:`RelativeDate.on` gives: the engines and the Python reading agree."""
    seen: set[tuple[RelativeDate, date]] = set()
    for _, value, reading in _readings():
        if (reading, later) in seen:
            continue
        seen.add((reading, later))
        expected = value if later == BUSINESS_AS_OF else reading.on(later, "sqlite")
        assert _sqlite_value(pin_today(reading.clock_sql("sqlite"), "sqlite", later)) == expected, reading
        pinned = pin_today(reading.clock_sql("duckdb"), "duckdb", later)
        assert _duckdb_value(pinned) == reading.on(later, "duckdb"), reading


@pytest.mark.parametrize(("url", "dialect"), [(POSTGRES_ADMIN_URL, "postgres"), (MARIADB_ADMIN_URL, "mysql")])
def test_the_clock_expressions_give_the_moved_dates_on_the_servers(url: str, dialect: str) -> None:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        connection = engine.connect()
    except Exception as error:  # no server, no driver
        pytest.skip(f"{dialect} is not reachable at {url}: {str(error).splitlines()[0]}")
    readings = {reading for _, _, reading in _readings()}
    readings |= {
        RelativeDate(anchor, months, days)
        for anchor in ANCHORS
        for months, days in ((0, 0), (-13, 0), (-3, -1))
    }
    readings |= {RelativeDate("today", months, days, clamped=True) for months, days in ((-1, 1), (-13, 0))}
    with connection:
        for reading in readings:
            for later in LATER_DAYS:
                pinned = pin_today(reading.clock_sql(dialect), dialect, later)
                value = connection.exec_driver_sql(f"SELECT {pinned}").scalar()
                assert value == reading.on(later, dialect), (reading, later)
    engine.dispose()


def test_gold_sql_with_the_clock_passes_the_gate_and_pins_back_to_the_same_query_result() -> None:
    """Every rewritten gold query is one the execution gate lets through, and pinned to the day it was
    written it returns the rows the literal one does, on the demo database."""
    from nl2sql.demo.build import ensure_demo_database

    path = ensure_demo_database(as_of=BUSINESS_AS_OF)
    changed = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        for question, sql, _ in DATED[::7]:
            clocked = with_clock(sql, "sqlite", BUSINESS_AS_OF, question)
            if clocked == sql:
                continue
            changed += 1
            ensure_read_only(clocked, "sqlite")
            pinned = pin_today(clocked, "sqlite", BUSINESS_AS_OF)
            assert connection.execute(pinned).fetchall() == connection.execute(sql).fetchall(), question
    assert changed > 50


@pytest.mark.parametrize(
    ("question", "dates", "moved"),
    [
        ("What was our revenue last month?", "2026-05-01 2026-06-01", "2026-11-01 2026-12-01"),
        ("How many orders did we get in the last 7 days?", "2026-06-24 2026-07-01", "2026-12-01 2026-12-08"),
        ("What's our GMV this quarter?", "2026-04-01 2026-07-01", "2026-10-01 2026-12-08"),
        ("Last quarter's new signups", "2026-01-01 2026-04-01", "2026-07-01 2026-10-01"),
        ("Cancellation rate over the last 12 months", "2025-07-01 2026-07-01", "2025-12-08 2026-12-08"),
        ("上周的成交总额是多少？", "2026-06-22 2026-06-29", "2026-11-30 2026-12-07"),
        ("昨天的退货记录", "2026-06-29 2026-06-30", "2026-12-06 2026-12-07"),
        ("QoQ growth in units sold for Q2?", "2026-04-01 2026-07-01", "2026-04-01 2026-07-01"),
        ("total GMV since March", "2026-03-01 2026-07-01", "2026-03-01 2026-12-08"),
        ("SMB 今年上半年的毛利率", "2026-01-01 2026-07-01", "2026-01-01 2026-07-01"),
        ("去年双十一当天的营收是多少？", "2025-11-11 2025-11-12", "2025-11-11 2025-11-12"),
        ("This year vs the same period last year", "2025-01-01 2025-07-01", "2025-01-01 2025-12-08"),
        ("What was the cancellation rate in 2025?", "2025-01-01 2026-01-01", "2025-01-01 2026-01-01"),
        ("Orders placed on 2026-06-29", "2026-06-29 2026-06-30", "2026-06-29 2026-06-30"),
        ("Which customers signed up before the launch?", "2026-05-01", "2026-05-01"),
        ("近90天下过单、今年才注册的新客", "2026-01-01", "2026-01-01"),
        ("去年每个季度的退款金额", "2025-01-01 2026-01-01", "2025-01-01 2026-01-01"),
        ("YoY growth in units for last quarter", "2025-01-01 2025-04-01", "2025-07-01 2025-10-01"),
        ("6月25号之前下的订单", "2026-06-25", "2026-06-25"),
        ("每个行业近半年的取消率", "2026-01-01 2026-07-01", "2026-06-08 2026-12-08"),
        ("6月以来每周的订单", "2026-06-01 2026-07-01", "2026-06-01 2026-12-08"),
        ("Revenue MTD against the same point last month", "2026-05-01 2026-05-31", "2026-11-01 2026-11-08"),
        ("本月至今与上月同期的销售额对比", "2026-05-01 2026-05-31", "2026-11-01 2026-11-08"),
    ],
)
def test_a_window_is_moved_to_what_its_words_mean_on_a_later_day(
    question: str, dates: str, moved: str
) -> None:
    """Each row: the question, the dates its gold SQL wrote on 2026-06-30, the dates on 2026-12-07."""
    where = " AND ".join(f"d {'>=' if i % 2 == 0 else '<'} '{d}'" for i, d in enumerate(dates.split()))
    sql = f"SELECT COUNT(*) FROM o WHERE {where}"
    expected = " AND ".join(f"d {'>=' if i % 2 == 0 else '<'} '{d}'" for i, d in enumerate(moved.split()))
    assert re_anchored(sql, "sqlite", BUSINESS_AS_OF, date(2026, 12, 7), question).endswith(expected)


@pytest.mark.parametrize(
    ("later", "window"),
    [
        (date(2026, 12, 7), "'2026-11-01' AND d < '2026-11-08'"),
        (date(2027, 3, 30), "'2027-02-01' AND d < '2027-03-01'"),  # February has no 30th: all of it
        (date(2027, 3, 1), "'2027-02-01' AND d < '2027-02-02'"),
        (date(2028, 2, 29), "'2028-01-01' AND d < '2028-01-30'"),
    ],
)
def test_the_same_point_of_last_month_ends_on_the_same_day_or_the_month_end(later: date, window: str) -> None:
    """Made on 2026-06-30 (June 1–30 against May 1–30), moved to days whose last month is shorter."""
    sql = "SELECT COUNT(*) FROM o WHERE d >= '2026-05-01' AND d < '2026-05-31'"
    question = "Orders this month so far against the same point last month"
    assert re_anchored(sql, "postgres", BUSINESS_AS_OF, later, question).endswith(window)
    assert re_anchored(sql, "sqlite", BUSINESS_AS_OF, later, question).endswith(window)  # clamped too
    end = read_date(date(2026, 5, 31), BUSINESS_AS_OF, question, "sqlite")
    assert end is not None
    assert str(_duckdb_value(pin_today(end.clock_sql("duckdb"), "duckdb", later))) == window.split("'")[3]
    assert str(_sqlite_value(pin_today(end.clock_sql("sqlite"), "sqlite", later))) == window.split("'")[3]


def test_text_that_does_not_parse_and_other_dialects_keep_their_dates() -> None:
    broken = "SELECT * FROM o WHERE d >= '2026-05-01' AND ("
    assert with_clock(broken, "sqlite", BUSINESS_AS_OF, "Orders last month?") == broken
    assert re_anchored(broken, "sqlite", BUSINESS_AS_OF, date(2026, 12, 7), "Orders last month?") == broken
    oracle = "SELECT * FROM o WHERE d >= '2026-05-01'"
    assert with_clock(oracle, "oracle", BUSINESS_AS_OF, "Orders last month?") == oracle
    moved = re_anchored(oracle, "oracle", BUSINESS_AS_OF, date(2026, 12, 7), "Orders since last month?")
    assert moved == "SELECT * FROM o WHERE d >= '2026-11-01'"
    assert sqlglot.parse_one(moved, read="oracle") is not None
    mysql = with_clock(oracle, "mysql", BUSINESS_AS_OF, "Orders last month?")
    start_of_month = "CURRENT_DATE - INTERVAL (DAYOFMONTH(CURRENT_DATE) - 1) DAY"
    assert mysql == f"SELECT * FROM o WHERE d >= CAST({start_of_month} - INTERVAL 1 MONTH AS DATE)"


def test_a_correction_made_on_one_day_answers_its_question_as_of_another(tmp_path: Path) -> None:
    """Approved on the demo's day, a correction answers its question asked again by an assistant whose
    today is a month earlier with the window of that day, and its training example reads the clock."""
    question = "上个月注册了但一笔订单都没有的 Enterprise 客户"  # ad-hoc logic: the rules leave it
    fixed = (
        "SELECT name FROM customers WHERE segment = 'Enterprise' AND signup_date >= '2026-05-01'"
        " AND signup_date < '2026-06-01' AND customer_id NOT IN (SELECT customer_id FROM orders)"
    )
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    made = Assistant("demo", log=log, today=BUSINESS_AS_OF)
    made.record("edited", Answer(question, "SELECT name FROM customers"), final_sql=fixed)
    (candidate,) = review_queue(log, made.database, made.schema)
    correction = approve(log, candidate.event_id, made.database, made.schema, reviewer="bo")
    assert correction.day == BUSINESS_AS_OF
    assert made.ask(question).sql == fixed, "the same day: the same dates"

    earlier = Assistant("demo", log=log, today=date(2026, 5, 20))
    answer = earlier.ask(question)
    assert answer.path == "verified" and answer.error is None
    assert answer.sql == fixed.replace("2026-05-01", "2026-04-01").replace("2026-06-01", "2026-05-01")
    example = correction.as_example(made.database.file or Path("demo.sqlite"))
    assert "DATE('now', 'start of month', '-1 months')" in example.sql and "2026-0" not in example.sql


def test_a_correction_without_its_day_counts_from_the_local_day_it_was_made() -> None:
    noon = "2026-06-30T12:00:00.000+00:00"
    made = Correction(1, "shop", "Orders today?", "SELECT 1", "edited", created_at=noon)
    assert made.day is not None and abs((made.day - date(2026, 6, 30)).days) <= 1
    assert Correction(2, "shop", "Orders today?", "SELECT 1", "edited").day is None
