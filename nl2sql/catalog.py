"""Read a database's catalog: table names, columns, keys and comments, one shape for every engine.

Most engines are read through the SQLAlchemy inspector. DuckDB's SQLAlchemy driver answers the
inspector with PostgreSQL catalog queries that DuckDB cannot run, so DuckDB is read from its own
``duckdb_tables()``, ``duckdb_columns()`` and ``duckdb_constraints()`` functions instead. MySQL and
MariaDB refuse ``SHOW CREATE TABLE`` (what the inspector reads) to an account granted only some columns
of a table; such a table is read from ``information_schema``, which lists just those columns.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "c.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)").connection.close()
    >>> catalog = open_catalog(open_database(path))
    >>> catalog.table_names(), [(c.name, c.type, c.is_text) for c in catalog.columns("t")]
    (['t'], [('id', 'INTEGER', False), ('note', 'TEXT', True)])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import types

from nl2sql.connect import Database

TEXT_TYPE_PREFIXES = ("VARCHAR", "TEXT", "STRING", "CHAR", "ENUM", "BPCHAR", "NVARCHAR", "NCHAR", "CLOB")


@dataclass(frozen=True)
class RawColumn:
    name: str
    type: str
    nullable: bool
    comment: str | None
    is_text: bool


@dataclass(frozen=True)
class RawForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


class Catalog(Protocol):
    def table_names(self) -> list[str]: ...
    def columns(self, table: str) -> list[RawColumn]: ...
    def primary_key(self, table: str) -> tuple[str, ...]: ...
    def foreign_keys(self, table: str) -> list[RawForeignKey]: ...
    def table_comment(self, table: str) -> str | None: ...


def open_catalog(database: Database, db_schema: str | None = None) -> Catalog:
    """The catalog reader that works for ``database``'s engine."""
    if database.backend == "duckdb":
        return DuckDBCatalog(database, db_schema or "main")
    if database.backend in {"mysql", "mariadb"}:
        return MySQLCatalog(database, db_schema)
    return InspectorCatalog(database, db_schema)


class InspectorCatalog:
    """The SQLAlchemy inspector, for SQLite, PostgreSQL and MySQL/MariaDB."""

    def __init__(self, database: Database, db_schema: str | None) -> None:
        self.inspector = sa.inspect(database.engine)
        self.dialect = database.engine.dialect
        self.db_schema = db_schema

    def table_names(self) -> list[str]:
        return sorted(self.inspector.get_table_names(schema=self.db_schema))

    def columns(self, table: str) -> list[RawColumn]:
        return [
            RawColumn(
                name=raw["name"],
                type=self._type_name(raw["type"]),
                nullable=bool(raw.get("nullable", True)),
                comment=raw.get("comment"),
                is_text=isinstance(raw["type"], types.String | types.Enum),
            )
            for raw in self.inspector.get_columns(table, schema=self.db_schema)
        ]

    def primary_key(self, table: str) -> tuple[str, ...]:
        constraint = self.inspector.get_pk_constraint(table, schema=self.db_schema)
        return tuple(constraint.get("constrained_columns") or ())

    def foreign_keys(self, table: str) -> list[RawForeignKey]:
        return [
            RawForeignKey(
                tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"])
            )
            for fk in self.inspector.get_foreign_keys(table, schema=self.db_schema)
            if fk.get("referred_table")
        ]

    def table_comment(self, table: str) -> str | None:
        try:
            return self.inspector.get_table_comment(table, schema=self.db_schema).get("text")
        except NotImplementedError:
            return None

    def _type_name(self, column_type: Any) -> str:
        try:
            return str(column_type.compile(dialect=self.dialect)).upper()
        except Exception:  # a few reflected types cannot be compiled back; their class name will do
            return type(column_type).__name__.upper()


class MySQLCatalog(InspectorCatalog):
    """The inspector, with ``information_schema`` for tables it may not ``SHOW CREATE``."""

    def __init__(self, database: Database, db_schema: str | None) -> None:
        super().__init__(database, db_schema)
        self.database = database
        self._partial: set[str] = set()

    def columns(self, table: str) -> list[RawColumn]:
        try:
            return super().columns(table)
        except sa.exc.DBAPIError as error:
            if error.connection_invalidated:
                raise
        self._partial.add(table)
        query = (
            "SELECT column_name, column_type, is_nullable, column_comment FROM information_schema.columns"
            " WHERE table_schema = COALESCE(%s, DATABASE()) AND table_name = %s ORDER BY ordinal_position"
        )
        return [
            RawColumn(
                name=name,
                type=str(kind).upper(),
                nullable=nullable == "YES",
                comment=comment or None,
                is_text=str(kind).upper().startswith(TEXT_TYPE_PREFIXES),
            )
            for name, kind, nullable, comment in self._rows(query, table)
        ]

    def primary_key(self, table: str) -> tuple[str, ...]:
        if table not in self._partial:
            return super().primary_key(table)
        query = (
            "SELECT column_name FROM information_schema.key_column_usage WHERE constraint_name = 'PRIMARY'"
            " AND table_schema = COALESCE(%s, DATABASE()) AND table_name = %s ORDER BY ordinal_position"
        )
        return tuple(row[0] for row in self._rows(query, table))

    def foreign_keys(self, table: str) -> list[RawForeignKey]:
        return [] if table in self._partial else super().foreign_keys(table)

    def table_comment(self, table: str) -> str | None:
        return None if table in self._partial else super().table_comment(table)

    def _rows(self, query: str, table: str) -> list[Any]:
        with self.database.engine.connect() as connection:
            rows = connection.exec_driver_sql(query, (self.db_schema, table)).fetchall()
            connection.rollback()
        return rows


class DuckDBCatalog:
    """DuckDB's own catalog functions."""

    def __init__(self, database: Database, db_schema: str) -> None:
        self.database = database
        self.db_schema = db_schema

    def _rows(self, query: str, *params: Any) -> list[Any]:
        with self.database.engine.connect() as connection:
            rows = connection.exec_driver_sql(query, params).fetchall()
            connection.rollback()
        return rows

    def table_names(self) -> list[str]:
        query = "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND schema_name = ? ORDER BY 1"
        return [row[0] for row in self._rows(query, self.db_schema)]

    def columns(self, table: str) -> list[RawColumn]:
        query = (
            "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() "
            "WHERE schema_name = ? AND table_name = ? ORDER BY column_index"
        )
        return [
            RawColumn(
                name=name,
                type=str(kind).upper(),
                nullable=bool(nullable),
                comment=comment,
                is_text=str(kind).upper().startswith(TEXT_TYPE_PREFIXES),
            )
            for name, kind, nullable, comment in self._rows(query, self.db_schema, table)
        ]

    def _constraints(self, table: str, kind: str) -> list[Any]:
        query = (
            "SELECT constraint_column_names, referenced_table, referenced_column_names "
            "FROM duckdb_constraints() WHERE schema_name = ? AND table_name = ? AND constraint_type = ?"
        )
        return self._rows(query, self.db_schema, table, kind)

    def primary_key(self, table: str) -> tuple[str, ...]:
        rows = self._constraints(table, "PRIMARY KEY")
        return tuple(rows[0][0]) if rows else ()

    def foreign_keys(self, table: str) -> list[RawForeignKey]:
        return [
            RawForeignKey(tuple(cols), ref, tuple(ref_cols))
            for cols, ref, ref_cols in self._constraints(table, "FOREIGN KEY")
        ]

    def table_comment(self, table: str) -> str | None:
        query = "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?"
        rows = self._rows(query, self.db_schema, table)
        return rows[0][0] if rows else None
