"""Rows kept by a bound on a metric of each ("which customers spent more than 500k in Q2? name, segment",
"去年消费超过30万的客户有哪些？列名称、城市"): read as the metric grouped by the rows' name and the attributes
asked for, with a ``having`` bound, and run on SQLite; bounds on single rows and bounds a group without
rows would also meet are left to other readings."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.bounded_groups import read_bounded_groups
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Threshold
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize(
    ("question", "metric", "groups", "bound"),
    [
        (
            "Which customers spent over 200k with us last year? name and city",
            "revenue",
            ("customer", "city"),
            Threshold("revenue", ">", 200_000),
        ),
        (
            "What customers bought more than 1 million yuan from us this year?",
            "revenue",
            ("customer",),
            Threshold("revenue", ">", 1_000_000),
        ),
        (
            "今年消费超过50万的企业客户有哪些？列名称、行业",
            "revenue",
            ("customer", "industry"),
            Threshold("revenue", ">", 500_000),
        ),
        (
            "哪些产品上个月销量超过300件？要名称和品牌",
            "units_sold",
            ("product", "brand"),
            Threshold("units_sold", ">", 300),
        ),
    ],
)
def test_rows_kept_by_a_bound_on_their_metric_read_as_a_bounded_grouping(
    question: str, metric: str, groups: tuple[str, ...], bound: Threshold
) -> None:
    mapping = map_question(question, MODEL, TODAY)
    query = mapping.query
    assert (query.intent, query.metrics[0], query.group_by, query.having) == (
        "metric",
        metric,
        groups,
        (bound,),
    )
    assert mapping.unexplained == ()


@pytest.mark.parametrize(
    "question",
    [
        "Which customers placed orders over 120,000 yuan in 2025?",  # a bound on each order
        "Which products sold fewer than 50 units last quarter? name, brand",  # unsold products qualify too
        "哪些客户去年消费不到1万？",
        "Which products have a gross margin under 15%?",  # a rate's scale
        "What was revenue over the last 90 days?",  # no rows asked for
        "Which customers bought more than 10 times?",  # no amount of money: not spending
    ],
)
def test_no_bounded_grouping_where_the_bound_is_on_no_metric_of_each_row(question: str) -> None:
    mapping = map_question(question, MODEL, TODAY)
    text = question.lower()
    assert read_bounded_groups(text, mapping.matches, MODEL) is None


def _shop() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE customers (customer_id INTEGER, name TEXT, segment TEXT, city TEXT, industry TEXT,"
        " region_id INTEGER, signup_date TEXT)"
    )
    db.execute(
        "CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, channel_id INTEGER, order_date TEXT,"
        " status TEXT, total_amount REAL)"
    )
    db.executemany(
        "INSERT INTO customers VALUES (?, ?, ?, ?, ?, 1, '2024-01-01')",
        [(1, "Acme", "SMB", "Chengdu", "Retail"), (2, "Bolt", "SMB", "Wuhan", "Energy"),
         (3, "Crest", "Enterprise", "Beijing", "Finance")],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO orders VALUES (?, ?, 1, ?, ?, ?)",
        [
            (1, 1, "2025-03-01", "completed", 200_000.0),
            (2, 1, "2025-09-01", "completed", 150_000.0),  # Acme: 350k in 2025
            (3, 2, "2025-05-01", "completed", 250_000.0),
            (4, 2, "2025-06-01", "cancelled", 900_000.0),  # Bolt: 250k, the cancelled order is no revenue
            (5, 3, "2025-07-01", "completed", 800_000.0),  # Crest: not SMB
            (6, 1, "2026-01-05", "completed", 900_000.0),  # this year
        ],
    )
    return db


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        ("去年消费超过30万的中小企业客户有哪些？列名称、城市和消费金额", [("Acme", "Chengdu", 350_000.0)]),
        (
            "Which SMB customers spent at least 250k with us last year? name, city",
            [("Acme", "Chengdu", 350_000.0), ("Bolt", "Wuhan", 250_000.0)],
        ),
    ],
)
def test_the_bounded_grouping_runs_on_sqlite(question: str, rows: list[tuple]) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    assert _shop().execute(route.reading.sql).fetchall() == rows
