"""The editable plan of a query: what a user who cannot write SQL can see and change in it.

A :class:`Plan` is a structured, JSON-able view of the outermost SELECT: its filters (the AND-ed
conditions of WHERE and HAVING), the time range they set, grouping, measures, ordering, limit and output
columns. Whatever the plan cannot represent (CTEs, subqueries, window functions, OR groups, …) is listed
in ``read_only`` and is never changed by an edit (see :mod:`explain.edits`).

The dialect is the ``dialect`` argument when given, else the schema's, else :data:`DEFAULT_DIALECT`
(SQLite: the demo database's, and the engine most generated SQL runs on).

Example:
    >>> p = plan("SELECT status, COUNT(*) AS n FROM orders WHERE order_date >= DATE('now', '-3 months') "
    ...          "AND status <> 'cancelled' GROUP BY status ORDER BY n DESC LIMIT 5")
    >>> [(f.id, f.kind, f.column, f.operator, f.values) for f in p.filters][1]
    ('f2', 'value', 'status', '<>', ('cancelled',))
    >>> p.time_range[0].label, p.group_by, p.measures[0].function, p.limit
    ('last 3 months', ('status',), 'count', 5)
    >>> from explain.edits import SetLimit
    >>> p.apply(SetLimit(10))
    "SELECT status, COUNT(*) AS n FROM orders WHERE order_date >= DATE('now', '-3 months') AND status <> 'cancelled' GROUP BY status ORDER BY n DESC LIMIT 10"
"""  # noqa: E501

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from explain.errors import PlanEditError
from explain.parse import parse_statement
from explain.plan_conditions import operand_value, read_condition, time_bounds
from explain.plan_items import Clause, Filter, Measure, OrderItem, OutputColumn, TimeRange
from explain.plan_read import (
    aggregate_parts,
    aggregates,
    clause,
    conjuncts,
    has_window,
    joins,
    literal_value,
    measure_calls,
    normalized,
    outermost_select,
)

if TYPE_CHECKING:
    from explain.edits import Edit
    from nl2sql.schema import Schema

DEFAULT_DIALECT = "sqlite"
"""The dialect a plan reads and writes when neither a schema nor a dialect is given."""


@dataclass(frozen=True)
class Plan:
    """What a user can change in a query; build it with :func:`plan`, change it with :meth:`apply`.

    Example:
        >>> p = plan("SELECT a FROM t WHERE x = 1 UNION SELECT a FROM u")
        >>> p.editable, p.read_only
        (False, ('the query combines several SELECTs (UNION); it can only be edited as SQL',))
    """

    sql: str
    dialect: str
    tree: exp.Expression = field(repr=False, compare=False)
    """The parsed statement (edits work on a copy)."""
    editable: bool = True
    columns: tuple[OutputColumn, ...] = ()
    filters: tuple[Filter, ...] = ()
    time_range: tuple[TimeRange, ...] = ()
    group_by: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    read_only: tuple[str, ...] = ()
    """Notes on the parts the plan does not represent; edits leave them as they are."""
    schema: Schema | None = field(default=None, repr=False, compare=False)

    def filter(self, filter_id: str) -> Filter:
        """The filter called ``filter_id``; :class:`PlanEditError` when there is none."""
        for candidate in self.filters:
            if candidate.id == filter_id:
                return candidate
        known = ", ".join(f.id for f in self.filters) or "none"
        raise PlanEditError(f"no filter {filter_id}; the filters are: {known}")

    def measure(self, measure_id: str) -> Measure:
        """The measure called ``measure_id``; :class:`PlanEditError` when there is none."""
        for candidate in self.measures:
            if candidate.id == measure_id:
                return candidate
        known = ", ".join(m.id for m in self.measures) or "none"
        raise PlanEditError(f"no measure {measure_id}; the measures are: {known}")

    def apply(self, edit: Edit) -> str:
        """The SQL after ``edit`` (see :func:`explain.edits.apply`)."""
        from explain.edits import apply

        return apply(self, edit)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the tree and the schema left out)."""
        return {
            "sql": self.sql,
            "dialect": self.dialect,
            "editable": self.editable,
            "columns": [asdict(c) for c in self.columns],
            "filters": [asdict(f) for f in self.filters],
            "time_range": [t.to_dict() for t in self.time_range],
            "group_by": list(self.group_by),
            "measures": [asdict(m) for m in self.measures],
            "order_by": [asdict(o) for o in self.order_by],
            "limit": self.limit,
            "read_only": list(self.read_only),
        }


def plan(sql: str, schema: Schema | None = None, dialect: str | None = None) -> Plan:
    """The editable plan of ``sql``; :class:`~explain.errors.UnparsableSQLError` when it does not parse.

    Args:
        sql: one SQL statement.
        schema: the database it runs on; edits are then checked against it.
        dialect: the sqlglot dialect; by default the schema's, else :data:`DEFAULT_DIALECT`.

    Example:
        >>> p = plan("SELECT name FROM products WHERE unit_price > 5000 ORDER BY name LIMIT 3")
        >>> p.filters[0].column, p.filters[0].operator, p.filters[0].values, p.limit
        ('unit_price', '>', (5000,), 3)
    """
    dialect = dialect or (schema.dialect if schema is not None else DEFAULT_DIALECT)
    tree = parse_statement(sql, dialect, schema.mapping() if schema is not None else None)
    select = outermost_select(tree)
    if select is None:
        return Plan(sql, dialect, tree, editable=False, read_only=(_root_note(tree),), schema=schema)
    group = clause(select, exp.Group)
    group_keys = tuple(group.expressions) if group else ()
    filters = _filters(select, dialect)
    return Plan(
        sql,
        dialect,
        tree,
        columns=tuple(_column(item, group_keys, dialect) for item in select.expressions),
        filters=filters,
        time_range=_time_ranges(select, filters, dialect),
        group_by=tuple(key.sql(dialect) for key in group_keys),
        measures=_measures(select, dialect),
        order_by=_order(select, dialect),
        limit=_limit(select),
        read_only=_notes(select, filters, dialect),
        schema=schema,
    )


def _filters(select: exp.Select, dialect: str) -> tuple[Filter, ...]:
    found: list[Filter] = []
    for name, kind in (("where", exp.Where), ("having", exp.Having)):
        for node in conjuncts(clause(select, kind)):
            found.append(_filter(f"f{len(found) + 1}", name, node, dialect))  # type: ignore[arg-type]
    return tuple(found)


def _filter(filter_id: str, clause_name: Clause, node: exp.Expression, dialect: str) -> Filter:
    condition = read_condition(node)
    sql = node.sql(dialect)
    if condition.subject is None:
        return Filter(filter_id, clause_name, "other", sql)
    time = time_bounds(condition, dialect)
    return Filter(
        filter_id,
        clause_name,
        "time" if time else "value",
        sql,
        column=condition.subject.sql(dialect),
        operator=condition.operator,
        values=tuple(operand_value(o, dialect) for o in condition.operands),
        editable=True,
        start=time[1] if time else None,
        end=time[2] if time else None,
    )


def _time_ranges(select: exp.Select, filters: tuple[Filter, ...], dialect: str) -> tuple[TimeRange, ...]:
    groups: dict[tuple[str, str], list[tuple[Filter, exp.Column]]] = {}
    nodes = conjuncts(clause(select, exp.Where)) + conjuncts(clause(select, exp.Having))
    for item, node in zip(filters, nodes, strict=True):
        if item.kind != "time":
            continue
        time = time_bounds(read_condition(node), dialect)
        assert time is not None
        groups.setdefault((item.clause, normalized(time[0], dialect)), []).append((item, time[0]))
    ranges = []
    for (clause_name, _), members in groups.items():
        starts = [f.start for f, _ in members if f.start]
        ends = [f.end for f, _ in members if f.end]
        ranges.append(
            TimeRange(
                members[0][1].sql(dialect),
                clause_name,  # type: ignore[arg-type]
                tuple(f.id for f, _ in members),
                starts[0] if starts else None,
                ends[0] if ends else None,
                all(f.editable for f, _ in members),
            )
        )
    return tuple(ranges)


def _column(item: exp.Expression, group_keys: tuple[exp.Expression, ...], dialect: str) -> OutputColumn:
    inner = item.unalias()
    name = item.alias_or_name or inner.sql(dialect)
    keys = {normalized(k, dialect) for k in group_keys}
    if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
        role = "star"
    elif has_window(inner):
        role = "window"
    elif aggregates(inner):
        role = "measure"
    elif normalized(inner, dialect) in keys or (item.alias and item.alias.lower() in keys):
        role = "dimension"
    else:
        role = "column"
    return OutputColumn(name, inner.sql(dialect), role)  # type: ignore[arg-type]


def _measures(select: exp.Select, dialect: str) -> tuple[Measure, ...]:
    found: list[Measure] = []
    for item, call in measure_calls(select):
        inner = item.unalias()
        loose = [c for c in inner.find_all(exp.Column) if not c.find_ancestor(exp.AggFunc)]
        editable = len(aggregates(inner)) == 1 and not has_window(inner) and not loose
        editable = editable and inner.find(exp.Subquery) is None
        function, column, distinct = aggregate_parts(call, dialect)
        found.append(
            Measure(
                f"m{len(found) + 1}",
                function,
                column,
                distinct,
                item.alias or None,
                inner.sql(dialect),
                editable,
            )
        )
    return tuple(found)


def _order(select: exp.Select, dialect: str) -> tuple[OrderItem, ...]:
    order = clause(select, exp.Order)
    if order is None:
        return ()
    return tuple(OrderItem(o.this.sql(dialect), bool(o.args.get("desc"))) for o in order.expressions)


def _limit(select: exp.Select) -> int | None:
    limit = clause(select, exp.Limit) or clause(select, exp.Fetch)
    if limit is None:
        return None
    count = limit.expression if isinstance(limit, exp.Limit) else limit.args.get("count")
    try:
        value = literal_value(count) if count is not None else None
    except ValueError:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _notes(select: exp.Select, filters: tuple[Filter, ...], dialect: str) -> tuple[str, ...]:
    notes = []
    with_ = clause(select, exp.With)
    if with_ is not None:
        names = ", ".join(cte.alias_or_name for cte in with_.expressions)
        notes.append(f"the WITH clause ({names}) is kept as is; edits change only the final SELECT")
    if select.args.get("distinct"):
        notes.append("SELECT DISTINCT is kept as is")
    for item in select.expressions:
        if has_window(item):
            notes.append(f"the window function in column {item.alias_or_name} is not editable")
        elif item.find(exp.Subquery):
            notes.append(f"the subquery in column {item.alias_or_name} is not editable")
    for source in [clause(select, exp.From), *joins(select)]:
        if source is not None and isinstance(source.this, exp.Subquery):
            notes.append(f"the subquery {source.this.alias or '(unnamed)'} in FROM is kept as is")
    tables = [
        j.this.alias if isinstance(j.this, exp.Subquery) else j.this.sql(dialect) for j in joins(select)
    ]
    if tables:
        notes.append(f"the joins ({', '.join(tables)}) are kept as is")
    for item in filters:
        if not item.editable:
            notes.append(f"condition {item.id} ({item.sql}) is not a column compared with values")
    if clause(select, exp.Limit) is not None and _limit(select) is None:
        notes.append("the LIMIT is not a number and is kept as is")
    if clause(select, exp.Offset) is not None:
        notes.append(f"{clause(select, exp.Offset).sql(dialect)} is kept as is")  # type: ignore[union-attr]
    return tuple(notes)


def _root_note(tree: exp.Expression) -> str:
    if isinstance(tree, exp.SetOperation):
        return f"the query combines several SELECTs ({tree.key.upper()}); it can only be edited as SQL"
    return f"a {tree.key.upper()} statement is not a SELECT; it can only be edited as SQL"
