"""The gate in front of every execution: only one read statement passes.

The decision is made on the sqlglot AST, never with patterns over the text: the statement must parse
as exactly one query (SELECT, WITH … SELECT, a set operation or VALUES), and no node anywhere in it
may write, lock, change settings, reach outside the database, or call a function with side effects.
The read-only connection of :mod:`nl2sql.connect` is a second, independent wall.

Example:
    >>> ensure_read_only("SELECT name FROM singer WHERE age > 30", "sqlite").sql()
    'SELECT name FROM singer WHERE age > 30'
    >>> try:
    ...     ensure_read_only("DROP TABLE singer", "sqlite")
    ... except RefusedStatementError as error:
    ...     print(error)
    refused: DROP changes the database; only a single read query (SELECT) may run
"""

from __future__ import annotations

import logging

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from explain.statement import write_reason
from nl2sql.errors import RefusedStatementError

logging.getLogger("sqlglot").setLevel(logging.ERROR)


def parse_single_statement(sql: str, dialect: str) -> exp.Expression:
    """Parse ``sql`` as exactly one statement in ``dialect``.

    Raises:
        RefusedStatementError: it does not parse, is empty, or holds several statements.

    Example:
        >>> parse_single_statement("SELECT 1; SELECT 2", "sqlite")
        Traceback (most recent call last):
        ...
        nl2sql.errors.RefusedStatementError: refused: 2 statements given; only a single read query may run
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RefusedStatementError(f"refused: the SQL does not parse ({first})") from error
    if not statements:
        raise RefusedStatementError("refused: there is no SQL statement to run")
    if len(statements) > 1:
        raise RefusedStatementError(
            f"refused: {len(statements)} statements given; only a single read query may run"
        )
    return statements[0]


def ensure_read_only(sql: str, dialect: str) -> exp.Expression:
    """Return the parsed statement if it is a single read query; raise otherwise.

    Raises:
        RefusedStatementError: with a one-line reason.
    """
    statement = parse_single_statement(sql, dialect)
    reason = write_reason(statement)
    if reason:
        raise RefusedStatementError(f"refused: {reason}; only a single read query (SELECT) may run")
    return statement
