"""Text that drivers could take for placeholders (``%``, ``%%``, ``?``, ``:name``, ``$1``, ``%s``) inside
string literals reaches every engine unchanged: through run_query, Assistant.ask, Assistant.run and
``chatbi sql``, on real SQLite, DuckDB, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import Replies

from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.execute import run_query

CASES = [
    ("SELECT name FROM customers WHERE name LIKE 'A%' ORDER BY name", [["Acme"]]),
    ("SELECT name FROM customers WHERE name LIKE '%o%' ORDER BY name", [["Bolt"], ["Cora"]]),
    ("SELECT COUNT(*) AS n FROM customers WHERE name LIKE '%%'", [[4]]),
    ("SELECT COUNT(*) AS n FROM customers WHERE name NOT LIKE '_o%'", [[2]]),
    ("SELECT '100%' AS a, '%%' AS b, '50%%' AS c", [["100%", "%%", "50%%"]]),
    (
        "SELECT '?' AS a, ':name' AS b, '$1' AS c, '%s' AS d, '%(x)s' AS e",
        [["?", ":name", "$1", "%s", "%(x)s"]],
    ),
]
IDS = ["like-prefix", "like-infix", "like-double-percent", "not-like", "percent-text", "placeholder-text"]


def rows(frame) -> list[list[object]]:
    return [[int(v) if isinstance(v, int) else v for v in row] for row in frame.itertuples(index=False)]


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=IDS)
def test_run_query_sends_literals_verbatim(shop_db: str, sql: str, expected: list) -> None:
    result = run_query(open_database(shop_db), sql)
    assert [list(row) for row in result.rows] == expected


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=IDS)
def test_assistant_ask_and_run(shop_db: str, sql: str, expected: list) -> None:
    assistant = Assistant(shop_db, generator=Replies(sql), log=None)
    asked = assistant.ask("a question whose answer has percent signs")
    assert asked.error is None, asked.error
    assert asked.sql == sql and rows(asked.data) == expected
    ran = assistant.run(sql)
    assert ran.error is None, ran.error
    assert rows(ran.data) == expected


@pytest.mark.parametrize(("sql", "expected"), CASES, ids=IDS)
def test_chatbi_sql(shop_db: str, sql: str, expected: list) -> None:
    command = [sys.executable, "-m", "nl2sql", "sql", "--db", shop_db, sql, "--json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["rows"] == expected
