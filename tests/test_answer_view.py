"""The notebook answer view on the real demo database: what it shows, its controls clicked as a user
would, the feedback it logs, its static HTML, and a failing answer. Answers come from
``Assistant.run`` (no model), except the one Regenerate test (slow: it loads the bundled model)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import pytest
from chatbi_jupyterlab.notebook.answer_html import ERROR_COLOR, WARNING_COLOR
from chatbi_jupyterlab.notebook.answer_view import AnswerView
from chatbi_jupyterlab.notebook.session import NotebookSession

from explain.edits import AddGroupBy, SetFilterValue, SetLimit
from feedback import FeedbackLog
from nl2sql.answer import Answer
from nl2sql.prompt import Example

GOLD = {
    row["id"]: row
    for row in map(
        json.loads, (Path(__file__).parents[1] / "nl2sql/demo/questions.jsonl").open(encoding="utf-8")
    )
}
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def shell():
    """IPython's test shell: what ``display`` publishes can be captured."""
    import IPython
    from IPython.testing.globalipapp import start_ipython

    return start_ipython() or IPython.get_ipython()


@pytest.fixture()
def log(tmp_path: Path) -> FeedbackLog:
    return FeedbackLog(tmp_path / "f.sqlite")


@pytest.fixture()
def session(log: FeedbackLog) -> NotebookSession:
    session = NotebookSession(log=log)
    session.connect("demo")
    return session


def view_of(session: NotebookSession, sql_or_id: str, question: str = "", **options) -> AnswerView:
    """The view of a gold query (by id) or of any SQL, answered by ``Assistant.run`` (no model)."""
    gold = GOLD.get(sql_or_id)
    sql, question = (gold["sql"], gold["question"]) if gold else (sql_or_id, question or "a question")
    answer = session.assistant("demo").run(sql, question=question)
    return AnswerView(answer, session, db="demo", **options)


def rows_of(session: NotebookSession, sql: str) -> pd.DataFrame:
    answer = session.assistant("demo").run(sql)
    assert answer.error is None, answer.error
    return answer.data


def text(markup: str) -> str:
    """What a reader sees of some HTML: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def plotly_outputs(view: AnswerView) -> list[dict]:
    return [output["data"][PLOTLY] for output in view.chart_output.outputs if PLOTLY in output["data"]]


def test_the_view_shows_sql_explanation_table_and_chart(session: NotebookSession) -> None:
    view = view_of(session, "demo-003")
    assert view.sql == GOLD["demo-003"]["sql"]
    assert GOLD["demo-003"]["question"] in text(view.header.value)
    assert view.sql in text(view.sql_html.value)
    assert "style=" in view.sql_html.value and 'class="k"' not in view.sql_html.value  # inline styles
    assert view.sql_editor.value == view.sql and view.sql_editor.layout.display == "none"
    view.edit_toggle.value = True
    assert view.sql_editor.layout.display == ""
    explanation = text(view.explanation.value)
    assert view.review.explanation.summary in explanation
    for step in view.review.explanation.steps:
        assert step.text in explanation
    assert view.diagnostics.value == ""
    table = text(view.table.value)
    assert all(segment in table for segment in view.frame["segment"]) and "3 rows" in table
    assert view.show_more_button.layout.display == "none"
    assert view.chart_kind == "bar" and list(view.chart_switch.options) == ["bar", "pie", "table"]
    [figure] = plotly_outputs(view)
    assert figure["data"][0]["type"] == "bar" and view.figure.data[0].type == "bar"
    footer = text(view.footer.value)
    assert "total" in footer and " s" in footer


def test_the_explanation_follows_lang_or_the_question(session: NotebookSession) -> None:
    chinese = view_of(session, "demo-012")
    assert chinese.review.explanation.lang == "zh" and "分组" in text(chinese.explanation.value)
    english = view_of(session, "demo-012", lang="en")
    assert english.review.explanation.lang == "en"
    assert english.review.explanation.summary in text(english.explanation.value)


def test_diagnostics_are_coloured(session: NotebookSession) -> None:
    view = view_of(session, "SELECT COUNT(*) FROM orders WHERE status = NULL")
    assert WARNING_COLOR in view.diagnostics.value and ERROR_COLOR not in view.diagnostics.value
    assert "status IS NULL" in text(view.diagnostics.value)


def test_a_filter_value_edit_reruns_the_query(session: NotebookSession, log: FeedbackLog) -> None:
    view = view_of(session, "demo-032")
    control = view.filter_controls["f1"]
    assert (control.operator.value, control.values.value) == ("=", "Enterprise")
    control.values.value = "SMB"
    view.apply_button.click()
    expected = GOLD["demo-032"]["sql"].replace("'Enterprise'", "'SMB'")
    assert "c.segment = 'SMB'" in view.sql
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))
    assert "c.segment = 'SMB'" in text(view.sql_html.value)
    assert "SMB" in text(view.explanation.value)
    assert view.filter_controls["f1"].values.value == "SMB"  # the controls are rebuilt from the new plan
    [event] = log.events()
    assert event["kind"] == "explored" and event["sql"] == GOLD["demo-032"]["sql"]
    assert event["final_sql"] == view.sql
    assert [change["kind"] for change in event["details"]["diff"]] == ["filter-value"]
    assert session.conversation("demo").history()[-1].sql == view.sql


def test_an_operator_edit_with_several_values(session: NotebookSession) -> None:
    view = view_of(
        session, "SELECT segment, COUNT(*) AS n FROM customers WHERE segment = 'SMB' GROUP BY segment"
    )
    view.filter_controls["f1"].operator.value = "in"
    view.filter_controls["f1"].values.value = "SMB, Consumer"
    view.apply_button.click()
    expected = (
        "SELECT segment, COUNT(*) AS n FROM customers WHERE segment IN ('SMB', 'Consumer') GROUP BY segment"
    )
    assert view.sql == expected
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))


def test_a_time_window_edit(session: NotebookSession) -> None:
    view = view_of(session, "demo-032")
    control = view.time_controls["o.order_date"]
    assert (control.amount.value, control.unit.value) == (30, "day")
    control.amount.value = 90
    view.apply_button.click()
    expected = GOLD["demo-032"]["sql"].replace("-30 days", "-90 days")
    assert "DATE('now', '-90 day')" in view.sql
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))
    assert view.time_controls["o.order_date"].amount.value == 90


def test_a_date_range_edit(session: NotebookSession) -> None:
    view = view_of(session, "demo-010")
    control = view.time_controls["signup_date"]
    assert (control.start.value, control.end.value) == ("2025-01-01", "2025-12-31")
    control.end.value = "2025-06-30"
    view.apply_button.click()
    expected = "SELECT COUNT(*) FROM customers WHERE signup_date BETWEEN '2025-01-01' AND '2025-06-30'"
    assert view.sql == expected
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))


def test_a_bad_edit_keeps_the_previous_sql_and_result(session: NotebookSession, log: FeedbackLog) -> None:
    view = view_of(session, "demo-032")
    sql, frame = view.sql, view.frame
    view.limit_control.value = -1
    view.apply_button.click()
    assert ERROR_COLOR in view.status.value and "at least 1" in text(view.status.value)
    assert view.sql == sql and view.frame is frame
    assert not view.apply_edit(AddGroupBy("c.shoe_size"))
    assert "shoe_size" in text(view.status.value) and view.sql == sql and view.frame is frame
    assert not view.apply_edit(SetFilterValue("f9", ["x"]))
    assert "no filter f9" in text(view.status.value)
    assert not view.run_sql("SELECT nme FROM customers")
    assert "no column nme" in text(view.status.value) and view.sql == sql and view.frame is frame
    view.limit_control.value = 10
    view.apply_button.click()
    assert "nothing to apply" in text(view.status.value)
    assert log.events() == []


def test_grouping_change(session: NotebookSession) -> None:
    view = view_of(session, "demo-003")
    assert "city" in view.group_control.allowed_tags and "order_id" not in view.group_control.allowed_tags
    view.group_control.value = ["segment", "city"]
    view.apply_button.click()
    expected = "SELECT segment, city, COUNT(*) AS customers FROM customers GROUP BY segment, city"
    assert view.sql == expected
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))
    view.group_control.value = ["city"]
    view.apply_button.click()
    expected = "SELECT city, COUNT(*) AS customers FROM customers GROUP BY city"
    assert view.sql == expected
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))


def test_aggregate_and_order_change(session: NotebookSession) -> None:
    view = view_of(session, "demo-030")
    assert view.measure_controls["m1"].value == "sum"
    view.measure_controls["m1"].value = "avg"
    view.order_controls["refunded"].value = False
    view.apply_button.click()
    expected = (
        "SELECT reason, ROUND(AVG(refund_amount), 2) AS refunded FROM returns"
        " WHERE return_date >= date('now', '-12 months') GROUP BY reason ORDER BY refunded"
    )
    assert "AVG(refund_amount)" in view.sql and view.sql.endswith("ORDER BY refunded")
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))


def test_limit_change(session: NotebookSession) -> None:
    view = view_of(session, "demo-009")
    assert view.limit_control.value == 5
    view.limit_control.value = 3
    view.apply_button.click()
    expected = "SELECT name, unit_price FROM products ORDER BY unit_price DESC LIMIT 3"
    assert view.sql == expected
    pd.testing.assert_frame_equal(view.frame, rows_of(session, expected))
    view.limit_control.value = 0
    assert view.apply_edit_controls()
    assert "LIMIT" not in view.sql and len(view.frame) == 324


def test_chart_switch(session: NotebookSession) -> None:
    view = view_of(session, "demo-003")
    view.chart_switch.value = "pie"
    assert view.chart_kind == "pie" and plotly_outputs(view)[0]["data"][0]["type"] == "pie"
    assert view.switch_chart("table")
    assert view.chart_kind == "table" and view.figure is None and view.chart_output.outputs == ()
    assert not view.switch_chart("scatter")
    assert view.chart_kind == "table" and view.chart_switch.value == "table"
    assert "scatter" in text(view.chart_note.value)
    view.switch_chart("bar")
    assert view.limit_control.value == 0
    view.limit_control.value = 2
    view.apply_button.click()
    assert view.chart_kind == "bar"  # the kind the user chose is kept for the new result


def test_the_chart_asked_for(session: NotebookSession) -> None:
    assert view_of(session, "demo-003", chart="pie").chart_kind == "pie"
    unfit = view_of(session, "demo-003", chart="line")
    assert unfit.chart_kind == "bar" and "line" in text(unfit.chart_note.value)


def test_show_more_rows(session: NotebookSession) -> None:
    session.assistant("demo").max_rows = 120
    view = view_of(session, "SELECT customer_id, name FROM customers ORDER BY customer_id")
    assert view.current.truncated and len(view.frame) == 120
    assert view.table.value.count("<tr") == 1 + 10
    assert "more than 120 rows" in text(view.table.value)
    view.show_more_button.click()
    assert view.shown_rows == 50 and view.table.value.count("<tr") == 1 + 50
    view.show_more()
    assert view.shown_rows == 120 and view.show_more_button.layout.display == "none"


def test_accept_reject_and_edit_are_logged(session: NotebookSession, log: FeedbackLog) -> None:
    view = view_of(session, "demo-009")
    view.accept_button.click()
    view.reason_text.value = "I wanted the cheapest"
    view.reject_button.click()
    view.reject("wrong order")
    view.limit_control.value = 3
    view.apply_button.click()
    view.accept()
    events = log.events()
    assert [e["kind"] for e in events] == ["accepted", "rejected", "rejected", "explored", "accepted"]
    assert [e["details"].get("reason") for e in events[1:3]] == ["I wanted the cheapest", "wrong order"]
    assert all(e["sql"] == GOLD["demo-009"]["sql"] for e in events)
    assert events[0]["final_sql"] == GOLD["demo-009"]["sql"] and events[0]["details"]["diff"] == []
    assert events[-1]["final_sql"] == view.sql and view.sql.endswith("LIMIT 3")
    assert [change["kind"] for change in events[-1]["details"]["diff"]] == ["limit"]
    assert "accepted" in text(view.status.value)


def test_run_from_the_sql_editor(session: NotebookSession, log: FeedbackLog) -> None:
    view = view_of(session, "demo-001")
    view.run_button.click()
    view.edit_toggle.value = True
    view.sql_editor.value = "SELECT COUNT(*) AS n FROM customers WHERE segment = 'SMB'"
    view.run_button.click()
    assert view.sql == "SELECT COUNT(*) AS n FROM customers WHERE segment = 'SMB'"
    pd.testing.assert_frame_equal(view.frame, rows_of(session, view.sql))
    assert view.chart_kind == "indicator"
    assert [e["kind"] for e in log.events()] == ["executed", "explored"]
    assert session.conversation("demo").history()[-1].sql == view.sql


def test_a_follow_up_shows_its_context(session: NotebookSession) -> None:
    assistant = session.assistant("demo")
    gold = GOLD["demo-032"]
    answer = assistant.run(gold["sql"], question="only valid orders of Enterprise customers")
    answer.history = [Example(GOLD["demo-019"]["question"], GOLD["demo-019"]["sql"])]
    answer.terms = assistant.glossary.relevant(answer.question)
    view = AnswerView(answer, session, db="demo")
    header = text(view.header.value)
    assert "Follow-up to" in header and GOLD["demo-019"]["question"] in header
    assert "Glossary terms sent: valid order" in header and "Glossary terms used: valid order" in header
    assert "Follow-up to" in text(view.to_html())


def test_the_widget_and_the_static_answer_are_two_outputs(session: NotebookSession) -> None:
    view = view_of(session, "demo-003")
    bundle = view._repr_mimebundle_()
    # no fallback in the widget's output: nbconvert, given widget state, would prefer the widget anyway
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "text/plain"}
    assert bundle["text/plain"] == ""
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    static = view.static_bundle()
    page = static["text/html"]
    assert page.startswith(f'<div class="chatbi-static" data-chatbi-answer="{view.answer_id}">')
    assert view.sql in text(page) and view.review.explanation.summary in text(page)
    assert 'class="chatbi-static-chart"' in page and "<rect" in page  # the chart, drawn as SVG
    assert "<script" not in page and "cdn" not in page.lower()  # nothing to fetch: it shows offline
    assert "Consumer" in text(page) and "3 rows" in text(page)
    assert static["text/plain"].splitlines()[1:3] == [view.review.explanation.summary, view.sql]
    # the widget's first child hides this static copy wherever the widget renders, and shows nothing
    style = view.widget.children[0]
    assert isinstance(style, widgets.HTML) and style.layout.display == "none"
    assert re.fullmatch(r"<style>[^<]*</style>", style.value)
    assert f'.chatbi-static[data-chatbi-answer="{view.answer_id}"]{{display:none}}' in style.value
    # the live chart: no template, a transparent page, its text in the theme's colour
    assert (
        "chatbi-plotly" in view.chart_output._dom_classes and ".chatbi-plotly .main-svg text" in style.value
    )
    [figure] = plotly_outputs(view)
    assert "template" not in figure["layout"] and figure["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)"
    other = view_of(session, "demo-003")
    assert other.answer_id != view.answer_id and view.answer_id not in other.widget.children[0].value


def test_showing_the_view_publishes_both_and_edits_update_the_static_copy(
    session: NotebookSession, shell
) -> None:
    from IPython.utils.capture import capture_output

    view = view_of(session, "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment", "per segment")
    with capture_output() as shown:
        shell.user_ns["shown_view"] = view
        shell.run_cell("shown_view", store_history=False)  # a view as a cell's result shows the same way
    static, live = shown.outputs
    display_id = f"chatbi-answer-{view.answer_id}"
    assert static.transient == {"display_id": display_id} and not static.update
    assert static.data["text/html"].startswith('<div class="chatbi-static"')
    assert live.data == view._repr_mimebundle_() and not live.transient
    assert view.display_handle.display_id == display_id
    edited = "SELECT segment, COUNT(*) AS n FROM customers WHERE segment <> 'SMB' GROUP BY segment"
    with capture_output() as republished:
        assert view.run_sql(edited)
        assert view.switch_chart("pie")
    assert [o.update for o in republished.outputs] == [True, True]
    assert {o.transient["display_id"] for o in republished.outputs} == {display_id}
    assert "&lt;&gt; &#x27;SMB&#x27;" in republished.outputs[-1].data["text/html"]
    assert "<path" in republished.outputs[-1].data["text/html"]  # the pie, as SVG
    assert "WHERE segment <> 'SMB'" in republished.outputs[-1].data["text/plain"]


class _SqlBlock(HTMLParser):
    """The text of the first ``<pre class="chatbi-sql">``: what the Copy SQL handler reads
    (``querySelector('pre.chatbi-sql').textContent``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside, self.done, self.text = False, False, ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self.inside = self.inside or (tag == "pre" and "chatbi-sql" in classes and not self.done)

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == "pre":
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def copied(markup: str) -> str:
    block = _SqlBlock()
    block.feed(markup)
    assert block.done, "no SQL block"
    return block.text


def test_copy_sql_copies_the_sql_on_screen(session: NotebookSession) -> None:
    view = view_of(session, "demo-003")
    [row] = [box for box in view.widget.children if view.edit_toggle in getattr(box, "children", ())]
    assert list(row.children) == [view.edit_toggle, view.copy_sql_button]  # next to "Edit SQL"
    button = view.copy_sql_button.value
    assert '<button type="button" class="chatbi-copy-sql ' in button and ">Copy SQL</button>" in button
    assert "chatbi-answer" in view.widget._dom_classes  # the box the handler looks for the SQL block in
    shown = "".join(child.value for child in view.widget.children if isinstance(child, widgets.HTML))
    assert copied(shown) == view.sql
    edited = (
        "SELECT segment, COUNT(*) AS n FROM customers"
        " WHERE segment <> '</pre><img src=x onerror=alert(1)>\"' GROUP BY segment"
    )
    assert view.run_sql(edited) and view.sql == edited
    shown = "".join(child.value for child in view.widget.children if isinstance(child, widgets.HTML))
    assert copied(shown) == edited  # the SQL on screen, after the edit
    assert view.copy_sql_button.value == button  # the handler is fixed: the SQL never enters the script
    static = view.static_bundle()["text/html"]
    assert copied(static) == edited and 'class="chatbi-copy-sql ' in static  # the same button, offline
    for markup in (shown, static):
        assert "<img" not in markup and "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;" in markup
        assert "<script" not in markup


def test_no_sql_no_copy_button(session: NotebookSession) -> None:
    view = AnswerView(Answer("What is the weather?", "", error="no SQL written"), session, db="demo")
    assert view.copy_sql_button.layout.display == "none" and "chatbi-copy-sql" not in view.to_html()
    assert view.run_sql("SELECT 1 AS n") and view.copy_sql_button.layout.display == ""


def test_a_failing_answer_shows_the_error_and_no_chart(session: NotebookSession) -> None:
    view = view_of(session, "SELECT nme FROM customers", "Names of the customers")
    assert view.current.error and view.frame is None
    assert ERROR_COLOR in view.diagnostics.value and "no column nme" in text(view.diagnostics.value)
    assert view.figure is None and view.chart_kind is None and view.chart.widget.layout.display == "none"
    assert view.table.value == ""
    bundle = view.static_bundle()
    assert "no column nme" in text(bundle["text/html"]) and "error: no column nme" in bundle["text/plain"]
    view.sql_editor.value = "SELECT name FROM customers"
    view.run_button.click()
    assert view.frame is not None and view.current.error is None and view.diagnostics.value == ""
    assert session.conversation("demo").history()[-1].sql == "SELECT name FROM customers"


def test_sql_that_does_not_parse(session: NotebookSession) -> None:
    view = view_of(session, "SELECT FROM WHERE (", "broken")
    assert view.review.plan is None and view.controls is None and view.figure is None
    assert ERROR_COLOR in view.diagnostics.value and "No explanation" in view.explanation.value
    assert not view.apply_edit_controls() and "edit the SQL" in text(view.status.value)
    assert view.to_html()
    assert view.run_sql("SELECT name FROM customers") and len(view.frame) == 7500
    assert view.controls is not None and view.chart_kind == "table"


@pytest.mark.slow
def test_regenerate_samples_another_query(session: NotebookSession, log: FeedbackLog) -> None:
    answer = session.ask("How many customers are in each segment?", db="demo")
    view = AnswerView(answer, session, db="demo")
    ran = view.regenerate()
    generated = [e for e in log.events() if e["kind"] == "generated"]
    assert len(generated) == 2 and "sample 1" in text(view.status.value)
    if ran:
        assert session.conversation("demo").history()[-1].sql == view.sql
    else:
        assert view.current is answer
    view.regenerate()
    assert "sample 2" in text(view.status.value)
    view.accept()
    assert log.events()[-1]["sql"] == view.card.generated.sql  # the model's answer on screen
    assert view.card.generated is (answer if view.card.sample == 0 else view.current)


def test_a_regenerated_query_is_shown_and_logged_as_a_regeneration_not_an_edit(
    session: NotebookSession, log: FeedbackLog
) -> None:
    from conftest import Replies

    first = "SELECT name FROM customers ORDER BY name LIMIT 3"
    view = view_of(session, first, "Name three customers")
    regenerated = "SELECT name FROM customers ORDER BY signup_date DESC LIMIT 3"
    session.assistant("demo")._generator = Replies(regenerated)
    assert view.regenerate() and view.sql == regenerated
    for shown in (view.header.value, view.to_html()):
        assert "Regenerated: sample 1" in shown and "chatbi-edited" not in shown
    assert view.accept()
    accepted = log.events()[-1]
    assert accepted["kind"] == "accepted" and accepted["sql"] == accepted["final_sql"] == regenerated
    assert accepted["details"]["diff"] == [] and accepted["model_id"] == "replies"

    assert view.apply_edit(SetLimit(2))
    assert "chatbi-edited" in view.header.value and "Regenerated: sample 1" in view.header.value
    assert view.accept()
    edited = log.events()[-1]
    assert edited["sql"] == regenerated and [c["kind"] for c in edited["details"]["diff"]] == ["limit"]


def test_the_result_handed_on_is_always_the_result_on_screen(session: NotebookSession) -> None:
    frames: list = []
    view = view_of(session, "SELECT name, city FROM customers ORDER BY name", on_result=frames.append)
    assert frames == []  # the first result is the caller's already
    assert view.run_sql("SELECT name FROM customers ORDER BY name LIMIT 4")
    assert len(frames) == 1 and list(frames[-1].columns) == ["name"] and len(frames[-1]) == 4
    assert frames[-1] is view.frame
    assert not view.run_sql("SELECT nope FROM customers")  # a failed edit changes nothing on screen
    assert len(frames) == 1


def test_an_answer_that_did_not_run_cannot_be_accepted(session: NotebookSession, log: FeedbackLog) -> None:
    view = view_of(session, "SELECT nope FROM customers", "broken")
    before = len(log.events())
    assert view.accept_button.disabled and not view.accept()
    assert len(log.events()) == before and "only an answer that ran" in text(view.status.value)
    assert view.run_sql("SELECT name FROM customers LIMIT 2")
    assert not view.accept_button.disabled and view.accept()


@pytest.mark.parametrize("question", ["How many customers per segment?", "每个细分有多少客户？"])
def test_every_button_says_what_it_does_in_words(session: NotebookSession, question: str) -> None:
    import unicodedata

    import ipywidgets as widgets

    view = view_of(session, "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment", question)

    def buttons(widget):
        if isinstance(widget, widgets.Button | widgets.ToggleButton):
            yield widget
        for child in getattr(widget, "children", ()):
            yield from buttons(child)

    found = list(buttons(view.widget))
    labels = [b.description for b in found]
    assert len(found) >= 6 and all(label.strip() for label in labels), labels
    assert not [c for label in labels for c in label if unicodedata.category(c) == "So"]  # no emoji


def test_regenerate_never_offers_a_query_rejected_for_the_question(
    session: NotebookSession, log: FeedbackLog
) -> None:
    from chatbi_jupyterlab.notebook.answer_card import REGENERATE_TRIES
    from conftest import Replies

    rejected = "SELECT name FROM customers LIMIT 3"
    view = view_of(session, rejected, "Name three customers")
    view.reject("I wanted the newest three")
    assistant = session.assistant("demo")
    assistant._generator = Replies(rejected)  # a model that keeps answering the rejected query
    assert not view.regenerate() and "only queries rejected" in text(view.status.value)
    assert assistant.generator.prompts == REGENERATE_TRIES and view.sql == rejected
    later = AnswerView(view.answer, session, db="demo")  # the log remembers it in a later view too
    assert not later.regenerate()
    assistant._generator = Replies("SELECT name FROM customers ORDER BY signup_date DESC LIMIT 3")
    assert view.regenerate() and view.sql.endswith("DESC LIMIT 3")


def test_sql_and_messages_follow_the_jupyterlab_theme() -> None:
    from chatbi_jupyterlab.notebook.answer_html import highlight_sql, status_html

    block = highlight_sql("SELECT c.name, COUNT(*) FROM customers AS c WHERE c.city = 'Wuhan' GROUP BY 1")
    colors = re.findall(r"(?:color|background): ([^;\"]+)", block)
    assert colors and all(c.startswith("var(--jp-") for c in colors)  # each theme sets its own
    assert "--jp-cell-editor-background" in block and "--jp-content-font-color1" in block
    assert "customers" in re.sub(r"<[^>]+>", "", block)  # names inherit the block's text colour
    assert status_html("done", "ok").count("var(--jp-") == 1


def test_tables_are_padded_grouped_and_headed_in_words(session: NotebookSession) -> None:
    sql = (
        "SELECT CAST(strftime('%Y', order_date) AS INTEGER) AS year, COUNT(*), SUM(total_amount)"
        " FROM orders GROUP BY 1 ORDER BY 1"
    )
    view = view_of(session, sql, "orders per year")
    table = view.table.value
    assert "padding:" in table and "text-align: right" in table
    years = [str(y) for y in view.frame["year"]]
    assert all(f">{year}<" in table for year in years)  # a year is no amount: no "2,026"
    count = int(view.frame["COUNT(*)"].iloc[0])
    assert f">{count:,}<" in table and "," in f"{count:,}"
    assert 'title="COUNT(*)">number of rows<' in table  # the real name stays as a tooltip
    assert list(view.frame.columns) == ["year", "COUNT(*)", "SUM(total_amount)"]  # the frame keeps them
    assert "number of rows" in view.to_html()


def test_no_pie_for_rows_that_are_not_the_whole(session: NotebookSession) -> None:
    sql = "SELECT segment, COUNT(*) AS customers FROM customers GROUP BY segment"
    whole = view_of(session, sql, "customers per segment")
    assert "pie" in whole.chart.switch.options and whole.switch_chart("pie")
    cut = view_of(session, sql + " ORDER BY customers DESC LIMIT 2", "the two biggest segments")
    assert "pie" not in cut.chart.switch.options
    assert not cut.switch_chart("pie") and "no pie" in text(cut.chart.note.value)


def test_controls_speak_words_and_offer_only_what_fits(session: NotebookSession) -> None:
    sql = (
        "SELECT c.segment, COUNT(*) AS n, SUM(o.total_amount) AS revenue, MAX(c.city) AS last_city"
        " FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE o.order_date >= DATE('now', '-12 months') GROUP BY c.segment ORDER BY revenue DESC LIMIT 5"
    )
    view = view_of(session, sql, "revenue per segment in the last 12 months")
    labels = " ".join(str(w.value) for w in _all_widgets(view.controls.widget) if hasattr(w, "value"))
    descriptions = " ".join(getattr(w, "description", "") for w in _all_widgets(view.controls.widget))
    assert "o.order_date in the last" in labels and "rows to show (0 = all)" in descriptions
    assert "of *" not in labels and "(0: all)" not in descriptions
    measures = {m.column: view.measure_controls.get(m.id) for m in view.review.plan.measures}
    assert measures["*"] is None  # COUNT(*) only counts
    assert [v for _, v in measures["o.total_amount"].options] == ["count", "sum", "avg", "min", "max"]
    assert [v for _, v in measures["c.city"].options] == ["count", "min", "max"]  # no sum of a city
    assert dict(measures["o.total_amount"].options)["total"] == "sum"
    chinese = view_of(session, sql, "最近12个月各客户细分的销售额")
    words = " ".join(
        str(getattr(w, "value", "")) + str(getattr(w, "description", ""))
        for w in _all_widgets(chinese.controls.widget)
    )
    assert "最近" in words and "显示行数" in words and "修改查询" in words


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


def test_the_rows_on_screen_can_be_saved_as_csv_and_excel(session: NotebookSession, tmp_path: Path) -> None:
    import base64

    view = view_of(session, "SELECT segment, COUNT(*) AS customers FROM customers GROUP BY segment")
    edited = "SELECT segment, COUNT(*) AS customers FROM customers WHERE segment <> 'SMB' GROUP BY 1"
    assert view.run_sql(edited)
    csv_text = view.to_csv()
    assert csv_text.splitlines()[0] == "segment,customers" and "SMB" not in csv_text
    saved = pd.read_excel(view.to_excel(tmp_path / "answer.xlsx"), sheet_name=None)
    assert saved["result"].equals(view.frame) and saved["query"]["sql"][0] == view.sql
    link = re.search(r'download="answer.csv" href="data:text/csv;base64,([^"]+)"', view.downloads.value)
    assert link and base64.b64decode(link.group(1)).decode("utf-8") == csv_text  # nothing fetched
    assert 'download="answer.xlsx"' in view.downloads.value


def test_explanations_count_dates_from_the_day_the_sql_runs_at(session: NotebookSession) -> None:
    """The assistant runs DATE('now') as of the database's today (the demo's last day, pinned in the
    tests), so the explanation of an edited window must count from that day, not from the clock."""
    from explain.edits import SetTimeWindow

    assistant = session.assistant("demo")
    view = view_of(
        session, "SELECT COUNT(*) AS orders FROM orders WHERE order_date >= DATE('now', '-30 day')"
    )
    assert view.apply_edit(SetTimeWindow("order_date", 90, "day")), view.status.value
    since = (assistant.today - __import__("datetime").timedelta(days=90)).isoformat()
    assert f"since {since}" in text(view.explanation.value)


def test_a_chinese_answer_has_chinese_buttons(session: NotebookSession) -> None:
    view = view_of(
        session, "SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment", "每个细分有多少客户？"
    )
    assert (view.accept_button.description, view.reject_button.description) == ("正确", "错误")
    assert view.edit_toggle.tooltip and view.edit_toggle.tooltip != "null"
