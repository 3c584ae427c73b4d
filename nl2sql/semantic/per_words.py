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

from nl2sql.semantic.cjk import has_chinese
from nl2sql.semantic.model import LogicalTable, SemanticModel
from nl2sql.semantic.query import SemanticQuery

PER_ROW = re.compile(
    r"\b(?:average|avg|mean)\b[^.?!]{0,40}?\b(?:per|an?|each|every)\s+"
    r"(?:valid\s+|paying\s+|completed\s+|active\s+)?"
    r"(?P<en>orders?|customers?|buyers?)\b(?!\s+(?:segment|type|group|tier|size|city|region|industry|channel"
    r"|level|status|date|id|name)s?\b)"
    r"|\b(?:per|each|every)\s+(?:valid\s+|paying\s+|completed\s+|active\s+)?"
    r"(?P<en2>orders?|customers?|buyers?)"
    r"\s+on\s+average\b"
    r"|\bper\s+(?:valid|paying|active|completed)\s+(?P<en3>orders?|customers?|buyers?)\b"
    r"|平均每(?:一|个|笔|张|位|名)?(?:有效)?(?P<zh>订单|单|客户|顾客|买家)"
    r"|每(?:一|个|笔|张|位|名)?(?:有效)?(?P<zh2>订单|单|客户|顾客)平均"
)
"""An average per order or per customer ("average X per valid order", "orders per customer on average",
"revenue per active customer", "平均每笔订单", "每个客户平均"); a plain "per customer" may be "by
customer"."""
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
    word = next((w for w in found.group("en", "en2", "en3", "zh", "zh2") if w), "")
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
    if not totals:  # "average discount per order": the discount amount per order, not the mean rate
        averaged = [_total_averaged(model, name) for name in metrics]
        totals = [total for total in averaged if total and total not in counts]
    named = _rows_named_before(text[: found.start()], model) if not totals else None
    if named is not None:  # "orders per active customer": the orders are counted
        totals = [named]
    if not totals:
        return None, metrics, groups, []
    kept = [name for name in counts if model.metric(name).filter]  # "per active customer": buyers only
    totals = [_over_rows_of(model, name, kept) for name in totals]
    if not all(_kept_alike(model, t, k) for k in kept for t in totals):
        return None, metrics, groups, []  # "returns per active customer": not over the buyers' rows
    kept_groups = [g for g in groups if not _names_rows_of(model, g, table)]
    return table.name, totals, kept_groups, [found.span()]


AVERAGING_WORDS = ("average", "avg", "mean", "平均")
"""Words that make a metric's name an average ("average discount", "平均折扣")."""


def _total_averaged(model: SemanticModel, name: str) -> str | None:
    """The total of the same thing as average metric ``name`` (one named with an averaging word), on the
    same table: asked per order, "average discount" is the discount amount per order, not the mean of
    the line items' discount rates. None when ``name`` is a total or no total is named alike.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> _total_averaged(model, "average_discount"), _total_averaged(model, "revenue")
        ('discount_amount', None)
    """
    metric = model.metric(name)
    if _is_total(model, name):
        return None
    things = {
        said.lower().removeprefix(word).strip()
        for said in metric.names
        for word in AVERAGING_WORDS
        if said.lower().startswith(word) and said.lower() != word
    }
    for other in model.metrics:
        if other.table != metric.table or other.name == name or not _is_total(model, other.name):
            continue
        if any(said.lower().startswith(thing) for said in other.names for thing in things if thing):
            return other.name
    return None


def _kept_alike(model: SemanticModel, total: str, count: str) -> bool:
    """Whether metric ``total`` keeps the rows filtered count ``count`` keeps (its filter, written on the
    count's table): "units sold per active customer" is, "returns per active customer" is not.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> _kept_alike(model, "units_sold", "active_customers")
        True
        >>> _kept_alike(model, "return_count", "active_customers")
        False
    """
    summed, counted = model.metric(total), model.metric(count)
    wanted = re.sub(r"\s+", " ", counted.filter or "").strip()
    said = re.sub(r"\s+", " ", summed.filter or "").strip()
    if summed.table == counted.table:
        return said == wanted
    return said.removeprefix(f"{counted.table}.") == wanted


def _rows_named_before(before: str, model: SemanticModel) -> str | None:
    """The row count of the table named by the word right before a per phrase ("*orders* per active
    customer"), if the model has one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> _rows_named_before("how many orders ", demo_semantic_model())
        'order_count'
    """
    word = re.search(r"([a-z]+)\s*$", before)
    table = _table_named(model, (word.group(1), word.group(1).removesuffix("s"))) if word else None
    if table is None:
        return None
    return next(
        (m.name for m in table.metrics if m.expr.replace(" ", "").upper() == "COUNT(*)" and not m.filter),
        None,
    )


def _table_named(model: SemanticModel, words: tuple[str, ...]) -> LogicalTable | None:
    """The table named or called by one of ``words`` (``orders``: "order", "订单")."""
    for table in model.tables:
        names = {table.name.lower(), table.name.lower().rstrip("s"), *(s.lower() for s in table.synonyms)}
        if names & set(words):
            return table
    return None


def _counts_rows(model: SemanticModel, name: str, table: str) -> bool:
    """Whether metric ``name`` counts the rows of ``table`` (the orders an average per order is over):
    a row count of the table, or a distinct count of its key on another ("active customers")."""
    metric = model.metric(name)
    expr = metric.expr.replace(" ", "").upper()
    if metric.table == table:
        return expr == "COUNT(*)"
    key = model.table(table).primary_key
    return len(key) == 1 and expr == f"COUNT(DISTINCT{key[0].upper()})"


def _over_rows_of(model: SemanticModel, name: str, counts: list[str]) -> str:
    """The total ``name`` taken over the rows a filtered count beside it keeps, when the model has it:
    "orders per active customer" counts the valid orders (the active customers' orders), not all.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> _over_rows_of(model, "order_count", ["active_customers"])
        'valid_orders'
        >>> _over_rows_of(model, "revenue", ["active_customers"])
        'revenue'
    """
    total = model.metric(name)
    for count in counts:
        kept = model.metric(count)
        if total.filter or kept.table != total.table:
            continue
        for other in model.metrics:
            if other.table == total.table and other.expr == total.expr and other.filter == kept.filter:
                return other.name
    return name


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


def _names_rows_of(model: SemanticModel, name: str, table: LogicalTable) -> bool:
    """Whether grouping ``name`` is the key or the label of ``table``'s rows: "per customer" is no "by
    customer", but "per customer by segment" keeps the segments.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> customers = model.table("customers")
        >>> _names_rows_of(model, "customer", customers), _names_rows_of(model, "segment", customers)
        (True, False)
    """
    try:
        field = model.field(name)
    except KeyError:
        return False
    if field.table != table.name:
        return False
    return field.expr in table.primary_key or (bool(table.dimensions) and table.dimensions[0] is field)


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
    zh_name = next((s for s in table.synonyms if has_chinese(s)), table.name)
    if lang == "zh":
        return f"平均每个{zh_name}（合计 ÷ 不同{zh_name}数）"
    singular = table.name[:-1] if table.name.endswith("s") else table.name
    return f"average per {singular} (total ÷ number of distinct {table.name})"
