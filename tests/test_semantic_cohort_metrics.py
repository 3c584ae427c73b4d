"""A metric of the customers a count names ("revenue from new customers last quarter", "新客户贡献的销售额"):
the metric filtered to the customers who signed up in the window, not two figures side by side; read
from questions on the demo model and run on the demo database against a hand-written query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.semantic.query import Filter
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()
NEW_CUSTOMER_REVENUE_Q1 = """
    SELECT SUM(orders.total_amount) FROM orders JOIN customers ON customers.customer_id = orders.customer_id
    WHERE orders.status <> 'cancelled'
      AND orders.order_date >= '2026-01-01' AND orders.order_date < '2026-04-01'
      AND customers.signup_date >= '2026-01-01' AND customers.signup_date < '2026-04-01'
"""


@pytest.mark.parametrize(
    "question",
    [
        "revenue from new customers last quarter",
        "how much revenue came from new customers last quarter",
        "上季度新客户贡献的销售额",
        "上季度新客户贡献了多少营收",
    ],
)
def test_revenue_from_new_customers_is_the_revenue_of_those_who_signed_up_in_the_window(
    pinned_demo_db: Path, question: str
) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    query = route.reading.query
    assert (query.metrics, query.time_range) == (("revenue",), "last_quarter")
    assert query.filters == (Filter("signup_date", "during", ("last_quarter",)),)
    database = open_database(str(pinned_demo_db))
    expected = run_query(database, NEW_CUSTOMER_REVENUE_Q1).rows
    assert expected[0][0]  # the quarter's new customers bought something: the check tells readings apart
    assert run_query(database, route.reading.sql).rows == expected


def test_orders_of_new_customers_are_counted_over_their_orders() -> None:
    query = route_question("今年新客户的订单数", MODEL, "sqlite", TODAY).reading.query
    assert query.metrics == ("order_count",)
    assert query.filters == (Filter("signup_date", "during", ("this_year",)),)


@pytest.mark.parametrize("question", ["new customers and revenue this year", "今年新客户数和销售额"])
def test_two_figures_asked_side_by_side_stay_two(question: str) -> None:
    query = route_question(question, MODEL, "sqlite", TODAY).reading.query
    assert set(query.metrics) == {"new_customers", "revenue"}
    assert not query.filters


@pytest.mark.parametrize(
    "question", ["新客户贡献的销售额", "revenue from new customers this year vs last year"]
)
def test_new_customers_with_no_window_or_a_moving_one_go_to_generated_sql(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "sql"
    assert "new_customers" in route.mapping.unexplained
