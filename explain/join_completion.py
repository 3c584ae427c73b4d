"""Add the join a query forgot: a column that none of its tables has, but one table a foreign key away does.

Small models write ``SELECT Model FROM cars_data`` when ``Model`` lives in ``car_names``, which
``cars_data`` references. When exactly one table holding the column is reachable through foreign keys
in the fewest steps (one, or two through a bridge table), by exactly one path, that table is joined on
those keys and the column is qualified with it; the query's other bare columns are qualified with their
own tables so that the new join cannot make them ambiguous. Anything less certain is left alone (for
the model's repair round): several tables or paths, a derived table among the sources, or a name that
an enclosing query or an alias already explains.

Example:
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> names = Table("car_names", (Column("MakeId", "INT"), Column("Model", "TEXT")), ("MakeId",))
    >>> data = Table("cars_data", (Column("Id", "INT"), Column("Horsepower", "INT")),
    ...     foreign_keys=(ForeignKey(("Id",), "car_names", ("MakeId",)),))
    >>> fixed = complete_joins("SELECT Model FROM cars_data", Schema("sqlite", (names, data)))
    >>> print(fixed.sql)
    SELECT car_names.Model FROM cars_data JOIN car_names ON cars_data.Id = car_names.MakeId
    >>> fixed.changes
    ['joined car_names for Model']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.foreign_keys import KeyStep, only_path
from explain.lookup_joins import add_join_path
from explain.mending import FixResult, has_column, mend_in_rounds, own_columns, plain_sources

if TYPE_CHECKING:
    from nl2sql.schema import Schema, Table

MAX_JOINS = 3
"""Columns completed in one query at most."""


def complete_joins(sql: str, schema: Schema, dialect: str | None = None) -> FixResult:
    """Join the tables that the query's unknown bare columns need, where the foreign keys say how."""
    return mend_in_rounds(sql, schema, dialect or schema.dialect, complete_join, MAX_JOINS)


def complete_join(tree: exp.Expression, schema: Schema, code: str) -> str | None:
    """Add one missing join to ``tree`` for an ``unknown-column`` error (a fix for
    :func:`explain.mending.mend_in_rounds`); None, with the tree untouched, when unsure."""
    return _complete_first(tree, schema) if code == "unknown-column" else None


def _complete_first(tree: exp.Expression, schema: Schema) -> str | None:
    aliases = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    for select in tree.find_all(exp.Select):
        sources = plain_sources(select, schema)
        if not sources:
            continue
        for column in own_columns(select):
            name = column.name
            if column.table or name.lower() in aliases or _known(name, sources):
                continue
            if _known_outside(select, name, schema):
                continue
            path = _only_path(sources, name, schema)
            if path is None:
                return None
            return _join(select, column, path, schema)
    return None


def _known(name: str, sources: dict[str, Table]) -> bool:
    return any(has_column(table, name) for table in sources.values())


def _known_outside(select: exp.Select, name: str, schema: Schema) -> bool:
    """Whether an enclosing query reads a table with this column (a correlated reference)."""
    outer = select.find_ancestor(exp.Select)
    while outer is not None:
        if _known(name, plain_sources(outer, schema) or {}):
            return True
        outer = outer.find_ancestor(exp.Select)
    return False


def _only_path(sources: dict[str, Table], name: str, schema: Schema) -> list[KeyStep] | None:
    """The one shortest foreign-key path from the query's tables to the one table holding ``name``."""
    present = {t.name.lower() for t in sources.values()}
    holders = {t.name.lower() for t in schema.tables if t.name.lower() not in present and has_column(t, name)}
    return only_path(present, holders, present, schema) if holders else None


def _join(select: exp.Select, column: exp.Column, path: list[KeyStep], schema: Schema) -> str:
    reference = add_join_path(select, path, schema, qualify_all=True)
    holder = schema.table(path[-1].end)
    real = next(c.name for c in holder.columns if c.name.lower() == column.name.lower())
    column.set("this", exp.to_identifier(real))
    column.set("table", exp.to_identifier(reference))
    return f"joined {holder.name} for {column.name}"
