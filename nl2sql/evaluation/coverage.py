"""Whether a correction already covers a held-out question: the same query, or the same question, once
the values in them are set aside.

Spider often asks one query in two wordings, or the same question about another country; a correction of
one then answers the other by copying. A question no correction covers is where corrections have to
teach something beyond their own query. A question without SQL (one the data cannot answer) is covered
only by its own wording.

Example:
    >>> query_shape("SELECT name FROM singer WHERE age > 20") == query_shape(
    ...     "select name from singer where age > 30;")
    True
    >>> question_shape("Singers older than 20?", "SELECT name FROM singer WHERE age > 20")
    'singers older than #'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import Token, TokenType

from feedback.corrections import question_key, sql_key

VALUE_TOKENS = frozenset({TokenType.STRING, TokenType.NUMBER, TokenType.IDENTIFIER})
"""Tokens that are values: strings, numbers, and double-quoted names (Spider's gold SQL quotes its string
values with double quotes, which SQLite reads as a value when no column has that name)."""
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class Asked(Protocol):
    """A question with its gold SQL on a database (a Spider example, a business question)."""

    @property
    def db_id(self) -> str: ...

    @property
    def question(self) -> str: ...

    @property
    def sql(self) -> str | None:
        """None when the data cannot answer the question."""


def query_shape(sql: str, dialect: str = "sqlite") -> str:
    """``sql`` with every value replaced by ``?``, keywords and names in lower case, final ``;`` dropped.

    Example:
        >>> query_shape('SELECT COUNT(*) FROM cars WHERE maker = "ford";')
        'select count ( * ) from cars where maker = ?'
    """
    tokens = _tokens(sql, dialect)
    if tokens is None:
        return sql_key(sql)
    kept = [t for t in tokens if t.token_type != TokenType.SEMICOLON]
    return " ".join("?" if t.token_type in VALUE_TOKENS else t.text.casefold() for t in kept)


def question_shape(question: str, sql: str, dialect: str = "sqlite") -> str:
    """``question`` with the values its SQL uses, and any number, replaced by ``#``
    (:func:`feedback.corrections.question_key` otherwise).

    Example:
        >>> question_shape("How many cars does Ford make?", 'SELECT COUNT(*) FROM cars WHERE maker = "ford"')
        'how many cars does # make'
    """
    values = {t.text for t in _tokens(sql, dialect) or [] if t.token_type in VALUE_TOKENS and t.text.strip()}
    text = question
    for value in sorted(values, key=len, reverse=True):  # "New York City" before "New York"
        text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", "#", text, flags=re.IGNORECASE)
    return question_key(_NUMBER.sub("#", text))


def covers(correction: Asked, question: Asked) -> bool:
    """Whether ``correction`` has the query of ``question`` (values aside), or the question itself.

    Example:
        >>> from pathlib import Path
        >>> from feedback.datasets import TextToSQLExample
        >>> def asked(question, sql):
        ...     return TextToSQLExample("db", question, sql, Path("db.sqlite"))
        >>> france = asked("Singers from France?", "SELECT name FROM singer WHERE country = 'France'")
        >>> spain = asked("Who sings, from Spain?", "SELECT name FROM singer WHERE country = 'Spain'")
        >>> covers(france, spain), covers(france, asked("How many singers?", "SELECT COUNT(*) FROM singer"))
        (True, False)
        >>> covers(france, asked("Who will sing next year?", None))
        False
    """
    if correction.db_id != question.db_id:
        return False
    if correction.sql and question.sql and query_shape(correction.sql) == query_shape(question.sql):
        return True
    return question_shape(correction.question, correction.sql or "") == question_shape(
        question.question, question.sql or ""
    )


def covered_by(question: Asked, corrections: Iterable[Asked]) -> bool:
    """Whether any of ``corrections`` covers ``question``."""
    return any(covers(correction, question) for correction in corrections)


def _tokens(sql: str, dialect: str) -> list[Token] | None:
    try:
        return sqlglot.tokenize(sql, read=dialect)
    except SqlglotError:
        return None
