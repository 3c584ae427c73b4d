"""Repair a join whose condition links nothing: ``JOIN singer AS T2 ON T2.Singer_ID = T2.singer_id``.

Small models sometimes write a join condition that compares one table with itself, so every row of the
joined table pairs with every row before it (the ``cartesian-join`` warning of :mod:`explain.rules`).
When the foreign keys link the joined table to exactly one table before it, in one step or through one
bridge table the query does not read yet, by exactly one path, the condition is replaced by those keys
(and the bridge is joined just before it). Anything less certain is left for the user to see: several
candidate tables or keys, a self-join, a derived table, or a join that another condition links after all.

Example:
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> countries = Table("countries", (Column("CountryId", "INT"), Column("CountryName", "TEXT")))
    >>> makers = Table("car_makers", (Column("Id", "INT"), Column("Country", "INT")),
    ...     foreign_keys=(ForeignKey(("Country",), "countries", ("CountryId",)),))
    >>> schema = Schema("sqlite", (countries, makers))
    >>> sql = ("SELECT T1.CountryName FROM countries AS T1 "
    ...        "JOIN car_makers AS T2 ON T1.CountryId = T1.CountryId")
    >>> fixed = link_joins(sql, schema)
    >>> print(fixed.sql)
    SELECT T1.CountryName FROM countries AS T1 JOIN car_makers AS T2 ON T1.CountryId = T2.Country
    >>> fixed.changes
    ['joined car_makers to countries on their foreign key']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.foreign_keys import KeyStep, key_condition, key_join, only_path
from explain.mending import FixResult, mend_in_rounds, next_numbered_alias, plain_sources, spelling

if TYPE_CHECKING:
    from nl2sql.schema import Schema, Table

CODE = "cartesian-join"
"""The warning this mend answers."""
MAX_LINKS = 3
"""Joins repaired in one query at most."""


def link_joins(sql: str, schema: Schema, dialect: str | None = None) -> FixResult:
    """Give every join that compares a table with itself the foreign-key condition it lacks."""
    return mend_in_rounds(sql, schema, dialect or schema.dialect, link_join, MAX_LINKS, warnings={CODE})


def link_join(tree: exp.Expression, schema: Schema, code: str) -> str | None:
    """Repair one unlinked join of ``tree`` for a ``cartesian-join`` warning (a fix for
    :func:`explain.mending.mend_in_rounds`); None, with the tree untouched, when unsure."""
    if code != CODE:
        return None
    for select in tree.find_all(exp.Select):
        sources = plain_sources(select, schema)
        if not sources:
            continue
        aliases = list(sources)
        for index, join in enumerate(select.args.get("joins") or [], start=1):
            alias = aliases[index]
            if not _compares_itself(join.args.get("on")) or _linked_elsewhere(select, join, aliases, index):
                continue
            path = _only_link(aliases[:index], sources, alias, schema)
            if path is not None:
                return _relink(select, join, sources, path, schema)
    return None


def _compares_itself(condition: exp.Expression | None) -> bool:
    """Whether every part of ``condition`` is ``a.x = a.y``: columns of one and the same source."""
    if condition is None:
        return False
    parts = list(condition.flatten()) if isinstance(condition, exp.And) else [condition]
    for part in parts:
        if not isinstance(part, exp.EQ):
            return False
        left, right = part.this, part.expression
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
            return False
        if not left.table or left.table.lower() != right.table.lower():
            return False
    return True


def _linked_elsewhere(select: exp.Select, join: exp.Join, aliases: list[str], index: int) -> bool:
    """Whether the other conditions (WHERE, the other joins' ON) connect ``aliases[index]`` with a source
    before it, directly or through later sources."""
    conditions = [j.args.get("on") for j in select.args.get("joins") or [] if j is not join]
    where = select.args.get("where")
    reached = {aliases[index]}
    links = [
        {c.table.lower() for c in equality.find_all(exp.Column)}
        for condition in [*conditions, where.this if where else None]
        if condition is not None
        for equality in condition.find_all(exp.EQ)
    ]
    grown = True
    while grown:
        grown = False
        for sides in links:
            if sides & reached and not sides <= reached:
                reached |= sides
                grown = True
    return bool(reached & set(aliases[:index]))


def _only_link(
    earlier: list[str], sources: dict[str, Table], alias: str, schema: Schema
) -> list[KeyStep] | None:
    """The one foreign-key path from a table before the join to the joined one, through no table the
    query reads already; None for a self-join or a table read twice before it."""
    before = [sources[a].name.lower() for a in earlier]
    target = sources[alias].name.lower()
    if target in before or len(set(before)) != len(before):
        return None
    present = {t.name.lower() for t in sources.values()}
    return only_path(set(before), {target}, present, schema)


def _relink(
    select: exp.Select, join: exp.Join, sources: dict[str, Table], path: list[KeyStep], schema: Schema
) -> str:
    by_table = {table.name.lower(): alias for alias, table in sources.items()}
    first_alias, joined_alias = by_table[path[0].start], by_table[path[-1].end]
    first, joined = sources[first_alias], sources[joined_alias]
    start, end = spelling(first_alias, first, select), spelling(joined_alias, joined, select)
    if len(path) == 1:
        join.set("on", key_condition(path[0], start, end))
        return f"joined {joined.name} to {first.name} on their foreign key"
    bridge_alias = next_numbered_alias(list(sources))
    bridge_name = schema.table(path[0].end).name
    joins = list(select.args["joins"])
    joins.insert(joins.index(join), key_join(path[0], start, bridge_name, bridge_alias))
    join.set("on", key_condition(path[1], bridge_alias or bridge_name, end))
    select.set("joins", joins)
    return f"joined {joined.name} to {first.name} through {bridge_name}"
