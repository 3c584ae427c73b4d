"""The most (or least) common value of a dimension: the answer is the value alone, ranked by a count the
question only implies; a count the question names stays in the answer. On the demo's semantic model
(English and Chinese) and on models bootstrapped from the shop database on every engine."""

from __future__ import annotations

from datetime import date

import pytest

from nl2sql.connect import open_database
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.execute import run_query
from nl2sql.schema import load_schema
from nl2sql.semantic.bootstrap import bootstrap_model
from nl2sql.semantic.follow_up import merge
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import Ranking, SemanticQuery
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()
RETURN_REASONS = "SELECT reason FROM returns GROUP BY reason ORDER BY COUNT(*) {order}, reason LIMIT {n}"
"""The return reasons by how many returns give each (ties, if any, by name)."""

VALUES_ALONE = [
    ("What's the most common return reason?", "return_count", "return_reason", ("top", 1)),
    ("What are the 3 most common return reasons?", "return_count", "return_reason", ("top", 3)),
    ("What is the least common return reason?", "return_count", "return_reason", ("bottom", 1)),
    ("Most frequent return reason this year?", "return_count", "return_reason", ("top", 1)),
    ("最常见的退货原因是什么？", "return_count", "return_reason", ("top", 1)),
    ("最不常见的退货原因", "return_count", "return_reason", ("bottom", 1)),
    ("哪个退货原因最常见", "return_count", "return_reason", ("top", 1)),
    ("哪个城市的客户最多？", "customer_count", "city", ("top", 1)),
    ("哪个行业的客户最少", "customer_count", "industry", ("bottom", 1)),
]


@pytest.mark.parametrize(("question", "metric", "group", "ranking"), VALUES_ALONE)
def test_the_most_common_value_is_ranked_by_a_count_and_shown_alone(
    question: str, metric: str, group: str, ranking: tuple[str, int]
) -> None:
    mapping = map_question(question, MODEL, TODAY)
    query = mapping.query
    assert (query.metrics, query.group_by) == ((metric,), (group,)), question
    assert (query.ranking.direction, query.ranking.n) == ranking
    assert query.ranking.values_only and not mapping.unexplained and not mapping.defaulted_metric


@pytest.mark.parametrize(
    "question",
    [
        "What is the most common return reason, and how many returns give it?",  # a count named
        "the most common return reason and the number of returns",
        "最常见的退货原因是什么，有多少次？",
        "哪个城市的客户最多，有多少个？",
        "哪个城市的客户数最多？",  # a metric named: 客户数
        "哪个城市的销售额最高？",
        "哪些城市的客户最多",  # several cities, no "most common": the counts show how they compare
        "Which city has the most customers?",  # "which … most" in English keeps its count
        "Which region had the highest revenue last quarter?",
    ],
)
def test_a_count_or_metric_the_question_names_stays_in_the_answer(question: str) -> None:
    query = map_question(question, MODEL, TODAY).query
    assert query.ranking.direction != "none" and not query.ranking.values_only, question


@pytest.mark.parametrize(
    ("question", "said", "order", "n"),
    [
        ("What are the 3 most common return reasons?", "top 3 by return count", "DESC", 3),
        ("最不常见的退货原因是什么", "取后 1（按 退货次数）", "ASC", 1),
    ],
)
def test_the_demo_answer_is_the_values_a_hand_written_query_gives(
    question: str, said: str, order: str, n: int
) -> None:
    database = open_database("demo")
    route = route_question(question, MODEL, database.dialect, TODAY)
    assert route.path == "semantic" and route.reading is not None, route.message
    assert said in route.reading.text  # the reading still says what ranks them
    rows = run_query(database, route.reading.sql).rows
    expected = run_query(database, RETURN_REASONS.format(order=order, n=n)).rows
    counts = dict(run_query(database, "SELECT reason, COUNT(*) FROM returns GROUP BY reason").rows)
    assert all(len(row) == 1 for row in rows)
    assert [counts[r[0]] for r in rows] == [counts[r[0]] for r in expected]  # ties in any order


def test_bootstrapped_models_answer_the_most_common_value_on_every_engine(shop_db: str) -> None:
    database = open_database(shop_db)
    model = bootstrap_model(database, load_schema(database))
    alone = route_question("What is the most common segment of customers?", model, database.dialect, TODAY)
    assert alone.path == "semantic" and alone.reading is not None, alone.message
    assert "top 1 by" in alone.reading.text
    assert run_query(database, alone.reading.sql).rows == [("SMB",)]
    counted = route_question(
        "What is the most common segment of customers, and how many customers have it?",
        model,
        database.dialect,
        TODAY,
    )
    assert counted.path == "semantic" and counted.reading is not None, counted.message
    assert [tuple(r) for r in run_query(database, counted.reading.sql).rows] == [("SMB", 2)]


def test_a_follow_up_that_names_a_metric_shows_it() -> None:
    most_common = SemanticQuery(
        metrics=("return_count",), group_by=("return_reason",), ranking=Ranking("top", 1, values_only=True)
    )
    assert merge(most_common, SemanticQuery(time_range="2025"), metrics_named=False).ranking.values_only
    named = merge(most_common, SemanticQuery(metrics=("refund_amount",)), metrics_named=True)
    assert named.ranking == Ranking("top", 1) and named.metrics == ("refund_amount",)
