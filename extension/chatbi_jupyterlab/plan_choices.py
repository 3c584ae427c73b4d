"""What the panel's plan controls offer for one query: the operators, the columns a condition can be put on,
grouped or sorted by, the aggregates of each measure and the time ranges as windows or days; the same
choices as the notebook's answer view (:mod:`chatbi_jupyterlab.notebook.answer_controls`), on the wire.

Example:
    >>> import datetime
    >>> from explain.plan import plan
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("status", "TEXT"), Column("total", "REAL"),
    ...                                             Column("day", "DATE"))),))
    >>> sql = ("SELECT status, SUM(total) AS revenue FROM orders WHERE day >= DATE('now', '-3 months') "
    ...        "GROUP BY status")
    >>> offered = plan_choices(plan(sql, schema), schema, today=datetime.date(2026, 6, 30))
    >>> [(c.name, c.numeric) for c in offered.filter_columns]
    [('status', False), ('total', True), ('day', False)]
    >>> offered.aggregates, [(s.label, s.key) for s in offered.sort_keys]
    ({'m1': ['count', 'sum', 'avg', 'min', 'max']}, [('status', 'status'), ('revenue', 'm1')])
    >>> offered.time_ranges[0]
    TimeChoice(column='day', amount=3, unit='month', start='2026-03-30', end='')
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.notebook.control_texts import UNITS
from chatbi_jupyterlab.notebook.control_values import (
    bound_day,
    group_choices,
    numeric_column,
    own_columns,
    sort_choices,
    valid_aggregates,
    window_shift,
)
from explain.column_labels import column_labels
from explain.plan_conditions import ARITY, OPERATORS

if TYPE_CHECKING:
    from explain.plan import Plan
    from explain.plan_items import TimeRange
    from nl2sql.schema import Schema


def plan_choices(
    plan: Plan, schema: Schema | None, *, today: datetime.date | None = None, lang: str = "en"
) -> wire.PlanChoices:
    """What the controls of ``plan`` offer on ``schema`` (no columns without one).

    Args:
        plan: the plan of the SQL shown.
        schema: the database's schema.
        today: the day relative dates count from (the database's today, as the answer pins it).
        lang: the language of the sort choices' readable headers.
    """
    current = {item.expression.lower() for item in plan.order_by}
    for measure in plan.measures:  # a measure sorted by its alias or its SQL is sorted by already
        if {(measure.alias or "").lower(), measure.sql.lower()} & current:
            current.add(measure.id.lower())
    labels = column_labels(plan.sql, schema, lang) if schema else {}
    aggregates = {}
    for measure in plan.measures:
        valid = valid_aggregates(measure.column, schema)
        if measure.editable and measure.column != "*" and len(valid) > 1:
            aggregates[measure.id] = list(valid) + ([] if measure.function in valid else [measure.function])
    return wire.PlanChoices(
        operators=[wire.OperatorChoice(o, ARITY[o][0], ARITY[o][1]) for o in OPERATORS],
        filter_columns=[wire.ColumnChoice(c, numeric_column(c, schema)) for c in own_columns(plan, schema)],
        group_columns=_group_columns(plan, schema),
        aggregates=aggregates,
        sort_keys=[
            wire.SortChoice(label, key)
            for label, key in sort_choices(plan, labels)
            if key.lower() not in current
        ],
        time_ranges=[
            _time_choice(window, today or datetime.date.today())
            for window in plan.time_range
            if window.editable
        ],
        units=[unit for _, unit in UNITS],
    )


def _group_columns(plan: Plan, schema: Schema | None) -> list[str]:
    """The grouping columns, then the columns not grouped by yet (``segment`` is grouped by already when
    the query groups by ``customers.segment``)."""
    grouped = {key.lower() for key in plan.group_by} | {key.split(".")[-1].lower() for key in plan.group_by}
    others = [c for c in group_choices(plan, schema) if c.lower() not in grouped]
    return list(plan.group_by) + sorted(set(others))


def _time_choice(window: TimeRange, today: datetime.date) -> wire.TimeChoice:
    shift = window_shift(window)
    start = bound_day(window.start, today, after=True)
    if shift is not None:
        return wire.TimeChoice(window.column, -shift.amount, shift.unit, start, "")
    return wire.TimeChoice(window.column, None, None, start, bound_day(window.end, today, after=False))
