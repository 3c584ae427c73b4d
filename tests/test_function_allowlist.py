"""Deny by default: every attack of tests/fixtures/function_attacks.yaml is refused with a reason
naming what it tried; the gold queries of Spider, the demo, the business questions and the semantic
compiler all pass; and on the real engines a refused attack never reaches the server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlglot
import yaml
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL

from explain.statement import DENIED_FUNCTIONS
from nl2sql.allowed_functions import DIALECTS, allowed_functions
from nl2sql.connect import open_database
from nl2sql.errors import RefusedStatementError
from nl2sql.execute import run_query
from nl2sql.function_policy import function_reason
from nl2sql.safety import ensure_read_only

ROOT = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "function_attacks.yaml").read_text("utf-8"))
SPIDER = ROOT.parent / "shared" / "datasets" / "spider"


def _id(case: dict) -> str:
    return f"{case['dialect']}:{case['sql'][:50]}"


def test_the_attack_table_is_large_and_covers_every_dialect() -> None:
    assert len(CASES["refused"]) >= 80
    assert {case["dialect"] for case in CASES["refused"]} == set(DIALECTS)


@pytest.mark.parametrize("case", CASES["refused"], ids=_id)
def test_attack_is_refused_with_its_reason(case: dict) -> None:
    with pytest.raises(RefusedStatementError) as raised:
        ensure_read_only(case["sql"], case["dialect"])
    message = str(raised.value)
    assert message.startswith("refused:")
    assert "\n" not in message
    assert case["word"].lower() in message.lower()


@pytest.mark.parametrize("case", CASES["allowed"], ids=_id)
def test_legitimate_query_passes(case: dict) -> None:
    assert ensure_read_only(case["sql"], case["dialect"]) is not None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_list_allows_a_denied_function(dialect: str) -> None:
    assert not allowed_functions(dialect) & DENIED_FUNCTIONS.keys()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_listed_function_can_be_called(dialect: str) -> None:
    """A name on the list passes when called with some number of arguments: the list also holds the
    names sqlglot gives the nodes it builds for it (else a listed function would still be refused)."""
    refused = {}
    for name in sorted(allowed_functions(dialect)):
        for arguments in ("a", "a, b", "a, b, c", ""):
            sql = f"SELECT {name}({arguments}) FROM t"
            try:
                tree = sqlglot.parse_one(sql, read=dialect)
            except Exception:  # sqlglot fails on some argument counts (MySQL's DATE_ADD(a))
                continue  # syntax of its own (CASE, DATE_ADD(x, INTERVAL …)): covered by the gold queries
            refused[name] = function_reason(tree, sql, dialect)
            if refused[name] is None:
                break
    assert not {name: reason for name, reason in refused.items() if reason}


def _gate_refusals(queries: list[tuple[str, str]]) -> list[str]:
    refusals = []
    for dialect, sql in queries:
        try:
            ensure_read_only(sql, dialect)
        except RefusedStatementError as error:
            refusals.append(f"{dialect}: {sql} -> {error}")
    return refusals


@pytest.mark.parametrize("split", ["dev", "train"])
def test_every_spider_gold_query_passes(split: str) -> None:
    from feedback.datasets import load_examples

    if not SPIDER.is_dir():
        pytest.skip(f"no Spider data set at {SPIDER}")
    examples = load_examples(f"spider:{SPIDER}:{split}")
    assert len(examples) > 1000
    assert _gate_refusals([("sqlite", e.sql) for e in examples]) == []


@pytest.mark.parametrize("name", ["questions.jsonl", "business_questions.jsonl"])
def test_every_demo_gold_query_passes(name: str) -> None:
    lines = (ROOT / "nl2sql" / "demo" / name).read_text("utf-8").splitlines()
    queries = [("sqlite", row["sql"]) for row in map(json.loads, filter(None, lines)) if row.get("sql")]
    assert len(queries) > 50
    assert _gate_refusals(queries) == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_semantic_compilation_passes(dialect: str) -> None:
    import test_semantic_compile as semantic

    from nl2sql.semantic.compile import compile_query
    from nl2sql.semantic.listing import compile_listing

    queries = [
        (dialect, compile_query(query, semantic.MODEL, dialect=dialect, today=semantic.TODAY).sql)
        for query, _ in semantic.CASES.values()
    ]
    for query, hand_written in semantic.LISTINGS.values():
        compiled = compile_listing(query, semantic.MODEL, dialect=dialect, today=semantic.TODAY)
        queries += [(dialect, compiled.sql), (dialect, hand_written)]
    assert _gate_refusals(queries) == []


ENGINE_ATTACKS = {
    "sqlite": ["SELECT load_extension('/tmp/evil')", "SELECT 1 {# , load_extension('x') #}"],
    "duckdb": ["SELECT * FROM read_text('/etc/passwd')", "SELECT * FROM '/etc/passwd'"],
    "postgresql": [
        "SELECT pg_advisory_lock(424242)",
        "SELECT query_to_xml('SELECT pg_advisory_lock(424242)', true, true, '')",
        "SELECT pg_sleep(5)",
        "SELECT set_config('statement_timeout', '0', false)",
    ],
    "mariadb": [
        "SELECT 1 /*! , GET_LOCK('chatbi_gate', 0) */",
        "SELECT 1 /*M! , SLEEP(5) */",
        "SELECT 1 /*!50000 , @leak := 1 */",
        "SELECT GET_LOCK('chatbi_gate', 0)",
        "SELECT 'x\\' , SLEEP(5) -- '",
    ],
}


def _engine(shop_db: str) -> str:
    if "://" not in shop_db:
        return "duckdb" if shop_db.endswith(".duckdb") else "sqlite"
    return "postgresql" if shop_db.startswith("postgresql") else "mariadb"


def test_a_refused_attack_never_reaches_the_server(shop_db: str) -> None:
    engine = _engine(shop_db)
    database = open_database(shop_db)
    for sql in ENGINE_ATTACKS[engine]:
        started = time.perf_counter()
        with pytest.raises(RefusedStatementError):
            run_query(database, sql, timeout_s=10)
        assert time.perf_counter() - started < 1.0, sql
    assert run_query(database, "SELECT COUNT(*) FROM customers").rows[0][0] == 4
    if engine == "postgresql":
        admin = sa.create_engine(POSTGRES_ADMIN_URL)
        held = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 424242"
    elif engine == "mariadb":
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        held = "SELECT 1 - IS_FREE_LOCK('chatbi_gate')"
    else:
        return
    try:
        with admin.connect() as connection:
            assert connection.exec_driver_sql(held).scalar() == 0
    finally:
        admin.dispose()
