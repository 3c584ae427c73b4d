"""SQL text the server might read differently from the gate: refused rather than guessed at.

The gate judges sqlglot's reading of the text, but the server runs the text itself. Where the two
readings can part, this module finds it, from the tokens sqlglot's tokenizer gives for the dialect
and the comments and white space between them:

- MySQL/MariaDB executable comments (``/*! … */``, ``/*!50000 … */``, ``/*M! … */``) and optimizer
  hints (``/*+ … */``, which pg_hint_plan also reads on PostgreSQL): the server runs or obeys what
  sqlglot reads as a comment;
- a comment opened inside a comment (engines nest them or not), a line comment with a lone
  carriage return, ``--`` followed by a non-ASCII space on MySQL/MariaDB, and any text between
  tokens that is neither white space nor a plain comment (sqlglot skips ``{# … #}`` as a template
  comment; no server does);
- a NUL character, where drivers and servers cut the text short;
- on MySQL/MariaDB, a double-quoted string (an identifier in ANSI_QUOTES mode) and a backslash in
  a string (an escape, or not in NO_BACKSLASH_ESCAPES mode); on PostgreSQL, a backslash in a
  string other than ``E'…'`` (its meaning follows ``standard_conforming_strings``).

Example:
    >>> ambiguous_text("SELECT 1 /*!, SLEEP(5) */", "mysql")
    'the SQL holds a MySQL/MariaDB executable comment (/*! … */ or /*M! … */), whose contents the server runs'
    >>> ambiguous_text("SELECT '/*! not a comment */' AS text -- a note", "mysql") is None
    True
"""

from __future__ import annotations

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

_SPACE = frozenset(" \t\n\r\f\v")

EXECUTABLE_COMMENT = (
    "the SQL holds a MySQL/MariaDB executable comment (/*! … */ or /*M! … */), whose contents the server runs"
)
HINT = "the SQL holds an optimizer hint (/*+ … */), which the server reads"
NESTED_COMMENT = "the SQL opens a comment inside a comment, which engines close in different places"
ANSI_QUOTES = (
    "a double-quoted string is an identifier when MySQL/MariaDB runs in ANSI_QUOTES mode; "
    "write strings in single quotes"
)
MYSQL_BACKSLASH = (
    "a backslash in a string is an escape or a plain character depending on the server's "
    "NO_BACKSLASH_ESCAPES mode; write the string without one"
)
POSTGRES_BACKSLASH = (
    "a backslash in a string is an escape or a plain character depending on the server's "
    "standard_conforming_strings setting; write the string without one, or as E'…'"
)


def ambiguous_text(sql: str, dialect: str) -> str | None:
    """Why the server might read ``sql`` differently from sqlglot's ``dialect``, or None.

    Text that does not tokenize is left to the parser, which refuses it (:mod:`nl2sql.safety` parses first).

    Example:
        >>> ambiguous_text('SELECT "abc"', "mysql") == ANSI_QUOTES
        True
        >>> ambiguous_text('SELECT "abc" FROM t', "sqlite") is None
        True
    """
    if "\x00" in sql:
        return "the SQL holds a NUL character, where drivers and servers cut the text short"
    try:
        stream = Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return None
    position = 0
    for token in stream:
        reason = _between_tokens(sql[position : token.start], dialect) or _token_reason(sql, token, dialect)
        if reason:
            return reason
        position = max(position, token.end + 1)
    return _between_tokens(sql[position:], dialect)


def _token_reason(sql: str, token: Token, dialect: str) -> str | None:
    raw = sql[token.start : token.end + 1]
    if token.token_type == TokenType.HINT:
        return HINT
    if dialect == "mysql" and token.token_type != TokenType.IDENTIFIER:
        first_quote = next((c for c in raw if c in "'\"`"), None)
        if first_quote == '"':
            return ANSI_QUOTES
        if "\\" in raw:
            return MYSQL_BACKSLASH
    if dialect == "postgres" and "\\" in raw and raw[:1] not in {"e", "E", "$", '"'}:
        return POSTGRES_BACKSLASH
    return None


def _between_tokens(gap: str, dialect: str) -> str | None:
    """Why ``gap``, the text between two tokens, is not just white space and plain comments."""
    at = 0
    while at < len(gap):
        if gap[at] in _SPACE:
            at += 1
        elif gap.startswith("/*", at):
            end = gap.find("*/", at + 2)
            body = gap[at + 2 : end if end >= 0 else len(gap)]
            if dialect == "mysql" and (body.startswith("!") or body.startswith("M!")):
                return EXECUTABLE_COMMENT
            if body.startswith("+"):
                return HINT
            if "/*" in body or end < 0:
                return NESTED_COMMENT
            at = end + 2
        elif gap.startswith("--", at) or (dialect == "mysql" and gap[at] == "#"):
            if dialect == "mysql" and gap[at] == "-" and at + 2 < len(gap) and not _boundary(gap[at + 2]):
                return "a '--' comment must be followed by an ASCII space on MySQL/MariaDB"
            end = gap.find("\n", at)
            end = len(gap) if end < 0 else end
            if "\r" in gap[at : end - 1]:
                return "a line comment holds a carriage return, which engines read differently"
            at = end
        else:
            return f"the SQL holds text that is neither SQL nor a plain comment ({gap[at : at + 12]!r})"
    return None


def _boundary(character: str) -> bool:
    return character in _SPACE or ord(character) < 32 or ord(character) == 127
