"""Aggregating SELECTs that show an arbitrary row's value: columns neither grouped nor aggregated.

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("g", "TEXT"), Column("n", "TEXT"))),))
    >>> context = LintContext.of("SELECT g, n, COUNT(*) FROM t GROUP BY g", schema)
    >>> print(*(d.message for d in ungrouped_column(context)))  # doctest: +NORMALIZE_WHITESPACE
    n is neither grouped nor aggregated, so each group shows an arbitrary row's value;
    add it to GROUP BY or aggregate it
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.position import warning
from explain.rules.tree import (
    aggregates,
    base_table,
    is_aggregate,
    join_conditions,
    label,
    source_of,
)

if TYPE_CHECKING:
    from explain.rules import LintContext


def ungrouped_column(context: LintContext) -> Iterator[Diagnostic]:
    """A column of an aggregating SELECT's select list, HAVING or ORDER BY that is neither grouped,
    nor inside an aggregate, nor fixed by a grouped primary key.

    SQLite's documented ``SELECT name, MAX(x)`` (the row holding the maximum) is left alone.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> columns = (Column("id", "INT", primary_key=True), Column("n", "TEXT"))
        >>> schema = Schema("sqlite", (Table("t", columns, primary_key=("id",)),))
        >>> list(ungrouped_column(LintContext.of("SELECT n, COUNT(*) FROM t GROUP BY id", schema)))
        []
    """
    for select in context.find(exp.Select):
        group = select.args.get("group")
        found = aggregates(select)
        if not found and not group:
            continue
        if context.dialect == "sqlite" and len(found) == 1 and isinstance(found[0], exp.Max | exp.Min):
            continue  # SQLite takes bare columns from the row holding the minimum or maximum
        aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
        grouped = _grouped_expressions(select, aliases)
        columns, sources = _fixed(context, select, grouped)
        groups = _Groups({_fingerprint(g) for g in grouped}, {type(g) for g in grouped}, columns, sources)
        reported: set[str] = set()
        parts = [(p, False) for p in select.expressions]
        parts += [(p, True) for p in (select.args.get("having"), select.args.get("order")) if p is not None]
        for part, alias_ok in parts:
            for column in _loose_columns(context, part, groups, aliases if alias_ok else {}):
                if label(column).lower() in reported:
                    continue
                reported.add(label(column).lower())
                where = "each group shows" if group else "the result shows"
                message = (
                    f"{label(column)} is neither grouped nor aggregated, so {where} an arbitrary row's "
                    "value; add it to GROUP BY or aggregate it"
                )
                yield warning(context, "ungrouped-column", message, column)


class _Groups(NamedTuple):
    keys: set[tuple]
    """The grouped expressions' fingerprints."""
    key_types: set[type]
    columns: set[tuple[str | None, str]]
    """(source, column) pairs fixed within a group."""
    sources: set[str]
    """Sources all of whose columns are fixed within a group."""


def _fingerprint(node: exp.Expression) -> tuple:
    """The shape of ``node`` (node types, names ignoring case, literal values): equal for the same
    expression written twice."""
    return tuple(
        (type(n).__name__, n.arg_key if n is not node else "", _name(n)) for n in node.walk(bfs=False)
    )


def _name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Identifier | exp.Var):
        return node.name.lower()
    return node.this if isinstance(node, exp.Literal) else None


def _grouped_expressions(select: exp.Select, aliases: dict[str, exp.Expression]) -> list[exp.Expression]:
    group = select.args.get("group")
    grouped: list[exp.Expression] = []
    for key in _group_keys(group.expressions if group else []):
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.this) <= len(select.expressions):
            grouped.append(select.expressions[int(key.this) - 1].unalias())
            continue
        grouped.append(key)
        if isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
            grouped.append(aliases[key.name.lower()])
    return grouped


def _group_keys(keys: list[exp.Expression]) -> Iterator[exp.Expression]:
    """The grouped expressions, out of ROLLUP, CUBE, GROUPING SETS and their parenthesized lists."""
    for key in keys:
        if isinstance(key, exp.Rollup | exp.Cube | exp.GroupingSets | exp.Tuple):
            yield from _group_keys(key.expressions)
        elif isinstance(key, exp.Paren):
            yield from _group_keys([key.this])
        else:
            yield key


def _fixed(
    context: LintContext, select: exp.Select, grouped: list[exp.Expression]
) -> tuple[set[tuple[str | None, str]], set[str]]:
    """The columns fixed within a group (grouped, pinned to a constant, or equal to a fixed column),
    and the sources whose primary key is fixed (so all their columns are)."""
    fixed: set[tuple[str | None, str]] = {
        (source_of(context, g), g.name.lower()) for g in grouped if isinstance(g, exp.Column)
    }
    equal: list[tuple[tuple[str | None, str], tuple[str | None, str]]] = []
    for predicate in join_conditions(select):
        if not isinstance(predicate, exp.EQ):
            continue
        left, right = predicate.this, predicate.expression
        sides = [(source_of(context, c), c.name.lower()) for c in (left, right) if isinstance(c, exp.Column)]
        if len(sides) == 2:
            equal.append((sides[0], sides[1]))
        elif len(sides) == 1 and isinstance(left if isinstance(right, exp.Column) else right, exp.Literal):
            fixed.add(sides[0])
    sources: set[str] = set()
    changed = True
    while changed:
        changed = False
        for a, b in equal:
            if (a in fixed or a[0] in sources) != (b in fixed or b[0] in sources):
                fixed |= {a, b}
                changed = True
        for alias in {a for a, _ in fixed if a} - sources:
            table = base_table(context, select, alias)
            if (
                table is not None
                and table.primary_key
                and all((alias, k.lower()) in fixed for k in table.primary_key)
            ):
                sources.add(alias)
                changed = True
    return fixed, sources


def _loose_columns(
    context: LintContext, node: exp.Expression, groups: _Groups, aliases: dict[str, exp.Expression]
) -> Iterator[exp.Column]:
    if is_aggregate(node) or (isinstance(node, exp.Filter | exp.WithinGroup) and is_aggregate(node.this)):
        return
    if type(node) in groups.key_types and _fingerprint(node) in groups.keys:
        return
    if isinstance(node, exp.Query | exp.Subquery):
        return
    if isinstance(node, exp.Column):
        if not node.table and node.name.lower() in aliases:
            return
        source = source_of(context, node)
        if (
            source is not None
            and source not in groups.sources
            and (source, node.name.lower()) not in groups.columns
        ):
            yield node
        return
    if isinstance(node, exp.Window):
        function = node.this
        while isinstance(function, exp.IgnoreNulls | exp.RespectNulls | exp.Filter):
            function = function.this
        children = [
            *function.iter_expressions(),
            *(c for c in node.iter_expressions() if c.arg_key != "this"),
        ]
    else:
        children = list(node.iter_expressions())
    for child in children:
        yield from _loose_columns(context, child, groups, aliases)
