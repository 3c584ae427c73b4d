"""Literal values taken out of a correction before it leaves the log for training.

A correction carries what users typed: a customer's name, an e-mail address in a filter. Redacted, each
text literal of the SQL becomes a placeholder (``'value_1'``, ``'value_2'``, …) and the same text in the
question becomes the same placeholder, so the pair still teaches the shape of the query, not the data.
Numbers and dates stay: they are rarely personal, and a model learns date arithmetic from them.

Example:
    >>> question, sql = redact("Orders of Acme Corp since 2025-01-01?",
    ...     "SELECT id FROM orders WHERE customer = 'Acme Corp' AND day >= '2025-01-01'")
    >>> question
    'Orders of value_1 since 2025-01-01?'
    >>> sql
    "SELECT id FROM orders WHERE customer = 'value_1' AND day >= '2025-01-01'"
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

_KEPT = re.compile(r"^[\d\s:.+\-T/%]*$")
"""Literals made of digits and date punctuation only (dates, times, numbers as text) stay."""


def redact(question: str, sql: str, dialect: str = "sqlite") -> tuple[str, str]:
    """``question`` and ``sql`` with each text literal replaced by a placeholder (the same one in both).

    SQL that does not parse as one statement is not redacted but withheld: the SQL comes back empty.

    Example:
        >>> redact("Customers named O'Brien or Obi", "SELECT * FROM c WHERE name IN ('O''Brien', 'Obi')")
        ('Customers named value_1 or value_2', "SELECT * FROM c WHERE name IN ('value_1', 'value_2')")
        >>> redact("Anything", "SELECT 'unclosed")
        ('Anything', '')
    """
    try:
        statements = sqlglot.parse(sql, read=dialect)
    except SqlglotError:
        return question, ""
    if len(statements) != 1 or statements[0] is None:
        return question, ""
    placeholders: dict[str, str] = {}

    def placeholder(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Literal) and node.is_string and not _KEPT.match(node.this):
            name = placeholders.setdefault(node.this, f"value_{len(placeholders) + 1}")
            return exp.Literal.string(name)
        return node

    redacted = statements[0].transform(placeholder).sql(dialect=dialect)
    for value in sorted(placeholders, key=len, reverse=True):  # "New York City" before "New York"
        question = re.sub(re.escape(value), placeholders[value], question, flags=re.IGNORECASE)
    return question, redacted
