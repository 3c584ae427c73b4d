"""The most (or least) common value of a dimension: "the most common hometown of teachers",
"最常见的国籍是什么", "哪个城市的客户最多". Such a question asks for the value; the count of rows that
ranks the values is only implied by "most common", so the answer shows the value alone (the reading still
says "top 1 by teacher count"). When the question names a count or a metric ("how many", "and the
number of", "订单数", "revenue"), the metric stays in the answer.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("What are the 3 most common return reasons?", model).query.ranking.values_only
    True
    >>> map_question("最常见的退货原因是什么？", model).query.ranking.values_only
    True
    >>> map_question("哪个城市的客户最多？", model).query.ranking.values_only
    True
    >>> map_question("哪个城市的客户最多，有多少个？", model).query.ranking.values_only
    False
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.query import SemanticQuery

MOST_COMMON = re.compile(
    r"\b(?:most|least)\s+(?:common(?:ly)?|frequent(?:ly)?|often|usual)\b|\bcommonest\b"
    r"|最(?:不?常(?:见|用|出现)?|普遍|频繁|多见|少见)"
)
"""Words that rank values by how often they occur: "most common", "least frequent", "最常见"."""
WHICH_MOST_ZH = re.compile(r"(?:哪(?:一|个|一个|家|位|种|类|座|国)|什么)[^，,。；;？?]{0,24}?最(?:多|少)")
"""Chinese "which … the most": "哪个城市的客户最多" (one value; "哪些" asks for several)."""
NAMED_COUNT = re.compile(
    r"how many|\bnumber\b|\bcounts?\b|\btally\b|\bfrequency\b|\boccurrences?\b|\btimes\b|#\s*of\b"
    r"|多少|几个|几家|几位|几次|数量|次数|频次|人数|个数|数目|各有|分别"
)
"""Words that ask for the count itself: then it is part of the answer."""


def most_common_span(text: str) -> tuple[int, int] | None:
    """Where ``text`` says "most common" (or "最常见"), if it does: words the reading explains.

    Example:
        >>> most_common_span("list the most common hometown of teachers")
        (9, 20)
        >>> most_common_span("the most expensive products") is None
        True
    """
    found = MOST_COMMON.search(text)
    return found.span() if found else None


def counted_rows(
    matches: Sequence[Any],
    groups: Sequence[str],
    model: SemanticModel,
    row_count: Callable[[str], str | None],
) -> str | None:
    """The count "most common" ranks by when no metric is named: of the rows of the grouped dimension's
    table, or of a table the question names that reaches it ("the most common category *of orders*");
    a table a value qualifies is a condition, not what is counted ("reasons for *Summit products*").
    ``row_count`` gives a table's row count metric; the counted table's match becomes ``counted``.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> counted_rows([], ["industry"], demo_semantic_model(), lambda table: f"{table}_rows")
        'customers_rows'
    """
    try:
        own = model.field(groups[0]).table if groups else None
    except KeyError:
        return None
    for match in matches:
        if match.kind != "table" or any(m.kind == "value" and 0 <= match.start - m.end <= 1 for m in matches):
            continue
        table = str(match.target)
        if (own is None or own.lower() in reachable(model, table)) and (metric := row_count(table)):
            match.kind = "counted"
            return metric
    return row_count(own) if own else None


def values_only(text: str, query: SemanticQuery, matches: Sequence[Any], model: SemanticModel) -> bool:
    """Whether ``query`` (read from ``text``) asks for the most or least common values alone: a ranking
    by a count of rows no word of the question names, said with "most common" or (one value) with
    "哪个…最多"; nothing else asked beside it (a share, a ratio, a comparison, a bound, an average).

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> from nl2sql.semantic.mapper import map_question
        >>> model = demo_semantic_model()
        >>> mapping = map_question("哪个城市的订单数最多？", model)
        >>> values_only("哪个城市的订单数最多？", mapping.query, mapping.matches, model)
        False
    """
    if query.intent != "metric" or query.ranking.direction == "none" or len(query.metrics) != 1:
        return False
    if query.share or query.ratio or query.having or query.per or query.comparison.kind != "none":
        return False
    if not (query.group_by or query.time_grain != "none" or query.periods or query.bands):
        return False
    if NAMED_COUNT.search(text) or any(m.kind == "metric" for m in matches):
        return False  # "the most common nationality and the number of people", "订单数最多"
    try:
        metric = model.metric(query.metrics[0])
    except KeyError:
        return False
    if "COUNT(" not in metric.expr.replace(" ", "").upper():
        return False  # an assumed metric (revenue) is shown: the reading is to be confirmed
    if MOST_COMMON.search(text):
        return True
    return query.ranking.n == 1 and bool(WHICH_MOST_ZH.search(text))
