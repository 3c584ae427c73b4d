"""Text a user hands in — a question or a query — checked before anything parses or prompts it.

Each problem is one line: empty, too long, a NUL character, text that was not UTF-8 (Python keeps the
bytes of such a command-line argument as lone surrogates), or brackets nested deeper than the parser
can follow (sqlglot and the explanation recurse per bracket; 3 000 of them raised RecursionError).
The depth is counted on sqlglot's tokens, so brackets inside strings and comments do not count.

Example:
    >>> check_question("  How many orders?  ")
    'How many orders?'
    >>> check_question("x" * 3000)
    Traceback (most recent call last):
    ...
    nl2sql.errors.BadInputError: the question is 3000 characters long; ask in at most 2000
    >>> sql_text_reason("SELECT ((1))", "sqlite") is None
    True
    >>> sql_text_reason("SELECT " + "(" * 300 + "1" + ")" * 300, "sqlite")
    'brackets nested 300 deep (at most 32)'
"""

from __future__ import annotations

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from nl2sql.errors import BadInputError, EmptyQuestionError

MAX_QUESTION_CHARS = 2_000
"""A question longer than this is refused (the model's context holds the schema, examples and it)."""
MAX_SQL_CHARS = 100_000
"""A query longer than this is refused before it is parsed."""
MAX_NESTING = 32
"""The deepest bracket nesting a query may have: far beyond hand-written SQL, well inside what the
parser and the explanation can recurse through."""


def check_question(question: str) -> str:
    """The question without surrounding white space, or a one-line error saying what is wrong with it.

    Raises:
        EmptyQuestionError: nothing but white space.
        BadInputError: too long, a NUL character, or not valid UTF-8.

    Example:
        >>> check_question("orders\\x00")
        Traceback (most recent call last):
        ...
        nl2sql.errors.BadInputError: the question contains a NUL character; type it again as plain text
    """
    if not isinstance(question, str) or not question.strip():
        raise EmptyQuestionError("the question is empty: ask something about the data")
    reason = _text_reason(question, "question", MAX_QUESTION_CHARS)
    if reason:
        raise BadInputError(reason)
    return question.strip()


def sql_text_reason(sql: str, dialect: str) -> str | None:
    """Why ``sql`` cannot be parsed safely (too long, NUL, not UTF-8, nested too deep); None when it can.

    Example:
        >>> sql_text_reason("SELECT '\\udcff'", "postgres")
        'the query is not valid UTF-8 text (byte 0xff)'
    """
    reason = _text_reason(sql, "query", MAX_SQL_CHARS)
    if reason:
        return reason
    depth = nesting_depth(sql, dialect)
    return f"brackets nested {depth} deep (at most {MAX_NESTING})" if depth > MAX_NESTING else None


def nesting_depth(sql: str, dialect: str) -> int:
    """The deepest bracket nesting of ``sql``'s tokens (0 when it does not tokenize: the parser says why).

    Example:
        >>> nesting_depth("SELECT f((1), '(((') FROM t -- ((", "sqlite")
        2
    """
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return 0
    depth = deepest = 0
    for token in tokens:
        if token.token_type in (TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE):
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type in (TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE):
            depth = max(0, depth - 1)
    return deepest


def _text_reason(text: str, what: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"the {what} is {len(text)} characters long; " + (
            f"ask in at most {limit}" if what == "question" else f"at most {limit} may run"
        )
    if "\x00" in text:
        return f"the {what} contains a NUL character; type it again as plain text"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = text[error.start]
        byte = f" (byte 0x{ord(bad) - 0xDC00:02x})" if 0xDC80 <= ord(bad) <= 0xDCFF else ""
        return f"the {what} is not valid UTF-8 text{byte}"
    return None
