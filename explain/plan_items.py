"""The parts of a :class:`~explain.plan.Plan`: filters, time ranges, measures, ordering, output columns.

Example:
    >>> from explain.plan import plan
    >>> [f.id for f in plan("SELECT * FROM t WHERE a = 1 AND b > 2").filters]
    ['f1', 'f2']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from explain.plan_conditions import DateBound

Clause = Literal["where", "having"]
FilterKind = Literal["value", "time", "other"]


@dataclass(frozen=True)
class Filter:
    """One top-level AND-ed condition of WHERE or HAVING.

    Example:
        >>> from explain.plan import plan
        >>> f = plan("SELECT * FROM t WHERE x IN (1, 2) AND (a = 1 OR b = 2)").filters
        >>> (f[0].operator, f[0].values, f[0].editable), (f[1].kind, f[1].sql, f[1].editable)
        (('in', (1, 2), True), ('other', '(a = 1 OR b = 2)', False))
    """

    id: str
    """Stable within the plan: ``f1``, ``f2``, … in the order of the SQL, WHERE before HAVING."""
    clause: Clause
    kind: FilterKind
    """``time`` for a date range, ``value`` for other column-operator-values, ``other`` for the rest."""
    sql: str
    """The condition as SQL."""
    column: str | None = None
    """What is compared, as written (``o.status``, ``COUNT(*)``); None for ``other`` conditions."""
    operator: str | None = None
    """One of :data:`explain.plan_read.OPERATORS`."""
    values: tuple[Any, ...] = ()
    """Python values (str, int, float, bool, None); a date relative to today appears as its SQL."""
    editable: bool = False
    """False when the condition is not a column compared with values (it can only be removed)."""
    start: DateBound | None = None
    """For a ``time`` filter: the first day it lets through, when it sets one."""
    end: DateBound | None = None
    """For a ``time`` filter: the last day it lets through, when it sets one."""


@dataclass(frozen=True)
class TimeRange:
    """The time filters on one date column, together: what the UI shows as "last 3 months".

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT 1 FROM t WHERE d >= '2025-01-01' AND d < '2026-01-01'").time_range[0].label
        '2025-01-01 to before 2026-01-01'
    """

    column: str
    clause: Clause
    filter_ids: tuple[str, ...]
    start: DateBound | None
    end: DateBound | None
    editable: bool

    @property
    def label(self) -> str:
        """The range in words: ``last 30 days``, ``2025-01-01 to 2025-12-31``, ``from 2025-01-01``."""
        start, end = self.start, self.end
        if start and end:
            if start == end and start.inclusive:
                return f"on {start.text()}"
            return f"{_start_text(start, '')} to {_end_text(end)}"
        if start:
            shift = start.relative
            if shift and shift.amount < 0 and not shift.start_of and start.inclusive:
                return f"last {-shift.amount} {shift.unit}{'s' if shift.amount != -1 else ''}"
            return _start_text(start, "from ")
        return _end_text(end, "up to ") if end else "any time"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label}


@dataclass(frozen=True)
class Measure:
    """An aggregate in the select list.

    Example:
        >>> from explain.plan import plan
        >>> m = plan("SELECT ROUND(SUM(DISTINCT x), 2) AS total FROM t").measures[0]
        >>> m.function, m.column, m.distinct, m.alias, m.editable
        ('sum', 'x', True, 'total', True)
    """

    id: str
    """``m1``, ``m2``, … in the order of the select list."""
    function: str
    """``count``, ``sum``, ``avg``, ``min``, ``max`` (or another aggregate's name, lower case)."""
    column: str
    """The aggregated column or expression as SQL, ``*`` for ``COUNT(*)``."""
    distinct: bool
    alias: str | None
    sql: str
    """The whole output column it sits in, without its alias (``ROUND(SUM(x), 2)``)."""
    editable: bool
    """False when the output column combines several aggregates (a ratio): it is shown, not edited."""


@dataclass(frozen=True)
class OrderItem:
    """One ORDER BY key.

    Example:
        >>> from explain.plan import plan
        >>> plan("SELECT a FROM t ORDER BY a DESC").order_by
        (OrderItem(expression='a', descending=True),)
    """

    expression: str
    descending: bool


@dataclass(frozen=True)
class OutputColumn:
    """One column of the result.

    Example:
        >>> from explain.plan import plan
        >>> [(c.name, c.role) for c in plan("SELECT k, SUM(v) AS s FROM t GROUP BY k").columns]
        [('k', 'dimension'), ('s', 'measure')]
    """

    name: str
    sql: str
    role: Literal["dimension", "measure", "window", "column", "star"]


def _start_text(bound: DateBound, prefix: str) -> str:
    return f"{prefix}{bound.text()}" if bound.inclusive else f"after {bound.text()}"


def _end_text(bound: DateBound, prefix: str = "") -> str:
    return f"{prefix}{bound.text()}" if bound.inclusive else f"before {bound.text()}"
