"""The rule mapper and the router on the demo's semantic model: questions in tests/fixtures/
semantic_questions.yaml → the semantic query read from them, and the path that answers them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.query import SemanticQuery
from nl2sql.semantic.route import route_question
from nl2sql.semantic.time_words import read_time
from nl2sql.semantic.timerange import resolve

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "semantic_questions.yaml").read_text(encoding="utf-8")
)
TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()


def _filters(query: SemanticQuery) -> dict:
    """As the fixture writes them: ``{field: [values]}``, a window on a date ``{field: {during: token}}``."""
    return {f.field: {"during": f.values[0]} if f.op == "during" else list(f.values) for f in query.filters}


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
        "filters": case.get("filters", _filters(query)),
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
        "ratio": case.get("ratio", False),
        "having": case.get("having", [[t.metric, t.op, t.value] for t in query.having]),
    }
    actual = {
        "metrics": query.metrics,
        "group_by": query.group_by,
        "time_range": query.time_range,
        "time_grain": query.time_grain,
        "named_filters": query.named_filters,
        "comparison": query.comparison.kind,
        "show": query.comparison.show,
        "filters": _filters(query),
        "ranking": [query.ranking.direction, query.ranking.n, query.ranking.within][
            : 3 if query.ranking.within else 2
        ],
        "defaulted": mapping.defaulted_metric,
        "subject": query.subject,
        "fields": query.fields,
        "share": query.share,
        "ratio": query.ratio,
        "having": [[t.metric, t.op, t.value] for t in query.having],
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
    route = route_question(
        "Revenue by segment for customers whose signup date is known", MODEL, "sqlite", TODAY
    )
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
        ("monthly net sales, Jan-Jun 2026", "2026-01..2026-06", "month", "none"),
        ("2025年3月到5月每月订单", "2025-03..2025-05", "month", "none"),
        ("revenue from March to May 2025", "2025-03..2025-05", "none", "none"),
        ("from 2025-03-01 to 2025-03-15", "2025-03-01..2025-03-15", "none", "none"),
        ("year to date revenue by quarter", "this_year", "quarter", "none"),
        ("yoy growth in March 2025", "2025-03", "none", "same_period_last_year"),
        ("2026年以来每月的GMV", "2026..", "month", "none"),
        ("前年的退款", "year_before_last", "none", "none"),
        ("new clients in May this year", "this_year_05", "none", "none"),
        ("MoM growth in active buyers for June", "recent_06", "none", "previous_period"),
        ("may I see revenue", "all", "none", "none"),
        ("去年二季度的销售额", "last_year_q2", "none", "none"),
        ("3月份的订单量", "recent_03", "none", "none"),
        ("近3个月的订单量", "last_3_months", "none", "none"),
        ("units by brand for Q2 so far", "recent_q2", "none", "none"),
        ("西北区今年上半年的下单客户数", "this_year_h1", "none", "none"),
        ("线上渠道近半年的复购率", "last_6_months", "none", "none"),
        ("Daily GMV over the past week", "last_1_weeks", "day", "none"),
        ("gross margin in H1 2026", "2026-01..2026-06", "none", "none"),
        ("去年华东的销售额比前年涨了百分之几", "last_year", "none", "previous_period"),
        # last year said as what a month or quarter is compared against: the same part of it
        ("GMV this quarter against last year", "this_quarter", "none", "same_period_last_year"),
        ("how does revenue this month compare with last year", "this_month", "none", "same_period_last_year"),
        ("本季度营收和去年比怎么样", "this_quarter", "none", "same_period_last_year"),
    ],
)
def test_time_words(question: str, window: str, grain: str, comparison: str) -> None:
    reading = read_time(question)
    assert (reading.time_range, reading.grain, reading.comparison) == (window, grain, comparison)


@pytest.mark.parametrize(
    ("question", "window", "against"),
    [
        ("本周和上周的订单量对比一下", "this_week", "last_week"),  # a whole week, not its first two days
        ("本月销售额和上个月比怎么样", "this_month", None),  # June is whole on June 30: its previous month
    ],
)
def test_a_named_previous_period_is_compared_whole(question: str, window: str, against: str | None) -> None:
    query = map_question(question, MODEL, TODAY).query
    assert (query.time_range, query.comparison.kind, query.comparison.against) == (
        window,
        "previous_period",
        against,
    )


@pytest.mark.parametrize(
    ("token", "window"),
    [
        ("this_year_05", "2026-05-01 to 2026-05-31"),
        ("recent_06", "2026-06-01 to 2026-06-30"),
        ("recent_07", "2025-07-01 to 2025-07-31"),  # July has not begun in 2026: last year's
        ("last_year_q2", "2025-04-01 to 2025-06-30"),
        ("recent_q3", "2025-07-01 to 2025-09-30"),
        ("this_year_h1", "2026-01-01 to 2026-06-30"),
        ("year_before_last_h2", "2024-07-01 to 2024-12-31"),
    ],
)
def test_parts_of_a_year_named_by_where_they_lie(token: str, window: str) -> None:
    assert resolve(token, TODAY).describe() == window


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("What was the highest revenue last month?", "highest"),
        ("最高的销售额是多少", "最高"),
        ("哪天的订单最多", None),
    ],
)
def test_a_superlative_the_reading_does_not_rank_by_is_left_unexplained(
    question: str, word: str | None
) -> None:
    mapping = map_question(question, MODEL, TODAY)
    if word is None:  # ranked by day: explained
        assert mapping.query.ranking.direction == "top" and not mapping.unexplained
    else:
        assert word in mapping.unexplained
        assert route_question(question, MODEL, "sqlite", TODAY).path == "sql"


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("pls give me the number of cancelled orders on the Online Store over the last 2 weeks", "pls"),
        ("近12个月每个月的客单价走势", "走"),
    ],
)
def test_a_reading_that_leaves_out_one_ordinary_word_is_answered_with_that_word_named(
    question: str, word: str
) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert f"“{word}”" in route.message and route.reading is not None


@pytest.mark.parametrize(
    "question",
    [
        "Revenue by segment for customers whose signup date is known",  # a column the reading leaves out
        "Show me the gross margin under IFRS for 2025",  # jargon in capitals the model does not define
        "Which 3 brands ran up the biggest refund bill for defective units last quarter?",  # two words
    ],
)
def test_a_reading_that_leaves_out_more_than_an_ordinary_word_goes_to_generated_sql(question: str) -> None:
    assert route_question(question, MODEL, "sqlite", TODAY).path == "sql"


def test_a_word_read_as_the_model_word_it_is_one_slip_away_from_is_said() -> None:
    route = route_question("wht's the cancelation rate for Retail Store in Q2", MODEL, "sqlite", TODAY)
    assert route.path == "semantic"
    assert route.reading is not None and route.reading.query.metrics == ("cancellation_rate",)
    assert "read “cancelation” as “cancellation”" in route.message
