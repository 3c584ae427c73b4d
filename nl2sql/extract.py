"""Find the SQL in a model's answer: a fenced block if there is one, else the text from the first
statement keyword on. Only text is cut here; judging the SQL is the AST's job downstream.

Example:
    >>> extract_sql("Here you go:\\n```sql\\nSELECT COUNT(*) FROM singer;\\n```\\nThis counts singers.")
    'SELECT COUNT(*) FROM singer'
    >>> extract_sql("SELECT name FROM singer")
    'SELECT name FROM singer'

While the model writes, :class:`SQLStream` gives the SQL as it grows (what the panel shows).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_START = re.compile(
    r"\b(SELECT|WITH|INSERT|UPDATE|DELETE|REPLACE|MERGE|CREATE|DROP|ALTER|TRUNCATE|PRAGMA|ATTACH)\b",
    re.IGNORECASE,
)
"""Where a statement starts: reads, and writes too, so that a write is refused by name downstream."""


def extract_sql(text: str) -> str:
    """The SQL statement in ``text``, without trailing semicolons; ``""`` when there is none."""
    blocks = [(lang.lower(), body.strip()) for lang, body in _FENCE.findall(text)]
    sql_blocks = [
        body for lang, body in blocks if lang in {"sql", "sqlite", "postgresql", "mysql", ""} and body
    ]
    if sql_blocks:
        candidate = sql_blocks[0]
    else:
        match = _START.search(text)
        candidate = text[match.start() :] if match else ""
    return _first_statement(candidate).strip().rstrip(";").strip()


def _first_statement(sql: str) -> str:
    """Cut at the first semicolon outside quotes (a model sometimes adds prose or a second query)."""
    quote: str | None = None
    for index, char in enumerate(sql):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == ";":
            return sql[:index]
    return sql


class SQLStream:
    """The SQL of a model's answer while it is written: fed the answer's text piece by piece, it gives
    the SQL that piece added. What it gives, joined, is a prefix of :func:`extract_sql` of the whole
    answer (all of it once :meth:`finish` is called): the fence and its language tag are never given,
    and text that may still turn out to be a closing fence or trailing space is held back.

    Example:
        >>> stream = SQLStream()
        >>> [stream.feed(piece) for piece in ["```", "sql\\nSELECT", " name\\n", "FROM singer", "\\n``"]]
        ['', 'SELECT', ' name', '\\nFROM singer', '']
        >>> stream.feed("`"), stream.finish("```sql\\nSELECT name\\nFROM singer\\n```")
        ('', '')
        >>> stream.text
        'SELECT name\\nFROM singer'
    """

    def __init__(self) -> None:
        self.raw = ""
        """The answer's text so far."""
        self.text = ""
        """The SQL given so far."""
        self.diverged = False
        """True once the SQL read from the text no longer extends what was given (the model started
        over in another block): nothing more is given."""

    def feed(self, piece: str) -> str:
        """Add ``piece`` of the answer; the SQL it completes ("" when none yet)."""
        self.raw += piece
        return self._advance(_settled(extract_sql(self.raw)))

    def finish(self, text: str | None = None) -> str:
        """The answer is complete (``text``: the whole of it, when the writer trimmed it): the SQL held
        back until now."""
        return self._advance(extract_sql(self.raw if text is None else text))

    def _advance(self, sql: str) -> str:
        if self.diverged or not sql.startswith(self.text):
            self.diverged = self.diverged or not self.text.startswith(sql)
            return ""
        added, self.text = sql[len(self.text) :], sql
        return added


def _settled(sql: str) -> str:
    """``sql`` without the backticks at its end, which may be the start of the closing fence."""
    return sql.rstrip("`").rstrip()
