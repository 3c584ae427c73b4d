"""Read a listing question ("List the 10 most recent cancelled orders from customers in Chengdu, with
their amounts", "列出单价高于1.5万元的产品和它们的品牌") into the parts of a ``detail`` semantic query.

From the vocabulary matches the mapper found, it decides:

* the *subject*, the table whose rows are listed: the first table the question names from which every
  other table it needs is reachable without repeating rows (else the one table that reaches them all:
  "products in order 70000 with quantity" lists order items);
* the *fields* shown: columns and facts named, the fact behind a named metric ("refund" → the refund
  of each return), and the name of another table named ("customer" → the customer's name);
* thresholds ("over 100,000 yuan", "高于1.5万元") on the fact named just before them, else on the
  subject's first fact; row ids ("order 70000", "订单12345");
* an order: "10 most recent" / "最近10笔" (by the subject's date), "most expensive" / "单价最低的4款"
  (by the fact named).

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> question = "List all Networking products priced above 1000 yuan"
    >>> query = map_question(question, demo_semantic_model()).query
    >>> query.intent, query.subject, [(f.field, f.op, f.values) for f in query.filters]
    ('detail', 'products', [('category', '=', ('Networking',)), ('unit_price', '>', (1000,))])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nl2sql.semantic.listing import label_dimension
from nl2sql.semantic.model import Field, Metric, SemanticModel
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.query import Filter, Ranking
from nl2sql.semantic.time_words import chinese_number

THRESHOLD = re.compile(
    r"(?P<op>more than|greater than|higher than|bigger than|over|above|exceeding|in excess of|at least"
    r"|no less than|less than|fewer than|lower than|smaller than|under|below|at most|no more than"
    r"|超过|高于|大于|多于|不低于|不少于|至少|低于|少于|小于|不到|不足|不超过|不高于)"
    r"\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万|千|k\b|thousand\b|million\b)?\s*(?:元|块|yuan\b|rmb\b)?"
    r"(?:\s*(?P<inclusive>以上|以下))?"
)
OPERATORS = {
    word: op
    for op, words in (
        (">", "more than|greater than|higher than|bigger than|over|above|exceeding|in excess of"),
        (">", "超过|高于|大于|多于"),
        (">=", "at least|no less than|不低于|不少于|至少"),
        ("<", "less than|fewer than|lower than|smaller than|under|below|低于|少于|小于|不到|不足"),
        ("<=", "at most|no more than|不超过|不高于"),
    )
    for word in words.split("|")
}
UNITS = {"万": 10_000, "千": 1_000, "k": 1_000, "thousand": 1_000, "million": 1_000_000}
PRICED = re.compile(r"\b(?:priced|costing|cost|selling for)\s*$|价格|售价")
NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
RECENT = re.compile(
    rf"(?:\b{NUMBER}\s+)?(?:most recent|latest|newest)\b(?:\s+{NUMBER}\b)?"
    rf"|最近\s*{NUMBER}\s*(?:笔|个|条|单|次|位|家)(?![月天周年季])"
    rf"|最新的?\s*{NUMBER}?\s*(?:笔|个|条|单)?"
)
EARLIEST = re.compile(
    rf"(?:\b{NUMBER}\s+)?(?:oldest|earliest)\b|最早的?\s*{NUMBER}?\s*(?:笔|个|条|单|位|家)?"
)
PRICIEST = re.compile(
    rf"(?:\b{NUMBER}\s+)?(?:most expensive|priciest|dearest)\b|最贵的?\s*{NUMBER}?\s*(?:款|个|种)?"
)
CHEAPEST = re.compile(
    rf"(?:\b{NUMBER}\s+)?(?:cheapest|least expensive)\b|最便宜的?\s*{NUMBER}?\s*(?:款|个|种)?"
)
BIGGEST = re.compile(
    rf"(?:\b{NUMBER}\s+)?(?:biggest|largest)\b(?:\s+{NUMBER}\b)?|(?:金额)?最大的?\s*{NUMBER}\s*(?:笔|个|单)"
)
SMALLEST = re.compile(
    rf"(?:\b{NUMBER}\s+)?smallest\b(?:\s+{NUMBER}\b)?|(?:金额)?最小的?\s*{NUMBER}\s*(?:笔|个|单)"
)
"""Rows by size ("yesterday's 5 biggest orders"): ordered by the listed table's first fact (its amount)."""
FACT_ORDER = re.compile(
    rf"^\s*(?:(?P<top>最高|最大|最多)|(?P<bottom>最低|最小|最少))的?\s*{NUMBER}?\s*(?:款|个|种|笔|位)?"
)
ID_AFTER = r"\s*(?:#|no\.?|number|号)?\s*(\d{2,})"
BARE_DATE = re.compile(r"\bdates?\b|(?<![\u3400-\u9fff])日期")
"""A date asked for without saying which: in a listing, the listed rows' own (an order's order date)."""
FILLER = re.compile(
    r"\bnames?\b|名称|名字|名单|清单|\bwith (?:their|its|the)\b|给出|都有|有哪些|它们的?|它的"
)
"""Words a listing explains by itself: its rows show their names anyway."""


def asks_for_ordered_rows(text: str, matches: list) -> bool:
    """Whether ``text`` asks for a number of rows in an order ("the 5 most expensive products", "最近10笔
    订单", "单价最低的4款产品"), which makes it a listing even without "list".

    Example:
        >>> asks_for_ordered_rows("what are the 5 most expensive products?", [])
        True
        >>> asks_for_ordered_rows("which region had the most orders?", [])
        False
    """
    for pattern in (RECENT, EARLIEST, PRICIEST, CHEAPEST, BIGGEST, SMALLEST):
        found = pattern.search(text)
        if found and any(found.groups()):
            return True
    for match in matches:
        after = FACT_ORDER.match(text[match.end :]) if match.kind == "column" else None
        if after and match.target.kind == "fact" and after.group(3):  # a number: "最低的4款"
            return True
    return False


@dataclass
class ListingReading:
    """What a listing question asks for (see the module)."""

    subject: str
    fields: tuple[str, ...] = ()
    filters: tuple[Filter, ...] = ()
    ranking: Ranking = field(default_factory=Ranking)
    spans: list[tuple[int, int]] = field(default_factory=list)
    """The stretches of the question this reading explains (thresholds, ids, orders)."""


def read_listing(
    text: str, matches: list, model: SemanticModel, value_filters: list[Filter], named: list[str]
) -> ListingReading | None:
    """The listing ``text`` asks for, from the mapper's ``matches`` (None when no table can be listed
    with everything the question names, or a name it needs is ambiguous in the model)."""
    try:
        return _read_listing(text, matches, model, value_filters, named)
    except KeyError:
        return None


def _read_listing(
    text: str, matches: list, model: SemanticModel, value_filters: list[Filter], named: list[str]
) -> ListingReading | None:
    spans: list[tuple[int, int]] = [found.span() for found in FILLER.finditer(text)]
    shown: list[Field] = []
    named_tables: list[str] = []
    for match in matches:
        target = match.target
        if match.kind == "value" and names_own_rows(text[match.start : match.end], target, model):
            named_tables.append(target.table)  # "列出大客户": the customers of the Enterprise segment
        if match.kind in ("value", "related"):
            continue  # a filter already, or what the listed rows have or lack ("never ordered")
        if isinstance(target, str):  # a table, maybe marked as counted or grouped by the metric rules
            named_tables.append(target)
        elif isinstance(target, Field) and label_dimension(model.table(target.table)) is target:
            named_tables.append(target.table)
        elif isinstance(target, Field):
            shown.append(target)
        elif match.kind == "metric":
            fact = fact_of(match.target, model)
            counted = _counted_rows(match.target, model) if fact is None else None
            if fact is None and counted is None:
                return None
            if fact is not None:
                shown.append(fact)
            else:  # "cancelled orders": the orders whose status is cancelled
                named_tables.append(match.target.table)
                value_filters = [*value_filters, *counted]
    filters = list(value_filters)
    ids = _ids(text, model, spans)
    filters += ids
    needed = {f.table for f in shown} | {model.field(f.field).table for f in filters}
    needed |= {model.named_filter(n).table for n in named}
    subject = _subject(model, named_tables, needed)
    if subject is None:
        return None
    if not named_tables and not any(f.table == subject for f in shown):
        subject = _holder(model, subject, needed) or subject  # "显示器有哪些": the products in it
    own = model.table(subject).fields
    # "line items … with unit price": the price on the line, not the product's list price
    shown = [next((f for f in own if f.expr == s.expr and f.kind == s.kind), s) for s in shown]
    dates = model.table(subject).time_dimensions
    for found in BARE_DATE.finditer(text):  # "id, customer, date and amount": the row's own date
        if dates and not any(m.start < found.end() and found.start() < m.end for m in matches):
            shown.append(dates[0])
            spans.append(found.span())
    for table in dict.fromkeys(named_tables):
        label = label_dimension(model.table(table))
        if table != subject and label is not None:
            shown.append(label)
    thresholds = _thresholds(text, matches, model, subject, spans)
    if thresholds is None:
        return None
    ranking = _order(text, matches, model, subject, spans)
    if ranking is None:
        return None
    fields = [f.name for f in shown if not any(t.field == f.name for t in thresholds)]
    fields += [t.field for t in thresholds]
    return ListingReading(
        subject,
        tuple(dict.fromkeys(fields)),
        tuple(filters + thresholds),
        ranking,
        spans,
    )


def fact_of(metric: Metric, model: SemanticModel) -> Field | None:
    """The fact a sum or average metric adds up (``SUM(refund_amount)`` → ``refund``), if it is one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> fact_of(model.metric("refund_amount"), model).name, fact_of(model.metric("order_count"), model)
        ('refund', None)
    """
    found = re.fullmatch(r"\s*(?:SUM|AVG|MAX|MIN)\(\s*([A-Za-z_]\w*)\s*\)\s*", metric.expr, re.IGNORECASE)
    if not found:
        return None
    table = model.table(metric.table)
    return next((f for f in table.facts if f.expr == found.group(1)), None)


def _counted_rows(metric: Metric, model: SemanticModel) -> list[Filter] | None:
    """A row count with a simple filter ("cancelled orders": ``COUNT(*)`` where ``status = 'cancelled'``)
    as the filter a listing of those rows needs; None for anything else."""
    if metric.expr.replace(" ", "").upper() != "COUNT(*)":
        return None
    if not metric.filter:
        return []
    found = re.fullmatch(r"\s*(\w+)\s*(=|<>|!=)\s*'([^']*)'\s*", metric.filter)
    table = model.table(metric.table)
    column = next((d for d in table.dimensions if found and d.expr == found.group(1)), None)
    if found is None or column is None:
        return None
    return [Filter(column.name, "=" if found.group(2) == "=" else "!=", (found.group(3),))]


def names_own_rows(said: str, dimension: Field, model: SemanticModel) -> bool:
    """Whether a value is said with a name of its own table in it, and so names rows of that table:
    大客户 (客户), 中小企业 (企业) are customers; 显示器 is a category, not a product.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> names_own_rows("大客户", model.field("segment"), model)
        True
        >>> names_own_rows("显示器", model.field("category"), model)
        False
    """
    table = model.table(dimension.table)
    names = [n.lower() for n in (table.name, *table.synonyms) if len(n) >= 2]
    return said.lower() not in names and any(name in said.lower() for name in names)


def _subject(model: SemanticModel, named: list[str], needed: set[str]) -> str | None:
    """The table to list: the first one named that reaches all the others, else the table of something
    shown or filtered on that reaches all the others, else any table that does."""
    wanted = {t.lower() for t in [*named, *needed]}
    tables = [t.name for t in model.tables]
    for table in [*dict.fromkeys(named), *(t for t in tables if t in needed), *tables]:
        if wanted <= set(reachable(model, table)):
            return model.table(table).name
    return None


def _holder(model: SemanticModel, table: str, needed: set[str]) -> str | None:
    """The one table that points straight at ``table`` and reaches all ``needed`` (the products of a
    category), when a question names only a value of ``table``."""
    wanted = {t.lower() for t in needed}
    holders = {
        r.left_table
        for r in model.relationships
        if r.right_table.lower() == table.lower() and wanted <= set(reachable(model, r.left_table))
    }
    return model.table(holders.pop()).name if len(holders) == 1 else None


def names_row_ids(text: str, model: SemanticModel) -> bool:
    """Whether ``text`` names a row by its key ("order 70000", "订单12345").

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> names_row_ids("line items for order 45608", demo_semantic_model())
        True
    """
    return bool(_ids(text, model, []))


def _ids(text: str, model: SemanticModel, spans: list[tuple[int, int]]) -> list[Filter]:
    """ "order 70000", "订单12345": the row of that table with that key (its key must be a dimension)."""
    filters = []
    for table in model.tables:
        key = next((d for d in table.dimensions if d.expr in table.primary_key), None)
        if key is None:
            continue
        names = sorted({table.name.rstrip("s"), *table.synonyms}, key=len, reverse=True)
        pattern = "|".join(re.escape(n.lower()) for n in names if n)
        for found in re.finditer(rf"(?:{pattern})(?:s)?{ID_AFTER}", text):
            filters.append(Filter(key.name, "=", (int(found.group(1)),)))
            spans.append(found.span())
    return filters


def _thresholds(
    text: str, matches: list, model: SemanticModel, subject: str, spans: list[tuple[int, int]]
) -> list[Filter] | None:
    found = []
    for threshold in THRESHOLD.finditer(text):
        fact = _measured(text, threshold.start(), matches, model, subject)
        if fact is None:
            return None
        found.append(threshold_filter(threshold, fact))
        spans.append(threshold.span())
    return found


def threshold_filter(threshold: re.Match[str], fact: Field) -> Filter:
    """The row filter a :data:`THRESHOLD` found in a question puts on ``fact``.

    Example:
        >>> from nl2sql.semantic.model import Field
        >>> amount = Field("total_amount", "total_amount", "orders", kind="fact")
        >>> threshold_filter(THRESHOLD.search("orders above 50k"), amount)
        Filter(field='total_amount', op='>', values=(50000,))
        >>> threshold_filter(THRESHOLD.search("金额不低于5万的订单"), amount).op
        '>='

    """
    number = float(threshold.group("number").replace(",", ""))
    number *= UNITS.get((threshold.group("unit") or "").lower(), 1)
    value: int | float = int(number) if number.is_integer() else number
    op = OPERATORS[threshold.group("op")]
    if threshold.group("inclusive"):
        op = ">=" if threshold.group("inclusive") == "以上" else "<="
    return Filter(fact.name, op, (value,))


def _measured(text: str, start: int, matches: list, model: SemanticModel, subject: str) -> Field | None:
    """What a threshold is on: the fact (or a sum metric's fact) named just before it, a price when the
    words before say "priced", else the subject's first fact."""
    before = [m for m in matches if m.end <= start and start - m.end <= 12]
    for match in reversed(before):
        if match.kind == "column" and match.target.kind == "fact":
            return match.target
        if match.kind == "metric":
            return fact_of(match.target, model)
    facts = model.table(subject).facts
    if PRICED.search(text[max(0, start - 16) : start]):
        return next((f for f in facts if "price" in f.name), None)
    return facts[0] if facts else None


def _order(
    text: str, matches: list, model: SemanticModel, subject: str, spans: list[tuple[int, int]]
) -> Ranking | None:
    """The order and how many rows: "10 most recent", "最贵的3款", "单价最低的4款"."""
    table = model.table(subject)
    price = next((f for f in table.facts if "price" in f.name), table.facts[0] if table.facts else None)
    date = table.time_dimensions[0] if table.time_dimensions else None
    named = [fact_of(m.target, model) if m.kind == "metric" else m.target for m in matches]
    own = [f for f in named if isinstance(f, Field) and f.kind == "fact" and f.table == table.name]
    size = own[0] if own else (table.facts[0] if table.facts else None)  # "the 10 biggest refunds"
    for pattern, direction, by in (
        (RECENT, "top", date),
        (EARLIEST, "bottom", date),
        (PRICIEST, "top", price),
        (CHEAPEST, "bottom", price),
        (BIGGEST, "top", size),
        (SMALLEST, "bottom", size),
    ):
        found = pattern.search(text)
        if found:
            counted = pattern in (RECENT, EARLIEST, BIGGEST, SMALLEST)
            if by is None or (counted and not any(found.groups())):
                return None  # "the latest orders": how many is not said
            spans.append(found.span())
            return Ranking(direction, _count(found), by=by.name)
    for match in matches:
        if match.kind == "column" and match.target.kind == "fact":
            after = FACT_ORDER.match(text[match.end :])
            if after:
                spans.append((match.end, match.end + after.end()))
                direction = "top" if after.group("top") else "bottom"
                return Ranking(direction, _count(after), by=match.target.name)
    return Ranking()


def _count(found: re.Match) -> int:
    """The number of rows a cue asks for (one when it names none: "the most expensive product")."""
    for group in found.groups():
        if group and (group.isdigit() or re.fullmatch(r"[一二两三四五六七八九十]+", group)):
            return int(group) if group.isdigit() else chinese_number(group)
    return 1
