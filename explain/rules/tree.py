"""What the lint rules read off a query's tree: its SELECTs, the parts of their conditions, their
aggregates, and which FROM source (and schema table) a column reads.

Example:
    >>> import sqlglot
    >>> tree = sqlglot.parse_one("SELECT a, COUNT(*) FROM t WHERE a > 1 AND b < 2 GROUP BY a")
    >>> [c.sql() for c in conjuncts(tree.args["where"])], [a.sql() for a in aggregates(tree)]
    (['a > 1', 'b < 2'], ['COUNT(*)'])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

if TYPE_CHECKING:
    from explain.rules import LintContext
    from nl2sql.schema import Table

_WINDOW_WRAPPERS = (exp.IgnoreNulls, exp.RespectNulls, exp.Filter)


def local_nodes(node: exp.Expression | None) -> Iterator[exp.Expression]:
    """``node`` and its descendants, not going into nested queries (their own scope).

    Example:
        >>> import sqlglot
        >>> condition = sqlglot.parse_one("SELECT 1 WHERE a = 1 AND b IN (SELECT c FROM t)").args["where"]
        >>> sorted(c.name for c in local_nodes(condition) if isinstance(c, sqlglot.exp.Column))
        ['a', 'b']
    """
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        yield current
        stack.extend(
            child for child in current.iter_expressions() if not isinstance(child, exp.Query | exp.Subquery)
        )


def conjuncts(condition: exp.Expression | None) -> list[exp.Expression]:
    """The parts of an AND chain (a WHERE or ON condition); ``[]`` for None.

    Example:
        >>> import sqlglot
        >>> [c.sql() for c in conjuncts(sqlglot.parse_one("a = 1 AND (b = 2 OR c = 3)"))]
        ['a = 1', '(b = 2 OR c = 3)']
    """
    if condition is None:
        return []
    if isinstance(condition, exp.Where | exp.Paren) and not isinstance(condition.this, exp.Or):
        return conjuncts(condition.this)
    if isinstance(condition, exp.And):
        return conjuncts(condition.this) + conjuncts(condition.expression)
    return [condition]


def join_conditions(select: exp.Select) -> list[exp.Expression]:
    """The conjuncts of ``select``'s ON and WHERE conditions, ON first.

    Example:
        >>> import sqlglot
        >>> tree = sqlglot.parse_one("SELECT 1 FROM a JOIN b ON a.x = b.x WHERE a.y = 2")
        >>> [c.sql() for c in join_conditions(tree)]
        ['a.x = b.x', 'a.y = 2']
    """
    found = [c for join in select.args.get("joins") or [] for c in conjuncts(join.args.get("on"))]
    return found + conjuncts(select.args.get("where"))


def is_aggregate(node: exp.Expression) -> bool:
    """Whether ``node`` is an aggregate call (not a window function, not SQLite's scalar MAX(a, b)).

    Example:
        >>> import sqlglot
        >>> [is_aggregate(sqlglot.parse_one(s).expressions[0]) for s in ("SELECT SUM(x)", "SELECT MAX(a, b)")]
        [True, False]
    """
    if not isinstance(node, exp.AggFunc):
        return False
    if isinstance(node, exp.Max | exp.Min) and node.expressions:
        return False
    parent, key = node.parent, node.arg_key
    while isinstance(parent, _WINDOW_WRAPPERS) and key == "this":
        parent, key = parent.parent, parent.arg_key
    return not (isinstance(parent, exp.Window) and key == "this")


def aggregates(select: exp.Select) -> list[exp.Expression]:
    """The aggregate calls of ``select``'s own select list, HAVING and ORDER BY.

    Example:
        >>> import sqlglot
        >>> [a.sql() for a in aggregates(sqlglot.parse_one("SELECT x, COUNT(*) FROM t GROUP BY x"))]
        ['COUNT(*)']
    """
    parts = [*select.expressions, select.args.get("having"), select.args.get("order")]
    return [node for part in parts if part is not None for node in local_nodes(part) if is_aggregate(node)]


def source_of(context: LintContext, column: exp.Column) -> str | None:
    """The name (alias, lower case) of the FROM/JOIN source ``column`` reads in its own SELECT.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)), Table("u", (Column("y", "INT"),))))
        >>> context = LintContext.of("SELECT y FROM t AS a, u AS b", schema)
        >>> source_of(context, context.tree.expressions[0])
        'b'
    """
    scope = context.bindings.scope_of(column)
    if scope is None:
        return None
    if column.table:
        qualifier = column.table.lower()
        return qualifier if any(alias.lower() == qualifier for alias in scope.sources) else None
    name = column.name.lower()
    for alias, (_, source) in (scope.selected_sources or {}).items():
        if name in _names(context, source):
            return alias.lower()
    return None


def base_table(context: LintContext, select: exp.Select, alias: str) -> Table | None:
    """The schema table the source ``alias`` of ``select`` names, or None (a CTE, a subquery, …).

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)),))
        >>> context = LintContext.of("SELECT x FROM t AS a", schema)
        >>> base_table(context, context.tree, "A").name
        't'
    """
    scope = context.bindings.scope_of(select)
    if scope is None:
        return None
    for name, source in scope.sources.items():
        if name.lower() == alias.lower():
            found = isinstance(source, exp.Table) and context.schema.has_table(source.name)
            return context.schema.table(source.name) if found else None
    return None


def source_columns(context: LintContext, select: exp.Select, alias: str) -> set[str]:
    """The column names (lower case) the FROM/JOIN source ``alias`` of ``select`` offers.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> context = LintContext.of("SELECT * FROM (SELECT 1 AS one) AS s", Schema("sqlite", ()))
        >>> source_columns(context, context.tree, "s")
        {'one'}
    """
    scope = context.bindings.scope_of(select)
    for name, (_, source) in (scope.selected_sources if scope else {}).items():
        if name.lower() == alias.lower():
            return _names(context, source)
    return set()


def _names(context: LintContext, source: exp.Expression | Scope) -> set[str]:
    if isinstance(source, Scope):
        query = source.expression
        return {name.lower() for name in query.named_selects} if isinstance(query, exp.Query) else set()
    if isinstance(source, exp.Table) and context.schema.has_table(source.name):
        return {c.name.lower() for c in context.schema.table(source.name).columns}
    return set()


def label(column: exp.Column) -> str:
    """How a message names a column reference: as the query writes it.

    Example:
        >>> import sqlglot
        >>> label(sqlglot.parse_one("SELECT o.status").expressions[0])
        'o.status'
    """
    return ".".join(part.name for part in column.parts)
