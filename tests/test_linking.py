"""Schema linking on the demo database: the right tables survive a tight budget."""

from __future__ import annotations

import pytest

from nl2sql.linking import link_schema

CASES = [
    ("How many customers are in each segment?", {"customers"}, False),
    ("Total refund amount per return reason", {"returns"}, False),
    ("Revenue by sales channel in 2025", {"orders", "channels"}, False),
    ("华北地区有多少订单？", {"regions"}, False),  # a known value of regions.name_zh
    ("Which product category has the highest return rate?", {"categories", "returns"}, True),
]


@pytest.mark.parametrize(("question", "needed", "needs_embeddings"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("embeddings", [False, True])
def test_needed_tables_survive_a_tight_budget(
    demo_schema, question: str, needed: set[str], needs_embeddings: bool, embeddings: bool
) -> None:
    if needs_embeddings and not embeddings:
        pytest.skip("word overlap alone does not link this question")
    linking = link_schema(demo_schema, question, budget_tokens=700, embeddings=embeddings)
    kept = {name.lower() for name in linking.tables}
    assert linking.pruned
    assert needed <= kept, (question, linking.tables, linking.scores)
    assert len(kept) < len(demo_schema.tables)


def test_join_paths_are_kept(demo_schema) -> None:
    """categories and returns only meet through products and order_items: those come along."""
    linking = link_schema(demo_schema, "return rate by product category", budget_tokens=700, embeddings=False)
    kept = {name.lower() for name in linking.tables}
    if {"categories", "returns"} <= kept:
        assert {"products", "order_items"} <= kept


def test_a_schema_that_fits_is_left_whole(demo_schema) -> None:
    linking = link_schema(demo_schema, "How many customers?", budget_tokens=100_000)
    assert not linking.pruned and len(linking.tables) == len(demo_schema.tables)
