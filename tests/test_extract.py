"""Pulling the SQL out of model answers."""

from __future__ import annotations

import pytest

from nl2sql.extract import extract_sql


@pytest.mark.parametrize(
    ("text", "sql"),
    [
        ("```sql\nSELECT 1;\n```", "SELECT 1"),
        ("```SQL\nSELECT a FROM t\n```\n\nExplanation: ...", "SELECT a FROM t"),
        ("```\nSELECT a FROM t\n```", "SELECT a FROM t"),
        ("Sure! SELECT a FROM t WHERE b = 'x;y'; then more", "SELECT a FROM t WHERE b = 'x;y'"),
        ("```sql\nWITH x AS (SELECT 1) SELECT * FROM x\n```", "WITH x AS (SELECT 1) SELECT * FROM x"),
        ("```sql\nSELECT 1\n", "SELECT 1"),
        ("```python\nprint(1)\n```\n```sql\nSELECT 2\n```", "SELECT 2"),
        ("I cannot answer that.", ""),
        ("", ""),
    ],
)
def test_extract(text: str, sql: str) -> None:
    assert extract_sql(text) == sql
