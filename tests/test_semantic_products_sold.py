"""How many different products sold in a window: the distinct products on the items of valid orders
dated in it (动销SKU数), not the products launched in it; read from questions on the demo model and run
on the demo database against a hand-written query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()
SOLD_IN_MAY = """
    SELECT COUNT(DISTINCT order_items.product_id) FROM order_items
    JOIN orders ON orders.order_id = order_items.order_id
    WHERE orders.status <> 'cancelled'
      AND orders.order_date >= '2026-05-01' AND orders.order_date < '2026-06-01'
"""
LAUNCHED_IN_MAY = (
    "SELECT COUNT(*) FROM products WHERE launch_date >= '2026-05-01' AND launch_date < '2026-06-01'"
)


@pytest.mark.parametrize(
    "question",
    [
        "上个月卖出了几个SKU",
        "上个月动销SKU数",
        "how many different products did we sell last month",
        "how many distinct products were sold last month",
    ],
)
def test_products_sold_in_a_window_count_the_distinct_products_of_its_valid_orders(
    pinned_demo_db: Path, question: str
) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    assert route.reading.query.metrics == ("products_sold",)
    database = open_database(str(pinned_demo_db))
    expected = run_query(database, SOLD_IN_MAY).rows
    assert run_query(database, route.reading.sql).rows == expected
    assert expected != run_query(database, LAUNCHED_IN_MAY).rows  # the reading it replaces differs


def test_products_launched_in_a_window_are_still_counted_by_launch_date() -> None:
    route = route_question("上个月上市了几个SKU", MODEL, "sqlite", TODAY)
    assert route.reading.query.metrics == ("product_count",)
    assert "launch_date" in route.reading.sql
