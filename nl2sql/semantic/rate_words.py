"""Read the rate of a named condition on related rows: "churn rate", "流失率".

A named filter made of related rows compares two periods: "churned" is a customer with a valid order
in the period before and none in this one. Its rate is the share of the rows meeting the last
condition (no order now) among those meeting the others (an order before): the churned customers over
the customers active in the period before. The question names the condition by a stem of one of its
names followed by "rate" or "率" ("churn rate", "lapse rate", "流失率"); the rows counted are the
filter's table, by its count metric.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> query = map_question("上个季度的流失率", demo_semantic_model(), date(2026, 6, 15)).query
    >>> query.metrics, query.share, [(r.present, r.before, r.time_range) for r in query.related]
    (('customer_count',), True, [(True, True, 'last_quarter'), (False, False, 'last_quarter')])
"""

from __future__ import annotations

import re
from dataclasses import replace

from nl2sql.semantic.model import NamedFilter, SemanticModel
from nl2sql.semantic.query import SemanticQuery
from nl2sql.semantic.related_words import with_related


def read_rate(
    text: str, model: SemanticModel, query: SemanticQuery
) -> tuple[SemanticQuery, tuple[int, int]] | None:
    """``query`` as the rate of the named related-rows condition ``text`` (normalized, lower case) asks
    for, and where it is asked; ``None`` when it asks for none, or the condition's table has no count.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> read, span = read_rate("churn rate in 2025", model, SemanticQuery(time_range="2025"))
        >>> read.metrics, read.share, len(read.related), span
        (('customer_count',), True, 2, (0, 10))
    """
    if query.intent not in ("metric", "detail") or query.ratio:
        return None
    for item in (f for table in model.tables for f in table.filters if f.related):
        found = _rate_pattern(item).search(text)
        count = _count_metric(model, item.table)
        if found is None or count is None:
            continue
        if query.intent == "detail":  # "流失率" alone reads as a listing of churned customers: it is a rate
            query = replace(query, intent="metric", subject=None, fields=())
        if not any(r.present for r in query.related) or not query.related:
            query = replace(query, named_filters=tuple(dict.fromkeys([*query.named_filters, item.name])))
            query, _ = with_related(query, [], text, model)
        if not query.related or query.related[-1].present:
            return None
        metrics = query.metrics or (count,)
        return replace(query, metrics=metrics, share=True, ratio=False), found.span()
    return None


def asks_rate(text: str, model: SemanticModel) -> bool:
    """Whether ``text`` asks for the rate of a named related-rows condition ("churn rate").

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> asks_rate("流失率", demo_semantic_model()), asks_rate("churned customers", demo_semantic_model())
        (True, False)
    """
    items = (f for table in model.tables for f in table.filters if f.related)
    return any(_rate_pattern(item).search(text) for item in items)


def _rate_pattern(item: NamedFilter) -> re.Pattern[str]:
    """ "<stem> rate" or "<stem>率" for the names of ``item`` ("churned": "churn rate"; "流失": "流失率")."""
    stems = set()
    for name in (item.name, *item.synonyms):
        name = name.lower().removeprefix("已")
        stems.add(name)
        if re.fullmatch(r"[a-z ]+ed", name):
            stems |= {name[:-2], name[:-1]}
    words = sorted(stems, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![a-z])(?:{alternatives})(?:\s+rates?\b|\s*率)")


def _count_metric(model: SemanticModel, table: str) -> str | None:
    """The first metric of ``table`` that counts its rows (``COUNT(*)``)."""
    for metric in model.table(table).metrics:
        if metric.expr.replace(" ", "").upper() == "COUNT(*)" and not metric.filter:
            return metric.name
    return None
