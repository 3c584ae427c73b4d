"""A ratio whose part is named by a table ("returns as a % of units sold"): the table's rows measured
like the whole (units returned against units sold), or generated SQL when no measure of the table is
like the whole; never the whole's share of itself."""

from __future__ import annotations

from datetime import date

import pytest

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize(
    "question",
    ["Returns as a % of units sold", "Nimbus returns as a % of units sold last quarter", "退货占销量的比例"],
)
def test_returns_as_a_share_of_units_sold_divide_the_units_returned_by_the_units_sold(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic", route.message
    query = route.reading.query
    assert (query.metrics, query.ratio, query.share) == (("returned_units", "units_sold"), True, False)


def test_returns_as_a_share_of_what_returns_have_no_like_measure_of_go_to_generated_sql() -> None:
    route = route_question("returns as a % of revenue", MODEL, "sqlite", TODAY)
    assert route.path == "sql"


def test_two_metrics_still_make_the_ratio() -> None:
    query = route_question("refunds as a % of revenue", MODEL, "sqlite", TODAY).reading.query
    assert (query.metrics, query.ratio) == (("refund_amount", "revenue"), True)
