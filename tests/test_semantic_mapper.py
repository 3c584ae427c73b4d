"""The rule mapper and the router on the demo's semantic model: questions in tests/fixtures/
semantic_questions.yaml → the semantic query read from them, and the path that answers them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.route import route_question
from nl2sql.semantic.time_words import read_time

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "semantic_questions.yaml").read_text(encoding="utf-8")
)
TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:50] for c in CASES])
def test_the_mapper_reads_the_question(case: dict) -> None:
    mapping = map_question(case["q"], MODEL, TODAY)
    query = mapping.query
    assert query.intent == case.get("intent", query.intent)
    expected = {
        "metrics": tuple(case.get("metrics", query.metrics)),
        "group_by": tuple(case.get("group_by", query.group_by)),
        "time_range": case.get("time_range", query.time_range),
        "time_grain": case.get("time_grain", query.time_grain),
        "named_filters": tuple(case.get("named_filters", query.named_filters)),
        "comparison": case.get("comparison", query.comparison.kind),
        "show": case.get("show", query.comparison.show),
        "filters": case.get("filters", {f.field: list(f.values) for f in query.filters}),
        "ranking": case.get(
            "ranking",
            [query.ranking.direction, query.ranking.n, query.ranking.within][
                : 3 if query.ranking.within else 2
            ],
        ),
        "defaulted": case.get("defaulted", False),
        "subject": case.get("subject", query.subject),
        "fields": tuple(case.get("fields", query.fields)),
        "share": case.get("share", False),
    }
    actual = {
        "metrics": query.metrics,
        "group_by": query.group_by,
        "time_range": query.time_range,
        "time_grain": query.time_grain,
        "named_filters": query.named_filters,
        "comparison": query.comparison.kind,
        "show": query.comparison.show,
        "filters": {f.field: list(f.values) for f in query.filters},
        "ranking": [query.ranking.direction, query.ranking.n, query.ranking.within][
            : 3 if query.ranking.within else 2
        ],
        "defaulted": mapping.defaulted_metric,
        "subject": query.subject,
        "fields": query.fields,
        "share": query.share,
    }
    assert actual == expected, mapping.unexplained


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:50] for c in CASES])
def test_the_router_picks_the_path(case: dict) -> None:
    route = route_question(case["q"], MODEL, "sqlite", TODAY)
    assert route.path == case["route"], (route.message, route.mapping.unexplained if route.mapping else None)
    if route.path == "semantic":
        assert route.reading is not None and route.reading.sql.startswith(("SELECT", "WITH"))
    if route.path == "refused":
        assert route.message


def test_a_question_without_a_metric_offers_other_readings() -> None:
    route = route_question("华北地区哪个行业的客户最近三个月增长最快？", MODEL, "sqlite", TODAY)
    assert route.message.startswith("问题没有指明指标")
    assert [r.query.metrics[0] for r in route.alternatives] == [
        "active_customers",
        "customer_count",
        "new_customers",
    ]
    assert all(r.query.ranking.by == f"{r.query.metrics[0]}_change_pct" for r in route.alternatives)


def test_words_the_model_does_not_cover_go_to_generated_sql_with_the_reading_offered() -> None:
    route = route_question("Revenue from customers who signed up in 2025 by segment", MODEL, "sqlite", TODAY)
    assert route.path == "sql"
    assert (
        "signup_date" in route.message
        and route.alternatives
        and route.alternatives[0].text.startswith("revenue")
    )


@pytest.mark.parametrize(
    ("question", "window", "grain", "comparison"),
    [
        ("revenue last week", "last_week", "none", "none"),
        ("近30天每天的订单量", "last_30_days", "day", "none"),
        ("过去两周", "last_2_weeks", "none", "none"),
        ("本季度的销量环比", "this_quarter", "none", "previous_period"),
        ("2025年3月", "2025-03", "none", "none"),
        ("from 2025-03-01 to 2025-03-15", "2025-03-01..2025-03-15", "none", "none"),
        ("year to date revenue by quarter", "this_year", "quarter", "none"),
        ("yoy growth in March 2025", "2025-03", "none", "same_period_last_year"),
        ("2026年以来每月的GMV", "2026..", "month", "none"),
        ("前年的退款", "year_before_last", "none", "none"),
    ],
)
def test_time_words(question: str, window: str, grain: str, comparison: str) -> None:
    reading = read_time(question)
    assert (reading.time_range, reading.grain, reading.comparison) == (window, grain, comparison)
