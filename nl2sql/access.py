"""What a least-privilege account may read: tables and columns probed with queries that return nothing.

Read-only accounts often have SELECT on some tables (or some columns) of a database and not on the
rest. The catalog lists every table all the same, so each one is probed before it goes into the
schema: ``SELECT * … WHERE 1 = 0`` reads no row but fails when any column is off limits; only then
is each column probed on its own. SQLite and DuckDB files have no grants and are not probed. A probe
that runs out of time (a table locked by another session) leaves the table out, saying so, without
probing its columns one by one.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "a.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (a INTEGER, b TEXT)").connection.close()
    >>> readable_columns(open_database(path), "t", ["a", "b"])
    Access(columns=('a', 'b'), refused='')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import sql

from nl2sql.connect import Database
from nl2sql.errors import driver_message
from nl2sql.own_query_timeout import timed_out

UNGRANTED_BACKENDS = frozenset({"sqlite", "duckdb"})
"""Engines without per-table privileges: whoever can open the file can read all of it."""


@dataclass(frozen=True)
class Access:
    """The columns of a table that the connection may read, and why the others are refused."""

    columns: tuple[str, ...]
    refused: str = ""
    """The database's reason for refusing the table or some of its columns; empty when all are readable."""

    @property
    def readable(self) -> bool:
        return bool(self.columns)


def readable_columns(
    database: Database, table: str, columns: Sequence[str], db_schema: str | None = None
) -> Access:
    """Probe which of ``columns`` of ``table`` this connection may select.

    Raises:
        sqlalchemy.exc.DBAPIError: the connection itself broke (not a refusal).
    """
    if database.backend in UNGRANTED_BACKENDS or not columns:
        return Access(tuple(columns))
    refused = _refusal(database, table, columns, db_schema)
    if not refused:
        return Access(tuple(columns))
    if timed_out(refused):  # not a refusal of some columns: the table did not answer in time
        return Access((), refused)
    allowed = tuple(c for c in columns if not _refusal(database, table, [c], db_schema))
    return Access(allowed, refused)


def _refusal(database: Database, table: str, columns: Sequence[str], db_schema: str | None) -> str:
    """Empty when selecting ``columns`` works, else the database's one-line reason."""
    probe = (
        sa.select(*(sql.column(name) for name in columns))
        .select_from(sql.table(table, schema=db_schema))
        .where(sa.false())
    )
    try:
        with database.engine.connect() as connection:
            connection.execute(probe).fetchall()
            connection.rollback()
    except sa.exc.DBAPIError as error:
        if error.connection_invalidated:
            raise
        return driver_message(error)
    return ""
