"""Read an average per order or per customer of a total: "average discount amount per valid order".

A total (a sum or a count) asked "per order" or "per customer" is the total divided by how many
distinct orders (customers) it counts over: "上个月平均每笔有效订单打折打掉了多少钱" is the discount amount
over the valid orders of last month. The reading names the table whose rows are counted (the query's
``per``); the count of those rows named beside the total ("有效订单") is its denominator, not a metric of
its own, and the rows are no grouping ("per customer" is not "by customer").

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> question = "上个月平均每笔有效订单打折打掉了多少钱"
    >>> query = map_question(question, demo_semantic_model(), date(2026, 6, 15)).query
    >>> query.metrics, query.per, query.time_range
    (('discount_amount',), 'orders', 'last_month')
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from nl2sql.semantic.model import LogicalTable, SemanticModel
from nl2sql.semantic.query import SemanticQuery

PER_ROW = re.compile(
    r"\b(?:average|avg|mean)\b[^.?!]{0,40}?\b(?:per|an?|each|every)\s+(?:valid\s+|paying\s+|completed\s+)?"
    r"(?P<en>orders?|customers?|buyers?)\b(?!\s+(?:segment|type|group|tier|size|city|region|industry|channel"
    r"|level|status|date|id|name)s?\b)"
    r"|\b(?:per|each|every)\s+(?:valid\s+|paying\s+|completed\s+)?(?P<en2>orders?|customers?|buyers?)"
    r"\s+on\s+average\b"
    r"|平均每(?:一|个|笔|张|位|名)?(?:有效)?(?P<zh>订单|单|客户|顾客|买家)"
    r"|每(?:一|个|笔|张|位|名)?(?:有效)?(?P<zh2>订单|单|客户|顾客)平均"
)
"""An average per order or per customer ("average X per valid order", "orders per customer on average",
"平均每笔订单", "每个客户平均")."""
ROW_WORDS = {"order": ("order", "订单"), "customer": ("customer", "客户")}
"""The words of a counted row, and the names of the table it is a row of."""


def read_per_row(
    text: str, model: SemanticModel, metrics: list[str], groups: list[str]
) -> tuple[str | None, list[str], list[str], list[tuple[int, int]]]:
    """(the table averaged over, the metrics, the groupings, the span said) once ``text`` (normalized,
    lower case) asks for an average per order or per customer of a total among ``metrics``.

    Nothing is read (``None``, the metrics and groupings unchanged, no span) when no total is named,
    or the model has no such table.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> read_per_row("average revenue per customer in 2025", model, ["revenue"], ["customer"])
        ('customers', ['revenue'], [], [(0, 28)])
    """
    found = PER_ROW.search(text)
    if found is None:
        return None, metrics, groups, []
    word = next((w for w in found.group("en", "en2", "zh", "zh2") if w), "")
    kind = (
        "customer"
        if word.rstrip("s") in ("customer", "buyer") or word in ("客户", "顾客", "买家")
        else "order"
    )
    table = _table_named(model, ROW_WORDS[kind])
    if table is None:
        return None, metrics, groups, []
    counts = [name for name in metrics if _counts_rows(model, name, table.name)]
    totals = [name for name in metrics if name not in counts and _is_total(model, name)]
    if not totals:
        return None, metrics, groups, []
    kept_groups = [g for g in groups if not _dimension_of(model, g, table.name)]
    return table.name, totals, kept_groups, [found.span()]


def _table_named(model: SemanticModel, words: tuple[str, ...]) -> LogicalTable | None:
    """The table named or called by one of ``words`` (``orders``: "order", "订单")."""
    for table in model.tables:
        names = {table.name.lower(), table.name.lower().rstrip("s"), *(s.lower() for s in table.synonyms)}
        if names & set(words):
            return table
    return None


def _counts_rows(model: SemanticModel, name: str, table: str) -> bool:
    """Whether metric ``name`` counts the rows of ``table`` (the orders an average per order is over)."""
    metric = model.metric(name)
    return metric.table == table and metric.expr.replace(" ", "").upper() == "COUNT(*)"


def _is_total(model: SemanticModel, name: str) -> bool:
    """Whether metric ``name`` is a sum or a count (not a ratio, an average or a distinct count)."""
    metric = model.metric(name)
    if metric.per:
        return False
    try:
        tree = sqlglot.parse_one(metric.expr)
    except SqlglotError:
        return False
    return isinstance(tree, exp.Sum | exp.Count) and not isinstance(tree.this, exp.Distinct)


def _dimension_of(model: SemanticModel, name: str, table: str) -> bool:
    try:
        return model.field(name).table == table
    except KeyError:
        return False


def per_row_text(query: SemanticQuery, model: SemanticModel, *, lang: str = "en") -> str:
    """The average of ``query`` per row of a table in words; empty without one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> query = SemanticQuery(metrics=("discount_amount",), per="orders")
        >>> per_row_text(query, demo_semantic_model()), per_row_text(query, demo_semantic_model(), lang="zh")
        ('average per order (total ÷ number of distinct orders)', '平均每个订单（合计 ÷ 不同订单数）')
    """
    if not query.per or not model.has_table(query.per):
        return ""
    table = model.table(query.per)
    zh_name = next((s for s in table.synonyms if re.search(r"[\u4e00-\u9fff]", s)), table.name)
    if lang == "zh":
        return f"平均每个{zh_name}（合计 ÷ 不同{zh_name}数）"
    singular = table.name[:-1] if table.name.endswith("s") else table.name
    return f"average per {singular} (total ÷ number of distinct {table.name})"
