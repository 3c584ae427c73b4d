"""Other names business people give to what a model names, whatever the model: a SKU (单品) is a product.

A model names its products "product" or "产品"; analysts also say "SKU", "top 10 SKUs", "销量最高的单品".
Each such name is added beside the model's own, for the same table or dimension, unless the model uses
it for something else already.

Example:
    >>> entries = [("products", "table", "products", None), ("product", "dimension", "p", None)]
    >>> other_names(entries)
    [('skus', 'table', 'products', None), ('sku', 'dimension', 'p', None)]
"""

from __future__ import annotations

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
