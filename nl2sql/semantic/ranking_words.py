"""Rankings said through a value rather than a dimension: "the *best-selling monitor*", "*worst 3
printers*", "今年卖得*最差的5款手机*", "Pioneer 卖得*最好的*是哪款" rank the products among the monitors,
printers, phones or Pioneer's, though no one said "product".

The things ranked are the rows the value classifies, named by their label: a brand is a column of the
products (ranked: products); a category has a table of its own that products point to (ranked: the
products pointing to it). Values that classify rows named only by a key (a status of orders, a reason
of returns) rank nothing this way.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> query = map_question("worst 3 printers by units sold in 2025", demo_semantic_model()).query
    >>> query.group_by, (query.ranking.direction, query.ranking.n)
    (('product',), ('bottom', 3))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nl2sql.semantic.model import Field, SemanticModel

SUPERLATIVE = re.compile(
    r"\b(?:best|worst|top|bottom|highest|lowest|biggest|largest|smallest|most|least|fewest)\b"
    r"|最(?:好|差|多|少|高|低|大|小|畅销)|畅销|滞销"
)
"""A ranking word ("best-selling", "最差", "最畅销")."""
GAP_BEFORE = 16
"""How far a ranking word may stand before the value: "卖得最差的5款手机", "best-selling 3 monitors"."""
GAP_AFTER = 16
"""How far after: "Pioneer 去年卖得最好的是哪款"."""
RANKED_PERIOD = re.compile(
    r"\b(?:top|best|worst|biggest|busiest|highest|lowest|strongest|weakest|slowest|quietest)\s+"
    r"(?:day|week|month|quarter|year)\b(?!s)"
)
"""A ranked period named in the singular ("the best month of 2025"): one of it, not five."""
DESCENDING_ORDER = re.compile(
    r"(?:\b(?:sorted|sort|ordered|order|ranked|rank)\s+(?:by\s+[a-z]+\s+)?)?"
    r"(?:\bfrom\s+)?\b(?:the\s+)?(?:highest|high|biggest|largest|most|best|top)\s+"
    r"(?:first\b(?!\s+(?:quarter|half|week|month|day|year|\d))|to\s+(?:the\s+)?(?:lowest|low|smallest|least"
    r"|bottom|worst)\b)"
    r"|\b(?:in\s+)?descending(?:\s+order)?\b"
)
"""Rows sorted from the largest down ("highest first", "sorted high to low"): the order a breakdown
has anyway, not a cut to the top five."""


ASCENDING_ORDER = re.compile(
    r"(?:\b(?:sorted|sort|ordered|order|ranked|rank)\s+(?:by\s+[a-z]+\s+)?)?"
    r"(?:\bfrom\s+)?\b(?:the\s+)?(?:lowest|low|smallest|least|fewest|bottom|worst)\s+"
    r"(?:first\b(?!\s+(?:quarter|half|week|month|day|year|\d))|to\s+(?:the\s+)?(?:highest|high|biggest"
    r"|largest|most|top|best)\b)"
    r"|\b(?:in\s+)?ascending(?:\s+order)?\b|(?:从|由)(?:低到高|小到大|少到多)|升序|正序"
)
"""Rows sorted from the smallest up ("lowest first", "从低到高", "升序"): an order without a cut, which
no reading holds (a breakdown comes largest first)."""


def ascending_order_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` asks for its rows from the smallest value up.

    Example:
        >>> text = "各大区营收从低到高排一下"
        >>> [text[start:end] for start, end in ascending_order_spans(text)]
        ['从低到高']
        >>> ascending_order_spans("bottom 3 regions by revenue")
        []
    """
    return [found.span() for found in ASCENDING_ORDER.finditer(text)]


def descending_order_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` asks for its rows from the largest value down rather than for the top few.

    Example:
        >>> text = "revenue by region for q1, highest first"
        >>> [text[start:end] for start, end in descending_order_spans(text)]
        ['highest first']
        >>> descending_order_spans("top 3 regions by revenue")
        []
    """
    return [found.span() for found in DESCENDING_ORDER.finditer(text)]


def ranked_value_group(text: str, matches: Sequence[Any], model: SemanticModel) -> tuple[str, bool] | None:
    """The label dimension to rank by when a ranking word stands right beside a value and nothing
    is grouped ("the best-selling monitor" → ``product``), and whether the value is said in the
    singular (one of them is asked for); else None."""
    for match in matches:
        if match.kind != "value" or not isinstance(match.target, Field):
            continue
        before = text[max(0, match.start - GAP_BEFORE) : match.start]
        after = text[match.end : match.end + GAP_AFTER]
        near = [
            (match.start - len(before) + found.end(), match.start) for found in SUPERLATIVE.finditer(before)
        ] + [(match.end, match.end + found.start()) for found in SUPERLATIVE.finditer(after)]
        # "the highest revenue in East China": the ranking word is said of a metric, not of the value
        if not any(not _metric_between(matches, start, end) for start, end in near):
            continue
        label = _ranked_label(model, match.target)
        if label is not None:
            said = text[match.start : match.end]
            return label, said.isascii() and not said.endswith("s")
    return None


def _metric_between(matches: Sequence[Any], start: int, end: int) -> bool:
    return any(m.kind == "metric" and start <= m.start and m.end <= end for m in matches)


def _ranked_label(model: SemanticModel, value_of: Field) -> str | None:
    """The label of the rows ``value_of`` classifies: its own table's label when it is another column
    there (brand → product), else the label of the one table that points to its table (category →
    product); None when those rows have no label but their key."""
    own = model.table(value_of.table)
    label = _label(own)
    if label is not None and label is not value_of:
        return label.name
    pointing = [
        r.left_table
        for r in model.relationships
        if r.right_table.lower() == own.name.lower() and r.relationship_type == "many_to_one"
    ]
    if len(pointing) != 1:
        return None
    child = _label(model.table(pointing[0]))
    return child.name if child is not None else None


def _label(table: Any) -> Field | None:
    """A table's first dimension when it names the rows (not their key)."""
    if not table.dimensions:
        return None
    first = table.dimensions[0]
    return None if first.expr in table.primary_key else first
