"""One day named by its date or a holiday ("on June 3rd", "去年双十一当天", "Christmas Day 2025"): the words
read, the day resolved from a pinned last day with data, the SQL run on SQLite and the reading in words;
a holiday whose date moves each year is refused rather than guessed."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import orders_table

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.route import route_question
from nl2sql.semantic.time_words import read_time
from nl2sql.semantic.timerange import resolve

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize(
    ("question", "token", "day"),
    [
        ("What was our revenue on Christmas Day 2025?", "2025-12-25", date(2025, 12, 25)),
        ("去年双十一当天的营收是多少？", "last_year_11-11", date(2025, 11, 11)),
        ("今年618当天卖了多少件？", "this_year_06-18", date(2026, 6, 18)),
        ("last year's Singles’ Day revenue", "last_year_11-11", date(2025, 11, 11)),
        ("orders on New Years Day", "recent_01-01", date(2026, 1, 1)),
        ("2025年的圣诞节卖了多少", "2025-12-25", date(2025, 12, 25)),
        ("revenue on June 3rd", "recent_06-03", date(2026, 6, 3)),
        ("revenue on the 3rd of June last year", "last_year_06-03", date(2025, 6, 3)),
        ("revenue on June 3, 2025", "2025-06-03", date(2025, 6, 3)),
        ("6月3号当天的营收", "recent_06-03", date(2026, 6, 3)),
        ("去年十二月二十四日的订单数", "last_year_12-24", date(2025, 12, 24)),
        # a day later in the year than the last day with data is last year's
        ("revenue on December 24", "recent_12-24", date(2025, 12, 24)),
    ],
)
def test_one_named_day_is_read_and_resolves_to_that_day(question: str, token: str, day: date) -> None:
    assert read_time(question).time_range == token
    window = resolve(token, TODAY)
    assert (window.start, window.days) == (day, 1)


@pytest.mark.parametrize(
    "question",
    [
        "618大促的投入产出比是多少？",  # a season named after the day
        "revenue over the christmas period",
        "国庆长假期间的订单数",
        "2月30号的营收",  # no such day
        "revenue in May",
    ],
)
def test_no_single_day_is_read_where_the_words_name_none(question: str) -> None:
    token = read_time(question).time_range
    assert not token.endswith(tuple(f"-{d:02d}" for d in range(1, 32))), token


@pytest.mark.parametrize(
    ("question", "token", "first", "last"),
    [
        ("revenue from March 3 to March 9", "recent_03-03..recent_03-09", date(2026, 3, 3), date(2026, 3, 9)),
        ("6月1号到6月3号的营收", "recent_06-01..recent_06-03", date(2026, 6, 1), date(2026, 6, 3)),
        ("revenue June 1-15, 2025", "2025-06-01..2025-06-15", date(2025, 6, 1), date(2025, 6, 15)),
        ("去年6月1日至15日的订单数", "last_year_06-01..last_year_06-15", date(2025, 6, 1), date(2025, 6, 15)),
        # each day without a year is the latest such day: the run crosses the new year
        ("orders from Dec 28 to Jan 3", "recent_12-28..recent_01-03", date(2025, 12, 28), date(2026, 1, 3)),
    ],
)
def test_a_run_of_days_is_read_with_both_ends_in(question: str, token: str, first: date, last: date) -> None:
    assert read_time(question).time_range == token
    window = resolve(token, TODAY)
    assert (window.start, window.last_day) == (first, last)


def _orders() -> sqlite3.Connection:
    return orders_table(
        [
            (1, "2025-11-10", "completed", 1.0),
            (2, "2025-11-11", "completed", 10.0),
            (3, "2025-11-11", "cancelled", 100.0),
            (4, "2025-11-12", "completed", 1000.0),
            (5, "2026-06-03", "completed", 10000.0),
        ]
    )


@pytest.mark.parametrize(
    ("question", "revenue", "words"),
    [
        ("去年双十一当天的营收是多少？", 10.0, "2025-11-11"),
        ("What was our revenue on Nov 11th last year?", 10.0, "2025-11-11"),
        ("revenue on June 3rd", 10000.0, "2026-06-03"),
    ],
)
def test_the_day_runs_on_sqlite_and_reads_as_its_date(question: str, revenue: float, words: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    assert _orders().execute(route.reading.sql).fetchone()[0] == revenue
    assert route.reading.text.endswith(f"· {words}")


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("2025年春节当天的营收是多少？", "春节"),
        ("What was revenue on Chinese New Year 2026?", "Chinese New Year"),
    ],
)
def test_a_holiday_whose_date_moves_is_refused_with_a_request_for_dates(question: str, words: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused"
    assert words in route.message


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("618大促期间的销售额", "618大促"),  # a season named after a day
        ("revenue over the Christmas period", "Christmas period"),
        ("since Christmas, how much revenue", "Christmas"),  # one end of a longer window
        ("元旦到现在的营收", "元旦"),
        ("revenue on June 1 and June 3", "June 1"),  # two days, no window
        ("6月3号到现在的订单数", "6月3号"),
    ],
)
def test_days_the_reading_cannot_hold_are_refused_not_dropped(question: str, words: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused", route.reading and route.reading.text
    assert f"“{words}”" in route.message


@pytest.mark.parametrize(
    "question", ["orders above 618 yuan last month", "revenue since March 3rd", "orders before June 25"]
)
def test_a_number_or_a_bounded_date_is_no_unread_day(question: str) -> None:
    assert route_question(question, MODEL, "sqlite", TODAY).path != "refused"
