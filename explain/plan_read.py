"""Read the clauses of a SELECT the plan shows: the outermost SELECT, its WHERE/GROUP BY/… clauses, the
AND-ed conditions, literal values and aggregates. Shared by :mod:`explain.plan`, :mod:`explain.edits` and
:mod:`explain.diff`; everything works on the sqlglot AST (conditions are read in
:mod:`explain.plan_conditions`).

Example:
    >>> import sqlglot
    >>> tree = sqlglot.parse_one("SELECT a, SUM(x) FROM t WHERE x = 1 AND (y > 2 AND z = 3)")
    >>> select = outermost_select(tree)
    >>> [c.sql() for c in conjuncts(clause(select, exp.Where))], [a.sql() for a in aggregates(select)]
    (['x = 1', 'y > 2', 'z = 3'], ['SUM(x)'])
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

OPAQUE = (exp.Subquery, exp.Query, exp.Window)
"""Nodes whose insides belong to another query or a window: aggregates and filters there are not read."""


def outermost_select(tree: exp.Expression) -> exp.Select | None:
    """The SELECT at the root of ``tree`` (through parentheses), or None for set operations and the rest.

    Example:
        >>> import sqlglot
        >>> outermost_select(sqlglot.parse_one("(SELECT a FROM t)")).sql()
        'SELECT a FROM t'
        >>> outermost_select(sqlglot.parse_one("SELECT 1 UNION SELECT 2")) is None
        True
    """
    while isinstance(tree, exp.Subquery) and not tree.alias:
        tree = tree.this
    return tree if isinstance(tree, exp.Select) else None


def clause(select: exp.Select, kind: type[exp.Expression]) -> exp.Expression | None:
    """The direct child of ``select`` of type ``kind`` (``exp.Where``, ``exp.Group``, …), or None.

    Example:
        >>> import sqlglot
        >>> clause(sqlglot.parse_one("SELECT a FROM t GROUP BY a"), exp.Group).sql()
        'GROUP BY a'
    """
    return next((c for c in select.iter_expressions() if isinstance(c, kind)), None)


def joins(select: exp.Select) -> list[exp.Join]:
    """The JOINs of ``select`` itself, in order.

    Example:
        >>> import sqlglot
        >>> [j.sql() for j in joins(sqlglot.parse_one("SELECT 1 FROM a JOIN b ON b.x = a.x"))]
        ['JOIN b ON b.x = a.x']
    """
    return [c for c in select.iter_expressions() if isinstance(c, exp.Join)]


def conjuncts(condition: exp.Expression | None) -> list[exp.Expression]:
    """The top-level AND-ed parts of ``condition`` (through parentheses around ANDs).

    Example:
        >>> import sqlglot
        >>> [c.sql() for c in conjuncts(sqlglot.parse_one("a = 1 AND (b = 2 AND (c = 3 OR d = 4))"))]
        ['a = 1', 'b = 2', '(c = 3 OR d = 4)']
    """
    if condition is None:
        return []
    if isinstance(condition, exp.Where | exp.Having):
        return conjuncts(condition.this)
    if isinstance(condition, exp.And):
        return conjuncts(condition.this) + conjuncts(condition.expression)
    if isinstance(condition, exp.Paren) and isinstance(condition.this, exp.And):
        return conjuncts(condition.this)
    return [condition]


def is_literal(node: exp.Expression) -> bool:
    if isinstance(node, exp.Neg):
        return isinstance(node.this, exp.Literal) and node.this.is_number
    return isinstance(node, exp.Literal | exp.Boolean | exp.Null)


def literal_value(node: exp.Expression) -> Any:
    """The Python value of a literal node (str, int, float, bool or None); raises ValueError otherwise.

    Example:
        >>> import sqlglot
        >>> [literal_value(sqlglot.parse_one(s)) for s in ("'x'", "3", "-2.5", "NULL", "TRUE")]
        ['x', 3, -2.5, None, True]
    """
    if isinstance(node, exp.Neg):
        return -literal_value(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        return int(text) if re.fullmatch(r"\d+", text) else float(text)
    raise ValueError(f"{node.sql()} is not a literal")


def aggregates(node: exp.Expression) -> list[exp.AggFunc]:
    """The aggregate calls in ``node``, outside window functions and subqueries, outermost first.

    Example:
        >>> import sqlglot
        >>> node = sqlglot.parse_one("SUM(x) / COUNT(*) + RANK() OVER (ORDER BY MAX(y))")
        >>> [a.sql() for a in aggregates(node)]
        ['SUM(x)', 'COUNT(*)']
    """
    found: list[exp.AggFunc] = []

    def visit(current: exp.Expression) -> None:
        if isinstance(current, OPAQUE) and current is not node:
            return
        if isinstance(current, exp.AggFunc):
            found.append(current)
            return
        for child in current.iter_expressions():
            visit(child)

    visit(node)
    return found


def aggregate_parts(call: exp.AggFunc, dialect: str) -> tuple[str, str, bool]:
    """``(function, column, distinct)`` of an aggregate call: ``SUM(DISTINCT x)`` → ``('sum', 'x', True)``.

    Example:
        >>> import sqlglot
        >>> aggregate_parts(sqlglot.parse_one("COUNT(*)"), "sqlite")
        ('count', '*', False)
    """
    name = call.name if isinstance(call, exp.Anonymous) else call.sql_name()
    argument = call.this
    distinct = isinstance(argument, exp.Distinct)
    if distinct:
        column = ", ".join(e.sql(dialect) for e in argument.expressions)
    elif argument is None or isinstance(argument, exp.Star):
        column = "*"
    else:
        column = argument.sql(dialect)
    return name.lower(), column, distinct


def measure_calls(select: exp.Select) -> list[tuple[exp.Expression, exp.AggFunc]]:
    """``(select item, aggregate call)`` for each measure of ``select``, in order (ids ``m1``, ``m2``, …).

    Example:
        >>> import sqlglot
        >>> select = sqlglot.parse_one("SELECT a, SUM(x) / COUNT(*) AS r FROM t")
        >>> [(item.alias, call.sql()) for item, call in measure_calls(select)]
        [('r', 'SUM(x)'), ('r', 'COUNT(*)')]
    """
    return [(item, call) for item in select.expressions for call in aggregates(item.unalias())]


def has_window(node: exp.Expression) -> bool:
    """Whether ``node`` contains a window function.

    Example:
        >>> import sqlglot
        >>> has_window(sqlglot.parse_one("RANK() OVER (ORDER BY x)"))
        True
    """
    return node.find(exp.Window) is not None


def normalized(node: exp.Expression, dialect: str) -> str:
    """``node``'s SQL with identifiers lower-cased: equal for the same expression written differently.

    Example:
        >>> import sqlglot
        >>> normalized(sqlglot.parse_one("O.Status = 'Done'"), "sqlite")
        "o.status = 'Done'"
    """
    return node.sql(dialect, normalize=True, identify=False, comments=False)
