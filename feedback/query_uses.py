"""What one query uses of a schema: its tables, its columns, the text values it compares columns with,
and the column pairs it joins on, every subquery and set operation included.

An approved correction is more than an answer to its own question: its SQL shows which columns hold
what, how the tables join, and how values are written. :mod:`feedback.schema_notes` lays those over the
schema a prompt shows; :mod:`feedback.teaching` picks the corrections that show what a new question needs.

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("airlines", (Column("uid", "INTEGER"), Column("Country", "TEXT")), primary_key=("uid",)),
    ...     Table("flights", (Column("Airline", "INTEGER"), Column("FlightNo", "INTEGER")))))
    >>> uses = query_uses('SELECT count(*) FROM flights AS T1 JOIN airlines AS T2 ON T1.Airline = T2.uid'
    ...                   ' WHERE T2.Country = "USA"', schema)
    >>> sorted(uses.tables), uses.values
    (['airlines', 'flights'], (('airlines', 'country', 'USA'),))
    >>> uses.joins
    ((('airlines', 'uid'), ('flights', 'airline')),)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.errors import UnparsableSQLError
from explain.parse import parse_statement
from feedback.query_tables import QueryTables

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

Place = tuple[str, str]
"""(table, column), lower case."""


@dataclass(frozen=True)
class QueryUses:
    """The schema elements one query uses (names in lower case, values as written)."""

    tables: frozenset[str] = frozenset()
    columns: frozenset[Place] = frozenset()
    values: tuple[tuple[str, str, str], ...] = ()
    """(table, column, text value) for each ``column = 'value'``, ``IN (…)`` or ``LIKE`` comparison."""
    joins: tuple[tuple[Place, Place], ...] = ()
    """Pairs of columns of two tables compared for equality (in ``ON`` or ``WHERE``), each pair sorted."""

    @property
    def elements(self) -> frozenset[tuple[str, ...]]:
        """Tables and columns as one set: ``("table", name)`` and ``("column", table, column)``.

        Example:
            >>> sorted(QueryUses(frozenset({"t"}), frozenset({("t", "a")})).elements)
            [('column', 't', 'a'), ('table', 't')]
        """
        return frozenset({("table", t) for t in self.tables} | {("column", *c) for c in self.columns})


def query_uses(sql: str, schema: Schema, dialect: str | None = None) -> QueryUses:
    """The tables, columns, compared values and join pairs of ``sql`` that ``schema`` has; an empty
    :class:`QueryUses` for SQL that does not parse.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("a", "TEXT"),)),))
        >>> query_uses("SELECT (", schema) == QueryUses()
        True
    """
    try:
        tree = parse_statement(sql, dialect or schema.dialect, schema.mapping())
    except UnparsableSQLError:
        return QueryUses()
    known = {t.name.lower() for t in schema.tables}
    tables = {t.name.lower() for t in tree.find_all(exp.Table) if t.name.lower() in known}
    readers: dict[int, QueryTables] = {}

    def place(column: exp.Column) -> Place | None:
        select = column.find_ancestor(exp.Select)
        if select is None:
            return None
        if id(select) not in readers:
            readers[id(select)] = QueryTables.of(select, schema)
        table = readers[id(select)].table_of(column) or _only_owner(column.name, tables, schema)
        return (table, column.name.lower()) if table in known else None

    columns = {p for c in tree.find_all(exp.Column) if (p := place(c)) is not None}
    values: list[tuple[str, str, str]] = []
    joins: list[tuple[Place, Place]] = []
    for node in tree.find_all(exp.EQ, exp.NEQ, exp.In, exp.Like):
        left = node.this
        right = [node.expression] if not isinstance(node, exp.In) else list(node.expressions)
        if not isinstance(left, exp.Column):
            left, right = (right[0], [left]) if len(right) == 1 else (left, right)
        if not isinstance(left, exp.Column) or (where := place(left)) is None:
            continue
        for other in right:
            if isinstance(other, exp.Literal) and other.is_string and other.this.strip():
                values.append((*where, other.this))
            elif isinstance(node, exp.EQ) and isinstance(other, exp.Column):
                there = place(other)
                if there is not None and there[0] != where[0]:
                    joins.append((min(where, there), max(where, there)))
    return QueryUses(
        frozenset(tables), frozenset(columns), tuple(dict.fromkeys(values)), tuple(dict.fromkeys(joins))
    )


def _only_owner(column: str, tables: set[str], schema: Schema) -> str | None:
    """The one table among ``tables`` that has ``column`` (None for none or several)."""
    owners = [t for t in tables if any(c.name.lower() == column.lower() for c in schema.table(t).columns)]
    return owners[0] if len(owners) == 1 else None
