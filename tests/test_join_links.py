"""Joins whose condition compares a table with itself, relinked on the foreign keys of the demo
database: each repaired query must run and return what the hand-written join returns; anything
uncertain stays as it was."""

from __future__ import annotations

import pytest

from explain import check
from explain.autofix import mend
from explain.join_links import link_joins

RELINKED = [
    (
        "SELECT c.name, COUNT(*) FROM customers AS c JOIN orders AS o ON c.customer_id = c.customer_id"
        " GROUP BY c.name",
        "SELECT c.name, COUNT(*) FROM customers c JOIN orders o ON o.customer_id = c.customer_id"
        " GROUP BY c.name",
        "joined orders to customers on their foreign key",
    ),
    (  # two steps: products → order_items → returns
        "SELECT p.name, SUM(r.refund_amount) FROM products AS p"
        " JOIN returns AS r ON r.return_id = r.return_id GROUP BY p.name",
        "SELECT p.name, SUM(r.refund_amount) FROM products p"
        " JOIN order_items oi ON oi.product_id = p.product_id"
        " JOIN returns r ON r.order_item_id = oi.order_item_id GROUP BY p.name",
        "joined returns to products through order_items",
    ),
    (  # linked to the channel, but the channel's group never reaches the customers
        "SELECT ch.name, COUNT(*) FROM customers AS c JOIN orders AS o ON o.order_id = o.order_id"
        " JOIN channels AS ch ON o.channel_id = ch.channel_id WHERE c.segment = 'SMB' GROUP BY ch.name",
        "SELECT ch.name, COUNT(*) FROM customers c JOIN orders o ON o.customer_id = c.customer_id"
        " JOIN channels ch ON o.channel_id = ch.channel_id WHERE c.segment = 'SMB' GROUP BY ch.name",
        "joined orders to customers on their foreign key",
    ),
]


@pytest.mark.parametrize(("sql", "reference", "change"), RELINKED, ids=[c[2] for c in RELINKED])
def test_unlinked_join_gets_its_foreign_key(
    sql: str, reference: str, change: str, demo_schema, assert_mended_like
) -> None:
    fixed = link_joins(sql, demo_schema)
    assert_mended_like(fixed, change, reference)
    assert not [d for d in fixed.diagnostics if d.code == "cartesian-join"], fixed.sql


def test_bridge_takes_the_next_numbered_alias(demo_schema) -> None:
    sql = "SELECT T1.name FROM customers AS T1 JOIN order_items AS T2 ON T2.order_id = T2.order_id"
    fixed = link_joins(sql, demo_schema)
    assert fixed.sql == (
        "SELECT T1.name FROM customers AS T1 JOIN orders AS T3 ON T1.customer_id = T3.customer_id"
        " JOIN order_items AS T2 ON T3.order_id = T2.order_id"
    )


@pytest.mark.parametrize(
    "sql",
    [
        # orders links to customers and to channels alike: which one was meant?
        "SELECT 1 FROM customers AS c JOIN channels AS ch ON c.city = ch.name"
        " JOIN orders AS o ON o.order_id = o.order_id",
        # a self-join compares what it likes
        "SELECT a.name FROM customers AS a JOIN customers AS b ON a.region_id = a.region_id",
        # categories and regions are five keys apart
        "SELECT 1 FROM categories AS c JOIN regions AS r ON r.region_id = r.region_id",
        # a real condition beside the self-comparison: not ours to drop
        "SELECT 1 FROM customers AS c"
        " JOIN orders AS o ON c.customer_id = c.customer_id AND o.status = 'paid'",
        # WHERE links them after all
        "SELECT 1 FROM customers AS c JOIN orders AS o ON c.customer_id = c.customer_id"
        " WHERE o.customer_id = c.customer_id",
        # a derived table among the sources
        "SELECT 1 FROM (SELECT 1 AS x) AS s JOIN orders AS o ON o.order_id = o.order_id",
    ],
)
def test_uncertain_joins_are_left_alone(sql: str, demo_schema) -> None:
    assert link_joins(sql, demo_schema).sql == sql


def test_mend_relinks_after_fixing_names(demo_schema) -> None:
    sql = "SELECT c.name FROM customer AS c JOIN orders AS o ON c.customer_id = c.customer_id"
    fixed = mend(sql, demo_schema)
    assert fixed.changes == [
        "customer → customers",
        "joined orders to customers on their foreign key",
        "added DISTINCT: the join repeats rows",
    ]
    assert fixed.diagnostics == check(fixed.sql, demo_schema)
    assert mend(sql, demo_schema, joins=False, distinct=False).changes == ["customer → customers"]
