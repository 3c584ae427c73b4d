"""Read buying and spending verbs, and averages per order, as the metrics they stand for.

An analyst says what customers did rather than naming a metric: "how much did Enterprise customers
*spend*", "上季度大客户*消费*了多少钱" ask for revenue; "how many Retail customers *bought* from us",
"去年*买过东西*的客户有多少家" count the customers with a valid order (the model's buyers); beside a
named metric ("how many units did they *buy*", "*买得*最多的行业（按销售额）") the verb only says
whose the metric is. "平均每单几件" and "avg units per order" ask for a per-order average: the
model's metric named "units per order", with the count of orders as its denominator, not a metric of
its own.

The metrics are found by the names the model gives them, so a model without such a metric keeps the
question unexplained.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("How much did Enterprise customers spend with us last quarter?", model).query.metrics
    ('revenue',)
    >>> map_question("去年买过东西的金融行业客户有多少家", model).query.metrics
    ('active_customers',)
    >>> map_question("最近30天有效订单平均每单买几件？", model).query.metrics
    ('units_per_order',)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.paths import reachable

PURCHASE = re.compile(
    r"\b(?:spend|spends|spent|spending|buy|buys|bought|buying|purchase|purchases|purchased|purchasing)\b"
    r"|消费了?|购买了?|买(?:过|了|得|到)?(?:点)?(?:东西)?"
)
"""Verbs of buying and spending ("spent", "bought", "消费", "买过东西")."""
EARNED = re.compile(
    r"\b(?:what|how much(?: money)?)\s+(?:did|do|does|have|has)\s+(?:[a-z0-9'&-]+\s+){1,5}?"
    r"(?:gross|grossed|generate|generated"
    r"|(?:bring|brought|take|took|pull|pulled|rake|raked)\s+in)\b"
)
"""Takings asked with a verb ("what did we *bring in*", "how much money did we *take in*", "what did the
Distributor channel *bring in*"): revenue, when no metric is named. "Make" and "earn" are left out: they
may mean the profit."""
PLACED = re.compile(r"下过(?:订)?单|下(?:了|过)?(?:订)?单(?=的?客户|的?(?:公司|企业)|$|[，。？?！!,])")
"""Verbs of placing an order said of customers ("有多少家客户下过单", "下过单的客户"): beside a count of
customers they count the buyers; they are no amount of their own."""
RELATIVE = re.compile(r"\b(?:who|that|which|whose)\b[^,.;:?!，。；：？！]*$")
"""A verb in a relative clause ("customers *who* have bought"): it says which rows, not what is summed."""
COUNTED_VALUE = re.compile(r"(?:\bhow many|多少|几)\s*(?:个|件|台|部|款)?\s*$")
"""A count cue right before a value: "how many *tablets*", "多少台*笔记本*": its units are counted."""
HOW_MUCH_AFTER = re.compile(r"\s*了?\s*(?:多少|几)(?:钱|元|块钱?)?(?![家个位名款件台])")
"""How much right after the verb ("客户消费了多少"): an amount, not a count of who bought."""
UNIT_NAMES = ("units sold", "销量")
"""Names of the metric that counts the units bought: "how many tablets did they buy" counts units."""
SPEND_NAMES = ("spend", "spending", "消费金额", "消费额", "sales", "销售额")
"""Names of the metric that spending is: what customers spent is what the business sold."""
BUYER_NAMES = ("buyers", "purchasers", "customers who bought", "购买客户", "下单客户")
"""Names of the metric that counts buying customers."""
PER_ORDER = re.compile(
    r"(?:平均)?每(?:个|笔|一)?(?:有效)?(?:订)?单(?:平均)?(?:买|包含|含|有)?了?(?:几|多少)件(?:商品|产品|东西)?"
    r"|\b(?:average|avg|mean)\s+(?:number\s+of\s+)?(?:units|items)\s+(?:per|in\s+an?|for\s+each|per\s+each)"
    r"\s+(?:valid\s+)?(?:order|basket)\b"
    r"|\b(?:on average|average|avg)\b[^.?!]{0,30}?\b(?:units|items)\b[^.?!]{0,20}?\b(?:an?|each|per|every)\s+"
    r"(?:valid\s+)?order\s+(?:contains?|have|has|hold|holds|include|includes)\b"
)
"""A per-order average of units ("平均每单几件", "每个有效订单包含几件商品", "avg items in a basket")."""
PER_ORDER_NAMES = ("units per order", "每单件数")
GOODS_COUNTED = re.compile(r"((?:卖|买|售|销|购)(?:了|出|出去|掉|入)?(?:多少|几))(台|部|只|套|支|张)")
"""Units counted with a measure word of goods ("卖了多少台", "买了几部"): said as 件 everywhere else."""


def in_units(text: str) -> str:
    """``text`` with the measure words of goods after a count of sales written as 件, same length.

    Example:
        >>> in_units("本月卖了多少台笔记本电脑")
        '本月卖了多少件笔记本电脑'
    """
    return GOODS_COUNTED.sub(lambda found: found.group(1) + "件", text)


def metric_named(model: SemanticModel, names: Sequence[str]) -> Metric | None:
    """The metric of ``model`` one of ``names`` names (a name or synonym, any case), if any.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> metric_named(demo_semantic_model(), ["takings"]).name
        'revenue'
    """
    wanted = [name.lower() for name in names]
    for name in wanted:
        for metric in model.metrics:
            if name in {n.lower() for n in (*metric.names, metric.name.replace("_", " "))}:
                return metric
    return None


def _free(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return not any(span[0] < end and start < span[1] for start, end in taken)


def read_purchase(
    text: str,
    matches: Sequence[Any],
    taken: Sequence[tuple[int, int]],
    model: SemanticModel,
    metrics: list[str],
    counted: list[str],
) -> tuple[list[str], list[tuple[int, int]]]:
    """The metrics once the buying verbs of ``text`` are read, and where the verbs are.

    ``metrics`` are those named so far, ``counted`` the row counts among them that a count cue chose
    ("how many customers"). With no metric named, spending is revenue; a count of the customers table
    with a buying verb is the count of buyers; beside a named metric the verb is explained by it.
    """
    spans = [
        found.span()
        for found in PURCHASE.finditer(text)
        if _free(found.span(), taken) and not _spent_on_other_things(text, found.span(), taken)
    ]
    placed = [found.span() for found in PLACED.finditer(text) if _free(found.span(), taken)]
    earned = EARNED.search(text)
    spend = metric_named(model, SPEND_NAMES)
    if earned and spend is not None and not metrics:  # "what did we bring in yesterday"
        return [spend.name], [earned.span()]
    if not spans:
        return _placed_by_buyers(model, metrics, counted, placed)
    amount = any(HOW_MUCH_AFTER.match(text[end:]) for _, end in spans)
    if spend is not None and amount and (not metrics or set(metrics) <= set(counted)):  # "客户消费了多少"
        return [spend.name], spans
    units = metric_named(model, UNIT_NAMES)
    if units is not None and metrics and set(metrics) <= set(counted):  # "how many tablets did they buy"
        values = [
            m
            for m in matches
            if m.kind == "value" and COUNTED_VALUE.search(text[max(0, m.start - 12) : m.start])
        ]
        own = {model.metric(name).table.lower() for name in metrics}  # "how many Retail customers": them
        if any(m.target.table.lower() in set(reachable(model, units.table)) - own for m in values):
            return [units.name], spans
    buyers = _buyers_counted(model, metrics, counted)
    if buyers is not None:
        return [buyers], spans + placed
    if metrics:  # "customers who have bought from us, what % placed two orders": a condition, unread
        relative = [span for span in spans if _relative(text[: span[0]])]
        return metrics, [span for span in spans if span not in relative]
    return ([spend.name], spans) if spend is not None else (metrics, [])


def _buyers_counted(model: SemanticModel, metrics: list[str], counted: list[str]) -> str | None:
    """The model's count of buying customers when ``metrics`` are plain counts of customers a count cue
    chose ("how many customers … bought"), else None."""
    buyers = metric_named(model, BUYER_NAMES)
    if buyers is None or not metrics or not set(metrics) <= set(counted):
        return None
    counts = [_counted_key(model, name) for name in metrics]
    if any(key and re.search(rf"\bDISTINCT\s+{re.escape(key)}\b", buyers.expr, re.I) for key in counts):
        return buyers.name
    return None


def _placed_by_buyers(
    model: SemanticModel, metrics: list[str], counted: list[str], placed: list[tuple[int, int]]
) -> tuple[list[str], list[tuple[int, int]]]:
    """The metrics when the only verb is placing an order: a count of customers who did is the count
    of buyers ("西北区去年有多少家客户下过单"); anything else stays as it was.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> _placed_by_buyers(model, ["customer_count"], ["customer_count"], [(9, 12)])
        (['active_customers'], [(9, 12)])
        >>> _placed_by_buyers(model, ["order_count"], [], [(2, 4)])
        (['order_count'], [])
    """
    buyers = _buyers_counted(model, metrics, counted) if placed else None
    return ([buyers], placed) if buyers is not None else (metrics, [])


SPENT_ON = re.compile(r"\s+(?:on|for)\s+(?:(?:the|our|my|all|of|its|their)\s+)*([a-z][a-z'-]*)")
"""What spending is on ("spend *on* marketing"): the head word of what the money went to."""
SPENDING = re.compile(r"spend|spent")
_NOT_SPENT_TEXT = (
    "the our my your their its a an this that these those total much many what how did do does will we"
    " they you i he she who which on in of to for with and or vs versus"
)
NOT_SPENT = frozenset(_NOT_SPENT_TEXT.split())
"""Words before "spend" that say whose or which spending, not on what ("our spend", "how much spend")."""


def _spent_on_other_things(text: str, span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    """Whether the spending at ``span`` is the business's own on something the rules could not place:
    "spend on *marketing*", "*marketing* spend", not customers spending with us ("spent with us",
    "spent on laptops", where the laptops are the data's). What customers spend is revenue; what the
    business spends on a thing the data lacks is no figure of the data.

    Example:
        >>> _spent_on_other_things("how much did we spend on marketing", (16, 21), [])
        True
        >>> _spent_on_other_things("marketing spend last month", (10, 15), [])
        True
        >>> _spent_on_other_things("how much did customers spend with us", (23, 28), [])
        False
    """
    start, end = span
    if not SPENDING.match(text, start):
        return False
    on = SPENT_ON.match(text, end)
    if on is not None and on.group(1) not in NOT_SPENT:
        return _free(on.span(1), taken)
    before = re.findall(r"[a-z][a-z'-]*", text[:start])
    if not before or before[-1] in NOT_SPENT or not text[:start].rstrip().endswith(before[-1]):
        return False
    # "how much did Bob spend": the one before is who spent; "marketing spend": what it went to
    verb = len(before) > 1 and before[-2] in ("did", "do", "does", "will", "would", "to")
    head = text[:start].rstrip()
    return not verb and _free((len(head) - len(before[-1]), len(head)), taken)


def _relative(before: str) -> bool:
    """Whether a verb after ``before`` is in a relative clause: "customers who bought" is, "which
    segment bought the most" (a question word first) is not."""
    found = RELATIVE.search(before)
    return found is not None and bool(before[: found.start()].strip())


def _counted_key(model: SemanticModel, name: str) -> str | None:
    """The key of the table a plain row count counts (``customer_id`` for the customer count)."""
    for table in model.tables:
        for metric in table.metrics:
            if (
                metric.name == name
                and metric.expr.replace(" ", "").upper() == "COUNT(*)"
                and not metric.filter
            ):
                return table.primary_key[0] if len(table.primary_key) == 1 else None
    return None


def read_per_order(
    text: str, model: SemanticModel, metrics: list[str]
) -> tuple[list[str], list[tuple[int, int]]]:
    """The metrics once a per-order average of units is read ("平均每单几件"), and where it is said.

    The model's units-per-order metric takes the place of the counts of orders and the sums of units
    named beside it: the orders are its denominator ("有效订单平均每单几件"), the units its numerator.
    """
    found = PER_ORDER.search(text)
    per_order = metric_named(model, PER_ORDER_NAMES)
    if found is None or per_order is None:
        return metrics, []
    kept = [name for name in metrics if name != per_order.name and not _part_of(model, name, per_order)]
    return [per_order.name, *kept], [found.span()]


def _part_of(model: SemanticModel, name: str, per_order: Metric) -> bool:
    """Whether metric ``name`` counts the orders ``per_order`` divides by, or sums what it divides."""
    try:
        metric = model.metric(name)
    except KeyError:
        return False
    expr = metric.expr.replace(" ", "").upper()
    ratio = per_order.expr.replace(" ", "").upper()
    key = re.search(r"COUNT\(DISTINCT(\w+)\)", ratio)
    orders = [
        t.name for t in model.tables if key and tuple(k.upper() for k in t.primary_key) == (key.group(1),)
    ]
    counts_orders = expr == "COUNT(*)" and metric.table in orders
    return counts_orders or (metric.table == per_order.table and expr in ratio)
