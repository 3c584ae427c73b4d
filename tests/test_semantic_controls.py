"""The interpretation chips of a semantic answer on the real demo database: changing a chip recompiles
the SQL from the semantic model (no language model) and the rows match a hand-written query."""

from __future__ import annotations

import pytest
from chatbi_jupyterlab.notebook.semantic_controls import InterpretationControls

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.semantic.locate import database_semantic_model, database_today
from nl2sql.semantic.query import SemanticQueryError
from nl2sql.semantic.route import route_question
from nl2sql.semantic.timerange import resolve


@pytest.fixture(scope="module")
def demo():
    database = open_database("demo")
    return database, database_semantic_model(database, None), database_today(database)


def chips_for(question: str, demo, lang: str = "en") -> InterpretationControls:
    database, model, today = demo
    route = route_question(question, model, database.dialect, today)
    assert route.path == "semantic" and route.reading is not None, route.message
    return InterpretationControls(route.reading, model, dialect=database.dialect, today=today, lang=lang)


def rows(database, sql: str) -> list[tuple]:
    return sorted(tuple(row) for row in run_query(database, sql).rows)


def test_changing_grouping_time_and_ranking_recompiles_the_sql(demo) -> None:
    database, _, today = demo
    chips = chips_for("Which region had the highest revenue last quarter?", demo)
    assert (chips.group_by.value, chips.time_range.value, chips.direction.value) == (
        ["region"],
        "last_quarter",
        "top",
    )
    chips.group_by.value = ["channel"]
    chips.time_range.value = "this_year"
    chips.direction.value = "none"
    reading = chips.reading()
    assert reading.text.startswith("revenue by channel · this year")
    window = resolve("this_year", today)
    expected = (
        "SELECT ch.name, SUM(o.total_amount) FROM orders o JOIN channels ch ON ch.channel_id = o.channel_id "
        f"WHERE o.status <> 'cancelled' AND o.order_date >= '{window.start}' "
        f"AND o.order_date < '{window.end}' GROUP BY ch.name"
    )
    got, want = rows(database, reading.sql), rows(database, expected)
    assert len(got) == len(want) > 1
    assert [name for name, _ in got] == [name for name, _ in want]
    assert all(abs(a - b) < 0.01 for (_, a), (_, b) in zip(got, want, strict=True))


def test_a_monthly_series_changes_grain_and_metric(demo) -> None:
    database, _, _ = demo
    chips = chips_for("How many orders each month over the last 12 months?", demo)
    assert chips.grain.value == "month"
    chips.grain.value = "quarter"
    chips.metrics.value = ["active_customers"]
    reading = chips.reading()
    result = run_query(database, reading.sql)
    assert 4 <= len(result.rows) <= 5 and "active_customers" in result.columns


def test_no_measure_left_is_a_message_not_a_crash(demo) -> None:
    chips = chips_for("What was the revenue last month?", demo)
    chips.metrics.value = []
    with pytest.raises(SemanticQueryError, match="choose at least one measure"):
        chips.reading()


def test_removing_a_filter_chip(demo) -> None:
    database, _, _ = demo
    chips = chips_for("What was the revenue in North China last year?", demo)
    assert len(chips.filters.value) == 1
    with_filter = run_query(database, chips.reading().sql).rows[0][0]
    chips.filters.value = []
    without = run_query(database, chips.reading().sql).rows[0][0]
    assert without > with_filter > 0


def test_chips_speak_chinese(demo) -> None:
    chips = chips_for("上季度哪个地区的销售额最高？", demo, lang="zh")
    assert chips.time_range.label.startswith("上季度")
    assert chips.apply_button.description == "应用"
    assert chips.reading().text.startswith("销售额 按 地区")


def test_showing_a_breakdown_as_shares(demo) -> None:
    database, _, _ = demo
    chips = chips_for("Revenue by channel this year", demo)
    assert chips.share.value is False
    chips.share.value = True
    result = run_query(database, chips.reading().sql)
    shares = [row[result.columns.index("revenue_share_pct")] for row in result.rows]
    assert len(shares) > 1 and abs(sum(shares) - 100) < 1e-6


def test_the_answer_view_recompiles_a_changed_reading(tmp_path) -> None:
    from chatbi_jupyterlab.notebook.answer_view import AnswerView
    from chatbi_jupyterlab.notebook.session import NotebookSession

    from feedback import FeedbackLog

    session = NotebookSession(log=FeedbackLog(tmp_path / "f.sqlite"))
    session.connect("demo")
    answer = session.ask("Which region had the highest revenue last quarter?", db="demo")
    assert answer.path == "semantic" and answer.error is None
    view = AnswerView(answer, session, db="demo")
    assert view.chips is not None and "Read as: <b>revenue by region" in view.header.value
    view.chips.group_by.value = ["channel"]
    view.chips.direction.value = "none"
    view.chips.apply_button.click()
    assert "channel" in view.frame.columns and len(view.frame) > 1, view.status.value
    assert "Read as: <b>revenue by channel" in view.header.value
    assert "revenue by channel" in view.to_html()
    assert list(view.chips.group_by.value) == ["channel"]
    view.chips.metrics.value = []
    view.chips.apply_button.click()
    assert "choose at least one measure" in view.status.value and "channel" in view.frame.columns
    # SQL changed by hand: the chips no longer describe it, so they go; the header says what it was first
    view.run_sql("SELECT COUNT(*) AS n FROM orders")
    assert view.chips is None and "Read as: <b>revenue by channel" not in view.header.value
    assert "First read as: <b>revenue by region" in view.header.value
