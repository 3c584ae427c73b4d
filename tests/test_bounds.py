"""Every query is bounded, on the four real engines: rows (capped in the SQL), time (a limit the engine
enforces, a deadline the product keeps, never "no limit"), and memory (values, results, and the
process: hostile queries grow it by less than MEMORY_BOUND_MB)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlglot
import yaml
from conftest import SHOP_CUSTOMERS
from test_execute import SLOW_QUERIES

from nl2sql import engine_settings, limits
from nl2sql.connect import open_database
from nl2sql.errors import InvalidLimitError, QueryTimeoutError, ResultTooLargeError
from nl2sql.execute import run_query
from nl2sql.query_process import worker_pids
from nl2sql.row_cap import cap_rows

ROOT = Path(__file__).resolve().parent.parent
CAPS = yaml.safe_load((Path(__file__).parent / "fixtures" / "row_caps.yaml").read_text("utf-8"))
MEMORY_BOUND_MB = 300
"""The documented bound (SECURITY.md): the product's process grows by less than this per query."""


@pytest.mark.parametrize("case", CAPS, ids=lambda c: f"{c['dialect']}:{c['sql'][:40]}")
def test_the_row_cap_is_written_into_the_sql(case: dict) -> None:
    statement = sqlglot.parse(case["sql"], read=case["dialect"])[0]
    assert cap_rows(case["sql"], statement, case["dialect"], 3) == case["capped"]


SHAPES = [
    ("SELECT order_id FROM orders ORDER BY order_id", [10, 11], True),
    ("SELECT order_id FROM orders ORDER BY order_id;", [10, 11], True),
    ("SELECT order_id FROM orders ORDER BY order_id -- all of them", [10, 11], True),
    ("SELECT order_id FROM orders ORDER BY order_id LIMIT 2", [10, 11], False),
    ("SELECT order_id FROM orders ORDER BY order_id LIMIT 1", [10], False),
    ("SELECT order_id FROM orders ORDER BY order_id LIMIT 40", [10, 11], True),
    ("SELECT order_id FROM orders ORDER BY order_id LIMIT 40 OFFSET 2", [12, 13], True),
    ("SELECT order_id FROM orders ORDER BY order_id LIMIT (SELECT 40)", [10, 11], True),
    ("SELECT customer_id FROM customers UNION SELECT customer_id FROM orders ORDER BY 1", [1, 2], True),
    ("WITH o AS (SELECT order_id FROM orders) SELECT order_id FROM o ORDER BY order_id DESC", [14, 13], True),
    ("SELECT order_id, order_id FROM orders ORDER BY 1 LIMIT 40", [10, 11], True),
]


@pytest.mark.parametrize(("sql", "first", "truncated"), SHAPES, ids=[s[0][:50] for s in SHAPES])
def test_capped_queries_return_what_the_query_asks(
    shop_db: str, sql: str, first: list, truncated: bool
) -> None:
    database = open_database(shop_db)
    if database.dialect == "mysql" and "(SELECT 40)" in sql:
        pytest.skip("MariaDB takes only numbers after LIMIT")
    result = run_query(database, sql, max_rows=2)
    assert [int(row[0]) for row in result.rows] == first
    assert result.truncated is truncated


BAD_ROWS = [0, -1, -100, 1.5, "ten", True, limits.MAX_ROWS_CEILING + 1]
BAD_TIMEOUTS = [0, -1, 0.0, math.inf, -math.inf, math.nan, "soon", limits.MAX_TIMEOUT_S + 1]


@pytest.mark.parametrize("value", BAD_ROWS, ids=repr)
def test_a_row_limit_that_is_not_a_usable_number_is_refused(sqlite_shop: str, value: object) -> None:
    with pytest.raises(InvalidLimitError, match="row limit must be a whole number"):
        run_query(open_database(sqlite_shop), "SELECT 1", max_rows=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", BAD_TIMEOUTS, ids=repr)
def test_a_time_limit_that_is_not_a_usable_number_is_refused(sqlite_shop: str, value: object) -> None:
    with pytest.raises(InvalidLimitError, match="time limit must be a number of seconds above 0"):
        run_query(open_database(sqlite_shop), "SELECT 1", timeout_s=value)  # type: ignore[arg-type]


def test_the_worker_constants_are_the_products() -> None:
    from nl2sql import connect, server_session

    assert engine_settings.DEFAULT_MAX_VALUE_BYTES == limits.DEFAULT_MAX_VALUE_BYTES
    assert server_session.CONNECT_TIMEOUT_S == connect.CONNECT_TIMEOUT_S


def test_a_timeout_under_a_millisecond_still_stops_the_query(shop_db: str) -> None:
    """0.1 ms is sent as 1 ms (PostgreSQL reads 0 as "off"): the slow query is stopped, not let run."""
    database = open_database(shop_db)
    started = time.perf_counter()
    with pytest.raises(QueryTimeoutError):
        run_query(database, SLOW_QUERIES[database.dialect], timeout_s=0.0001)
    assert time.perf_counter() - started < limits.GRACE_S + 20
    assert run_query(database, "SELECT COUNT(*) FROM customers").rows[0][0] == SHOP_CUSTOMERS


def test_a_value_over_the_cap_is_refused_in_one_line(shop_db: str) -> None:
    database = open_database(shop_db)
    builder = {  # two calls: one may make at most nl2sql.width_policy.MAX_WIDTH characters
        "sqlite": "printf('%.*c', 7500, 'x') || printf('%.*c', 7500, 'x')",
        "duckdb": "repeat('x', 7500) || repeat('x', 7500)",
        "postgres": "repeat('x', 7500) || repeat('x', 7500)",
        "mysql": "CONCAT(REPEAT('x', 7500), REPEAT('x', 7500))",
    }[database.dialect]
    with pytest.raises(ResultTooLargeError) as raised:
        run_query(database, f"SELECT {builder} AS big", max_value_bytes=10_000)
    assert "\n" not in str(raised.value)
    with pytest.raises(ResultTooLargeError, match="the result takes more than"):
        run_query(database, f"SELECT {builder} AS big FROM orders", max_result_bytes=50_000)
    assert len(run_query(database, f"SELECT {builder} AS big").rows[0][0]) == 15000


UNINTERRUPTIBLE = (
    "SELECT length(ltrim(replace(printf('%.*c', 10000, 'x'), 'x', printf('%.*c', 100, 'x')),"
    " printf('%.*c', 10000, 'y') || 'x'))"
)
"""A minute inside one call of SQLite's, which looks at interrupts only once it is done."""


def test_a_query_the_engine_cannot_interrupt_is_ended_from_outside(sqlite_shop: str) -> None:
    """SQLite's ltrim of 1 000 000 characters against a set of 10 001 ignores interrupts for a minute:
    its worker process is killed at the deadline."""
    database = open_database(sqlite_shop)
    run_query(database, "SELECT 1")
    (used,) = worker_pids(sqlite_shop)
    started = time.perf_counter()
    with pytest.raises(QueryTimeoutError):
        run_query(database, UNINTERRUPTIBLE, timeout_s=0.2)
    assert time.perf_counter() - started < 0.2 + limits.GRACE_S + 10
    assert not Path(f"/proc/{used}").exists(), "the worker that ignored its time limit still runs"
    assert run_query(database, "SELECT COUNT(*) FROM customers").rows == [(SHOP_CUSTOMERS,)]
    assert used not in worker_pids(sqlite_shop)


HOSTILE = {  # huge values are built from many calls: the gate refuses one asked for more (width_policy)
    "sqlite": [
        (UNINTERRUPTIBLE, {"QueryTimeoutError"}),
        (
            "SELECT replace(printf('%.*c', 10000, 'x'), 'x', printf('%.*c', 10000, 'x'))",
            {"ResultTooLargeError"},
        ),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
            " SELECT group_concat(printf('%.*c', 1000, 'x')) FROM c",
            {"QueryTimeoutError", "ResultTooLargeError"},
        ),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)"
            " SELECT a.x, b.x, printf('%.*c', 1000, 'x') FROM c AS a, c AS b",
            {"rows"},
        ),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200)"
            " SELECT replace(printf('%.*c', 5000, 'x'), 'x', printf('%.*c', 1000, 'x')) FROM c",
            {"ResultTooLargeError"},
        ),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)"
            " SELECT a.x, b.x FROM c AS a, c AS b ORDER BY a.x DESC, b.x DESC",
            {"QueryTimeoutError", "rows"},
        ),
    ],
    "duckdb": [
        (
            "SELECT string_agg(repeat('x', 10000), '') FROM range(100000)",
            {"ResultTooLargeError", "QueryTimeoutError"},
        ),
        ("SELECT range(100000000)", {"ResultTooLargeError", "QueryTimeoutError"}),
        ("SELECT list(range) FROM range(100000000)", {"ResultTooLargeError", "QueryTimeoutError"}),
        (
            "SELECT string_agg(repeat('x', 10000), '') FROM range(100000) GROUP BY range % 1000",
            {"ResultTooLargeError"},
        ),
        ("SELECT a.range, b.range FROM range(100000) a, range(100000) b", {"rows"}),
        (
            "SELECT a.range, b.range FROM range(100000) a, range(100000) b ORDER BY 1 DESC, 2 DESC",
            {"QueryTimeoutError", "ResultTooLargeError", "rows"},
        ),
    ],
    "postgres": [
        ("SELECT g FROM generate_series(1, 20000000) AS g", {"rows"}),
        ("SELECT string_agg(repeat('x', 10000), '') FROM generate_series(1, 2000)", {"ResultTooLargeError"}),
        (
            "SELECT string_agg(repeat('x', 10000), '') FROM generate_series(1, 100000)",
            {"ResultTooLargeError", "QueryTimeoutError"},
        ),
        (
            "SELECT string_agg(repeat('x', 10000), '') FROM generate_series(1, 20000) AS g"
            " GROUP BY g % 200",  # 200 values of 1 MB: past the result bound, quick to build
            {"ResultTooLargeError"},
        ),
        (
            "SELECT a, b FROM generate_series(1, 100000) AS a, generate_series(1, 100000) AS b"
            " ORDER BY a DESC",
            {"QueryTimeoutError", "rows"},
        ),
        ("SELECT array_agg(g) FROM generate_series(1, 100000000) AS g", {"QueryTimeoutError"}),
    ],
    "mysql": [
        ("SELECT GROUP_CONCAT(REPEAT('x', 10000) SEPARATOR '') FROM information_schema.columns", {"rows"}),
        (
            "SELECT REPEAT('x', 10000) FROM information_schema.columns a, information_schema.columns b",
            {"ResultTooLargeError"},
        ),
        (
            "SELECT a.column_name, b.column_name FROM information_schema.columns a,"
            " information_schema.columns b, information_schema.columns c",
            {"rows", "QueryTimeoutError"},
        ),
    ],
}
MEASURE = """
import json, resource, sys, time
from nl2sql.connect import open_database
from nl2sql.execute import run_query
database = open_database(sys.argv[1])
run_query(database, "SELECT 1").to_frame()
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = []
for sql in json.loads(sys.argv[2]):
    began = time.perf_counter()
    try:
        outcome = run_query(database, sql, max_rows=10000, timeout_s=3).to_frame() is not None and "rows"
    except Exception as error:
        outcome = type(error).__name__ + ": " + str(error)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start) // 1024
    report.append({"sql": sql, "outcome": outcome, "seconds": time.perf_counter() - began, "grown_mb": grown})
print(json.dumps(report))
"""


def test_hostile_queries_keep_the_process_within_its_memory_bound(shop_db: str) -> None:
    """Huge values, lists, sorts and cartesian products: each ends in rows, a timeout or a size error,
    in time, and the process's peak memory grows by less than MEMORY_BOUND_MB over all of them."""
    dialect = open_database(shop_db).dialect
    cases = HOSTILE[dialect]
    ran = subprocess.run(
        [sys.executable, "-c", MEASURE, shop_db, json.dumps([sql for sql, _ in cases])],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    report = json.loads(ran.stdout.splitlines()[-1])
    for (sql, expected), measured in zip(cases, report, strict=True):
        kind = measured["outcome"].split(":")[0]
        assert kind in expected, (sql, measured["outcome"])
        assert measured["seconds"] < 3 + limits.GRACE_S + 20, (sql, measured)
    assert report[-1]["grown_mb"] < MEMORY_BOUND_MB, report


def test_idle_workers_are_few(tmp_path: Path) -> None:
    """One worker per database is kept for the next query, but never more than MAX_IDLE in all."""
    import sqlite3

    from nl2sql.query_process import MAX_IDLE

    for number in range(MAX_IDLE + 3):
        path = tmp_path / f"db{number}.sqlite"
        with sqlite3.connect(path) as setup:
            setup.execute("CREATE TABLE t (x INTEGER)")
        assert run_query(open_database(path), "SELECT COUNT(*) FROM t").rows == [(0,)]
        assert 1 <= len(worker_pids()) <= MAX_IDLE
    assert worker_pids(tmp_path / f"db{MAX_IDLE + 2}.sqlite"), "the latest database keeps its worker"
    assert not worker_pids(tmp_path / "db0.sqlite"), "the oldest one's worker was ended"
