"""The semantic compiler on real SQLite, DuckDB, PostgreSQL and MariaDB: the SQL it writes runs on each
engine and returns the figures worked out by hand from the shop data (tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import normalized, run_compiled

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.load import load_model
from nl2sql.semantic.query import Comparison, Filter, Ranking, SemanticQuery, SemanticQueryError, Threshold

MODEL = load_model(Path(__file__).parent / "fixtures" / "shop.semantic.yaml")
TODAY = date(2025, 4, 30)
CASES = {
    "total": (SemanticQuery(metrics=("revenue",)), [(352.74,)]),
    "by segment, joined": (
        SemanticQuery(metrics=("sales",), group_by=("segment",)),
        [("Enterprise", 200.5), ("SMB", 142.24), ("Consumer", 10.0)],
    ),
    "by month in a year": (
        SemanticQuery(metrics=("revenue",), time_grain="month", time_range="2025"),
        [("2025-01", 120.5), ("2025-02", 122.25), ("2025-03", 10.0), ("2025-04", 99.99)],
    ),
    "quarters": (
        SemanticQuery(metrics=("orders",), time_grain="quarter", time_range="all"),
        [("2025-Q1", 4), ("2025-Q2", 1)],
    ),
    "weeks start on monday": (
        SemanticQuery(metrics=("orders",), time_grain="week"),
        [("2024-12-30", 1), ("2025-02-03", 2), ("2025-03-03", 1), ("2025-03-31", 1)],
    ),
    "years": (SemanticQuery(metrics=("new_customers",), time_grain="year"), [("2024", 2), ("2025", 2)]),
    "rolling window": (SemanticQuery(metrics=("orders",), time_range="last_2_months"), [(2,)]),
    "filter and metric filter": (
        SemanticQuery(
            metrics=("big_order_revenue",), filters=(Filter("segment", "in", ("SMB", "Enterprise")),)
        ),
        [(300.49,)],
    ),
    "contains": (
        SemanticQuery(metrics=("orders",), filters=(Filter("customer", "contains", ("o",)),)),
        [(2,)],
    ),
    "top 1": (
        SemanticQuery(metrics=("revenue",), group_by=("segment",), ranking=Ranking("top", 1)),
        [("Enterprise", 200.5)],
    ),
    "bottom 2": (
        SemanticQuery(metrics=("revenue",), group_by=("customer",), ranking=Ranking("bottom", 2)),
        [("Cora", 10.0), ("Bolt", 42.25)],
    ),
    "top 1 within each segment": (
        SemanticQuery(
            metrics=("revenue",), group_by=("segment", "customer"), ranking=Ranking("top", 1, "segment")
        ),
        [("Consumer", "Cora", 10.0, 1), ("Enterprise", "Acme", 200.5, 1), ("SMB", "Dune", 99.99, 1)],
    ),
    "the top month within each year": (
        SemanticQuery(metrics=("revenue",), time_grain="month", ranking=Ranking("top", 1, "year")),
        [("2025", "2025-02", 122.25, 1)],
    ),
    "top 1, the value alone (the most common segment)": (
        SemanticQuery(
            metrics=("revenue",), group_by=("segment",), ranking=Ranking("top", 1, values_only=True)
        ),
        [("Enterprise",)],
    ),
    "bottom 2, the values alone": (
        SemanticQuery(
            metrics=("revenue",), group_by=("customer",), ranking=Ranking("bottom", 2, values_only=True)
        ),
        [("Cora",), ("Bolt",)],
    ),
    "the top month, the month alone": (
        SemanticQuery(metrics=("orders",), time_grain="month", ranking=Ranking("top", 1, values_only=True)),
        [("2025-02",)],
    ),
    "top 1 within each segment, the values alone": (
        SemanticQuery(
            metrics=("revenue",),
            group_by=("segment", "customer"),
            ranking=Ranking("top", 1, "segment", values_only=True),
        ),
        [("Consumer", "Cora"), ("Enterprise", "Acme"), ("SMB", "Dune")],
    ),
    "the top month within each year, the months alone": (
        SemanticQuery(
            metrics=("revenue",), time_grain="month", ranking=Ranking("top", 1, "year", values_only=True)
        ),
        [("2025", "2025-02")],
    ),
    "the mean of a fact no metric declares": (SemanticQuery(metrics=("average_amount",)), [(70.548,)]),
    "the mean of a fact by segment": (
        SemanticQuery(metrics=("average_amount",), group_by=("segment",)),
        [("Enterprise", 100.25), ("SMB", 71.12), ("Consumer", 10.0)],
    ),
    "each segment's share of the total": (
        SemanticQuery(metrics=("sales",), group_by=("segment",), share=True),
        [
            ("Enterprise", 200.5, 100 * 200.5 / 352.74),
            ("SMB", 142.24, 100 * 142.24 / 352.74),
            ("Consumer", 10.0, 100 * 10.0 / 352.74),
        ],
    ),
    "a filtered part's share of the whole": (
        SemanticQuery(metrics=("revenue",), filters=(Filter("segment", "=", ("SMB",)),), share=True),
        [(142.24, 352.74, 100 * 142.24 / 352.74)],
    ),
    "per key first": (SemanticQuery(metrics=("repurchase_rate",)), [(25.0,)]),
    "per key by segment": (
        SemanticQuery(metrics=("repurchase_rate",), group_by=("segment",)),
        [("Enterprise", 100.0), ("SMB", 0.0), ("Consumer", 0.0)],
    ),
    "month over month, percent": (
        SemanticQuery(metrics=("revenue",), time_range="2025-02", comparison=Comparison("previous_period")),
        [(122.25, 120.5, 100.0 * 1.75 / 120.5)],
    ),
    "year over year by month, aligned labels": (
        SemanticQuery(
            metrics=("new_customers",),
            time_grain="month",
            time_range="2025-01..2025-03",
            comparison=Comparison("same_period_last_year", "delta"),
        ),
        [("2025-02", 1, None, None)],
    ),
    "previous quarter by segment, delta": (
        SemanticQuery(
            metrics=("revenue",),
            group_by=("segment",),
            time_range="2025-Q2",
            comparison=Comparison("previous_period", "delta"),
        ),
        [("SMB", 99.99, 42.25, 57.74)],
    ),
    "quarter to date against the same days of the quarter before": (
        SemanticQuery(
            metrics=("orders",), time_range="this_quarter", comparison=Comparison("previous_period")
        ),
        [(1, 1, 0.0)],
    ),
    "two tables, one row each": (
        SemanticQuery(metrics=("orders", "new_customers"), time_range="2025"),
        [(5, 2)],
    ),
    "one metric as a percent of another, each on its own table": (
        SemanticQuery(metrics=("orders", "new_customers"), time_range="2025", ratio=True),
        [(5, 2, 250.0)],
    ),
    "a ratio by month, none where the whole is missing": (
        SemanticQuery(
            metrics=("orders", "new_customers"), time_grain="month", time_range="2025-01..2025-02", ratio=True
        ),
        [("2025-01", 1, None, None), ("2025-02", 2, 1, 200.0)],
    ),
    "groups within a bound on their metric": (
        SemanticQuery(metrics=("revenue",), group_by=("customer",), having=(Threshold("revenue", ">", 50),)),
        [("Acme", 200.5), ("Dune", 99.99)],
    ),
    "the top 1 among groups under a bound": (
        SemanticQuery(
            metrics=("revenue",),
            group_by=("customer",),
            having=(Threshold("revenue", "<", 100),),
            ranking=Ranking("top", 1),
        ),
        [("Dune", 99.99)],
    ),
    "a window on another date: this year's revenue from last year's signups": (
        SemanticQuery(
            metrics=("revenue",), time_range="2025", filters=(Filter("signup_date", "during", ("2024",)),)
        ),
        [(242.75,)],
    ),
    "a window on another date, by segment, rolling": (
        SemanticQuery(
            metrics=("revenue",),
            group_by=("segment",),
            filters=(Filter("signup_date", "during", ("last_6_months",)),),
        ),
        [("Consumer", 10.0)],  # signed up from 2024-11-01: Cora (Dune signs up after today)
    ),
    "two tables by month": (
        SemanticQuery(metrics=("orders", "new_customers"), time_grain="month", time_range="2025-01..2025-02"),
        [("2025-01", 1, None), ("2025-02", 2, 1)],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_sql_gives_the_hand_worked_figures(shop_db: str, case: str) -> None:
    query, expected = CASES[case]
    compiled, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    if (
        "top" in case
        or "bottom" in case
        or compiled.sql.rstrip().upper().endswith(("MONTH", "WEEK", "QUARTER", "YEAR"))
    ):
        assert rows == normalized(expected), compiled.sql
    else:
        assert sorted(rows, key=repr) == sorted(normalized(expected), key=repr), compiled.sql


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SemanticQuery(metrics=("profit",)), "no metric profit"),
        (SemanticQuery(metrics=("new_customers",), group_by=("amount",)), "cannot be broken down"),
        (
            SemanticQuery(metrics=("revenue",), comparison=Comparison("previous_period")),
            "needs a time window",
        ),
        (SemanticQuery(metrics=("revenue",), ranking=Ranking("top", 3, "segment")), "group by it too"),
        (SemanticQuery(intent="detail", metrics=("revenue",)), "only metric questions"),
        (SemanticQuery(metrics=("revenue",), time_range="next_year"), "not a time window"),
    ],
)
def test_what_cannot_be_compiled_says_why(query: SemanticQuery, message: str) -> None:
    with pytest.raises(SemanticQueryError, match=message):
        compile_query(query, MODEL, dialect="sqlite", today=TODAY)


LISTINGS = {
    "big orders of enterprise customers, latest first": (
        SemanticQuery(
            intent="detail",
            subject="orders",
            fields=("amount", "customer"),
            filters=(Filter("segment", "=", ("Enterprise",)), Filter("amount", ">", (50,))),
            ranking=Ranking("top", 2, by="order_date"),
        ),
        "SELECT o.order_id, o.order_date, o.amount, c.name FROM orders o"
        " JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE c.segment = 'Enterprise' AND o.amount > 50 ORDER BY o.order_date DESC LIMIT 2",
    ),
    "customers who signed up in a year": (
        SemanticQuery(intent="detail", subject="customers", fields=("segment",), time_range="2025"),
        "SELECT customer_id, name, signup_date, segment FROM customers"
        " WHERE signup_date >= '2025-01-01' AND signup_date < '2026-01-01'",
    ),
}


@pytest.mark.parametrize("case", sorted(LISTINGS))
def test_compiled_listings_return_the_rows_a_hand_written_query_does(shop_db: str, case: str) -> None:
    from nl2sql.semantic.listing import compile_listing

    query, hand_written = LISTINGS[case]
    database = open_database(shop_db)
    compiled = compile_listing(query, MODEL, dialect=database.dialect, today=TODAY)
    result, expected = run_query(database, compiled.sql), run_query(database, hand_written)
    assert list(result.columns) == list(compiled.columns) and result.rows
    assert sorted(normalized(result.rows), key=repr) == sorted(normalized(expected.rows), key=repr)
    if query.ranking.direction != "none":
        assert [row[1] for row in result.rows] == [row[1] for row in expected.rows]


def test_a_listing_never_joins_a_table_that_repeats_its_rows() -> None:
    from nl2sql.semantic.listing import compile_listing

    query = SemanticQuery(intent="detail", subject="customers", fields=("amount",))
    with pytest.raises(SemanticQueryError, match="cannot list customers that way"):
        compile_listing(query, MODEL, dialect="sqlite", today=TODAY)
