"""Read what was given away in discounts as the model's discount amount.

An analyst asks what discounts cost in verbs rather than by a metric's name: "how much did we *give
away in discounts*", "how much discount did we *give away* per category", "上个月*打折打掉了*多少钱". These
ask for the amount the discounts took off, the metric the model names "discount amount" (折扣金额). A
model without such a metric keeps the words unexplained.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("How much did we give away in discounts last month?", model).query.metrics
    ('discount_amount',)
    >>> map_question("上个月打折打掉了多少钱", model).query.metrics
    ('discount_amount',)
    >>> map_question("5月份折扣一共让出去多少钱", model).query.metrics
    ('discount_amount',)
"""

from __future__ import annotations

import re

from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.purchase_words import metric_named

GIVEN_AWAY = re.compile(
    r"\b(?:give|gives|gave|given|giving)\s+away\s+(?:in\s+|as\s+)?(?:discounts?|markdowns?)\b"
    r"|\b(?:discounts?|markdowns?)(?:\s+(?:amount|did|do|does|have|has|had|we|they|you|our|the))*"
    r"\s+(?:give|gave|given|giving)\s+away\b"
    r"|(?:打折|折扣)(?:一共|总共|总计|合计|共)?(?:(?:打|让)(?:掉|出去?)了?|让了?(?=多少))"
    r"|(?<![\u4e00-\u9fff])打掉了?(?=多少)"
)
"""Giving away in discounts ("give away in discounts", "discount did we give away", "打折打掉了",
"折扣一共让出去多少钱")."""
DISCOUNT_NAMES = ("discount amount", "discounts given", "discount given", "折扣金额", "打折金额")
"""Names of the metric that sums what discounts took off."""


def given_away(text: str, model: SemanticModel) -> list[tuple[int, int, Metric]]:
    """(start, end, metric) for each place ``text`` (normalized, lower case) speaks of giving away
    in discounts, when the model has a metric by one of :data:`DISCOUNT_NAMES`.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> found = given_away("how much discount did we give away", demo_semantic_model())
        >>> [(start, end, metric.name) for start, end, metric in found]
        [(9, 34, 'discount_amount')]
    """
    found = list(GIVEN_AWAY.finditer(text))
    metric = metric_named(model, DISCOUNT_NAMES) if found else None
    if metric is None:
        return []
    return [(*match.span(), metric) for match in found]
