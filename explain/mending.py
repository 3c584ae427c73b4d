"""The frame every deterministic mend shares: check the query, let one fix change its AST, repeat.

A fix receives the parsed query, the schema and the code of the query's first error; it changes the
tree in place and says what it did, or returns None when it is not sure (then the tree must be left
untouched). :func:`mend_in_rounds` stops at the first round nothing is fixed, and hands back the final
diagnostics with the SQL, so the caller does not need to check the query again.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("singer", (Column("name", "TEXT"),)),))
    >>> def lower_name(tree, schema, code):
    ...     column = tree.find(exp.Column)
    ...     column.set("this", exp.to_identifier("name"))
    ...     return "NAME → name"
    >>> fixed = mend_in_rounds("SELECT NAME_ FROM singer", schema, "sqlite", lower_name)
    >>> fixed.sql, fixed.changes, fixed.diagnostics
    ('SELECT name FROM singer', ['NAME → name'], [])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.check import check

if TYPE_CHECKING:
    from explain.diagnostic import Diagnostic
    from nl2sql.schema import Schema, Table

Fix = Callable[[exp.Expression, "Schema", str], "str | None"]
"""Changes a parsed query for its first error's code; returns what it did, or None."""


@dataclass
class FixResult:
    """The mended SQL, one line per change, and the diagnostics of the mended SQL."""

    sql: str
    changes: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def mend_in_rounds(sql: str, schema: Schema, dialect: str, fix: Fix, rounds: int = 6) -> FixResult:
    """Apply ``fix`` to the query's first error until it has none, the fix gives up, or ``rounds`` run out."""
    result = FixResult(sql)
    for _ in range(rounds):
        result.diagnostics = check(result.sql, schema, dialect)
        error = next((d for d in result.diagnostics if d.is_error), None)
        if error is None:
            return result
        try:
            tree = sqlglot.parse_one(result.sql, read=dialect)
        except SqlglotError:
            return result
        change = fix(tree, schema, error.code)
        if change is None:
            return result
        result.sql = tree.sql(dialect=dialect)
        result.changes.append(change)
    result.diagnostics = check(result.sql, schema, dialect)
    return result


def has_column(table: Table, name: str) -> bool:
    """Whether ``table`` has a column called ``name`` (case-insensitive)."""
    return any(c.name.lower() == name.lower() for c in table.columns)


def own_columns(select: exp.Select) -> list[exp.Column]:
    """The column references of ``select`` itself, not of its subqueries; ``*`` left out."""
    return [
        column
        for column in select.find_all(exp.Column)
        if column.find_ancestor(exp.Select) is select and not isinstance(column.this, exp.Star)
    ]
