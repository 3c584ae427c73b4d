"""The parts of a parsed query an explanation walks: its own clauses, joins, result columns, AND-ed
conditions, keys between tables, and which table each column reference reads.

Example:
    >>> import sqlglot
    >>> sql = "SELECT a, SUM(b) FROM t JOIN u ON u.id = t.id WHERE a > 1 AND (b < 2 AND c)"
    >>> select = sqlglot.parse_one(sql)
    >>> [category(p) for p in select.selects], [j.this.name for j in joins_of(select)]
    (['plain', 'aggregate'], ['u'])
    >>> [c.sql() for c in conjuncts(clause(select, exp.Where).this)]
    ['a > 1', 'b < 2', 'c']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from sqlglot import exp

if TYPE_CHECKING:
    from nl2sql.schema import Table

WRAPPERS = (exp.TsOrDsToTimestamp, exp.TsOrDsToDate, exp.TimeStrToTime, exp.StrToTime)
"""Conversions sqlglot wraps around a date argument (``strftime('%Y', d)`` reads ``d`` through one)."""


def clause(node: exp.Expression, kind: type[exp.Expression]) -> exp.Expression | None:
    """The clause of type ``kind`` (``exp.Where``, ``exp.Order`` …) of ``node`` itself, not of a
    subquery; None when it has none.

    Example:
        >>> import sqlglot
        >>> clause(sqlglot.parse_one("SELECT a FROM t WHERE a > (SELECT 1 WHERE 2 > 1)"), exp.Where).sql()
        'WHERE a > (SELECT 1 WHERE 2 > 1)'
    """
    for value in node.args.values():
        if isinstance(value, kind):
            return value
    return None


def joins_of(node: exp.Expression) -> list[exp.Join]:
    """The joins of a SELECT, in order.

    Example:
        >>> import sqlglot
        >>> select = sqlglot.parse_one("SELECT 1 FROM a JOIN b ON 1 = 1 LEFT JOIN c ON 1 = 1")
        >>> [join.this.name for join in joins_of(select)]
        ['b', 'c']
    """
    for value in node.args.values():
        if isinstance(value, list) and value and isinstance(value[0], exp.Join):
            return value
    return []


def category(projection: exp.Expression) -> Literal["plain", "aggregate", "window", "compute"]:
    """What a result column is: a plain column or constant, an aggregate, a window function, or a
    value computed row by row. Subqueries inside it do not count.

    Example:
        >>> import sqlglot
        >>> select = sqlglot.parse_one("SELECT a, SUM(b), RANK() OVER (ORDER BY c), d + 1")
        >>> [category(projection) for projection in select.selects]
        ['plain', 'aggregate', 'window', 'compute']
    """
    node = projection.unalias()
    if isinstance(node, exp.Column | exp.Star | exp.Literal | exp.Null | exp.Boolean):
        return "plain"
    aggregate = False
    for inner in node.walk(prune=lambda n: isinstance(n, exp.Subquery | exp.Query)):
        if isinstance(inner, exp.Window):
            return "window"
        if isinstance(inner, exp.AggFunc):
            aggregate = True
    return "aggregate" if aggregate else "compute"


def is_group_key(projection: exp.Expression, keys: list[tuple[str, exp.Expression]]) -> bool:
    """Whether a result column is one of the GROUP BY keys (by alias or by expression), as
    :meth:`Describer.key_label` pairs them.

    Example:
        >>> import sqlglot
        >>> select = sqlglot.parse_one("SELECT strftime('%Y', d) AS year, COUNT(*) FROM t GROUP BY year")
        >>> keys = [("year", select.selects[0].this)]
        >>> [is_group_key(projection, keys) for projection in select.selects]
        [True, False]
    """
    inner = projection.unalias()
    alias = projection.alias.lower() if isinstance(projection, exp.Alias) else None
    return any(
        (alias is not None and label.lower() == alias) or expression == inner for label, expression in keys
    )


def conjuncts(node: exp.Expression) -> list[exp.Expression]:
    """The AND-ed parts of a condition, parentheses removed.

    Example:
        >>> import sqlglot
        >>> where = sqlglot.parse_one("SELECT 1 WHERE a = 1 AND (b = 2 AND c = 3)").find(exp.Where)
        >>> [condition.sql() for condition in conjuncts(where.this)]
        ['a = 1', 'b = 2', 'c = 3']
    """
    return flatten(unparen(node), exp.And)


def flatten(node: exp.Expression, kind: type[exp.Expression]) -> list[exp.Expression]:
    """The operands of a chain of ``kind`` (AND, OR, ||), parentheses removed.

    Example:
        >>> import sqlglot
        >>> [part.sql() for part in flatten(sqlglot.parse_one("a OR (b OR c)"), exp.Or)]
        ['a', 'b', 'c']
    """
    node = unparen(node)
    if isinstance(node, kind):
        return flatten(node.this, kind) + flatten(node.expression, kind)
    return [node]


def unparen(node: exp.Expression) -> exp.Expression:
    """``node`` without the parentheses around it.

    Example:
        >>> import sqlglot
        >>> unparen(sqlglot.parse_one("((a + 1))")).sql()
        'a + 1'
    """
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def unwrap(node: exp.Expression) -> exp.Expression:
    """``node`` without the date conversions sqlglot puts around it.

    Example:
        >>> import sqlglot
        >>> unwrap(sqlglot.parse_one("strftime('%Y', d)", read="sqlite").this).sql()
        'd'
    """
    while isinstance(node, WRAPPERS):
        node = node.this
    return node


def references(table: Table, column: str, target: Table, target_column: str) -> bool:
    """Whether ``table.column`` is a foreign key to ``target.target_column``.

    Example:
        >>> from nl2sql.schema import Column, ForeignKey, Table
        >>> customers = Table("customers", (Column("id", "INT"),), ("id",))
        >>> key = ForeignKey(("customer_id",), "customers", ("id",))
        >>> orders = Table("orders", (Column("customer_id", "INT"),), (), (key,))
        >>> references(orders, "customer_id", customers, "id")
        True
        >>> references(customers, "id", orders, "customer_id")
        False
    """
    for key in table.foreign_keys:
        if key.ref_table.lower() != target.name.lower():
            continue
        for mine, theirs in zip(key.columns, key.ref_columns, strict=False):
            if mine.lower() == column.lower() and theirs.lower() == target_column.lower():
                return True
    return False


def is_key(table: Table, column: str) -> bool:
    """Whether ``column`` alone is the primary key of ``table``.

    Example:
        >>> from nl2sql.schema import Column, Table
        >>> is_key(Table("t", (Column("id", "INT"),), ("id",)), "ID")
        True
    """
    return [name.lower() for name in table.primary_key] == [column.lower()]


def unwrap_query(node: exp.Expression) -> exp.Expression:
    """The query inside any parentheses: ``((SELECT 1))`` → ``SELECT 1``.

    Example:
        >>> import sqlglot
        >>> type(unwrap_query(sqlglot.parse_one("((SELECT 1))"))).__name__
        'Select'
    """
    while isinstance(node, exp.Subquery | exp.Paren):
        node = node.this
    return node


def set_branches(node: exp.SetOperation) -> list[exp.Expression]:
    """The queries a chain of the same set operation combines: a UNION b UNION c → [a, b, c].

    Example:
        >>> import sqlglot
        >>> union = sqlglot.parse_one("SELECT 1 UNION SELECT 2 UNION SELECT 3")
        >>> [branch.sql() for branch in set_branches(union)]
        ['SELECT 1', 'SELECT 2', 'SELECT 3']
    """
    branches = []
    for side in (node.this, node.expression):
        inner = unwrap_query(side)
        same = type(inner) is type(node) and inner.args.get("distinct") == node.args.get("distinct")
        if same and clause(inner, exp.Order) is None and clause(inner, exp.Limit) is None and not inner.ctes:
            branches.extend(set_branches(inner))  # type: ignore[arg-type]
        else:
            branches.append(side)
    return branches
