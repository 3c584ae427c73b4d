"""The AST changes behind the grouping, measure, ordering and limit edits of :mod:`explain.edits`: one
function per edit type, each changing the outermost SELECT of a copied tree in place.

Example:
    >>> from explain.edits import SetLimit
    >>> from explain.plan import plan
    >>> p = plan("SELECT a FROM t LIMIT 5")
    >>> tree = p.tree.copy()
    >>> set_limit(p, tree, SetLimit(2))
    >>> tree.sql()
    'SELECT a FROM t LIMIT 2'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from explain.edit_sql import column_of, parse_expression
from explain.errors import PlanEditError
from explain.lookup_joins import add_join_path, lookup_path
from explain.plan_read import aggregates, clause, joins, measure_calls, normalized

if TYPE_CHECKING:
    from explain.plan import Plan

AGGREGATES: dict[str, type[exp.AggFunc]] = {
    "count": exp.Count,
    "sum": exp.Sum,
    "avg": exp.Avg,
    "min": exp.Min,
    "max": exp.Max,
}
"""The aggregate functions a measure can be set to."""


def _resolve(node: exp.Expression, select: exp.Select) -> exp.Expression:
    """What an ORDER/GROUP BY key stands for: a select item for an output alias, else itself."""
    if isinstance(node, exp.Column) and not node.table:
        for item in select.expressions:
            if item.alias and item.alias.lower() == node.name.lower():
                return item.unalias()
    return node


def _same(a: exp.Expression, b: exp.Expression, select: exp.Select, dialect: str) -> bool:
    if normalized(a, dialect) == normalized(b, dialect):
        return True
    return normalized(_resolve(a, select), dialect) == normalized(_resolve(b, select), dialect)


def _drop_order_on(select: exp.Select, gone: list[exp.Expression], dialect: str) -> None:
    order = clause(select, exp.Order)
    if order is None:
        return
    kept = [o for o in order.expressions if not any(_same(o.this, g, select, dialect) for g in gone)]
    if not kept:
        order.pop()
    elif len(kept) < len(order.expressions):
        order.set("expressions", kept)


def _set_items(select: exp.Select, items: list[exp.Expression]) -> None:
    if not items:
        raise PlanEditError("the query would have no output columns left")
    select.set("expressions", items)


def add_group_by(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Group by one more column and show it (:class:`~explain.edits.AddGroupBy`).

    Example:
        >>> from explain.edits import AddGroupBy
        >>> from explain.plan import plan
        >>> plan("SELECT SUM(x) AS s FROM t").apply(AddGroupBy("a"))
        'SELECT a, SUM(x) AS s FROM t GROUP BY a'
    """
    column = _looked_up(plan, select, edit.column) or column_of(plan, select, edit.column)
    if aggregates(column):
        raise PlanEditError(f"cannot group by an aggregate ({edit.column})")
    if not plan.measures:
        raise PlanEditError("the query has no measures (COUNT, SUM, …) to group")
    group = clause(select, exp.Group)
    keys = list(group.expressions) if group else []
    if any(isinstance(k, exp.Literal) for k in keys):
        raise PlanEditError("GROUP BY by position cannot be edited here")
    if any(_same(k, column, select, plan.dialect) for k in keys):
        raise PlanEditError(f"the query is already grouped by {edit.column}")
    select.group_by(column.copy(), copy=False)
    items = list(select.expressions)
    if not any(normalized(i.unalias(), plan.dialect) == normalized(column, plan.dialect) for i in items):
        shown = exp.alias_(column.copy(), edit.alias) if edit.alias else column.copy()
        first_measure = next((n for n, i in enumerate(items) if aggregates(i)), len(items))
        _set_items(select, [*items[:first_measure], shown, *items[first_measure:]])


def _looked_up(plan: Plan, select: exp.Select, text: str) -> exp.Column | None:
    """``table.column`` of a table the query does not read but can look up (see
    :mod:`explain.lookup_joins`), with the joins added to ``select``; None for anything else.

    Example:
        >>> from explain.edits import AddGroupBy
        >>> from explain.plan import plan
        >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
        >>> regions = Table("regions", (Column("id", "INT"), Column("name", "TEXT")), ("id",))
        >>> shops = Table("shops", (Column("id", "INT"), Column("region_id", "INT"), Column("sales", "INT")),
        ...     ("id",), (ForeignKey(("region_id",), "regions", ("id",)),))
        >>> p = plan("SELECT SUM(sales) FROM shops", Schema("sqlite", (regions, shops)))
        >>> p.apply(AddGroupBy("regions.name"))
        'SELECT regions.name, SUM(sales) FROM shops JOIN regions ON shops.region_id = regions.id GROUP BY regions.name'
    """  # noqa: E501
    node = parse_expression(text, plan.dialect)
    if plan.schema is None or not isinstance(node, exp.Column) or not node.table:
        return None
    sources = [clause(select, exp.From), *joins(select)]
    if any(s is not None and s.this.alias_or_name.lower() == node.table.lower() for s in sources):
        return None
    if not plan.schema.has_table(node.table):
        return None
    table = plan.schema.table(node.table)
    if not any(c.name.lower() == node.name.lower() for c in table.columns):
        raise PlanEditError(f"{table.name} has no column {node.name}")
    path = lookup_path(select, table.name, plan.schema)
    if path is None:
        raise PlanEditError(
            f"{table.name} cannot be joined to the query's tables by one unambiguous chain of keys "
            "that keeps each row once"
        )
    reference = add_join_path(select, path, plan.schema)
    real = table.column(node.name).name
    return exp.column(real, table=reference)


def remove_group_by(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Stop grouping by a column; drop its output column and ordering (:class:`~explain.edits.RemoveGroupBy`).

    Example:
        >>> from explain.edits import RemoveGroupBy
        >>> from explain.plan import plan
        >>> plan("SELECT a, SUM(x) AS s FROM t GROUP BY a").apply(RemoveGroupBy("a"))
        'SELECT SUM(x) AS s FROM t'
    """
    column = parse_expression(edit.column, plan.dialect)
    group = clause(select, exp.Group)
    if group is None:
        raise PlanEditError("the query has no GROUP BY")
    keys = list(group.expressions)
    if any(isinstance(k, exp.Literal) for k in keys):
        raise PlanEditError("GROUP BY by position cannot be edited here")
    gone = [k for k in keys if _same(k, column, select, plan.dialect)]
    if not gone:
        raise PlanEditError(
            f"the query is not grouped by {edit.column}; it is grouped by {', '.join(plan.group_by)}"
        )
    targets = [_resolve(k, select) for k in gone] + gone
    removed = [
        i
        for i in select.expressions
        if not aggregates(i) and any(_same(i.unalias(), t, select, plan.dialect) for t in targets)
    ]
    _set_items(select, [i for i in select.expressions if i not in removed])
    _drop_order_on(select, gone + [exp.column(i.alias) for i in removed if i.alias], plan.dialect)
    if len(gone) == len(keys):
        group.pop()
    else:
        group.set("expressions", [k for k in keys if k not in gone])


def _aggregate(function: Any, argument: exp.Expression, distinct: bool) -> exp.AggFunc:
    name = function.strip().lower() if isinstance(function, str) else function
    if name not in AGGREGATES:
        raise PlanEditError(f"unknown aggregate {function!r}; use one of {', '.join(AGGREGATES)}")
    if isinstance(argument, exp.Star) and name != "count":
        raise PlanEditError(f"{name.upper()} needs a column")
    if isinstance(argument, exp.Star) and distinct:
        raise PlanEditError("COUNT(DISTINCT *) is not SQL; name a column")
    this = exp.Distinct(expressions=[argument]) if distinct else argument
    return AGGREGATES[name](this=this)


def _argument(plan: Plan, select: exp.Select, text: str) -> exp.Expression:
    node = exp.Star() if text.strip() == "*" else column_of(plan, select, text)
    if aggregates(node):
        raise PlanEditError(f"cannot aggregate an aggregate ({text})")
    return node


def set_aggregate(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Change the function (and column) of a measure (:class:`~explain.edits.SetAggregate`).

    Example:
        >>> from explain.edits import SetAggregate
        >>> from explain.plan import plan
        >>> plan("SELECT COUNT(*) FROM t").apply(SetAggregate("m1", "sum", "x"))
        'SELECT SUM(x) FROM t'
    """
    measure = plan.measure(edit.measure_id)
    if not measure.editable:
        raise PlanEditError(
            f"measure {edit.measure_id} ({measure.sql}) combines several values; edit the SQL"
        )
    call = measure_calls(select)[int(edit.measure_id[1:]) - 1][1]
    old = call.this
    if isinstance(old, exp.Distinct):
        old = old.expressions[0]
    argument = _argument(plan, select, edit.column) if edit.column else (old or exp.Star()).copy()
    distinct = measure.distinct if edit.distinct is None else bool(edit.distinct)
    call.replace(_aggregate(edit.function, argument, distinct))


def add_measure(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Add an aggregate output column (:class:`~explain.edits.AddMeasure`).

    Example:
        >>> from explain.edits import AddMeasure
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t GROUP BY a").apply(AddMeasure("count", distinct=False))
        'SELECT a, COUNT(*) FROM t GROUP BY a'
    """
    loose = [c.name for c in plan.columns if c.role in ("column", "star")]
    if loose and not plan.group_by and not plan.measures:
        raise PlanEditError(f"the query lists rows ({', '.join(loose)}); group them before adding a measure")
    call = _aggregate(edit.function, _argument(plan, select, edit.column), bool(edit.distinct))
    _set_items(select, [*select.expressions, exp.alias_(call, edit.alias) if edit.alias else call])


def remove_measure(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Drop the output column a measure is in (:class:`~explain.edits.RemoveMeasure`).

    Example:
        >>> from explain.edits import RemoveMeasure
        >>> from explain.plan import plan
        >>> plan("SELECT a, MIN(x), MAX(x) FROM t GROUP BY a").apply(RemoveMeasure("m2"))
        'SELECT a, MIN(x) FROM t GROUP BY a'
    """
    plan.measure(edit.measure_id)
    item = measure_calls(select)[int(edit.measure_id[1:]) - 1][0]
    _set_items(select, [i for i in select.expressions if i is not item])
    _drop_order_on(select, [item.unalias()] + ([exp.column(item.alias)] if item.alias else []), plan.dialect)


# Ordering and limit --------------------------------------------------------------------------------


def _order_key(plan: Plan, select: exp.Select, key: str) -> exp.Expression:
    if any(m.id == key for m in plan.measures):
        item = measure_calls(select)[int(key[1:]) - 1][0]
        return exp.column(item.alias) if item.alias else item.unalias().copy()
    return column_of(plan, select, key, "column or output name")


def _nulls_first(descending: bool, dialect: str) -> bool:
    """Where ``dialect`` puts NULLs when ORDER BY does not say (so none is written)."""
    ordering = Dialect.get_or_raise(dialect).NULL_ORDERING
    if ordering == "nulls_are_last":
        return False
    return (ordering == "nulls_are_small") != descending


def set_order(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Sort by a key, or change its direction (:class:`~explain.edits.SetOrder`).

    Example:
        >>> from explain.edits import SetOrder
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t ORDER BY a DESC").apply(SetOrder("a"))
        'SELECT a FROM t ORDER BY a'
    """
    key = _order_key(plan, select, edit.key)
    descending = bool(edit.descending)
    order = clause(select, exp.Order)
    existing = [o for o in (order.expressions if order else []) if _same(o.this, key, select, plan.dialect)]
    for item in existing:
        was = bool(item.args.get("desc"))
        if bool(item.args.get("nulls_first")) == _nulls_first(was, plan.dialect):
            item.set("nulls_first", _nulls_first(descending, plan.dialect))
        item.set("desc", True if descending else None)
    if not existing:
        ordered = exp.Ordered(
            this=key, desc=True if descending else None, nulls_first=_nulls_first(descending, plan.dialect)
        )
        select.order_by(ordered, append=False, copy=False)


def remove_order(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Drop one ORDER BY key, or the whole ORDER BY (:class:`~explain.edits.RemoveOrder`).

    Example:
        >>> from explain.edits import RemoveOrder
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t ORDER BY a").apply(RemoveOrder())
        'SELECT a FROM t'
    """
    order = clause(select, exp.Order)
    if order is None:
        raise PlanEditError("the query has no ORDER BY")
    if edit.key is None:
        order.pop()
        return
    key = _order_key(plan, select, edit.key)
    if not any(_same(o.this, key, select, plan.dialect) for o in order.expressions):
        listed = ", ".join(o.expression for o in plan.order_by)
        raise PlanEditError(f"the query is not ordered by {edit.key}; it is ordered by {listed}")
    _drop_order_on(select, [key], plan.dialect)


def set_limit(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Set, change or drop the LIMIT (:class:`~explain.edits.SetLimit`).

    Example:
        >>> from explain.edits import SetLimit
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t").apply(SetLimit(20))
        'SELECT a FROM t LIMIT 20'
    """
    n = edit.n
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise PlanEditError(f"a limit must be a whole number of rows, at least 1 (got {n!r})")
    limit = clause(select, exp.Limit) or clause(select, exp.Fetch)
    if n is None:
        if limit is None:
            raise PlanEditError("the query has no LIMIT")
        if clause(select, exp.Offset) is not None or (
            isinstance(limit, exp.Limit) and limit.args.get("offset")
        ):
            raise PlanEditError("the query skips rows with OFFSET; its LIMIT cannot be removed here")
        limit.pop()
    elif isinstance(limit, exp.Fetch):
        limit.set("count", exp.convert(n))
    elif limit is not None:
        limit.set("expression", exp.convert(n))
    else:
        select.limit(n, copy=False)
