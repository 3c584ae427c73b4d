"""Other names business people give to what a model names, whatever the model: a SKU (单品) is a product,
华东区 the region 华东.

A model names its products "product" or "产品"; analysts also say "SKU", "top 10 SKUs", "销量最高的单品".
Each such name is added beside the model's own, for the same table or dimension, unless the model uses
it for something else already. A region's Chinese value is also said with what it is: "华东区", "华北地区"
(:func:`area_names`).

Example:
    >>> entries = [("products", "table", "products", None), ("product", "dimension", "p", None)]
    >>> other_names(entries)
    [('skus', 'table', 'products', None), ('sku', 'dimension', 'p', None)]
"""

from __future__ import annotations

import re

from nl2sql.semantic.cjk import CJK

OTHER_NAMES = {"product": ("sku",), "产品": ("单品",), "商品": ("单品",)}
"""A word a model names a table or dimension with, and the other names analysts give it."""


def other_names(
    entries: list[tuple[str, str, object, str | None]],
) -> list[tuple[str, str, object, str | None]]:
    """Entries (phrase, kind, target, value) that name a table or dimension of ``entries`` by another
    name of :data:`OTHER_NAMES`, for each name no entry has yet."""
    taken = {phrase for phrase, *_ in entries}
    added: list[tuple[str, str, object, str | None]] = []
    for phrase, kind, target, value in entries:
        if kind not in ("table", "dimension"):
            continue
        plural = phrase.endswith("s") and phrase[:-1] in OTHER_NAMES
        for name in OTHER_NAMES.get(phrase[:-1] if plural else phrase, ()):
            name = f"{name}s" if plural else name
            if name not in taken:
                added.append((name, kind, target, value))
                taken.add(name)
    return added


AREA_SUFFIXES = ("地区", "区域", "大区", "片区", "区")
"""What follows a region's Chinese name to say it is one: 华东区, 华北地区."""
AREA_FIELDS = re.compile(r"region|area|zone|district|territor|province|大区|地区|区域", re.IGNORECASE)
"""A table or dimension named so holds regions."""


def area_names(
    entries: list[tuple[str, str, object, str | None]],
) -> list[tuple[str, str, object, str | None]]:
    """Entries for each Chinese value of a region's dimension said with an area word after it, for the
    same value, unless an entry names that phrase already.

    Example:
        >>> from nl2sql.semantic.model import Field
        >>> region = Field("region", "name_zh", "regions")
        >>> [e[0] for e in area_names([("华东", "value", region, "华东"), ("east", "value", region, "East")])]
        ['华东地区', '华东区域', '华东大区', '华东片区', '华东区']
    """
    taken = {phrase for phrase, *_ in entries}
    added: list[tuple[str, str, object, str | None]] = []
    for phrase, kind, target, value in entries:
        names = (getattr(target, "table", ""), getattr(target, "name", ""))
        if kind != "value" or not CJK.search(phrase) or not any(AREA_FIELDS.search(n) for n in names):
            continue
        for suffix in AREA_SUFFIXES:
            if phrase.endswith(suffix) or phrase + suffix in taken:
                continue
            added.append((phrase + suffix, kind, target, value))
            taken.add(phrase + suffix)
    return added
