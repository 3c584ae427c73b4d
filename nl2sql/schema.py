"""What a database holds: tables, columns, keys, comments,
row counts and a few sample values of low-cardinality text columns.

Every statement runs under the product's own time bound (:mod:`nl2sql.own_query_timeout`): a table
whose rows cannot be counted or sampled in time (locked by another session, slow to compute) is kept
without its row count or samples.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> con = sqlite3.connect(path)
    >>> _ = con.executescript(
    ...     "CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT);"
    ...     "INSERT INTO city (name) VALUES ('Paris'), ('Rome'), ('Paris');")
    >>> con.commit(); con.close()
    >>> schema = load_schema(open_database(path))
    >>> table = schema.table("city")
    >>> table.row_count, table.column("name").samples
    (3, ('Paris', 'Rome'))
    >>> len(schema.fingerprint)
    64
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import yaml
from sqlalchemy import sql

from nl2sql.access import readable_columns
from nl2sql.catalog import Catalog, RawColumn, open_catalog
from nl2sql.connect import Database
from nl2sql.errors import DatabaseUnreachableError, driver_message
from nl2sql.own_query_timeout import own_query_timeout_s, timed_out

if TYPE_CHECKING:
    from nl2sql.glossary import Glossary

MAX_SAMPLE_VALUES = 12
"""A text column with at most this many distinct values gets them listed as samples."""
SAMPLE_SCAN_ROWS = 200_000
"""Samples are taken from at most this many rows of a table, so large tables stay quick."""
MAX_SAMPLE_LENGTH = 40


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    primary_key: bool = False
    comment: str | None = None
    samples: tuple[str, ...] = ()
    """Distinct values, most frequent first, when the column is text with few distinct values."""


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    comment: str | None = None
    row_count: int | None = None

    def column(self, name: str) -> Column:
        """The column called ``name`` (case-insensitive); KeyError when there is none."""
        for column in self.columns:
            if column.name.lower() == name.lower():
                return column
        raise KeyError(f"{self.name} has no column {name}")


@dataclass(frozen=True)
class SkippedTable:
    """A table the connection may not read (or read only in part), left out of the schema, and why."""

    name: str
    reason: str
    columns: tuple[str, ...] = ()
    """The columns left out when the table itself is kept; empty when the whole table is left out."""
    busy: bool = False
    """Left out because it did not answer in time (locked by another session, or too slow), not for
    lack of privileges: asked again later, it may be read."""

    def describe(self) -> str:
        """One line for the user.

        Example:
            >>> SkippedTable("salaries", "permission denied for table salaries").describe()
            'salaries: permission denied for table salaries'
            >>> SkippedTable("staff", "permission denied", ("pay",)).describe()
            'staff (columns pay): permission denied'
        """
        what = f"{self.name} (columns {', '.join(self.columns)})" if self.columns else self.name
        return f"{what}: {self.reason}"


@dataclass(frozen=True)
class Schema:
    """A database's structure, as the prompt, the validator and the explanation see it."""

    dialect: str
    tables: tuple[Table, ...]
    name: str = ""
    skipped: tuple[SkippedTable, ...] = ()
    """Tables and columns in the catalog that this connection may not read; they are left out."""
    _index: dict[str, Table] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({table.name.lower(): table for table in self.tables})

    def table(self, name: str) -> Table:
        """The table called ``name`` (case-insensitive); KeyError when there is none."""
        try:
            return self._index[name.lower()]
        except KeyError:
            raise KeyError(f"no table {name}") from None

    def has_table(self, name: str) -> bool:
        return name.lower() in self._index

    def mapping(self) -> dict[str, dict[str, str]]:
        """``{table: {column: type}}``, the shape sqlglot's optimizer takes as a schema."""
        return {t.name: {c.name: c.type for c in t.columns} for t in self.tables}

    @property
    def fingerprint(self) -> str:
        """sha256 of the structure (tables, columns, types, keys): stable while the structure is.

        Row counts, samples and descriptions do not count: adding data leaves it unchanged.
        """
        shape = [
            [
                t.name,
                [[c.name, c.type, c.nullable] for c in t.columns],
                list(t.primary_key),
                [[list(fk.columns), fk.ref_table, list(fk.ref_columns)] for fk in t.foreign_keys],
            ]
            for t in sorted(self.tables, key=lambda t: t.name.lower())
        ]
        return hashlib.sha256(json.dumps([self.dialect, shape]).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "name": self.name,
            "dialect": self.dialect,
            "fingerprint": self.fingerprint,
            "tables": [
                {
                    "name": t.name,
                    "comment": t.comment,
                    "row_count": t.row_count,
                    "primary_key": list(t.primary_key),
                    "foreign_keys": [
                        {
                            "columns": list(fk.columns),
                            "ref_table": fk.ref_table,
                            "ref_columns": list(fk.ref_columns),
                        }
                        for fk in t.foreign_keys
                    ],
                    "columns": [
                        {
                            "name": c.name,
                            "type": c.type,
                            "nullable": c.nullable,
                            "primary_key": c.primary_key,
                            "comment": c.comment,
                            "samples": list(c.samples),
                        }
                        for c in t.columns
                    ],
                }
                for t in self.tables
            ],
            "skipped": [
                {"table": s.name, "columns": list(s.columns), "reason": s.reason, "busy": s.busy}
                for s in self.skipped
            ],
        }

    def skipped_note(self) -> str:
        """What was left out for lack of privileges or time, in one line; empty when nothing was.

        Example:
            >>> skipped = (SkippedTable("salaries", "permission denied"),)
            >>> Schema("postgres", (), skipped=skipped).skipped_note()
            'skipped 1 table this account may not read: salaries: permission denied'
            >>> locked = SkippedTable("orders", busy_reason(10), busy=True)
            >>> Schema("postgres", (), skipped=(locked,)).skipped_note()  # doctest: +ELLIPSIS
            'skipped 1 table that did not answer in time: orders: no answer within 10 s (locked by...'
        """
        notes = []
        refused = [s for s in self.skipped if not s.busy]
        if refused:
            items = "; ".join(s.describe() for s in refused)
            notes.append(f"skipped {_tables(len(refused))} this account may not read: {items}")
        busy = [s for s in self.skipped if s.busy]
        if busy:
            items = "; ".join(s.describe() for s in busy)
            notes.append(f"skipped {_tables(len(busy))} that did not answer in time: {items}")
        return "; ".join(notes)


def busy_reason(seconds: float) -> str:
    """Why a table that did not answer within ``seconds`` was left out, for the user.

    Example:
        >>> busy_reason(2.5)  # doctest: +ELLIPSIS
        'no answer within 2.5 s (locked by another session, or too slow to read); ask again...'
    """
    return (
        f"no answer within {seconds:g} s (locked by another session, or too slow to read);"
        " ask again once it is free"
    )


def _tables(count: int) -> str:
    return f"{count} table{'s' if count != 1 else ''}"


def load_schema(database: Database, *, samples: bool = True, db_schema: str | None = None) -> Schema:
    """Read the structure of ``database`` (and its descriptions sidecar, when it has one).

    Tables (and columns) the connection may not select are left out and listed in
    :attr:`Schema.skipped`, so an account with SELECT on part of a database can still ask about that part.

    Args:
        database: an open database from :func:`nl2sql.connect.open_database`.
        samples: also count rows and collect sample values (a few quick read queries per table).
        db_schema: the database schema (namespace) to read; the connection's default otherwise.
    """
    descriptions = _read_descriptions(database.descriptions_path)
    tables: list[Table] = []
    skipped: list[SkippedTable] = []
    try:
        catalog = open_catalog(database, db_schema)
        for name in catalog.table_names():
            raw_columns = catalog.columns(name)
            access = readable_columns(database, name, [c.name for c in raw_columns], db_schema)
            if not access.readable:
                if timed_out(access.refused):
                    skipped.append(SkippedTable(name, busy_reason(own_query_timeout_s()), busy=True))
                else:
                    skipped.append(SkippedTable(name, access.refused))
                continue
            if access.refused:
                hidden = tuple(c.name for c in raw_columns if c.name not in access.columns)
                skipped.append(SkippedTable(name, access.refused, hidden))
            readable = [c for c in raw_columns if c.name in access.columns]
            described = descriptions.get(name, {})
            tables.append(_read_table(database, catalog, name, readable, db_schema, described, samples))
    except sa.exc.SQLAlchemyError as error:
        raise DatabaseUnreachableError(
            f"cannot read the schema of {database.name}: {driver_message(error)}"
        ) from error
    return Schema(
        dialect=database.dialect,
        tables=_without_dangling_keys(tables),
        name=database.name,
        skipped=tuple(skipped),
    )


def _read_table(
    database: Database,
    catalog: Catalog,
    name: str,
    raw_columns: list[RawColumn],
    db_schema: str | None,
    described: dict[str, Any],
    samples: bool,
) -> Table:
    primary_key = catalog.primary_key(name)
    column_notes = described.get("columns") or {}
    counted = _row_count(database, name, db_schema) if samples else None
    columns = []
    for raw in raw_columns:
        values: tuple[str, ...] = ()
        if samples and raw.is_text and counted:
            values = _sample_values(database, name, raw.name, db_schema)
        columns.append(
            Column(
                name=raw.name,
                type=raw.type,
                nullable=raw.nullable,
                primary_key=raw.name in primary_key,
                comment=column_notes.get(raw.name) or raw.comment,
                samples=values,
            )
        )
    foreign_keys = tuple(
        ForeignKey(fk.columns, fk.ref_table, fk.ref_columns) for fk in catalog.foreign_keys(name)
    )
    comment = described.get("description") or catalog.table_comment(name)
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        comment=comment,
        row_count=counted,
    )


def _without_dangling_keys(tables: list[Table]) -> tuple[Table, ...]:
    """Drop the keys that name a column or table left out for lack of privileges."""
    readable = {t.name: {c.name for c in t.columns} for t in tables}
    kept = []
    for table in tables:
        own = readable[table.name]
        foreign_keys = tuple(
            fk
            for fk in table.foreign_keys
            if set(fk.columns) <= own and set(fk.ref_columns) <= readable.get(fk.ref_table, set())
        )
        primary_key = table.primary_key if set(table.primary_key) <= own else ()
        if foreign_keys != table.foreign_keys or primary_key != table.primary_key:
            table = replace(table, foreign_keys=foreign_keys, primary_key=primary_key)
        kept.append(table)
    return tuple(kept)


def _row_count(database: Database, name: str, db_schema: str | None) -> int | None:
    """The table's rows, or None when counting them ran out of time."""
    query = sa.select(sa.func.count()).select_from(sql.table(name, schema=db_schema))
    try:
        with database.engine.connect() as connection:
            count = connection.execute(query).scalar_one()
            connection.rollback()
    except sa.exc.DBAPIError as error:
        if timed_out(error) and not error.connection_invalidated:
            return None
        raise
    return int(count)


def _sample_values(database: Database, table: str, column: str, db_schema: str | None) -> tuple[str, ...]:
    source = sql.table(table, sql.column(column), schema=db_schema)
    scanned = sa.select(source.c[column].label("value")).limit(SAMPLE_SCAN_ROWS).subquery()
    frequency = sa.func.count().label("n")
    query = (
        sa.select(scanned.c.value, frequency)
        .where(scanned.c.value.is_not(None))
        .group_by(scanned.c.value)
        .order_by(frequency.desc(), scanned.c.value)
        .limit(MAX_SAMPLE_VALUES + 1)
    )
    try:
        with database.engine.connect() as connection:
            rows = connection.execute(query).fetchall()
            connection.rollback()
    except sa.exc.DBAPIError as error:
        if timed_out(error) and not error.connection_invalidated:
            return ()  # too slow to sample: the column is described without values
        raise
    values = [str(row[0]) for row in rows]
    if len(values) > MAX_SAMPLE_VALUES or any(len(v) > MAX_SAMPLE_LENGTH for v in values):
        return ()
    return tuple(values)


def _read_descriptions(path: Path | None) -> dict[str, dict[str, Any]]:
    if path is None or not Path(path).is_file():
        return {}
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    tables = document.get("tables") or {}
    return {str(name): value or {} for name, value in tables.items()}


class DatabaseCache:
    """Database files opened, and their schemas read, once each: for runs over many questions.

    Example:
        >>> import sqlite3, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
        >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
        >>> cache = DatabaseCache()
        >>> cache.schema(path) is cache.schema(path), cache.database(path).name
        (True, 'c')
    """

    def __init__(self) -> None:
        self._open: dict[str, Database] = {}
        self._schemas: dict[str, Schema] = {}
        self._glossaries: dict[str, Glossary] = {}

    def database(self, path: str | Path) -> Database:
        key = str(path)
        if key not in self._open:
            from nl2sql.connect import open_database

            self._open[key] = open_database(path)
        return self._open[key]

    def schema(self, path: str | Path) -> Schema:
        key = str(path)
        if key not in self._schemas:
            self._schemas[key] = load_schema(self.database(path))
        return self._schemas[key]

    def glossary(self, path: str | Path) -> Glossary:
        """The business terms of the database at ``path`` (empty when it has no glossary)."""
        key = str(path)
        if key not in self._glossaries:
            from nl2sql.glossary import database_glossary

            self._glossaries[key] = database_glossary(self.database(path))
        return self._glossaries[key]
