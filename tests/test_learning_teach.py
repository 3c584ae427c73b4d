"""Each way corrections teach can be kept from the assistant on its own (``Assistant(teach=…)``,
``chatbi bench learning --teach``), and the learning benchmark holds out as many questions as asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_learning_bench import QUESTIONS
from test_teaching import ABERDEEN_ARRIVALS, AIRLINE_FLIGHTS, corrected, flights_db  # noqa: F401

from feedback.channels import TEACHING_CHANNELS
from feedback.similar import CorrectionIndex
from nl2sql import Assistant
from nl2sql.cli import main
from nl2sql.evaluation.learning import LearningPlan

JETBLUE = "Give the number of Jetblue Airways flights."
UNLIKE_ANY = "Count the flights of United Airlines that land in Abilene"
LEARNED_KEY = "FOREIGN KEY (Airline) REFERENCES airlines(uid)"


def _index() -> CorrectionIndex:
    return CorrectionIndex(
        [
            corrected(1, JETBLUE, AIRLINE_FLIGHTS),
            corrected(2, "How many flights arriving in Aberdeen city?", ABERDEEN_ARRIVALS),
            corrected(
                3, "Which airlines are from the USA?", "SELECT Airline FROM airlines WHERE Country = 'USA'"
            ),
        ],
        embeddings=False,
    )


def _taught(flights_db: str, *teach: str) -> Assistant:  # noqa: F811
    return Assistant(flights_db, log=None, corrections=_index(), semantic=None, teach=teach)


def _shown(assistant: Assistant, question: str) -> list[str]:
    return [example.sql for example in assistant.similar_examples(question)]


def test_each_way_of_teaching_reaches_the_prompt_only_when_it_is_on(flights_db: str) -> None:  # noqa: F811
    everything = _taught(flights_db, *TEACHING_CHANNELS)
    assert _shown(everything, JETBLUE) == [AIRLINE_FLIGHTS], "worded like it"
    assert _shown(everything, UNLIKE_ANY) == [AIRLINE_FLIGHTS], "shows the schema it needs"
    assert LEARNED_KEY in everything.messages(UNLIKE_ANY)[-1]["content"]
    assert [v.sql for v in everything.verified_queries()][:1] == [AIRLINE_FLIGHTS]

    examples = _taught(flights_db, "examples")
    assert _shown(examples, JETBLUE) == [AIRLINE_FLIGHTS]
    assert _shown(examples, UNLIKE_ANY) == [], "lessons are off"
    assert LEARNED_KEY not in examples.messages(UNLIKE_ANY)[-1]["content"], "notes are off"
    assert examples.verified_queries() == ()

    lessons = _taught(flights_db, "lessons")
    assert _shown(lessons, UNLIKE_ANY) == [AIRLINE_FLIGHTS]
    assert _shown(lessons, JETBLUE) == [], "one worded like it is an example, which is off"

    notes = _taught(flights_db, "notes")
    assert _shown(notes, JETBLUE) == _shown(notes, UNLIKE_ANY) == []
    assert LEARNED_KEY in notes.messages(UNLIKE_ANY)[-1]["content"]

    verified = _taught(flights_db, "verified")
    assert len(verified.verified_queries()) == 3 and _shown(verified, JETBLUE) == []

    nothing = _taught(flights_db)
    assert nothing.verified_queries() == () and _shown(nothing, JETBLUE) == []
    assert nothing._schema_text(UNLIKE_ANY) is None, "the schema as it is"
    assert nothing.messages(UNLIKE_ANY) == Assistant(flights_db, log=None, semantic=None).messages(UNLIKE_ANY)


def test_the_plan_and_the_command_refuse_a_way_of_teaching_they_do_not_know(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ValueError, match="hints"):
        LearningPlan(teach=(frozenset({"notes", "hints"}),))
    with pytest.raises(ValueError, match="different"):
        LearningPlan(teach=(frozenset({"notes"}), frozenset({"notes"})))
    assert LearningPlan(teach=(frozenset(TEACHING_CHANNELS), frozenset())).teach_names == ["all", "none"]
    with pytest.raises(SystemExit):
        main(["bench", "learning", "--data", "x.jsonl", "--teach", "notes,hints"])
    assert "unknown way of teaching 'hints'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["bench", "learning", "--data", "x.jsonl", "--held-out", "some"])
    with pytest.raises(SystemExit):
        main(["bench", "learning", "--data", "x.jsonl", "--held-out", "first:20"])
    assert "write FIRST:N" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_learning_holds_out_every_question_left_and_compares_ways_of_teaching(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "shop.jsonl"
    rows = [{"db": sqlite_shop, "question": q, "sql": sql} for q, sql in QUESTIONS for _ in range(2)]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "learning.json"
    command = ["bench", "learning", "--data", str(data), "--points", "0,2", "--held-out", "all"]
    command += ["--semantic", "none", "--teach", "none", "--teach", "verified,notes", "--json", str(out)]
    assert main(command) == 0
    capsys.readouterr()

    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["teach"] == "none" and list(summary["by_teach"]) == ["none", "verified,notes"]
    assert summary["limit_eval"] is None and summary["by_teach"]["none"] == summary["by_point"]
    assert summary["held_out"] == {"shop": 4}, "six questions, two corrected"
    assert all(t["approved"] for t in summary["corrections"]["shop"]["taught"]), "the user has every way"
    covered = [q for q in summary["questions"] if q["covered"]["2"]]
    assert covered, "a held-out question a correction answered"
    for question in summary["questions"]:
        before, after = question["answers"]["0"], question["answers"]["2"]
        assert after["path"] == "sql" and after["examples"] == [], "nothing reaches the answer"
        assert after["right"] == before["right"]
    assert summary["by_point"][-1]["covered"]["lift"] == 0.0

    (verified,) = summary["questions_by_teach"].values()
    assert [q["question"] for q in verified] == [q["question"] for q in summary["questions"]]
    for question, untaught in zip(verified, summary["questions"], strict=True):
        assert question["answers"]["0"] == untaught["answers"]["0"], "nothing to teach yet: the same answer"
        if question["covered"]["2"]:
            assert question["answers"]["2"]["path"] == "verified" and question["answers"]["2"]["right"]
    assert summary["by_teach"]["verified,notes"][-1]["covered"]["lift"] > 0
