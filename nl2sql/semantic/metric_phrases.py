"""How analysts shorten and vary the names of metrics, read generically from the model's own names.

* Other names for a table inside a metric's name: the model calls customers "accounts" and "clients"
  too, so "new accounts" and "paying clients" name what "new customers" and "paying customers" name.
* A Chinese count name without its 数: "取消订单数" is also said "取消订单" ("有效订单和取消订单分别有多少").
* "每类客户", "哪类产品": the kind of a thing is the dimension named its type (客户类型, 产品类别).
* A shared head word said once: "valid vs cancelled orders" names valid orders and cancelled orders,
  "有效和取消订单数" 有效订单数 and 取消订单数.
* A count of distinct things said with the things' own name: "活跃客户数", "active customers", where
  活跃 counts the distinct customers of orders and 客户 the customers: the noun says what 活跃 counts.
* A count that qualifies another metric rather than being asked for: "units per order *on valid
  orders*", "*有效订单*的客单价" ask for one metric that counts only valid orders already, not for the
  number of valid orders beside it.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("valid vs cancelled orders by channel in 2025", model).query.metrics
    ('valid_orders', 'cancelled_orders')
    >>> map_question("revenue of valid orders last month", model).query.metrics
    ('revenue',)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.model import Field, Metric, SemanticModel

ELIDED_EN = re.compile(r"\b([a-z][a-z-]+)\s*(?:vs\.?|versus|and|or|&|/|,)\s*$")
"""An adjective joined to the next metric's name, sharing its head word ("valid *vs* cancelled orders")."""
ELIDED_ZH = re.compile(r"([\u3400-\u9fff]{1,4})(?:和|与|及|跟|、|/|对比|vs)\s*$")
QUALIFIER_AFTER = re.compile(
    r"^\s*(?:on|of|from|for|among|across|over|in|within)\s+(?:the\s+|all\s+|our\s+)?$"
)
"""What stands between a metric and the count that qualifies it: "AOV *of* valid orders"."""
QUALIFIER_BEFORE = re.compile(r"^\s*(?:的|里的?|中的?|里面的?|当中的?)?\s*$")
"""What stands between a count that qualifies a metric and the metric: "有效订单*的*客单价"."""


def name_variants(model: SemanticModel, phrases: set[str]) -> list[tuple[str, Metric]]:
    """(phrase, metric) for each metric name with a table's word replaced by another name of that
    table ("new customers" → "new accounts"), unless the phrase names something already.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> ("new accounts", "new_customers") in {
        ...     (phrase, metric.name) for phrase, metric in name_variants(demo_semantic_model(), set())}
        True
    """
    words: list[list[str]] = []
    for table in model.tables:
        names = [
            n.lower()
            for n in (table.name, *table.synonyms)
            if n.isascii() and re.fullmatch(r"[a-z]+", n.lower())
        ]
        singular = list(
            dict.fromkeys(n[:-1] if n.endswith("s") and not n.endswith("ss") else n for n in names)
        )
        if len(singular) > 1:
            words.append(singular)
    found: list[tuple[str, Metric]] = []
    for metric in model.metrics:
        for name in {n.lower() for n in metric.names if n.isascii()}:
            for group in words:
                for word in group:
                    pattern = re.compile(rf"\b{word}(s?)\b")
                    if not pattern.search(name):
                        continue
                    for other in group:
                        variant = pattern.sub(lambda m, o=other: o + m.group(1), name)
                        if variant not in phrases:
                            found.append((variant, metric))
    return found


def counts_without_suffix(
    text: str, matches: Sequence[Any], single: dict[str, tuple[str, object, str | None]]
) -> list[tuple[Any, int, Metric]]:
    """(table match, start, metric) for a Chinese count name said without its 数: "取消订单" for
    取消订单数, where 取消 is read as nothing else (in "已取消订单" it is a status, and 订单 the table)."""
    found = []
    occupied = [(m.start, m.end) for m in matches]
    for match in matches:
        if match.kind != "table":
            continue
        for size in range(4, 0, -1):
            start = match.start - size
            before = text[max(0, start) : match.start]
            if start < 0 or not re.fullmatch(r"[\u3400-\u9fff]+", before):
                continue
            if any(start < e and s < match.start for s, e in occupied):
                continue
            entry = single.get(before + text[match.start : match.end] + "数")
            if entry and entry[0] == "metric":
                found.append((match, start, entry[1]))
                break
    return found


def kind_phrases(model: SemanticModel, phrases: set[str]) -> list[tuple[str, Field]]:
    """(phrase, dimension) for "类" + a thing whose type a dimension is named ("客户类型" → "类客户",
    as in "每类客户"), unless the phrase names something already.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> ("类客户", "segment") in {(p, f.name) for p, f in kind_phrases(demo_semantic_model(), set())}
        True
    """
    found = []
    for field in model.fields:
        if field.kind != "dimension":
            continue
        for name in field.synonyms:
            kind = re.fullmatch(r"([\u3400-\u9fff]{2,4})(?:类型|类别)", name)
            if kind and "类" + kind.group(1) not in phrases:
                found.append(("类" + kind.group(1), field))
    return found


def elided_metrics(
    text: str, matches: Sequence[Any], single: dict[str, tuple[str, object, str | None]]
) -> list[tuple[int, int, object]]:
    """(start, end, metric) for each adjective that names a metric with the next metric's head word
    ("valid" in "valid vs cancelled orders"; "有效" in "有效和取消订单数"). ``single`` maps the model's
    phrases to (kind, target, value)."""
    found = []
    occupied = [(m.start, m.end) for m in matches]
    for match in matches:
        if match.kind != "metric":
            continue
        said = text[match.start : match.end]
        before = text[max(0, match.start - 24) : match.start]
        candidates: Iterable[tuple[int, int, str]]
        english = ELIDED_EN.search(before)
        if english and " " in said:
            head = said.split()[-1]
            start = match.start - len(before) + english.start(1)
            candidates = [(start, start + len(english.group(1)), f"{english.group(1)} {head}")]
        elif (chinese := ELIDED_ZH.search(before)) and _CJK.search(said):
            word = chinese.group(1)
            end = match.start - len(before) + chinese.end(1)
            candidates = [
                (end - size, end, word[-size:] + said[cut:])
                for size in range(len(word), 0, -1)
                for cut in range(1, len(said))
            ]
        else:
            continue
        for start, end, phrase in candidates:
            entry = single.get(phrase) or single.get(phrase.removesuffix("s"))
            values = [(m.start, m.end) for m in matches if m.kind == "value"]  # "cancelled vs completed"
            overlaps = any(start < e and s < end for s, e in occupied if (s, e) not in values)
            if entry and entry[0] == "metric" and entry[1] is not match.target and not overlaps:
                found.append((start, end, entry[1]))
                occupied.append((start, end))
                break
    return found


JOINER = re.compile(r"^\s*(?:和|与|及|跟|、|,|，|/|&|\band\b|\bvs\.?|\bversus\b)\s*$")


def filtered_counts(text: str, matches: Sequence[Any], model: SemanticModel) -> list[tuple[Any, Any, Metric]]:
    """(value match, table match, metric) for a value said right before its table ("已取消订单",
    "completed orders") that a count metric of the table is filtered on, joined to another metric
    ("有效订单和已取消订单"): one of the counts asked for side by side, not a filter on all of them."""
    found = []
    ordered = sorted(matches, key=lambda m: m.start)
    for value, table in itertools.pairwise(ordered):
        if value.kind != "value" or not 0 <= table.start - value.end <= 1:
            continue
        home = _counted_table(table, model)  # "订单" or "订单的数量": the rows of orders
        if home is None:
            continue
        neighbours = [
            m
            for m in ordered
            if m.kind == "metric"
            and (JOINER.match(text[m.end : value.start]) or JOINER.match(text[table.end : m.start]))
        ]
        if not neighbours or value.target.table != home:
            continue
        for metric in model.table(home).metrics:
            condition = re.fullmatch(r"\s*(\w+)\s*=\s*'([^']*)'\s*", metric.filter or "")
            if metric.counts_rows and condition and condition.groups() == (value.target.expr, value.value):
                found.append((value, table, metric))
                break
    return found


_DISTINCT_COUNT = re.compile(r"\s*COUNT\s*\(\s*DISTINCT\s+(?:\w+\.)?(\w+)\s*\)\s*", re.IGNORECASE)


def counted_nouns(text: str, matches: Sequence[Any], model: SemanticModel) -> list[tuple[Any, Any]]:
    """(metric match, noun match) for a metric counting distinct things said right before the rows of
    those things ("活跃客户", "active customers": 活跃 counts ``DISTINCT customer_id`` of orders, whose
    ``customer_id`` points at customers): the noun names what is counted, not a second count.

    Example:
        >>> from nl2sql.semantic.load import parse_model
        >>> from nl2sql.semantic.mapper import Match
        >>> model = parse_model('''
        ... tables:
        ...   - name: orders
        ...     metrics: [{name: active, expr: COUNT(DISTINCT customer_id), synonyms: [活跃]}]
        ...   - name: customers
        ...     metrics: [{name: customer_count, expr: COUNT(*), synonyms: [客户]}]
        ... relationships:
        ...   - {name: o_c, left_table: orders, right_table: customers,
        ...      relationship_columns: [{left_column: customer_id, right_column: customer_id}]}
        ... ''')
        >>> active = Match(0, 2, "metric", model.metric("active"))
        >>> customers = Match(2, 4, "metric", model.metric("customer_count"))
        >>> counted_nouns("活跃客户数", [active, customers], model) == [(active, customers)]
        True
    """
    found = []
    for first, noun in itertools.pairwise(sorted(matches, key=lambda m: m.start)):
        target = first.target
        if first.kind != "metric" or not isinstance(target, Metric):
            continue
        distinct = _DISTINCT_COUNT.fullmatch(target.expr)
        table = _counted_table(noun, model)
        if distinct is None or table is None or not re.fullmatch(r"\s?的?", text[first.end : noun.start]):
            continue
        if _points_at(model, target.table, distinct.group(1), table):
            found.append((first, noun))
    return found


def _points_at(model: SemanticModel, table: str, column: str, other: str) -> bool:
    """Whether ``column`` of ``table`` is the key a relationship joins ``other`` on."""
    wanted, ends = column.lower(), {table.lower(), other.lower()}
    for relationship in model.relationships:
        if {relationship.left_table.lower(), relationship.right_table.lower()} != ends:
            continue
        mine = 0 if relationship.left_table.lower() == table.lower() else 1
        if any(pair[mine].lower() == wanted for pair in relationship.columns):
            return True
    return False


def _counted_table(match: Any, model: SemanticModel) -> str | None:
    """The table a match names as rows to count: a table, or the plain row count of one."""
    if match.kind == "table":
        return str(match.target)
    target = match.target
    plain = isinstance(target, Metric) and target.counts_rows
    return target.table if match.kind == "metric" and plain and not target.filter else None


def qualifying_counts(text: str, matches: Sequence[Any], model: SemanticModel) -> set[str]:
    """Names of the count metrics that only qualify another metric named beside them: "AOV of valid
    orders" (the average order value counts valid orders only, as "valid orders" does), "有效订单的客单价".
    The two must share their condition and stand together with no "and" between them."""
    metrics = [m for m in matches if m.kind == "metric" and isinstance(m.target, Metric)]
    found = set()
    for count in metrics:
        if not count.target.counts_rows or not count.target.filter:
            continue
        for other in metrics:
            if other.target is count.target or _condition(other.target) != _condition(count.target):
                continue
            after = other.end <= count.start and QUALIFIER_AFTER.match(text[other.end : count.start])
            before = count.end <= other.start and QUALIFIER_BEFORE.match(text[count.end : other.start])
            if after or before:
                found.add(count.target.name)
    return found


def _condition(metric: Metric) -> str:
    """A metric's row condition, without table names and spaces (``status<>'cancelled'``)."""
    return re.sub(r"\b\w+\.", "", metric.filter or "").replace(" ", "").lower()
