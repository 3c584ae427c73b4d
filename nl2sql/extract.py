"""Find the SQL in a model's answer: a fenced block if there is one, else the text from the first
statement keyword on. Only text is cut here; judging the SQL is the AST's job downstream.

Example:
    >>> extract_sql("Here you go:\\n```sql\\nSELECT COUNT(*) FROM singer;\\n```\\nThis counts singers.")
    'SELECT COUNT(*) FROM singer'
    >>> extract_sql("SELECT name FROM singer")
    'SELECT name FROM singer'
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
