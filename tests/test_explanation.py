"""explain.explanation on the demo database: tests/fixtures/explanations.yaml and the demo questions."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml

from explain.errors import ExplainError, UnparsableSQLError
from explain.explanation import Explanation, Step, explain

FIXTURES = Path(__file__).parent / "fixtures"
CASES = yaml.safe_load((FIXTURES / "explanations.yaml").read_text(encoding="utf-8"))
DEMO_QUESTIONS = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "nl2sql" / "demo" / "questions.jsonl")
    .read_text("utf-8")
    .splitlines()
    if line.strip()
]
TODAY = datetime.date(2026, 11, 23)
ORDER = ["source", "join", "filter", "group", "aggregate", "group-filter", "compute", "window", "output"]
ORDER += ["distinct", "order", "limit"]


def _flatten(steps: tuple[Step, ...]) -> list[Step]:
    return [inner for step in steps for inner in (step, *_flatten(step.children))]


def _levels(steps: tuple[Step, ...]) -> list[list[str]]:
    """The step kinds of each query (the statement, each CTE, derived table, subquery and branch)."""
    levels = [[step.kind for step in steps if step.kind in ORDER]]
    for step in steps:
        if step.kind in ("cte", "source", "join") and step.children and step.children[0].kind != "subquery":
            levels.extend(_levels(step.children))
        for child in _flatten(step.children):
            if child.kind == "subquery":
                levels.extend(_levels(child.children))
    return levels


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{case['lang']}" for i, case in enumerate(CASES)])
def test_fixture(case, demo_schema):
    today = (
        case["today"]
        if isinstance(case["today"], datetime.date)
        else datetime.date.fromisoformat(case["today"])
    )
    explanation = explain(case["sql"], demo_schema, case["lang"], today=today, dialect=case.get("dialect"))
    text = explanation.to_text()
    for expected in case["expect"]:
        assert expected in text, f"{expected!r} not in:\n{text}"
    if "summary" in case:
        assert case["summary"] in explanation.summary, explanation.summary
    if "kinds" in case:
        assert [step.kind for step in explanation.steps] == case["kinds"], text


def test_fixture_covers_every_step_kind_in_both_languages(demo_schema):
    assert len(CASES) >= 25
    kinds: dict[str, set[str]] = {"en": set(), "zh": set()}
    for case in CASES:
        explanation = explain(
            case["sql"], demo_schema, case["lang"], today=TODAY, dialect=case.get("dialect")
        )
        kinds[case["lang"]].update(step.kind for step in _flatten(explanation.steps))
    wanted = set(ORDER) | {"set-operation", "subquery", "cte", "condition", "item"}
    assert wanted <= kinds["en"], wanted - kinds["en"]
    assert wanted <= kinds["zh"], wanted - kinds["zh"]


@pytest.mark.parametrize("question", DEMO_QUESTIONS, ids=[q["id"] for q in DEMO_QUESTIONS])
def test_every_demo_question_explains_in_its_language(question, demo_schema):
    explanation = explain(question["sql"], demo_schema, question=question["question"], today=TODAY)
    assert explanation.lang == question["lang"]
    assert explanation.summary.strip() and explanation.steps
    assert explanation.to_text().startswith(explanation.summary)
    for level in _levels(explanation.steps):
        positions = [ORDER.index(kind) for kind in level]
        assert positions == sorted(positions), level
    json.dumps(explanation.to_dict(), ensure_ascii=False)


def test_language_follows_the_question(demo_schema):
    sql = "SELECT COUNT(*) FROM orders"
    assert explain(sql, demo_schema, question="一共有多少订单？").lang == "zh"
    assert explain(sql, demo_schema, question="How many orders?").lang == "en"
    assert explain(sql, demo_schema).lang == "en"
    assert explain(sql, demo_schema, "zh", question="How many orders?").lang == "zh"
    assert explain(sql, demo_schema, "zh-CN").summary == "统计订单数。"


def test_steps_come_in_logical_order(demo_schema):
    sql = (
        "SELECT DISTINCT c.segment, COUNT(*) AS n FROM orders o"
        " JOIN customers c ON c.customer_id = o.customer_id WHERE o.status <> 'cancelled'"
        " GROUP BY c.segment HAVING COUNT(*) > 1 ORDER BY n DESC LIMIT 3"
    )
    kinds = [step.kind for step in explain(sql, demo_schema, today=TODAY).steps]
    assert kinds == [
        "source",
        "join",
        "filter",
        "group",
        "aggregate",
        "group-filter",
        "output",
        "distinct",
        "order",
        "limit",
    ]


def test_time_window_names_the_day(demo_schema):
    sql = "SELECT COUNT(*) FROM orders WHERE order_date >= date('now', '-3 months')"
    assert "since 2026-08-23" in explain(sql, demo_schema, today=TODAY).summary
    assert "since 2026-08-01" in explain(sql, demo_schema, today=datetime.date(2026, 11, 1)).summary


def test_to_dict_is_plain_data(demo_schema):
    explanation = explain("SELECT name FROM products WHERE unit_price > 5000", demo_schema, today=TODAY)
    data = explanation.to_dict()
    assert data["lang"] == "en" and data["summary"] == explanation.summary
    filter_step = data["steps"][1]
    assert filter_step["kind"] == "filter" and filter_step["sql"] == "unit_price > 5000"
    assert {
        "name": "unit_price",
        "description": demo_schema.table("products").column("unit_price").comment,
    } in (filter_step["terms"])
    assert json.loads(json.dumps(data)) == data
    assert str(explanation) == explanation.to_text()
    assert isinstance(explanation, Explanation)


def test_unknown_names_fall_back_to_the_names_as_written(demo_schema):
    explanation = explain("SELECT nme, COUNT(*) FROM nowhere WHERE x LIKE 'a%' GROUP BY nme", demo_schema)
    text = explanation.to_text()
    assert "Start from the nowhere table" in text and "x starts with 'a'" in text


def test_bad_sql_and_bad_language(demo_schema):
    with pytest.raises(UnparsableSQLError):
        explain("SELECT FROM WHERE", demo_schema)
    with pytest.raises(UnparsableSQLError):
        explain("SELECT 1; SELECT 2", demo_schema)
    with pytest.raises(ExplainError):
        explain("SELECT 1", demo_schema, "fr")
    with pytest.raises(ExplainError):
        explain("DELETE FROM orders", demo_schema)
