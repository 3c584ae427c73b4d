"""The warnings of explain.check (explain/rules) on the demo schema, from tests/fixtures/lint.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from explain import check

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "lint.yaml").read_text(encoding="utf-8"))
GOLD = Path(__file__).parent.parent / "nl2sql" / "demo" / "questions.jsonl"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["sql"][:60])
def test_lint(case: dict, demo_schema) -> None:
    diagnostics = check(case["sql"], demo_schema, case.get("dialect"))
    assert [d.code for d in diagnostics] == case["codes"], [str(d) for d in diagnostics]
    assert all(d.severity == "warning" for d in diagnostics)
    if "message" in case:
        assert case["message"] in diagnostics[0].message
    if "at" in case:
        assert [case["sql"][d.start : d.end] for d in diagnostics] == case["at"]


def test_every_warning_points_into_the_sql(demo_schema) -> None:
    for case in CASES:
        for diagnostic in check(case["sql"], demo_schema, case.get("dialect")):
            assert diagnostic.start is not None and diagnostic.end is not None, (case["sql"], str(diagnostic))
            assert 0 <= diagnostic.start < diagnostic.end <= len(case["sql"])


def test_positions_point_at_the_culprit(demo_schema) -> None:
    sql = "SELECT COUNT(*) FROM orders WHERE status = 'Complete' AND order_date > 2024"
    found = {d.code: sql[d.start : d.end] for d in check(sql, demo_schema)}
    assert found == {"unknown-value": "'Complete'", "type-mismatch": "order_date > 2024"}


def test_errors_come_alone(demo_schema) -> None:
    assert [
        d.code for d in check("SELECT nme, COUNT(*) FROM customers WHERE status = NULL", demo_schema)
    ] == ["unknown-column"]


def test_the_demo_gold_queries_are_clean(demo_schema) -> None:
    queries = [json.loads(line)["sql"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    warned = {sql: [str(d) for d in check(sql, demo_schema)] for sql in queries}
    assert {sql: found for sql, found in warned.items() if found} == {}


def test_a_join_of_tables_without_any_keys_is_not_called_a_fan_out() -> None:
    """Two tables made with pandas (no primary or foreign keys): nothing says the join repeats rows."""
    import sqlite3
    import tempfile

    import pandas as pd

    from explain import check
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema

    path = Path(tempfile.mkdtemp()) / "frames.sqlite"
    with sqlite3.connect(path) as connection:
        pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}).to_sql("people", connection, index=False)
        pd.DataFrame({"person_id": [1, 2], "amount": [3.0, 4.0]}).to_sql("payments", connection, index=False)
    schema = load_schema(open_database(str(path)))
    sql = "SELECT p.name, SUM(x.amount) FROM people p JOIN payments x ON x.person_id = p.id GROUP BY p.name"
    assert not [d for d in check(sql, schema) if d.code == "join-not-on-key"]
