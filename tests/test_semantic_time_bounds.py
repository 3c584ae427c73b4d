"""Windows bounded by one date ("before June 25", "3月3日以来", "截至6月20日"): the words read, the window
resolved from a pinned last day with data, the SQL run on SQLite and the reading in words."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from conftest import orders_table

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.query import Comparison, SemanticQuery, SemanticQueryError
from nl2sql.semantic.time_words import read_time
from nl2sql.semantic.timerange import EARLIEST, DateRange, TimeRangeError, resolve

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize(
    ("question", "token"),
    [
        ("orders before June 25", "before_recent_06-25"),
        ("6月25号之前下的订单", "before_recent_06-25"),
        ("revenue since March 3rd", "recent_03-03.."),
        ("3月3日以来的销售额", "recent_03-03.."),
        ("三月三日以来的销售额", "recent_03-03.."),
        ("orders after 2026-05-01", "after_2026-05-01"),
        ("截至6月20日的销售额", "..recent_06-20"),
        ("revenue as of the 20th of June", "..recent_06-20"),
        ("revenue through June 2025", "..2025-06"),
        ("revenue from June 1 onwards", "recent_06-01.."),
        ("2025年之前注册的客户", "before_2025"),
        ("自今年3月以来官网的有效订单", "this_year_03.."),
        ("去年6月25日之前的订单", "before_last_year_06-25"),
    ],
)
def test_the_words_bound_a_window_by_one_date(question: str, token: str) -> None:
    assert read_time(question).time_range == token


@pytest.mark.parametrize(
    "question",
    ["revenue from March 3 to March 9", "3月前10名的产品", "revenue in 2025", "2026年3月的销售额"],
)
def test_a_date_without_bounding_words_is_no_one_sided_window(question: str) -> None:
    token = read_time(question).time_range
    assert not token.startswith(("before_", "after_", "..")), token


@pytest.mark.parametrize(
    ("token", "today", "start", "end"),
    [
        ("before_recent_06-25", TODAY, EARLIEST, date(2026, 6, 25)),
        # a day without its year is the latest such day not after the last day with data
        ("before_recent_06-25", date(2026, 6, 10), EARLIEST, date(2025, 6, 25)),
        ("recent_03-03..", TODAY, date(2026, 3, 3), date(2026, 7, 1)),
        ("recent_12-24..", TODAY, date(2025, 12, 24), date(2026, 7, 1)),
        ("after_2026-05-01", TODAY, date(2026, 5, 2), date(2026, 7, 1)),
        ("..recent_06-20", TODAY, EARLIEST, date(2026, 6, 21)),
        ("before_2025", TODAY, EARLIEST, date(2025, 1, 1)),
        ("after_recent_03", TODAY, date(2026, 4, 1), date(2026, 7, 1)),
    ],
)
def test_one_sided_windows_resolve_to_half_open_ranges(
    token: str, today: date, start: date, end: date
) -> None:
    window = resolve(token, today)
    assert (window.start, window.end) == (start, end)


def test_nothing_comes_after_the_last_day_with_data() -> None:
    with pytest.raises(TimeRangeError):
        resolve("after_2026-06-30", TODAY)


def test_a_window_from_the_start_of_the_data_has_no_period_before_it() -> None:
    window = DateRange(EARLIEST, date(2026, 6, 25))
    assert window.describe() == "on or before 2026-06-24"
    with pytest.raises(TimeRangeError):
        window.previous()
    query = SemanticQuery(
        metrics=("revenue",), time_range="before_recent_06-25", comparison=Comparison("same_period_last_year")
    )
    with pytest.raises(SemanticQueryError):
        compile_query(query, MODEL, dialect="sqlite", today=TODAY)


def _orders() -> sqlite3.Connection:
    return orders_table(
        [
            (1, "2024-01-05", "completed", 1.0),
            (2, "2026-03-02", "completed", 10.0),
            (3, "2026-03-03", "completed", 100.0),
            (4, "2026-06-24", "completed", 1000.0),
            (5, "2026-06-25", "completed", 10000.0),
            (6, "2026-06-30", "cancelled", 100000.0),
        ]
    )


@pytest.mark.parametrize(
    ("question", "revenue", "en", "zh"),
    [
        ("revenue before June 25", 1111.0, "on or before 2026-06-24", "2026-06-24 及之前"),
        ("revenue since March 3rd", 11100.0, "2026-03-03 to 2026-06-30", "2026-03-03 至 2026-06-30"),
        ("revenue after 2026-03-02", 11100.0, "2026-03-03 to 2026-06-30", "2026-03-03 至 2026-06-30"),
        ("截至6月24日的销售额", 1111.0, "on or before 2026-06-24", "2026-06-24 及之前"),
    ],
)
def test_the_window_runs_on_sqlite_and_reads_as_its_dates(
    question: str, revenue: float, en: str, zh: str
) -> None:
    token = read_time(question).time_range
    query = SemanticQuery(metrics=("revenue",), time_range=token)
    compiled = compile_query(query, MODEL, dialect="sqlite", today=TODAY)
    assert _orders().execute(compiled.sql).fetchone()[0] == revenue
    assert describe_query(query, MODEL, TODAY).endswith(en)
    assert describe_query(query, MODEL, TODAY, lang="zh").endswith(zh)


def test_a_window_from_the_start_of_the_data_has_no_lower_bound_in_sql() -> None:
    query = SemanticQuery(metrics=("revenue",), time_range="before_2026-06-25")
    sql = compile_query(query, MODEL, dialect="sqlite", today=TODAY).sql
    assert "orders.order_date < '2026-06-25'" in sql
    assert ">=" not in sql
