"""The plan controls an analyst adds to, on the real demo database: a new condition, another sort, and
grouping by a readable column of a related table through a join the edit adds (never one that would
multiply rows). Each is clicked as a user would, through the answer view, and the rows are checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from chatbi_jupyterlab.notebook.answer_controls import PlanControls
from chatbi_jupyterlab.notebook.answer_view import AnswerView
from chatbi_jupyterlab.notebook.session import NotebookSession

from explain.edits import AddGroupBy
from explain.errors import PlanEditError
from explain.lookup_joins import lookup_columns, lookup_path
from explain.plan import plan
from explain.plan_read import outermost_select
from feedback import FeedbackLog


@pytest.fixture()
def session(tmp_path: Path) -> NotebookSession:
    session = NotebookSession(log=FeedbackLog(tmp_path / "f.sqlite"))
    session.connect("demo")
    return session


def view_of(session: NotebookSession, sql: str, **options) -> AnswerView:
    answer = session.assistant("demo").run(sql, question="a question")
    assert answer.error is None, answer.error
    return AnswerView(answer, session, db="demo", **options)


def rows_of(session: NotebookSession, sql: str) -> pd.DataFrame:
    answer = session.assistant("demo").run(sql)
    assert answer.error is None, answer.error
    return answer.data


# Grouping by a looked-up column ---------------------------------------------------------------------


def test_lookups_follow_keys_to_the_table_they_reference(demo_schema) -> None:
    orders = outermost_select(plan("SELECT COUNT(*) FROM orders").tree)
    offered = lookup_columns(orders, demo_schema)
    assert "regions.name_en" in offered and "channels.name" in offered and "customers.segment" in offered
    # keys and ids are not offered; nor is any table reached against a key (one order, many items)
    assert not any(c.endswith(("_id", ".region_id")) for c in offered)
    assert not any(c.startswith(("order_items.", "returns.", "products.")) for c in offered)
    assert lookup_path(orders, "order_items", demo_schema) is None


def test_grouping_by_a_related_tables_name_through_the_view(session: NotebookSession) -> None:
    view = view_of(session, "SELECT region_id, COUNT(*) AS customers FROM customers GROUP BY region_id")
    assert "regions.name_en" in view.group_control.allowed_tags
    view.group_control.value = ["regions.name_en"]  # region_id out, the region's name in
    view.apply_button.click()
    assert "JOIN regions" in view.sql, view.status.value
    expected = rows_of(
        session,
        "SELECT r.name_en, COUNT(*) FROM customers c JOIN regions r ON r.region_id = c.region_id "
        "GROUP BY r.name_en",
    )
    assert sorted(map(tuple, view.frame.values.tolist())) == sorted(map(tuple, expected.values.tolist()))
    assert view.frame.columns[0] == "name_en"


def test_a_lookup_that_would_multiply_rows_is_refused(demo_schema) -> None:
    p = plan("SELECT COUNT(*) AS orders FROM orders", demo_schema)
    with pytest.raises(PlanEditError, match="keeps each row once"):
        p.apply(AddGroupBy("products.brand"))
    with pytest.raises(PlanEditError, match="regions has no column nickname"):
        p.apply(AddGroupBy("regions.nickname"))


# A new condition ------------------------------------------------------------------------------------


def test_adding_a_condition_from_the_view(session: NotebookSession) -> None:
    view = view_of(session, "SELECT segment, COUNT(*) AS customers FROM customers GROUP BY segment")
    new = view.controls.new_filter
    assert "city" in [value for _, value in new.column.options]
    new.column.value = "city"
    new.operator.value = "in"
    new.values.value = "Beijing, Shanghai"
    view.apply_button.click()
    assert "WHERE city IN ('Beijing', 'Shanghai')" in view.sql, view.status.value
    expected = rows_of(
        session,
        "SELECT segment, COUNT(*) FROM customers WHERE city IN ('Beijing', 'Shanghai') GROUP BY segment",
    )
    assert view.frame.values.tolist() == expected.values.tolist()


def test_a_number_condition_reads_numbers_and_says_what_is_wrong(session: NotebookSession) -> None:
    view = view_of(session, "SELECT COUNT(*) AS products FROM products")
    new = view.controls.new_filter
    new.column.value, new.operator.value, new.values.value = "unit_price", ">", "5000"
    view.apply_button.click()
    assert "unit_price > 5000" in view.sql
    expected = rows_of(session, "SELECT COUNT(*) FROM products WHERE unit_price > 5000")
    assert view.frame.iloc[0, 0] == expected.iloc[0, 0]
    shown = view.sql
    new = view.controls.new_filter
    new.column.value, new.operator.value, new.values.value = "unit_price", "between", "10"
    view.apply_button.click()
    assert "takes 2 value(s); got 1" in view.status.value and view.sql == shown  # nothing lost
    new.values.value = "a lot"
    new.operator.value = ">"
    view.apply_button.click()
    assert "is not a number" in view.status.value and view.sql == shown


# Another sort -----------------------------------------------------------------------------------------


def test_sorting_by_another_column_from_the_view(session: NotebookSession) -> None:
    view = view_of(session, "SELECT brand, COUNT(*) AS products FROM products GROUP BY brand ORDER BY brand")
    sort = view.controls.sort_control
    assert [key for _, key in sort.key.options] == ["", "m1"]  # brand is the sort already
    sort.key.value = "m1"
    sort.direction.value = True
    view.apply_button.click()
    counts = view.frame["products"].tolist()
    assert counts == sorted(counts, reverse=True) and "ORDER BY" in view.sql


# Words, not code ----------------------------------------------------------------------------------------


def test_operators_read_as_words_in_english_and_chinese(demo_schema) -> None:
    p = plan("SELECT COUNT(*) FROM customers WHERE segment <> 'SMB'", demo_schema)
    english = PlanControls(p, demo_schema)
    assert english.filter_controls["f1"].operator.label == "is not"
    chinese = PlanControls(p, demo_schema, lang="zh")
    assert chinese.filter_controls["f1"].operator.label == "不等于"
    assert chinese.new_filter.column.label == "（选择列）"
