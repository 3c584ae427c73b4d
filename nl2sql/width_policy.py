"""Widths and counts a query may ask of padding, repeating and formatting functions: at most
:data:`MAX_WIDTH` characters, written as literals.

``repeat('x', 1e9)``, ``lpad(name, 1e9)``, MariaDB's ``SPACE(1e9)``, SQLite's ``printf('%.*c', 1e9,
'x')`` and ``printf('%1000000000d', 1)``, PostgreSQL's ``format('%1000000000s', …)`` and DuckDB's
``format('{:>1000000000}', …)`` build a value of a gigabyte inside the engine, before any cap on what
comes back can see it (SQLite's ``printf`` ignores interrupts while it does). So the gate reads them:

- ``lpad``/``rpad`` (the count is the text's length), ``repeat`` (the count times the length of what is
  repeated, when that is a literal or another of these calls) and ``space``: the count must be a
  literal number (or ``LEAST(…, n)``, SQLite ``MIN(…, n)``, with a literal ``n``), and what it makes at
  most :data:`MAX_WIDTH` long;
- ``printf`` and ``format``: the format must be a literal string, each width and precision written in
  it at most :data:`MAX_WIDTH`, and each one taken from an argument (``*``, ``{}``) a literal number
  no larger (:mod:`nl2sql.format_widths`).

Example:
    >>> import sqlglot
    >>> sql = "SELECT lpad(CAST(month AS TEXT), 2, '0'), printf('%05.1f', amount) FROM t"
    >>> width_reason(sqlglot.parse_one(sql, read="duckdb"), sql, "duckdb") is None
    True
    >>> sql = "SELECT printf('%1000000000d', 1)"
    >>> width_reason(sqlglot.parse_one(sql, read="sqlite"), sql, "sqlite")
    "PRINTF's format asks for a width or precision of 1000000000; a width or count may be at most 10000"
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from sqlglot import exp

from nl2sql.format_widths import (
    UncheckableFormatError,
    Width,
    fmt_widths,
    postgres_format_widths,
    printf_widths,
)
from nl2sql.function_policy import called_name

MAX_WIDTH = 10_000
"""The most characters (or list elements) one padding, repeating or formatting call may be asked to
make, and the largest width or precision its format may hold."""
COUNTED = {"lpad": 1, "rpad": 1, "repeat": 1, "space": 0}
"""Functions whose result is as long as a count argument says: the count's position."""
FORMATS: dict[str, dict[str, Callable[[str], list[Width]]]] = {
    "sqlite": {"printf": printf_widths, "format": printf_widths},
    "duckdb": {"printf": printf_widths, "format": fmt_widths},
    "postgres": {"format": postgres_format_widths},
}
"""Formatting functions, by dialect, and how their format strings are read."""
_NUMBER_PREFIX = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def width_reason(statement: exp.Expression, sql: str, dialect: str) -> str | None:
    """Why a padding, repeating or formatting call in ``statement`` (parsed from ``sql``) may make too
    long a value on ``dialect``, or None.

    Example:
        >>> import sqlglot
        >>> sql = "SELECT repeat(name, n) FROM t"
        >>> width_reason(sqlglot.parse_one(sql, read="postgres"), sql, "postgres")
        'the count of REPEAT is not a literal number; write one up to 10000 (or LEAST(…, 10000))'
    """
    hint = "MIN" if dialect == "sqlite" else "LEAST"
    for node in statement.find_all(exp.Func):
        name = called_name(node, sql, dialect)
        arguments = _arguments(node)
        if name in COUNTED and len(arguments) > COUNTED[name]:
            count = literal_number(arguments[COUNTED[name]])
            if count is None:
                return (
                    f"the count of {name.upper()} is not a literal number; write one up to {MAX_WIDTH}"
                    f" (or {hint}(…, {MAX_WIDTH}))"
                )
            made = _made(node, name, arguments)
            if made > MAX_WIDTH:
                return (
                    f"{name.upper()} would make {_shown(made)} characters (or list elements); a width or"
                    f" count may be at most {MAX_WIDTH}"
                )
        reader = FORMATS.get(dialect, {}).get(name)
        if reader is not None and arguments:
            reason = _format_reason(name.upper(), reader, arguments, hint)
            if reason:
                return reason
    return None


def literal_number(node: exp.Expression) -> float | None:
    """The number ``node`` stands for when it is written as a literal (through brackets, casts and
    signs; a text read as the engine reads it: its leading number, else 0; NULL as 0), or the smallest
    literal of a ``LEAST``/``MIN`` of several; None when it depends on data.

    Example:
        >>> import sqlglot
        >>> [literal_number(sqlglot.parse_one(text)) for text in ("-(5)", "CAST('12x' AS INT)", "LEAST(n, 3)", "n")]
        [-5.0, 12.0, 3.0, None]
    """  # noqa: E501
    while isinstance(node, exp.Paren | exp.Cast | exp.TryCast):
        node = node.this
    if isinstance(node, exp.Neg):
        inner = literal_number(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Null):
        return 0.0
    if isinstance(node, exp.Literal):
        match = _NUMBER_PREFIX.match(node.this)
        return float(match.group(0)) if match else 0.0
    if isinstance(node, exp.Least) or (isinstance(node, exp.Min) and node.expressions):
        known = [n for n in map(literal_number, _arguments(node)) if n is not None]
        return min(known) if known else None
    return None


def _arguments(node: exp.Func) -> list[exp.Expression]:
    """The call's arguments in the order they are written."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    found: list[exp.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, exp.Expression):
                found.append(item)
    return found


def _made(node: exp.Expression, name: str, arguments: list[exp.Expression]) -> float:
    """How long the value a counted call makes is, as far as literals say (what is repeated counts
    as 1 when its length depends on data)."""
    count = max(literal_number(arguments[COUNTED[name]]) or 0.0, 0.0)
    if name != "repeat":
        return count
    return count * _length(arguments[0])


def _length(node: exp.Expression) -> float:
    if isinstance(node, exp.Literal) and node.is_string:
        return max(len(node.this), 1)
    if isinstance(node, exp.Func):
        name = node.sql_name().lower() if not isinstance(node, exp.Anonymous) else node.name.lower()
        name = {"pad": "lpad"}.get(name, name)
        arguments = _arguments(node)
        if name in COUNTED and len(arguments) > COUNTED[name]:
            return max(_made(node, name, arguments), 1.0)
    return 1.0


def _format_reason(
    name: str, reader: Callable[[str], list[Width]], arguments: list[exp.Expression], hint: str
) -> str | None:
    form, values = arguments[0], arguments[1:]
    if not (isinstance(form, exp.Literal) and form.is_string):
        return f"the format of {name} is not a literal string, so the widths it asks for cannot be checked"
    try:
        widths = reader(form.this)
    except UncheckableFormatError as error:
        return f"{name}'s format uses {error}, which cannot be checked"
    for width in widths:
        if width.value is not None and width.value > MAX_WIDTH:
            return (
                f"{name}'s format asks for a width or precision of {width.value}; a width or count may"
                f" be at most {MAX_WIDTH}"
            )
        if width.argument is None:
            continue
        number = (
            literal_number(values[width.argument]) if width.argument < len(values) else 0.0
        )  # a missing argument: the engine reads 0 or refuses the call
        if number is None:
            return (
                f"{name}'s format takes a width or precision from its argument {width.argument + 2},"
                f" which is not a literal number; write one up to {MAX_WIDTH} (or {hint}(…, {MAX_WIDTH}))"
            )
        if abs(number) > MAX_WIDTH:
            return (
                f"{name}'s format takes a width or precision of {_shown(abs(number))} from its argument"
                f" {width.argument + 2}; a width or count may be at most {MAX_WIDTH}"
            )
    return None


def _shown(number: float) -> str:
    if math.isinf(number) or math.isnan(number):
        return "endless"
    return f"{number:.0f}" if number < 1e18 else f"{number:.3g}"
