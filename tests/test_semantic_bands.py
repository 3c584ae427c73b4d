"""Bands of a number ("revenue by order size band") and periods of another date ("revenue by customer
signup year"): read from questions in English and Chinese, compiled and run on SQLite, DuckDB,
PostgreSQL and MariaDB against figures worked out by hand from the shop data (tests/conftest.py),
described in words, and taken off as chips."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import normalized, run_compiled

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.chips import query_chips, without_chips
from nl2sql.semantic.choices import with_slots
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.dump import dump_model
from nl2sql.semantic.load import SemanticModelError, load_model, parse_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Band, Comparison, Period, Ranking, SemanticQuery, SemanticQueryError
from nl2sql.semantic.route import route_question

SHOP = load_model(Path(__file__).parent / "fixtures" / "shop.semantic.yaml")
TODAY = date(2025, 4, 30)
DEMO_TODAY = date(2026, 6, 30)
# orders: 120.50 (Acme, signed up 2024-01), 80.00 (Acme), 42.25 (Bolt, 2024-03), 10.00 (Cora, 2025-02),
# 99.99 (Dune, 2025-06); all ordered January to April 2025
CASES = {
    "bands closed on the left: 80 is in the band it starts": (
        SemanticQuery(metrics=("revenue",), bands=(Band("amount", (80, 100)),)),
        [("< 80", 52.25), ("80–100", 179.99), ("≥ 100", 120.5)],
    ),
    "bands closed on the right: 80 is in the band it ends": (
        SemanticQuery(metrics=("revenue",), bands=(Band("amount", (80, 100), "right"),)),
        [("≤ 80", 132.25), ("80–100", 99.99), ("> 100", 120.5)],
    ),
    "the column's default bands, with a count": (
        SemanticQuery(metrics=("orders",), bands=(Band("amount"),)),
        [("< 50", 2), ("50–100", 2), ("≥ 100", 1)],
    ),
    "bands that are empty are left out, in order": (
        SemanticQuery(metrics=("orders",), bands=(Band("amount", (5, 1000, 2000)),)),
        [("5–1,000", 5)],
    ),
    "bands by month, the month first": (
        SemanticQuery(
            metrics=("revenue",),
            time_grain="month",
            time_range="2025-01..2025-02",
            bands=(Band("amount", (100,)),),
        ),
        [("2025-01", "≥ 100", 120.5), ("2025-02", "< 100", 122.25)],
    ),
    "bands with a year-on-year comparison": (
        SemanticQuery(
            metrics=("orders",),
            time_range="2025",
            bands=(Band("amount", (50,)),),
            comparison=Comparison("same_period_last_year", "value"),
        ),
        [("< 50", 2, None), ("≥ 50", 3, None)],
    ),
    "the top band": (
        SemanticQuery(
            metrics=("revenue",),
            bands=(Band("amount", (80, 100)),),
            ranking=Ranking("top", 1),
        ),
        [("80–100", 179.99)],
    ),
    "the signup year of the customer, the window on the order date": (
        SemanticQuery(
            metrics=("revenue",), time_range="2025-02..2025-03", periods=(Period("signup_date", "year"),)
        ),
        [("2024", 122.25), ("2025", 10.0)],
    ),
    "the signup quarter of the customer, all time": (
        SemanticQuery(metrics=("orders",), periods=(Period("signup_date", "quarter"),)),
        [("2024-Q1", 3), ("2025-Q1", 1), ("2025-Q2", 1)],
    ),
    "the signup month beside a segment": (
        SemanticQuery(metrics=("orders",), group_by=("segment",), periods=(Period("signup_date", "month"),)),
        [
            ("Consumer", "2025-02", 1),
            ("Enterprise", "2024-01", 2),
            ("SMB", "2024-03", 1),
            ("SMB", "2025-06", 1),
        ],
    ),
    "a period and a band together": (
        SemanticQuery(
            metrics=("revenue",), periods=(Period("signup_date", "year"),), bands=(Band("amount", (100,)),)
        ),
        [("2024", "< 100", 122.25), ("2024", "≥ 100", 120.5), ("2025", "< 100", 109.99)],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bands_and_periods_give_the_hand_worked_figures_in_order(shop_db: str, case: str) -> None:
    query, expected = CASES[case]
    compiled, rows = run_compiled(shop_db, query, SHOP, today=TODAY)
    assert rows == normalized(expected), compiled.sql


def test_the_default_bands_are_said_in_a_note_and_named_columns_come_out() -> None:
    compiled = compile_query(
        SemanticQuery(metrics=("orders",), bands=(Band("amount"),)), SHOP, dialect="sqlite", today=TODAY
    )
    assert compiled.columns == ("amount_band", "orders")
    assert compiled.notes == ("amount in its default bands: < 50, 50–100, ≥ 100",)
    period = SemanticQuery(metrics=("orders",), periods=(Period("signup_date", "year"),))
    assert compile_query(period, SHOP, dialect="sqlite", today=TODAY).columns == ("signup_year", "orders")


def test_chinese_labels_have_no_thousands_separator() -> None:
    query = SemanticQuery(metrics=("orders",), bands=(Band("amount", (1000, 10000)),))
    sql = compile_query(query, SHOP, dialect="sqlite", today=TODAY, lang="zh").sql
    assert "'1000–10000'" in sql and "'1,000–10,000'" not in sql


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SemanticQuery(metrics=("revenue",), bands=(Band("order_date", (1,)),)), "is a date"),
        (SemanticQuery(metrics=("revenue",), periods=(Period("amount", "year"),)), "no date"),
        (SemanticQuery(metrics=("new_customers",), bands=(Band("amount", (1,)),)), "cannot be broken down"),
        (SemanticQuery(metrics=("revenue",), bands=(Band("amount", (100, 50)),)), "go up"),
        (SemanticQuery(metrics=("revenue",), bands=(Band("amount", (1,), "both"),)), "band closed"),
        (SemanticQuery(metrics=("revenue",), periods=(Period("signup_date", "decade"),)), "period grain"),
    ],
)
def test_what_cannot_be_banded_says_why(query: SemanticQuery, message: str) -> None:
    with pytest.raises(SemanticQueryError, match=message):
        compile_query(query, SHOP, dialect="sqlite", today=TODAY)


def test_a_band_without_edges_on_a_column_without_defaults_asks_for_them() -> None:
    model = parse_model(
        "tables: [{name: t, facts: [{name: size}], time_dimensions: [{name: d}],"
        " metrics: [{name: n, expr: COUNT(*)}]}]"
    )
    with pytest.raises(SemanticQueryError, match="no default bands"):
        compile_query(
            SemanticQuery(metrics=("n",), bands=(Band("size"),)), model, dialect="sqlite", today=TODAY
        )


def test_default_bands_are_read_and_written_with_the_model() -> None:
    model = parse_model(
        "tables: [{name: t, facts: [{name: share, x_fraction: true,"
        " x_bands: {edges: [0, 0.5], closed: right}}, {name: size, x_bands: [10, 20]}]}]"
    )
    assert parse_model(dump_model(model)).tables == model.tables
    assert (model.field("share").bands, model.field("share").band_closed, model.field("share").fraction) == (
        (0, 0.5),
        "right",
        True,
    )
    assert (model.field("size").bands, model.field("size").band_closed) == ((10, 20), "left")
    with pytest.raises(SemanticModelError, match="increasing edges"):
        parse_model("tables: [{name: t, facts: [{name: size, x_bands: [20, 10]}]}]")


def test_bands_and_periods_survive_json() -> None:
    query = SemanticQuery(
        metrics=("revenue",),
        bands=(Band("discount", (0, 0.1), "right"),),
        periods=(Period("signup_date", "quarter"),),
    )
    data = json.loads(json.dumps(query.to_dict()))
    assert data["bands"] == [{"field": "discount", "edges": [0, 0.1], "closed": "right"}]
    assert data["periods"] == [{"field": "signup_date", "grain": "quarter"}]
    assert SemanticQuery.from_dict(data) == query
    assert SemanticQuery.from_dict({"metrics": ["revenue"], "bands": [{"field": "total_amount"}]}).bands == (
        Band("total_amount"),
    )


@pytest.mark.parametrize(
    ("question", "bands", "periods"),
    [
        (
            "Revenue by order size band: under 1,000, 1,000–10,000, over 10,000",
            (Band("total_amount", (1000, 10000)),),
            (),
        ),
        ("orders by discount band (none, up to 10%, more)", (Band("discount", (0, 0.1), "right"),), ()),
        (
            "按订单金额区间统计订单数：1000以下、1000到1万、1万以上",
            (Band("total_amount", (1000, 10000)),),
            (),
        ),
        ("revenue by order size band", (Band("total_amount"),), ()),
        ("按金额分段统计营收", (Band("total_amount"),), ()),
        (
            "今年按产品单价区间统计销量：1000元以下、1000到5000元、5000元以上",
            (Band("unit_price", (1000, 5000)),),
            (),
        ),
        ("revenue by customer signup year", (), (Period("signup_date", "year"),)),
        ("营收按客户注册年份拆", (), (Period("signup_date", "year"),)),
        ("orders by product launch quarter", (), (Period("launch_date", "quarter"),)),
        ("按客户注册季度统计今年的订单数", (), (Period("signup_date", "quarter"),)),
    ],
)
def test_the_mapper_reads_bands_and_periods_with_nothing_left_over(
    question: str, bands: tuple, periods: tuple
) -> None:
    mapping = map_question(question, demo_semantic_model(), DEMO_TODAY)
    assert (mapping.query.bands, mapping.query.periods, mapping.query.group_by) == (bands, periods, ())
    assert mapping.unexplained == ()


def test_a_grouping_joined_to_a_band_or_period_is_kept_and_percents_hold_for_the_whole_list() -> None:
    model = demo_semantic_model()
    query = map_question("revenue by order size band and region", model, DEMO_TODAY).query
    assert (query.group_by, query.bands) == (("region",), (Band("total_amount"),))
    query = map_question("按客户注册年份和客户类型统计营收", model, DEMO_TODAY).query
    assert (query.group_by, query.periods) == (("segment",), (Period("signup_date", "year"),))
    query = map_question("units sold by discount range: 0-5%, 5-15%, above 15%", model, DEMO_TODAY).query
    assert query.bands == (Band("discount", (0, 0.05, 0.15)),)


def test_a_range_that_is_no_grouping_is_no_band() -> None:
    mapping = map_question("List products in the 1000-5000 price range", demo_semantic_model(), DEMO_TODAY)
    assert mapping.query.bands == () and "range" in mapping.unexplained


def test_a_period_of_a_grain_word_leaves_the_metrics_own_window() -> None:
    query = map_question("按客户注册季度统计今年的订单数", demo_semantic_model(), DEMO_TODAY).query
    assert (query.time_grain, query.time_range) == ("none", "this_year")


def test_the_period_of_the_metrics_own_date_is_its_time_grain() -> None:
    query = map_question("new customers by signup year", demo_semantic_model(), DEMO_TODAY).query
    assert (query.time_grain, query.periods) == ("year", ())


def test_a_threshold_beside_a_fact_without_a_band_word_stays_a_filter() -> None:
    query = map_question(
        "revenue from orders above 10,000 by region", demo_semantic_model(), DEMO_TODAY
    ).query
    assert query.bands == () and [f.field for f in query.filters] == ["total_amount"]


def test_the_reading_shows_the_bands_and_the_periods_in_both_languages() -> None:
    model = demo_semantic_model()
    query = SemanticQuery(
        metrics=("revenue",), time_range="2025", bands=(Band("total_amount", (1000, 10000)),)
    )
    assert describe_query(query, model, DEMO_TODAY) == (
        "revenue by total amount band (< 1,000, 1,000–10,000, ≥ 10,000) · 2025-01-01 to 2025-12-31"
    )
    assert describe_query(query, model, DEMO_TODAY, lang="zh") == (
        "销售额 按 订单金额区间（< 1000、1000–10000、≥ 10000） · 2025-01-01 至 2025-12-31"
    )
    default = SemanticQuery(metrics=("order_count",), bands=(Band("discount"),))
    assert describe_query(default, model, DEMO_TODAY) == (
        "order count by discount band (default: ≤ 0%, 0%–10%, 10%–20%, > 20%)"
    )
    period = SemanticQuery(metrics=("revenue",), periods=(Period("signup_date", "year"),))
    assert describe_query(period, model, DEMO_TODAY) == "revenue by year of signup date"
    assert describe_query(period, model, DEMO_TODAY, lang="zh") == "销售额 按 注册日期的年份"


def test_bands_and_periods_are_chips_that_come_off() -> None:
    model = demo_semantic_model()
    query = SemanticQuery(
        metrics=("revenue",), bands=(Band("total_amount", (1000,)),), periods=(Period("launch_date", "year"),)
    )
    chips = query_chips(query, model, lang="zh")
    assert [(c.id, c.kind, c.text) for c in chips] == [
        ("band:0", "band", "订单金额区间（< 1000、≥ 1000）"),
        ("period:0", "period", "上市日期的年份"),
    ]
    assert without_chips(query, ["band:0"]) == SemanticQuery(
        metrics=("revenue",), periods=(Period("launch_date", "year"),)
    )
    assert without_chips(query, ["period:0", "band:0"]) == SemanticQuery(metrics=("revenue",))
    assert with_slots(query, time_range="this_year").bands == query.bands  # "Read as" keeps them
    with pytest.raises(SemanticQueryError, match="no part band:1"):
        without_chips(query, ["band:1"])


@pytest.mark.parametrize(
    "question",
    [
        "Units sold by discount band in 2025: no discount, up to 10%, over 10% to 20%, over 20%",
        "今年的营收按客户注册年份拆一下",
    ],
)
def test_band_and_period_questions_are_answered_by_the_semantic_layer(question: str) -> None:
    route = route_question(question, demo_semantic_model(), "sqlite", DEMO_TODAY)
    assert route.path == "semantic" and route.reading is not None
    assert route.message == ""
