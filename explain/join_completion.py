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

import re
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.mending import FixResult, has_column, mend_in_rounds, own_columns

if TYPE_CHECKING:
    from nl2sql.schema import Schema, Table

MAX_JOINS = 3
"""Columns completed in one query at most."""
MAX_STEPS = 2
"""Foreign-key steps from the query's tables to the one that holds the column."""
_NUMBERED_ALIAS = re.compile(r"t(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class _Step:
    """One foreign-key hop: from ``start`` to ``end`` on pairs of columns."""

    start: str
    end: str
    pairs: tuple[tuple[str, str], ...]


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
        sources = _plain_sources(select, schema)
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
            return _join(select, sources, column, path, schema)
    return None


def _plain_sources(select: exp.Select, schema: Schema) -> dict[str, Table] | None:
    """alias (or name) → table for every source of ``select``; None when one is not a schema table."""
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is None:
        return None
    found: dict[str, Table] = {}
    for source in [from_.this, *(join.this for join in select.args.get("joins") or [])]:
        if not isinstance(source, exp.Table) or not schema.has_table(source.name):
            return None
        found[(source.alias or source.name).lower()] = schema.table(source.name)
    return found


def _known(name: str, sources: dict[str, Table]) -> bool:
    return any(has_column(table, name) for table in sources.values())


def _known_outside(select: exp.Select, name: str, schema: Schema) -> bool:
    """Whether an enclosing query reads a table with this column (a correlated reference)."""
    outer = select.find_ancestor(exp.Select)
    while outer is not None:
        if _known(name, _plain_sources(outer, schema) or {}):
            return True
        outer = outer.find_ancestor(exp.Select)
    return False


def _only_path(sources: dict[str, Table], name: str, schema: Schema) -> list[_Step] | None:
    """The one shortest foreign-key path from the query's tables to the one table holding ``name``."""
    present = {t.name.lower() for t in sources.values()}
    holders = {t.name.lower() for t in schema.tables if t.name.lower() not in present and has_column(t, name)}
    if not holders:
        return None
    paths: dict[str, list[list[_Step]]] = {}
    queue = deque([(start, []) for start in sorted(present)])
    while queue:
        table, steps = queue.popleft()
        if len(steps) == MAX_STEPS:
            continue
        for step in _steps_from(table, schema):
            visited = {s.start for s in steps} | {table}
            if step.end in present or step.end in visited:
                continue
            path = [*steps, step]
            paths.setdefault(step.end, []).append(path)
            if step.end not in holders:
                queue.append((step.end, path))
    reached = [(len(found[0]), holder, found) for holder, found in paths.items() if holder in holders]
    if not reached:
        return None
    shortest = min(length for length, _, _ in reached)
    best = [(holder, found) for length, holder, found in reached if length == shortest]
    if len(best) != 1:
        return None
    found = [p for p in best[0][1] if len(p) == shortest]
    return found[0] if len(found) == 1 else None


def _steps_from(table: str, schema: Schema) -> list[_Step]:
    """Every foreign-key hop out of ``table``, whichever side declares the key."""
    steps = []
    for other in schema.tables:
        for key in other.foreign_keys:
            pairs = tuple(zip(key.columns, key.ref_columns, strict=False))
            if other.name.lower() == table and schema.has_table(key.ref_table):
                steps.append(_Step(table, key.ref_table.lower(), pairs))
            if key.ref_table.lower() == table:
                steps.append(_Step(table, other.name.lower(), tuple((b, a) for a, b in pairs)))
    return steps


def _join(
    select: exp.Select, sources: dict[str, Table], column: exp.Column, path: list[_Step], schema: Schema
) -> str:
    references = {t.name.lower(): alias for alias, t in reversed(list(sources.items()))}
    for alias, table in sources.items():
        for own in own_columns(select):
            if not own.table and has_column(table, own.name):
                own.set("table", exp.to_identifier(_display(alias, table, select)))
    numbered = [int(m.group(1)) for a in sources if (m := _NUMBERED_ALIAS.fullmatch(a))]
    use_numbers = bool(numbered) and len(numbered) == len(sources)
    alias = None
    for step in path:
        table = schema.table(step.end)
        if use_numbers:
            alias = f"T{max(numbered) + 1}"
            numbered.append(max(numbered) + 1)
        start = references[step.start]
        start_name = _display(start, schema.table(step.start), select)
        end_name = alias or table.name
        condition = exp.and_(
            *(
                exp.EQ(
                    this=exp.column(left, table=start_name),
                    expression=exp.column(right, table=end_name),
                )
                for left, right in step.pairs
            )
        )
        source = exp.Table(this=exp.to_identifier(table.name))
        if alias:
            source.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        select.append("joins", exp.Join(this=source, on=condition))
        references[step.end] = (alias or table.name).lower()
    holder = schema.table(path[-1].end)
    real = next(c.name for c in holder.columns if c.name.lower() == column.name.lower())
    column.set("this", exp.to_identifier(real))
    column.set("table", exp.to_identifier(alias or holder.name))
    return f"joined {holder.name} for {column.name}"


def _display(reference: str, table: Table, select: exp.Select) -> str:
    """How the query itself spells a source: its alias as written, or the table's name."""
    for source in select.find_all(exp.Table):
        if (source.alias or source.name).lower() == reference:
            return source.alias or source.name
    return table.name
