"""The AST changes behind the filter and time edits of :mod:`explain.edits` (one function per edit type,
each changing the outermost SELECT of a copied tree in place with sqlglot ``exp`` builders), and the
helpers every edit uses: SQL literals from Python values, conditions, user-given columns.

Example:
    >>> import sqlglot
    >>> build_condition(sqlglot.exp.column("status", "o"), "in", literals(["a", "b"])).sql()
    "o.status IN ('a', 'b')"
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.errors import PlanEditError
from explain.plan_conditions import ARITY, OPERATORS, is_subject, read_condition, time_bounds
from explain.plan_read import clause, conjuncts, joins, normalized
from explain.timewindow import UNITS, RelativeDate, relative_date_sql

if TYPE_CHECKING:
    from explain.plan import Filter, Plan

_CLAUSES: dict[str, type[exp.Expression]] = {"where": exp.Where, "having": exp.Having}


def literals(values: Any) -> list[exp.Expression]:
    """SQL literals for Python values: strings quoted, numbers as numbers, dates as ``'YYYY-MM-DD'``.

    Example:
        >>> import datetime
        >>> [v.sql() for v in literals(["O'Neil", 3, -2.5, datetime.date(2025, 1, 31), None])]
        ["'O''Neil'", '3', '-2.5', "'2025-01-31'", 'NULL']
    """
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise PlanEditError(f"values must be a list, not {values!r}")
    nodes = []
    for value in values:
        if isinstance(value, datetime.datetime):
            value = value.isoformat(sep=" ")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if isinstance(value, float) and not math.isfinite(value):
            raise PlanEditError(f"{value} is not a number a query can use")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise PlanEditError(f"{value!r} is not a value a filter can use (text, a number or a date)")
        nodes.append(exp.convert(value))
    return nodes


def build_condition(subject: exp.Expression, operator: str, values: list[exp.Expression]) -> exp.Expression:
    """``subject operator values`` as a condition; :class:`PlanEditError` for a bad operator or count.

    Example:
        >>> build_condition(sqlglot.exp.column("x"), "not like", literals(["a%"])).sql()
        "x NOT LIKE 'a%'"
    """
    operator = operator.strip().lower() if isinstance(operator, str) else operator
    if operator not in ARITY:
        raise PlanEditError(f"unknown operator {operator!r}; use one of {', '.join(OPERATORS)}")
    least, most = ARITY[operator]
    if len(values) < least or (most is not None and len(values) > most):
        wanted = f"{least}" if least == most else f"at least {least}"
        raise PlanEditError(
            f"{operator} takes {wanted} value{'s' if wanted != '1' else ''}, not {len(values)}"
        )
    if least and any(isinstance(v, exp.Null) for v in values):
        raise PlanEditError(f"{operator} NULL matches nothing; use 'is null' or 'is not null'")
    subject = subject.copy()
    if operator in ("is null", "is not null"):
        return exp.Is(this=subject, expression=exp.Null(), negate=operator == "is not null")
    if operator in ("in", "not in"):
        found = exp.In(this=subject, expressions=values)
        return exp.Not(this=found) if operator == "not in" else found
    if operator == "between":
        return exp.Between(this=subject, low=values[0], high=values[1])
    if operator in ("like", "not like"):
        return exp.Like(this=subject, expression=values[0], negate=operator == "not like")
    kinds = {"=": exp.EQ, "<>": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
    return kinds[operator](this=subject, expression=values[0])


def parse_expression(text: str, dialect: str, what: str = "column") -> exp.Expression:
    """``text`` (a column or expression, as a user names it) parsed in ``dialect``.

    Example:
        >>> parse_expression("o.status", "sqlite").sql()
        'o.status'
    """
    if not isinstance(text, str) or not text.strip():
        raise PlanEditError(f"a {what} must be given as text, not {text!r}")
    try:
        node = sqlglot.parse_one(text, read=dialect)
    except SqlglotError as error:
        raise PlanEditError(f"{text!r} is not a {what}: {str(error).splitlines()[0]}") from None
    if isinstance(node, exp.Query | exp.Command) or node.find(exp.Subquery, exp.Query):
        raise PlanEditError(f"{text!r} is not a {what}")
    return node


def check_qualifiers(select: exp.Select, node: exp.Expression) -> None:
    """:class:`PlanEditError` when a column of ``node`` names a table the query does not read.

    Example:
        >>> check_qualifiers(sqlglot.parse_one("SELECT 1 FROM orders o"), sqlglot.parse_one("x.status"))
        Traceback (most recent call last):
        ...
        explain.errors.PlanEditError: the query has no table x; its tables are: o
    """
    sources = [clause(select, exp.From), *joins(select)]
    names = [s.this.alias_or_name for s in sources if s is not None]
    for column in node.find_all(exp.Column):
        if column.table and column.table.lower() not in {n.lower() for n in names}:
            raise PlanEditError(f"the query has no table {column.table}; its tables are: {', '.join(names)}")


def column_of(plan: Plan, select: exp.Select, text: str, what: str = "column") -> exp.Expression:
    """``text`` parsed as a column or expression of ``select``'s tables (see :func:`check_qualifiers`).

    Example:
        >>> from explain.plan import plan
        >>> p = plan("SELECT 1 FROM orders o")
        >>> column_of(p, p.tree, "o.status").sql()
        'o.status'
    """
    node = parse_expression(text, plan.dialect, what)
    check_qualifiers(select, node)
    return node


# Filters -------------------------------------------------------------------------------------------


def _conjunct(plan: Plan, select: exp.Select, filter_id: str) -> tuple[Filter, exp.Expression]:
    item = plan.filter(filter_id)
    same_clause = [f.id for f in plan.filters if f.clause == item.clause]
    nodes = conjuncts(clause(select, _CLAUSES[item.clause]))
    return item, nodes[same_clause.index(filter_id)]


def _editable(plan: Plan, select: exp.Select, filter_id: str) -> tuple[Filter, exp.Expression]:
    item, node = _conjunct(plan, select, filter_id)
    if not item.editable:
        raise PlanEditError(
            f"filter {filter_id} ({item.sql}) is not a column compared with values; remove it instead"
        )
    return item, node


def _remove_conjunct(select: exp.Select, node: exp.Expression) -> None:
    parent = node.parent
    if isinstance(parent, exp.Where | exp.Having):
        parent.pop()
    elif isinstance(parent, exp.And):
        sibling = parent.expression if node is parent.this else parent.this
        parent.replace(sibling)
        if isinstance(sibling.parent, exp.Paren) and not isinstance(sibling, exp.Connector):
            sibling.parent.replace(sibling)
    else:  # pragma: no cover - conjuncts() only returns children of these
        raise PlanEditError(f"cannot remove {node.sql()}")


def _add_conjunct(select: exp.Select, clause_name: str, condition: exp.Expression) -> None:
    if clause_name == "where":
        select.where(condition, copy=False)
    elif clause_name == "having":
        select.having(condition, copy=False)
    else:
        raise PlanEditError(f"a filter goes in 'where' or 'having', not {clause_name!r}")


def set_filter_value(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Replace the values of a filter (:class:`~explain.edits.SetFilterValue`).

    Example:
        >>> from explain.edits import SetFilterValue
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE 5000 < price").apply(SetFilterValue("f1", [100]))
        'SELECT * FROM t WHERE price > 100'
    """
    item, node = _editable(plan, select, edit.filter_id)
    subject = read_condition(node).subject
    node.replace(build_condition(subject, item.operator, literals(edit.values)))  # type: ignore[arg-type]


def set_filter_operator(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Replace the operator of a filter (:class:`~explain.edits.SetFilterOperator`).

    Example:
        >>> from explain.edits import SetFilterOperator
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE x IS NULL").apply(SetFilterOperator("f1", "is not null"))
        'SELECT * FROM t WHERE x IS NOT NULL'
    """
    _, node = _editable(plan, select, edit.filter_id)
    condition = read_condition(node)
    operator = edit.operator.strip().lower() if isinstance(edit.operator, str) else edit.operator
    if edit.values is not None:
        values = literals(edit.values)
    elif ARITY.get(operator) == (0, 0):
        values = []
    else:
        values = [o.copy() for o in condition.operands]
    node.replace(build_condition(condition.subject, operator, values))  # type: ignore[arg-type]


def add_filter(plan: Plan, select: exp.Select, edit: Any) -> None:
    """AND a new condition to WHERE or HAVING (:class:`~explain.edits.AddFilter`).

    Example:
        >>> from explain.edits import AddFilter
        >>> from explain.plan import plan
        >>> plan("SELECT a, COUNT(*) FROM t GROUP BY a").apply(AddFilter("COUNT(*)", ">=", [2], "having"))
        'SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) >= 2'
    """
    subject = column_of(plan, select, edit.column)
    if not is_subject(subject):
        raise PlanEditError(f"{edit.column!r} is not a column")
    if edit.clause == "where" and isinstance(subject, exp.AggFunc):
        raise PlanEditError(f"{edit.column} is an aggregate: a condition on it goes in HAVING")
    _add_conjunct(select, edit.clause, build_condition(subject, edit.operator, literals(edit.values)))


def remove_filter(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Drop one condition, and WHERE/HAVING when it was the last (:class:`~explain.edits.RemoveFilter`).

    Example:
        >>> from explain.edits import RemoveFilter
        >>> from explain.plan import plan
        >>> plan("SELECT * FROM t WHERE a = 1").apply(RemoveFilter("f1"))
        'SELECT * FROM t'
    """
    _remove_conjunct(select, _conjunct(plan, select, edit.filter_id)[1])


# Time ----------------------------------------------------------------------------------------------


def _time_target(
    plan: Plan, select: exp.Select, target: str
) -> tuple[str, exp.Expression, list[exp.Expression]]:
    """``(clause, column, conditions)`` of the time range ``target`` names (a filter id or a column)."""
    if any(f.id == target for f in plan.filters):
        item = plan.filter(target)
        if item.kind != "time":
            raise PlanEditError(f"filter {target} ({item.sql}) is not a time filter")
        ranges = [r for r in plan.time_range if target in r.filter_ids]
    else:
        column = column_of(plan, select, target)
        if not isinstance(column, exp.Column):
            raise PlanEditError(f"{target!r} is neither a filter id nor a date column")
        key = normalized(column, plan.dialect)
        ranges = [
            r
            for r in plan.time_range
            if normalized(parse_expression(r.column, plan.dialect), plan.dialect) == key
        ]
        if not ranges:
            return "where", column, []
    chosen = ranges[0]
    nodes = [_conjunct(plan, select, filter_id)[1] for filter_id in chosen.filter_ids]
    bounds = time_bounds(read_condition(nodes[0]), plan.dialect)
    assert bounds is not None
    return chosen.clause, bounds[0], nodes


def _replace_range(
    select: exp.Select, target: tuple[str, exp.Expression, list[exp.Expression]], new: exp.Expression
) -> None:
    clause_name, _, nodes = target
    if not nodes:
        _add_conjunct(select, clause_name, new)
        return
    nodes[0].replace(new)
    for node in nodes[1:]:
        _remove_conjunct(select, node)


def set_time_window(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Replace a time range by the last N units (:class:`~explain.edits.SetTimeWindow`).

    Example:
        >>> from explain.edits import SetTimeWindow
        >>> from explain.plan import plan
        >>> p = plan("SELECT * FROM t WHERE d >= '2025-01-01' AND d < '2026-01-01'")
        >>> p.apply(SetTimeWindow("f1", 30, "days"))
        "SELECT * FROM t WHERE d >= DATE('now', '-30 day')"
    """
    amount, unit = edit.amount, str(edit.unit).strip().lower()
    unit = unit[:-1] if unit.endswith("s") else unit
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise PlanEditError(f"a time window must be a whole number of {unit}s, at least 1 (got {amount!r})")
    if unit not in UNITS:
        raise PlanEditError(f"unknown time unit {edit.unit!r}; use one of {', '.join(UNITS)}")
    target = _time_target(plan, select, edit.target)
    shift = relative_date_sql(RelativeDate(-amount, unit), plan.dialect)  # type: ignore[arg-type]
    _replace_range(select, target, exp.GTE(this=target[1].copy(), expression=shift))


def _day(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, datetime.date):
        return value.isoformat()[:10] if value is not None else None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise PlanEditError(f"the {name} date {value!r} is not a date like 2025-01-31") from None


def set_date_range(plan: Plan, select: exp.Select, edit: Any) -> None:
    """Replace a time range by fixed days (:class:`~explain.edits.SetDateRange`).

    Example:
        >>> from explain.edits import SetDateRange
        >>> from explain.plan import plan
        >>> p = plan("SELECT * FROM t WHERE strftime('%Y', d) = '2025'")
        >>> p.apply(SetDateRange("f1", None, "2025-06-30"))
        "SELECT * FROM t WHERE d <= '2025-06-30'"
    """
    start, end = _day(edit.start, "start"), _day(edit.end, "end")
    if start is None and end is None:
        raise PlanEditError("give a start date, an end date or both (remove the filter to drop the range)")
    if start and end and start > end:
        raise PlanEditError(f"the range starts ({start}) after it ends ({end})")
    target = _time_target(plan, select, edit.target)
    column = target[1].copy()
    if start and end:
        new: exp.Expression = exp.Between(this=column, low=exp.convert(start), high=exp.convert(end))
    elif start:
        new = exp.GTE(this=column, expression=exp.convert(start))
    else:
        new = exp.LTE(this=column, expression=exp.convert(end))
    _replace_range(select, target, new)
