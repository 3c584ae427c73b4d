"""The values behind the plan controls: which columns a query can be filtered, grouped or sorted by,
filter values as typed and read back, and the days a time range covers.

Example:
    >>> parse_values(format_values(("SMB", "A, B", 5000)), like=("x",))
    ('SMB', 'A, B', '5000')
"""

from __future__ import annotations

import csv
import datetime
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from chatbi_jupyterlab.notebook.control_texts import AGGREGATES
from explain.column_labels import label_of
from explain.errors import PlanEditError
from explain.lookup_joins import lookup_columns
from explain.plan_read import clause, joins, outermost_select

if TYPE_CHECKING:
    from explain.plan import Plan
    from explain.plan_conditions import DateBound
    from explain.plan_items import TimeRange
    from explain.timewindow import RelativeDate
    from nl2sql.schema import Schema


def own_columns(plan: Plan, schema: Schema | None) -> list[str]:
    """The columns of the tables a query reads, qualified when it reads several.

    Example:
        >>> from explain.plan import plan
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("a", "TEXT"), Column("b", "INT"))),))
        >>> own_columns(plan("SELECT COUNT(*) FROM t"), schema)
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


def group_choices(plan: Plan, schema: Schema | None) -> list[str]:
    """The columns a query could be grouped by: those of its own tables, and the readable columns of
    the tables it can look up along foreign keys (``regions.name`` for a query on ``customers``; the
    edit adds the join, see :mod:`explain.lookup_joins`).

    Example:
        >>> from explain.plan import plan
        >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
        >>> regions = Table("regions", (Column("id", "INT"), Column("name", "TEXT")), ("id",))
        >>> shops = Table("shops", (Column("id", "INT"), Column("region_id", "INT")), ("id",),
        ...     (ForeignKey(("region_id",), "regions", ("id",)),))
        >>> group_choices(plan("SELECT COUNT(*) FROM shops"), Schema("sqlite", (regions, shops)))
        ['id', 'region_id', 'regions.name']
    """
    select = outermost_select(plan.tree)
    if schema is None or select is None:
        return []
    return own_columns(plan, schema) + lookup_columns(select, schema)


def sort_choices(plan: Plan, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, key) for each output column a query can be sorted by: plain columns by name, measures by
    id, labelled by their alias or their readable header in ``labels`` (see
    :func:`explain.column_labels.column_labels`).

    Example:
        >>> from explain.plan import plan
        >>> sort_choices(plan("SELECT city, COUNT(*) FROM t GROUP BY city"), {"count(*)": "number of rows"})
        [('city', 'city'), ('number of rows', 'm1')]
    """
    measures = iter(plan.measures)
    found = []
    for column in plan.columns:
        if column.role == "measure":
            measure = next(measures, None)
            if measure is not None:
                found.append((measure.alias or label_of(column.sql, labels or {}), measure.id))
        elif column.role in ("dimension", "column"):
            found.append((column.name, column.name))
    return found


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


def bound_day(bound: DateBound | None, today: datetime.date, *, after: bool) -> str:
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


def window_shift(window: TimeRange) -> RelativeDate | None:
    """The shift of a range that is "the last N units" (from N units ago to now), else None."""
    start = window.start
    if start is None or window.end is not None or not start.inclusive or start.relative is None:
        return None
    shift = start.relative
    return shift if shift.amount < 0 and not shift.start_of else None


def column_types(column: str, schema: Schema | None) -> list[str]:
    """The types of the schema's columns called like ``column`` (unqualified, case-insensitive).

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> column_types("o.Total", Schema("sqlite", (Table("orders", (Column("total", "REAL"),)),)))
        ['REAL']
    """
    name = column.split(".")[-1].strip('"`[]').lower()
    tables = schema.tables if schema else ()
    return [c.type for t in tables for c in t.columns if c.name.lower() == name]


def numeric_column(column: str, schema: Schema | None) -> bool:
    """Whether every column of the schema called like ``column`` holds numbers (False when none is)."""
    kinds = column_types(column, schema)
    return bool(kinds) and all(numeric_type(kind) for kind in kinds)


def valid_aggregates(column: str, schema: Schema | None) -> tuple[str, ...]:
    """The aggregates that make sense of ``column``: all for numbers, count/min/max for the rest (and all
    when the schema cannot tell); only count for ``*``.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("name", "TEXT"), Column("x", "REAL"))),))
        >>> valid_aggregates("name", schema), valid_aggregates("x", schema)[:3], valid_aggregates("*", schema)
        (('count', 'min', 'max'), ('count', 'sum', 'avg'), ('count',))
    """
    if column == "*":
        return ("count",)
    found = column_types(column, schema)
    if found and not any(numeric_type(kind) for kind in found):
        return ("count", "min", "max")
    return AGGREGATES


def numeric_type(kind: str) -> bool:
    """Whether a column of database type ``kind`` holds numbers.

    Example:
        >>> numeric_type("DECIMAL(10, 2)"), numeric_type("VARCHAR(20)")
        (True, False)
    """
    return any(word in kind.upper() for word in ("INT", "REAL", "NUM", "DEC", "FLOAT", "DOUBLE", "MONEY"))
