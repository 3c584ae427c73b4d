"""Follow-ups on semantic answers, compiled from the semantic model (no language model), on the real
demo database: the merged reading, the rows it returns, and what is left to the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chatbi_jupyterlab.notebook.session import NotebookSession

from feedback import FeedbackLog
from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.follow_up import follow_up_reading
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.route import route_question
from nl2sql.semantic.timerange import resolve

MODEL = demo_semantic_model()


@pytest.fixture()
def session(tmp_path: Path) -> NotebookSession:
    session = NotebookSession(log=FeedbackLog(tmp_path / "f.sqlite"))
    session.connect("demo")
    return session


def test_a_follow_up_window_is_compiled_and_runs(session: NotebookSession) -> None:
    first = session.ask("How many returns are there for each return reason?", db="demo")
    assert first.path == "semantic"
    answer = session.ask("only for returns in the last 12 months", db="demo")
    assert answer.path == "semantic" and answer.history, answer.notes
    assert "last 12 months" in answer.interpretation.text
    window = resolve("last_12_months", session.assistant("demo").today)
    expected = session.assistant("demo").run(
        "SELECT reason, COUNT(*) FROM returns "
        f"WHERE return_date >= '{window.start}' AND return_date < '{window.end}' GROUP BY reason"
    )
    assert sorted(map(tuple, answer.data.values.tolist())) == sorted(
        map(tuple, expected.data.values.tolist())
    )
    assert sum(answer.data.iloc[:, 1]) < sum(first.data.iloc[:, 1])


@pytest.mark.parametrize(
    ("first", "follow_up", "reading"),
    [
        ("Revenue by region this year", "and per channel?", "revenue by region, channel · this year"),
        ("Revenue by region this year", "break it down by month", "revenue by month, region · this year"),
        ("Revenue by region this year", "what about 2025?", "revenue by region · 2025-01-01 to 2025-12-31"),
        ("Revenue by region this year", "and the order count?", "order count by region · this year"),
        ("Revenue by region this year", "now only for Enterprise customers", "segment = Enterprise"),
        ("各地区今年的销售额", "只看线上渠道", "销售额 按 地区 · 今年"),
        ("各地区今年的销售额", "同比呢？", "同比去年同期"),
    ],
)
def test_follow_ups_change_the_previous_reading(first: str, follow_up: str, reading: str) -> None:
    today = date(2026, 6, 30)
    previous = route_question(first, MODEL, "sqlite", today).reading
    found = follow_up_reading(first, previous.sql, follow_up, MODEL, "sqlite", today)
    assert found is not None and reading in found.text


@pytest.mark.parametrize(
    "follow_up",
    [
        "exclude SMB customers",
        "不含线上渠道",
        "drop the time filter",
        "what is the weather like",
        "top 3 only",
    ],
)
def test_what_a_merge_cannot_say_is_left_to_the_model(follow_up: str) -> None:
    today = date(2026, 6, 30)
    previous = route_question("Revenue by region this year", MODEL, "sqlite", today).reading
    assert (
        follow_up_reading("Revenue by region this year", previous.sql, follow_up, MODEL, "sqlite", today)
        is None
    )


def test_an_answer_edited_by_hand_is_not_followed_up_semantically() -> None:
    edited = "SELECT COUNT(*) FROM orders"
    assert (
        follow_up_reading(
            "Revenue by region this year", edited, "and per channel?", MODEL, "sqlite", date(2026, 6, 30)
        )
        is None
    )


def test_an_acronym_that_is_a_word_counts_only_in_capitals() -> None:
    today = date(2026, 6, 30)
    assert map_question("IT industry revenue", MODEL, today).query.filters[0].values == ("Technology",)
    assert map_question("revenue, break it down by month", MODEL, today).query.filters == ()
