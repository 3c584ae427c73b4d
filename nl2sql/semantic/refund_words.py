"""Read money paid back to customers as the model's refund amount.

An analyst asks about refunds in verbs rather than by the metric's name: "how much money *went back to
customers*", "how much did we *pay back*", "上季度退货一共*退了多少钱*". These ask for the money refunded,
the metric the model names "refund amount" (退款金额). Goods "sent back" are returned units, not money,
and are left to the model's names. A model without such a metric keeps the words unexplained.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("How much did we pay back to customers last month?", model).query.metrics
    ('refund_amount',)
    >>> map_question("上季度退货一共退了多少钱？", model).query.metrics
    ('refund_amount',)
"""

from __future__ import annotations

import re

from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.purchase_words import metric_named

PAID_BACK = re.compile(
    r"\b(?:went|go|goes|gone|going|paid|pay|pays|paying|gave|give|gives|given|giving|handed|hand)\s+back\b"
    r"(?:\s+to\s+(?:the\s+|our\s+)?(?:customers?|clients?|buyers?))?"
    r"|退(?:给客户|还给客户)?了?(?=(?:多少|几)(?:钱|块|元))|退(?:给客户|还给客户)了?(?=多少|几)"
)
"""Money going back to customers ("went back to customers", "paid back", "退了多少钱", "退给客户多少")."""
REFUND_NAMES = ("refund amount", "refunds", "退款金额")
"""Names of the metric that sums the money refunded."""


def paid_back(text: str, model: SemanticModel) -> list[tuple[int, int, Metric]]:
    """(start, end, metric) for each place ``text`` (normalized, lower case) speaks of money paid back to
    customers, when the model has a metric by one of :data:`REFUND_NAMES`.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> found = paid_back("how much money went back to customers", demo_semantic_model())
        >>> [(start, end, metric.name) for start, end, metric in found]
        [(15, 37, 'refund_amount')]
    """
    found = list(PAID_BACK.finditer(text))
    metric = metric_named(model, REFUND_NAMES) if found else None
    if metric is None:
        return []
    return [(*match.span(), metric) for match in found]
