"""Paths between tables along declared foreign keys, for the mends that add or repair joins.

A path is a list of steps; each step goes from one table to the next on pairs of columns, whichever of
the two declares the key. :func:`only_path` answers only when the answer is unambiguous: one target at
the shortest distance, reached by one path.

Example:
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> singer = Table("singer", (Column("Singer_ID", "INT"),))
    >>> concert = Table("concert", (Column("concert_ID", "INT"),))
    >>> link = Table("singer_in_concert", (Column("concert_ID", "INT"), Column("Singer_ID", "INT")),
    ...     foreign_keys=(ForeignKey(("concert_ID",), "concert", ("concert_ID",)),
    ...                   ForeignKey(("Singer_ID",), "singer", ("Singer_ID",))))
    >>> schema = Schema("sqlite", (singer, concert, link))
    >>> [(s.start, s.end) for s in only_path({"concert"}, {"singer"}, {"concert"}, schema)]
    [('concert', 'singer_in_concert'), ('singer_in_concert', 'singer')]
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from nl2sql.schema import Schema

MAX_STEPS = 2
"""Foreign-key steps a path may take at most (one, or two through a bridge table)."""


@dataclass(frozen=True)
class KeyStep:
    """One foreign-key hop from table ``start`` to table ``end`` (lower-case names) on column pairs
    ``(column of start, column of end)``."""

    start: str
    end: str
    pairs: tuple[tuple[str, str], ...]


def only_path(starts: set[str], targets: set[str], blocked: set[str], schema: Schema) -> list[KeyStep] | None:
    """The one shortest path from any of ``starts`` to one of ``targets`` that passes through none of
    ``blocked``; None when there is none, or more than one target or path at that length."""
    paths: dict[str, list[list[KeyStep]]] = {}
    queue: deque[tuple[str, list[KeyStep]]] = deque((start, []) for start in sorted(starts))
    while queue:
        table, steps = queue.popleft()
        if len(steps) == MAX_STEPS:
            continue
        visited = {s.start for s in steps} | {table}
        for step in steps_from(table, schema):
            if step.end in visited or (step.end in blocked and step.end not in targets):
                continue
            path = [*steps, step]
            paths.setdefault(step.end, []).append(path)
            if step.end not in targets:
                queue.append((step.end, path))
    reached = {target: found for target, found in paths.items() if target in targets}
    if not reached:
        return None
    shortest = min(len(found[0]) for found in reached.values())
    best = [
        [path for path in found if len(path) == shortest]
        for found in reached.values()
        if len(found[0]) == shortest
    ]
    return best[0][0] if len(best) == 1 and len(best[0]) == 1 else None


def steps_from(table: str, schema: Schema) -> list[KeyStep]:
    """Every foreign-key hop out of ``table`` (lower-case), whichever side declares the key."""
    steps = []
    for other in schema.tables:
        for key in other.foreign_keys:
            pairs = tuple(zip(key.columns, key.ref_columns, strict=False))
            if other.name.lower() == table and schema.has_table(key.ref_table):
                steps.append(KeyStep(table, key.ref_table.lower(), pairs))
            if key.ref_table.lower() == table:
                steps.append(KeyStep(table, other.name.lower(), tuple((b, a) for a, b in pairs)))
    return steps


def key_condition(step: KeyStep, start: str, end: str) -> exp.Expression:
    """The ON condition of ``step``, with its tables spelt ``start`` and ``end`` (aliases or names)."""
    return exp.and_(
        *(
            exp.EQ(this=exp.column(left, table=start), expression=exp.column(right, table=end))
            for left, right in step.pairs
        )
    )


def key_join(step: KeyStep, start: str, table: str, alias: str | None = None) -> exp.Join:
    """``JOIN table [AS alias] ON`` the keys of ``step``, from the source spelt ``start``."""
    source = exp.Table(this=exp.to_identifier(table))
    if alias:
        source.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return exp.Join(this=source, on=key_condition(step, start, alias or table))
