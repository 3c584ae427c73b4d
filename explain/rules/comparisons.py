"""Filters that run but cannot mean what they say: comparisons with NULL, LIKE without a wildcard,
and values a low-cardinality column never holds.

Example:
    >>> from explain.rules import LintContext
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("status", "TEXT", samples=("completed",)),)),))
    >>> context = LintContext.of("SELECT * FROM orders WHERE status = 'Completed'", schema)
    >>> [d.message for d in unknown_value(context)]
    ["orders.status has no value 'Completed'; did you mean 'completed'? (text comparison is case-sensitive)"]
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.diagnostic import Diagnostic
from explain.rules.position import span, warning, written

if TYPE_CHECKING:
    from explain.resolve import Binding
    from explain.rules import LintContext

_NULL_ORDER = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_CASE_INSENSITIVE_DIALECTS = frozenset({"mysql"})


def null_comparison(context: LintContext) -> Iterator[Diagnostic]:
    """``x = NULL``, ``x <> NULL`` (and ``<``, ``>``…): never true; ``IS [NOT] NULL`` is meant.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)),))
        >>> context = LintContext.of("SELECT 1 FROM t WHERE x <> NULL", schema)
        >>> [(d.message, context.sql[d.start : d.end]) for d in null_comparison(context)]
        [('x <> NULL is never true, not even when x is not NULL; write x IS NOT NULL', 'x <> NULL')]
    """
    for comparison in context.find(*_NULL_ORDER):
        left, right = comparison.this, comparison.expression
        null_right = isinstance(right, exp.Null)
        if null_right == isinstance(left, exp.Null):
            continue
        other = left if null_right else right
        text = written(context, other)
        compared = f"{text} {_operator(comparison)} NULL"
        if isinstance(comparison, exp.EQ | exp.NEQ):
            negated = isinstance(comparison, exp.NEQ)
            test = "IS NOT NULL" if negated else "IS NULL"
            message = f"{compared} is never true, not even when {text} is{' not' if negated else ''} NULL; "
            message += f"write {text} {test}"
        else:
            message = f"{compared} is never true: any comparison with NULL is unknown"
        start, end = span(context, other)
        yield Diagnostic("null-comparison", "warning", message, *_with_null(context, start, end, null_right))


def _operator(comparison: exp.Expression) -> str:
    return {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}[
        type(comparison)
    ]


def _with_null(
    context: LintContext, start: int | None, end: int | None, after: bool
) -> tuple[int | None, int | None]:
    """Widen the operand's extent over the operator and the NULL keyword (which carry no position)."""
    if start is None or end is None:
        return start, end
    tokens = context.tokens
    if after:
        following = [t for t in tokens if t.start >= end][:2]
        return start, (following[-1].end + 1 if len(following) == 2 else end)
    preceding = [t for t in tokens if t.end < start][-2:]
    return (preceding[0].start if len(preceding) == 2 else start), end


def like_without_wildcard(context: LintContext) -> Iterator[Diagnostic]:
    """``LIKE 'text'`` with no ``%`` or ``_``: it matches exactly like ``=``.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("name", "TEXT"),)),))
        >>> context = LintContext.of("SELECT 1 FROM t WHERE name LIKE 'Ann'", schema)
        >>> print(*(d.message for d in like_without_wildcard(context)))  # doctest: +NORMALIZE_WHITESPACE
        LIKE 'Ann' has no % or _ wildcard, so it matches the whole text like = does;
        for a partial match write '%Ann%'
    """
    for like in context.find(exp.Like, exp.ILike):
        pattern = like.expression
        if isinstance(pattern, exp.Literal) and pattern.is_string and not set(pattern.this) & {"%", "_"}:
            keyword = "ILIKE" if isinstance(like, exp.ILike) else "LIKE"
            message = (
                f"{keyword} '{pattern.this}' has no % or _ wildcard, so it matches the whole text like = "
                f"does; for a partial match write '%{pattern.this}%'"
            )
            yield warning(context, "like-without-wildcard", message, pattern)


def unknown_value(context: LintContext) -> Iterator[Diagnostic]:
    """A text column with a known, complete list of values compared with a value not in the list.

    Example:
        >>> from explain.rules import LintContext
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("size", "TEXT", samples=("S", "M", "L")),)),))
        >>> context = LintContext.of("SELECT 1 FROM t WHERE size IN ('M', 'XXL')", schema)
        >>> [d.message for d in unknown_value(context)]
        ["t.size has no value 'XXL'; its values are 'S', 'M', 'L'"]
    """
    for comparison in context.find(exp.EQ, exp.NEQ, exp.In):
        for column, literal in _column_values(comparison):
            binding = context.bindings.of(column)
            if binding is None or not _complete_samples(binding):
                continue
            message = _unknown(context, binding, literal.this)
            if message:
                yield warning(context, "unknown-value", message, literal)


def _column_values(comparison: exp.Expression) -> list[tuple[exp.Column, exp.Literal]]:
    if isinstance(comparison, exp.In):
        column, values = comparison.this, comparison.expressions
    elif isinstance(comparison.this, exp.Column):
        column, values = comparison.this, [comparison.expression]
    else:
        column, values = comparison.expression, [comparison.this]
    if not isinstance(column, exp.Column):
        return []
    return [(column, v) for v in values if isinstance(v, exp.Literal) and v.is_string]


def _complete_samples(binding: Binding) -> bool:
    """Whether the column's samples list all its values (they are read from the first rows only)."""
    from nl2sql.schema import SAMPLE_SCAN_ROWS  # nl2sql imports explain: not at module level

    rows = binding.table.row_count
    return bool(binding.column.samples) and (rows is None or rows <= SAMPLE_SCAN_ROWS)


def _unknown(context: LintContext, binding: Binding, value: str) -> str | None:
    samples = binding.column.samples
    if value in samples:
        return None
    by_lower = {s.lower(): s for s in samples}
    if context.dialect in _CASE_INSENSITIVE_DIALECTS and value.lower() in by_lower:
        return None
    name = f"{binding.table.name}.{binding.column.name}"
    if value.lower() in by_lower:
        return (
            f"{name} has no value '{value}'; did you mean '{by_lower[value.lower()]}'? "
            "(text comparison is case-sensitive)"
        )
    by_shape = {_shape(s): s for s in samples}
    if _shape(value) in by_shape:
        return f"{name} has no value '{value}'; did you mean '{by_shape[_shape(value)]}'? (the spaces differ)"
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=2, cutoff=0.6)
    if close:
        return (
            f"{name} has no value '{value}'; did you mean {' or '.join(_quoted(by_lower[c]) for c in close)}?"
        )
    return f"{name} has no value '{value}'; its values are {', '.join(map(_quoted, samples))}"


def _shape(value: str) -> str:
    return " ".join(value.split()).lower()


def _quoted(value: str) -> str:
    return f"'{value}'"
