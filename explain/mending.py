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

import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.check import check

if TYPE_CHECKING:
    from explain.diagnostic import Diagnostic
    from nl2sql.schema import Schema, Table

_NUMBERED_ALIAS = re.compile(r"t(\d+)", re.IGNORECASE)

Fix = Callable[[exp.Expression, "Schema", str], "str | None"]
"""Changes a parsed query for its first error's code; returns what it did, or None."""


@dataclass
class FixResult:
    """The mended SQL, one line per change, and the diagnostics of the mended SQL."""

    sql: str
    changes: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def mend_in_rounds(
    sql: str, schema: Schema, dialect: str, fix: Fix, rounds: int = 6, *, warnings: Set[str] = frozenset()
) -> FixResult:
    """Apply ``fix`` to the query's first error until it has none, the fix gives up, or ``rounds`` run
    out; once the query has no error, to its first warning whose code is in ``warnings``."""
    result = FixResult(sql)
    for _ in range(rounds):
        result.diagnostics = check(result.sql, schema, dialect)
        target = next((d for d in result.diagnostics if d.is_error), None)
        target = target or next((d for d in result.diagnostics if d.code in warnings), None)
        if target is None:
            return result
        try:
            tree = sqlglot.parse_one(result.sql, read=dialect)
        except SqlglotError:
            return result
        change = fix(tree, schema, target.code)
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


def plain_sources(select: exp.Select, schema: Schema) -> dict[str, Table] | None:
    """alias (or name, lower-case) → table for every source of ``select``, in FROM-then-JOIN order;
    None when one of them is not a table of ``schema`` (a derived table, a CTE, a function)."""
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is None:
        return None
    found: dict[str, Table] = {}
    for source in [from_.this, *(join.this for join in select.args.get("joins") or [])]:
        if not isinstance(source, exp.Table) or not schema.has_table(source.name):
            return None
        found[(source.alias or source.name).lower()] = schema.table(source.name)
    return found


def spelling(reference: str, table: Table, select: exp.Select) -> str:
    """How the query itself spells a source: its alias as written, or the table's name."""
    for source in select.find_all(exp.Table):
        if (source.alias or source.name).lower() == reference:
            return source.alias or source.name
    return table.name


def next_numbered_alias(aliases: list[str]) -> str | None:
    """``T<n+1>`` when the query names every source ``T1`` … ``T<n>`` (so should a new one); else None.

    Example:
        >>> next_numbered_alias(["t1", "T2"]), next_numbered_alias(["orders"])
        ('T3', None)
    """
    numbers = [int(m.group(1)) for a in aliases if (m := _NUMBERED_ALIAS.fullmatch(a))]
    return f"T{max(numbers) + 1}" if numbers and len(numbers) == len(aliases) else None
