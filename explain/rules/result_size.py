"""Results larger than anyone reads: rankings with no LIMIT, and row listings of big tables.

Sizes come from the schema's row counts and sample values; where they are unknown, nothing is said.

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("events", (Column("id", "INT"),), row_count=50_000),))
    >>> [d.message for d in unbounded_rows(LintContext.of("SELECT id FROM events", schema))]
    ['no LIMIT: this may return up to 50,000 rows (events has 50,000); add a LIMIT or aggregate']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.position import warning, written
from explain.rules.tree import aggregates, base_table, conjuncts, is_aggregate, local_nodes

if TYPE_CHECKING:
    from explain.resolve import Binding
    from explain.rules import LintContext
    from nl2sql.schema import Table

MANY_GROUPS = 100
"""A ranking of at least this many groups with no LIMIT looks like a top-N question missing its N."""
MANY_ROWS = 10_000
"""A row listing that may return at least this many rows deserves a LIMIT."""


def top_n_without_limit(context: LintContext) -> Iterator[Diagnostic]:
    """The outermost query ranks many groups by an aggregate (ORDER BY SUM(…) DESC) with no LIMIT.

    Only when the groups are known to be many: grouped by a key or sampled column of a big table.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("sales", (Column("product_id", "INT"), Column("qty", "INT")),
        ...                                   primary_key=("product_id",), row_count=500),))
        >>> sql = "SELECT product_id, SUM(qty) AS units FROM sales GROUP BY product_id ORDER BY units DESC"
        >>> [d.code for d in top_n_without_limit(LintContext.of(sql, schema))]
        ['top-n-without-limit']
    """
    select = context.tree
    if not isinstance(select, exp.Select) or _limited(select) or not select.args.get("group"):
        return
    order = select.args.get("order")
    aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
    ranked = [o.this for o in (order.expressions if order else []) if _aggregated(o.this, aliases)]
    if not ranked:
        return
    groups = _group_count(context, select)
    if groups is not None and groups >= MANY_GROUPS:
        message = (
            f"ORDER BY {written(context, ranked[0])} ranks up to {groups:,} groups with no LIMIT; "
            "if the question asks for the top few, add LIMIT N"
        )
        yield warning(context, "top-n-without-limit", message, ranked[0])


def _limited(select: exp.Select) -> bool:
    return bool(select.args.get("limit") or select.args.get("fetch"))


def _aggregated(key: exp.Expression, aliases: dict[str, exp.Expression]) -> bool:
    if isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
        key = aliases[key.name.lower()]
    return any(is_aggregate(node) for node in local_nodes(key))


def _group_count(context: LintContext, select: exp.Select) -> int | None:
    """The number of groups when a grouped column tells it (its sample values, or the rows of the
    table it is the key of); None when no grouped column does."""
    counts = []
    for key in select.args["group"].expressions:
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.this) <= len(select.expressions):
            key = select.expressions[int(key.this) - 1].unalias()  # GROUP BY 1
        binding = context.bindings.of(key) if isinstance(key, exp.Column) else None
        if binding is not None:
            counts.append(_distinct_values(context, binding))
    known = [c for c in counts if c is not None]
    return max(known) if known else None


def _distinct_values(context: LintContext, binding: Binding) -> int | None:
    column, table = binding.column, binding.table
    if column.samples:
        return len(column.samples)
    if table.primary_key and [k.lower() for k in table.primary_key] == [column.name.lower()]:
        return table.row_count
    for key in table.foreign_keys:
        if [c.lower() for c in key.columns] == [column.name.lower()] and context.schema.has_table(
            key.ref_table
        ):
            return context.schema.table(key.ref_table).row_count
    return None


def unbounded_rows(context: LintContext) -> Iterator[Diagnostic]:
    """The outermost query lists rows (no aggregate, no GROUP BY, no LIMIT) of a table with at least
    :data:`MANY_ROWS` rows, not filtered on a key.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("events", (Column("id", "INT"),), primary_key=("id",),
        ...                                   row_count=50_000),))
        >>> list(unbounded_rows(LintContext.of("SELECT id FROM events WHERE id = 7", schema)))
        []
    """
    select = context.tree
    if not isinstance(select, exp.Select) or _limited(select) or select.args.get("group"):
        return
    if aggregates(select) or select.args.get("from_") is None:
        return
    sources = [select.args["from_"].this, *(j.this for j in select.args.get("joins") or [])]
    tables = [
        base_table(context, select, s.alias_or_name) if isinstance(s, exp.Table) else None for s in sources
    ]
    sized = [
        (t, s) for t, s in zip(tables, sources, strict=True) if t is not None and t.row_count is not None
    ]
    if len(sized) < len(sources):
        return
    largest, node = max(sized, key=lambda pair: pair[0].row_count or 0)
    size = largest.row_count or 0
    bound = min(size, _distinct_rows(context, select) or 0) if select.args.get("distinct") else size
    if _filtered_rows(context, select, bound) >= MANY_ROWS:
        message = f"no LIMIT: this may return up to {bound:,} rows ({largest.name} has {size:,}); "
        message += "add a LIMIT or aggregate"
        yield warning(context, "unbounded-rows", message, node)


def _filtered_rows(context: LintContext, select: exp.Select, rows: int) -> int:
    """``rows`` narrowed by the WHERE clause's equality filters: to nothing much for a key or a column
    of many values (selective), by the share of the values kept for a column of known values."""
    for condition in conjuncts(select.args.get("where")):
        if isinstance(condition, exp.EQ) and isinstance(condition.expression, exp.Column):
            condition = exp.EQ(this=condition.expression, expression=condition.this)
        column = condition.this
        if not isinstance(condition, exp.EQ | exp.In) or not isinstance(column, exp.Column):
            continue
        kept = condition.expressions if isinstance(condition, exp.In) else [condition.expression]
        binding = context.bindings.of(column)
        if binding is None or any(isinstance(k, exp.Column) for k in kept):
            continue
        samples = binding.column.samples
        if _is_key(binding.table, binding.column.name) or not samples:
            return 0
        rows = rows * max(len(kept), 1) // len(samples)
    return rows


def _is_key(table: Table, name: str) -> bool:
    lowered = name.lower()
    in_foreign_key = any(lowered in {c.lower() for c in key.columns} for key in table.foreign_keys)
    return in_foreign_key or lowered in {k.lower() for k in table.primary_key}


def _distinct_rows(context: LintContext, select: exp.Select) -> int | None:
    """An upper bound on the rows of SELECT DISTINCT when every projection is a column of known size."""
    total = 1
    for projection in select.expressions:
        column = projection.unalias()
        binding = context.bindings.of(column) if isinstance(column, exp.Column) else None
        if binding is None:
            return None
        count = _distinct_values(context, binding) or binding.table.row_count
        if count is None:
            return None
        total *= count
    return total
