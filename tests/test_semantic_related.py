"""Conditions on related rows: "customers who never ordered", "churned customers", "the attach rate".
The SQL runs on SQLite, DuckDB, PostgreSQL and MariaDB (the shop data of tests/conftest.py) and returns
the figures worked out by hand; the rule mapper reads them in English and Chinese on the demo model; the
reading says them in words and offers each as a removable chip."""

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
from nl2sql.semantic.dump import dump_model
from nl2sql.semantic.listing import compile_listing
from nl2sql.semantic.load import SemanticModelError, parse_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Filter, Related, SemanticQuery, SemanticQueryError
from nl2sql.semantic.route import route_question

SHOP = (Path(__file__).parent / "fixtures" / "shop.semantic.yaml").read_text(encoding="utf-8")
CHURNED = """
    filters:
      - name: churned
        synonyms: [lapsed]
        x_default_range: this_quarter
        x_related:
          - {table: orders, window: before}
          - {table: orders, present: false, window: current}
"""
CUSTOMER_METRICS = "    metrics:\n      - {name: new_customers"
BUYERS = """
  - name: buyers
    base_table: {table: customers}
    dimensions: [{name: buyer_segment, expr: segment}]
relationships:
  - left_table: orders
    right_table: buyers
    relationship_columns: [{left_column: customer_id, right_column: customer_id}]
"""
"""The customers again, under another name: a table joined inside the subquery ("orders whose buyer…")."""
MODEL = parse_model(
    SHOP.replace(CUSTOMER_METRICS, CHURNED.lstrip("\n") + CUSTOMER_METRICS, 1).replace(
        "relationships:\n", BUYERS.lstrip("\n"), 1
    )
)
TODAY = date(2025, 4, 30)
"""Orders: Acme 2025-01-02 (120.50) and 02-03, Bolt 02-04, Cora 03-05, Dune 04-06; all four have one."""

NO_ORDER_IN_APRIL = Related("orders", present=False, time_range="this_month")
ORDERED_BEFORE_Q2 = Related("orders", time_range="this_quarter", before=True)
NONE_IN_Q2 = Related("orders", present=False, time_range="this_quarter")
BIG_ORDER = Related("orders", filters=(Filter("amount", ">", (100,)),))
CASES = {
    "never ordered: nobody": (
        SemanticQuery(metrics=("new_customers",), related=(Related("orders", False),)),
        [(0,)],
    ),
    "no order this month (the window is on the orders)": (
        SemanticQuery(metrics=("new_customers",), related=(NO_ORDER_IN_APRIL,)),
        [(3,)],  # Dune ordered in April
    ),
    "churned this quarter, by segment": (
        SemanticQuery(
            metrics=("new_customers",), group_by=("segment",), related=(ORDERED_BEFORE_Q2, NONE_IN_Q2)
        ),
        [("Enterprise", 1), ("SMB", 1), ("Consumer", 1)],  # Dune's only order is in Q2
    ),
    "churned, as the model names it": (
        SemanticQuery(metrics=("new_customers",), named_filters=("churned",)),
        [(3,)],
    ),
    "revenue from churned customers: the condition on the customers, the orders summed": (
        SemanticQuery(metrics=("revenue",), named_filters=("churned",)),
        [(252.75,)],  # Acme, Bolt and Cora: all but Dune
    ),
    "revenue from churned customers in a month of their own": (
        SemanticQuery(metrics=("revenue",), time_range="2025-02", named_filters=("churned",)),
        [(122.25,)],  # Acme's and Bolt's February orders
    ),
    "a condition on a table joined inside": (
        SemanticQuery(
            metrics=("new_customers",),
            related=(Related("orders", filters=(Filter("buyer_segment", "=", ("SMB",)),)),),
        ),
        [(2,)],  # Bolt and Dune
    ),
    "a condition on the related rows": (
        SemanticQuery(metrics=("new_customers",), related=(BIG_ORDER,)),
        [(1,)],  # Acme's 120.50
    ),
    "share with a big order": (
        SemanticQuery(metrics=("new_customers",), related=(BIG_ORDER,), share=True),
        [(1, 4, 25.0)],
    ),
    "share with a big order, by segment (aggregated before dividing)": (
        SemanticQuery(metrics=("new_customers",), group_by=("segment",), related=(BIG_ORDER,), share=True),
        [("Enterprise", 1, 1, 100.0), ("SMB", 0, 2, 0.0), ("Consumer", 0, 1, 0.0)],
    ),
    "share among those that churned": (
        SemanticQuery(
            metrics=("new_customers",), related=(ORDERED_BEFORE_Q2, NONE_IN_Q2, BIG_ORDER), share=True
        ),
        [(1, 3, 100.0 / 3)],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_related_rows_compile_to_the_hand_worked_figures(shop_db: str, case: str) -> None:
    query, expected = CASES[case]
    # numbers to 4 decimals: MariaDB divides decimals to 5 (div_precision_increment)
    compiled, rows = run_compiled(shop_db, query, MODEL, today=TODAY, places=4)
    assert "EXISTS" in compiled.sql.upper()
    assert sorted(rows, key=repr) == sorted(normalized(expected, 4), key=repr), compiled.sql


def test_a_listing_keeps_the_rows_without_related_rows(shop_db: str) -> None:
    database = open_database(shop_db)
    query = SemanticQuery(intent="detail", subject="customers", related=(NO_ORDER_IN_APRIL,))
    compiled = compile_listing(query, MODEL, dialect=database.dialect, today=TODAY)
    names = sorted(row[1] for row in run_query(database, compiled.sql).rows)
    assert names == ["Acme", "Bolt", "Cora"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            SemanticQuery(metrics=("orders",), related=(Related("customers", False),)),
            "no declared relationship leads from customers to orders",
        ),
        (SemanticQuery(metrics=("orders",), related=(Related("orders", False),)), "among themselves"),
        (SemanticQuery(metrics=("orders",), related=(Related("nowhere"),)), "no table nowhere"),
        (
            SemanticQuery(metrics=("new_customers",), related=(Related("orders", before=True),)),
            "needs the window",
        ),
    ],
)
def test_what_cannot_be_compiled_says_why(query: SemanticQuery, message: str) -> None:
    with pytest.raises(SemanticQueryError, match=message):
        compile_query(query, MODEL, dialect="sqlite", today=TODAY)


def test_the_query_goes_to_json_and_back() -> None:
    query = SemanticQuery(metrics=("new_customers",), related=(ORDERED_BEFORE_Q2, BIG_ORDER), share=True)
    assert SemanticQuery.from_dict(query.to_dict()) == query
    written = {"metrics": ["new_customers"], "related": [{"table": "orders", "present": "false"}]}
    assert SemanticQuery.from_dict(written).related == (Related("orders", present=False),)


def test_a_named_condition_of_related_rows_loads_and_dumps_back() -> None:
    churned = MODEL.named_filter("lapsed")
    assert churned.expr == "" and churned.default_range == "this_quarter"
    assert churned.related == (ORDERED_BEFORE_Q2, NONE_IN_Q2)
    assert parse_model(dump_model(MODEL)).named_filter("churned") == churned
    without_default = (
        "tables:\n  - name: customers\n    filters:\n      - name: churned\n"
        "        x_related: [{table: orders, window: current}]\n"
    )
    with pytest.raises(SemanticModelError, match="needs x_default_range"):
        parse_model(without_default)


DEMO = demo_semantic_model()
DEMO_TODAY = date(2026, 6, 30)
NEVER_ORDERED = Related("orders", present=False)
VALID = (Filter("status", "!=", ("cancelled",)),)


def _churn(window: str) -> tuple[Related, Related]:
    return (
        Related("orders", time_range=window, before=True, filters=VALID),
        Related("orders", present=False, time_range=window, filters=VALID),
    )


ACCESSORY = Related("order_items", filters=(Filter("category", "=", ("Accessories",)),))
PHONE = Related("order_items", filters=(Filter("category", "=", ("Phones",)),))
READINGS = [
    ("how many customers signed up but never ordered", ("customer_count",), (NEVER_ORDERED,), "all", False),
    (
        "customers with no orders in the last 90 days",
        (),
        (Related("orders", False, "last_90_days"),),
        "all",
        False,
    ),
    ("how many products never sold", ("product_count",), (Related("order_items", False),), "all", False),
    ("从未下单的客户有多少", ("customer_count",), (NEVER_ORDERED,), "all", False),
    (
        "最近三个月没有下单的客户数",
        ("customer_count",),
        (Related("orders", False, "last_3_months"),),
        "all",
        False,
    ),
    ("how many customers churned this year", ("customer_count",), _churn("this_year"), "all", False),
    ("流失客户有多少", ("customer_count",), _churn("last_90_days"), "all", False),
    ("share of orders that include an accessory", ("order_count",), (ACCESSORY,), "all", True),
    ("配件的搭售率", ("valid_orders",), (ACCESSORY,), "all", True),
    ("上个季度配件的搭售率", ("valid_orders",), (ACCESSORY,), "last_quarter", True),
    (
        "what % of orders containing a phone also had an accessory",
        ("order_count",),
        (PHONE, ACCESSORY),
        "all",
        True,
    ),
    ("买了手机的订单里有多少比例也买了配件", ("order_count",), (PHONE, ACCESSORY), "all", True),
    (
        "How many customers have bought a laptop?",
        ("customer_count",),
        (Related("order_items", filters=(Filter("category", "=", ("Laptops",)),)),),
        "all",
        False,
    ),
    (  # what they did not buy stands between the verb and the window
        "How many Enterprise customers have not bought anything in the last 90 days?",
        ("customer_count",),
        (Related("orders", False, "last_90_days"),),
        "all",
        False,
    ),
    (
        "How many SMB clients haven't bought anything at all this year?",
        ("customer_count",),
        (Related("orders", False, "this_year"),),
        "all",
        False,
    ),
    # the window is the sign-up date's: the customers who have ordered at all, not buyers of 90 days
    ("今年新注册的客户里有多少已经下过单了？", ("customer_count",), (Related("orders"),), "all", False),
    ("今年注册的客户里有多少买过东西？", ("customer_count",), (Related("orders"),), "all", False),
]


@pytest.mark.parametrize(
    ("question", "metrics", "related", "window", "share"), READINGS, ids=[r[0] for r in READINGS]
)
def test_the_mapper_reads_related_rows(
    question: str, metrics: tuple, related: tuple, window: str, share: bool
) -> None:
    mapping = map_question(question, DEMO, DEMO_TODAY)
    query = mapping.query
    assert (query.metrics, query.related, query.time_range, query.share) == (metrics, related, window, share)
    assert mapping.unexplained == ()
    assert route_question(question, DEMO, "sqlite", DEMO_TODAY).path == "semantic"


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("list customers who never placed an order", "customers"),
        ("customers with no orders in the last 90 days", "customers"),
        ("which products have never been sold", "products"),
        ("churned customers", "customers"),
        ("列出2020年注册但从没下过单的客户", "customers"),
    ],
)
def test_a_listing_of_rows_without_related_rows(question: str, subject: str) -> None:
    query = map_question(question, DEMO, DEMO_TODAY).query
    assert query.intent == "detail" and query.subject == subject and query.related
    assert route_question(question, DEMO, "sqlite", DEMO_TODAY).path == "semantic"


@pytest.mark.parametrize(
    "question",
    [
        "revenue of cancelled orders",
        "orders that were not cancelled last month",
        "有效订单数（没有取消的订单）",
        "which region has the highest laptop sales",  # laptop sales are summed, not orders with a laptop
        "Units sold by discount band in 2025: no discount, up to 10%, over 10%",
    ],
)
def test_no_related_rows_are_read_where_none_are_said(question: str) -> None:
    assert map_question(question, DEMO, DEMO_TODAY).query.related == ()


def test_buyers_in_a_window_of_their_own_stay_buyers() -> None:
    query = map_question("去年买过东西的金融行业客户有多少家", DEMO, DEMO_TODAY).query
    assert (query.metrics, query.related, query.time_range) == (("active_customers",), (), "last_year")


def test_the_signed_up_customers_who_ordered_are_counted_with_any_order() -> None:
    route = route_question("今年新注册的客户里有多少已经下过单了？", DEMO, "sqlite", DEMO_TODAY)
    sql = route.reading.sql
    assert "signup_date >= '2026-01-01'" in sql and "EXISTS(SELECT 1 FROM orders" in sql
    assert "order_date" not in sql


@pytest.mark.parametrize(
    ("query", "lang", "text"),
    [
        (
            SemanticQuery(metrics=("customer_count",), related=(Related("orders", False, "last_90_days"),)),
            "en",
            "customer count · without orders in last 90 days (2026-04-02 to 2026-06-30)",
        ),
        (
            SemanticQuery(metrics=("customer_count",), related=_churn("this_year")),
            "zh",
            "客户数 · 有订单（订单状态 ≠ 已取消）：今年之前的同等时段（2025-01-01 至 2025-12-31）"
            " · 没有订单（订单状态 ≠ 已取消）：今年（2026-01-01 至 2026-06-30）",
        ),
        (
            SemanticQuery(metrics=("valid_orders",), related=(ACCESSORY,), share=True),
            "en",
            "valid orders · share with order items where category = Accessories (%)",
        ),
        (
            SemanticQuery(metrics=("order_count",), related=(PHONE, ACCESSORY), share=True),
            "zh",
            "订单数 · 有订单明细行（品类 = 手机） · 其中有订单明细行（品类 = 电脑配件）的占比（%）",
        ),
    ],
)
def test_the_reading_says_the_related_rows(query: SemanticQuery, lang: str, text: str) -> None:
    assert describe_query(query, DEMO, DEMO_TODAY, lang=lang) == text


def test_each_related_condition_is_a_chip_that_can_be_removed() -> None:
    query = SemanticQuery(metrics=("order_count",), related=(PHONE, ACCESSORY), share=True)
    chips = query_chips(query, DEMO, lang="zh")
    assert [(c.id, c.kind, c.text) for c in chips] == [
        ("related:0", "related", "有订单明细行（品类 = 手机）"),
        ("related:1", "related", "有订单明细行（品类 = 电脑配件）"),
    ]
    assert without_chips(query, ["related:0"]) == SemanticQuery(
        metrics=("order_count",), related=(ACCESSORY,), share=True
    )
    alone = without_chips(
        SemanticQuery(metrics=("order_count",), related=(ACCESSORY,), share=True), ["related:0"]
    )
    assert alone == SemanticQuery(metrics=("order_count",))  # no share of anything is left
    compile_query(alone, DEMO, dialect="sqlite", today=DEMO_TODAY)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("lapse rate in 2025-02", [(0, 1, 0.0)]),  # Acme ordered in January and again in February
        ("this quarter's lapse rate", [(3, 3, 100.0)]),  # none of Q1's three buyers ordered in April
    ],
)
def test_the_rate_of_a_named_related_condition_is_churned_over_active_before(
    shop_db: str, question: str, expected: list[tuple]
) -> None:
    query = map_question(question, MODEL, TODAY).query
    assert query.metrics == ("new_customers",) and query.share
    assert [(r.present, r.before) for r in query.related] == [(True, True), (False, False)]
    _, rows = run_compiled(shop_db, query, MODEL, today=TODAY, places=4)
    assert rows == normalized(expected, 4)


@pytest.mark.parametrize(
    ("question", "window"),
    [
        ("churn rate last quarter", "last_quarter"),
        ("上个季度的流失率", "last_quarter"),
        ("2025年客户流失率是多少", "2025"),
    ],
)
def test_churn_rate_is_read_on_the_demo_model(question: str, window: str) -> None:
    mapping = map_question(question, demo_semantic_model(), date(2026, 6, 15))
    query = mapping.query
    assert (query.intent, query.metrics, query.share) == ("metric", ("customer_count",), True)
    assert [(r.present, r.before, r.time_range) for r in query.related] == [
        (True, True, window),
        (False, False, window),
    ]
    assert mapping.unexplained == ()


def test_churned_customers_are_still_listed() -> None:
    query = map_question("流失客户有哪些", demo_semantic_model(), date(2026, 6, 15)).query
    assert query.intent == "detail" and not query.share


def test_churn_rate_keeps_its_breakdown() -> None:
    query = map_question("各行业上季度的流失率", demo_semantic_model(), date(2026, 6, 15)).query
    assert (query.metrics, query.group_by, query.share) == (("customer_count",), ("industry",), True)


@pytest.mark.parametrize(
    ("question", "window"),
    [("revenue from churned customers", "all"), ("流失客户去年贡献了多少营收", "last_year")],
)
def test_a_sum_from_churned_customers_keeps_their_condition_on_them(question: str, window: str) -> None:
    query = map_question(question, DEMO, DEMO_TODAY).query
    assert (query.metrics, query.named_filters, query.related) == (("revenue",), ("churned",), ())
    assert query.time_range == window
    route = route_question(question, DEMO, "sqlite", DEMO_TODAY)
    assert route.path == "semantic", route.message
    assert "EXISTS" in route.reading.sql
