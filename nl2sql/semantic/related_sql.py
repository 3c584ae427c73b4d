"""Conditions on related rows as SQL: a correlated ``EXISTS`` (or ``NOT EXISTS``) subquery over another
table, joined to the outer row along the declared relationships ("customers who never ordered",
"orders that include an accessory").

The subquery starts at the related table and walks many-to-one to the outer table: the last step is
the correlation (``orders.customer_id = customers.customer_id``), every other step is joined inside,
for the tables the conditions name (products and categories for "an item in Accessories"). A window
applies inside, on the related rows' own date, as a literal half-open range.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.query import Related
    >>> never = Related("orders", present=False, time_range="last_90_days")
    >>> print(related_condition(never, "customers", demo_semantic_model(), "sqlite", date(2026, 6, 30)).sql())
    ... # doctest: +NORMALIZE_WHITESPACE
    NOT EXISTS(SELECT 1 FROM orders AS orders WHERE orders.customer_id = customers.customer_id
    AND orders.order_date >= '2026-04-02' AND orders.order_date < '2026-07-01')
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from nl2sql.semantic.compile import condition, joined, qualified, within
from nl2sql.semantic.model import Field, SemanticModel
from nl2sql.semantic.paths import UnreachableTableError, join_path, reachable
from nl2sql.semantic.query import Related, SemanticQueryError
from nl2sql.semantic.timerange import DateRange, TimeRangeError, resolve, shift


def related_condition(
    related: Related, outer: str, model: SemanticModel, dialect: str, today: date
) -> exp.Expression:
    """``EXISTS`` / ``NOT EXISTS`` of the rows ``related`` describes, for each row of the logical table
    ``outer`` (as the outer query names it).

    Raises:
        SemanticQueryError: a name the model lacks, or no declared relationship leads from the related
            table to ``outer``.
    """
    try:
        table = model.table(related.table)
        home = model.table(outer).name
        fields = [(model.field(f.field, table=table.name), f) for f in related.filters]
    except KeyError as error:
        raise SemanticQueryError(error.args[0]) from None
    if table.name == home:
        raise SemanticQueryError(f"rows of {home} cannot be looked for among themselves")
    window = related_window(related, today)
    time = related_date(model, table.name) if window is not None else None
    if window is not None and time is None:
        raise SemanticQueryError(f"{table.name} has no date to take a window on")
    needed = {f.table for f, _ in fields} | ({time.table} if time else set())
    needed = {name for name in needed if name.lower() not in (table.name.lower(), home.lower())}
    try:
        steps = join_path(model, table.name, needed | {home})
    except UnreachableTableError:
        raise SemanticQueryError(f"no declared relationship leads from {table.name} to {home}") from None
    link = next(step for step in steps if step.right.lower() == home.lower())
    if any(step.left.lower() == home.lower() for step in steps):
        raise SemanticQueryError(f"the conditions on {table.name} name tables beyond {home}")
    inside = [step for step in steps if step is not link]
    correlation = exp.and_(*[exp.column(a, link.left).eq(exp.column(b, home)) for a, b in link.columns])
    conditions = [correlation]
    conditions += [
        condition(qualified(f.expr, f.table, dialect), wanted.op, wanted.values, dialect, today=today)
        for f, wanted in fields
    ]
    if window is not None and time is not None:
        conditions += within(qualified(time.expr, time.table, dialect), window)
    subquery = exp.select(exp.Literal.number(1)).from_(
        exp.to_table(table.base_table, dialect=dialect).as_(table.name)
    )
    subquery = joined(subquery, inside, model, dialect).where(exp.and_(*conditions))
    exists = exp.Exists(this=subquery)
    return exists if related.present else exp.Not(this=exists)


def related_window(related: Related, today: date) -> DateRange | None:
    """The window on the related rows: ``time_range``, or the period just before it (``before``).

    Example:
        >>> from nl2sql.semantic.query import Related
        >>> related_window(Related("orders", time_range="this_year", before=True), date(2026, 6, 30))
        DateRange(start=datetime.date(2025, 1, 1), end=datetime.date(2026, 1, 1), unit='year', count=1)
        >>> related_window(Related("orders", time_range="last_90_days", before=True), date(2026, 6, 30))
        DateRange(start=datetime.date(2026, 1, 2), end=datetime.date(2026, 4, 2), unit='day', count=90)
    """
    try:
        window = resolve(related.time_range, today)
    except TimeRangeError as error:
        raise SemanticQueryError(str(error)) from None
    if window is None or not related.before:
        return window
    if window.open_start:
        raise SemanticQueryError(f"the window {window.describe()} has no period before it")
    return period_before(window)


def period_before(window: DateRange) -> DateRange:
    """The period that ends where ``window`` starts and is as long: whole calendar periods for a window
    of months, quarters or years (all of 2025 before this year to date), else as many days.

    Example:
        >>> period_before(DateRange(date(2026, 4, 1), date(2026, 7, 1), "quarter", 1))
        DateRange(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 1), unit='quarter', count=1)
    """
    if window.count and window.unit != "day":
        return DateRange(
            shift(window.start, window.unit, -window.count), window.start, window.unit, window.count
        )
    return DateRange(shift(window.start, "day", -window.days), window.start, "day", window.days)


def related_date(model: SemanticModel, table: str) -> Field | None:
    """The date a window on rows of ``table`` applies to: its own first date, else the first of the
    tables it reaches (an order item's order date).

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> related_date(demo_semantic_model(), "order_items").name
        'order_date'
    """
    for name in reachable(model, table):
        dates = model.table(name).time_dimensions
        if dates:
            return dates[0]
    return None
