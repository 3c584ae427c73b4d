"""Joins that look a value up: from the query's tables to a related table along foreign keys, each step
going from the table that declares the key to the table it references (many rows to one), so the join
never multiplies the query's rows.

:func:`lookup_path` finds the one such path to a table; :func:`add_join_path` writes its joins into a
SELECT; :func:`lookup_columns` lists the readable columns (neither keys nor ids) of every table the
query can look up that way, as "group by region name" offers them.

Example:
    >>> import sqlglot
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> regions = Table("regions", (Column("id", "INT", primary_key=True), Column("name", "TEXT")), ("id",))
    >>> customers = Table("customers", (Column("id", "INT", primary_key=True), Column("region_id", "INT")),
    ...     ("id",), (ForeignKey(("region_id",), "regions", ("id",)),))
    >>> schema = Schema("sqlite", (regions, customers))
    >>> select = sqlglot.parse_one("SELECT region_id, COUNT(*) FROM customers GROUP BY region_id")
    >>> lookup_columns(select, schema)
    ['regions.name']
    >>> add_join_path(select, lookup_path(select, "regions", schema), schema)
    'regions'
    >>> select.sql()
    'SELECT region_id, COUNT(*) FROM customers JOIN regions ON customers.region_id = regions.id GROUP BY region_id'
"""  # noqa: E501

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.foreign_keys import KeyStep, key_join, only_path
from explain.mending import has_column, next_numbered_alias, own_columns, plain_sources, spelling

if TYPE_CHECKING:
    from nl2sql.schema import Schema, Table


def lookup_path(select: exp.Select, table: str, schema: Schema) -> list[KeyStep] | None:
    """The one shortest foreign-key path from the tables ``select`` reads to ``table`` whose every step
    follows a key to the table it references; None when there is none, it is not the only one, the
    table is read already, or a source of ``select`` is not a table of ``schema``."""
    sources = plain_sources(select, schema)
    target = table.lower()
    if not sources or not schema.has_table(table):
        return None
    present = {t.name.lower() for t in sources.values()}
    if target in present:
        return None
    path = only_path(present, {target}, present, schema)
    if path is None or not all(_many_to_one(step, schema) for step in path):
        return None
    return path


def lookup_columns(select: exp.Select, schema: Schema) -> list[str]:
    """``table.column`` for the readable columns of every table :func:`lookup_path` reaches from
    ``select``: not a key, not an id, not the target of a key."""
    sources = plain_sources(select, schema)
    if not sources:
        return []
    present = {t.name.lower() for t in sources.values()}
    found = []
    for table in schema.tables:
        if table.name.lower() in present or lookup_path(select, table.name, schema) is None:
            continue
        found += [f"{table.name}.{column}" for column in readable_columns(table)]
    return found


def readable_columns(table: Table) -> list[str]:
    """The columns of ``table`` a person reads (names, categories, dates), not keys or ids.

    Example:
        >>> from nl2sql.schema import Column, ForeignKey, Table
        >>> readable_columns(Table("regions", (Column("id", "INT", primary_key=True), Column("code", "TEXT"),
        ...     Column("name_en", "TEXT"), Column("manager_id", "INT")), ("id",)))
        ['name_en']
    """
    keys = {c.lower() for c in table.primary_key} | {
        c.lower() for key in table.foreign_keys for c in key.columns
    }
    return [
        c.name
        for c in table.columns
        if not c.primary_key and c.name.lower() not in keys and not _id_like(c.name)
    ]


def add_join_path(
    select: exp.Select, path: list[KeyStep], schema: Schema, *, qualify_all: bool = False
) -> str:
    """Append the joins of ``path`` to ``select`` (numbered ``T<n>`` aliases when the query numbers its
    sources) and return how the query now spells the path's last table. Bare columns that a joined
    table also has are qualified with their own tables, so that the join cannot make them ambiguous
    (with ``qualify_all``, every bare column is)."""
    sources = plain_sources(select, schema) or {}
    joined = [schema.table(step.end) for step in path]
    for alias, table in sources.items():
        for own in own_columns(select):
            if own.table or not has_column(table, own.name):
                continue
            if qualify_all or any(has_column(other, own.name) for other in joined):
                own.set("table", exp.to_identifier(spelling(alias, table, select)))
    references = {t.name.lower(): alias for alias, t in reversed(list(sources.items()))}
    aliases = list(sources)
    reference = ""
    for step in path:
        table = schema.table(step.end)
        alias = next_numbered_alias(aliases)
        aliases.append(alias or table.name)
        start = references[step.start]
        start_name = spelling(start, schema.table(step.start), select)
        select.append("joins", key_join(step, start_name, table.name, alias))
        reference = alias or table.name
        references[step.end] = reference.lower()
    return reference


def _many_to_one(step: KeyStep, schema: Schema) -> bool:
    """Whether ``step`` follows a key declared by its start table to the table the key references."""
    start = schema.table(step.start)
    columns = tuple(left.lower() for left, _ in step.pairs)
    return any(
        key.ref_table.lower() == step.end and tuple(c.lower() for c in key.columns) == columns
        for key in start.foreign_keys
    )


def _id_like(name: str) -> bool:
    lowered = name.lower()
    return lowered in {"id", "code"} or lowered.endswith(("_id", "_code")) or name.endswith("Id")
