"""The row limit applied in the SQL itself, so that the engine computes and sends at most ``cap`` rows.

Fetching fewer rows is not enough: PostgreSQL's and MariaDB's drivers receive the whole result before
the first fetch, and a sort or a join still builds all of it. The query keeps the user's own text (the
gate checked that the server reads it as sqlglot does); only where it ends changes, decided on the
parsed statement:

- no ``LIMIT`` on the outermost query: ``LIMIT cap`` is appended after its last token (a trailing
  comment or semicolon is dropped, so that it cannot swallow the limit);
- a literal ``LIMIT k`` with ``k <= cap``: left as it is; with ``k > cap``: ``k`` becomes ``cap`` (the
  number's own token is replaced, ``OFFSET`` and MySQL's ``LIMIT offset, k`` kept);
- any other ending (a computed limit, ``OFFSET`` alone, ``FETCH FIRST``): the query becomes a derived
  table, ``SELECT * FROM (…) AS chatbi_capped LIMIT cap``;
- statements that are neither a SELECT nor a set operation (``VALUES``): left as they are, and the
  fetch stops at ``cap`` rows.

Example:
    >>> import sqlglot
    >>> def capped(sql, dialect="sqlite"):
    ...     return cap_rows(sql, sqlglot.parse_one(sql, read=dialect), dialect, 11)
    >>> capped("SELECT name FROM t ORDER BY name -- all of them")
    'SELECT name FROM t ORDER BY name\\nLIMIT 11'
    >>> capped("SELECT name FROM t ORDER BY name;")
    'SELECT name FROM t ORDER BY name\\nLIMIT 11'
    >>> capped("SELECT name FROM t LIMIT 5")
    'SELECT name FROM t LIMIT 5'
    >>> capped("SELECT name FROM t LIMIT 500 OFFSET 20")
    'SELECT name FROM t LIMIT 11 OFFSET 20'
    >>> capped("SELECT name FROM t LIMIT 20, 500", "mysql")
    'SELECT name FROM t LIMIT 20, 11'
    >>> capped("SELECT name FROM t LIMIT 2 + 498")
    'SELECT * FROM (\\nSELECT name FROM t LIMIT 2 + 498\\n) AS chatbi_capped\\nLIMIT 11'
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

CAPPED_ALIAS = "chatbi_capped"


def cap_rows(sql: str, statement: exp.Expression, dialect: str, cap: int) -> str:
    """``sql`` rewritten so that the engine returns at most ``cap`` rows (see the module docstring).

    Example:
        >>> import sqlglot
        >>> sql = "SELECT a FROM t UNION SELECT b FROM u"
        >>> cap_rows(sql, sqlglot.parse_one(sql), "postgres", 3)
        'SELECT a FROM t UNION SELECT b FROM u\\nLIMIT 3'
    """
    if not isinstance(statement, exp.Select | exp.SetOperation):
        return sql
    body = _without_trailer(sql, dialect)
    if body is None:
        return sql
    limit, offset = statement.args.get("limit"), statement.args.get("offset")
    if limit is None and offset is None:
        return f"{body}\nLIMIT {cap}"
    count = _literal_limit(limit)
    if count is not None and count <= cap:
        return sql
    lowered = _lowered_limit(sql, dialect, cap) if count is not None else None
    return lowered or f"SELECT * FROM (\n{body}\n) AS {CAPPED_ALIAS}\nLIMIT {cap}"


def _literal_limit(limit: exp.Expression | None) -> int | None:
    """The row count of ``LIMIT k`` when ``k`` is a plain integer literal, else None."""
    if not isinstance(limit, exp.Limit):
        return None
    count = limit.expression
    if isinstance(count, exp.Literal) and not count.is_string and count.this.isdigit():
        return int(count.this)
    return None


def _lowered_limit(sql: str, dialect: str, cap: int) -> str | None:
    """``sql`` with the number of its outermost ``LIMIT k`` replaced by ``cap``; None when the tokens do
    not read ``LIMIT <number>`` (or MySQL's ``LIMIT <offset>, <number>``) at bracket depth 0."""
    tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    depth, position = 0, None
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif token.token_type == TokenType.LIMIT and depth == 0:
            position = index
    if position is None:
        return None
    following = [t.token_type for t in tokens[position + 1 : position + 4]]
    if following[:3] == [TokenType.NUMBER, TokenType.COMMA, TokenType.NUMBER]:
        number = tokens[position + 3]
    elif following[:1] == [TokenType.NUMBER]:
        number = tokens[position + 1]
    else:
        return None
    return f"{sql[: number.start]}{cap}{sql[number.end + 1 :]}"


def _without_trailer(sql: str, dialect: str) -> str | None:
    """``sql`` up to the end of its last token that is not a semicolon (trailing comments dropped)."""
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return None
    meaningful = [token for token in tokens if token.token_type != TokenType.SEMICOLON]
    if not meaningful:
        return None
    return sql[: meaningful[-1].end + 1]
