"""Warnings about queries that run but probably do not answer the question: the lint rules.

Each rule is a function taking a :class:`LintContext` and yielding warning diagnostics; :func:`lint`
runs :data:`RULES` in order and sorts what they find by position in the SQL text. Everything is read
off the sqlglot AST and the schema, never off the SQL text.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("x", "INTEGER"), Column("s", "TEXT"))),))
    >>> [str(d) for d in lint(LintContext.of("SELECT x FROM t WHERE s = NULL", schema))]
    ['warning [null-comparison] s = NULL is never true, not even when s is NULL; write s IS NULL']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token

from explain.parse import parse_statement
from explain.resolve import Bindings
from explain.rules.aggregation import ungrouped_column
from explain.rules.arithmetic import integer_division
from explain.rules.comparisons import like_without_wildcard, null_comparison, unknown_value
from explain.rules.joins import cartesian_join, join_not_on_key
from explain.rules.result_size import top_n_without_limit, unbounded_rows
from explain.rules.types import type_mismatch

if TYPE_CHECKING:
    from explain.diagnostic import Diagnostic
    from nl2sql.schema import Schema


@dataclass(frozen=True)
class LintContext:
    """What every rule reads: the SQL text, its parsed tree, the schema and the column bindings.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)),))
        >>> context = LintContext.of("SELECT x FROM t", schema)
        >>> context.dialect, [t.text for t in context.tokens]
        ('sqlite', ['SELECT', 'x', 'FROM', 't'])
    """

    sql: str
    tree: exp.Expression
    schema: Schema
    dialect: str
    bindings: Bindings = field(repr=False)

    @classmethod
    def of(cls, sql: str, schema: Schema, dialect: str | None = None) -> LintContext:
        """Parse ``sql`` (which must parse) and bind its columns to ``schema``.

        Example:
            >>> from nl2sql.schema import Schema
            >>> LintContext.of("SELECT 1", Schema("sqlite", ())).tree.sql()
            'SELECT 1'
        """
        dialect = dialect or schema.dialect
        tree = parse_statement(sql, dialect, schema.mapping())
        return cls(sql, tree, schema, dialect, Bindings(tree, schema))

    def find(self, *kinds: type[exp.Expression]) -> list[exp.Expression]:
        """Every node of ``tree`` that is one of ``kinds``, outermost first within a kind (the tree is
        walked once for all the rules).

        Example:
            >>> from nl2sql.schema import Schema
            >>> context = LintContext.of("SELECT 1 FROM (SELECT 2)", Schema("sqlite", ()))
            >>> [s.sql() for s in context.find(exp.Select)]
            ['SELECT 1 FROM (SELECT 2)', 'SELECT 2']
        """
        return [node for kind, nodes in self._by_type.items() if issubclass(kind, kinds) for node in nodes]

    @cached_property
    def _by_type(self) -> dict[type[exp.Expression], list[exp.Expression]]:
        found: dict[type[exp.Expression], list[exp.Expression]] = {}
        for node in self.tree.walk(bfs=True):
            found.setdefault(type(node), []).append(node)
        return found

    @cached_property
    def tokens(self) -> list[Token]:
        """The SQL text's tokens (for the extent of nodes sqlglot gives no position to), read once."""
        return Dialect.get_or_raise(self.dialect).tokenize(self.sql)


Rule = Callable[[LintContext], Iterable["Diagnostic"]]
"""A lint rule: the warnings it finds in one query."""

RULES: tuple[Rule, ...] = (
    cartesian_join,
    join_not_on_key,
    null_comparison,
    type_mismatch,
    like_without_wildcard,
    unknown_value,
    ungrouped_column,
    integer_division,
    top_n_without_limit,
    unbounded_rows,
)
"""The rules :func:`lint` runs, in this order."""


def lint(context: LintContext) -> list[Diagnostic]:
    """The warnings of every rule in :data:`RULES`, in SQL-position order (unplaced ones last).

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("s", "TEXT"),)),))
        >>> [d.code for d in lint(LintContext.of("SELECT s FROM t WHERE s LIKE 'a' OR s = NULL", schema))]
        ['like-without-wildcard', 'null-comparison']
    """
    found = [diagnostic for rule in RULES for diagnostic in rule(context)]
    return sorted(found, key=lambda d: (d.start is None, d.start or 0))
