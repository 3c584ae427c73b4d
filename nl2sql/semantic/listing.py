"""Compile a listing (a ``detail`` semantic query) to SQL: the rows of one table, with the columns asked
for, filtered, in order.

One row per row of the *subject* table, so every other table joins along a many-to-one path from it
(the row count never grows). Each row shows what identifies it (primary key, then its name when it has
one), its date when a window or an order uses it, then the fields asked for. Windows are literal
half-open date ranges; "the 10 most recent" orders by the date and keeps 10.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.query import Filter, Ranking, SemanticQuery
    >>> query = SemanticQuery(intent="detail", subject="orders", fields=("total_amount",),
    ...                       filters=(Filter("city", "=", ("Chengdu",)),),
    ...                       ranking=Ranking("top", 10, by="order_date"))
    >>> print(compile_listing(query, demo_semantic_model(), dialect="sqlite", today=date(2026, 6, 30)).sql)
    ... # doctest: +NORMALIZE_WHITESPACE
    SELECT orders.order_id AS order_id, orders.order_date AS order_date, orders.total_amount AS total_amount
    FROM orders AS orders LEFT JOIN customers AS customers ON orders.customer_id = customers.customer_id
    WHERE customers.city = 'Chengdu' ORDER BY order_date DESC LIMIT 10
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from nl2sql.semantic.compile import CompiledQuery, condition, joined, qualified, within
from nl2sql.semantic.model import Field, LogicalTable, SemanticModel
from nl2sql.semantic.paths import UnreachableTableError, join_path
from nl2sql.semantic.query import SemanticQuery, SemanticQueryError
from nl2sql.semantic.related_sql import related_condition
from nl2sql.semantic.timerange import TimeRangeError, resolve


def label_dimension(table: LogicalTable) -> Field | None:
    """The dimension that names a table's rows (``customer`` of customers): its first dimension, when
    that is no key.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> label_dimension(model.table("customers")).name, label_dimension(model.table("returns"))
        ('customer', None)
    """
    if not table.dimensions:
        return None
    first = table.dimensions[0]
    if first.expr in table.primary_key or first.name.endswith("_id"):
        return None
    return first


def compile_listing(
    query: SemanticQuery, model: SemanticModel, *, dialect: str, today: date, lang: str = "en"
) -> CompiledQuery:
    """The SQL listing the rows ``query`` asks for (``intent`` ``detail``, with a ``subject``); a field
    with a Chinese label (``x_label_zh``) shows it when ``lang`` is ``zh``.

    Raises:
        SemanticQueryError: no subject, a name the model lacks, a table not reachable from the subject
            without repeating its rows, or a window on a subject without a date.
    """
    query.check_shape()
    if query.intent != "detail" or not query.subject:
        raise SemanticQueryError("a listing needs the table whose rows it lists")
    try:
        subject = model.table(query.subject)
        fields = [model.field(name) for name in query.fields]
        filtered = [(model.field(f.field), f) for f in query.filters]
        named = [model.named_filter(name) for name in query.named_filters]
        time = model.field(query.time_dimension) if query.time_dimension else _first_date(subject)
        ranked = query.ranking.direction != "none"
        order = model.field(query.ranking.by) if query.ranking.by else (time if ranked else None)
    except KeyError as error:
        raise SemanticQueryError(error.args[0]) from None
    try:
        window = resolve(query.time_range, today)
    except TimeRangeError as error:
        raise SemanticQueryError(str(error)) from None
    if window is not None and time is None:
        raise SemanticQueryError(f"{subject.name} has no date to take a window on")
    if query.ranking.direction != "none" and order is None:
        raise SemanticQueryError(f"{subject.name} has nothing to order its rows by")

    shown: dict[str, Field | str] = {key: key for key in subject.primary_key}
    label = label_dimension(subject)
    if label is not None:
        shown[label.name] = label
    if time is not None and (window is not None or order is time):
        shown[time.name] = time
    for item in [*fields, *([order] if query.ranking.direction != "none" and order else [])]:
        shown.setdefault(item.name, item)
    needed = {f.table for f in shown.values() if isinstance(f, Field)}
    needed |= {f.table for f, _ in filtered} | {n.table for n in named}
    if time is not None and window is not None:
        needed.add(time.table)
    needed.discard(subject.name)
    try:
        joins = join_path(model, subject.name, needed)
    except UnreachableTableError as error:
        raise SemanticQueryError(f"cannot list {subject.name} that way: {error}") from None

    def column(item: Field | str, *, label: bool = False) -> exp.Expression:
        if isinstance(item, str):
            return exp.column(item, subject.name)
        expression = item.label_zh if label and lang == "zh" and item.label_zh else item.expr
        return qualified(expression, item.table, dialect)

    selected = [column(item, label=True).as_(name) for name, item in shown.items()]
    tree = exp.select(*selected).from_(exp.to_table(subject.base_table, dialect=dialect).as_(subject.name))
    tree = joined(tree, joins, model, dialect)
    conditions = [qualified(n.expr, n.table, dialect) for n in named if not n.related]
    outer = [(n.table, r) for n in named for r in n.related] + [(subject.name, r) for r in query.related]
    conditions += [related_condition(r, table, model, dialect, today) for table, r in outer]
    conditions += [
        condition(column(f), wanted.op, wanted.values, dialect, today=today) for f, wanted in filtered
    ]
    if window is not None and time is not None:
        conditions += within(column(time), window)
    if conditions:
        tree = tree.where(exp.and_(*conditions))
    limit = query.limit
    if query.ranking.direction != "none" and order is not None:
        descending = query.ranking.direction == "top"
        tree = tree.order_by(exp.Ordered(this=exp.column(order.name), desc=descending, nulls_first=False))
        limit = min(query.ranking.n, limit or query.ranking.n)
    elif time is not None and time.name in shown:
        tree = tree.order_by(exp.Ordered(this=exp.column(time.name), desc=True, nulls_first=False))
    if limit:
        tree = tree.limit(limit)
    return CompiledQuery(sql=tree.sql(dialect=dialect), columns=tuple(shown), window=window, notes=())


def _first_date(table: LogicalTable) -> Field | None:
    return table.time_dimensions[0] if table.time_dimensions else None
