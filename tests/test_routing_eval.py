"""Measuring routing: on a SQL data set, and on the business question set (through Assistant.ask)."""

from __future__ import annotations

from pathlib import Path

from conftest import Replies

from feedback.datasets import TextToSQLExample
from nl2sql.answer import Answer
from nl2sql.demo.business import BusinessQuestion
from nl2sql.evaluation.business import evaluate_business
from nl2sql.evaluation.routing import evaluate_routing


def test_only_routed_questions_can_change_the_score(sqlite_shop: str) -> None:
    examples = [
        TextToSQLExample(
            "shop", "How many customers are there?", "SELECT count(*) FROM customers", Path(sqlite_shop)
        ),
        TextToSQLExample(
            "shop", "List the names of SMB customers", "SELECT name FROM customers", Path(sqlite_shop)
        ),
    ]
    report = evaluate_routing(examples, Replies("SELECT 1"), progress=False)
    assert (report.questions, report.routed, report.semantic_right, report.sql_right) == (2, 1, 1, 0)
    assert report.ex_change == 0.5 and report.details[0]["path"] == "semantic"


def test_business_scoring_counts_silent_wrong_answers_and_refusals() -> None:
    import pandas as pd

    questions = [
        BusinessQuestion("q1", "en", "right", "SELECT 1 AS a", ("single_metric",), "dev"),
        BusinessQuestion("q2", "en", "silently wrong", "SELECT 1 AS a", ("single_metric",), "dev"),
        BusinessQuestion("q3", "en", "wrong with a warning", "SELECT 1 AS a", ("single_metric",), "dev"),
        BusinessQuestion("q4", "zh", "out of scope", None, ("out_of_scope",), "dev"),
    ]
    answers = {
        "right": Answer("right", "SELECT 1", data=pd.DataFrame({"a": [1], "b": [2]}), path="semantic"),
        "silently wrong": Answer(
            "silently wrong", "SELECT 2", data=pd.DataFrame({"a": [2]}), path="semantic"
        ),
        "wrong with a warning": Answer(
            "wrong with a warning", "SELECT 2", data=pd.DataFrame({"a": [2]}), path="sql", notes=["check it"]
        ),
        "out of scope": Answer("out of scope", "", error="not answered: no", path="refused"),
    }
    report = evaluate_business(questions, answers.__getitem__, run_gold=lambda sql: ([(1,)], False))
    summary = report.summary()
    assert summary["ex"] == 0.333 and summary["valid_but_wrong_count"] == 1
    assert (summary["refusal_recall"], summary["refusal_precision"]) == (1.0, 1.0)
    assert summary["paths"] == {"refused": 0.25, "semantic": 0.5, "sql": 0.25}
