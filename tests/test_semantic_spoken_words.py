"""Everyday wording the rule mapper reads on the demo's semantic model: spoken Chinese for days and for
counts of orders (昨儿, 前天, 进了多少单), customers who placed an order, takings said with a verb
("what did we bring in"), a sort order that is no top five ("highest first"), a grain said twice and
questions about what is yet to happen."""

from __future__ import annotations

from datetime import date

import pytest

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.route import route_question
from nl2sql.semantic.time_words import read_time
from nl2sql.semantic.timerange import resolve

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize(
    ("question", "window"),
    [
        ("昨儿的销售额", "yesterday"),
        ("今儿个进了几单", "today"),
        ("前天多少单", "day_before_yesterday"),
        ("revenue the day before yesterday", "day_before_yesterday"),
        ("这礼拜的营收", "this_week"),
        ("上礼拜各渠道单量", "last_week"),
        ("近两个礼拜的退款", "last_2_weeks"),
        ("两个星期内的退款", "last_2_weeks"),
        ("30天内的订单数", "last_30_days"),
        ("月初到现在的GMV", "this_month"),
        ("年初到现在华东的客单价", "this_year"),
        ("2025全年营收", "2025"),
    ],
)
def test_spoken_days(question: str, window: str) -> None:
    assert read_time(question).time_range == window


@pytest.mark.parametrize(
    ("question", "window"),
    [
        ("25年的GMV", "2025"),
        ("24年Q3的销售额", "2024-Q3"),
        ("25年3月的订单数", "2025-03"),
        ("过去10年的营收", "last_10_years"),  # a number of years, not 2010
    ],
)
def test_two_digit_years(question: str, window: str) -> None:
    assert map_question(question, MODEL, TODAY).query.time_range == window


def test_the_day_before_yesterday_is_one_day() -> None:
    assert resolve("day_before_yesterday", TODAY).describe() == "2026-06-28"


@pytest.mark.parametrize(
    ("question", "metrics", "filters"),
    [
        ("昨儿一共进了多少单", ("order_count",), {}),
        ("成都那边的客户今年总共下了几单", ("order_count",), {"city": ("Chengdu",)}),
        ("上个月官网多少单", ("order_count",), {"channel": ("Online Store",)}),
        ("今年一共有多少单被取消", ("order_count",), {"status": ("cancelled",)}),
        ("昨天退了几单", ("return_count",), {}),  # returns, not orders
        ("上周退货多少单", ("return_count",), {}),  # a 退货单 is one return: no orders beside them
        ("昨天取消了几单", ("cancelled_orders",), {}),
        ("上周订单有多少是取消的", ("order_count",), {"status": ("cancelled",)}),
        ("昨天的单子多少", ("order_count",), {}),
    ],
)
def test_orders_counted_in_dan(question: str, metrics: tuple[str, ...], filters: dict) -> None:
    query = map_question(question, MODEL, TODAY).query
    assert query.intent == "metric"
    assert query.metrics == metrics
    assert {f.field: f.values for f in query.filters if f.op != "during"} == filters


@pytest.mark.parametrize("question", ["哪几单退货了", "最近几单的金额"])
def test_which_orders_or_the_latest_ones_are_no_count(question: str) -> None:
    assert "order_count" not in map_question(question, MODEL, TODAY).query.metrics


@pytest.mark.parametrize(
    "question",
    ["西北区去年有多少家客户下过单", "西北区去年下过单的客户有多少", "去年有多少客户下单"],
)
def test_customers_who_placed_an_order_are_the_buyers(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading.query.metrics == ("active_customers",)


def test_placing_orders_said_of_no_customers_is_still_a_count_of_orders() -> None:
    assert map_question("今年下了多少单", MODEL, TODAY).query.metrics == ("order_count",)


@pytest.mark.parametrize(
    "question",
    ["What did we bring in yesterday?", "How much money did we take in last month?"],
)
def test_takings_said_with_a_verb_are_revenue(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading.query.metrics == ("revenue",)


def test_a_verb_beside_a_named_metric_keeps_that_metric() -> None:
    question = "How many orders did our Direct Sales team bring in last quarter?"
    assert map_question(question, MODEL, TODAY).query.metrics == ("order_count",)


@pytest.mark.parametrize(
    "question",
    [
        "Revenue by region for Q1, highest first",
        "Revenue by region for Q1 from high to low",
        "Revenue by region for Q1, sorted from highest to lowest",
    ],
)
def test_a_descending_sort_is_no_top_five(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading.query.ranking.direction == "none"
    assert "LIMIT" not in route.reading.sql.upper()
    assert route.reading.sql.rstrip().endswith("ORDER BY revenue DESC")


def test_a_cut_beside_a_sort_order_is_kept() -> None:
    ranking = map_question("top 3 regions by revenue, highest first", MODEL, TODAY).query.ranking
    assert (ranking.direction, ranking.n) == ("top", 3)


def test_a_grain_said_twice_is_one_grain() -> None:
    question = "Quarterly revenue in 2025 with YoY growth for each quarter"
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading.query.time_grain == "quarter"
    assert route.reading.query.comparison.kind == "same_period_last_year"


@pytest.mark.parametrize(
    "question",
    ["What will revenue look like in Q3?", "How many orders will we get in July?", "Are we going to hit 1M?"],
)
def test_questions_about_what_is_yet_to_happen_are_refused(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused"
    assert "does not forecast" in route.message


def test_a_past_quarter_named_without_its_year_is_answered() -> None:
    assert route_question("What was revenue in Q3?", MODEL, "sqlite", TODAY).path == "semantic"


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("今年的净利润是多少", "净利润"),
        ("今年的税后利润是多少", "税后利润"),
        ("今年营业利润多少", "营业利润"),
    ],
)
def test_profits_past_the_gross_one_are_refused(question: str, word: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused"
    assert f"“{word}”" in route.message


@pytest.mark.parametrize(
    ("question", "metric"),
    [("今年毛利润多少", "gross_profit"), ("各品类的利润率", "gross_margin"), ("今年营业额多少", "revenue")],
)
def test_the_gross_profit_and_its_margin_are_still_answered(question: str, metric: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading.query.metrics == (metric,)


@pytest.mark.parametrize(
    ("question", "metric"),
    [("近90天各渠道的活跃买家数", "active_customers"), ("这周的单量", "order_count")],
)
def test_spoken_names_of_metrics(question: str, metric: str) -> None:
    assert map_question(question, MODEL, TODAY).query.metrics == (metric,)


@pytest.mark.parametrize("question", ["上月营收同比和环比", "上个月退款率"])
def test_a_comparison_or_a_rate_the_reading_leaves_out_goes_to_generated_sql(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "sql"


def test_one_comparison_is_still_read() -> None:
    query = map_question("5月营收同比增长多少", MODEL, TODAY).query
    assert (query.time_range, query.comparison.kind) == ("recent_05", "same_period_last_year")


@pytest.mark.parametrize(
    "question",
    [
        "Sales by channel this month, lowest first",
        "今年各大区营收从低到高排",
        "今年各大区营收升序排列",
    ],
)
def test_an_ascending_sort_of_a_breakdown_is_read_in_that_order(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    query = route.reading.query
    assert query.ascending and query.ranking.direction == "none"
    assert route.reading.sql.rstrip().endswith("ASC")


def test_an_ascending_sort_with_nothing_broken_down_goes_to_generated_sql() -> None:
    route = route_question("今年营收从低到高", MODEL, "sqlite", TODAY)
    assert route.path == "sql"
    assert "从低到高" in route.mapping.unranked


def test_a_bottom_cut_sorted_from_the_lowest_is_read() -> None:
    ranking = map_question("bottom 3 regions by revenue, lowest first", MODEL, TODAY).query.ranking
    assert (ranking.direction, ranking.n) == ("bottom", 3)


@pytest.mark.parametrize("question", ["今年哪款笔记本卖得最好", "the best-selling monitor in 2025"])
def test_a_superlative_beside_a_value_ranks_products_by_an_assumed_metric(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    query = route.reading.query
    assert (query.intent, query.group_by, query.ranking.direction, query.ranking.n) == (
        "metric",
        ("product",),
        "top",
        1,
    )
    assert "units_sold" in [metric for other in route.alternatives for metric in other.query.metrics]


def test_the_priciest_products_are_still_listed() -> None:
    query = map_question("最贵的5款手机", MODEL, TODAY).query
    assert (query.intent, query.ranking.n) == ("detail", 5)
