"""The evaluation harness: EX semantics, data set loaders, a whole run, and the BENCHMARKS.md rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_assistant import Scripted

from feedback.datasets import load_examples
from nl2sql.evaluation.harness import EvalSettings, evaluate
from nl2sql.evaluation.match import results_match
from nl2sql.evaluation.report import append_benchmark, benchmark_row, write_json


@pytest.mark.parametrize(
    ("gold", "predicted", "ordered", "same"),
    [
        ([(1,), (2,)], [(2,), (1,)], False, True),
        ([(1,), (2,)], [(2,), (1,)], True, False),
        ([(1, "a")], [("a", 1)], False, True),
        ([(1,), (1,), (2,)], [(1,), (2,), (2,)], False, False),
        ([(1,)], [(1,), (1,)], False, False),
        ([], [], False, True),
        ([(1, 2)], [(1,)], False, False),
        ([(1.0,)], [(1,)], False, True),
    ],
)
def test_results_match(gold, predicted, ordered, same) -> None:
    assert results_match(gold, predicted, ordered=ordered) is same


def test_a_whole_run_scores_repairs_and_skips(tmp_path: Path, shop_pairs: Path) -> None:
    examples = load_examples(shop_pairs)
    generator = Scripted(
        "```sql\nSELECT COUNT(*) FROM customers\n```",
        "```sql\nSELECT name FROM customers WHERE segment = 'SMB' ORDER BY name DESC\n```",
        "```sql\nSELECT SUM(o.AMOUNT_) FROM orders AS o\n```",
        "```sql\nSELECT SUM(price) FROM orders\n```",
    )
    report = evaluate(examples, generator, EvalSettings(batch_size=1), progress=False)
    summary = report.summary()
    assert (summary["total"], summary["skipped"], summary["evaluated"]) == (4, 1, 3)
    assert [p.correct for p in report.predictions] == [True, False, True]
    assert report.predictions[2].sql == "SELECT SUM(o.amount) FROM orders AS o"  # mended, no repair needed
    assert summary["latency"]["p50"] is not None
    out = tmp_path / "result.json"
    written = write_json(report, out, command="chatbi eval --data pairs.jsonl", data="pairs")
    assert json.loads(out.read_text())["predictions"][0]["correct"] is True
    benchmarks = tmp_path / "BENCHMARKS.md"
    append_benchmark(benchmarks, benchmark_row(written, "chatbi eval --data pairs.jsonl", "pairs"))
    append_benchmark(benchmarks, benchmark_row(written, "chatbi eval --data pairs.jsonl", "pairs"))
    text = benchmarks.read_text()
    assert text.count("| pairs | scripted |") == 2
    assert "| 3 | 0.667 |" in text


def test_repair_round_in_evaluation(shop_pairs: Path) -> None:
    examples = load_examples(shop_pairs)[:1]
    generator = Scripted("SELECT COUNT(*) FROM nowhere_at_all", "SELECT COUNT(*) FROM customers")
    report = evaluate(examples, generator, EvalSettings(batch_size=1), progress=False)
    (prediction,) = report.predictions
    assert prediction.repaired and prediction.correct
    assert prediction.first_error.startswith("no table nowhere_at_all")


def test_bird_layout(tmp_path: Path, sqlite_shop: str) -> None:
    folder = tmp_path / "bird"
    (folder / "dev_databases" / "shop").mkdir(parents=True)
    Path(sqlite_shop).rename(folder / "dev_databases" / "shop" / "shop.sqlite")
    record = {
        "db_id": "shop",
        "question": "Big orders?",
        "evidence": "big means amount > 50",
        "SQL": "SELECT order_id FROM orders WHERE amount > 50",
        "difficulty": "simple",
    }
    (folder / "dev.json").write_text(json.dumps([record]), encoding="utf-8")
    (example,) = load_examples(f"bird:{folder}:dev")
    assert example.available and example.evidence == "big means amount > 50"
    assert example.hardness == "simple"


def test_unknown_data_set_is_a_clear_error(tmp_path: Path) -> None:
    from feedback.errors import DatasetError

    with pytest.raises(DatasetError, match="cannot tell what data set"):
        load_examples(tmp_path / "nothing.csv")


def test_candidates_in_evaluation(shop_pairs: Path) -> None:
    examples = load_examples(shop_pairs)[1:2]  # SMB names, ordered
    generator = Scripted(
        "SELECT name FROM customers WHERE segment = 'Enterprise' ORDER BY name",
        "SELECT name FROM customers WHERE segment = 'SMB' ORDER BY name",
        'SELECT name FROM customers WHERE segment = "SMB" ORDER BY name',
    )
    report = evaluate(examples, generator, EvalSettings(batch_size=1, candidates=3), progress=False)
    (prediction,) = report.predictions
    assert prediction.correct and prediction.candidates == 3
    assert report.summary()["settings"]["candidates"] == 3


def test_fallback_samples_in_evaluation(shop_pairs: Path) -> None:
    examples = load_examples(shop_pairs)[1:3]
    generator = Scripted(
        "SELECT nme FROM customers",  # first question: invalid ...
        "SELECT SUM(amount) FROM orders",  # second question: valid
        "SELECT nmee FROM customers",  # ... its repair is invalid too ...
        "SELECT name FROM customers WHERE segment = 'SMB' ORDER BY name",  # ... a sample is valid
        "SELECT nope FROM customers",
    )
    settings = EvalSettings(batch_size=1, fallback_samples=2)
    report = evaluate(examples, generator, settings, progress=False)
    first, second = report.predictions
    assert first.fallback and first.repaired and first.correct and first.candidates == 3
    assert second.correct and not second.fallback and not second.repaired
    assert report.summary()["fallback"] == 1 and not generator.answers


def test_join_completion_switch(tmp_path: Path, sqlite_shop: str) -> None:
    pairs = tmp_path / "joins.jsonl"
    gold = "SELECT c.segment, SUM(o.amount) FROM orders o JOIN customers c USING (customer_id) GROUP BY 1"
    pairs.write_text(json.dumps({"db": sqlite_shop, "question": "Amount per segment", "sql": gold}) + "\n")
    forgot_the_join = "SELECT segment, SUM(amount) FROM orders GROUP BY segment"
    on = evaluate(load_examples(pairs), Scripted(forgot_the_join), EvalSettings(batch_size=1), progress=False)
    assert on.predictions[0].correct and not on.predictions[0].repaired
    off = EvalSettings(batch_size=1, join_completion=False, fallback_samples=0)
    report = evaluate(load_examples(pairs), Scripted(forgot_the_join, "SELECT 1"), off, progress=False)
    assert report.predictions[0].repaired and not report.predictions[0].correct
    assert "joins" in benchmark_row(on.summary(), "chatbi eval", "pairs")
    assert "joins" not in benchmark_row(report.summary(), "chatbi eval", "pairs")


def test_distinct_switch(tmp_path: Path, sqlite_shop: str) -> None:
    pairs = tmp_path / "customers.jsonl"
    gold = "SELECT DISTINCT c.name FROM customers c JOIN orders o ON o.customer_id = c.customer_id"
    pairs.write_text(json.dumps({"db": sqlite_shop, "question": "Customers with orders", "sql": gold}) + "\n")
    repeated = "SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.customer_id"
    on = evaluate(load_examples(pairs), Scripted(repeated), EvalSettings(batch_size=1), progress=False)
    assert on.predictions[0].correct and on.predictions[0].sql.startswith("SELECT DISTINCT")
    off = EvalSettings(batch_size=1, distinct_rows=False)
    report = evaluate(load_examples(pairs), Scripted(repeated), off, progress=False)
    assert not report.predictions[0].correct  # Acme has two orders: listed twice
    assert "distinct" in benchmark_row(on.summary(), "chatbi eval", "pairs")
    assert "distinct" not in benchmark_row(report.summary(), "chatbi eval", "pairs")


def test_the_repaired_query_is_mended(tmp_path: Path, sqlite_shop: str) -> None:
    pairs = tmp_path / "names.jsonl"
    gold = "SELECT name FROM customers"
    pairs.write_text(json.dumps({"db": sqlite_shop, "question": "Names", "sql": gold}))
    generator = Scripted("SELECT nme FROM customers", "SELECT name FROM customer")
    report = evaluate(load_examples(pairs), generator, EvalSettings(batch_size=1), progress=False)
    assert report.predictions[0].repaired and report.predictions[0].correct
    off = EvalSettings(batch_size=1, autofix=False, fallback_samples=0)
    generator = Scripted("SELECT nme FROM customers", "SELECT name FROM customer")
    assert not evaluate(load_examples(pairs), generator, off, progress=False).predictions[0].correct


def test_on_data_that_stops_on_a_known_day_both_queries_read_that_day() -> None:
    """The demo's data ends on its own day: a gold query reading the clock ("last month") is scored
    as of that day, as the assistant answers there, whatever the machine's clock says."""
    from datetime import timedelta

    from feedback.datasets import TextToSQLExample
    from nl2sql.connect import open_database
    from nl2sql.demo.build import ensure_demo_database
    from nl2sql.semantic.locate import data_day

    path = ensure_demo_database()
    day = data_day(open_database(path))
    assert day is not None
    this_month = day.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    month_before = (last_month - timedelta(days=1)).replace(day=1)
    gold = (
        "SELECT COUNT(*) FROM orders WHERE order_date >= DATE('now', 'start of month', '-1 months')"
        " AND order_date < DATE('now', 'start of month')"
    )
    literal = "SELECT COUNT(*) FROM orders WHERE order_date >= '{}' AND order_date < '{}'"
    examples = [TextToSQLExample("demo", "How many orders last month?", gold, path)] * 2
    generator = Scripted(
        f"```sql\n{literal.format(last_month, this_month)}\n```",
        f"```sql\n{literal.format(month_before, last_month)}\n```",
    )
    report = evaluate(examples, generator, EvalSettings(batch_size=1, repair=False), progress=False)
    assert [p.correct for p in report.predictions] == [True, False]
