"""Shared fixtures: isolated ChatBI folders, and one small shop database on every supported engine.

PostgreSQL and MariaDB are expected on 127.0.0.1 (trust / empty-password root, as on the CI
machine); tests that need them skip with a reason when they cannot be reached.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_ADMIN_URL = os.environ.get(
    "CHATBI_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB_ADMIN_URL = os.environ.get("CHATBI_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306/mysql")
TEST_DATABASE = "chatbi_test"
DEMO_AS_OF = "2026-06-30"
"""The demo database of the test session runs up to this day, whatever the clock says, so that its row
counts, the prompts built from it and the answers the model gives are the same on any day."""

SHOP_TABLES = [
    "CREATE TABLE customers (customer_id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, segment VARCHAR(20),"
    " signup_date DATE, PRIMARY KEY (customer_id))",
    "CREATE TABLE orders (order_id INTEGER NOT NULL, customer_id INTEGER NOT NULL, amount DECIMAL(10,2),"
    " order_date DATE, PRIMARY KEY (order_id), FOREIGN KEY (customer_id) REFERENCES customers (customer_id))",
]
SHOP_ROWS = [
    "INSERT INTO customers VALUES (1, 'Acme', 'Enterprise', '2024-01-05'), (2, 'Bolt', 'SMB', '2024-03-10'),"
    " (3, 'Cora', 'Consumer', '2025-02-01'), (4, 'Dune', 'SMB', '2025-06-30')",
    "INSERT INTO orders VALUES (10, 1, 120.50, '2025-01-02'), (11, 1, 80.00, '2025-02-03'),"
    " (12, 2, 42.25, '2025-02-04'), (13, 3, 10.00, '2025-03-05'), (14, 4, 99.99, '2025-04-06')",
]
SHOP_CUSTOMERS = 4
SHOP_ORDERS = 5


class Replies:
    """A generator that answers every prompt with the same SQL and counts the prompts: for tests where
    the model's part is not under test (the real model answers in tests/test_end_to_end.py)."""

    model_id = "replies"
    adapter_hash = None

    def __init__(self, sql: str) -> None:
        self.sql, self.prompts = sql, 0

    def generate(self, messages: list, **options: object):
        from nl2sql.models.base import Generation

        self.prompts += 1
        return Generation(f"```sql\n{self.sql}\n```", prompt_tokens=1, output_tokens=1)


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One ChatBI home for the test session (demo database, logs); converted models stay in the
    shared cache so the model is converted once per machine, not once per run."""
    home = tmp_path_factory.mktemp("chatbi-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHATBI_HOME", str(home))
        patch.setenv("CHATBI_DEMO_AS_OF", DEMO_AS_OF)
        if "CHATBI_CACHE" not in os.environ:
            from platformdirs import user_cache_dir

            patch.setenv("CHATBI_CACHE", user_cache_dir("chatbi"))
        yield home


def _sqlite_shop(folder: Path) -> str:
    path = folder / "shop.sqlite"
    connection = sqlite3.connect(path)
    for statement in SHOP_TABLES + SHOP_ROWS:
        connection.execute(statement)
    connection.commit()
    connection.close()
    (folder / "shop.schema.yaml").write_text(
        "tables:\n  customers:\n    description: People and companies who buy from us.\n"
        "    columns:\n      segment: Customer segment.\n",
        encoding="utf-8",
    )
    return str(path)


def _duckdb_shop(folder: Path) -> str:
    duckdb = pytest.importorskip("duckdb")
    path = folder / "shop.duckdb"
    connection = duckdb.connect(str(path))
    for statement in SHOP_TABLES + SHOP_ROWS:
        connection.execute(statement)
    connection.close()
    return str(path)


def _server_shop(admin_url: str, kind: str) -> str:
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEST_DATABASE}")
            connection.exec_driver_sql(f"CREATE DATABASE {TEST_DATABASE}")
    except Exception as error:  # no server, no driver: this engine is not available here
        pytest.skip(f"{kind} is not reachable at {admin_url}: {str(error).splitlines()[0]}")
    url = admin.url.set(database=TEST_DATABASE)
    writer = sa.create_engine(url)
    with writer.begin() as connection:
        for statement in SHOP_TABLES + SHOP_ROWS:
            connection.exec_driver_sql(statement)
        if kind == "postgresql":
            connection.exec_driver_sql(
                "COMMENT ON TABLE customers IS 'People and companies who buy from us.'"
            )
            connection.exec_driver_sql("COMMENT ON COLUMN customers.segment IS 'Customer segment.'")
            connection.exec_driver_sql("CREATE SEQUENCE order_numbers")
        else:
            connection.exec_driver_sql(
                "ALTER TABLE customers COMMENT = 'People and companies who buy from us.'"
            )
            connection.exec_driver_sql(
                "ALTER TABLE customers MODIFY segment VARCHAR(20) COMMENT 'Customer segment.'"
            )
    writer.dispose()
    admin.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=["sqlite", "duckdb", "postgresql", "mariadb"])
def shop_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shop database on each engine, as the spec ``open_database`` takes (path or URL)."""
    folder = tmp_path_factory.mktemp(f"shop-{request.param}")
    if request.param == "sqlite":
        yield _sqlite_shop(folder)
    elif request.param == "duckdb":
        yield _duckdb_shop(folder)
    elif request.param == "postgresql":
        yield _server_shop(POSTGRES_ADMIN_URL, "postgresql")
    else:
        yield _server_shop(MARIADB_ADMIN_URL, "mariadb")


@pytest.fixture()
def sqlite_shop(tmp_path: Path) -> str:
    """The shop database as a fresh SQLite file (for tests that need only one engine)."""
    return _sqlite_shop(tmp_path)


@pytest.fixture()
def shop_pairs(tmp_path: Path, sqlite_shop: str) -> Path:
    """A JSONL data set of question/SQL pairs on the SQLite shop, plus one whose database is missing."""
    import json

    rows = [
        {"db": sqlite_shop, "question": "How many customers?", "sql": "SELECT count(*) FROM customers"},
        {
            "db": sqlite_shop,
            "question": "Names of SMB customers by name",
            "sql": 'SELECT name FROM customers WHERE segment = "SMB" ORDER BY name',
        },
        {"db": sqlite_shop, "question": "Total amount", "sql": "SELECT SUM(amount) FROM orders"},
        {"db": str(tmp_path / "missing.sqlite"), "question": "?", "sql": "SELECT 1"},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def current_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database whose data runs up to the test clock's today, as users get it: for SQL with
    relative dates (``date('now', '-3 months')``), which SQLite evaluates against the same clock."""
    from datetime import date

    from nl2sql.demo import build_demo_database

    return build_demo_database(tmp_path_factory.mktemp("current-demo") / "demo.sqlite", as_of=date.today())


@pytest.fixture(scope="session")
def demo_schema():
    """The demo database's schema (built once per machine, with descriptions and sample values)."""
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema

    return load_schema(open_database("demo"))


@pytest.fixture(scope="session")
def assert_mended_like(demo_schema):
    """Assert that a mend of a demo query made exactly ``change``, left no error, and returns the same
    (non-empty) rows as the hand-written ``reference`` query."""
    from explain import check
    from nl2sql.connect import open_database
    from nl2sql.execute import run_query

    database = open_database("demo")

    def assert_like(fixed, change: str, reference: str) -> None:
        assert fixed.changes == [change]
        assert not [d for d in check(fixed.sql, demo_schema) if d.is_error], fixed.sql
        rows = sorted(run_query(database, fixed.sql).rows)
        assert rows and rows == sorted(run_query(database, reference).rows)

    return assert_like
