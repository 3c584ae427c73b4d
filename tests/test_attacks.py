"""The adversarial suite: every attack of tests/fixtures/attacks.yaml, on each engine it names, through
the product's entry points (``run_query``; ``Assistant.ask`` for prompt injection), on real SQLite,
DuckDB, PostgreSQL and MariaDB — the servers through a superuser and a SELECT-only account.

For each attack: the outcome is one the attack allows (most are refused), every message is one line
with no traceback, the time limit is honoured, the data is unchanged (counts, sums, and the file's
bytes), no file is created (the attack's ``{out}`` path, the database's folder), no lock or setting
survives (PostgreSQL advisory locks and session settings, MariaDB named locks and variables), data
renders as text, never as HTML, and the rows downloaded as CSV or Excel hold no formula.

The class counts in SECURITY.md are checked against this file (``test_security_md_counts``); the same
attacks run through the JupyterLab panel in tests/test_panel_attacks.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from attack_suite import (
    ACCOUNTS,
    ATTACKS,
    CLASSES,
    ENGINES,
    HTML_TAGS,
    MARGIN_S,
    OUTCOMES,
    TIMEOUT_S,
    assert_no_formulas,
    assert_nothing_lingers,
    assert_table_in,
    class_table,
    expand,
    make_shop,
    outcome_of_message,
    read_only,
    state,
    steps,
)
from chatbi_jupyterlab.notebook.answer_html import diagnostics_html, table_html
from chatbi_jupyterlab.notebook.spreadsheet import csv_text, workbook
from conftest import Replies

from nl2sql import limits
from nl2sql.assistant import Assistant
from nl2sql.connect import open_database
from nl2sql.errors import ChatBIError
from nl2sql.execute import run_query

ROOT = Path(__file__).resolve().parent.parent
ATTACK_DATABASE = "chatbi_attacks"
"""The shop database the attacks run on, on each server (its own, so that the suite can recreate it)."""


def _cases() -> list:
    cases = []
    for number, attack in enumerate(ATTACKS, 1):
        for dialect in attack["engines"]:
            for account in ACCOUNTS[dialect]:
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
        shops[dialect] = make_shop(dialect, tmp_path_factory.mktemp(f"attacks-{dialect}"), ATTACK_DATABASE)
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
    """SECURITY.md's table of classes and counts is this fixture's, to the number, and so is its count of
    the attacks run through the panel (tests/test_panel_attacks.py runs ``panel_runs``)."""
    assert_table_in((ROOT / "SECURITY.md").read_text("utf-8"), class_table())


@pytest.mark.parametrize(("dialect", "attack", "account"), _cases())
def test_attack(
    dialect: str, attack: dict, account: str, shops: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    shop_db = _shop(shops, dialect, tmp_path_factory)
    database = open_database(read_only(shop_db) if account == "read-only" else shop_db)
    out = Path("/tmp") / f"chatbi-attack-{uuid.uuid4().hex}"
    before = state(shop_db)
    for sql in steps(attack):
        text = expand(sql, out)
        outcome, frame, error = _run(database, attack, text)
        assert outcome in attack["expect"], (text[:200], outcome, error)
        if error is not None:
            assert "\n" not in error and "Traceback" not in error, error
        if attack["class"] == "output rendering":
            _assert_renders_as_text(frame, error)
    assert not out.exists(), f"the attack created {out}"
    assert state(shop_db) == before, "the database or its folder changed"
    assert_nothing_lingers(shop_db, database)


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
            outcome = outcome_of_message(answer.error) if answer.error else "rows"
            result = (outcome, answer.data, answer.error)
        else:
            frame = run_query(database, sql, timeout_s=TIMEOUT_S, max_rows=1000).to_frame()
            result = ("rows", frame, None)
    except ChatBIError as error:
        kind = next((name for name, cls in OUTCOMES.items() if isinstance(error, cls)), "other")
        result = (kind, None, str(error))
    assert time.perf_counter() - started < TIMEOUT_S + limits.GRACE_S + MARGIN_S, sql[:200]
    return result


def _assert_renders_as_text(frame, error: str | None) -> None:
    page = table_html(frame, 50) + diagnostics_html([], error)
    assert not HTML_TAGS.search(page), page[:500]
    if frame is not None:  # the notebook's downloads (the panel's are tried in tests/test_panel_attacks.py)
        assert_no_formulas(csv_text(frame).encode("utf-8"), workbook({"result": frame}), len(frame))


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
