"""Read-only execution on real SQLite, DuckDB, PostgreSQL and MariaDB: results, limits, and no writes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import SHOP_CUSTOMERS, SHOP_ORDERS
from test_safety import CASES

from nl2sql.connect import open_database
from nl2sql.errors import QueryExecutionError, QueryTimeoutError, RefusedStatementError
from nl2sql.execute import run_query

SLOW_QUERIES = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c",
    "duckdb": "SELECT SUM(a.range * b.range) FROM range(100000000) a, range(100000) b",
    "postgres": "SELECT COUNT(*) FROM generate_series(1, 1000000000)",
    "mysql": "SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b,"
    " information_schema.columns c",
}


def _counts(spec: str) -> tuple[int, int]:
    database = open_database(spec)
    customers = run_query(database, "SELECT COUNT(*) FROM customers").rows[0][0]
    orders = run_query(database, "SELECT COUNT(*) FROM orders").rows[0][0]
    return int(customers), int(orders)


def test_select_returns_rows_and_frame(shop_db: str) -> None:
    database = open_database(shop_db)
    result = run_query(database, "SELECT name FROM customers WHERE segment = 'SMB' ORDER BY name")
    assert result.columns == ["name"]
    assert [row[0] for row in result.rows] == ["Bolt", "Dune"]
    assert result.to_frame()["name"].tolist() == ["Bolt", "Dune"]
    assert not result.truncated


def test_row_limit(shop_db: str) -> None:
    result = run_query(open_database(shop_db), "SELECT order_id FROM orders ORDER BY order_id", max_rows=3)
    assert [row[0] for row in result.rows] == [10, 11, 12]
    assert result.truncated


def test_every_write_attempt_is_refused_and_nothing_changes(shop_db: str) -> None:
    database = open_database(shop_db)
    for case in CASES["refused"]:
        with pytest.raises(RefusedStatementError):
            run_query(database, case["sql"])
    assert _counts(shop_db) == (SHOP_CUSTOMERS, SHOP_ORDERS)


def test_connection_itself_refuses_writes(shop_db: str) -> None:
    """The second wall: even bypassing the statement gate, the connection is read-only."""
    database = open_database(shop_db)
    for statement in ("DELETE FROM orders", "CREATE TABLE intruder (a INTEGER)"):
        with pytest.raises(sa.exc.DBAPIError), database.engine.connect() as connection:
            connection.exec_driver_sql(statement)
            connection.commit()
    assert _counts(shop_db) == (SHOP_CUSTOMERS, SHOP_ORDERS)
    assert "intruder" not in sa.inspect(database.engine).get_table_names()


def test_timeout_stops_a_long_query(shop_db: str) -> None:
    database = open_database(shop_db)
    with pytest.raises(QueryTimeoutError, match=r"longer than 0\.5 s"):
        run_query(database, SLOW_QUERIES[database.dialect], timeout_s=0.5)
    assert run_query(database, "SELECT COUNT(*) FROM customers").rows[0][0] == SHOP_CUSTOMERS


def test_database_error_is_one_clear_line(shop_db: str) -> None:
    with pytest.raises(QueryExecutionError) as raised:
        run_query(open_database(shop_db), "SELECT no_such_column FROM customers")
    assert str(raised.value).startswith("the database rejected the query:")
    assert "\n" not in str(raised.value)
