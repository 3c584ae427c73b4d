"""Open a database by name, URL or file path, read-only wherever the database allows it.

A database is named by ``demo`` (the embedded demo database), a SQLAlchemy URL
(``postgresql+psycopg://user@host/db``), or the path of a SQLite or DuckDB file.
Whatever the name, the connection refuses writes on its own: SQLite opens with ``mode=ro``,
DuckDB with ``read_only`` (both as :mod:`nl2sql.engine_settings` says), PostgreSQL and MariaDB in
read-only transactions. The statement check in :mod:`nl2sql.safety` comes on top of that.

Nothing a query does survives it on a server connection: a PostgreSQL connection is rolled back and
``DISCARD ALL``-ed (advisory locks, settings, temporary tables, prepared statements, listeners) and
made read-only again each time it goes back to the pool; MariaDB connections are not pooled at all
(user variables and ``GET_LOCK`` locks end with the session). A server that does not answer is given
up on after :data:`CONNECT_TIMEOUT_S`; an account that can write is named once
(:mod:`nl2sql.account_check`). Every statement the product runs itself on these connections (the
catalog, row counts, sample values) is bounded in time (:mod:`nl2sql.own_query_timeout`).

Example:
    >>> import sqlite3, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
    >>> db = open_database(path)
    >>> db.dialect, db.name
    ('sqlite', 'shop')
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from nl2sql.account_check import warn_if_powerful
from nl2sql.engine_settings import DUCKDB_CONFIG, open_sqlite
from nl2sql.errors import ConnectionSpecError, DatabaseUnreachableError, driver_message
from nl2sql.own_query_timeout import bound_embedded, own_query_timeout_s, session_timeout_statements

SQLITE_SUFFIXES = {".sqlite", ".sqlite3", ".db", ".db3"}
DUCKDB_SUFFIXES = {".duckdb", ".ddb"}
CONNECT_TIMEOUT_S = 5
MYSQL_SYSTEM_DATABASES = frozenset({"mysql", "performance_schema", "sys", "information_schema"})
"""MariaDB's own databases: opened as the current database, their tables (``user``) would be read by
unqualified names the gate cannot tell from the data's."""
"""A server that has not completed the connection in this many seconds is reported unreachable."""
MYSQL_CONNECT_OPTIONS = frozenset(
    {"init_command", "sql_mode", "autocommit", "client_flag", "local_infile"}
    | {"read_default_file", "read_default_group"}  # an option file, which may set any of them
)
"""MySQL/MariaDB driver options a URL may not carry: they run a statement or change the session as the
driver connects, before ChatBI makes it read-only, or let the server read the client's files."""
SQLITE_MAGIC = b"SQLite format 3\x00"

SQLGLOT_DIALECTS = {
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
}
"""SQLAlchemy dialect name → sqlglot dialect name."""


@dataclass(frozen=True)
class Database:
    """An open, read-only database: its engine, its SQL dialect and where its descriptions live."""

    engine: Engine
    dialect: str
    """The sqlglot dialect: ``sqlite``, ``duckdb``, ``postgres`` or ``mysql``."""
    name: str
    """A short name for display and logs (file stem or database name)."""
    descriptions_path: Path | None = None
    """A sidecar YAML with table and column descriptions (for databases without comments)."""
    file: Path | None = None
    """The database file, for SQLite and DuckDB."""

    @property
    def backend(self) -> str:
        """The SQLAlchemy dialect name (``sqlite``, ``duckdb``, ``postgresql``, ``mysql``, ``mariadb``)."""
        return self.engine.dialect.name


def open_database(spec: str | Path, *, descriptions: str | Path | None = None) -> Database:
    """Open ``spec`` read-only.

    Args:
        spec: ``demo``, a SQLAlchemy URL, or a path to a SQLite / DuckDB file.
        descriptions: a YAML file of table and column descriptions; by default, beside a database
            file ``X.sqlite`` the file ``X.schema.yaml`` is used when it exists.

    Raises:
        ConnectionSpecError: the name is neither a known file nor a valid URL.
        DatabaseUnreachableError: the database cannot be opened.
    """
    text = str(spec).strip()
    if not text:
        raise ConnectionSpecError("no database given: pass --db demo, a file path or a SQLAlchemy URL")
    own_query_timeout_s()  # a bad $CHATBI_OWN_QUERY_TIMEOUT is reported now, in one line
    if text == "demo":
        from nl2sql.demo import ensure_demo_database

        return _open_file(ensure_demo_database(), descriptions)
    if "://" in text:
        return _open_url(text, descriptions)
    return _open_file(Path(text).expanduser(), descriptions)


def _open_file(path: Path, descriptions: str | Path | None) -> Database:
    if path.is_dir():
        raise ConnectionSpecError(f"{path} is a folder, not a database file")
    if not path.is_file():
        raise ConnectionSpecError(f"no such database file: {path}")
    sidecar = Path(descriptions) if descriptions else _default_sidecar(path)
    suffix = path.suffix.lower()
    if suffix in DUCKDB_SUFFIXES:
        engine = _duckdb_engine(path)
    elif suffix in SQLITE_SUFFIXES or _looks_like_sqlite(path):
        engine = _sqlite_engine(path)
    else:
        raise ConnectionSpecError(
            f"cannot tell what kind of database {path} is: use a .sqlite or .duckdb file, or a URL"
        )
    database = Database(
        engine=engine,
        dialect=SQLGLOT_DIALECTS[engine.dialect.name],
        name=path.stem,
        descriptions_path=sidecar,
        file=path,
    )
    _check_reachable(database)
    return database


def _open_url(text: str, descriptions: str | Path | None) -> Database:
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as error:
        raise ConnectionSpecError(f"not a valid database URL: {_hide_password(text)}") from error
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ConnectionSpecError("an in-memory SQLite database has nothing to ask about: name a file")
        return _open_file(Path(url.database).expanduser(), descriptions)
    if backend == "duckdb":
        if not url.database or url.database == ":memory:":
            raise ConnectionSpecError("an in-memory DuckDB database has nothing to ask about: name a file")
        return _open_file(Path(url.database).expanduser(), descriptions)
    if backend not in SQLGLOT_DIALECTS:
        raise ConnectionSpecError(
            f"unsupported database kind '{backend}': use SQLite, DuckDB, PostgreSQL or MySQL/MariaDB"
        )
    if backend != "postgresql" and (url.database or "").lower() in MYSQL_SYSTEM_DATABASES:
        raise ConnectionSpecError(
            f"'{url.database}' is the server's own database (accounts, settings): name the database"
            " to ask about in the URL"
        )
    refused = sorted(key for key in url.query if backend != "postgresql" and key in MYSQL_CONNECT_OPTIONS)
    if refused:
        raise ConnectionSpecError(
            f"the URL sets {refused[0]}, which ChatBI refuses: it acts on the server as ChatBI connects,"
            " before the session is made read-only; remove it from the URL"
        )
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, **_server_options(backend))
    except (NoSuchModuleError, ModuleNotFoundError) as error:
        raise ConnectionSpecError(
            f"no driver for '{url.drivername}': install it with pip install 'chatbi[db]'"
        ) from error
    if backend == "postgresql":
        event.listen(engine, "connect", _postgres_read_only)
        event.listen(engine, "reset", _postgres_discard)
    else:
        event.listen(engine, "connect", _mysql_read_only)
    database = Database(
        engine=engine,
        dialect=SQLGLOT_DIALECTS[backend],
        name=url.database or backend,
        descriptions_path=Path(descriptions) if descriptions else None,
    )
    _check_reachable(database)
    warn_if_powerful(database)
    return database


def _server_options(backend: str) -> dict[str, Any]:
    options: dict[str, Any] = {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_S}}
    if backend != "postgresql":
        options["poolclass"] = sa.pool.NullPool  # each query on a session of its own, ended after it
    return options


def _sqlite_engine(path: Path) -> Engine:
    engine = sa.create_engine("sqlite://", creator=lambda: open_sqlite(path), poolclass=sa.pool.QueuePool)
    bound_embedded(engine)
    return engine


def _duckdb_engine(path: Path) -> Engine:
    try:
        import duckdb_engine  # noqa: F401
    except ModuleNotFoundError as error:
        raise ConnectionSpecError("DuckDB support is not installed: pip install 'chatbi[db]'") from error
    engine = sa.create_engine(  # a URL object: a "?" in the file's name is never read as DuckDB settings
        URL.create("duckdb", database=path.resolve().as_posix()),
        connect_args={"read_only": True, "config": dict(DUCKDB_CONFIG)},
    )
    bound_embedded(engine)
    return engine


def _postgres_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    for statement in session_timeout_statements("postgresql"):
        cursor.execute(statement)
    cursor.close()
    dbapi_connection.commit()


def _postgres_discard(dbapi_connection: Any, _record: Any, _state: Any = None) -> None:
    """Before a connection goes back to the pool: end its transaction, then forget everything the session
    did (``DISCARD ALL``: advisory locks, settings, temporary tables, prepared statements, listeners) and
    make it read-only and time-bounded again. Should any of it fail, the pool closes the connection
    instead."""
    dbapi_connection.rollback()
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute("DISCARD ALL")
        dbapi_connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        for statement in session_timeout_statements("postgresql"):
            dbapi_connection.execute(statement)
    finally:
        dbapi_connection.autocommit = False


def _mysql_read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION TRANSACTION READ ONLY")
    for statement in session_timeout_statements("mysql", dbapi_connection.get_server_info()):
        cursor.execute(statement)
    cursor.close()


def _check_reachable(database: Database) -> None:
    """Open a connection and read one row, within :data:`CONNECT_TIMEOUT_S` (plus a margin) in all:
    PyMySQL's own timeout covers the TCP connection but not a server that then never says a word."""
    outcome: list[BaseException | None] = []

    def probe() -> None:
        try:
            with database.engine.connect() as connection:
                sql = "SELECT COUNT(*) FROM sqlite_master" if database.backend == "sqlite" else "SELECT 1"
                connection.exec_driver_sql(sql).fetchall()
                connection.rollback()
            outcome.append(None)
        except Exception as error:  # drivers raise many kinds; all mean "cannot open it"
            outcome.append(error)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT_S + 2)
    where = str(database.file) if database.file else database.engine.url.render_as_string(hide_password=True)
    if not outcome:
        raise DatabaseUnreachableError(
            f"cannot open database {where}: no answer within {CONNECT_TIMEOUT_S} s"
        )
    if outcome[0] is not None:
        error = outcome[0]
        raise DatabaseUnreachableError(f"cannot open database {where}: {driver_message(error)}") from error


def _default_sidecar(path: Path) -> Path | None:
    candidate = path.with_name(f"{path.stem}.schema.yaml")
    return candidate if candidate.is_file() else None


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError as error:
        raise ConnectionSpecError(f"cannot read {path}: {error.strerror or error}") from error


def _hide_password(text: str) -> str:
    try:
        return URL.render_as_string(make_url(text), hide_password=True)
    except Exception:
        return text.split("@")[-1]
