"""Review: accepted and edited answers are candidates; only approved ones teach. Approval runs the SQL
again; auto-approval is a rule, off by default; nothing the gate refuses is ever a candidate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from feedback.corrections import curate
from feedback.errors import DatasetError
from feedback.log import FeedbackLog
from feedback.review import ReviewError, ReviewRules, approve, reject, review_queue
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.cli import main

OPEN_SMB = "SELECT name FROM customers WHERE segment = 'SMB'"
QUESTION = "Which customers are small businesses?"
PARAPHRASE = "List the customers that are small businesses"
HOSTILE = [
    "DELETE FROM orders",
    "SELECT name FROM customers; DROP TABLE orders",
    "SELECT load_extension('/tmp/evil.so')",
    "ATTACH DATABASE '/tmp/evil.db' AS evil",
    "SELECT name FROM customers WHERE name = readfile('/etc/passwd')",
    "SELECT name FROM customers WHERE randomblob(1000000000) IS NOT NULL",
    "PRAGMA writable_schema = 1",
]
"""Edits the read-only gate (explain/statement.py) or the function allowlist refuses."""


def _shown(assistant: Assistant, question: str) -> list[str]:
    """The SQL of the examples the prompt for ``question`` shows."""
    return [example.sql for example in assistant.similar_examples(question)]


def test_a_candidate_teaches_only_once_approved(feedback_url: str, sqlite_shop: str) -> None:
    log = FeedbackLog(feedback_url, user="ann")
    assistant = Assistant(sqlite_shop, log=log)
    assistant.record("edited", Answer(QUESTION, "SELECT name FROM customers"), final_sql=OPEN_SMB)

    (candidate,) = review_queue(log, assistant.database, assistant.schema)
    assert (candidate.question, candidate.sql, candidate.status) == (QUESTION, OPEN_SMB, "candidate")
    assert candidate.user_name == "ann"
    assert _shown(assistant, PARAPHRASE) == [] and OPEN_SMB not in str(assistant.messages(PARAPHRASE))
    with pytest.raises(DatasetError, match="not approved"):
        candidate.as_example(Path(sqlite_shop))

    approved = approve(log, candidate.event_id, assistant.database, assistant.schema, reviewer="bo")
    assert approved.status == "approved" and review_queue(log, assistant.database) == []
    assert _shown(assistant, PARAPHRASE) == [OPEN_SMB], "the approval reaches the running assistant"
    assert _shown(Assistant(sqlite_shop, log=FeedbackLog(feedback_url)), PARAPHRASE) == [OPEN_SMB]
    verdict = log.events(kinds=["approved"])[-1]
    assert (verdict["user_name"], verdict["details"]["event"]) == ("bo", candidate.event_id)
    assert verdict["schema_fingerprint"] == assistant.schema.fingerprint
    with pytest.raises(ReviewError, match="approved already"):
        approve(log, candidate.event_id, assistant.database, assistant.schema)


def test_approval_runs_the_sql_again_and_refuses_what_fails(tmp_path: Path, sqlite_shop: str) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite", user="ann")
    assistant = Assistant(sqlite_shop, log=log)
    assistant.record("accepted", Answer("Total per order?", "SELECT order_id, amount FROM orders"))
    event = log.last_id()
    with sqlite3.connect(sqlite_shop) as connection:  # the table goes after the answer was accepted
        connection.execute("ALTER TABLE orders RENAME TO old_orders")

    with pytest.raises(ReviewError, match=r"fails when run again: .*no such table: orders"):
        approve(log, event, assistant.database, assistant.schema)  # the schema read before the change
    assert log.count(kinds=["approved"]) == 0
    assert [c.event_id for c in review_queue(log, assistant.database, assistant.schema)] == [event]
    explored = log.record("explored", database="shop", question="q", final_sql=OPEN_SMB)
    with pytest.raises(ReviewError, match=f"no candidate #{explored} on shop"):
        approve(log, explored, assistant.database, assistant.schema)


def test_a_rejected_candidate_never_teaches_and_a_rejection_takes_back_an_approval(
    tmp_path: Path, sqlite_shop: str
) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite", user="ann")
    assistant = Assistant(sqlite_shop, log=log)
    assistant.record("accepted", Answer(QUESTION, OPEN_SMB))
    first = log.last_id()
    reject(log, first, assistant.database, assistant.schema, reviewer="bo", reason="misses Consumer")
    curation = curate(log, "shop", assistant.schema)
    assert curation.candidates == curation.kept == []
    assert curation.dropped[0].reason == f"rejected in review (event {first + 1}: misses Consumer)"
    assistant.record("accepted", Answer(QUESTION, OPEN_SMB))  # the same SQL again: still rejected
    assert review_queue(log, assistant.database, assistant.schema) == []

    assistant.record("edited", Answer(QUESTION, OPEN_SMB), final_sql="SELECT name FROM customers")
    edit = log.last_id()
    approve(log, edit, assistant.database, assistant.schema)
    assert _shown(assistant, QUESTION) == ["SELECT name FROM customers"]
    reject(log, edit, assistant.database, assistant.schema, reason="approved by mistake")
    assert _shown(assistant, QUESTION) == []
    with pytest.raises(ReviewError, match="not a candidate: rejected in review"):
        reject(log, edit, assistant.database, assistant.schema)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_edit_never_becomes_a_candidate_nor_reaches_a_prompt(
    hostile: str, tmp_path: Path, sqlite_shop: str
) -> None:
    path = tmp_path / "f.sqlite"
    log = FeedbackLog(path, user="mallory")
    assistant = Assistant(sqlite_shop, log=log, review_rules=ReviewRules(accepted_by=1))
    answer = Answer(QUESTION, "SELECT name FROM customers")
    assistant.record("edited", answer, final_sql=hostile)
    assistant.record("accepted", Answer(QUESTION, hostile))  # even accepted, with auto-approval on
    event = log.last_id(kinds=["accepted"])
    log.record("approved", database="shop", question=QUESTION, final_sql=hostile, event=event)  # forged

    assert [e["final_sql"] for e in log.events(kinds=["edited", "accepted"])] == [hostile, hostile]
    for reader in (assistant, Assistant(sqlite_shop, log=FeedbackLog(path))):  # and after a restart
        curation = curate(log, "shop", reader.schema)
        assert curation.candidates == curation.kept == []
        assert all(d.reason.startswith("refused: ") for d in curation.dropped)
        assert _shown(reader, QUESTION) == _shown(reader, PARAPHRASE) == []
        assert hostile not in json.dumps(reader.messages(QUESTION), ensure_ascii=False)
    with pytest.raises(ReviewError, match="is not a candidate: refused: "):
        approve(log, event, assistant.database, assistant.schema)


def test_auto_approval_when_two_users_accept_the_same_answer_unchanged(
    tmp_path: Path, sqlite_shop: str
) -> None:
    path, rules = tmp_path / "f.sqlite", ReviewRules(accepted_by=2)

    def accept(user: str, answer: Answer, rules: ReviewRules = rules, **edit: str) -> Assistant:
        assistant = Assistant(sqlite_shop, log=FeedbackLog(path, user=user), review_rules=rules)
        assistant.record("accepted", answer, **edit)
        return assistant

    ann = accept("ann", Answer(QUESTION, OPEN_SMB))
    accept("ann", Answer(QUESTION, OPEN_SMB))  # the same user twice is one user
    accept("bo", Answer(QUESTION, "SELECT name FROM customers"), final_sql=OPEN_SMB)  # changed: no vote
    accept("cy", Answer(QUESTION, OPEN_SMB), rules=ReviewRules())  # off by default: not approved
    assert _shown(ann, PARAPHRASE) == [] and ReviewRules() == ReviewRules(accepted_by=0)
    assert FeedbackLog(path).count(kinds=["approved"]) == 0

    accept("dee", Answer(QUESTION, OPEN_SMB))
    (verdict,) = FeedbackLog(path).events(kinds=["approved"])
    assert verdict["user_name"] == "auto" and verdict["details"]["reason"] == "accepted unchanged by 3 users"
    assert _shown(ann, PARAPHRASE) == [OPEN_SMB]


def test_auto_approval_is_set_by_the_environment(
    tmp_path: Path, sqlite_shop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATBI_AUTO_APPROVE_ACCEPTED_BY", "2")
    assert Assistant(sqlite_shop, log=None).review_rules == ReviewRules(accepted_by=2)
    monkeypatch.setenv("CHATBI_AUTO_APPROVE_ACCEPTED_BY", "two")
    with pytest.raises(ReviewError, match="must be a number of users"):
        Assistant(sqlite_shop, log=None)


def test_feedback_review_approve_and_reject_commands(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite", user="ann")
    assistant = Assistant(sqlite_shop, log=log)
    assistant.record("edited", Answer(QUESTION, "SELECT name FROM customers"), final_sql=OPEN_SMB)
    edit = log.last_id()
    assistant.record("accepted", Answer("How many orders?", "SELECT COUNT(*) FROM orders"))
    accepted = log.last_id()
    where = ["--db", sqlite_shop, "--log", str(log.path)]

    assert main(["feedback", "review", *where, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["candidates"]
    assert [(c["event_id"], c["kind"], c["user_name"]) for c in listed] == [
        (edit, "edited", "ann"),
        (accepted, "accepted", "ann"),
    ]
    assert main(["feedback", "review", *where]) == 0
    assert f"#{edit} [edited by ann, " in capsys.readouterr().out

    assert main(["feedback", "approve", str(edit), *where, "--reason", "checked"]) == 0
    assert "now teaches" in capsys.readouterr().out
    assert main(["feedback", "reject", str(accepted), *where, "--reason", "wrong count"]) == 0
    assert "never shown to the model" in capsys.readouterr().out
    assert main(["feedback", "review", *where]) == 0
    assert capsys.readouterr().out.startswith("0 candidates waiting for review on shop")
    assert main(["feedback", "approve", str(accepted), *where]) == 2
    assert "is not a candidate: rejected in review" in capsys.readouterr().err
    assert main(["feedback", "list", *where, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["event_id"] for c in listed["kept"]] == [edit] and listed["candidates"] == []


def test_an_approved_correction_answers_its_question_as_a_verified_query(tmp_path: Path) -> None:
    question = "2019年就注册了但一笔订单都没有的 Enterprise 客户"  # ad-hoc logic: the rules leave it
    fixed = (
        "SELECT name FROM customers WHERE segment = 'Enterprise' AND signup_date < '2020-01-01'"
        " AND signup_date >= '2019-01-01' AND customer_id NOT IN (SELECT customer_id FROM orders)"
    )
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    assistant = Assistant("demo", log=log)
    assert assistant.routing_model() is assistant.semantic, "no approved correction: the model as it is"
    assistant.record("edited", Answer(question, "SELECT name FROM customers"), final_sql=fixed)
    (candidate,) = review_queue(log, assistant.database, assistant.schema)
    assert not any(v.sql == fixed for v in assistant.routing_model().verified_queries), "a candidate only"

    approve(log, candidate.event_id, assistant.database, assistant.schema, reviewer="bo")
    answer = assistant.ask(question.replace("客户", "客户。"))
    assert (answer.path, answer.sql, answer.model_id) == ("verified", fixed, "semantic layer")
    assert answer.error is None and answer.data is not None
    reject(log, candidate.event_id, assistant.database, reason="wrong year")
    assert not any(v.sql == fixed for v in assistant.routing_model().verified_queries), "taken back"


def test_approving_several_candidates_at_once_goes_on_past_one_refused_and_learns_once(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from feedback.suggestions import SuggestionStore

    log = FeedbackLog(tmp_path / "f.sqlite", user="ann")
    assistant = Assistant(sqlite_shop, log=log)
    small = Answer(QUESTION, "SELECT name FROM customers WHERE segment = 'Small'")
    assistant.record("edited", small, final_sql=OPEN_SMB)
    edit = log.last_id()
    assistant.record("accepted", Answer("How many orders?", "SELECT COUNT(*) FROM orders"))
    accepted = log.last_id()
    where = ["--db", sqlite_shop, "--log", str(log.path)]

    assert main(["feedback", "approve", str(edit), "999", str(accepted), str(edit), *where]) == 2
    out, err = capsys.readouterr()
    assert out.count("now teaches") == 2 and f"#{edit} " in out and f"#{accepted} " in out
    assert err.count("error: ") == 1 and "no candidate #999" in err
    assert [c.event_id for c in curate(log, "shop").kept] == [edit, accepted]
    learned = SuggestionStore(log).suggestions("shop")
    assert [(s.kind, s.payload["value"]) for s in learned] == [("value", "SMB")], "learned after the batch"

    assert main(["feedback", "reject", str(edit), str(accepted), *where, "--reason", "stale"]) == 0
    assert capsys.readouterr().out.count("never shown to the model") == 2
    assert curate(log, "shop").kept == []
