"""Bad input gets one clear line and no traceback, from the API and the CLI: unusable limits, huge,
NUL-bearing or non-UTF-8 questions and queries, brackets nested thousands deep, database paths that are
missing, folders or not databases (never creating a file), WAL-mode files (never leaving -wal/-shm
files), and servers that do not answer (given up on within seconds)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Replies

from nl2sql.assistant import Assistant
from nl2sql.connect import CONNECT_TIMEOUT_S, open_database
from nl2sql.errors import (
    BadInputError,
    ChatBIError,
    ConnectionSpecError,
    DatabaseUnreachableError,
    EmptyQuestionError,
    InvalidLimitError,
    RefusedStatementError,
)
from nl2sql.execute import run_query
from nl2sql.input_checks import MAX_NESTING

DEEP = "SELECT " + "(" * 3000 + "1" + ")" * 3000


def chatbi(*arguments: str | bytes, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI; its stderr as text (bytes that are not UTF-8 replaced)."""
    ran = subprocess.run(
        [sys.executable, "-m", "nl2sql", *arguments],
        capture_output=True,
        timeout=timeout,
        env=os.environ.copy(),
    )
    ran.stderr = ran.stderr.decode("utf-8", "replace")  # type: ignore[assignment]
    return ran


def one_clear_line(ran: subprocess.CompletedProcess, words: str) -> None:
    assert ran.returncode == 2, ran.stderr
    assert "Traceback" not in ran.stderr
    errors = [line for line in ran.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, ran.stderr
    assert words in errors[0], ran.stderr


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--max-rows", "0", "row limit must be a whole number"),
        ("--max-rows", "-5", "row limit must be a whole number"),
        ("--timeout", "-1", "time limit must be a number of seconds above 0"),
        ("--timeout", "0", "time limit must be a number of seconds above 0"),
        ("--timeout", "inf", "time limit must be a number of seconds above 0"),
        ("--timeout", "nan", "time limit must be a number of seconds above 0"),
    ],
)
def test_unusable_limits_are_one_line(sqlite_shop: str, option: str, value: str, words: str) -> None:
    one_clear_line(chatbi("sql", "SELECT 1", "--db", sqlite_shop, option, value), words)


@pytest.mark.parametrize(
    ("question", "error", "words"),
    [
        ("", EmptyQuestionError, "empty"),
        ("  \n ", EmptyQuestionError, "empty"),
        ("x" * 100_000, BadInputError, "100000 characters long"),
        ("how many\x00 orders", BadInputError, "NUL character"),
        ("how many orders \udcff\udcfe", BadInputError, "not valid UTF-8"),
    ],
)
def test_bad_questions_are_refused_before_anything_runs(
    sqlite_shop: str, question: str, error: type, words: str
) -> None:
    generator = Replies("SELECT COUNT(*) FROM orders")
    assistant = Assistant(sqlite_shop, generator=generator, log=None)
    with pytest.raises(error, match=words) as raised:
        assistant.ask(question)
    assert "\n" not in str(raised.value)
    assert generator.prompts == 0


def test_the_cli_refuses_a_huge_or_broken_question_in_one_line(sqlite_shop: str) -> None:
    one_clear_line(chatbi("ask", "--db", sqlite_shop, "x" * 100_000), "100000 characters long")
    one_clear_line(chatbi("ask", "--db", sqlite_shop, b"how many \xff orders"), "not valid UTF-8")


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        (DEEP, "brackets nested 3000 deep"),
        ("SELECT 1 FROM customers WHERE name = 'a\x00'", "NUL character"),
        ("SELECT '\udcff'", "not valid UTF-8"),
        ("SELECT 1 -- " + "x" * 100_001, "characters long"),
    ],
)
def test_bad_sql_is_refused_in_one_line(sqlite_shop: str, sql: str, words: str) -> None:
    with pytest.raises(RefusedStatementError, match=words) as raised:
        run_query(open_database(sqlite_shop), sql)
    assert "\n" not in str(raised.value)
    answer = Assistant(sqlite_shop, generator=Replies(sql), log=None).run(sql)
    assert answer.error and words in answer.error


def test_nesting_inside_the_limit_still_runs_and_is_explained(sqlite_shop: str) -> None:
    sql = "SELECT " + "(" * MAX_NESTING + "1" + ")" * MAX_NESTING + " AS one"
    assert run_query(open_database(sqlite_shop), sql).rows == [(1,)]
    nested = (
        "SELECT name FROM customers WHERE "
        + "(" * (MAX_NESTING - 1)
        + "segment = 'SMB'"
        + ")" * (MAX_NESTING - 1)
    )
    assert Assistant(sqlite_shop, generator=Replies(nested), log=None).run(nested).error is None
    ran = chatbi("explain", nested, "--db", sqlite_shop)
    assert ran.returncode == 0 and "Traceback" not in ran.stderr, ran.stderr


@pytest.mark.parametrize("command", ["sql", "explain"])
def test_the_cli_refuses_deep_nesting_without_a_traceback(sqlite_shop: str, command: str) -> None:
    one_clear_line(chatbi(command, DEEP, "--db", sqlite_shop), "brackets nested 3000 deep")


def test_unusable_limits_from_the_api(sqlite_shop: str) -> None:
    with pytest.raises(InvalidLimitError):
        Assistant(sqlite_shop, generator=Replies("SELECT 1"), log=None, max_rows=0)
    with pytest.raises(InvalidLimitError):
        Assistant(sqlite_shop, generator=Replies("SELECT 1"), log=None, timeout_s=float("nan"))


def test_a_missing_file_is_never_created(tmp_path: Path) -> None:
    for name in ("missing.sqlite", "missing.duckdb", "missing"):
        with pytest.raises(ConnectionSpecError, match="no such database file"):
            open_database(tmp_path / name)
        with pytest.raises(ConnectionSpecError):
            open_database(f"sqlite:///{tmp_path / name}")
    one_clear_line(
        chatbi("sql", "SELECT 1", "--db", str(tmp_path / "missing.sqlite")), "no such database file"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(ConnectionSpecError, match="is a folder, not a database file"):
        open_database(tmp_path)
    (tmp_path / "looks.sqlite").mkdir()
    with pytest.raises(ConnectionSpecError, match="is a folder"):
        open_database(tmp_path / "looks.sqlite")


@pytest.mark.parametrize("name", ["notes.sqlite", "notes.duckdb", "notes.txt"])
def test_a_file_that_is_not_a_database(tmp_path: Path, name: str) -> None:
    pytest.importorskip("duckdb")
    path = tmp_path / name
    path.write_bytes(b"these are notes, not a database\n" * 200)
    before = path.read_bytes()
    with pytest.raises(ChatBIError) as raised:
        open_database(path)
    assert "\n" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert path.read_bytes() == before


@pytest.fixture()
def wal_file(tmp_path: Path) -> Path:
    path = tmp_path / "wal.sqlite"
    with sqlite3.connect(path) as setup:
        assert setup.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        setup.executescript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
    setup.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.sqlite"]
    return path


def test_a_wal_file_is_read_without_leaving_files_beside_it(wal_file: Path) -> None:
    database = open_database(wal_file)
    assert run_query(database, "SELECT SUM(x) FROM t").rows == [(3,)]
    from nl2sql.schema import load_schema

    assert [t.name for t in load_schema(database).tables] == ["t"]
    database.engine.dispose()
    ran = chatbi("sql", "SELECT COUNT(*) FROM t", "--db", str(wal_file), "--json")
    assert ran.returncode == 0, ran.stderr
    assert sorted(p.name for p in wal_file.parent.iterdir()) == ["wal.sqlite"]


@pytest.fixture()
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.parametrize("scheme", ["mysql+pymysql", "postgresql+psycopg"])
def test_a_server_that_never_answers_fails_fast(silent_server: int, scheme: str) -> None:
    pytest.importorskip("pymysql" if "mysql" in scheme else "psycopg")
    started = time.perf_counter()
    with pytest.raises(DatabaseUnreachableError) as raised:
        open_database(f"{scheme}://user@127.0.0.1:{silent_server}/test")
    assert time.perf_counter() - started < CONNECT_TIMEOUT_S + 20
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("name", ["mysql", "performance_schema", "sys", "information_schema"])
def test_mariadbs_own_databases_are_not_opened(name: str) -> None:
    """Their tables (mysql.user) would be read by unqualified names: refused before connecting."""
    pytest.importorskip("pymysql")
    with pytest.raises(ConnectionSpecError, match="the server's own database"):
        open_database(f"mysql+pymysql://root@127.0.0.1:1/{name}")


def test_a_file_that_cannot_be_read_is_one_line() -> None:
    unreadable = Path("/proc/self/mem")  # a file whose first bytes cannot be read, even by root
    if not unreadable.is_file():
        pytest.skip("no /proc here")
    with pytest.raises(ConnectionSpecError, match="cannot read /proc/self/mem"):
        open_database(unreadable)
