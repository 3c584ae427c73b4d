"""Shared fixtures: isolated ChatBI folders, and one small shop database on every supported engine.

PostgreSQL and MariaDB are expected on 127.0.0.1 (trust / empty-password root, as on the CI
machine); tests that need them skip with a reason when they cannot be reached.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

if TYPE_CHECKING:
    from nl2sql.semantic.compile import CompiledQuery
    from nl2sql.semantic.model import SemanticModel
    from nl2sql.semantic.query import SemanticQuery

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


class StreamedReplies(Replies):
    """Answers like :class:`Replies`, written to ``on_token`` word by word as a local model writes. With
    ``pause_after``, it stops after that many words until ``resume`` is set (``paused`` says it is
    there), so that a test can act while an answer is being written."""

    model_id = "streamed replies"

    def __init__(self, sql: str, pause_after: int | None = None) -> None:
        import threading

        super().__init__(sql)
        self.pause_after, self.paused, self.resume = pause_after, threading.Event(), threading.Event()
        self.written: list[str] = []
        """The pieces written so far, over all prompts."""

    def generate(self, messages: list, *, on_token=None, **options: object):
        import re

        generation = super().generate(messages, **options)
        for index, piece in enumerate(re.findall(r"\s*\S+", generation.text)):
            if index == self.pause_after:
                self.paused.set()
                assert self.resume.wait(120), "the test never let the answer go on"
            self.written.append(piece)
            if on_token is not None:
                on_token(piece)
        return generation


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


def sqlite_file(path: Path, statements: Iterable[str]) -> str:
    """A SQLite database at ``path`` made by running ``statements`` in it; its path as a string."""
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return str(path)


def normalized(rows: Iterable[Sequence[object]], places: int = 6) -> list[tuple]:
    """``rows`` as tuples, their numbers (decimals and floats) as floats rounded to ``places``, so the
    engines' figures and hand-worked ones compare.

    Example:
        >>> normalized([("Acme", Decimal("120.5000001"), 2)])
        [('Acme', 120.5, 2)]
    """
    return [tuple(round(float(v), places) if isinstance(v, Decimal | float) else v for v in r) for r in rows]


def run_compiled(
    url: str, query: SemanticQuery, model: SemanticModel, *, today: date, places: int = 6
) -> tuple[CompiledQuery, list[tuple]]:
    """``query`` compiled for the database at ``url`` and run there: the compiled query and its rows
    (:func:`normalized`), once the result's columns are checked to be the ones it names."""
    from nl2sql.connect import open_database
    from nl2sql.execute import run_query
    from nl2sql.semantic.compile import compile_query

    database = open_database(url)
    compiled = compile_query(query, model, dialect=database.dialect, today=today)
    result = run_query(database, compiled.sql)
    assert list(result.columns) == list(compiled.columns)
    return compiled, normalized(result.rows, places)


def _sqlite_shop(folder: Path) -> str:
    path = sqlite_file(folder / "shop.sqlite", SHOP_TABLES + SHOP_ROWS)
    (folder / "shop.schema.yaml").write_text(
        "tables:\n  customers:\n    description: People and companies who buy from us.\n"
        "    columns:\n      segment: Customer segment.\n",
        encoding="utf-8",
    )
    return path


def _duckdb_shop(folder: Path) -> str:
    duckdb = pytest.importorskip("duckdb")
    path = folder / "shop.duckdb"
    connection = duckdb.connect(str(path))
    for statement in SHOP_TABLES + SHOP_ROWS:
        connection.execute(statement)
    connection.close()
    return str(path)


def _server_shop(admin_url: str, kind: str, database: str = TEST_DATABASE) -> str:
    try:
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {database}")
            connection.exec_driver_sql(f"CREATE DATABASE {database}")
    except Exception as error:  # no server, no driver: this engine is not available here
        pytest.skip(f"{kind} is not reachable at {admin_url}: {str(error).splitlines()[0]}")
    url = admin.url.set(database=database)
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


READ_ONLY_ACCOUNT = "chatbi_select_only"
"""An account with SELECT on the shop database's tables and nothing else (read_only_url makes it)."""


def read_only_url(shop_url: str) -> str:
    """The shop database on a server through :data:`READ_ONLY_ACCOUNT`, created (again) when needed."""
    url = sa.make_url(shop_url)
    postgres = url.get_backend_name() == "postgresql"
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT").execution_options(no_parameters=True)
    with owner.connect() as connection:
        if postgres:
            exists = connection.exec_driver_sql(
                f"SELECT COUNT(*) FROM pg_roles WHERE rolname = '{READ_ONLY_ACCOUNT}'"
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f"CREATE ROLE {READ_ONLY_ACCOUNT} LOGIN")
            connection.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READ_ONLY_ACCOUNT}")
        else:
            connection.exec_driver_sql(f"CREATE USER IF NOT EXISTS '{READ_ONLY_ACCOUNT}'@'%'")
            connection.exec_driver_sql(f"GRANT SELECT ON {url.database}.* TO '{READ_ONLY_ACCOUNT}'@'%'")
    owner.dispose()
    return url.set(username=READ_ONLY_ACCOUNT, password=None).render_as_string(hide_password=False)


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
def pinned_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database whose data runs up to the business questions' day (2026-06-30), pinned: for
    answers checked against hand-written queries whatever the test clock says."""
    from nl2sql.demo import build_demo_database
    from nl2sql.demo.business import BUSINESS_AS_OF

    folder = tmp_path_factory.mktemp("pinned-demo")
    return build_demo_database(folder / "demo.sqlite", as_of=BUSINESS_AS_OF, pinned=True)


def orders_table(rows: Iterable[tuple[int, str, str, float]]) -> sqlite3.Connection:
    """An in-memory ``orders`` table shaped like the demo's, one row per (order_id, order_date, status,
    total_amount), all of customer 1 on channel 1: for a compiled window's total checked by hand."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, channel_id INTEGER, order_date TEXT,"
        " status TEXT, total_amount REAL)"
    )
    db.executemany("INSERT INTO orders VALUES (?, 1, 1, ?, ?, ?)", list(rows))
    return db


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


FEEDBACK_DATABASE = "chatbi_feedback_test"
"""The PostgreSQL database the feedback-log tests create and drop (the shop tests use their own)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def feedback_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty feedback store: a SQLite file, and a fresh PostgreSQL database (skipped when absent)."""
    if request.param == "sqlite":
        yield str(tmp_path / "feedback.sqlite")
        return
    try:
        admin = sa.create_engine(
            POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {FEEDBACK_DATABASE} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {FEEDBACK_DATABASE}")
    except Exception as error:  # no server, no driver: this store is not available here
        pytest.skip(f"postgresql is not reachable at {POSTGRES_ADMIN_URL}: {str(error).splitlines()[0]}")
    yield admin.url.set(database=FEEDBACK_DATABASE).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {FEEDBACK_DATABASE} WITH (FORCE)")
    admin.dispose()


def output_texts(widget: Any) -> list[str]:
    """The text of every output stream in an ipywidgets ``widget``'s tree, in order."""
    import ipywidgets as widgets

    found = []
    if isinstance(widget, widgets.Output):
        found += ["".join(o.get("text", "") for o in widget.outputs)]
    for child in getattr(widget, "children", ()):
        found += output_texts(child)
    return found
