"""The adversarial suite: every attack of tests/fixtures/attacks.yaml, on each engine it names, through
the product's entry points (``run_query``; ``Assistant.ask`` for prompt injection), on real SQLite,
DuckDB, PostgreSQL and MariaDB — the servers through a superuser and a SELECT-only account.

For each attack: the outcome is one the attack allows (most are refused), every message is one line
with no traceback, the time limit is honoured, the data is unchanged (counts, sums, and the file's
bytes), no file is created (the attack's ``{out}`` path, the database's folder), no lock or setting
survives (PostgreSQL advisory locks and session settings, MariaDB named locks and variables), and data
renders as text, never as HTML.

The class counts in SECURITY.md are checked against this file (``test_security_md_counts``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from chatbi_jupyterlab.notebook.answer_html import diagnostics_html, table_html
from conftest import (
    MARIADB_ADMIN_URL,
    POSTGRES_ADMIN_URL,
    SHOP_CUSTOMERS,
    SHOP_ORDERS,
    Replies,
    _duckdb_shop,
    _server_shop,
    _sqlite_shop,
    read_only_url,
)

from nl2sql import limits
from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.errors import (
    ChatBIError,
    QueryExecutionError,
    QueryTimeoutError,
    RefusedStatementError,
    ResultTooLargeError,
)
from nl2sql.execute import run_query

ROOT = Path(__file__).resolve().parent.parent
ATTACKS = yaml.safe_load((Path(__file__).parent / "fixtures" / "attacks.yaml").read_text("utf-8"))
ENGINES = ("sqlite", "duckdb", "postgres", "mysql")
"""The engines, by the sqlglot dialect the fixture names them with."""
ATTACK_DATABASE = "chatbi_attacks"
"""The shop database the attacks run on, on each server (its own, so that the suite can recreate it)."""
CLASSES = (
    "disguised writes",
    "session tampering, then a write",
    "files, network, programs",
    "side effects inside a SELECT",
    "catalog and credential reads",
    "resource exhaustion",
    "prompt injection",
    "output rendering",
    "bad input",
)
OUTCOMES = {
    "refused": RefusedStatementError,
    "timeout": QueryTimeoutError,
    "too-large": ResultTooLargeError,
    "error": QueryExecutionError,
}
TIMEOUT_S = 2.0
MARGIN_S = 15.0
"""Generous: the machine may be busy; a query that ignored its limit runs for tens of seconds."""
HTML_TAGS = re.compile(r"<\s*(script|img|iframe|svg|object|embed|a|b|style|link)\b", re.IGNORECASE)


def _cases() -> list:
    cases = []
    for number, attack in enumerate(ATTACKS, 1):
        for dialect in attack["engines"]:
            accounts = ("superuser", "read-only") if dialect in ("postgres", "mysql") else ("owner",)
            for account in accounts:
                label = f"{number:03d}-{dialect}-{account}"
                cases.append(pytest.param(dialect, attack, account, id=label))
    return cases


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The shop database of each engine, made the first time an attack needs it (a server that cannot be
    reached skips its attacks)."""
    return {}


def _shop(shops: dict[str, str], dialect: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if dialect not in shops:
        folder = tmp_path_factory.mktemp(f"attacks-{dialect}")
        shops[dialect] = {
            "sqlite": lambda: _sqlite_shop(folder),
            "duckdb": lambda: _duckdb_shop(folder),
            "postgres": lambda: _server_shop(POSTGRES_ADMIN_URL, "postgresql", ATTACK_DATABASE),
            "mysql": lambda: _server_shop(MARIADB_ADMIN_URL, "mariadb", ATTACK_DATABASE),
        }[dialect]()
    return shops[dialect]


def test_the_suite_is_large_and_covers_every_class_and_engine() -> None:
    runs = [(attack["class"], dialect) for attack in ATTACKS for dialect in attack["engines"]]
    assert len(runs) >= 300
    assert {cls for cls, _ in runs} == set(CLASSES)
    assert {dialect for _, dialect in runs} == set(ENGINES)
    for attack in ATTACKS:
        assert attack["class"] in CLASSES, attack
        assert set(attack["expect"]) <= {*OUTCOMES, "rows"}, attack


def test_security_md_counts() -> None:
    """SECURITY.md's table of classes and counts is this fixture's, to the number."""
    text = (ROOT / "SECURITY.md").read_text("utf-8")
    counts = Counter()
    for attack in ATTACKS:
        for dialect in attack["engines"]:
            counts[(attack["class"], dialect)] += 1
    for cls in CLASSES:
        row = [counts[(cls, dialect)] for dialect in ENGINES]
        line = f"| {cls} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |"
        assert line in text, f"SECURITY.md lacks the line: {line}"
    totals = " | ".join(f"**{sum(counts[(cls, d)] for cls in CLASSES)}**" for d in ENGINES)
    assert f"| **all** | {totals} | **{sum(counts.values())}** |" in text


@pytest.mark.parametrize(("dialect", "attack", "account"), _cases())
def test_attack(
    dialect: str, attack: dict, account: str, shops: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    shop_db = _shop(shops, dialect, tmp_path_factory)
    database = open_database(_read_only(shop_db) if account == "read-only" else shop_db)
    out = Path("/tmp") / f"chatbi-attack-{uuid.uuid4().hex}"
    before = _state(shop_db)
    steps = attack["sql"] if isinstance(attack["sql"], list) else [attack["sql"]]
    for sql in steps:
        text = sql.replace("{out}", str(out / "x")).replace("{nul}", "\x00").replace("{bad}", "\udcff")
        text = text.replace("{deep}", "(" * 3000 + "1" + ")" * 3000).replace("{huge}", "x" * 100_001)
        outcome, frame, error = _run(database, attack, text)
        assert outcome in attack["expect"], (text[:200], outcome, error)
        if error is not None:
            assert "\n" not in error and "Traceback" not in error, error
        if attack["class"] == "output rendering":
            _assert_renders_as_text(frame, error)
    assert not out.exists(), f"the attack created {out}"
    assert _state(shop_db) == before, "the database or its folder changed"
    _assert_nothing_lingers(shop_db, database)


@functools.cache
def _read_only(shop_db: str) -> str:
    return read_only_url(shop_db)


def _run(database, attack: dict, sql: str) -> tuple[str, object, str | None]:
    """Run one step through the entry point the attack's class uses; its outcome, frame and message."""
    started = time.perf_counter()
    try:
        if attack["class"] == "prompt injection":
            generator = Replies(sql)
            assistant = Assistant(
                database, generator=generator, log=None, timeout_s=TIMEOUT_S, semantic=False
            )
            answer = assistant.ask(attack["question"])
            outcome = _outcome_of_message(answer.error) if answer.error else "rows"
            result = (outcome, answer.data, answer.error)
        else:
            frame = run_query(database, sql, timeout_s=TIMEOUT_S, max_rows=1000).to_frame()
            result = ("rows", frame, None)
    except ChatBIError as error:
        kind = next((name for name, cls in OUTCOMES.items() if isinstance(error, cls)), "other")
        result = (kind, None, str(error))
    assert time.perf_counter() - started < TIMEOUT_S + limits.GRACE_S + MARGIN_S, sql[:200]
    return result


def _outcome_of_message(message: str) -> str:
    if message.startswith("refused:"):
        return "refused"
    if "ran longer than" in message:
        return "timeout"
    if "too large" in message or "more memory" in message:
        return "too-large"
    return "error"


def _assert_renders_as_text(frame, error: str | None) -> None:
    page = table_html(frame, 50) + diagnostics_html([], error)
    assert not HTML_TAGS.search(page), page[:500]


def _state(spec: str) -> tuple:
    """What must not change: row counts and sums, and for a file its bytes and its folder's files."""
    engine = _owner_engine(spec)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM orders),"
            " (SELECT SUM(amount) FROM orders)"
        ).one()
    if "://" in spec:
        engine.dispose()
    assert (rows[0], rows[1]) == (SHOP_CUSTOMERS, SHOP_ORDERS)
    if "://" in spec:
        return tuple(str(value) for value in rows)
    path = Path(spec)
    files = sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".wal"))
    return (*map(str, rows), hashlib.sha256(path.read_bytes()).hexdigest(), tuple(files))


def _owner_engine(spec: str) -> sa.Engine:
    """The owner's connection on a server; on a file, the product's own (read-only, guarded)."""
    return sa.create_engine(spec) if "://" in spec else open_database(spec).engine


def _assert_nothing_lingers(spec: str, database) -> None:
    """No advisory or named lock is held, and a pooled connection has its read-only defaults."""
    if spec.startswith("postgresql"):
        admin = sa.create_engine(POSTGRES_ADMIN_URL)
        with admin.connect() as connection:
            held = connection.exec_driver_sql(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                f" AND database = (SELECT oid FROM pg_database WHERE datname = '{ATTACK_DATABASE}')"
            )
            assert held.scalar() == 0
        admin.dispose()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "10s"  # the product's
            assert connection.exec_driver_sql("SELECT current_setting('chatbi.leak', true)").scalar() in (
                None,
                "",
            )
    elif spec.startswith("mysql") or spec.startswith("mariadb"):
        admin = sa.create_engine(MARIADB_ADMIN_URL)
        with admin.connect() as connection:
            assert connection.exec_driver_sql("SELECT IS_FREE_LOCK('chatbi_attack')").scalar() == 1
        admin.dispose()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT @leak").scalar() is None
            assert connection.exec_driver_sql("SELECT @@session.tx_read_only").scalar() == 1


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_the_cli_shows_control_characters_instead_of_obeying_them(sqlite_shop: str, as_json: bool) -> None:
    """Output rendering on a terminal: an escape sequence, a carriage return and a C1 control from the
    data are printed as visible text, never sent to the terminal raw."""
    sql = "SELECT char(27) || '[2J' || char(13) || 'x' || char(155) || '31m' AS payload"
    command = [
        sys.executable,
        "-m",
        "nl2sql",
        "sql",
        sql,
        "--db",
        sqlite_shop,
        *(["--json"] if as_json else []),
    ]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", ran.stdout + ran.stderr)
    if as_json:
        assert json.loads(ran.stdout)["rows"] == [["\x1b[2J\rx\x9b31m"]]
    else:
        assert "\\x1b[2J" in ran.stdout and "x\\x9b31m" in ran.stdout
