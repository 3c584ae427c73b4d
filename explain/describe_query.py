"""Words that depend on the query around an expression: how columns are named (qualified only where the
same name comes from several tables), what result columns and sort keys are called, which table's rows a
SELECT reads, and whether a join matches each row to one row of another table.

:class:`QueryWords` is part of :class:`explain.describe_expression.Describer`.

Example:
    >>> from explain.describe_expression import example_describer
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> columns = (Column("customer_id", "INT"), Column("name", "TEXT"))
    >>> customers = Table("customers", columns, ("customer_id",))
    >>> key = ForeignKey(("customer_id",), "customers", ("customer_id",))
    >>> columns = (Column("order_id", "INT"), Column("customer_id", "INT"))
    >>> orders = Table("orders", columns, ("order_id",), (key,))
    >>> sql = "SELECT c.name FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
    >>> describer, tree = example_describer(sql, Schema("sqlite", (customers, orders)))
    >>> describer.join_relation(tree.find(exp.Join), set()), describer.rows_table(tree, set())
    (('many_to_one', 'orders', 'customers'), 'orders')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from explain.phrases import phrase
from explain.query_parts import category, clause, conjuncts, is_key, joins_of, references, unparen

if TYPE_CHECKING:
    from explain.resolve import Binding, Bindings
    from nl2sql.schema import Schema


class QueryWords:
    """Names and relations that depend on the SELECT being described.

    Example:
        >>> from explain.describe_expression import Describer
        >>> issubclass(Describer, QueryWords)
        True
    """

    lang: str
    schema: Schema
    bindings: Bindings
    rows: str | None
    named: dict[exp.Expression, str]
    current: str | None
    _projections: list[exp.Expression]
    _qualified: dict[int, str]

    if TYPE_CHECKING:

        def value(self, node: exp.Expression, *, describe: bool = False) -> str: ...

        def _column(self, node: exp.Column, *, describe: bool = False) -> str: ...

        def sql(self, node: exp.Expression) -> str: ...

    def qualified(self, node: exp.Column) -> str:
        """A column reference named with its table ("orders.customer_id"), as join keys are shown.

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT t.a FROM t JOIN u ON u.a = t.a")
            >>> keys = tree.find(exp.Join).find_all(exp.Column)
            >>> [describer.qualified(column) for column in keys]
            ['u.a', 't.a']
        """
        return self._qualified.get(id(node), node.sql(self.dialect))

    def projection_label(self, projection: exp.Expression) -> str:
        """The column header a result column shows under: its alias, its name, or its SQL.

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT t.a, COUNT(*), b AS label FROM t")
            >>> [describer.projection_label(projection) for projection in tree.selects]
            ['a', 'COUNT(*)', 'label']
        """
        if isinstance(projection, exp.Alias):
            return projection.alias
        if isinstance(projection, exp.Star):
            return phrase(self.lang, "all_columns")
        if isinstance(projection, exp.Column):
            if isinstance(projection.this, exp.Star):
                return phrase(self.lang, "all_columns_of", table=projection.table)
            return self._column(projection)
        return self.sql(projection)

    def key_label(self, key: exp.Expression, query: exp.Expression) -> tuple[str, exp.Expression]:
        """How a GROUP BY or ORDER BY key is called, and the expression it stands for: a result alias,
        a column position (``ORDER BY 2``), or the key itself.

        Example:
            >>> from explain.describe_expression import example_describer
            >>> sql = "SELECT b, COUNT(*) AS n FROM t GROUP BY b ORDER BY n DESC, 1"
            >>> describer, tree = example_describer(sql)
            >>> keys = tree.find(exp.Order).expressions
            >>> [describer.key_label(ordered.this, tree)[0] for ordered in keys]
            ['n', 'b']
        """
        projections = query.selects if isinstance(query, exp.Query) else []
        bare = unparen(key)
        if isinstance(bare, exp.Literal) and bare.is_int and projections:
            index = int(bare.name) - 1
            if 0 <= index < len(projections):
                return self.projection_label(projections[index]), projections[index].unalias()
        if isinstance(bare, exp.Column) and not bare.table and self.bindings.of(bare) is None:
            for projection in projections:
                if isinstance(projection, exp.Alias) and projection.alias.lower() == bare.name.lower():
                    return projection.alias, projection.this
            for projection in projections:
                if isinstance(projection, exp.Column) and projection.name.lower() == bare.name.lower():
                    return self.value(projection), projection
        for projection in projections:
            if isinstance(projection, exp.Alias) and unparen(projection.this) == bare:
                return projection.alias, bare
        return self.value(bare), bare

    @contextmanager
    def entering(self, select: exp.Expression, local: set[str]) -> Iterator[None]:
        """Describe the parts of ``select`` (its row noun, its named result columns) inside this block.

        Args:
            select: a SELECT.
            local: lower-cased names of the CTEs in scope (they shadow tables).

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT COUNT(*) FROM t")
            >>> with describer.entering(tree, set()):
            ...     describer.value(tree.selects[0])
            'the number of t rows'
            >>> describer.value(tree.selects[0])
            'the number of rows'
        """
        saved = self.rows, self.named, self.current, self._projections
        self.rows = self.rows_table(select, local)
        self.named = {}
        self.current = None
        self._projections = list(select.selects) if isinstance(select, exp.Query) else []
        for projection in select.selects if isinstance(select, exp.Query) else []:
            if isinstance(projection, exp.Alias) and category(projection) != "plain":
                inner = unparen(projection.this)
                self.named.setdefault(inner, projection.alias)
                if isinstance(inner, exp.Round):
                    self.named.setdefault(unparen(inner.this), projection.alias)
        try:
            yield
        finally:
            self.rows, self.named, self.current, self._projections = saved

    def rows_table(self, select: exp.Expression, local: set[str]) -> str | None:
        """The schema table whose rows ``select`` reads, one row each, when it reads one table
        with nothing joined or only lookups (each row matched to at most one row); else None.

        Args:
            select: a SELECT.
            local: lower-cased names of the CTEs in scope (they shadow tables).

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT 1 FROM t")
            >>> describer.rows_table(tree, set()), describer.rows_table(tree, {"t"})
            ('t', None)
        """
        source = clause(select, exp.From)
        if source is None or not isinstance(source.this, exp.Table):
            return None
        name = source.this.name
        if name.lower() in local or not self.schema.has_table(name):
            return None
        for join in joins_of(select):
            if (join.side or "").upper() in ("RIGHT", "FULL"):
                return None
            relation = self.join_relation(join, local)
            if relation is None or relation[0] != "many_to_one":
                return None
        return self.schema.table(name).name

    def join_relation(self, join: exp.Join, local: set[str]) -> tuple[str, str, str] | None:
        """("many_to_one" or "one_to_many", other table, joined table) when a join's ON keys follow a
        foreign key or a primary key between two schema tables; None otherwise.

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT 1 FROM t JOIN u ON u.a = t.a")
            >>> describer.join_relation(tree.find(exp.Join), set()) is None  # no keys between t and u
            True
        """
        target = join.this
        on = join.args.get("on")
        if on is None or not isinstance(target, exp.Table) or target.name.lower() in local:
            return None
        alias = target.alias_or_name.lower()
        for part in conjuncts(on):
            if not (isinstance(part, exp.EQ) and isinstance(part.this, exp.Column)):
                continue
            if not isinstance(part.expression, exp.Column):
                continue
            pair = [(column, self.bindings.of(column)) for column in (part.this, part.expression)]
            bound = [(column, binding) for column, binding in pair if binding is not None]
            mine = [(c, b) for c, b in bound if (c.table or b.alias).lower() == alias]
            theirs = [(c, b) for c, b in bound if (c.table or b.alias).lower() != alias]
            if len(mine) != 1 or len(theirs) != 1:
                continue
            here = mine[0][1]
            column, there = theirs[0]
            if here.table is there.table:
                continue
            if self.bindings.source_table(column, column.table or there.alias) is None:
                continue
            if references(there.table, there.column.name, here.table, here.column.name) or is_key(
                here.table, here.column.name
            ):
                return "many_to_one", there.table.name, here.table.name
            if references(here.table, here.column.name, there.table, there.column.name) or is_key(
                there.table, there.column.name
            ):
                return "one_to_many", there.table.name, here.table.name
        return None

    def _aliased(self, node: exp.Expression) -> str | None:
        """The alias a result column of the current SELECT gives ``node``, if one does."""
        node = unparen(node)
        for projection in self._projections:
            if isinstance(projection, exp.Alias) and unparen(projection.this) == node:
                return projection.alias
        return None

    def _column_names(self, tree: exp.Expression) -> dict[int, str]:
        """How each column reference is shown: its name, qualified by its table where the same name
        comes from several tables in the same SELECT. Also fills :meth:`qualified`'s table."""
        seen: dict[int, tuple[int, str, str | None]] = {}
        qualifiers: dict[tuple[int, str], set[str]] = {}
        for node in tree.find_all(exp.Column):
            binding = self.bindings.of(node)
            name = binding.column.name if binding else node.name
            scope = self.bindings.scope_of(node)
            qualifier = self._qualifier(node, binding, scope.sources if scope is not None else {})
            seen[id(node)] = (id(scope), name, qualifier)
            if qualifier:
                qualifiers.setdefault((id(scope), name.lower()), set()).add(qualifier)
        names, self._qualified = {}, {}
        for key, (scope_id, name, qualifier) in seen.items():
            full = f"{qualifier}.{name}" if qualifier else name
            self._qualified[key] = full
            names[key] = full if len(qualifiers.get((scope_id, name.lower()), ())) > 1 else name
        return names

    def _qualifier(self, node: exp.Column, binding: Binding | None, sources: dict[str, Any]) -> str | None:
        alias = node.table or (binding.alias if binding is not None else None)
        if not alias:
            return None
        source = sources.get(alias)
        if isinstance(source, exp.Table):
            same = [
                s
                for s in sources.values()
                if isinstance(s, exp.Table) and s.name.lower() == source.name.lower()
            ]
            return alias if len(same) > 1 else source.name
        if binding is not None and not node.table:
            return binding.table.name
        return alias
