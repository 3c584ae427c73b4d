"""Rows of a table kept by a bound on a metric of each: "Which customers spent more than 500k with us in
Q2? name, segment and revenue", "去年消费超过30万的中小企业客户有哪些？列名称、城市和消费金额".

Such a question lists rows (customers) but keeps them by a figure summed over other rows (each
customer's revenue), so it is read as that metric grouped by the table's name, with a ``having`` bound,
and the table's own attributes asked for ("segment", "城市") as further groupings: one value per row, so
they add columns without splitting a row. The bound must stand right beside the metric it bounds, or
beside a spending verb ("spent more than", "消费超过"), which is the model's spending metric; a bound
beside a table or a fact ("orders over 120,000") bounds single rows and is read elsewhere.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> question = "Which customers spent more than 500k with us in Q2? name, segment"
    >>> query = map_question(question, demo_semantic_model()).query
    >>> query.metrics, query.group_by, query.having
    (('revenue',), ('customer', 'segment'), (Threshold(metric='revenue', op='>', value=500000.0),))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nl2sql.semantic.cjk import has_chinese
from nl2sql.semantic.listing import label_dimension
from nl2sql.semantic.listing_words import FILLER, OPERATORS, THRESHOLD, UNITS
from nl2sql.semantic.model import Field, LogicalTable, SemanticModel
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.purchase_words import PURCHASE, SPEND_NAMES, metric_named
from nl2sql.semantic.query import Threshold

WHICH_EN = re.compile(r"\b(?:which|what)\s+(?:of\s+(?:our|the|my)\s+)?(?P<word>[a-z]+)")
"""Rows asked for in English: "which customers"."""
WHICH_WORDS = 3
"""How many words after "which" may name the rows ("which SMB customers")."""
WHICH_ZH = re.compile(r"(?:有|是)?哪些|哪几(?:个|家|位|款|种)")
"""Rows asked for in Chinese: "哪些客户", "客户有哪些"."""
LISTED = re.compile(r"(?<![a-z])(?:show|list|with|incl(?:uding)?)\b|列出|列一下|列|给出|要")
"""Words that bring in the columns asked for ("name, segment and revenue", "列名称、城市")."""
COUNTER = re.compile(r"\s*(?:件|个|台|单|笔|位|家|次)")
"""A measure word after a bound's number ("超过500件")."""
PERCENT = re.compile(r"\s*(?:%|percent\b|百分)")
METRIC_GAP_BEFORE = 12
METRIC_GAP_AFTER = 4
VERB_GAP = 3
"""How close a metric's name or a spending verb must stand to the bound it is bounded by."""


@dataclass
class BoundedGroups:
    """The rows of ``table`` kept by bounds on a metric of each (see the module)."""

    table: str
    metric: str
    groups: tuple[str, ...]
    """The table's name, then its attributes asked for."""
    having: tuple[Threshold, ...]
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Where the bounds, the spending verb and the words of a listing are said."""


def read_bounded_groups(text: str, matches: list, model: SemanticModel) -> BoundedGroups | None:
    """The reading of ``text`` as rows kept by a bound on a metric of each, or None when it asks no
    such thing (no rows asked for, no bound beside a metric or spending verb).

    ``matches`` are the mapper's vocabulary matches (with ``start``, ``end``, ``kind`` and ``target``).
    """
    table = _asked_rows(text, matches, model)
    label = label_dimension(table) if table is not None else None
    if table is None or label is None:
        return None
    having, spans = [], []
    for found in THRESHOLD.finditer(text):
        bounded = _bounded_metric(text, found, matches, model)
        if bounded is None:
            continue
        if PERCENT.match(text, found.end()):  # "margin under 15%": a rate's scale is not read here
            return None
        if OPERATORS[found.group("op")] in ("<", "<=") or found.group("inclusive") == "以下":
            return None  # "sold fewer than 50": the rows with none at all are no group, yet they qualify
        metric, verb = bounded
        if metric not in reachable_metrics(model, table):
            return None
        having.append(_threshold(found, metric))
        counted = COUNTER.match(text, found.end())  # "超过500件"
        spans += [(found.start(), counted.end() if counted else found.end()), *([verb] if verb else [])]
    if not having or len({bound.metric for bound in having}) > 1:
        return None
    attributes = [
        m.target.name
        for m in matches
        if m.kind == "dimension"
        and isinstance(m.target, Field)
        and m.target.name != label.name
        and m.target.table.lower() in reachable(model, table.name)
    ]
    spans += [found.span() for pattern in (FILLER, LISTED, WHICH_ZH) for found in pattern.finditer(text)]
    groups = tuple(dict.fromkeys([label.name, *attributes]))
    return BoundedGroups(table.name, having[0].metric, groups, tuple(having), spans)


def reachable_metrics(model: SemanticModel, table: LogicalTable) -> set[str]:
    """The metrics that can be grouped by ``table``'s rows: those of tables that reach it many-to-one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> "revenue" in reachable_metrics(model, model.table("customers"))
        True
        >>> "customer_count" in reachable_metrics(model, model.table("products"))
        False
    """
    return {
        metric.name
        for other in model.tables
        if table.name.lower() in reachable(model, other.name)
        for metric in other.metrics
    }


def _asked_rows(text: str, matches: list, model: SemanticModel) -> LogicalTable | None:
    """The table whose rows the question asks for: "which *customers*", "哪些*产品*", "*客户*有哪些"."""
    for found in WHICH_EN.finditer(text):  # "which customers", "which SMB customers in Beijing"
        for word in list(re.finditer(r"[a-z]+", text[found.start("word") :]))[:WHICH_WORDS]:
            at = found.start("word") + word.start()
            table = _table_at(at, None, matches, model) or _table_named(word.group(), model)
            if table is not None:
                return table
    for found in WHICH_ZH.finditer(text):
        before, after = text[: found.start()].rstrip("的 "), text[found.end() :]
        table = _table_at(found.end() + len(after) - len(after.lstrip()), len(before), matches, model)
        if table is not None:
            return table
        for table in model.tables:
            names = [n for n in (table.name, *table.synonyms) if has_chinese(n)]
            if any(before.endswith(n) or after.lstrip().startswith(n) for n in names):
                return table
    return None


def _table_at(start: int, end: int | None, matches: list, model: SemanticModel) -> LogicalTable | None:
    """The table a vocabulary match starting at ``start`` (or ending at ``end``) names: a table, or the
    dimension that names its rows ("产品")."""
    for match in matches:
        if match.start != start and match.end != end:
            continue
        if isinstance(match.target, str) and match.kind in ("table", "grouped_table"):
            return next((t for t in model.tables if t.name.lower() == match.target.lower()), None)
        if isinstance(match.target, Field) and match.kind in ("dimension", "grouped"):
            table = model.table(match.target.table)
            label = label_dimension(table)
            if label is not None and label.name == match.target.name:
                return table
    return None


def _table_named(word: str, model: SemanticModel) -> LogicalTable | None:
    for table in model.tables:
        names = {n.lower() for n in (table.name, *table.synonyms)}
        if word in names or word.removesuffix("s") in names:
            return table
    return None


def _bounded_metric(
    text: str, found: re.Match[str], matches: list, model: SemanticModel
) -> tuple[str, tuple[int, int] | None] | None:
    """The metric a bound is on, and the spending verb that names it (None when a metric's name does):
    a metric named right after or right before the bound, else a spending verb right before it (a buying
    verb when the bound is an amount of money: "bought more than 200k")."""
    metrics = [m for m in matches if m.kind == "metric"]
    after = [m for m in metrics if 0 <= m.start - found.end() <= METRIC_GAP_AFTER]
    before = [m for m in metrics if 0 <= found.start() - m.end <= METRIC_GAP_BEFORE]
    if after or before:
        return (after[0] if after else before[-1]).target.name, None
    spend = metric_named(model, SPEND_NAMES)
    verbs = [v for v in PURCHASE.finditer(text) if 0 <= found.start() - v.end() <= VERB_GAP]
    if spend is None or not verbs:
        return None
    money = found.group("unit") or re.search(r"元|块|yuan|rmb", found.group())
    if not (money or re.search(r"spen[dt]|spending|消费", verbs[-1].group())):  # "bought more than 10"
        return None
    return spend.name, verbs[-1].span()


def _threshold(found: re.Match[str], metric: str) -> Threshold:
    """The bound a :data:`THRESHOLD` match says on ``metric``."""
    number = float(found.group("number").replace(",", ""))
    number *= UNITS.get((found.group("unit") or "").lower(), 1)
    op = OPERATORS[found.group("op")]
    if found.group("inclusive"):
        op = ">=" if found.group("inclusive") == "以上" else "<="
    return Threshold(metric, op, number)
