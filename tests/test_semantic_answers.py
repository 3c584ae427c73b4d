"""Assistant.ask through the semantic layer on the demo database (pinned to 2026-06-30 in the test
session): metric questions are compiled without the model, questions about changing data or about
things the data lacks are refused, the rest goes to generated SQL, labelled; relative dates in
generated SQL count back from the same day as the semantic layer."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import Replies

from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.today import pin_today


@pytest.fixture(scope="module")
def demo() -> Assistant:
    return Assistant("demo", generator=Replies("SELECT COUNT(*) AS n FROM customers"), log=None)


def test_the_headline_question_is_answered_from_the_semantic_model(demo: Assistant) -> None:
    answer = demo.ask("华北地区哪个行业的客户最近三个月增长最快？")
    assert answer.ok and answer.path == "semantic" and answer.model_id == "semantic layer"
    assert answer.data.iloc[0]["industry"] == "Healthcare"
    assert answer.data.iloc[0]["revenue_change_pct"] > 50
    assert "2026-04-01 至 2026-06-30" in answer.interpretation.text
    assert answer.notes and answer.notes[0].startswith("问题没有指明指标")
    assert len(answer.readings) == 3 and not answer.diagnostics
    assert demo.generator.prompts == 0


def test_a_complete_reading_carries_no_note(demo: Assistant) -> None:
    answer = demo.ask("Which region had the highest revenue last quarter?")
    assert answer.path == "semantic" and not answer.notes and not answer.readings
    assert list(answer.data.columns) == ["region", "revenue"] and len(answer.data) == 1
    payload = answer.to_dict()
    assert (
        payload["path"] == "semantic" and payload["interpretation"]["query"]["time_range"] == "last_quarter"
    )


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Delete all cancelled orders", "never does"),
        ("What will revenue be next quarter?", "does not forecast"),
        ("How many employees work in the warehouse?", "nothing on employees"),
        ("明天北京天气怎么样？", "不做预测"),
        ("How many interns work in the sales department?", "nothing on interns"),
        ("Which sales rep has the most leads this quarter?", "nothing on rep, leads"),
        ("市场部有多少名实习生？", "实习生"),
        ("把 Orion 的单价改为 2999", "只读不写"),
    ],
)
def test_refusals_say_why(demo: Assistant, question: str, reason: str) -> None:
    answer = demo.ask(question)
    assert answer.path == "refused" and not answer.sql and answer.data is None
    assert answer.error.startswith("not answered:") and reason in answer.error


def test_listings_with_ad_hoc_logic_go_to_generated_sql(demo: Assistant) -> None:
    before = demo.generator.prompts
    answer = demo.ask("List the customers in Lhasa whose first order was cancelled")
    assert answer.path == "sql" and demo.generator.prompts == before + 1 and answer.model_id == "replies"


def test_a_plain_listing_is_compiled_one_row_per_row_of_its_table(demo: Assistant) -> None:
    before = demo.generator.prompts
    answer = demo.ask("列出武汉客户最近5笔已取消订单的订单号、下单日期和金额")
    assert answer.path == "semantic" and demo.generator.prompts == before
    assert answer.interpretation.text.startswith("订单 明细：订单号、下单日期、订单金额")
    cancelled_in_wuhan = run_query(
        demo.database,
        "SELECT o.order_id, o.order_date, o.total_amount FROM orders o"
        " JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE c.city = 'Wuhan' AND o.status = 'cancelled' ORDER BY o.order_date DESC",
    ).to_frame()
    assert list(answer.data["order_date"]) == list(cancelled_in_wuhan["order_date"][:5])
    rows = set(zip(cancelled_in_wuhan["order_id"], cancelled_in_wuhan["total_amount"], strict=True))
    assert set(zip(answer.data["order_id"], answer.data["total_amount"], strict=True)) <= rows


def test_the_semantic_layer_can_be_turned_off() -> None:
    assistant = Assistant(
        "demo", generator=Replies("SELECT COUNT(*) AS n FROM orders"), semantic=False, log=None
    )
    answer = assistant.ask("How many orders are there?")
    assert answer.path == "sql" and assistant.generator.prompts == 1


def test_generated_sql_counts_back_from_the_demo_data_s_last_day() -> None:
    sql = "SELECT COUNT(*) AS n FROM orders WHERE order_date >= date('now', '-30 days')"
    assistant = Assistant("demo", generator=Replies(sql), semantic=False, log=None)
    assert assistant.today == date(2026, 6, 30)
    answer = assistant.ask("Orders in the last 30 days?")
    expected = run_query(
        assistant.database, "SELECT COUNT(*) FROM orders WHERE order_date >= '2026-05-31'"
    ).rows[0][0]
    assert answer.data.iloc[0]["n"] == expected > 0
    assert answer.sql == sql and "the clock in this SQL reads 2026-06-30" in answer.notes[0]


def test_pinned_clock_on_every_engine(shop_db: str) -> None:
    database = open_database(shop_db)
    queries = {
        "sqlite": "SELECT date('now') AS d",
        "duckdb": "SELECT CAST(CURRENT_DATE AS VARCHAR) AS d",
        "postgres": "SELECT CAST(CURRENT_DATE AS TEXT) AS d",
        "mysql": "SELECT CAST(CURDATE() AS CHAR) AS d",
    }
    pinned = pin_today(queries[database.dialect], database.dialect, date(2028, 2, 29))
    assert str(run_query(database, pinned).rows[0][0])[:10] == "2028-02-29"


@pytest.mark.parametrize(
    "question", ["How are our sales channels doing this year", "最近12个月每个月的销售额和订单数是多少"]
)
def test_a_verified_question_runs_the_approved_sql(demo: Assistant, question: str) -> None:
    answer = demo.ask(question)
    assert answer.path == "verified" and answer.ok and len(answer.data) > 1
    assert answer.interpretation.query is None and "ChatBI" in answer.interpretation.text
    assert any("2026-06-30" in note for note in answer.notes)  # its date('now') reads the demo's today


def test_only_a_complete_vocabulary_refuses_questions_that_also_name_some_data() -> None:
    from dataclasses import replace

    from nl2sql.demo.semantic import demo_semantic_model
    from nl2sql.semantic.route import route_question

    question = "How many interns work in the sales department?"
    model = demo_semantic_model()
    assert model.vocabulary_complete
    assert route_question(question, model, "sqlite", date(2026, 6, 30)).path == "refused"
    bootstrapped = replace(model, vocabulary_complete=False)  # words it lacks may be its own blind spots
    assert route_question(question, bootstrapped, "sqlite", date(2026, 6, 30)).path == "sql"
