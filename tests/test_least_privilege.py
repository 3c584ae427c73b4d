"""Accounts with SELECT on part of a database: what they may read is loaded, the rest is named as
skipped, and asking works, on real PostgreSQL and MariaDB roles.

The database has four tables: ``customers`` (granted), ``orders`` (granted on every column but
``amount``), ``regions`` and ``salaries`` (not granted). PostgreSQL lists every table to every account,
so the last two are named as skipped; MariaDB shows an account only the tables it has a grant on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, Replies

from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.schema import load_schema

DATABASE = "chatbi_grants"
READER = "chatbi_reader"
TABLES = [
    "CREATE TABLE regions (region_id INTEGER NOT NULL, name VARCHAR(20), PRIMARY KEY (region_id))",
    "CREATE TABLE customers (customer_id INTEGER NOT NULL, name VARCHAR(20), region_id INTEGER,"
    " PRIMARY KEY (customer_id), FOREIGN KEY (region_id) REFERENCES regions (region_id))",
    "CREATE TABLE orders (order_id INTEGER NOT NULL, customer_id INTEGER, amount DECIMAL(10,2),"
    " order_date DATE, PRIMARY KEY (order_id), FOREIGN KEY (customer_id) REFERENCES customers (customer_id))",
    "CREATE TABLE salaries (customer_id INTEGER, pay INTEGER)",
    "INSERT INTO regions VALUES (1, 'North')",
    "INSERT INTO customers VALUES (1, 'Acme', 1), (2, 'Bolt', 1)",
    "INSERT INTO orders VALUES (10, 1, 5.00, '2025-01-02'), (11, 2, 7.00, '2025-01-03'),"
    " (12, 2, 9.00, '2025-01-04')",
    "INSERT INTO salaries VALUES (1, 100000)",
]
GRANTS = {
    "postgresql": [
        f"GRANT SELECT ON customers TO {READER}",
        f"GRANT SELECT (order_id, customer_id, order_date) ON orders TO {READER}",
    ],
    "mariadb": [
        f"GRANT SELECT ON {DATABASE}.customers TO '{READER}'@'%'",
        f"GRANT SELECT (order_id, customer_id, order_date) ON {DATABASE}.orders TO '{READER}'@'%'",
    ],
}


def _admin(url: str, kind: str) -> sa.Engine:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    engine = engine.execution_options(no_parameters=True)  # host '%' is not a placeholder
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as error:  # no server, no driver: this engine is not available here
        pytest.skip(f"{kind} is not reachable at {url}: {str(error).splitlines()[0]}")
    return engine


def _postgres() -> Iterator[str]:
    admin = _admin(POSTGRES_ADMIN_URL, "postgresql")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {READER}")
        connection.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
        connection.exec_driver_sql(f"CREATE ROLE {READER} LOGIN")
    owner = sa.create_engine(admin.url.set(database=DATABASE))
    with owner.begin() as connection:
        for statement in TABLES + GRANTS["postgresql"]:
            connection.exec_driver_sql(statement)
    owner.dispose()
    yield admin.url.set(database=DATABASE, username=READER, password=None).render_as_string(False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {READER}")
    admin.dispose()


def _mariadb() -> Iterator[str]:
    admin = _admin(MARIADB_ADMIN_URL, "mariadb")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.exec_driver_sql(f"DROP USER IF EXISTS '{READER}'@'%'")
        connection.exec_driver_sql(f"CREATE DATABASE {DATABASE}")
        connection.exec_driver_sql(f"CREATE USER '{READER}'@'%'")
        connection.exec_driver_sql(f"USE {DATABASE}")
        for statement in TABLES + GRANTS["mariadb"]:
            connection.exec_driver_sql(statement)
    yield admin.url.set(database=DATABASE, username=READER, password=None).render_as_string(False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {DATABASE}")
        connection.exec_driver_sql(f"DROP USER IF EXISTS '{READER}'@'%'")
    admin.dispose()


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def reader_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database through the least-privilege account, as a URL."""
    yield from (_postgres() if request.param == "postgresql" else _mariadb())


def _listed(url: str) -> dict[str, tuple[str, ...]]:
    """The skipped tables each engine can name: PostgreSQL lists all tables, MariaDB only granted ones."""
    return {"regions": (), "salaries": (), "orders": ("amount",)} if url.startswith("postgresql") else {}


def test_the_schema_holds_what_the_account_may_read(reader_url: str) -> None:
    schema = load_schema(open_database(reader_url))
    assert [t.name for t in schema.tables] == ["customers", "orders"]
    orders = schema.table("orders")
    assert [c.name for c in orders.columns] == ["order_id", "customer_id", "order_date"]
    assert orders.primary_key == ("order_id",) and orders.row_count == 3
    assert schema.table("customers").row_count == 2
    assert schema.table("customers").foreign_keys == ()  # regions may not be read
    if reader_url.startswith("postgresql"):  # MariaDB does not show the keys of a partly granted table
        assert [fk.ref_table for fk in orders.foreign_keys] == ["customers"]
    assert {s.name: s.columns for s in schema.skipped} == _listed(reader_url)
    assert all(s.reason for s in schema.skipped)
    if schema.skipped:
        note = schema.skipped_note()
        assert note.startswith("skipped 3 tables this account may not read: ")
        assert "orders (columns amount)" in note


def test_asking_works_on_what_may_be_read(reader_url: str) -> None:
    sql = (
        "SELECT c.name, COUNT(*) AS orders FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " GROUP BY c.name ORDER BY c.name"
    )
    assistant = Assistant(reader_url, generator=Replies(sql), log=None)
    answer = assistant.ask("Orders per customer?")
    assert answer.error is None, answer.error
    assert [list(row) for row in answer.data.itertuples(index=False)] == [["Acme", 1], ["Bolt", 2]]


def test_what_may_not_be_read_is_an_unknown_name_not_a_database_error(reader_url: str) -> None:
    assistant = Assistant(reader_url, generator=Replies("SELECT pay FROM salaries"), log=None)
    assert "salaries" in (assistant.run("SELECT pay FROM salaries").error or "")
    assert "amount" in (assistant.run("SELECT SUM(amount) FROM orders").error or "")


def test_the_cli_says_what_it_skipped(reader_url: str) -> None:
    command = [sys.executable, "-m", "nl2sql", "schema", "--db", reader_url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE orders (" in result.stdout and "CREATE TABLE salaries" not in result.stdout
    assert "amount" not in result.stdout.split("CREATE TABLE orders (")[1]
    named = bool(_listed(reader_url))
    assert ("-- skipped 3 tables this account may not read: " in result.stdout) == named
    query = [
        sys.executable,
        "-m",
        "nl2sql",
        "sql",
        "--db",
        reader_url,
        "SELECT COUNT(*) FROM orders",
        "--json",
    ]
    ran = subprocess.run(query, capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["rows"] == [[3]]
    assert ("note: skipped 3 tables this account may not read" in ran.stderr) == named
