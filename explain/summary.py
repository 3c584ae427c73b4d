"""One sentence that says what a query computes: its measures, grouping, main filters, order and limit.

Built from the structure of the query, in the words of :mod:`explain.phrases`: "counts the orders per
segment where …, highest orders first, top 10" / "按 segment 分组统计……的订单数，……取前 10 行".

Example:
    >>> import datetime
    >>> from explain.describe_expression import Describer
    >>> from explain.parse import parse_statement
    >>> from nl2sql.schema import Column, Schema, Table
    >>> products = Table("products", (Column("name", "TEXT"), Column("unit_price", "REAL")))
    >>> schema = Schema("sqlite", (products,))
    >>> tree = parse_statement("SELECT name FROM products ORDER BY unit_price DESC LIMIT 5", "sqlite")
    >>> summarize(tree, Describer(tree, schema, "en", datetime.date(2026, 1, 1)), set())
    'lists name of products, highest unit_price first, top 5'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.phrases import counted_noun, entity, join_clauses, join_list, phrase
from explain.query_parts import category, clause, conjuncts, is_group_key, set_branches

if TYPE_CHECKING:
    from explain.describe_expression import Describer

MAX_CONDITIONS = 4
"""Filters named in a summary; more are counted ("and 2 more conditions")."""
MAX_MEASURES = 3
"""Measures named in a summary; more are counted."""


def summarize(node: exp.Expression, describer: Describer, local: set[str]) -> str:
    """The summary clause of ``node`` (lower-case, no full stop: :func:`explain.phrases.sentence` makes
    it a sentence). Column descriptions are left out and no subquery gets a new number.

    Args:
        node: a query (SELECT, set operation, or a parenthesised one).
        describer: the describer of the statement ``node`` belongs to.
        local: lower-cased names of the CTEs in scope.

    Example:
        >>> import datetime, sqlglot
        >>> from explain.describe_expression import Describer
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("customers", (Column("segment", "TEXT"),)),))
        >>> tree = sqlglot.parse_one("SELECT segment, COUNT(*) FROM customers GROUP BY segment")
        >>> summarize(tree, Describer(tree, schema, "zh", datetime.date(2026, 1, 1)), set())
        '按 segment 分组统计客户数'
    """
    saved = describer.numbering, describer.inline_descriptions
    describer.numbering, describer.inline_descriptions = False, False
    try:
        while isinstance(node, exp.Subquery):
            node = node.this
        if isinstance(node, exp.SetOperation):
            return _set_operation(node, describer, local)
        if isinstance(node, exp.Select):
            with describer.entering(node, local):
                return _select(node, describer)
        return describer.sql(node)
    finally:
        describer.numbering, describer.inline_descriptions = saved


def _select(node: exp.Select, d: Describer) -> str:
    lang = d.lang
    rows = (counted_noun(lang, d.rows) if d.rows else None) or phrase(lang, "rows")
    projections = node.expressions
    kinds = [category(projection) for projection in projections]
    group = clause(node, exp.Group)
    keys = [d.key_label(key, node) for key in (group.expressions if group is not None else [])]
    per = phrase(lang, "summary_per", keys=join_list(lang, [label for label, _ in keys])) if keys else ""
    extra = [
        projection
        for projection, kind in zip(projections, kinds, strict=True)
        if kind == "plain" and not is_group_key(projection, keys)
    ]
    measures = [
        projection
        for projection, kind in zip(projections, kinds, strict=True)
        if kind != "plain" and not is_group_key(projection, keys)
    ]
    conditions = _conditions(clause(node, exp.Where), d)
    values = {
        "rows": rows,
        "per": per,
        "where_short": phrase(lang, "summary_where_short", conditions=conditions) if conditions else "",
        "where_long": phrase(lang, "summary_where_long", conditions=conditions, rows=rows)
        if conditions
        else "",
        "distinct": phrase(lang, "summary_distinct") if clause(node, exp.Distinct) is not None else "",
        "of": phrase(lang, "summary_of", table=entity(lang, d.rows, plural=True)) if d.rows else "",
    }
    if measures and not extra and len(measures) == 1 and _counts_rows(measures[0]):
        text = phrase(lang, "summary_count", count=d.count_rows(), **values)
    elif measures and not extra:
        names = [_measure_name(projection, d) for projection in measures]
        text = phrase(lang, "summary_compute", measures=_capped(lang, names, MAX_MEASURES), **values)
    else:
        labels = [d.projection_label(projection) for projection in projections]
        text = phrase(lang, "summary_list", columns=_capped(lang, labels, MAX_MEASURES + 2), **values)
    having = _conditions(clause(node, exp.Having), d)
    if having:
        text += phrase(lang, "summary_having", conditions=having)
    return text + _order_and_limit(node, d)


def _set_operation(node: exp.SetOperation, d: Describer, local: set[str]) -> str:
    lang = d.lang
    branches = set_branches(node)
    if isinstance(node, exp.Union):
        key = "summary_union" if node.args.get("distinct") else "summary_union_all"
    elif isinstance(node, exp.Intersect):
        key = "summary_intersect"
    else:
        key = "summary_except"
    if len(branches) == 2:
        first, second = (summarize(branch, d, local) for branch in branches)
        text = phrase(lang, key + "2", first=first, second=second)
    else:
        text = phrase(lang, key, n=len(branches) - (1 if key == "summary_except" else 0))
    return text + _order_and_limit(node, d)


def _conditions(where: exp.Expression | None, d: Describer) -> str:
    if where is None:
        return ""
    parts = [d.condition(part) for part in conjuncts(where.this)]
    if len(parts) > MAX_CONDITIONS:
        left = len(parts) - MAX_CONDITIONS + 1
        parts = [*parts[: MAX_CONDITIONS - 1], phrase(d.lang, "summary_more_conditions", n=left)]
    return join_clauses(d.lang, parts)


def _order_and_limit(node: exp.Query, d: Describer) -> str:
    lang = d.lang
    text = ""
    order = clause(node, exp.Order)
    descending = False
    if order is not None and order.expressions:
        first = order.expressions[0]
        label, expression = d.key_label(first.this, node)
        descending = bool(first.args.get("desc"))
        kind = d.kind(expression)
        if " " in label and not isinstance(expression, exp.Column):
            # a description ("the number of orders"), not a name: "sorted by …, highest first"
            text += phrase(lang, "summary_sorted", key=label, direction=d.direction(expression, descending))
        elif kind == "text":
            text += phrase(lang, "summary_asc", key=label)
        elif descending:
            text += phrase(lang, "summary_desc_date" if kind == "date" else "summary_desc", key=label)
        else:
            text += phrase(lang, f"summary_asc_{kind}", key=label)
    limit = clause(node, exp.Limit)
    if limit is not None and limit.expression is not None:
        n = d.value(limit.expression)
        if order is None:
            text += phrase(lang, "summary_first", n=n)
        else:
            text += phrase(lang, "summary_top_one" if n == "1" else "summary_top", n=n)
    return text


def _counts_rows(projection: exp.Expression) -> bool:
    node = projection.unalias()
    if not isinstance(node, exp.Count):
        return False
    argument = node.this
    return (
        argument is None
        or isinstance(argument, exp.Star)
        or (isinstance(argument, exp.Literal) and not argument.is_string)
    )


def _measure_name(projection: exp.Expression, d: Describer) -> str:
    if isinstance(projection, exp.Alias):
        return projection.alias
    return d.value(projection)


def _capped(lang: str, items: list[str], limit: int) -> str:
    if len(items) > limit:
        items = [*items[:limit], phrase(lang, "summary_more_measures", n=len(items) - limit)]
    return join_list(lang, items)
