"""What the adversarial suites share: the attacks of tests/fixtures/attacks.yaml, the shop database each
runs on, and the checks made after each (the data unchanged, nothing left behind on the server, no
formula in the files the rows download as).

tests/test_attacks.py runs the attacks through the Python API, tests/test_panel_attacks.py through the
JupyterLab panel's HTTP endpoints; SECURITY.md's tables count both (:func:`class_table`).

Example:
    >>> expand("SELECT '{nul}' -- {out}", Path("/tmp/nowhere"))
    "SELECT '\\x00' -- /tmp/nowhere/x"
    >>> outcome_of_message("refused: only one statement may run")
    'refused'
    >>> class_table()[-2]
    '| bad input | 8 | 8 | 8 | 8 | 32 | 32 |'
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import sqlalchemy as sa
import yaml
from conftest import (
    MARIADB_ADMIN_URL,
    POSTGRES_ADMIN_URL,
    SHOP_CUSTOMERS,
    SHOP_ORDERS,
    _duckdb_shop,
    _server_shop,
    _sqlite_shop,
    read_only_url,
)

from nl2sql.connect import open_database
from nl2sql.errors import (
    QueryExecutionError,
    QueryTimeoutError,
    RefusedStatementError,
    ResultTooLargeError,
)

ATTACKS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "attacks.yaml").read_text("utf-8")
)
ENGINES = ("sqlite", "duckdb", "postgres", "mysql")
"""The engines, by the sqlglot dialect the fixture names them with."""
ACCOUNTS = {"sqlite": ("owner",), "duckdb": ("owner",), "postgres": ("superuser", "read-only")}
ACCOUNTS["mysql"] = ACCOUNTS["postgres"]
"""Who runs the attacks on each engine: the file's owner, or a server's superuser and SELECT-only account."""
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
TABLE_HEADER = "| class | SQLite | DuckDB | PostgreSQL | MariaDB | all | through the panel |"
PANEL_CLASSES = CLASSES
"""The classes run through the panel too (tests/test_panel_attacks.py): every one, the statements as the
SQL a user sends, prompt injection as the question asked with a stand-in model that writes the SQL."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel or LibreOffice read a cell of a CSV file as a formula (OWASP's list)."""


def steps(attack: dict[str, Any]) -> list[str]:
    """The attack's SQL, one statement per step, placeholders as written in the fixture."""
    return attack["sql"] if isinstance(attack["sql"], list) else [attack["sql"]]


def expand(sql: str, out: Path) -> str:
    """``sql`` with the fixture's placeholders filled in: ``{out}`` a path under ``out`` that must never be
    created, ``{nul}``, ``{bad}`` (not UTF-8), ``{deep}`` brackets and ``{huge}`` text."""
    text = sql.replace("{out}", str(out / "x")).replace("{nul}", "\x00").replace("{bad}", "\udcff")
    return text.replace("{deep}", "(" * 3000 + "1" + ")" * 3000).replace("{huge}", "x" * 100_001)


def outcome_of_message(message: str) -> str:
    """The outcome (a key of :data:`OUTCOMES`) a one-line message reports."""
    if message.startswith("refused:"):
        return "refused"
    if "ran longer than" in message:
        return "timeout"
    if "too large" in message or "more memory" in message:
        return "too-large"
    return "error"


def make_shop(dialect: str, folder: Path, server_database: str) -> str:
    """The shop database on ``dialect``, as ``open_database`` takes it (a server that cannot be reached
    skips the test); ``server_database`` names it on a server, recreated."""
    if dialect == "sqlite":
        return _sqlite_shop(folder)
    if dialect == "duckdb":
        return _duckdb_shop(folder)
    if dialect == "postgres":
        return _server_shop(POSTGRES_ADMIN_URL, "postgresql", server_database)
    return _server_shop(MARIADB_ADMIN_URL, "mariadb", server_database)


@functools.cache
def read_only(shop_db: str) -> str:
    """The shop on a server through the SELECT-only account (made once per test session)."""
    return read_only_url(shop_db)


def state(spec: str) -> tuple:
    """What must not change: row counts and sums, and for a file its bytes and its folder's files."""
    engine = sa.create_engine(spec) if "://" in spec else open_database(spec).engine
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


def assert_nothing_lingers(spec: str, database: Any) -> None:
    """No advisory or named lock is held on the shop's server, and a connection from ``database``'s pool
    has its read-only defaults and no setting or variable an attack tried to leave."""
    if spec.startswith("postgresql"):
        name = sa.make_url(spec).database
        admin = sa.create_engine(POSTGRES_ADMIN_URL)
        with admin.connect() as connection:
            held = connection.exec_driver_sql(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
                f" AND database = (SELECT oid FROM pg_database WHERE datname = '{name}')"
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


def assert_no_formulas(csv_data: bytes, xlsx_data: bytes, rows: int) -> None:
    """Neither download of ``rows`` rows holds a cell a spreadsheet would compute: in the CSV (a line per
    row and one for the header) a cell that begins like a formula is a number, and in the workbook no
    cell is a formula."""
    lines = list(csv.reader(io.StringIO(csv_data.decode("utf-8"), newline="")))
    assert len(lines) == rows + 1, f"{len(lines)} lines for {rows} rows: a value broke a row in two"
    for cell in (cell for line in lines for cell in line):
        assert not cell.startswith(FORMULA_STARTS) or _is_number(cell), f"a formula in the CSV: {cell!r}"
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_data))
    formulas = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert not formulas, f"formulas in the workbook: {formulas}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def panel_runs(dialect: str) -> list[tuple[int, dict[str, Any]]]:
    """The attacks run through the panel on ``dialect`` (per account on a server), by fixture number."""
    return [
        (number, attack)
        for number, attack in enumerate(ATTACKS, 1)
        if attack["class"] in PANEL_CLASSES and dialect in attack["engines"]
    ]


def class_table() -> list[str]:
    """SECURITY.md's table: the attacks by class and engine, and how many of them run through the panel
    (over all engines); a row per class, then the totals."""
    counts = Counter((attack["class"], dialect) for attack in ATTACKS for dialect in attack["engines"])
    panel = Counter(attack["class"] for dialect in ENGINES for _, attack in panel_runs(dialect))
    lines = [TABLE_HEADER, "|---|---:|---:|---:|---:|---:|---:|"]
    for cls in CLASSES:
        row = [counts[(cls, dialect)] for dialect in ENGINES]
        cells = " | ".join(str(n) for n in [*row, sum(row), panel[cls]])
        lines.append(f"| {cls} | {cells} |")
    totals = [sum(counts[(cls, dialect)] for cls in CLASSES) for dialect in ENGINES]
    cells = " | ".join(f"**{n}**" for n in [*totals, sum(totals), sum(panel.values())])
    lines.append(f"| **all** | {cells} |")
    return lines


def assert_table_in(text: str, lines: list[str]) -> None:
    """Every line of the table is in ``text`` (SECURITY.md), so that the table cannot drift."""
    for line in lines:
        assert line in text, f"SECURITY.md lacks the line: {line}"
