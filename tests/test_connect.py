"""Naming databases: files, URLs, the demo name, and the one-line errors for bad names."""

from __future__ import annotations

from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.errors import ConnectionSpecError, DatabaseUnreachableError


def test_dialect_of_each_engine(shop_db: str) -> None:
    database = open_database(shop_db)
    assert database.dialect in {"sqlite", "duckdb", "postgres", "mysql"}
    assert database.name in {"shop", "chatbi_test"}


def test_sqlite_url_and_plain_path_open_the_same_file(sqlite_shop: str) -> None:
    by_path = open_database(sqlite_shop)
    by_url = open_database(f"sqlite:///{sqlite_shop}")
    assert by_path.name == by_url.name == "shop"
    assert by_path.descriptions_path == by_url.descriptions_path
    assert by_path.descriptions_path is not None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "no database given"),
        ("/nowhere/shop.sqlite", "no such database file"),
        ("postgresql+psycopg://no_such_role@127.0.0.1:5432/no_such_db", "cannot open database"),
        ("nosuchdriver://x/y", "not a valid database URL|unsupported database kind|no driver"),
        ("oracle+cx_oracle://u@h/db", "unsupported database kind 'oracle'"),
        ("sqlite:///:memory:", "in-memory SQLite"),
    ],
)
def test_bad_names_give_one_line(spec: str, message: str) -> None:
    with pytest.raises((ConnectionSpecError, DatabaseUnreachableError), match=message) as raised:
        open_database(spec)
    assert "\n" not in str(raised.value)


def test_unreachable_server() -> None:
    with pytest.raises(DatabaseUnreachableError, match="cannot open database"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")


def test_not_a_database_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ConnectionSpecError, match="cannot tell what kind of database"):
        open_database(text)
    fake = tmp_path / "fake.sqlite"
    fake.write_text("not sqlite at all, but long enough to have a header......")
    with pytest.raises(DatabaseUnreachableError):
        open_database(fake)


@pytest.mark.parametrize("name", ["x?mode=rwc&a=.sqlite", "x#.sqlite", "x%3Fmode%3Drwc.sqlite"])
def test_a_file_name_is_never_read_as_uri_options(sqlite_shop: str, name: str) -> None:
    """``x?mode=rwc&a=.sqlite`` is a file of that name, not ``x`` opened read-write (and created)."""
    hostile = Path(sqlite_shop).with_name(name)
    hostile.write_bytes(Path(sqlite_shop).read_bytes())
    before = sorted(p.name for p in hostile.parent.iterdir())
    database = open_database(hostile)
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM orders").scalar() == 5
    assert sorted(p.name for p in hostile.parent.iterdir()) == before


def test_a_duckdb_file_name_is_never_read_as_settings(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    hostile = tmp_path / "shop.duckdb?enable_external_access=true&temp_directory=.duckdb"
    duckdb.connect(str(tmp_path / "made.duckdb")).execute("CREATE TABLE t (x INTEGER)").close()
    hostile.write_bytes((tmp_path / "made.duckdb").read_bytes())
    try:
        database = open_database(hostile)
    except DatabaseUnreachableError as error:  # DuckDB's guard refuses a "?" in the file's name itself
        assert "\n" not in str(error)
        return
    with database.engine.connect() as connection:
        assert (
            connection.exec_driver_sql("SELECT current_setting('enable_external_access')").scalar() is False
        )


@pytest.mark.parametrize(
    "option", ["init_command=DELETE+FROM+orders", "sql_mode=ANSI_QUOTES", "local_infile=1", "autocommit=1"]
)
def test_a_mysql_url_that_acts_on_the_server_as_it_connects_is_refused(option: str) -> None:
    """Refused before anything connects (no server is needed to say so)."""
    with pytest.raises(
        ConnectionSpecError, match=f"the URL sets {option.split('=')[0]}, which ChatBI refuses"
    ):
        open_database(f"mysql+pymysql://reader@127.0.0.1:9/shop?{option}")
