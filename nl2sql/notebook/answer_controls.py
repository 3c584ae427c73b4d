"""The editable plan of a query as ipywidgets controls, and the edits their values stand for.

:class:`PlanControls` shows one control per editable part of an :class:`explain.plan.Plan`: an operator
and values per value filter, the time window (or dates) of each time range, the grouping, each measure's
aggregate, the sort direction and the row limit. It runs nothing itself: :meth:`PlanControls.edits` reads
what the user changed (each control against the value it started with) as :mod:`explain.edits` edits, and
the answer view applies them and runs the new SQL when the user clicks Apply.

Example:
    >>> from explain.plan import plan
    >>> controls = PlanControls(plan("SELECT status, COUNT(*) AS n FROM orders WHERE status <> 'cancelled' "
    ...                              "GROUP BY status LIMIT 5"))
    >>> controls.edits()
    []
    >>> controls.filter_controls["f1"].values.value = "cancelled, returned"
    >>> controls.filter_controls["f1"].operator.value = "not in"
    >>> controls.limit_control.value = 3
    >>> controls.edits()
    [SetFilterOperator(filter_id='f1', operator='not in', values=('cancelled', 'returned')), SetLimit(n=3)]
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from sqlglot import exp

from explain.edits import (
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
from explain.plan_conditions import ARITY, OPERATORS, DateBound
from explain.plan_read import clause, joins, outermost_select
from nl2sql.notebook.answer_html import read_only_html

if TYPE_CHECKING:
    from explain.plan import Plan
    from explain.plan_items import Filter, TimeRange
    from explain.timewindow import RelativeDate
    from nl2sql.schema import Schema

AGGREGATES = ("count", "sum", "avg", "min", "max")
"""What a measure's dropdown offers (for a number column; other columns: count, min and max)."""
TEXTS = {
    "en": {
        "change": "Change the query",
        "apply": "Apply changes",
        "after grouping": " (after grouping)",
        "in the last": "in the last",
        "from": "from",
        "to": "to",
        "grouped by": "grouped by",
        "sort by": "sort by",
        "rows": "rows to show (0 = all)",
        "aggregates": {
            "count": "number of",
            "sum": "total",
            "avg": "average",
            "min": "lowest",
            "max": "highest",
        },
        "units": (("days", "day"), ("weeks", "week"), ("months", "month"), ("years", "year")),
        "directions": (("low to high", False), ("high to low", True)),
    },
    "zh": {
        "change": "修改查询",
        "apply": "应用修改",
        "after grouping": "（分组后）",
        "in the last": "最近",
        "from": "从",
        "to": "到",
        "grouped by": "分组依据",
        "sort by": "排序：",
        "rows": "显示行数（0 = 全部）",
        "aggregates": {"count": "个数", "sum": "总和", "avg": "平均", "min": "最小", "max": "最大"},
        "units": (("天", "day"), ("周", "week"), ("个月", "month"), ("年", "year")),
        "directions": (("从小到大", False), ("从大到小", True)),
    },
}
"""What the controls say, in words a non-programmer reads, in English and Chinese."""
UNITS = TEXTS["en"]["units"]
"""The time window units, as (label, value)."""
DIRECTIONS = TEXTS["en"]["directions"]

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
        self.texts: dict[str, Any] = TEXTS.get(lang, TEXTS["en"])
        self.filter_controls: dict[str, FilterControl] = {}
        self.time_controls: dict[str, TimeControl] = {}
        self.group_control: widgets.TagsInput | None = None
        self.measure_controls: dict[str, widgets.Dropdown] = {}
        self.order_controls: dict[str, widgets.Dropdown] = {}
        self.limit_control: widgets.IntText | None = None
        self.apply_button = widgets.Button(
            description=self.texts["apply"], icon="check", button_style="primary"
        )
        rows: list[widgets.Widget] = []
        if plan.editable:
            rows += self._filters() + self._times(today or datetime.date.today())
            rows += self._grouping(schema) + self._measures() + self._order() + self._limit()
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
        applied one after the other: filters, measures, ordering, limit, time ranges, then grouping.

        Raises:
            PlanEditError: a value that cannot be read (text where the filter compares numbers).
        """
        found: list[Edit | None] = [control.edit() for control in self.filter_controls.values()]
        for measure_id, dropdown in self.measure_controls.items():
            if dropdown.value != self.plan.measure(measure_id).function:
                found.append(SetAggregate(measure_id, dropdown.value))
        for item in self.plan.order_by:
            if self.order_controls[item.expression].value != item.descending:
                found.append(SetOrder(item.expression, self.order_controls[item.expression].value))
        if self.limit_control is not None and self.limit_control.value != (self.plan.limit or 0):
            found.append(SetLimit(self.limit_control.value or None))
        found += [control.edit() for control in self.time_controls.values()]
        if self.group_control is not None:
            chosen, before = list(self.group_control.value), list(self.plan.group_by)
            found += [AddGroupBy(column) for column in chosen if column not in before]
            found += [RemoveGroupBy(column) for column in before if column not in chosen]
        return [edit for edit in found if edit is not None]

    def _filters(self) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for item in self.plan.filters:
            if item.kind != "value" or not item.editable or item.operator not in OPERATORS:
                continue
            operator = widgets.Dropdown(options=OPERATORS, value=item.operator, layout=_NARROW)
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

    def _times(self, today: datetime.date) -> list[widgets.Widget]:
        rows: list[widgets.Widget] = []
        for window in self.plan.time_range:
            if not window.editable:
                continue
            shift = _window(window)
            if shift is not None:
                label = _label(f"{window.column} {self.texts['in the last']}")
                amount = widgets.IntText(-shift.amount, layout=_NARROW)
                unit = widgets.Dropdown(options=self.texts["units"], value=shift.unit, layout=_NARROW)
                box = widgets.HBox([label, amount, unit])
                control = TimeControl(window, amount, unit, None, None, box, (amount.value, unit.value))
            else:
                first = _day(window.start, today, after=True)
                last = _day(window.end, today, after=False)
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
            valid = self._valid_aggregates(measure.column)
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

    def _valid_aggregates(self, column: str) -> tuple[str, ...]:
        """The aggregates that make sense of ``column``: all for numbers, count/min/max for the rest
        (and all when the schema cannot tell)."""
        if column == "*":
            return ("count",)
        name = column.split(".")[-1].strip('"`[]').lower()
        found = [
            c.type
            for t in (self.schema.tables if self.schema else ())
            for c in t.columns
            if c.name.lower() == name
        ]
        if found and not any(_numeric(kind) for kind in found):
            return ("count", "min", "max")
        return AGGREGATES

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

    def _limit(self) -> list[widgets.Widget]:
        self.limit_control = widgets.IntText(
            value=self.plan.limit or 0, description=self.texts["rows"], style=_LABEL, layout=_WIDE
        )
        return [self.limit_control]


def group_choices(plan: Plan, schema: Schema | None) -> list[str]:
    """The columns a query could be grouped by: those of its own tables, qualified when it reads several.

    Example:
        >>> from explain.plan import plan
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("a", "TEXT"), Column("b", "INT"))),))
        >>> group_choices(plan("SELECT COUNT(*) FROM t"), schema)
        ['a', 'b']
    """
    select = outermost_select(plan.tree)
    if schema is None or select is None:
        return []
    sources = [s.this for s in [clause(select, exp.From), *joins(select)] if s is not None]
    tables = [s for s in sources if isinstance(s, exp.Table) and schema.has_table(s.name)]
    qualify = len(sources) > 1
    return [
        f"{table.alias_or_name}.{column.name}" if qualify else column.name
        for table in tables
        for column in schema.table(table.name).columns
    ]


def format_values(values: tuple[Any, ...]) -> str:
    """Filter values as the user edits them: comma-separated, a value holding a comma or quote quoted.

    Example:
        >>> format_values(("SMB", "A, B", 5000))
        'SMB, "A, B", 5000'
    """
    return ", ".join(_quoted(value) for value in values)


def parse_values(text: str, like: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """The values typed in ``text``: numbers where the filter compared numbers (``like``), text where it
    compared text, and either by their look when it compared nothing yet.

    Example:
        >>> parse_values("5000, 12.5", like=(1,)), parse_values("SMB, Consumer", like=("x",))
        ((5000, 12.5), ('SMB', 'Consumer'))
        >>> parse_values("7, Enterprise")
        (7, 'Enterprise')
        >>> parse_values("a lot", like=(1,))
        Traceback (most recent call last):
        ...
        explain.errors.PlanEditError: 'a lot' is not a number
    """
    words = next(csv.reader([text], skipinitialspace=True), []) if text.strip() else []
    words = [word.strip() for word in words]
    numeric = bool(like) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in like)
    textual = bool(like) and all(isinstance(v, str) for v in like)
    values: list[Any] = []
    for word in words:
        number = _number(word)
        if numeric and number is None:
            raise PlanEditError(f"{word!r} is not a number")
        values.append(word if textual or number is None else number)
    return tuple(values)


def _number(word: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(word)
        except ValueError:
            continue
    return None


def _quoted(value: Any) -> str:
    text = "NULL" if value is None else str(value)
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _day(bound: DateBound | None, today: datetime.date, *, after: bool) -> str:
    """The first (``after``) or last day a bound lets through, as YYYY-MM-DD; empty for an open end."""
    if bound is None:
        return ""
    if bound.relative is not None:
        day = bound.relative.on(today)
    else:
        try:
            day = datetime.date.fromisoformat(str(bound.date))
        except ValueError:  # a time of day too: shown as written
            return str(bound.date or bound.sql)
    if not bound.inclusive:
        day += datetime.timedelta(days=1 if after else -1)
    return day.isoformat()


def _window(window: TimeRange) -> RelativeDate | None:
    """The shift of a range that is "the last N units" (from N units ago to now), else None."""
    start = window.start
    if start is None or window.end is not None or not start.inclusive or start.relative is None:
        return None
    shift = start.relative
    return shift if shift.amount < 0 and not shift.start_of else None


def _numeric(kind: str) -> bool:
    return any(word in kind.upper() for word in ("INT", "REAL", "NUM", "DEC", "FLOAT", "DOUBLE", "MONEY"))


def _label(text: str) -> widgets.Label:
    return widgets.Label(text, layout=widgets.Layout(min_width="120px"))


def _arity(change: dict[str, Any], values: widgets.Text) -> None:
    values.disabled = ARITY.get(change["new"], (1, 1))[1] == 0
