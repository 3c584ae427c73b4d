"""Counts said as spoken Chinese questions ("卖掉了几件", "退掉多少笔", "售出多少个SKU"): read as the count
the model names with a noun (销售件数, 退货笔数, 售出SKU数), on the demo's model and on any model whose
nouns are composed the same way; a count whose noun the model lacks is left unread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.semantic.load import parse_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.route import route_question
from nl2sql.semantic.spoken_counts import spoken_counts

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()
BOOKSHOP = parse_model(
    "{name: bookshop, tables: ["
    "{name: sales, base_table: {table: sales}, facts: [{name: copies, expr: copies}],"
    " metrics: [{name: copies_sold, synonyms: [售出件数], expr: SUM(copies)},"
    " {name: sale_count, synonyms: [销售笔数], expr: COUNT(*)}]},"
    "{name: returns, base_table: {table: returns},"
    " metrics: [{name: returns_made, synonyms: [退回笔数], expr: COUNT(*)}]}]}"
)
UNITS_SOLD_IN_MAY = """
    SELECT SUM(order_items.quantity) FROM order_items
    JOIN orders ON orders.order_id = order_items.order_id
    WHERE orders.status <> 'cancelled'
      AND orders.order_date >= '2026-05-01' AND orders.order_date < '2026-06-01'
"""


@pytest.mark.parametrize(
    ("question", "metric", "shown"),
    [
        ("上个月卖掉了几件", "units_sold", "销量"),
        ("上个月售出了几件货", "units_sold", "销量"),
        ("今年一共退掉多少笔", "return_count", "退货次数"),
        ("上周退掉了几次", "return_count", "退货次数"),
        ("上季度售出多少个SKU", "products_sold", "动销SKU数"),
        ("上个月卖了几款产品", "products_sold", "动销SKU数"),
        ("今年一共取消了几单", "cancelled_orders", "取消订单数"),
        ("上个月卖掉了多少钱", "revenue", "销售额"),
        ("存储设备类目下一共多少个SKU", "product_count", "产品数"),
    ],
)
def test_a_new_wording_of_a_spoken_count_is_read_as_the_models_metric(
    question: str, metric: str, shown: str
) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    assert route.reading.query.metrics == (metric,)
    assert route.reading.text.startswith(shown)  # the interpretation names the model's metric


def test_units_sold_said_as_a_spoken_count_answer_as_units_sold(pinned_demo_db: Path) -> None:
    route = route_question("上个月卖掉了几件", MODEL, "sqlite", TODAY)
    database = open_database(str(pinned_demo_db))
    expected = run_query(database, UNITS_SOLD_IN_MAY).rows
    assert expected[0][0]
    assert run_query(database, route.reading.sql).rows == expected


@pytest.mark.parametrize("question", ["上个月取消了多少件", "取消了多少钱"])
def test_a_count_whose_noun_the_model_lacks_is_left_unread(question: str) -> None:
    assert spoken_counts(question, MODEL) == []
    mapping = map_question(question, MODEL, TODAY)
    assert not {"units_sold", "cancelled_orders", "revenue"} & set(mapping.query.metrics)
    assert "取消" in mapping.unexplained


@pytest.mark.parametrize(
    "question",
    ["京东上同款显示器卖多少钱", "卖得最好的几款产品", "前几个SKU", "北京多少单"],
)
def test_a_price_a_ranking_or_a_bare_order_count_is_no_spoken_count(question: str) -> None:
    assert spoken_counts(question, MODEL) == []


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("上周卖掉了几件", "copies_sold"),
        ("上周卖了几笔", "sale_count"),
        ("上周退了几单", "returns_made"),
    ],
)
def test_any_model_with_composed_nouns_reads_spoken_counts(question: str, metric: str) -> None:
    assert [found.name for _, _, found in spoken_counts(question, BOOKSHOP)] == [metric]
    assert map_question(question, BOOKSHOP, TODAY).query.metrics == (metric,)


@pytest.mark.parametrize("question", ["上周取消了几单", "上周卖了多少钱", "多少个SKU"])
def test_a_model_without_the_noun_reads_no_spoken_count(question: str) -> None:
    assert spoken_counts(question, BOOKSHOP) == []


def test_the_demo_model_holds_no_question_shaped_synonyms() -> None:
    spoken = [name for metric in MODEL.metrics for name in metric.synonyms if "几" in name or "多少" in name]
    assert spoken == []
