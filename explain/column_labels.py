"""Readable headers for the computed columns of a result: ``COUNT(*)`` → "number of orders",
``SUM(CASE WHEN …)`` → "total of … where …", in English or Chinese. Named columns and aliases keep
their names; the result keeps its real column names too (only what is shown changes).

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("orders", (Column("status", "TEXT"), Column("total", "REAL"))),))
    >>> sql = "SELECT status, COUNT(*), SUM(total) AS revenue FROM orders GROUP BY status"
    >>> labels = column_labels(sql, schema)
    >>> label_of("COUNT(*)", labels), label_of("revenue", labels)
    ('number of rows', 'revenue')
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

if TYPE_CHECKING:
    from nl2sql.schema import Schema

MAX_LABEL = 60
"""Longer descriptions are cut with an ellipsis: a header is no paragraph."""


def column_labels(sql: str, schema: Schema, lang: str = "en") -> dict[str, str]:
    """Header text for each unnamed computed column of ``sql``'s result, keyed by
    :func:`expression_key` of the expression (the name the database gives such a column); empty when
    the SQL does not parse."""
    from explain.describe_expression import Describer

    try:
        tree = sqlglot.parse_one(sql, read=schema.dialect)
    except SqlglotError:
        return {}
    if not isinstance(tree, exp.Select):
        return {}
    describer = Describer(tree, schema, lang, datetime.date.today())
    labels = {}
    for projection in tree.selects:
        if isinstance(projection, exp.Alias | exp.Column | exp.Star):
            continue
        try:
            text = describer.value(projection)
        except Exception:  # a header falls back to the column's own name
            continue
        text = re.sub(r"^(?:the|a|an)\s+", "", text.strip())
        if len(text) > MAX_LABEL:
            text = text[: MAX_LABEL - 1].rstrip() + "…"
        labels[expression_key(projection.sql(dialect=schema.dialect))] = text
    return labels


def expression_key(text: str) -> str:
    """How a column named by its expression is matched: without spaces, case or quotes' style.

    Example:
        >>> expression_key("count( * )") == expression_key("COUNT(*)")
        True
    """
    return re.sub(r"\s+", "", text).replace('"', "").replace("`", "").casefold()


def label_of(column: str, labels: dict[str, str]) -> str:
    """The header for ``column``: its label when it is a computed one, else its own name."""
    return labels.get(expression_key(column), column)
