"""Parse one SQL statement the way every part of explain/ reads it.

Exactly one statement is accepted; in dialects where a double-quoted word that names no column is a
string (SQLite, MySQL), such words become string literals, as the database reads them.

Example:
    >>> parse_statement('SELECT name FROM singer WHERE country = "France"', "sqlite",
    ...                 {"singer": {"name": "TEXT", "country": "TEXT"}}).sql("sqlite")
    "SELECT name FROM singer WHERE country = 'France'"
    >>> parse_statement("SELECT 1; SELECT 2", "sqlite")
    Traceback (most recent call last):
    ...
    explain.errors.UnparsableSQLError: 2 statements; expected one
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from explain.diagnostic import Diagnostic
from explain.errors import UnparsableSQLError
from explain.quirks import DIALECTS_WITH_DOUBLE_QUOTED_STRINGS, resolve_double_quoted_strings

_TOKEN = re.compile(r"<Token token_type: TokenType\.\w+, text: ([^,]*),.*?>")


def parse_statement(
    sql: str, dialect: str | None, mapping: dict[str, dict[str, str]] | None = None
) -> exp.Expression:
    """The one statement in ``sql``; raises :class:`UnparsableSQLError` (with its diagnostic) otherwise.

    Args:
        sql: the SQL text.
        dialect: the sqlglot dialect to read it in.
        mapping: ``{table: {column: type}}`` (``Schema.mapping()``), to resolve double-quoted strings.
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        raise UnparsableSQLError(_parse_diagnostic(sql, error)) from error
    if len(statements) != 1:
        message = (
            "there is no SQL statement" if not statements else f"{len(statements)} statements; expected one"
        )
        raise UnparsableSQLError(Diagnostic("statement-count", "error", message))
    statement = statements[0]
    if dialect in DIALECTS_WITH_DOUBLE_QUOTED_STRINGS and mapping is not None:
        statement = resolve_double_quoted_strings(statement, mapping)
    return statement


def _parse_diagnostic(sql: str, error: SqlglotError) -> Diagnostic:
    start = None
    if isinstance(error, ParseError) and error.errors:
        first = error.errors[0]
        start = _offset(sql, first.get("line"), first.get("col"))
        description = _TOKEN.sub(r"'\1'", first.get("description") or str(error))
    else:
        description = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Diagnostic("parse-error", "error", f"the SQL does not parse: {description}", start, None)


def _offset(sql: str, line: int | None, col: int | None) -> int | None:
    if not line or not col:
        return None
    lines = sql.splitlines(keepends=True)
    return sum(len(text) for text in lines[: line - 1]) + col - 1
