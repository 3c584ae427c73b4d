"""Escalation: a larger model answers again where the default one's answer fails its checks, and its
answer is kept only when it passes them (models stand in as fixed replies; the real 1.5B is measured
by ``chatbi eval --data business --escalate qwen2.5-coder-1.5b``)."""

from __future__ import annotations

from conftest import Replies

from nl2sql.assistant import Assistant


def _larger(sql: str) -> Replies:
    larger = Replies(sql)
    larger.model_id = "larger"
    return larger


def test_a_failed_answer_is_asked_again_and_the_better_one_kept() -> None:
    small, large = (
        Replies("SELECT no_such_column FROM customers"),
        _larger("SELECT COUNT(*) AS n FROM customers"),
    )
    assistant = Assistant("demo", generator=small, escalate=large, semantic=False, log=None)
    answer = assistant.ask("How many customers are there?")
    assert answer.ok and answer.model_id == "larger" and answer.data["n"].iloc[0] > 0
    assert large.prompts == 1 and "escalate" in answer.timings
    assert small.prompts == 2  # its first try and its repair round; the samples' time goes to the larger
    assert answer.notes[-1].startswith("answered by larger: replies's answer failed its checks")
    assert answer.candidates[0] == "SELECT no_such_column FROM customers"


def test_an_answer_with_no_rows_is_escalated_too() -> None:
    small = Replies("SELECT name FROM customers WHERE 1 = 0")
    large = _larger("SELECT name FROM customers LIMIT 3")
    answer = Assistant("demo", generator=small, escalate=large, semantic=False, log=None).ask(
        "Name three customers"
    )
    assert answer.model_id == "larger" and len(answer.data) == 3


def test_the_first_answer_stays_when_the_larger_model_does_no_better() -> None:
    small, large = Replies("SELECT nope FROM customers"), _larger("SELECT nada FROM customers")
    answer = Assistant("demo", generator=small, escalate=large, semantic=False, log=None).ask(
        "How many customers are there?"
    )
    assert answer.model_id == "replies" and answer.error and "nope" in answer.sql
    assert answer.notes[-1] == "larger was asked too and did no better: replies's answer stays"


def test_a_good_answer_never_wakes_the_larger_model() -> None:
    small, large = Replies("SELECT COUNT(*) AS n FROM customers"), _larger("SELECT 1")
    answer = Assistant("demo", generator=small, escalate=large, semantic=False, log=None).ask(
        "How many customers are there?"
    )
    assert answer.ok and answer.model_id == "replies" and large.prompts == 0
    assert "escalate" not in answer.timings
