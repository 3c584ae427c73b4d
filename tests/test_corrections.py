"""Corrections: curated from the log as candidates, approved by a reviewer, found again for similar
questions, shown in the next prompt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.corrections import Correction, curate
from feedback.log import FeedbackLog
from feedback.review import approve
from feedback.similar import CorrectionIndex
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.cli import main
from nl2sql.connect import open_database
from nl2sql.schema import load_schema

OPEN_SMB = "SELECT name FROM customers WHERE segment = 'SMB'"


@pytest.fixture()
def log(tmp_path: Path) -> FeedbackLog:
    return FeedbackLog(tmp_path / "feedback.sqlite")


def test_curation_keeps_valid_corrections_and_says_why_it_drops_the_rest(
    log: FeedbackLog, sqlite_shop: str
) -> None:
    schema = load_schema(open_database(sqlite_shop))
    record = log.record
    kept = record(
        "edited", database="shop", question="Which SMB customers?", sql="SELECT 1", final_sql=OPEN_SMB
    )
    record("accepted", database="shop", question="Total amount?", final_sql="SELECT SUM(amount) FROM orders")
    record("accepted", database="shop", question="Revenue?", final_sql="SELECT SUM(revenue) FROM orders")
    record("edited", database="shop", question="Clean up", final_sql="DELETE FROM orders")
    record("edited", database="shop", question="", final_sql="SELECT 1")
    record("rejected", database="shop", question="Why?", sql="SELECT 2")
    record("accepted", database="elsewhere", question="Other db", final_sql="SELECT 1")
    replaced = record("accepted", database="shop", question="Count customers", final_sql="SELECT 1")
    record("edited", database="shop", question="count customers?", final_sql="SELECT COUNT(*) FROM customers")
    total = log.events(limit=None, database="shop", kinds=("accepted",))[0]["id"]
    record("withdrawn", database="shop", event=total)

    curation = curate(log, "shop", schema)

    assert curation.kept == [], "nothing teaches before a reviewer approved it"
    assert [(c.question, c.kind, c.status) for c in curation.candidates] == [
        ("Which SMB customers?", "edited", "candidate"),
        ("count customers?", "edited", "candidate"),
    ]
    assert curation.candidates[0].event_id == kept and curation.candidates[0].sql == OPEN_SMB
    reasons = {d.question: d.reason for d in curation.dropped}
    assert reasons["Total amount?"] == "withdrawn"
    assert reasons["Revenue?"].startswith("does not validate: ") and "revenue" in reasons["Revenue?"]
    assert reasons["Clean up"].startswith("refused: DELETE writes")
    assert reasons[""] == "no question"
    assert reasons["Count customers"] == f"replaced by the later event {replaced + 1}"
    assert "Why?" not in reasons and "Other db" not in reasons


def test_similar_questions_are_found_by_meaning_and_unrelated_ones_left_out() -> None:
    index = CorrectionIndex(
        [
            Correction(1, "shop", "How many customers are in the SMB segment?", OPEN_SMB, "edited"),
            Correction(
                2, "shop", "What is the total order amount?", "SELECT SUM(amount) FROM orders", "edited"
            ),
            Correction(
                3, "shop", "每个客户的订单数", "SELECT customer_id, COUNT(*) FROM orders GROUP BY 1", "edited"
            ),
        ]
    )
    assert [c.event_id for c in index.similar("Count the customers whose segment is SMB", k=1)] == [1]
    assert [c.event_id for c in index.similar("sum of all order amounts", k=1)] == [2]
    assert [c.event_id for c in index.similar("每个客户有多少订单", k=1)] == [3]
    assert index.similar("Which planets have rings?", k=3) == []
    both = "total amount of SMB customers' orders"
    ranked = index.similar(both, k=2)
    scores = dict(zip([c.event_id for c in index.corrections], index.scores(both), strict=True))
    assert len(ranked) == 2 and scores[ranked[0].event_id] < scores[ranked[1].event_id], "most similar last"


def test_a_restated_question_replaces_its_older_correction() -> None:
    index = CorrectionIndex(
        [Correction(1, "shop", "Total amount?", "SELECT 1", "accepted")], embeddings=False
    )
    index.add(Correction(2, "shop", "total amount", "SELECT SUM(amount) FROM orders", "edited"))
    assert len(index) == 1 and index.similar("Total amount")[0].event_id == 2


def test_an_approved_edit_is_shown_to_the_model_at_once_and_after_a_restart(
    log: FeedbackLog, sqlite_shop: str
) -> None:
    assistant = Assistant(sqlite_shop, log=log)
    question = "Which customers are small businesses?"
    assert assistant.similar_examples("Which small business customers do we have?") == []

    answer = Answer(question, "SELECT name FROM customers")
    assistant.record("edited", answer, final_sql=OPEN_SMB)
    assistant.record("rejected", Answer("How many planets?", "SELECT 1"))
    paraphrase = "List the customers that are small businesses"
    assert assistant.similar_examples(paraphrase) == [], "a candidate does not teach"
    (candidate,) = curate(log, assistant.database.name, assistant.schema).candidates
    approve(log, candidate.event_id, assistant.database, assistant.schema, reviewer="bo")

    shown = assistant.similar_examples(paraphrase)
    assert [(e.question, e.sql) for e in shown] == [(question, OPEN_SMB)]
    prompt = assistant.messages(paraphrase)[-1]["content"]
    assert f"Example question: {question}\n```sql\n{OPEN_SMB}\n```" in prompt
    assert prompt.index("Example question") < prompt.index(f"Question: {paraphrase}")

    restarted = Assistant(sqlite_shop, log=log)
    assert [e.sql for e in restarted.similar_examples(paraphrase)] == [OPEN_SMB]
    assert Assistant(sqlite_shop, log=log, examples=0).similar_examples(paraphrase) == []


def test_an_edit_that_does_not_validate_is_logged_but_not_taught(log: FeedbackLog, sqlite_shop: str) -> None:
    assistant = Assistant(sqlite_shop, log=log)
    assistant.record(
        "edited", Answer("Revenue per customer?", "SELECT 1"), final_sql="SELECT revenue FROM orders"
    )
    assert log.events()[-1]["final_sql"] == "SELECT revenue FROM orders"
    assert assistant.similar_examples("Revenue per customer?") == []


def test_feedback_commands_list_withdraw_and_export(
    log: FeedbackLog, sqlite_shop: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = open_database(sqlite_shop).name
    first = log.record("edited", database=name, question="SMB customers?", final_sql=OPEN_SMB)
    log.record("accepted", database=name, question="Revenue?", final_sql="SELECT revenue FROM orders")

    assert main(["feedback", "list", "--db", sqlite_shop, "--log", str(log.path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["kept"] == [] and [c["question"] for c in listed["candidates"]] == ["SMB customers?"]
    assert [d["question"] for d in listed["dropped"]] == ["Revenue?"]

    out = tmp_path / "pairs.jsonl"
    export = ["feedback", "export", "--db", sqlite_shop, "--log", str(log.path), "--out", str(out)]
    assert main(export) == 0
    from feedback.datasets import load_examples

    assert load_examples(out) == [], "only approved corrections are exported for training"
    assert main(["feedback", "approve", str(first), "--db", sqlite_shop, "--log", str(log.path)]) == 0
    assert main(export) == 0
    exported = load_examples(out)
    assert [(e.question, e.sql, e.db_path) for e in exported] == [
        ("SMB customers?", OPEN_SMB, Path(sqlite_shop).resolve())
    ]

    assert main(["feedback", "withdraw", str(first), "--log", str(log.path)]) == 0
    assert "no longer shown" in capsys.readouterr().out
    assert first not in [c.event_id for c in curate(log, name).kept]
    assert main(["feedback", "withdraw", "999", "--log", str(log.path)]) == 2
    assert "is not an accepted or edited answer" in capsys.readouterr().err


@pytest.mark.slow
def test_the_lift_benchmark_asks_the_same_questions_without_and_with_corrections() -> None:
    from feedback.datasets import load_demo
    from nl2sql.evaluation.corrections_lift import lift_rows, measure_lift, split_questions
    from nl2sql.models.resolve import load_generator

    questions = load_demo()[:16]
    summary = measure_lift(questions, load_generator(), ["demo"], taught=6, progress=False)

    demo, together = summary["databases"]["demo"], summary["all"]
    assert demo == together and (demo["taught"], demo["asked"]) == (6, 10)
    before, after = summary["predictions"]["before"], summary["predictions"]["after"]
    assert [p["question"] for p in before] == [p["question"] for p in after]
    taught, _ = split_questions(questions, taught=6, seed=0)
    assert {p["question"] for p in before}.isdisjoint(q.question for q in taught)
    assert demo["prompt_tokens_after"] > demo["prompt_tokens_before"], "corrections reached the prompts"
    assert demo["lift"] == round(demo["ex_after"] - demo["ex_before"], 4)
    rows = lift_rows(summary, "chatbi bench corrections", "2026-01-01")
    assert len(rows) == 2 and rows[0].startswith("| demo | 6 | 10 | ")


def test_a_rejection_takes_back_the_correction_it_rejects(log: FeedbackLog, sqlite_shop: str) -> None:
    assistant = Assistant(sqlite_shop, log=log)
    question = "Which customers are small businesses?"
    answer = Answer(question, OPEN_SMB)
    assistant.record("accepted", answer)
    approve(log, log.last_id(), assistant.database, assistant.schema)
    assert [e.sql for e in assistant.similar_examples(question)] == [OPEN_SMB]
    assistant.record("rejected", answer, reason="those are not all of them")
    assert assistant.similar_examples(question) == []  # at once
    curation = curate(log, open_database(sqlite_shop).name, assistant.schema)
    assert curation.kept == [] and curation.dropped[0].reason.startswith("rejected later")
    assistant.record("accepted", answer)  # accepted again after the rejection: it counts again
    assert [c.sql for c in curate(log, open_database(sqlite_shop).name).kept] == [OPEN_SMB]
    assert [e.sql for e in assistant.similar_examples(question)] == [OPEN_SMB]


def test_exploring_is_logged_but_never_learned(log: FeedbackLog, sqlite_shop: str) -> None:
    assistant = Assistant(sqlite_shop, log=log)
    answer = Answer("Which customers are small businesses?", "SELECT name FROM customers")
    assistant.record("explored", answer, final_sql=OPEN_SMB)
    assert log.events()[-1]["kind"] == "explored"
    curation = curate(log, open_database(sqlite_shop).name)
    assert curation.kept == curation.candidates == []
    assert assistant.similar_examples("Which customers are small businesses?") == []


def test_withdrawing_leaves_the_question_unlearned(
    log: FeedbackLog, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = open_database(sqlite_shop).name
    log.record("edited", database=name, question="SMB customers?", final_sql="SELECT name FROM customers")
    latest = log.record("edited", database=name, question="smb customers", final_sql=OPEN_SMB)
    assert [c.event_id for c in curate(log, name).candidates] == [latest]
    assert main(["feedback", "withdraw", str(latest), "--log", str(log.path)]) == 0
    capsys.readouterr()
    curation = curate(log, name)
    assert curation.candidates == []  # the older edit of the same question does not come back
    assert {d.reason for d in curation.dropped} == {
        "withdrawn",
        "its question was unlearned (a later correction of it was withdrawn)",
    }
    again = log.record("accepted", database=name, question="SMB customers?", final_sql=OPEN_SMB)
    assert [c.event_id for c in curate(log, name).candidates] == [again]  # a candidate again


def test_export_can_redact_literal_values(log: FeedbackLog, sqlite_shop: str, tmp_path: Path) -> None:
    from feedback.datasets import load_examples

    name = open_database(sqlite_shop).name
    question = "Which customers in the SMB segment signed up since 2025-01-01?"
    sql = "SELECT name FROM customers WHERE segment = 'SMB' AND signup_date >= '2025-01-01'"
    edit = log.record("edited", database=name, question=question, final_sql=sql)
    where = ["--db", sqlite_shop, "--log", str(log.path)]
    assert main(["feedback", "approve", str(edit), *where]) == 0
    out = tmp_path / "pairs.jsonl"

    assert main(["feedback", "export", *where, "--out", str(out), "--redact"]) == 0
    (example,) = load_examples(out)
    assert example.question == "Which customers in the value_1 segment signed up since 2025-01-01?"
    assert (
        example.sql == "SELECT name FROM customers WHERE segment = 'value_1' AND signup_date >= '2025-01-01'"
    )
    assert main(["feedback", "export", *where, "--out", str(out)]) == 0
    assert [(e.question, e.sql) for e in load_examples(out)] == [(question, sql)]
