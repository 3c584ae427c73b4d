"""Which functions a query calls, and whether each may run: deny by default, per dialect.

Every function node of the sqlglot AST is named as the server will call it: the name as written in
the SQL (sqlglot records where each call's name stands), or, for syntax sqlglot reads as a
function node though the text names none (``CASE``, ``x::int``, ``AND``), sqlglot's name for the
node. The name must be on the dialect's list (:mod:`nl2sql.allowed_functions`) and not among the
known dangerous ones (:data:`explain.statement.DENIED_FUNCTIONS`), and the call must not go
through a schema name, which could reach a user-defined function. As a second look that does not
depend on how sqlglot builds its tree, every name followed by ``(`` in the token stream is checked
against the dangerous ones too. On DuckDB, a table named like a file or URL (``FROM 'x.csv'``)
is refused as well (:func:`file_table_reason`): DuckDB reads the file.

Example:
    >>> import sqlglot
    >>> sql = "SELECT COUNT(*), strftime('%Y', d) FROM t"
    >>> function_reason(sqlglot.parse_one(sql, read="sqlite"), sql, "sqlite") is None
    True
    >>> sql = "SELECT SLEEP(5)"
    >>> function_reason(sqlglot.parse_one(sql, read="mysql"), sql, "mysql")
    'the function SLEEP is not allowed (it makes the server wait or burn time)'
    >>> sql = "SELECT soundex(name) FROM t"
    >>> function_reason(sqlglot.parse_one(sql, read="sqlite"), sql, "sqlite")
    'the function SOUNDEX is not on the list of allowed functions for SQLite'
"""

from __future__ import annotations

import itertools

from sqlglot import exp, tokens
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError

from explain.statement import denied_function_reason
from nl2sql.allowed_functions import allowed_functions

DIALECT_NAMES = {"sqlite": "SQLite", "duckdb": "DuckDB", "postgres": "PostgreSQL", "mysql": "MySQL/MariaDB"}

_QUOTES = {'"': '"', "`": "`", "[": "]"}
_CALLABLE_TOKENS = {tokens.TokenType.VAR, tokens.TokenType.IDENTIFIER}
_PATH_CHARACTERS = frozenset("./\\:*?~%")


def called_name(node: exp.Func, sql: str | None = None, dialect: str | None = None) -> str:
    """The lower-case name of the function ``node`` calls: as written in ``sql`` where sqlglot
    recorded the call's position; else as ``dialect`` spells the node (``CHR(…)``); else, for
    syntax such as ``AND``, ``CASE`` or ``->``, sqlglot's name for the node.

    Example:
        >>> import sqlglot
        >>> sql = "SELECT IFNULL(a, 0), a::INT, POSITION('x' IN a) FROM t"
        >>> tree = sqlglot.parse_one(sql, read="postgres")
        >>> [called_name(f, sql, "postgres") for f in tree.find_all(exp.Func)]
        ['ifnull', 'cast', 'position']
    """
    start, end = node.meta.get("start"), node.meta.get("end")
    if sql is not None and isinstance(start, int) and isinstance(end, int):
        written = sql[start : end + 1]
        if written[:1] in _QUOTES and written.endswith(_QUOTES[written[0]]) and len(written) > 1:
            written = written[1:-1]
        return written.lower()
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if dialect is not None and not isinstance(node, exp.Connector):
        spelled = _spelled_name(node, dialect)
        if spelled:
            return spelled
    return node.sql_name().lower()


def _spelled_name(node: exp.Func, dialect: str) -> str | None:
    """The function name ``dialect`` writes ``node`` with, when it writes it as ``NAME(…)``."""
    try:
        stream = Dialect.get_or_raise(dialect).tokenize(node.sql(dialect=dialect))
    except SqlglotError:
        return None
    if len(stream) > 1 and stream[0].text[:1].isalpha() and stream[1].token_type == tokens.TokenType.L_PAREN:
        return stream[0].text.lower()
    return None


def function_reason(statement: exp.Expression, sql: str, dialect: str) -> str | None:
    """Why a function ``statement`` (parsed from ``sql``) calls may not run on ``dialect``, or None.

    Example:
        >>> import sqlglot
        >>> sql = "SELECT * FROM public.lower('x')"
        >>> function_reason(sqlglot.parse_one(sql, read="postgres"), sql, "postgres")
        'the function public.LOWER is called through a schema name, which can reach a user-defined function'
    """
    allowed = allowed_functions(dialect)
    for node in statement.find_all(exp.Func):
        name = called_name(node, sql, dialect)
        reason = denied_function_reason(name)
        if reason:
            return reason
        schema = _schema_of(node)
        if schema:
            return (
                f"the function {schema}.{name.upper()} is called through a schema name, which can"
                " reach a user-defined function"
            )
        if name not in allowed:
            return (
                f"the function {name.upper()} is not on the list of allowed functions for"
                f" {DIALECT_NAMES.get(dialect, dialect)}"
            )
    return _denied_token_call(sql, dialect)


def _schema_of(node: exp.Func) -> str | None:
    """The schema (or object) a call goes through: ``s.f()`` in an expression or in FROM."""
    parent = node.parent
    if isinstance(parent, exp.Dot) and parent.expression is node:
        return parent.this.sql()
    if isinstance(parent, exp.Table) and parent.this is node and (parent.args.get("db") or parent.catalog):
        return ".".join(part for part in (parent.catalog, parent.db) if part)
    return None


def _denied_token_call(sql: str, dialect: str) -> str | None:
    """A known dangerous name followed by ``(`` anywhere in the token stream, whatever the tree says."""
    try:
        stream = Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return None  # the parser has read this text already; nothing more to learn here
    for token, following in itertools.pairwise(stream):
        if token.token_type in _CALLABLE_TOKENS and following.token_type == tokens.TokenType.L_PAREN:
            reason = denied_function_reason(token.text)
            if reason:
                return reason
    return None


def file_table_reason(statement: exp.Expression, dialect: str) -> str | None:
    """On DuckDB, a table named like a path or URL, which DuckDB reads as a file; else None.

    Example:
        >>> import sqlglot
        >>> file_table_reason(sqlglot.parse_one("SELECT * FROM 'x.csv'", read="duckdb"), "duckdb")
        "the table 'x.csv' is named like a file or URL, which DuckDB would read"
    """
    if dialect != "duckdb":
        return None
    for table in statement.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # a table function: judged as a function
        for part in (table.name, table.db, table.catalog):
            if _PATH_CHARACTERS.intersection(part):
                return f"the table '{part}' is named like a file or URL, which DuckDB would read"
    return None
