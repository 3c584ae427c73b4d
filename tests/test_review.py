"""review(): diagnostics, explanation and plan together; `chatbi explain`; seeded mistakes flagged."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml

from explain.check import check
from explain.mistakes import MISTAKE_KINDS, seed_mistakes
from explain.review import review
from nl2sql.cli import main
from nl2sql.connect import open_database
from nl2sql.demo import load_demo_questions
from nl2sql.glossary import database_glossary

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.date(2026, 11, 23)


def _fixture_queries() -> list[str]:
    """Every query written in our SQL fixture files: our own committed sample of real-world shapes."""
    found: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"sql", "expected_sql", "before", "after"} and isinstance(value, str):
                    found.append(value)
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    for path in sorted(FIXTURES.glob("*.yaml")):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    return list(dict.fromkeys(found))


SAMPLE = [q.sql for q in load_demo_questions()] + _fixture_queries()


def test_the_sample_is_large_enough() -> None:
    assert len(SAMPLE) >= 200


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_sample_query_is_reviewed_without_an_exception(demo_schema, lang: str) -> None:
    terms = database_glossary(open_database("demo")).terms
    for sql in SAMPLE:
        result = review(sql, demo_schema, lang=lang, today=TODAY, terms=terms)
        assert result.diagnostics or result.explanation is not None, sql
        if result.explanation is not None:
            assert result.explanation.summary and result.explanation.steps, sql
            assert result.plan is not None
        json.dumps(result.to_dict(), ensure_ascii=False)
        assert result.to_text().startswith(sql)


def test_demo_gold_queries_have_no_errors_and_name_their_business_terms(demo_schema) -> None:
    terms = database_glossary(open_database("demo")).terms
    used = set()
    for question in load_demo_questions():
        result = review(question.sql, demo_schema, question=question.question, today=TODAY, terms=terms)
        assert not result.errors, (question.id, result.errors)
        assert result.explanation.lang == ("zh" if question.lang == "zh" else "en")
        used |= {term.name for term in result.terms_used}
    assert {"valid order", "华北"} <= used


def test_seeded_mistakes_are_flagged(demo_schema) -> None:
    seeded = dict.fromkeys(MISTAKE_KINDS, 0)
    flagged = dict.fromkeys(MISTAKE_KINDS, 0)
    for question in load_demo_questions():
        before = {d.code for d in check(question.sql, demo_schema)}
        for mistake in seed_mistakes(question.sql, demo_schema):
            seeded[mistake.kind] += 1
            found = check(mistake.sql, demo_schema)
            flagged[mistake.kind] += any(d.is_error or d.code not in before for d in found)
    shares = {kind: flagged[kind] / seeded[kind] for kind in MISTAKE_KINDS}
    assert min(seeded.values()) >= 10, seeded
    assert shares["hallucinated-column"] == 1.0
    assert shares["dropped-join-condition"] >= 0.95, shares
    assert shares["wrong-join-key"] >= 0.9, shares
    assert shares["wrong-table"] >= 0.8, shares


def test_chatbi_explain_prints_diagnostics_explanation_and_plan(capsys: pytest.CaptureFixture[str]) -> None:
    sql = (
        "SELECT c.segment, COUNT(*) AS orders FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE o.order_date >= DATE('now', '-3 months') GROUP BY c.segment ORDER BY orders DESC LIMIT 3"
    )
    assert main(["explain", "--db", "demo", sql]) == 0
    text = capsys.readouterr().out
    assert "no problems found" in text
    assert "in the last 3 months (since " in text
    assert "What can be changed:" in text and "time range on o.order_date: last 3 months" in text

    assert main(["explain", "--db", "demo", "--lang", "zh", "SELECT nme FROM customers"]) == 1
    text = capsys.readouterr().out
    assert "error [unknown-column] no column nme in customers; did you mean name?" in text
    assert "从 customers" in text

    assert (
        main(["explain", "--db", "demo", "--json", "SELECT segment FROM customers WHERE segment = NULL"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [d["code"] for d in data["diagnostics"]] == ["null-comparison"]
    assert data["explanation"]["steps"] and data["plan"]["filters"][0]["column"] == "segment"


def test_unparsable_sql_gets_its_diagnostic_and_nothing_else(demo_schema) -> None:
    result = review("SELECT FROM WHERE", demo_schema)
    assert [d.code for d in result.diagnostics] == ["parse-error"]
    assert result.explanation is None and result.plan is None
