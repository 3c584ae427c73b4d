"""Which table and column a logged error names, read from its one-line message.

An answer's error is logged as text: the product's own checks (:mod:`explain.check`: ``no table
singers``, ``no column amout in orders``) or the database's words (SQLite ``no such column: o.amout``,
DuckDB ``Table with name x does not exist``, PostgreSQL ``column "x" does not exist``, MariaDB
``Unknown column 'x' in 'field list'``). The patterns below know those messages; an error that names
neither a table nor a column (a timeout, a refusal) names nothing.

Example:
    >>> error_names("the model could not write valid SQL: no column amout in orders; did you mean amount?")
    ErrorNames(table='orders', column='amout')
    >>> error_names("the database rejected the query: no such table: main.ordres")
    ErrorNames(table='ordres', column=None)
    >>> error_names("the query ran past its 30 s limit and was stopped")
    ErrorNames(table=None, column=None)
"""

from __future__ import annotations

import re
from typing import NamedTuple

_NAME = r"[\"'`\[]?(?P<{}>[\w.$]+)[\"'`\]]?"
PATTERNS = tuple(
    re.compile(pattern.format(table=_NAME.format("table"), column=_NAME.format("column")), re.IGNORECASE)
    for pattern in (
        # explain.check
        r"\bno table {table}",
        r"\bno column {column} in (?!the query's tables){table}(?:;|$)",
        r"\bno column {column} in ",
        r"\bcolumn {column} is ambiguous",
        # SQLite
        r"\bno such table: {table}",
        r"\bno such column: {column}",
        r"\bambiguous column name: {column}",
        # DuckDB
        r"\bTable with name {table} does not exist",
        r"\bTable {table} does not have a column named {column}",
        r"\bReferenced column {column} not found",
        # PostgreSQL
        r"\bcolumn {column} of relation {table} does not exist",
        r"\brelation {table} does not exist",
        r"\bcolumn {column} does not exist",
        r"\bcolumn reference {column} is ambiguous",
        # MySQL, MariaDB
        r"\bTable {table} doesn't exist",
        r"\bUnknown column {column} in",
    )
)
"""Messages naming a table (group ``table``) and/or a column (group ``column``), tried in order."""


class ErrorNames(NamedTuple):
    """The table and the column an error names (None where it names none)."""

    table: str | None
    column: str | None


def error_names(error: str | None) -> ErrorNames:
    """The table and column ``error`` names; a ``t.c`` column gives table ``t``, a ``main.t`` or
    ``shop.t`` table gives ``t``.

    Example:
        >>> error_names('the database rejected the query: column "o.amout" does not exist')
        ErrorNames(table='o', column='amout')
        >>> error_names(None)
        ErrorNames(table=None, column=None)
    """
    if not error:
        return ErrorNames(None, None)
    for pattern in PATTERNS:
        match = pattern.search(error)
        if match is None:
            continue
        found = match.groupdict()
        table, column = found.get("table"), found.get("column")
        if column and "." in column:
            qualifier, column = column.rsplit(".", 1)
            table = table or qualifier.rsplit(".", 1)[-1]
        if table and "." in table:
            table = table.rsplit(".", 1)[-1]
        return ErrorNames(table or None, column or None)
    return ErrorNames(None, None)
