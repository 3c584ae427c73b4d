"""The interpretation chips of a semantic answer on the real demo database: changing a chip recompiles
the SQL from the semantic model (no language model) and the rows match a hand-written query."""

from __future__ import annotations

import pytest
from chatbi_jupyterlab.notebook.semantic_controls import InterpretationControls

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.semantic.choices import query_choices
from nl2sql.semantic.locate import database_semantic_model, database_today
from nl2sql.semantic.query import SemanticQueryError
from nl2sql.semantic.route import route_question
from nl2sql.semantic.timerange import resolve


@pytest.fixture(scope="module")
def demo():
    database = open_database("demo")
    return database, database_semantic_model(database, None), database_today(database)


SEGMENTS_QUESTION = "How many customers are in each segment?"


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


# The ratio and the bounds -------------------------------------------------------------------------------

WORST_MARGINS = (
    "Which 3 products had the worst gross margin last quarter?"
    " Only count products with at least 50 units sold."
)


def worst_margins_sql(start: object, end: object, *, at_least: int | None) -> str:
    """The three products of lowest gross margin in [start, end), by hand; only those with ``at_least``
    units sold when given."""
    having = f" HAVING SUM(oi.quantity) >= {at_least}" if at_least is not None else ""
    return (
        "SELECT p.name, 100.0 * SUM(oi.quantity * (oi.unit_price * (1 - oi.discount) - p.unit_cost))"
        " / SUM(oi.quantity * oi.unit_price * (1 - oi.discount)) AS margin, SUM(oi.quantity) AS units"
        " FROM order_items oi JOIN orders o ON o.order_id = oi.order_id"
        " JOIN products p ON p.product_id = oi.product_id"
        f" WHERE o.status <> 'cancelled' AND o.order_date >= '{start}' AND o.order_date < '{end}'"
        f" GROUP BY p.name{having} ORDER BY margin LIMIT 3"
    )


def close_rows(got: list[tuple], want: list[tuple]) -> bool:
    return len(got) == len(want) and all(
        a[0] == b[0] and all(abs(x - y) < 1e-6 for x, y in zip(a[1:], b[1:], strict=True))
        for a, b in zip(got, want, strict=True)
    )


def test_a_bound_is_a_chip_and_removing_it_ranks_every_row(demo) -> None:
    database, _, today = demo
    chips = chips_for(WORST_MARGINS, demo)
    assert list(chips.parts.value) == ["units sold ≥ 50"]
    window = resolve("last_quarter", today)
    bounded = rows(database, chips.reading().sql)
    assert close_rows(bounded, rows(database, worst_margins_sql(window.start, window.end, at_least=50)))
    assert all(units >= 50 for _, _, units in bounded)

    chips.parts.value = []
    reading = chips.reading()
    assert "≥" not in reading.text and not reading.query.having
    every = rows(database, reading.sql)
    assert close_rows(every, rows(database, worst_margins_sql(window.start, window.end, at_least=None)))
    assert every != bounded and any(units < 50 for _, _, units in every)
    assert reading.query.ranking.direction == "bottom", "the other chips stay as they were"


def test_a_ratio_is_a_chip_and_removing_it_keeps_both_values(demo) -> None:
    database, _, _ = demo
    chips = chips_for("refund to revenue ratio by channel last year", demo)
    assert list(chips.parts.value) == ["refund amount as % of revenue"]
    with_ratio = run_query(database, chips.reading().sql)
    assert with_ratio.columns[-1] == "refund_amount_pct_of_revenue"
    chips.parts.value = []
    reading = chips.reading()
    assert "as % of" not in reading.text and reading.query.ratio is False
    without = run_query(database, reading.sql)
    assert without.columns == ["channel", "refund_amount", "revenue"]
    assert sorted(without.rows) == sorted(tuple(row[:3]) for row in with_ratio.rows)


def test_the_ratio_and_bound_chips_speak_chinese(demo) -> None:
    ratio = chips_for("今年以来退款金额占营收大概几个点？", demo, lang="zh")
    assert list(ratio.parts.value) == ["退款金额占销售额的比例（%）"]
    bound = chips_for("近12个月复购率最高的3个城市（只看下单客户不少于50个的城市）", demo, lang="zh")
    assert list(bound.parts.value) == ["活跃客户 ≥ 50"]
    bound.parts.value = []
    assert "≥" not in bound.reading().text


def test_a_window_on_another_date_is_a_chip_and_removing_it_counts_every_customer(demo) -> None:
    database, _, today = demo
    chips = chips_for("revenue this year from customers who signed up last year", demo)
    assert list(chips.parts.value) == ["signup date: last year"] and list(chips.filters.value) == []
    this_year, last_year = resolve("this_year", today), resolve("last_year", today)
    cohort = (
        "SELECT SUM(o.total_amount) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        f" WHERE o.status <> 'cancelled' AND o.order_date >= '{this_year.start}'"
        f" AND o.order_date < '{this_year.end}'"
    )
    signed_up = f" AND c.signup_date >= '{last_year.start}' AND c.signup_date < '{last_year.end}'"
    assert close_rows(rows(database, chips.reading().sql), rows(database, cohort + signed_up))
    chips.parts.value = []
    reading = chips.reading()
    assert not reading.query.filters and "signup" not in reading.text
    assert close_rows(rows(database, reading.sql), rows(database, cohort))
    assert rows(database, reading.sql) != rows(database, cohort + signed_up)


def test_a_query_without_ratio_or_bounds_has_no_parts_row(demo) -> None:
    chips = chips_for("Which region had the highest revenue last quarter?", demo)
    assert list(chips.parts.value) == [] and chips.parts not in [
        child for row in chips.widget.children for child in getattr(row, "children", ())
    ]


def test_the_answer_view_takes_a_bound_off_and_runs_the_recompiled_sql(tmp_path) -> None:
    from chatbi_jupyterlab.notebook.answer_view import AnswerView
    from chatbi_jupyterlab.notebook.session import NotebookSession

    session = NotebookSession(log=None)
    session.connect("demo")
    answer = session.ask(WORST_MARGINS, db="demo")
    assert answer.path == "semantic" and answer.error is None
    view = AnswerView(answer, session, db="demo")
    assert view.chips is not None and list(view.chips.parts.value) == ["units sold ≥ 50"]
    assert (view.frame["units_sold"] >= 50).all()
    view.chips.parts.value = []
    view.chips.apply_button.click()
    assert (view.frame["units_sold"] < 50).any(), view.status.value
    assert "units sold ≥ 50" not in view.header.value and list(view.chips.parts.value) == []


def test_the_groupings_offered_follow_the_measures_as_in_the_panel(demo) -> None:
    _, model, today = demo
    chips = chips_for(SEGMENTS_QUESTION, demo)
    assert list(chips.metrics.value) == ["customer_count"]
    assert "region" in chips.group_by.allowed_tags and "category" not in chips.group_by.allowed_tags
    chips.metrics.value = ["revenue"]  # revenue reaches the categories (through its order items)
    assert "category" in chips.group_by.allowed_tags and "segment" in chips.group_by.allowed_tags
    chips.group_by.value = ["category"]
    chips.time_range.value = "last_year"
    assert chips.reading().text.startswith("revenue by category · last year")
    # the windows and the grains are those the panel's "Read as" offers, from the same function
    offered = query_choices(chips.query, model, today=today)
    assert chips.time_range.options == tuple((c.text, c.value) for c in offered.time_ranges)
    assert chips.grain.options == tuple((c.text, c.value) for c in offered.grains)
