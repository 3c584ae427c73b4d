"""Averages of a fact ("the average unit cost of Summit products", "平均成本") and the cost of goods
sold on the demo's semantic model: the question's words → the metric, and the answer on the demo
database equals the one a hand-written query gives."""

from __future__ import annotations

from datetime import date

import pytest

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()
COGS_2025 = (
    "SELECT SUM(oi.quantity * p.unit_cost) FROM order_items oi JOIN orders o ON o.order_id = oi.order_id"
    " JOIN products p ON p.product_id = oi.product_id"
    " WHERE o.status <> 'cancelled' AND o.order_date >= '2025-01-01' AND o.order_date < '2026-01-01'"
)
"""What the products sold in 2025 (orders not cancelled) cost, by hand."""


@pytest.mark.parametrize(
    ("question", "metrics"),
    [
        ("What's the average unit cost of Summit products?", ("average_unit_cost",)),
        ("avg cost of products by brand", ("average_unit_cost",)),
        ("Summit品牌产品的平均成本是多少？", ("average_unit_cost",)),
        ("各品牌产品成本的平均值", ("average_unit_cost",)),
        ("What is the average refund by return reason?", ("average_refund",)),  # refunds add up a fact
        ("What is the average amount of orders in 2025?", ("average_order_value",)),  # the model's own
        ("What was our cost of goods sold in 2025?", ("cost_of_goods_sold",)),
        ("COGS and gross profit by category last quarter", ("cost_of_goods_sold", "gross_profit")),
        ("去年的销售成本是多少？", ("cost_of_goods_sold",)),
        ("今年各渠道的营业成本", ("cost_of_goods_sold",)),
    ],
)
def test_the_average_of_a_fact_and_the_cost_of_goods_sold_are_read(question: str, metrics: tuple) -> None:
    mapping = map_question(question, MODEL, TODAY)
    assert mapping.query.metrics == metrics and not mapping.unexplained, mapping


@pytest.mark.parametrize(
    "question",
    [
        "What is the average revenue?",  # revenue is no sum over all rows of one fact: no one mean
        "average quantity per order last month",  # a total per order, not the mean of a line's quantity
    ],
)
def test_an_average_of_what_is_no_plain_fact_is_not_read_as_one(question: str) -> None:
    assert not any(name.startswith("average_") for name in map_question(question, MODEL, TODAY).query.metrics)


@pytest.mark.parametrize(
    ("question", "sql"),
    [
        (
            "What's the average unit cost of Summit products?",
            "SELECT AVG(unit_cost) FROM products WHERE brand = 'Summit'",
        ),
        (
            "Summit品牌产品的平均成本是多少？",
            "SELECT AVG(unit_cost) FROM products WHERE brand = 'Summit'",
        ),
        (
            "What was our cost of goods sold in 2025?",
            COGS_2025,
        ),
        (
            "去年的销售成本是多少？",
            COGS_2025,
        ),
    ],
)
def test_the_demo_answers_equal_hand_written_queries(question: str, sql: str) -> None:
    database = open_database("demo")
    route = route_question(question, MODEL, database.dialect, TODAY)
    assert route.path == "semantic" and route.reading is not None, route.message
    (answer,) = run_query(database, route.reading.sql).rows
    (expected,) = run_query(database, sql).rows
    assert answer == pytest.approx(expected) and expected[0] > 0


def test_the_mean_of_a_fact_is_labelled_in_the_reading() -> None:
    english = route_question("average unit cost by brand", MODEL, "sqlite", TODAY)
    chinese = route_question("各品牌的平均成本", MODEL, "sqlite", TODAY)
    assert english.reading is not None and english.reading.text.startswith("average unit cost by brand")
    assert chinese.reading is not None and chinese.reading.text.startswith("平均成本 按 品牌")
