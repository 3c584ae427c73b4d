"""Kinds of values (integer, real, text, date) read off the schema, and the type-mismatch rule:
a column compared with a literal of the wrong kind.

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("order_date", "TEXT"),)),))
    >>> context = LintContext.of("SELECT * FROM orders WHERE order_date > 'last month'", schema)
    >>> [d.code for d in type_mismatch(context)]
    ['type-mismatch']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.position import warning, written
from explain.rules.tree import label
from explain.timewindow import RelativeDate, relative_date_sql

if TYPE_CHECKING:
    from explain.rules import LintContext
    from nl2sql.schema import Column

Kind = Literal["integer", "real", "text", "date"]

_DATE_SHAPE = re.compile(
    r"^\d{4}(?:[-/.]\d{1,2}(?:[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?$"
    r"|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$|^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$"
)
_NUMBER = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$")
_REAL_TYPES = ("REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL", "NUMBER", "MONEY")
_TEXT_TYPES = ("CHAR", "TEXT", "CLOB", "STRING")
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)


def column_kind(column: Column) -> Kind | None:
    """The kind of value ``column`` holds, from its declared type (and name, for dates kept as text).

    Example:
        >>> from nl2sql.schema import Column
        >>> [column_kind(Column(n, t)) for n, t in [("id", "INTEGER"), ("order_date", "TEXT"), ("x", "")]]
        ['integer', 'date', None]
    """
    declared = column.type.upper()
    if "DATE" in declared or "TIME" in declared:
        return "date"
    if "INT" in declared and "POINT" not in declared and "INTERVAL" not in declared:
        return "integer"
    if any(name in declared for name in _REAL_TYPES):
        return "real"
    if any(name in declared for name in _TEXT_TYPES):
        return "date" if _date_name(column) else "text"
    return None


def _date_name(column: Column) -> bool:
    name = column.name
    lowered = name.lower()
    if lowered.endswith(("_date", "_at", "_time", "datetime", "timestamp")) or lowered in ("date", "time"):
        return not column.samples or any(is_date_shape(v) for v in column.samples)
    camel = name.endswith(("Date", "Time")) and not name.isupper()
    dated = lowered.endswith("date") and not lowered.endswith(("candidate", "mandate", "validate"))
    return (camel or dated) and (not column.samples or any(is_date_shape(v) for v in column.samples))


def is_date_shape(text: str) -> bool:
    """Whether ``text`` reads as a date, a year, a year-month, a date-time or a time of day.

    Example:
        >>> [is_date_shape(t) for t in ("2025", "2025-03", "2025-03-01 10:00:00", "last month")]
        [True, True, True, False]
    """
    return bool(_DATE_SHAPE.match(text.strip()))


def is_number_text(text: str) -> bool:
    """Whether ``text`` reads as a number.

    Example:
        >>> is_number_text(" 4.5 "), is_number_text("4 kg")
        (True, False)
    """
    return bool(_NUMBER.match(text))


def type_mismatch(context: LintContext) -> Iterator[Diagnostic]:
    """Columns compared with a literal of another kind: a date with a number or with text that is no
    date, a number with non-numeric text, text with a number, and SQLite's strftime (text) with a number.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("d", "DATE"), Column("n", "TEXT"))),))
        >>> context = LintContext.of("SELECT * FROM t WHERE d > 2025", schema)
        >>> print(*(d.message for d in type_mismatch(context)))
        ... # doctest: +NORMALIZE_WHITESPACE
        d holds dates but is compared with the number 2025;
        to compare the year write strftime('%Y', d) = '2025'
    """
    for comparison in context.find(*_COMPARISONS, exp.Between, exp.In):
        subject, literals = _operands(comparison)
        if subject is None:
            continue
        for literal in literals:
            message = _mismatch(context, comparison, subject, literal)
            if message:
                yield warning(context, "type-mismatch", message, comparison)
                break


def _operands(comparison: exp.Expression) -> tuple[exp.Expression | None, list[exp.Literal]]:
    if isinstance(comparison, exp.Between):
        candidates = [comparison.args.get("low"), comparison.args.get("high")]
        return comparison.this, [v for v in map(_literal, candidates) if v is not None]
    if isinstance(comparison, exp.In):
        return comparison.this, [v for v in map(_literal, comparison.expressions) if v is not None]
    left, right = comparison.this, comparison.expression
    left_value, right_value = _literal(left), _literal(right)
    if right_value is not None and left_value is None:
        return left, [right_value]
    if left_value is not None and right_value is None:
        return right, [left_value]
    return None, []


def _literal(node: exp.Expression | None) -> exp.Literal | None:
    if isinstance(node, exp.Neg):
        node = node.this
    return node if isinstance(node, exp.Literal) else None


def _mismatch(
    context: LintContext, comparison: exp.Expression, subject: exp.Expression, literal: exp.Literal
) -> str | None:
    value = literal.this
    if isinstance(subject, exp.TimeToStr) and not literal.is_string and context.dialect == "sqlite":
        return (
            f"{written(context, subject)} is text but is compared with the number {value}, which "
            f"SQLite never finds equal to text; compare with '{value}'"
        )
    binding = context.bindings.of(subject) if isinstance(subject, exp.Column) else None
    if binding is None or not isinstance(subject, exp.Column):
        return None
    kind, name = column_kind(binding.column), label(subject)
    if kind == "date" and not literal.is_string:
        return (
            f"{name} holds dates but is compared with the number {value}; {_year_hint(context, name, value)}"
        )
    if kind == "date" and not is_date_shape(value) and value not in binding.column.samples:
        example = relative_date_sql(RelativeDate(-1, "month"), context.dialect).sql(context.dialect)
        return (
            f"{name} holds dates but is compared with '{value}', which is not a date; write a date "
            f"like '2025-01-31' or a relative one like {example}"
        )
    if kind in ("integer", "real") and literal.is_string and not is_number_text(value):
        return f"{name} holds numbers but is compared with the text '{value}'"
    if kind == "text" and not literal.is_string and context.dialect != "mysql":
        samples = binding.column.samples
        text = f"{name} holds text but is compared with the number {value}"
        if isinstance(comparison, _ORDERING):
            return None if _year(binding.column, value) else f"{text}: text compares as text ('10' < '9')"
        if samples and not all(is_number_text(v) for v in samples):
            return f"{text}; it never matches"
        return None if samples else f"{text}; write '{value}' if that text is meant (types should match)"
    return None


def _year_hint(context: LintContext, name: str, value: str) -> str:
    if context.dialect == "sqlite":
        return f"to compare the year write strftime('%Y', {name}) = '{value}'"
    return f"to compare the year write EXTRACT(YEAR FROM {name}) = {value}"


def _year(column: Column, value: str) -> bool:
    """Years written as text compare as text correctly: '2009' < '2010'."""
    return "year" in column.name.lower() and len(value) == 4 and value.isdigit()
