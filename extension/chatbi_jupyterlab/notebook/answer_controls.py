"""The editable plan of a query as ipywidgets controls, and the edits their values stand for.

:class:`PlanControls` shows one control per editable part of an :class:`explain.plan.Plan`: an operator
and values per value filter, the time window (or dates) of each time range, the grouping, each measure's
aggregate, the sort direction and the row limit; and rows to add a condition and to sort by another
column. The grouping offers the query's own columns and the readable columns of tables it can look up
(a region's name for a query on customers: the edit adds the join). It runs nothing itself: :meth:`PlanControls.edits` reads
what the user changed (each control against the value it started with) as :mod:`explain.edits` edits, and
the answer view applies them and runs the new SQL when the user clicks Apply.

Example:
    >>> from explain.plan import plan
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("status", "TEXT"), Column("total", "REAL"))),))
    >>> controls = PlanControls(plan("SELECT status, COUNT(*) AS n FROM orders WHERE status <> 'cancelled' "
    ...                              "GROUP BY status LIMIT 5"), schema)
    >>> controls.edits()
    []
    >>> controls.filter_controls["f1"].values.value = "cancelled, returned"
    >>> controls.filter_controls["f1"].operator.value = "not in"
    >>> controls.limit_control.value = 3
    >>> controls.edits()
    [SetFilterOperator(filter_id='f1', operator='not in', values=('cancelled', 'returned')), SetLimit(n=3)]
    >>> controls.new_filter.column.value = "status"
    >>> controls.new_filter.values.value = "returned"
    >>> controls.sort_control.key.value = "m1"
    >>> controls.edits()[1], controls.edits()[-2]
    (AddFilter(column='status', operator='=', values=('returned',), clause='where'), SetOrder(key='m1', descending=True))
"""  # noqa: E501

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from chatbi_jupyterlab.notebook.answer_html import read_only_html
from chatbi_jupyterlab.notebook.control_texts import operator_options, texts
from chatbi_jupyterlab.notebook.control_values import (
    bound_day,
    format_values,
    group_choices,
    numeric_column,
    own_columns,
    parse_values,
    sort_choices,
    valid_aggregates,
    window_shift,
)
from explain.column_labels import column_labels
from explain.edits import (
    AddFilter,
    AddGroupBy,
    Edit,
    RemoveGroupBy,
    SetAggregate,
    SetDateRange,
    SetFilterOperator,
    SetFilterValue,
    SetLimit,
    SetOrder,
    SetTimeWindow,
)
from explain.errors import PlanEditError
from explain.plan_conditions import ARITY, OPERATORS

if TYPE_CHECKING:
    from explain.plan import Plan
    from explain.plan_items import Filter, TimeRange
    from nl2sql.schema import Schema

_WIDE = widgets.Layout(width="260px")
_NARROW = widgets.Layout(width="110px")
_LABEL = {"description_width": "initial"}


@dataclass
class FilterControl:
    """The operator and values of one value filter; values are comma-separated (quote one with a comma)."""

    filter: Filter
    operator: widgets.Dropdown
    values: widgets.Text
    box: widgets.HBox

    def edit(self) -> Edit | None:
        """The edit the controls stand for, None when unchanged; :class:`PlanEditError` for bad values."""
        operator, text = self.operator.value, self.values.value
        if operator == self.filter.operator and text == format_values(self.filter.values):
            return None
        values = parse_values(text, self.filter.values) if ARITY[operator][1] != 0 else ()
        if operator != self.filter.operator:
            return SetFilterOperator(self.filter.id, operator, values)
        return SetFilterValue(self.filter.id, values)


@dataclass
class TimeControl:
    """One time range: a window (amount and unit) when it is "the last N units", else start and end days."""

    range: TimeRange
    amount: widgets.IntText | None
    unit: widgets.Dropdown | None
    start: widgets.Text | None
    end: widgets.Text | None
    box: widgets.HBox
    initial: tuple[Any, Any]

    def edit(self) -> Edit | None:
        """The edit the controls stand for (aimed at the range's date column), None when unchanged."""
        if self.amount is not None and self.unit is not None:
            if (self.amount.value, self.unit.value) == self.initial:
                return None
            return SetTimeWindow(self.range.column, int(self.amount.value), self.unit.value)
        assert self.start is not None and self.end is not None
        start, end = self.start.value.strip(), self.end.value.strip()
        if (start, end) == self.initial:
            return None
        return SetDateRange(self.range.column, start or None, end or None)


@dataclass
class NewFilterControl:
    """A condition to add: a column of the query's tables, an operator and values (nothing while no
    column is chosen)."""

    column: widgets.Dropdown
    operator: widgets.Dropdown
    values: widgets.Text
    box: widgets.HBox
    numeric: frozenset[str]
    """The choices that are number columns (their values are read as numbers)."""

    def edit(self) -> Edit | None:
        """The :class:`~explain.edits.AddFilter` the controls stand for; :class:`PlanEditError` for values
        that cannot be read."""
        if not self.column.value:
            return None
        operator, text = self.operator.value, self.values.value
        like: tuple[Any, ...] = (0,) if self.column.value in self.numeric else ("",)
        values = parse_values(text, like) if ARITY[operator][1] != 0 else ()
        low, high = ARITY[operator]
        if len(values) < low or (high is not None and len(values) > high):
            wanted = str(low) if low == high else f"at least {low}"
            raise PlanEditError(f"'{operator}' takes {wanted} value(s); got {len(values)}")
        return AddFilter(self.column.value, operator, values)


@dataclass
class SortControl:
    """Sort by another output column instead (nothing while none is chosen)."""

    key: widgets.Dropdown
    direction: widgets.Dropdown
    box: widgets.HBox

    def edit(self) -> Edit | None:
        """The :class:`~explain.edits.SetOrder` the controls stand for, None when no column is chosen."""
        return SetOrder(self.key.value, self.direction.value) if self.key.value else None


class PlanControls:
    """Controls for the editable parts of ``plan``; ``schema`` offers its columns for grouping.

    Args:
        plan: the plan of the SQL shown.
        schema: the database's schema: the grouping choices are the columns of the query's tables.
        today: the day a relative date that is not a plain window is shown as (today by default).

    Attributes:
        filter_controls: by filter id (``f1``): a :class:`FilterControl`.
        time_controls: by date column (``o.order_date``): a :class:`TimeControl`.
        group_control: a TagsInput of the grouping columns, or None when the query has no measure.
        measure_controls: by measure id (``m1``): a Dropdown of :data:`AGGREGATES`.
        order_controls: by ORDER BY key: a Dropdown ascending/descending.
        new_filter: a condition to add (:class:`NewFilterControl`); None when there is no column to offer.
        sort_control: a column to sort by instead (:class:`SortControl`); None when there is none.
        limit_control: an IntText, 0 for all rows; None when the plan is not editable.
        apply_button: "Apply changes"; the view handles the click.
        widget: all of them, with the read-only notes.
    """

    def __init__(
        self,
        plan: Plan,
        schema: Schema | None = None,
        *,
        today: datetime.date | None = None,
        lang: str = "en",
    ):
        self.plan, self.schema = plan, schema
        self.texts, self.lang = texts(lang), lang
        self.filter_controls: dict[str, FilterControl] = {}
        self.time_controls: dict[str, TimeControl] = {}
        self.group_control: widgets.TagsInput | None = None
        self.measure_controls: dict[str, widgets.Dropdown] = {}
        self.order_controls: dict[str, widgets.Dropdown] = {}
        self.new_filter: NewFilterControl | None = None
        self.sort_control: SortControl | None = None
        self.limit_control: widgets.IntText | None = None
        self.apply_button = widgets.Button(
            description=self.texts["apply"], icon="check", button_style="primary"
        )
        rows: list[widgets.Widget] = []
        if plan.editable:
            rows += self._filters() + self._new_filter(schema) + self._times(today or datetime.date.today())
            rows += self._grouping(schema) + self._measures() + self._order() + self._sort() + self._limit()
        if rows:
            rows = [widgets.HTML(f"<b>{self.texts['change']}</b>"), *rows, self.apply_button]
        notes = list(plan.read_only) + [
            f"measure {m.id} ({m.sql}) combines several aggregates" for m in plan.measures if not m.editable
        ]
        if notes:
            rows.append(widgets.HTML(read_only_html(notes)))
        self.widget = widgets.VBox(rows)

    def edits(self) -> list[Edit]:
        """What the user changed, as edits in an order that keeps the plan's ids valid while they are
        applied one after the other: filters, the new condition, measures, ordering, limit, time ranges,
        then grouping (columns dropped before columns added, which may add joins).

        Raises:
            PlanEditError: a value that cannot be read (text where the filter compares numbers).
        """
        found: list[Edit | None] = [control.edit() for control in self.filter_controls.values()]
        found.append(self.new_filter.edit() if self.new_filter else None)
        for measure_id, dropdown in self.measure_controls.items():
            if dropdown.value != self.plan.measure(measure_id).function:
                found.append(SetAggregate(measure_id, dropdown.value))
        for item in self.plan.order_by:
            if self.order_controls[item.expression].value != item.descending:
                found.append(SetOrder(item.expression, self.order_controls[item.expression].value))
        found.append(self.sort_control.edit() if self.sort_control else None)
        if self.limit_control is not None and self.limit_control.value != (self.plan.limit or 0):
            found.append(SetLimit(self.limit_control.value or None))
        found += [control.edit() for control in self.time_controls.values()]
        if self.group_control is not None:
            chosen, before = list(self.group_control.value), list(self.plan.group_by)
            found += [RemoveGroupBy(column) for column in before if column not in chosen]
            found += [AddGroupBy(column) for column in chosen if column not in before]
        return [edit for edit in found if edit is not None]

    def _filters(self) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for item in self.plan.filters:
            if item.kind != "value" or not item.editable or item.operator not in OPERATORS:
                continue
            operator = widgets.Dropdown(
                options=operator_options(self.lang), value=item.operator, layout=_NARROW
            )
            values = widgets.Text(
                value=format_values(item.values),
                placeholder="value, value, …",
                layout=_WIDE,
                disabled=ARITY[item.operator][1] == 0,
            )
            operator.observe(lambda change, box=values: _arity(change, box), names="value")
            where = "" if item.clause == "where" else self.texts["after grouping"]
            label = _label(f"{item.column}{where}")
            box = widgets.HBox([label, operator, values])
            self.filter_controls[item.id] = FilterControl(item, operator, values, box)
            rows.append(box)
        return rows

    def _new_filter(self, schema: Schema | None) -> list[widgets.Widget]:
        choices = own_columns(self.plan, schema)
        if not choices:
            return []
        column = widgets.Dropdown(options=[(self.texts["choose"], ""), *((c, c) for c in choices)], value="")
        column.layout = _WIDE
        operator = widgets.Dropdown(options=operator_options(self.lang), value="=", layout=_NARROW)
        values = widgets.Text(placeholder="value, value, …", layout=_WIDE)
        operator.observe(lambda change, box=values: _arity(change, box), names="value")
        box = widgets.HBox([_label(self.texts["add condition"]), column, operator, values])
        numeric = frozenset(c for c in choices if self._column_numeric(c))
        self.new_filter = NewFilterControl(column, operator, values, box, numeric)
        return [box]

    def _column_numeric(self, column: str) -> bool:
        return numeric_column(column, self.schema)

    def _times(self, today: datetime.date) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for window in self.plan.time_range:
            if not window.editable:
                continue
            shift = window_shift(window)
            if shift is not None:
                label = _label(f"{window.column} {self.texts['in the last']}")
                amount = widgets.IntText(-shift.amount, layout=_NARROW)
                unit = widgets.Dropdown(options=self.texts["units"], value=shift.unit, layout=_NARROW)
                box = widgets.HBox([label, amount, unit])
                control = TimeControl(window, amount, unit, None, None, box, (amount.value, unit.value))
            else:
                first = bound_day(window.start, today, after=True)
                last = bound_day(window.end, today, after=False)
                label = _label(str(window.column))
                texts = self.texts
                start = widgets.Text(
                    value=first, placeholder="YYYY-MM-DD", description=texts["from"], style=_LABEL
                )
                end = widgets.Text(
                    value=last, placeholder="YYYY-MM-DD", description=texts["to"], style=_LABEL
                )
                start.layout, end.layout = widgets.Layout(width="170px"), widgets.Layout(width="170px")
                box = widgets.HBox([label, start, end])
                control = TimeControl(window, None, None, start, end, box, (first, last))
            self.time_controls[window.column] = control
            rows.append(box)
        return rows

    def _grouping(self, schema: Schema | None) -> list[widgets.Widget]:
        if not self.plan.measures and not self.plan.group_by:
            return []
        choices = sorted(set(group_choices(self.plan, schema)) | set(self.plan.group_by))
        self.group_control = widgets.TagsInput(
            value=list(self.plan.group_by), allowed_tags=choices, allow_duplicates=False
        )
        return [widgets.HBox([_label(self.texts["grouped by"]), self.group_control])]

    def _measures(self) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for measure in self.plan.measures:
            if not measure.editable:
                continue
            valid = valid_aggregates(measure.column, self.schema)
            if measure.column == "*" or len(valid) < 2:
                continue  # COUNT(*) can only count: nothing to choose
            words = self.texts["aggregates"]
            options = [(words[name], name) for name in valid]
            if measure.function not in valid:
                options.append((measure.function, measure.function))
            dropdown = widgets.Dropdown(options=options, value=measure.function, layout=_NARROW)
            self.measure_controls[measure.id] = dropdown
            rows.append(widgets.HBox([dropdown, _label(measure.column)]))
        return rows

    def _order(self) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for item in self.plan.order_by:
            dropdown = widgets.Dropdown(
                options=self.texts["directions"], value=item.descending, layout=_NARROW
            )
            self.order_controls[item.expression] = dropdown
            label = _label(f"{self.texts['sort by']} {item.expression}")
            rows.append(widgets.HBox([label, dropdown]))
        return rows

    def _sort(self) -> list[widgets.Widget]:
        current = {item.expression.lower() for item in self.plan.order_by}
        labels = column_labels(self.plan.sql, self.schema, self.lang) if self.schema else {}
        choices = [
            (label, key) for label, key in sort_choices(self.plan, labels) if key.lower() not in current
        ]
        if not choices:
            return []
        key = widgets.Dropdown(options=[(self.texts["choose"], ""), *choices], value="", layout=_WIDE)
        direction = widgets.Dropdown(options=self.texts["directions"], value=True, layout=_NARROW)
        box = widgets.HBox([_label(self.texts["sort instead"]), key, direction])
        self.sort_control = SortControl(key, direction, box)
        return [box]

    def _limit(self) -> list[widgets.Widget]:
        self.limit_control = widgets.IntText(
            value=self.plan.limit or 0, description=self.texts["rows"], style=_LABEL, layout=_WIDE
        )
        return [self.limit_control]


def _label(text: str) -> widgets.Label:
    return widgets.Label(text, layout=widgets.Layout(min_width="120px"))


def _arity(change: dict[str, Any], values: widgets.Text) -> None:
    values.disabled = ARITY.get(change["new"], (1, 1))[1] == 0
