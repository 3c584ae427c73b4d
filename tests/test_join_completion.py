"""Joins a query forgot, completed through foreign keys, on the demo database: each completed query
must run and return what the hand-written join returns; anything uncertain stays as it was."""

from __future__ import annotations

import pytest

from explain.autofix import mend
from explain.join_completion import complete_joins

COMPLETED = [
    (
        "SELECT segment, COUNT(*) FROM orders GROUP BY segment",  # segment: customers, one key away
        "SELECT c.segment, COUNT(*) FROM orders o JOIN customers c ON o.customer_id = c.customer_id"
        " GROUP BY c.segment",
        "joined customers for segment",
    ),
    (
        "SELECT o.order_id, channel_type FROM orders AS o WHERE o.total_amount > 1000",
        "SELECT o.order_id, ch.channel_type FROM orders o JOIN channels ch ON ch.channel_id = o.channel_id"
        " WHERE o.total_amount > 1000",
        "joined channels for channel_type",
    ),
    (
        "SELECT name_en, COUNT(*) FROM orders GROUP BY name_en",  # two steps: orders → customers → regions
        "SELECT r.name_en, COUNT(*) FROM orders o JOIN customers c ON o.customer_id = c.customer_id"
        " JOIN regions r ON r.region_id = c.region_id GROUP BY r.name_en",
        "joined regions for name_en",
    ),
    (
        "SELECT T1.order_id, brand FROM order_items AS T1 WHERE T1.quantity > 5",
        "SELECT oi.order_id, p.brand FROM order_items oi JOIN products p ON p.product_id = oi.product_id"
        " WHERE oi.quantity > 5",
        "joined products for brand",
    ),
]


@pytest.mark.parametrize(("sql", "reference", "change"), COMPLETED, ids=[c[2] for c in COMPLETED])
def test_missing_join_is_completed(
    sql: str, reference: str, change: str, demo_schema, assert_mended_like
) -> None:
    assert_mended_like(complete_joins(sql, demo_schema), change, reference)


def test_numbered_aliases_continue(demo_schema) -> None:
    fixed = complete_joins("SELECT T1.order_id, brand FROM order_items AS T1", demo_schema)
    assert "JOIN products AS T2 ON T1.product_id = T2.product_id" in fixed.sql
    assert fixed.sql.startswith("SELECT T1.order_id, T2.brand")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name FROM orders",  # name: customers, channels, products, categories: which one?
        "SELECT nonsense FROM orders",  # nowhere in the schema
        "SELECT reason FROM customers",  # returns is three keys away
        "SELECT total FROM (SELECT SUM(total_amount) AS total FROM orders)",  # an alias, not a column
        "SELECT segment FROM orders JOIN (SELECT 1 AS x) AS s ON 1 = 1",  # a derived table: not ours
        "SELECT segment FROM customers",  # nothing to do
    ],
)
def test_uncertain_queries_are_left_alone(sql: str, demo_schema) -> None:
    assert complete_joins(sql, demo_schema).sql == sql


def test_a_correlated_reference_is_not_a_missing_join(demo_schema) -> None:
    sql = (
        "SELECT name FROM customers AS c WHERE EXISTS "
        "(SELECT 1 FROM orders AS o WHERE o.customer_id = c.customer_id AND segment = 'SMB')"
    )
    assert complete_joins(sql, demo_schema).changes == []


def test_mend_reports_the_join(demo_schema) -> None:
    fixed = mend("SELECT seg_ment, COUNT(*) FROM customers GROUP BY seg_ment", demo_schema)
    assert set(fixed.changes) == {"seg_ment → segment"}
    fixed = mend("SELECT industry FROM orders WHERE status = 'cancelled'", demo_schema)
    assert fixed.changes == ["joined customers for industry", "added DISTINCT: the join repeats rows"]
