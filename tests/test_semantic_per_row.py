"""An average per order or per customer of a total, and a share compared across periods: compiled and
run on SQLite, DuckDB, PostgreSQL and MariaDB against the shop data (tests/conftest.py), and read from
questions on the demo model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import normalized, run_compiled

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.semantic.chips import query_chips, without_chips
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.load import load_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Comparison, Filter, SemanticQuery, SemanticQueryError

MODEL = load_model(Path(__file__).parent / "fixtures" / "shop.semantic.yaml")
TODAY = date(2025, 4, 30)
DEMO_TODAY = date(2026, 6, 15)


def test_revenue_per_order_divides_the_total_by_the_orders_counted(shop_db: str) -> None:
    query = SemanticQuery(metrics=("revenue",), time_range="2025-Q1", per="orders")
    _, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    assert rows == normalized([(252.75 / 4,)])  # orders 10-13


def test_revenue_per_customer_by_segment_counts_each_buyer_once(shop_db: str) -> None:
    query = SemanticQuery(metrics=("revenue",), group_by=("segment",), per="customers")
    _, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    expected = [("Enterprise", 200.5), ("SMB", (42.25 + 99.99) / 2), ("Consumer", 10.0)]
    assert sorted(rows, key=repr) == sorted(normalized(expected), key=repr)


def test_share_compared_with_the_previous_period_is_taken_within_each_period(shop_db: str) -> None:
    query = SemanticQuery(
        metrics=("revenue",),
        time_range="2025-02",
        filters=(Filter("segment", "=", ("Enterprise",)),),
        share=True,
        comparison=Comparison("previous_period"),
    )
    compiled, rows = run_compiled(shop_db, query, MODEL, today=TODAY)
    february, january = 100 * 80 / 122.25, 100.0
    assert rows == normalized([(80.0, 120.5, february, january, february - january)]), compiled.sql
    assert compiled.columns[-1] == "revenue_share_pct_change"


@pytest.mark.parametrize(
    "query",
    [
        SemanticQuery(metrics=("repurchase_rate",), per="orders"),  # a rate, not a total
        SemanticQuery(metrics=("revenue",), per="nowhere"),
        SemanticQuery(metrics=("revenue",), group_by=("segment",), share=True, per="orders"),
    ],
)
def test_an_average_per_row_of_what_is_no_total_is_refused(query: SemanticQuery) -> None:
    with pytest.raises(SemanticQueryError):
        compile_query(query, MODEL, dialect="sqlite", today=TODAY)


def test_a_share_compared_by_month_is_refused() -> None:
    query = SemanticQuery(
        metrics=("revenue",),
        time_range="2025",
        time_grain="month",
        group_by=("segment",),
        share=True,
        comparison=Comparison("same_period_last_year"),
    )
    with pytest.raises(SemanticQueryError):
        compile_query(query, MODEL, dialect="sqlite", today=TODAY)


@pytest.mark.parametrize(
    ("question", "metrics", "per", "groups"),
    [
        ("上个月平均每笔有效订单打折打掉了多少钱？", ("discount_amount",), "orders", ()),
        ("average markdown amount per valid order last month", ("discount_amount",), "orders", ()),
        ("how many orders per customer on average in 2025", ("order_count",), "customers", ()),
        ("去年平均每单的毛利是多少", ("gross_profit",), "orders", ()),
        ("average revenue per customer in 2025", ("revenue",), "customers", ()),
        ("2025年每个客户平均消费多少钱", ("revenue",), "customers", ()),
        ("per customer segment, revenue last quarter", ("revenue",), None, ("segment",)),
        ("去年平均每个有效订单包含几件商品？", ("units_per_order",), None, ()),
        # the active customers are whom the total is over: the valid orders, not every order
        ("average number of orders per active customer", ("valid_orders",), "customers", ()),
        ("orders per active customer this year", ("valid_orders",), "customers", ()),
        ("revenue per active customer this year", ("revenue",), "customers", ()),
        ("units sold per paying customer in 2025", ("units_sold",), "customers", ()),
        ("average revenue per customer by segment in 2025", ("revenue",), "customers", ("segment",)),
        ("平均每个客户的销售额按客户类型", ("revenue",), "customers", ("segment",)),
        # an average named as such, asked per order: the total of the same thing per order
        ("average discount per order last month", ("discount_amount",), "orders", ()),
        ("avg discount per valid order by channel in 2025", ("discount_amount",), "orders", ("channel",)),
        ("average discount by channel in 2025", ("average_discount",), None, ("channel",)),
    ],
)
def test_averages_per_order_or_customer_are_read(
    question: str, metrics: tuple[str, ...], per: str | None, groups: tuple[str, ...]
) -> None:
    query = map_question(question, demo_semantic_model(), DEMO_TODAY).query
    assert (query.metrics, query.per, query.group_by) == (metrics, per, groups)


def test_a_share_of_two_named_years_is_read_and_said() -> None:
    model = demo_semantic_model()
    query = map_question("Online share of revenue, 2025 vs 2024", model, DEMO_TODAY).query
    assert query.share and query.comparison.kind == "previous_period" and query.time_range == "2025"
    sql = compile_query(query, model, dialect="sqlite", today=DEMO_TODAY).sql
    assert sql.count("channel_type = 'online'") == 2 and "2024-01-01" in sql


def test_the_reading_says_what_the_average_is_over() -> None:
    model = demo_semantic_model()
    query = SemanticQuery(metrics=("discount_amount",), time_range="last_month", per="orders")
    assert "average per order" in describe_query(query, model, DEMO_TODAY)
    assert "平均每个订单" in describe_query(query, model, DEMO_TODAY, lang="zh")


def test_the_average_per_row_is_a_removable_chip() -> None:
    model = demo_semantic_model()
    query = SemanticQuery(metrics=("discount_amount",), time_range="last_month", per="orders")
    chips = query_chips(query, model)
    assert [(c.id, c.kind) for c in chips] == [("per", "per")] and "per order" in chips[0].text
    total = SemanticQuery(metrics=("discount_amount",), time_range="last_month")
    assert without_chips(query, ["per"]) == total


def test_a_total_over_other_rows_than_the_active_customers_is_no_average_per_active_customer() -> None:
    query = map_question("returns per active customer this year", demo_semantic_model(), DEMO_TODAY).query
    assert query.per is None


def test_orders_per_active_customer_divide_the_valid_orders_by_the_active_customers() -> None:
    model = demo_semantic_model()
    query = map_question("orders per active customer in 2025", model, DEMO_TODAY).query
    sql = compile_query(query, model, dialect="sqlite", today=DEMO_TODAY).sql
    database = open_database("demo")
    by_hand = (
        "SELECT 1.0 * COUNT(*) / COUNT(DISTINCT customer_id) FROM orders WHERE status <> 'cancelled'"
        " AND order_date >= '2025-01-01' AND order_date < '2026-01-01'"
    )
    assert run_query(database, sql).rows == run_query(database, by_hand).rows
