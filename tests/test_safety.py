"""The statement gate, case by case from tests/fixtures/statements.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nl2sql.errors import RefusedStatementError
from nl2sql.safety import ensure_read_only

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "statements.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["refused"], ids=lambda c: f"{c['dialect']}:{c['sql'][:40]}")
def test_refused(case: dict) -> None:
    with pytest.raises(RefusedStatementError) as raised:
        ensure_read_only(case["sql"], case["dialect"])
    message = str(raised.value)
    assert message.startswith("refused:")
    assert case["reason"].lower() in message.lower()
    assert "\n" not in message


@pytest.mark.parametrize("case", CASES["allowed"], ids=lambda c: f"{c['dialect']}:{c['sql'][:40]}")
def test_allowed(case: dict) -> None:
    assert ensure_read_only(case["sql"], case["dialect"]) is not None


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT DATE_ADD(order_date) FROM orders", "mysql"),
        ("SELECT '", "mysql"),
        ("/*", "postgres"),
        ("-- only a comment", "sqlite"),
        ("SELECT 1 /*! unterminated", "mysql"),
        ("SELECT \x00", "duckdb"),
        ("SELECT $$unterminated", "postgres"),
    ],
)
def test_odd_text_is_refused_in_one_line_never_crashes(sql: str, dialect: str) -> None:
    with pytest.raises(RefusedStatementError) as raised:
        ensure_read_only(sql, dialect)
    assert str(raised.value).startswith("refused:") and "\n" not in str(raised.value)


def test_the_explain_check_and_the_gate_agree_on_dangerous_functions() -> None:
    import sqlglot

    from explain.statement import write_reason

    tree = sqlglot.parse_one("SELECT pg_read_file('/etc/passwd')", read="postgres")
    assert "PG_READ_FILE" in write_reason(tree)
    with pytest.raises(RefusedStatementError, match="PG_READ_FILE"):
        ensure_read_only("SELECT pg_read_file('/etc/passwd')", "postgres")
