"""The part of a ratio named by a table rather than a metric: "*returns* as a % of units sold".

A table said where a ratio's part stands means its rows measured like the whole: a sum of the same
column when the whole is one (units returned against units sold, both ``SUM(quantity)``), a count of
rows when the whole counts rows (returns against orders). When the table has no metric measured like
the whole ("returns as a % of revenue": returned units? refunds?), there is no telling which is meant.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model = demo_semantic_model()
    >>> like_measure(model, "returns", model.metric("units_sold"))
    'returned_units'
    >>> like_measure(model, "returns", model.metric("order_count"))
    'return_count'
    >>> like_measure(model, "returns", model.metric("revenue")) is None
    True
"""

from __future__ import annotations

from nl2sql.semantic.model import Metric, SemanticModel


def like_measure(model: SemanticModel, table: str, whole: Metric) -> str | None:
    """The metric of ``table`` measured like ``whole`` (the same aggregate of the same column, or a
    count of rows for a count of rows), when there is exactly one; None otherwise."""
    if whole.table.lower() == table.lower():
        return None
    wanted = _shape(whole.expr)
    found = [m.name for m in model.metrics if m.table.lower() == table.lower() and _shape(m.expr) == wanted]
    return found[0] if len(found) == 1 else None


def _shape(expr: str) -> str:
    """``expr`` without spaces or case: ``SUM(quantity)`` and ``sum( quantity )`` are the same measure."""
    return "".join(expr.split()).lower()
