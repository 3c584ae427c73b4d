"""Arithmetic that quietly loses precision: integer division, which truncates (3 / 4 is 0) in SQLite
and PostgreSQL (DuckDB's and MySQL's ``/`` divide as decimals).

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("duckdb", (Table("t", (Column("x", "INTEGER"),)),))
    >>> list(integer_division(LintContext.of("SELECT COUNT(x) / COUNT(*) FROM t", schema)))
    []
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.position import warning, written
from explain.rules.types import column_kind

if TYPE_CHECKING:
    from explain.rules import LintContext

_TRUNCATING_DIALECTS = frozenset({"sqlite", "postgres"})


def integer_division(context: LintContext) -> Iterator[Diagnostic]:
    """``a / b`` with whole numbers on both sides, which truncates in SQLite and PostgreSQL.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("x", "INTEGER"),)),))
        >>> context = LintContext.of("SELECT COUNT(x) / COUNT(*) FROM t", schema)
        >>> print(*(d.message for d in integer_division(context)))  # doctest: +NORMALIZE_WHITESPACE
        integer division: COUNT(x) / COUNT(*) divides whole numbers, so 3 / 4 gives 0;
        multiply by 1.0 or CAST to REAL
    """
    if context.dialect not in _TRUNCATING_DIALECTS:
        return
    for division in context.find(exp.Div):
        if _is_integer(context, division.this) and _is_integer(context, division.expression):
            message = (
                f"integer division: {written(context, division)} divides whole numbers, so 3 / 4 gives 0; "
                "multiply by 1.0 or CAST to REAL"
            )
            yield warning(context, "integer-division", message, division)


def _is_integer(context: LintContext, node: exp.Expression | None) -> bool:
    if isinstance(node, exp.Literal):
        return not node.is_string and node.is_int
    if isinstance(node, exp.Paren | exp.Neg):
        return _is_integer(context, node.this)
    if isinstance(node, exp.Column):
        binding = context.bindings.of(node)
        return binding is not None and column_kind(binding.column) == "integer"
    if isinstance(node, exp.Count | exp.Length):
        return True
    if isinstance(node, exp.Sum | exp.Max | exp.Min) and not node.expressions:
        return _is_integer(context, node.this)
    if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
        return _is_integer(context, node.this) and _is_integer(context, node.expression)
    if isinstance(node, exp.Cast):
        return node.to.is_type(*exp.DataType.INTEGER_TYPES)
    if isinstance(node, exp.Coalesce):
        return all(_is_integer(context, e) for e in [node.this, *node.expressions])
    if isinstance(node, exp.Case):
        branches = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
        return all(_is_integer(context, b) for b in branches if b is not None)
    return context.dialect == "sqlite" and isinstance(node, exp.Predicate)
