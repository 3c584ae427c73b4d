"""Which schema table and column each column reference of a query stands for.

Works on the original (unqualified) sqlglot tree, so the nodes keep their positions in the SQL text and
the explanation can name what the user wrote. Derived tables and CTEs are followed to the base column
when their output is a plain column; anything computed resolves to nothing.

Example:
    >>> import sqlglot
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("customers", (Column("customer_id", "INTEGER"), Column("name", "TEXT"))),
    ...     Table("orders", (Column("order_id", "INTEGER"), Column("customer_id", "INTEGER"))),
    ... ))
    >>> tree = sqlglot.parse_one("SELECT c.name, order_id FROM customers c JOIN orders o USING (customer_id)")
    >>> bindings = Bindings(tree, schema)
    >>> [(b.table.name, b.column.name) for b in map(bindings.of, tree.find_all(sqlglot.exp.Column))]
    [('customers', 'name'), ('orders', 'order_id')]
    >>> sql = "SELECT name FROM customers WHERE customer_id IN (SELECT customer_id FROM orders)"
    >>> tree = sqlglot.parse_one(sql)
    >>> bindings = Bindings(tree, schema)
    >>> [bindings.table_of(column).name for column in tree.find_all(sqlglot.exp.Column)]
    ['customers', 'customers', 'orders']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope, traverse_scope

if TYPE_CHECKING:
    from nl2sql.schema import Column, Schema, Table


@dataclass(frozen=True)
class Binding:
    """A column reference bound to the base table column it reads."""

    table: Table
    column: Column
    alias: str
    """The name the query gives the table (its alias, or its name)."""


class Bindings:
    """Column references of one parsed statement, each bound to its schema column where it can be."""

    def __init__(self, tree: exp.Expression, schema: Schema) -> None:
        self.tree = tree
        self.schema = schema
        self._by_node: dict[int, Binding | None] = {}
        self._scopes: list[Scope] = []
        try:
            self._scopes = traverse_scope(tree)
        except SqlglotError:
            return
        for scope in self._scopes:  # innermost first: a subquery's column keeps the subquery's binding
            for column in scope.columns:
                if self._by_node.get(id(column)) is None:
                    self._by_node[id(column)] = self._resolve(scope, column.name, column.table)

    def of(self, column: exp.Column) -> Binding | None:
        """The binding of ``column`` (a node of ``tree``), or None when it is computed or unknown."""
        return self._by_node.get(id(column))

    def table_of(self, column: exp.Column) -> Table | None:
        """The schema table ``column`` reads, or None."""
        binding = self.of(column)
        return binding.table if binding else None

    def source_table(self, node: exp.Expression, alias: str) -> Table | None:
        """The base table that ``alias`` names in the scope enclosing ``node``, or None."""
        scope = self.scope_of(node)
        source = scope.sources.get(alias) if scope else None
        if isinstance(source, exp.Table) and self.schema.has_table(source.name):
            return self.schema.table(source.name)
        return None

    def scope_of(self, node: exp.Expression) -> Scope | None:
        """The innermost scope whose SELECT contains ``node``."""
        select = node if isinstance(node, exp.Query) else node.find_ancestor(exp.Query)
        while select is not None:
            for scope in self._scopes:
                if scope.expression is select:
                    return scope
            select = select.find_ancestor(exp.Query)
        return None

    def _resolve(self, scope: Scope, name: str, qualifier: str, depth: int = 0) -> Binding | None:
        if depth > 8:
            return None
        candidates = [qualifier] if qualifier else list(scope.selected_sources or scope.sources)
        for alias in candidates:
            source = scope.sources.get(alias)
            if isinstance(source, exp.Table):
                binding = self._base(source, name, alias)
            elif isinstance(source, Scope):
                binding = self._derived(source, name, depth)
            else:
                binding = None
            if binding is not None:
                return binding
        return None

    def _base(self, table: exp.Table, name: str, alias: str) -> Binding | None:
        if not self.schema.has_table(table.name):
            return None
        schema_table = self.schema.table(table.name)
        try:
            return Binding(schema_table, schema_table.column(name), alias)
        except KeyError:
            return None

    def _derived(self, scope: Scope, name: str, depth: int) -> Binding | None:
        query = scope.expression
        if not isinstance(query, exp.Select):
            return None
        for projection in query.expressions:
            if projection.alias_or_name.lower() != name.lower():
                continue
            inner = projection.unalias()
            if isinstance(inner, exp.Column):
                return self._resolve(scope, inner.name, inner.table, depth + 1)
            return None
        return None
