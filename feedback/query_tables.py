"""Which table each column of a query belongs to: through its qualifier (a table or its alias), else the
one table of the query that has it in the schema, else the query's only table.

Shared by the readers of what a correction teaches (:mod:`feedback.value_mappings`,
:mod:`feedback.join_paths`, :mod:`feedback.business_rules`).

Example:
    >>> import sqlglot
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("id", "INTEGER"), Column("status", "TEXT"))),
    ...                            Table("customers", (Column("id", "INTEGER"), Column("city", "TEXT")))))
    >>> select = sqlglot.parse_one("SELECT o.id FROM orders AS o JOIN customers AS c ON c.id = o.id"
    ...                            " WHERE city = 'NY'")
    >>> tables = QueryTables.of(select, schema)
    >>> on, where = select.find(sqlglot.exp.Join), select.find(sqlglot.exp.Where)
    >>> tables.table_of(on.find(sqlglot.exp.Column)), tables.table_of(where.find(sqlglot.exp.Column))
    ('customers', 'customers')
    >>> tables.table_of(sqlglot.exp.column("id")) is None  # both tables have an id
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.errors import UnparsableSQLError
from explain.parse import parse_statement
from explain.plan_read import clause, joins, outermost_select

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema


def read_select(sql: str, dialect: str = "sqlite", schema: Schema | None = None) -> exp.Select | None:
    """The outermost SELECT of ``sql`` (double-quoted strings read as ``schema``'s database reads
    them); None when it does not parse as one statement or is no plain SELECT.

    Example:
        >>> read_select("SELECT a FROM t WHERE b = 1").sql()
        'SELECT a FROM t WHERE b = 1'
        >>> read_select("SELECT 1 UNION SELECT 2"), read_select("SELECT (")
        (None, None)
    """
    try:
        tree = parse_statement(sql, dialect, schema.mapping() if schema is not None else None)
    except UnparsableSQLError:
        return None
    return outermost_select(tree)


@dataclass(frozen=True)
class QueryTables:
    """The tables one SELECT reads directly (its FROM and JOINs), by the name or alias it uses."""

    by_reference: dict[str, str]
    """Qualifier (lower case) → table name (as the query spells it)."""
    columns: dict[str, frozenset[str]]
    """Table name (lower case) → its columns (lower case), from the schema; empty without one."""

    @classmethod
    def of(cls, select: exp.Select, schema: Schema | None = None) -> QueryTables:
        """The tables ``select`` reads, their columns looked up in ``schema`` (when given)."""
        sources = [clause(select, exp.From), *joins(select)]
        by_reference: dict[str, str] = {}
        for source in sources:
            table = source.this if source is not None else None
            if isinstance(table, exp.Table) and table.name:
                by_reference[table.alias_or_name.lower()] = table.name
        columns: dict[str, frozenset[str]] = {}
        if schema is not None:
            for name in by_reference.values():
                if schema.has_table(name):
                    columns[name.lower()] = frozenset(c.name.lower() for c in schema.table(name).columns)
        return cls(by_reference, columns)

    @property
    def tables(self) -> set[str]:
        """The names of the tables read (lower case)."""
        return {name.lower() for name in self.by_reference.values()}

    def table_of(self, column: exp.Column) -> str | None:
        """The table ``column`` belongs to (lower case), or None when that cannot be told."""
        if column.table:
            found = self.by_reference.get(column.table.lower())
            return found.lower() if found else None
        name = column.name.lower()
        owners = [table for table, names in self.columns.items() if name in names]
        if len(owners) == 1:
            return owners[0]
        if not owners and len(self.tables) == 1:
            return next(iter(self.tables))
        return None

    def single_table(self, node: exp.Expression) -> str | None:
        """The one table every column of ``node`` belongs to; None for columns of several tables (or
        of tables that cannot be told), and for a node without columns."""
        owners = {self.table_of(column) for column in node.find_all(exp.Column)}
        return next(iter(owners)) if len(owners) == 1 and None not in owners else None


def unqualified(node: exp.Expression) -> exp.Expression:
    """A copy of ``node`` whose columns name no table (``o.status`` → ``status``).

    Example:
        >>> import sqlglot
        >>> unqualified(sqlglot.parse_one("o.status <> 'x' AND c.id = 1")).sql()
        "status <> 'x' AND id = 1"
    """
    copy = node.copy()
    for column in copy.find_all(exp.Column):
        column.set("table", None)
    return copy
