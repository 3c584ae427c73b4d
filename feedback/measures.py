"""What an approved query measures and groups by: the parts of it a question's words can name.

A *measure* is an aggregate the query computes (``SUM(total_amount)`` over ``orders``), with the
exclusions on its rows (``status <> 'cancelled'``) and the date column its time window is on; a
*grouping* is a column its rows are grouped by. :mod:`feedback.word_meanings` matches them with the words
of the questions the approved corrections answer, so that "营收" comes to mean the first and "行业" the
second.

Only what reads plainly is taken: an aggregate over the columns of one table, without CASE (a measure
split by period or by value is a comparison, not a metric) or subqueries; a plain column in GROUP BY.
The SELECT read is the first one, outermost first, that aggregates (a ranking's inner query).

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("orders", (Column("order_id", "INTEGER"), Column("customer_id", "INTEGER"),
    ...                      Column("status", "TEXT"), Column("order_date", "TEXT"),
    ...                      Column("total_amount", "REAL"))),
    ...     Table("customers", (Column("customer_id", "INTEGER"), Column("industry", "TEXT")))))
    >>> parts = query_parts(
    ...     "SELECT c.industry, SUM(o.total_amount) FROM orders o JOIN customers c"
    ...     " ON c.customer_id = o.customer_id WHERE o.status <> 'cancelled' AND c.industry = 'Retail'"
    ...     " AND o.order_date >= '2026-01-01' AND o.order_date < '2026-07-01' GROUP BY c.industry",
    ...     schema)
    >>> [m.describe() for m in parts.measures], [g.key for g in parts.groupings]
    (["SUM(total_amount) of orders where status <> 'cancelled', by order_date"], ['customers.industry'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.errors import UnparsableSQLError
from explain.parse import parse_statement
from explain.plan_read import OPAQUE, clause, conjuncts, normalized
from feedback.edit_kinds import is_time_window
from feedback.query_tables import QueryTables, unqualified

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

EXCLUSIONS = (exp.NEQ, exp.Not)
"""The shapes of a condition that defines a measure (``status <> 'cancelled'``, ``NOT x IS NULL``,
``NOT IN``) rather than picks a slice of it (``industry = 'Retail'``, which a question names)."""


@dataclass(frozen=True)
class Measure:
    """An aggregate over one table's rows: ``expr`` over its own columns, ``filter`` (None or the
    conditions that exclude rows, columns of another table qualified with its name) and ``time_column``
    (the date column its window is on, qualified when it is another table's; None without a window)."""

    table: str
    expr: str
    filter: str | None = None
    time_column: str | None = None

    @property
    def key(self) -> str:
        """What tells two measures apart (the time column aside: it is where, not what)."""
        return f"{self.table}:{self.expr}" + (f" WHERE {self.filter}" if self.filter else "")

    def describe(self) -> str:
        """In one line.

        Example:
            >>> Measure("orders", "COUNT(*)", None, "order_date").describe()
            'COUNT(*) of orders, by order_date'
        """
        where = f" where {self.filter}" if self.filter else ""
        by = f", by {self.time_column}" if self.time_column else ""
        return f"{self.expr} of {self.table}{where}{by}"


@dataclass(frozen=True)
class Grouping:
    """A column (of ``table``) the rows are grouped by."""

    table: str
    column: str

    @property
    def key(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class QueryParts:
    """The measures and groupings of one query."""

    measures: tuple[Measure, ...] = ()
    groupings: tuple[Grouping, ...] = field(default_factory=tuple)
    complete: bool = True
    """Whether every aggregate of the query was read as a measure (a comparison by period, a measure
    over two tables are not)."""


@lru_cache(maxsize=4096)
def query_parts(sql: str, schema: Schema | None = None, dialect: str | None = None) -> QueryParts:
    """The measures and groupings of ``sql`` (nothing when it does not parse), read once per query and
    schema: every approval reads the approved queries again.

    Example:
        >>> query_parts("SELECT COUNT(*) FROM orders").measures
        (Measure(table='orders', expr='COUNT(*)', filter=None, time_column=None),)
        >>> query_parts("SELECT SUM(CASE WHEN y = 1 THEN x END) FROM t").complete
        False
        >>> query_parts("SELECT (")
        QueryParts(measures=(), groupings=(), complete=False)
    """
    dialect = dialect or (schema.dialect if schema is not None else "sqlite")
    try:
        tree = parse_statement(sql, dialect, schema.mapping() if schema is not None else None)
    except UnparsableSQLError:
        return QueryParts(complete=False)
    select = next((s for s in tree.find_all(exp.Select, bfs=True) if _aggregating(s)), None)
    if select is None:
        return QueryParts(complete=not any(True for _ in tree.find_all(exp.AggFunc)))
    tables = QueryTables.of(select, schema)
    groupings = _groupings(select, tables)
    conditions = [node.unnest() for node in conjuncts(clause(select, exp.Where))]
    time_column = _time_column(conditions, tables, dialect)
    grouped = {(g.table, g.column) for g in groupings}
    measures: list[Measure] = []
    complete = True
    for node in _measured(select):
        measure = _measure(node, select, tables, dialect)
        if measure is None:
            complete = False
            continue
        window = time_column or ((measure.table, measure.time_column) if measure.time_column else None)
        home = window[0] if window else measure.table
        when = None
        if window:
            when = window[1] if window[0] == measure.table else f"{window[0]}.{window[1]}"
        exclusions = _exclusions(conditions, tables, {measure.table, home}, measure.table, grouped, dialect)
        found = Measure(measure.table, measure.expr, exclusions, when)
        if found not in measures:
            measures.append(found)
    return QueryParts(tuple(measures), groupings, complete)


def _aggregating(select: exp.Select) -> bool:
    return any(_own_aggregates(node) for node in _measured(select))


def _measured(select: exp.Select) -> list[exp.Expression]:
    """The projections (aliases taken off) and ORDER BY keys of ``select`` that aggregate."""
    order = clause(select, exp.Order)
    keys = [o.this for o in order.expressions] if order is not None else []
    nodes = [node.unalias() for node in select.expressions] + keys
    return [node for node in nodes if not isinstance(node, exp.Window) and _own_aggregates(node)]


def _own_aggregates(node: exp.Expression) -> list[exp.AggFunc]:
    found = []
    for call in node.find_all(exp.AggFunc):
        if not any(isinstance(parent, OPAQUE) for parent in _parents(call, node)):
            found.append(call)
    if isinstance(node, exp.AggFunc) and node not in found:
        found.append(node)
    return found


def _parents(node: exp.Expression, top: exp.Expression) -> list[exp.Expression]:
    parents = []
    current = node.parent
    while current is not None and current is not top:
        parents.append(current)
        current = current.parent
    return parents


def _measure(node: exp.Expression, select: exp.Select, tables: QueryTables, dialect: str) -> Measure | None:
    """``node`` as a measure over one table, or None when it is not a plain one."""
    if node.find(exp.Case, exp.If) is not None and node.find(exp.Window, exp.Query) is None:
        return _compared(node, select, tables, dialect)
    if node.find(exp.Case, exp.If, exp.Window, exp.Query) is not None:
        return None
    if any(isinstance(n, exp.Literal) and n.is_string for n in node.find_all(exp.Literal)):
        return None  # a measure of a named value ("SUM(status = 'cancelled')") is a slice, not a metric
    table = tables.single_table(node) if node.find(exp.Column) is not None else _first_table(select)
    if table is None:
        return None
    return Measure(table, unqualified(node).sql(dialect))


def _compared(node: exp.Expression, select: exp.Select, tables: QueryTables, dialect: str) -> Measure | None:
    """One measure compared across periods (``SUM(CASE WHEN <this year> THEN x END) - SUM(CASE WHEN <last
    year> THEN x END)``): the measure, its ``time_column`` the window's; None for anything else.

    Example:
        >>> from explain.parse import parse_statement
        >>> select = parse_statement(
        ...     "SELECT SUM(CASE WHEN d >= '2025-01-01' AND d < '2026-01-01' THEN x END)"
        ...     " - SUM(CASE WHEN d >= '2024-01-01' AND d < '2025-01-01' THEN x END) FROM t", "sqlite")
        >>> _compared(select.expressions[0], select, QueryTables.of(select, None), "sqlite")
        Measure(table='t', expr='SUM(x)', filter=None, time_column='d')
    """
    calls = _own_aggregates(node)
    read = {_windowed(call, tables, dialect) for call in calls}
    if len(calls) < 2 or len(read) != 1 or None in read:
        return None
    ((function, value, window),) = read
    table = tables.single_table(value) if value.find(exp.Column) is not None else _first_table(select)
    if table is None or window[0] != table:
        return None
    return Measure(table, f"{function}({unqualified(value).sql(dialect)})", time_column=window[1])


def _windowed(call: exp.AggFunc, tables: QueryTables, dialect: str) -> tuple | None:
    """(function, value, (table, date column)) of ``SUM(CASE WHEN <a date window> THEN value END)``."""
    case = call.this
    if not isinstance(case, exp.Case) or len(case.args.get("ifs") or []) != 1:
        return None
    default = case.args.get("default")
    if default is not None and not (isinstance(default, exp.Literal) and default.this in ("0", "0.0")):
        return None
    (branch,) = case.args["ifs"]
    condition, value = branch.this, branch.args.get("true")
    parts = conjuncts(condition)
    if value is None or not parts or not all(is_time_window(part.sql(dialect), dialect) for part in parts):
        return None
    if value.find(exp.Case, exp.AggFunc) is not None or any(
        isinstance(n, exp.Literal) and n.is_string for n in value.find_all(exp.Literal)
    ):
        return None
    owners = {(tables.table_of(c), c.name.lower()) for c in condition.find_all(exp.Column)}
    if len(owners) != 1 or None in next(iter(owners)):
        return None
    return (type(call).__name__.upper(), value, next(iter(owners)))


def _first_table(select: exp.Select) -> str | None:
    source = clause(select, exp.From)
    table = source.this if source is not None else None
    return table.name.lower() if isinstance(table, exp.Table) and table.name else None


def _groupings(select: exp.Select, tables: QueryTables) -> tuple[Grouping, ...]:
    group = clause(select, exp.Group)
    if group is None:
        return ()
    aliases = {p.alias.lower(): p.unalias() for p in select.expressions if p.alias}
    found = []
    for node in group.expressions:
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in aliases:
            node = aliases[node.name.lower()]
        if not isinstance(node, exp.Column):
            continue
        table = tables.table_of(node)
        if table is not None and Grouping(table, node.name.lower()) not in found:
            found.append(Grouping(table, node.name.lower()))
    return tuple(found)


def _time_column(
    conditions: list[exp.Expression], tables: QueryTables, dialect: str
) -> tuple[str, str] | None:
    """(table, column) of the date column the query's window is on, when it has one window column."""
    found = set()
    for node in conditions:
        if node.find(exp.Query) is None and is_time_window(node.sql(dialect), dialect):
            columns = list(node.find_all(exp.Column))
            owners = {(tables.table_of(c), c.name.lower()) for c in columns}
            found |= owners
    if len(found) != 1:
        return None
    table, column = next(iter(found))
    return (table, column) if table else None


def _exclusions(
    conditions: list[exp.Expression],
    tables: QueryTables,
    homes: set[str],
    own: str,
    grouped: set[tuple[str, str]],
    dialect: str,
) -> str | None:
    """The conditions that exclude rows of the measure's table (or of the table its date is on), as SQL
    over its own columns, other tables' qualified; None when there are none."""
    kept = []
    for node in conditions:
        if not isinstance(node, EXCLUSIONS) or node.find(exp.Query) is not None:
            continue
        if is_time_window(node.sql(dialect), dialect):
            continue
        table = tables.single_table(node)
        if table is None or table not in homes:
            continue
        if any((table, c.name.lower()) in grouped for c in node.find_all(exp.Column)):
            continue  # "industry IS NOT NULL" beside GROUP BY industry only drops the empty group
        copy = node.copy()
        for column in copy.find_all(exp.Column):
            column.set("table", None if table == own else exp.to_identifier(table))
        kept.append(copy.sql(dialect))
    unique = sorted(set(kept), key=lambda sql: normalized(exp.maybe_parse(sql, dialect=dialect), dialect))
    return " AND ".join(unique) or None
