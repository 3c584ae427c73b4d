"""The learning benchmark on the demo database (``chatbi bench learning --data business``): corrections of
dev questions, the test questions held out and judged as ``chatbi eval --data business`` judges them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_learning_bench import QUESTIONS

from feedback.datasets import seeded_shuffle
from nl2sql.answer import Answer
from nl2sql.cli import main
from nl2sql.connect import open_database
from nl2sql.evaluation.business import business_examples
from nl2sql.evaluation.coverage import covers, query_shape
from nl2sql.evaluation.learning import LearningPlan, NoSemanticModelError, measure_learning, split_pool
from nl2sql.evaluation.learning_judge import BusinessJudge, ResultsJudge
from nl2sql.execute import run_query


def _answer(question: str, sql: str = "", rows: list[tuple] | None = None, path: str = "sql") -> Answer:
    data = None if rows is None else pd.DataFrame(rows)
    return Answer(question, sql, data=data, path=path)


def test_the_business_judge_counts_a_refusal_right_only_where_the_data_cannot_answer(
    pinned_demo_db: Path,
) -> None:
    dev = business_examples("dev", pinned_demo_db)
    unanswerable = next(e for e in dev if e.sql is None)
    answerable = next(e for e in dev if e.sql is not None)
    database = open_database(pinned_demo_db)
    judge = BusinessJudge(database)
    refusal = _answer(unanswerable.question, path="refused")
    assert judge.right(unanswerable.sql, refusal), "the data cannot answer it: refusing is right"
    assert not judge.right(answerable.sql, _answer(answerable.question, path="refused"))

    assert answerable.sql is not None
    gold = run_query(database, answerable.sql, max_rows=1000).rows
    answered = _answer(answerable.question, answerable.sql, gold)
    assert judge.right(answerable.sql, answered), "the gold rows"
    assert not judge.right(unanswerable.sql, answered), "an answer to what the data cannot answer"
    assert not judge.right(answerable.sql, _answer(answerable.question, "SELECT 1", [(-1,)]))

    spider = ResultsJudge(database)  # Spider's: the answer's SQL runs again, no refusal is right
    assert spider.right(answerable.sql, answered) and not spider.right(unanswerable.sql, refusal)


def test_coverage_reads_business_questions_with_and_without_gold_sql(pinned_demo_db: Path) -> None:
    dev = [e for e in business_examples("dev", pinned_demo_db) if e.sql is not None]
    shapes: dict[str, list] = {}
    for example in dev:
        shapes.setdefault(query_shape(example.sql or ""), []).append(example)
    first, second = next(same for same in shapes.values() if len(same) > 1)[:2]
    assert first.question != second.question and covers(first, second), "the same query, values aside"
    unanswerable = next(e for e in business_examples("dev", pinned_demo_db) if e.sql is None)
    assert not covers(first, unanswerable) and not covers(unanswerable, first)
    assert covers(unanswerable, unanswerable), "its own wording"


def test_curated_is_refused_where_the_database_has_no_semantic_model_of_its_own(
    tmp_path: Path, sqlite_shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "learning", "--spider", str(tmp_path), "--semantic", "curated"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: --semantic curated measures the demo database's own semantic model: use it with --data"
        " business"
    )
    from feedback.datasets import TextToSQLExample

    shop = [TextToSQLExample("shop", q, sql, Path(sqlite_shop)) for q, sql in QUESTIONS]
    with pytest.raises(NoSemanticModelError, match="shop has no semantic model of its own"):
        measure_learning(shop, None, ["shop"], LearningPlan(points=(0, 1), semantic="curated"))  # type: ignore[arg-type]


@pytest.mark.slow
def test_bench_learning_on_the_demo_corrects_dev_questions_and_holds_out_test_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, benchmarks = tmp_path / "learning.json", tmp_path / "BENCHMARKS.md"
    command = ["bench", "learning", "--data", "business", "--points", "0,2", "--held-out", "3:2"]
    command += ["--json", str(out), "--benchmarks", str(benchmarks)]
    monkeypatch.setattr(sys, "argv", ["chatbi", *command])
    assert main(command) == 0
    capsys.readouterr()

    summary = json.loads(out.read_text(encoding="utf-8"))
    assert (summary["semantic"], summary["judge"], summary["databases"]) == ("curated", "business", ["demo"])
    dev = [e for e in business_examples("dev") if e.sql is not None]
    taught = summary["corrections"]["demo"]["taught"]
    assert [t["question"] for t in taught] == [e.question for e in seeded_shuffle(dev, 0)[:2]]
    assert all(t["path"] == "semantic" for t in taught), "the demo's shipped model reads them"
    test = business_examples("test")
    _, held_out = split_pool(test, pool=0, seed=0, limit_eval=2, skip_eval=3)
    assert [q["question"] for q in summary["questions"]] == [h.question for h in held_out]
    assert held_out == split_pool(test, pool=0, seed=0, limit_eval=5)[1][3:], "after the first three"
    assert (summary["held_out"], summary["skip_eval"]) == ({"demo": 2}, 3)
    first, last = summary["by_point"]
    assert (first["corrections"], last["corrections"], last["all"]["n"]) == (0, 2, 2)
    assert sum(last["paths"].values()) == 2
    row = benchmarks.read_text(encoding="utf-8").splitlines()[-1]
    assert row.startswith("| demo | 2 | 0: ") and "| curated |" in row and "--data business" in row


@pytest.mark.slow
def test_no_semantic_layer_on_the_demo_means_none_at_all() -> None:
    from nl2sql.models.resolve import load_generator

    dev = [e for e in business_examples("dev") if e.sql is not None]
    corrected = seeded_shuffle(dev, 0)[:1]  # the pool, held out again: an approved correction of it
    plan = LearningPlan(points=(0, 1), limit_eval=1, semantic="none", judge="business")
    summary = measure_learning(dev, load_generator(), ["demo"], plan, held_out=corrected, progress=False)

    taught = summary["corrections"]["demo"]["taught"]
    assert [t["question"] for t in taught] == [e.question for e in corrected]
    assert {t["path"] for t in taught} == {"sql"}, "the question its shipped model reads goes to the model"
    assert all(t["approved"] for t in taught), taught
    assert all(q["covered"]["1"] for q in summary["questions"])
    paths = {a["path"] for q in summary["questions"] for a in q["answers"].values()}
    assert paths == {"sql"}, "not even an approved correction answers as a verified query"
    assert summary["held_out"] == {"demo": 1} and summary["semantic"] == "none"
