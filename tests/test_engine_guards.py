"""The engines' own guards under the statement gate, tried directly on the connections the product opens
(as if the gate had a hole): SQLite's authorizer and DuckDB's locked configuration let reads through and
nothing else — no file created, no setting changed, no extension loaded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from nl2sql.connect import open_database
from nl2sql.schema import load_schema


@pytest.fixture()
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as setup:
        setup.executescript(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO orders VALUES (1, 9.5);"
        )
    return path


def refused_without_a_trace(database, folder: Path, attack: str) -> None:
    """The engine refuses ``attack`` (run on its raw connection, past the gate) and no file appears."""
    before = files_in(folder)
    with pytest.raises(DBAPIError):
        run_raw(database, attack.format(folder=folder))
    assert files_in(folder) == before, "a file was created"


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".wal"))


def run_raw(database, sql: str):
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(sql).fetchall()


@pytest.mark.parametrize(
    "attack",
    [
        "ATTACH DATABASE '{folder}/stolen.sqlite' AS stolen",
        "VACUUM INTO '{folder}/copy.sqlite'",
        "PRAGMA query_only = OFF",
        "PRAGMA user_version = 7",
        "PRAGMA journal_mode = DELETE",
        "SELECT load_extension('{folder}/evil')",
        "CREATE TEMP TABLE scratch (x)",
        "DELETE FROM orders",
    ],
)
def test_sqlite_refuses_everything_but_reads(sqlite_file: Path, attack: str) -> None:
    database = open_database(sqlite_file)
    refused_without_a_trace(database, sqlite_file.parent, attack)
    assert run_raw(database, "PRAGMA user_version") == [(0,)]
    assert run_raw(database, "SELECT COUNT(*), SUM(amount) FROM orders") == [(1, 9.5)]


def test_sqlite_still_reads_its_schema_and_runs_queries(sqlite_file: Path) -> None:
    database = open_database(sqlite_file)
    schema = load_schema(database)
    assert [t.name for t in schema.tables] == ["orders"]
    assert run_raw(
        database,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) "
        "SELECT SUM(i), upper('a'), strftime('%Y', '2026-01-02') FROM n",
    ) == [(6, "A", "2026")]


@pytest.fixture()
def duckdb_file(tmp_path: Path) -> Path:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "shop.duckdb"
    with duckdb.connect(str(path)) as setup:
        setup.execute("CREATE TABLE orders (id INTEGER, amount DOUBLE); INSERT INTO orders VALUES (1, 9.5)")
    (tmp_path / "secret.csv").write_text("user,password\nroot,hunter2\n")
    return path


@pytest.mark.parametrize(
    "attack",
    [
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SELECT * FROM read_csv('{folder}/secret.csv')",
        "SELECT * FROM '{folder}/secret.csv'",
        "COPY (SELECT 1) TO '{folder}/out.csv'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "ATTACH '{folder}/other.duckdb' AS other",
    ],
)
def test_duckdb_refuses_files_settings_and_extensions(duckdb_file: Path, attack: str) -> None:
    database = open_database(duckdb_file)
    refused_without_a_trace(database, duckdb_file.parent, attack)
    assert run_raw(database, "SELECT current_setting('enable_external_access')") == [(False,)]
    assert run_raw(database, "SELECT SUM(amount) FROM orders") == [(9.5,)]
