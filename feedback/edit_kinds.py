"""What kind of edit a correction was, read from the diff the log keeps with it.

:func:`feedback.outcome.record_outcome` stores each edit's changes as :class:`explain.diff.Change`
dictionaries (``kind``, ``before``, ``after``). Here they are sorted into the kinds a team asks about: a
changed filter value, a changed time window, a filter added or removed, other columns or measures, the
grouping, a join, the limit or order, anything else. A condition on a date column (``order_date >=
'2025-01-01'``, ``DATE('now', '-30 day')``, ``strftime('%Y', d) = '2024'``) is a time window, whether its
value changed or it was added or removed (:func:`explain.plan_conditions.time_bounds`).

Example:
    >>> changes = [
    ...     {"kind": "filter-value", "before": "city = 'NY'", "after": "city = 'New York'"},
    ...     {"kind": "added-condition", "before": None, "after": "order_date >= '2025-01-01'"},
    ...     {"kind": "limit", "before": None, "after": "LIMIT 5"},
    ... ]
    >>> edit_kinds(changes)
    ['filter-value', 'time-window', 'limit-order']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlglot
from sqlglot.errors import SqlglotError

EDIT_KINDS = (
    "filter-value",
    "time-window",
    "condition",
    "columns",
    "grouping",
    "join",
    "limit-order",
    "other",
)
"""The kinds of edit, in the order they are shown."""
EDIT_LABELS = {
    "filter-value": "filter value",
    "time-window": "time window",
    "condition": "filter added or removed",
    "columns": "columns or measures",
    "grouping": "grouping",
    "join": "join",
    "limit-order": "limit or order",
    "other": "other",
}
"""How each kind of edit is named on the terminal and in the dashboard."""
_BY_CHANGE = {
    "filter-value": "filter-value",
    "added-condition": "condition",
    "removed-condition": "condition",
    "join": "join",
    "aggregate": "columns",
    "columns": "columns",
    "grouping": "grouping",
    "ordering": "limit-order",
    "limit": "limit-order",
}
"""Kind of :class:`explain.diff.Change` → kind of edit (conditions on dates are time windows instead)."""
_CONDITIONS = ("filter-value", "added-condition", "removed-condition")


def edit_kinds(changes: Iterable[Mapping[str, Any]], dialect: str = "sqlite") -> list[str]:
    """The kinds of edit (:data:`EDIT_KINDS`, in that order, each once) the logged ``changes`` of one
    correction make; ``["other"]`` for a correction whose diff is missing or empty but whose SQL changed.

    Example:
        >>> edit_kinds([{"kind": "removed-condition", "before": "status = 'open'", "after": None},
        ...             {"kind": "grouping", "before": None, "after": "segment"}])
        ['condition', 'grouping']
        >>> edit_kinds([{"kind": "filter-value", "before": "strftime('%Y', d) = '2024'",
        ...              "after": "strftime('%Y', d) = '2025'"}])
        ['time-window']
        >>> edit_kinds([])
        ['other']
    """
    found = {_edit_kind(change, dialect) for change in changes} or {"other"}
    return [kind for kind in EDIT_KINDS if kind in found]


def _edit_kind(change: Mapping[str, Any], dialect: str) -> str:
    kind = str(change.get("kind") or "other")
    if kind in _CONDITIONS and any(
        _is_time_window(change.get(side), dialect) for side in ("before", "after")
    ):
        return "time-window"
    return _BY_CHANGE.get(kind, "other")


def is_time_window(condition: str, dialect: str = "sqlite") -> bool:
    """Whether ``condition`` (SQL) limits a date column to a range.

    Example:
        >>> is_time_window("order_date >= DATE('now', '-30 day')"), is_time_window("city = 'NY'")
        (True, False)
        >>> is_time_window("not SQL (")
        False
    """
    return _is_time_window(condition, dialect)


def _is_time_window(condition: Any, dialect: str) -> bool:
    from explain.plan_conditions import read_condition, time_bounds

    if not isinstance(condition, str) or not condition.strip():
        return False
    try:
        node = sqlglot.parse_one(condition, read=dialect)
    except SqlglotError:
        return False
    while isinstance(node, sqlglot.exp.Paren):
        node = node.this
    try:
        return time_bounds(read_condition(node), dialect) is not None
    except (SqlglotError, ValueError):
        return False
