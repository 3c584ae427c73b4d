"""The mean of a fact, asked for by "average" and the fact's name (or the name of a metric that adds the
fact up): "the average unit cost of Summit products", "Summit品牌产品的平均成本", "退款的平均值", "average
refund". A metric the model declares as the plain average of that fact answers it (the average order
value for "the average order amount"); else the fact's own mean over the rows of its table
(:func:`nl2sql.semantic.model.fact_average`). "Average … per order" is a total per row instead
(:mod:`nl2sql.semantic.per_words`), so it is left alone here.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("What's the average unit cost of Summit products?", model).query.metrics
    ('average_unit_cost',)
    >>> map_question("Summit品牌产品的平均成本是多少？", model).query.metrics
    ('average_unit_cost',)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nl2sql.semantic.listing_words import fact_of
from nl2sql.semantic.model import AVERAGE_OF, Field, Metric, SemanticModel

AVERAGE_BEFORE = re.compile(
    r"(?:\b(?:average|avg\.?|mean)\s+(?:of\s+)?(?:the\s+|our\s+|their\s+|its\s+)?|平均的?\s*)$"
)
""""average" right before a fact's name ("the average unit cost", "平均成本")."""
AVERAGE_AFTER = re.compile(r"^\s*的?(?:平均值|平均数|均值)")
"""The Chinese mean right after it ("成本的平均值")."""
PER_ROW = re.compile(r"^\s*(?:\bper\b|每)")
"""An average per something ("average quantity per order"): a total per row, not a mean of the fact."""


def fact_averages(text: str, matches: Sequence[Any], model: SemanticModel) -> list[tuple[int, int, Metric]]:
    """(start, end, metric) for each fact ``text`` (normalized, lower case) asks the average of.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> from nl2sql.semantic.mapper import Match
        >>> model = demo_semantic_model()
        >>> cost = model.field("unit_cost")
        >>> [(s, e, m.name) for s, e, m in fact_averages("the average unit cost", [Match(12, 21, "column", cost)], model)]
        [(4, 21, 'average_unit_cost')]
    """  # noqa: E501
    found = []
    for match in matches:
        fact = _fact(match, model)
        if fact is None:
            continue
        before = AVERAGE_BEFORE.search(text[max(0, match.start - 16) : match.start])
        after = AVERAGE_AFTER.match(text[match.end : match.end + 8])
        if not (before or after) or PER_ROW.match(text[match.end : match.end + 8]):
            continue
        metric = declared_average(fact, model)
        if metric is None:
            try:
                metric = model.metric(AVERAGE_OF + fact.name)
            except KeyError:
                continue  # a fact name two tables share
        start = match.start - len(before.group()) if before else match.start
        found.append((start, match.end + (after.end() if after else 0), metric))
    return found


def _fact(match: Any, model: SemanticModel) -> Field | None:
    """The fact ``match`` names: a fact, or a metric that adds one up over all its rows ("refunds":
    ``SUM(refund_amount)``; revenue, a sum over orders not cancelled, has no one mean of its own)."""
    target = match.target
    if match.kind == "column" and isinstance(target, Field) and target.kind == "fact":
        return target
    summed = isinstance(target, Metric) and target.expr.replace(" ", "").upper().startswith("SUM(")
    if match.kind == "metric" and summed and not target.filter:
        return fact_of(target, model)
    return None


def declared_average(fact: Field, model: SemanticModel) -> Metric | None:
    """A metric of the fact's table that is the plain average of the fact (with its own filter, such
    as leaving out cancelled orders), if the model declares one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> declared_average(model.field("total_amount"), model).name
        'average_order_value'
        >>> declared_average(model.field("unit_cost"), model) is None
        True
    """
    plain = f"AVG({fact.expr})".replace(" ", "").lower()
    for metric in model.table(fact.table).metrics:
        if metric.expr.replace(" ", "").lower() == plain and not metric.per:
            return metric
    return None
