"""Check a query against the real schema: does it parse, is it a read, do its tables and columns exist;
and when it does, what looks wrong about it (the warnings of :mod:`explain.rules`).

Everything here works on the sqlglot AST and the schema; no model is involved.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> columns = (Column("singer_id", "INTEGER"), Column("name", "TEXT"))
    >>> schema = Schema("sqlite", (Table("singer", columns),))
    >>> [str(d) for d in check("SELECT nme FROM singer", schema)]
    ['error [unknown-column] no column nme in singer; did you mean name?']
    >>> check("SELECT name FROM singer", schema)
    []
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.errors import OptimizeError, SqlglotError
from sqlglot.optimizer.qualify import qualify

from explain.diagnostic import Diagnostic
from explain.errors import UnparsableSQLError
from explain.parse import parse_statement
from explain.resolve import Bindings
from explain.rules import LintContext, lint
from explain.statement import write_reason

if TYPE_CHECKING:
    from nl2sql.schema import Schema

_UNRESOLVED = re.compile(r"Column '([^']+)' could not be resolved|Unknown column: (\S+)")


def check(sql: str, schema: Schema, dialect: str | None = None) -> list[Diagnostic]:
    """Diagnostics for ``sql`` against ``schema``: its errors, or when it has none the warnings of
    :mod:`explain.rules` in SQL-position order; empty when nothing was found.

    Args:
        sql: one SQL statement.
        schema: the database it is meant for.
        dialect: the sqlglot dialect; the schema's by default.
    """
    dialect = dialect or schema.dialect
    try:
        statement = parse_statement(sql, dialect, schema.mapping())
    except UnparsableSQLError as error:
        return [error.diagnostic]
    reason = write_reason(statement)
    if reason:
        return [Diagnostic("not-a-read", "error", f"{reason}; only read queries are run")]
    unknown_tables = _unknown_tables(statement, schema)
    if unknown_tables:
        return unknown_tables
    errors = _unresolved_columns(statement, schema, dialect)
    if errors:
        return errors
    return lint(LintContext(sql, statement, schema, dialect, Bindings(statement, schema)))


def _unknown_tables(statement: exp.Expression, schema: Schema) -> list[Diagnostic]:
    local = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    found = []
    for table in statement.find_all(exp.Table):
        name = table.name
        if not name or name.lower() in local or schema.has_table(name):
            continue
        hint = _did_you_mean(name, [t.name for t in schema.tables])
        meta = table.this.meta if isinstance(table.this, exp.Identifier) else {}
        found.append(
            Diagnostic("unknown-table", "error", f"no table {name}{hint}", meta.get("start"), _end(meta))
        )
    return found


def _unresolved_columns(statement: exp.Expression, schema: Schema, dialect: str) -> list[Diagnostic]:
    try:
        qualify(
            statement.copy(),
            schema=schema.mapping(),
            dialect=dialect,
            validate_qualify_columns=True,
            identify=False,
        )
    except OptimizeError as error:
        return [_column_diagnostic(statement, schema, str(error))]
    except SqlglotError as error:
        return [Diagnostic("unresolved", "error", f"the query cannot be resolved: {error}")]
    return []


def _column_diagnostic(statement: exp.Expression, schema: Schema, message: str) -> Diagnostic:
    match = _UNRESOLVED.search(message)
    if not match:
        return Diagnostic("unresolved", "error", message.splitlines()[0])
    name = (match.group(1) or match.group(2)).strip("'\"`")
    column = next((c for c in statement.find_all(exp.Column) if c.name.lower() == name.lower()), None)
    meta = column.this.meta if column is not None and isinstance(column.this, exp.Identifier) else {}
    start, end = meta.get("start"), _end(meta)
    used = [schema.table(t.name) for t in statement.find_all(exp.Table) if schema.has_table(t.name)]
    owners = sorted({t.name for t in used if any(c.name.lower() == name.lower() for c in t.columns)})
    qualifier = column.table if column is not None else ""
    if len(owners) > 1 and not qualifier:
        return Diagnostic(
            "ambiguous-column",
            "error",
            f"column {name} is ambiguous: it is in {' and '.join(owners)}; name the table",
            start,
            end,
        )
    where = qualifier or (", ".join(dict.fromkeys(t.name for t in used)) or "the query's tables")
    candidates = [c.name for t in used for c in t.columns]
    return Diagnostic(
        "unknown-column", "error", f"no column {name} in {where}{_did_you_mean(name, candidates)}", start, end
    )


def _did_you_mean(name: str, candidates: list[str]) -> str:
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(lowered[c] for c in close)}?" if close else ""


def _end(meta: dict) -> int | None:
    return meta["end"] + 1 if "end" in meta else None
