"""A breakdown ordered from the smallest value up ("lowest first", "从低到高", "升序"): read from
questions on the demo model, said in both languages, and compiled and run on SQLite, DuckDB,
PostgreSQL and MariaDB against the shop data (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from conftest import run_compiled

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.load import load_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Ranking, SemanticQuery, SemanticQueryError

MODEL = load_model(Path(__file__).parent / "fixtures" / "shop.semantic.yaml")
TODAY = date(2025, 4, 30)
DEMO_TODAY = date(2026, 6, 30)


def test_an_ascending_breakdown_keeps_every_row_from_the_smallest_up(shop_db: str) -> None:
    query = SemanticQuery(metrics=("revenue",), group_by=("segment",), ascending=True)
    compiled, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    figures = [row[1] for row in rows]
    assert figures == sorted(figures), compiled.sql
    assert len(rows) == len(
        run_compiled(shop_db, SemanticQuery(metrics=("revenue",), group_by=("segment",)), MODEL, today=TODAY)[
            1
        ]
    )


def test_an_ascending_monthly_series_is_ordered_by_the_metric_not_the_month(shop_db: str) -> None:
    query = SemanticQuery(metrics=("revenue",), time_grain="month", ascending=True)
    compiled, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    figures = [row[-1] for row in rows]
    assert figures == sorted(figures), compiled.sql
    months = [row[0] for row in rows]
    assert months != sorted(months), (
        "the shop's months are not in revenue order: the test would prove nothing"
    )


@pytest.mark.parametrize(
    "question",
    [
        "revenue by region, lowest first",
        "revenue by region from low to high",
        "各地区销售额从低到高",
        "按销售额升序列出各品类",
        "各大区营收按从小到大排",
    ],
)
def test_ascending_words_order_the_breakdown_without_a_cut(question: str) -> None:
    mapping = map_question(question, demo_semantic_model(), today=DEMO_TODAY)
    assert mapping.query.ascending
    assert mapping.query.ranking.direction == "none"
    assert mapping.query.group_by
    assert not mapping.unexplained


def test_the_top_few_shown_from_the_lowest_up_are_still_the_top_few(shop_db: str) -> None:
    top = SemanticQuery(metrics=("revenue",), group_by=("segment",), ranking=Ranking("top", 2))
    _, largest_first = run_compiled(shop_db, top, MODEL, today=TODAY)
    compiled, rows = run_compiled(shop_db, replace(top, ascending=True), MODEL, today=TODAY)
    assert rows == list(reversed(largest_first)), compiled.sql


def test_the_top_few_asked_from_the_lowest_up_are_read_so() -> None:
    query = map_question(
        "top 5 regions by revenue, lowest first", demo_semantic_model(), today=DEMO_TODAY
    ).query
    assert (query.ranking, query.ascending) == (Ranking("top", 5), True)


def test_a_bottom_few_stays_a_ranking() -> None:
    mapping = map_question(
        "bottom 3 regions by revenue, lowest first", demo_semantic_model(), today=DEMO_TODAY
    )
    assert mapping.query.ranking == Ranking("bottom", 3)
    assert not mapping.query.ascending


def test_the_reading_says_the_order_in_both_languages() -> None:
    query = SemanticQuery(metrics=("revenue",), group_by=("region",), ascending=True)
    model = demo_semantic_model()
    assert describe_query(query, model, DEMO_TODAY).endswith("lowest revenue first")
    assert describe_query(query, model, DEMO_TODAY, lang="zh").endswith("按 销售额 从低到高")


def test_the_order_survives_json_and_needs_no_ranking() -> None:
    query = SemanticQuery(metrics=("revenue",), group_by=("region",), ascending=True)
    assert SemanticQuery.from_dict(query.to_dict()) == query
    with pytest.raises(SemanticQueryError, match="ascending"):
        SemanticQuery.from_dict({**query.to_dict(), "ranking": {"direction": "bottom", "n": 3}})
    with pytest.raises(SemanticQueryError, match="ascending"):
        SemanticQuery.from_dict({**query.to_dict(), "intent": "detail", "subject": "customers"})
