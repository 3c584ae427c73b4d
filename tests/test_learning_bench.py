"""The learning benchmark (``chatbi bench learning``): corrections go through the product's loop (the
store, review, approval, suggestions) and come back to a fresh assistant; and the route they take on a
database without a semantic model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import Replies

from feedback.datasets import TextToSQLExample, load_jsonl
from feedback.log import FeedbackLog
from feedback.review import approve, reject, review_queue
from nl2sql import Assistant
from nl2sql.cli import main
from nl2sql.evaluation.coverage import covered_by, covers, query_shape, question_shape
from nl2sql.evaluation.learning import LearningPlan, split_pool
from nl2sql.models.resolve import default_adapter

KEY_ACCOUNTS = (
    "SELECT name FROM customers WHERE customer_id IN"
    " (SELECT customer_id FROM orders GROUP BY customer_id HAVING SUM(amount) > 90)"
)
QUESTIONS = [  # each asked twice: a held-out question can be the very question a correction answered
    ("Who are our dormant accounts?", "SELECT name FROM customers WHERE signup_date > '2025-06-01'"),
    ("What is our net revenue?", "SELECT SUM(amount) * 0.8 FROM orders"),
    ("Which customers are key accounts?", KEY_ACCOUNTS),
]


def _example(question: str, sql: str, db_id: str = "shop") -> TextToSQLExample:
    return TextToSQLExample(db_id, question, sql, Path(f"{db_id}.sqlite"))


def test_a_held_out_question_is_covered_by_its_query_or_its_question_values_aside() -> None:
    france = _example(
        "How many singers are from France?", "SELECT count(*) FROM singer WHERE country = 'France'"
    )
    assert query_shape('SELECT count(*) FROM singer WHERE country = "Spain";') == query_shape(france.sql)
    assert covers(
        france, _example("Count the singers of Spain", 'SELECT COUNT(*) FROM singer WHERE country = "Spain"')
    )
    assert covers(
        france,
        _example(
            "How many singers are from Peru?", "SELECT count(*) FROM singer AS s WHERE s.country = 'Peru'"
        ),
    )
    assert question_shape("Cars made in 1970?", "SELECT * FROM cars WHERE year = 1970") == "cars made in #"
    older = _example("Singers older than 30?", "SELECT name FROM singer WHERE age > 30")
    assert not covers(france, older)
    assert not covers(france, _example(france.question, france.sql, db_id="concert_2")), "another database"
    assert covered_by(older, [france, older]) and not covered_by(older, [])


def test_the_plan_refuses_points_out_of_order_and_the_split_keeps_the_pool_apart() -> None:
    with pytest.raises(ValueError, match="ascending"):
        LearningPlan(points=(10, 0))
    with pytest.raises(ValueError, match="semantic"):
        LearningPlan(semantic="learned")
    pool, held_out = split_pool(list(range(30)), pool=10, seed=3, limit_eval=5)
    assert len(pool) == 10 and len(held_out) == 5 and not set(pool) & set(held_out)
    assert (pool, held_out) == split_pool(list(range(30)), pool=10, seed=3, limit_eval=5)
    assert split_pool(list(range(30)), pool=10, seed=3, limit_eval=None)[1][:5] == held_out
    assert split_pool(list(range(30)), pool=10, seed=3, limit_eval=None, skip_eval=2)[1][:3] == held_out[2:]
    with pytest.raises(ValueError, match="skip_eval"):
        LearningPlan(skip_eval=-1)


def test_an_approved_correction_answers_its_question_on_a_database_without_a_semantic_model(
    tmp_path: Path, sqlite_shop: str
) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    model = Replies("SELECT name FROM customers")
    assistant = Assistant(sqlite_shop, generator=model, log=log)
    assert assistant.semantic is None
    question = "Which customers are key accounts?"
    assistant.record("edited", assistant.ask(question), final_sql=KEY_ACCOUNTS)
    assert assistant.ask(question).path == "sql", "a candidate does not answer yet"

    (candidate,) = review_queue(log, assistant.database, assistant.schema)
    approve(log, candidate.event_id, assistant.database, assistant.schema, reviewer="bo")
    asked = model.prompts
    answer = Assistant(sqlite_shop, generator=model, log=log).ask("which customers are KEY accounts")
    assert (answer.path, answer.sql, answer.model_id) == ("verified", KEY_ACCOUNTS, "semantic layer")
    assert answer.data is not None and sorted(answer.data["name"]) == ["Acme", "Dune"]
    assert model.prompts == asked, "no model was asked"
    turned_off = Assistant(sqlite_shop, generator=model, log=log, semantic=False).ask(question)
    assert turned_off.path == "sql", "semantic=False answers every question with generated SQL"
    assert assistant.ask("Which customers are new?").path == "sql", "only its own question"

    reject(log, candidate.event_id, assistant.database, reason="not the key-account rule")
    assert assistant.ask(question).path == "sql", "a rejection takes it back"


@pytest.mark.slow
def test_bench_learning_takes_corrections_through_review_to_a_fresh_assistant(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _shop_questions(tmp_path, sqlite_shop)
    out, benchmarks = tmp_path / "learning.json", tmp_path / "BENCHMARKS.md"
    command = ["bench", "learning", "--data", str(data), "--points", "0,2", "--limit-eval", "3"]
    command += ["--semantic", "none", "--json", str(out), "--benchmarks", str(benchmarks)]

    monkeypatch.setattr(sys, "argv", ["chatbi", *command])  # the row names the command as typed
    assert main(command) == 0
    capsys.readouterr()

    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["databases"] == ["shop"] and summary["points"] == [0, 2]
    pool, held_out = split_pool(load_jsonl(data), pool=2, seed=0, limit_eval=3)
    taught = summary["corrections"]["shop"]["taught"]
    assert [t["question"] for t in taught] == [p.question for p in pool]
    assert all(t["approved"] for t in taught), taught
    store = summary["corrections"]["shop"]["store"]
    assert (store["0"]["approved"], store["2"]["approved"]) == (0, 2), "approved in the store, by review"
    accepted = store["2"]["suggestions"].get("accepted", 0)
    assert store["0"]["accepted"] == [] and len(store["2"]["accepted"]) == accepted, "what was learned, said"
    questions = summary["questions"]
    assert [q["question"] for q in questions] == [h.question for h in held_out]
    repeated = [q for q in questions if q["question"] in {p.question for p in pool}]
    assert repeated, "the split holds out a question a correction answered"
    for question in repeated:
        assert question["covered"] == {"0": False, "2": True}
        before, after = question["answers"]["0"], question["answers"]["2"]
        assert before["path"] == "sql" and not before["right"], "the model cannot know the shop's rule"
        assert after["path"] == "verified" and after["right"], "answered by the approved correction"
    first, last = summary["by_point"]
    assert (first["corrections"], last["corrections"]) == (0, 2) and last["approved"] == 2
    assert last["covered"]["n"] == len(repeated) and last["covered"]["ex"] == 1.0
    assert last["all"]["n"] == first["all"]["n"] == 3
    assert last["all"]["lift"] == round(last["all"]["ex"] - first["all"]["ex"], 4) > 0
    assert summary["by_database"]["shop"] == summary["by_point"]
    row = benchmarks.read_text(encoding="utf-8").splitlines()[-1]
    assert row.startswith("| shop | 3 | 0: ") and "`chatbi " in row and "--points 0,2" in row


def _shop_questions(folder: Path, shop: str) -> Path:
    """The shop's questions, each twice, as a .jsonl for ``--data``."""
    data = folder / "shop.jsonl"
    rows = [{"db": shop, "question": q, "sql": sql} for q, sql in QUESTIONS for _ in range(2)]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return data


def test_bench_learning_retrains_only_a_local_model_and_replays_only_into_a_retraining(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    learning = ["bench", "learning", "--data", str(_shop_questions(tmp_path, sqlite_shop))]
    assert main([*learning, "--replay", "spider:somewhere"]) == 2
    assert "use it with --retrain" in capsys.readouterr().err
    assert main([*learning, "--retrain", "--base-url", "http://127.0.0.1:9/v1"]) == 2
    assert "leave out --base-url" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_learning_retrains_on_the_approved_corrections_and_asks_again(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, benchmarks = tmp_path / "learning.json", tmp_path / "BENCHMARKS.md"
    command = ["bench", "learning", "--data", str(_shop_questions(tmp_path, sqlite_shop))]
    command += ["--points", "0,2", "--limit-eval", "3", "--semantic", "none", "--json", str(out)]
    command += ["--retrain", "--device", "cpu", "--epochs", "1", "--batch-size", "2"]
    command += ["--benchmarks", str(benchmarks)]

    monkeypatch.setattr(sys, "argv", ["chatbi", *command])
    assert main(command) == 0
    capsys.readouterr()

    summary = json.loads(out.read_text(encoding="utf-8"))
    retrained = summary["retrained"]
    assert (retrained["corrections"], retrained["examples"], retrained["replayed"]) == (2, 2, 0)
    assert retrained["start_from"] == str(default_adapter()), "it goes on from the adapter in use"
    assert retrained["adapter_hash"] not in (None, summary["adapter_hash"]), "asked with the new adapter"
    point = retrained["summary"]
    assert point["retrained"] and (point["corrections"], point["approved"], point["all"]["n"]) == (2, 2, 3)
    for question in summary["questions"]:
        assert question["covered"]["retrained"] == question["covered"]["2"]
        if question["covered"]["2"]:  # the approved correction still answers it, whatever the model
            assert question["answers"]["retrained"]["path"] == "verified"
            assert question["answers"]["retrained"]["right"]
    assert point["all"]["ex"] == round(
        sum(q["answers"]["retrained"]["right"] for q in summary["questions"]) / 3, 4
    )
    row = benchmarks.read_text(encoding="utf-8").splitlines()[-1]
    assert f"2 + retraining: {point['all']['ex']:.3f}" in row and "--retrain" in row
