"""The gate in front of every execution: only one read statement passes.

The decision is made on the sqlglot AST, never with patterns over the text: the statement must parse
as exactly one query (SELECT, WITH … SELECT, a set operation or VALUES), and no node anywhere in it
may write, lock, change settings or reach outside the database (:mod:`explain.statement`); every
function it calls must be on its dialect's list of functions that compute from their arguments
(:mod:`nl2sql.function_policy`, deny by default), and padding, repeating and formatting functions may
not be asked for huge widths (:mod:`nl2sql.width_policy`); and the server must read the text as sqlglot does:
executable comments and quoting that depends on server modes are refused
(:mod:`nl2sql.ambiguous_text`); tables of credentials and server internals are never read
(:mod:`nl2sql.catalog_policy`); text that cannot be parsed safely (NUL, not UTF-8, huge, nested too
deep) is refused before parsing (:mod:`nl2sql.input_checks`). The read-only connection of
:mod:`nl2sql.connect` is a second, independent wall.

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

from explain.statement import structure_reason
from nl2sql.ambiguous_text import ambiguous_text
from nl2sql.catalog_policy import catalog_reason
from nl2sql.errors import RefusedStatementError
from nl2sql.function_policy import file_table_reason, function_reason
from nl2sql.input_checks import sql_text_reason
from nl2sql.width_policy import width_reason

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
        >>> parse_single_statement("SELECT DATE_ADD(order_date) FROM orders", "mysql")
        Traceback (most recent call last):
        ...
        nl2sql.errors.RefusedStatementError: refused: the SQL does not parse (sqlglot raised AttributeError)
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RefusedStatementError(f"refused: the SQL does not parse ({first})") from error
    except (
        Exception
    ) as error:  # sqlglot itself fails on some input: MySQL's DATE_ADD(a) raises AttributeError
        raise RefusedStatementError(
            f"refused: the SQL does not parse (sqlglot raised {type(error).__name__})"
        ) from error
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

    Example:
        >>> try:
        ...     ensure_read_only("SELECT LOAD_FILE('/etc/passwd')", "mysql")
        ... except RefusedStatementError as error:
        ...     print(error)  # doctest: +ELLIPSIS
        refused: the function LOAD_FILE is not allowed (it reads or writes files on the server); ...
    """
    reason = sql_text_reason(sql, dialect)
    if reason:
        raise RefusedStatementError(f"refused: {reason}")
    statement = parse_single_statement(sql, dialect)
    reason = structure_reason(statement)
    if reason:
        raise RefusedStatementError(f"refused: {reason}; only a single read query (SELECT) may run")
    reason = ambiguous_text(sql, dialect)
    if reason:
        raise RefusedStatementError(f"refused: {reason}; the gate cannot be sure what the server would run")
    reason = function_reason(statement, sql, dialect)
    if reason:
        raise RefusedStatementError(
            f"refused: {reason}; only functions that compute from their arguments may run"
        )
    reason = width_reason(statement, sql, dialect)
    if reason:
        raise RefusedStatementError(f"refused: {reason}")
    reason = file_table_reason(statement, dialect)
    if reason:
        raise RefusedStatementError(f"refused: {reason}; only the database's own tables may be read")
    reason = catalog_reason(statement, dialect)
    if reason:
        raise RefusedStatementError(f"refused: {reason}")
    return statement
