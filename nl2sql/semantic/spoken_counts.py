"""Counts said as a spoken Chinese question ("卖了多少件", "退了几单", "售出多少个SKU") read as the count the
model names with a noun: the verb's event word and the measure word's count word make the noun
(卖 + 件 → 销售件数, 退 + 单 → 退货单数, 售出 + 个SKU → 售出SKU数), and the metric it names, if the model has
one by that name or synonym, is what is asked. Nothing is read when no such noun names a metric.

A verb counts only as done (卖了, 卖出, 退掉, 退回来): "卖多少钱" asks a price. A count with no done verb
("多少件", "类目下几个SKU") is read by its count word alone, except orders and money: "北京多少单" and
"多少钱" say nothing of what is counted or summed. A done verb whose noun the model lacks ("取消了多少件")
is read as nothing at all, never as the count without it.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model = demo_semantic_model()
    >>> question = "上个月卖掉了几件，今年一共退掉多少笔"
    >>> [(question[start:end], metric.name) for start, end, metric in spoken_counts(question, model)]
    [('卖掉了几件', 'units_sold'), ('退掉多少笔', 'return_count')]
    >>> spoken_counts("上个月取消了多少钱", model)
    []
"""

from __future__ import annotations

import re

from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.model_cache import per_model

EVENTS = {
    "销售": ("销售", "售出", "卖出"),
    "卖出": ("销售", "售出", "卖出"),
    "售出": ("销售", "售出", "卖出"),
    "卖掉": ("销售", "售出", "卖出"),
    "卖": ("销售", "售出", "卖出"),
    "售": ("销售", "售出", "卖出"),
    "退回": ("退货", "退回", "退"),
    "退货": ("退货", "退回", "退"),
    "退": ("退货", "退回", "退"),
    "取消": ("取消",),
    "消费": ("消费",),
    "下": ("下单", ""),
}
"""A verb of a spoken count and the event words the model's nouns use for it ("" for the bare count:
"下了几单" counts orders)."""

COUNTS = {
    "件": ("件数", "数量", "量"),
    "单": ("单数", "订单数", "笔数", "单量", "订单量"),
    "次": ("次数",),
    "钱": ("额", "金额"),
    "种": ("SKU数", "商品数", "产品数", "商品种数", "产品种数"),
}
"""A measure word's kind and the count words that follow the event word in a noun."""

UNITS = (
    (r"件(?:商品|产品|货|东西)?", "件"),
    (r"(?:单|笔|个订单|笔订单)", "单"),
    (r"次", "次"),
    (r"钱", "钱"),
    (r"(?:个|款|种)\s*sku|(?:款|种)(?:商品|产品)?", "种"),
)
"""Measure words (with the noun they may count) and their kind (see :data:`COUNTS`)."""

UNSAID = ("单", "钱")
"""Kinds never read without a verb: "多少单", "多少钱" alone say nothing of what is counted."""

_UNIT = "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _) in enumerate(UNITS))
_VERBS = "|".join(
    verb if verb != "下" else "(?<![线以上])下" for verb in sorted(EVENTS, key=len, reverse=True)
)
SPOKEN = re.compile(
    rf"(?P<verb>{_VERBS})(?P<done>(?:了|掉|出去|出来|出|回来|回去|回|过)*)"
    rf"(?:一共|总共|共|合计|总计|有)?(?:几|多少)\s*(?:{_UNIT})",
    re.IGNORECASE,
)
"""A count after a verb: "卖掉了几件", "退回来多少件货", "售出多少个SKU"."""
UNSPOKEN = re.compile(rf"(?<![的前这那哪最每])(?:几|多少)\s*(?:{_UNIT})", re.IGNORECASE)
"""A count with no verb before it: "多少件", "几个SKU" (not "前几个SKU", "卖得最好的几款")."""
DONE = re.compile(r"[了掉出回过]")
"""What makes a verb's count a count of what happened, not a forecast or a price."""


def spoken_counts(text: str, model: SemanticModel) -> list[tuple[int, int, Metric]]:
    """(start, end, metric) for each spoken count in ``text`` (the question, any case) whose composed
    noun is a name or synonym of a metric of ``model``; see the module.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> [(s, e, m.name) for s, e, m in spoken_counts("上季度售出多少个SKU", demo_semantic_model())]
        [(3, 11, 'products_sold')]
        >>> spoken_counts("京东上同款显示器卖多少钱", demo_semantic_model())
        []
    """
    names = _metric_names(model)
    found: list[tuple[int, int, Metric]] = []
    spans: list[tuple[int, int]] = []
    for said in SPOKEN.finditer(text):
        if not DONE.search(said.group("verb")[1:] + said.group("done")):
            continue  # "卖多少钱" asks a price; in "类目下多少个SKU" 下 is no verb
        spans.append(said.span())
        metric = _composed(names, EVENTS[said.group("verb")], _kind(said))
        if metric is not None:
            found.append((*said.span(), metric))
    for said in UNSPOKEN.finditer(text):
        if _kind(said) in UNSAID or any(start < said.end() and said.start() < end for start, end in spans):
            continue
        metric = _composed(names, ("",), _kind(said))
        if metric is not None:
            found.append((*said.span(), metric))
    return sorted(found, key=lambda item: item[0])


def _kind(said: re.Match[str]) -> str:
    """The kind of the measure word ``said`` counts with."""
    return next(kind for i, (_, kind) in enumerate(UNITS) if said.group(f"u{i}") is not None)


def _composed(names: dict[str, Metric], events: tuple[str, ...], kind: str) -> Metric | None:
    """The metric named by the first noun made of one of ``events``, 的 or nothing, and a count word of
    ``kind`` (销售 + 件数, 卖出 + 的 + SKU数), if any."""
    made = (
        f"{event}{joint}{count}".lower() for event in events for count in COUNTS[kind] for joint in ("", "的")
    )
    return next((names[noun] for noun in made if noun in names), None)


@per_model
def _metric_names(model: SemanticModel) -> dict[str, Metric]:
    """The model's metrics by their names and synonyms, lower case (the first metric of a name wins)."""
    names: dict[str, Metric] = {}
    for metric in model.metrics:
        for name in metric.names:
            names.setdefault(name.lower(), metric)
    return names
