"""The chatbi command as a user runs it: a subprocess, its output, its exit status."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from nl2sql.demo import ensure_demo_database
from nl2sql.demo.build import sidecar_path


def chatbi(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nl2sql", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=os.environ.copy())


def assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert text in lines[0]


def test_schema_of_the_demo_database() -> None:
    result = chatbi("schema", "--db", "demo")
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE customers (" in result.stdout
    assert "REFERENCES regions(region_id)" in result.stdout


def test_sql_runs_reads_and_refuses_writes() -> None:
    result = chatbi("sql", "--db", "demo", "SELECT COUNT(*) AS n FROM orders", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"][0][0] >= 50_000
    refused = chatbi("sql", "--db", "demo", "DELETE FROM orders; SELECT 1")
    assert refused.returncode == 1
    assert "refused" in refused.stdout


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["ask", "--db", "/nowhere/x.sqlite", "How many?"], "no such database file"),
        (["ask", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", "How many?"], "cannot open database"),
        (["ask", "--db", "demo", "   "], "the question is empty"),
        (["schema", "--db", "mongodb://localhost/x"], "unsupported database kind"),
    ],
)
def test_user_errors_are_one_line(args: list[str], text: str) -> None:
    assert_one_line_error(chatbi(*args), text)


@pytest.mark.slow
def test_ask_with_the_real_model() -> None:
    """Words the semantic model does not cover ("in Chinese and English"): the model writes the SQL (the
    semantic path is tested apart)."""
    result = chatbi("ask", "--db", "demo", "List the region names in Chinese and English", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"sql", "columns", "rows", "error", "timings", "path"} <= set(answer)
    with sqlite3.connect(ensure_demo_database()) as connection:
        expected = connection.execute("SELECT name_zh, name_en FROM regions").fetchall()
    assert answer["error"] is None and answer["path"] == "sql"
    assert sorted(answer["rows"]) == sorted([list(row) for row in expected])
    assert answer["model_id"] == "qwen2.5-coder-0.5b"
    assert answer["explanation"]["summary"].startswith("Lists")


def test_ask_a_metric_question_without_the_model() -> None:
    result = chatbi("ask", "--db", "demo", "How many customers are there?")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(ensure_demo_database()) as connection:
        expected = connection.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    assert result.stdout.startswith("[Answered from the semantic model")
    assert "read as: customer count" in result.stdout and f" {expected}\n" in result.stdout
    assert "[semantic layer]" in result.stdout


@pytest.mark.slow
def test_chatbi_demo_answers_and_explains_its_questions() -> None:
    result = chatbi("demo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(">>> ") == 5
    assert "Start from customers (one row per customer)." in result.stdout
    assert "从 products" in result.stdout  # the Chinese question is explained in Chinese
    assert "error:" not in result.stdout


@pytest.mark.slow
def test_eval_on_the_demo_questions_names_the_day_its_data_runs_to(tmp_path) -> None:
    from conftest import DEMO_AS_OF

    out, benchmarks = tmp_path / "demo.json", tmp_path / "BENCHMARKS.md"
    result = chatbi(
        "eval", "--data", "demo", "--limit", "2", "--json", str(out), "--benchmarks", str(benchmarks)
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["data_as_of"] == DEMO_AS_OF and summary["evaluated"] == 2
    assert summary["data"] == f"demo (data to {DEMO_AS_OF})"
    assert f"| demo (data to {DEMO_AS_OF}) |" in benchmarks.read_text(encoding="utf-8")


def test_demo_db_builds_a_pinned_copy_byte_for_byte(tmp_path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (first, second):
        result = chatbi("demo-db", "--as-of", "2028-02-29", "--output", str(path))
        assert result.returncode == 0, result.stderr
        assert "data up to 2028-02-29 (pinned)" in result.stdout
    assert first.read_bytes() == second.read_bytes()
    assert_one_line_error(
        chatbi("demo-db", "--as-of", "29/02/2028"), "--as-of must be a date written YYYY-MM-DD"
    )


@pytest.mark.parametrize("name", ["x?mode=rwc&a=.sqlite", "x#.sqlite", "x%3Fmode%3Drwc.sqlite"])
def test_demo_db_reads_back_a_file_whose_name_looks_like_uri_options(tmp_path, name: str) -> None:
    """The content hash and the row counts open the file itself read-only: a ``?``, ``#`` or ``%`` in its
    name is part of the name, never options that would open (and create) ``x`` beside it."""
    path = tmp_path / name
    result = chatbi("demo-db", "--as-of", "2028-02-29", "--output", str(path))
    assert result.returncode == 0, result.stderr
    counts = dict(pair.rsplit(" ", 1) for pair in result.stdout.splitlines()[-1].strip().split(", "))
    with sqlite3.connect(path) as connection:
        assert int(counts["orders"]) == connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, sidecar_path(path).name])


@pytest.mark.slow
def test_eval_business_reports_ex_paths_and_the_row(tmp_path) -> None:
    out, benchmarks = tmp_path / "business.json", tmp_path / "BENCHMARKS.md"
    result = chatbi(
        "eval", "--data", "business", "--split", "dev", "--limit", "4", "--json", str(out), "--benchmarks",
        str(benchmarks),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["questions"] == 4 and summary["as_of"] == "2026-06-30" and summary["split"] == "dev"
    assert {"ex", "ex_by_tag", "ex_by_lang", "paths", "valid_but_wrong", "refusal_recall", "latency"} <= set(
        summary
    )
    assert len(summary["results"]) == 4 and all(
        r["path"] in ("semantic", "sql", "refused") for r in summary["results"]
    )
    assert "## Business questions" in benchmarks.read_text(encoding="utf-8")
