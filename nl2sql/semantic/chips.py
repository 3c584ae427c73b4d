"""The parts of a semantic query a reader can take away one at a time, each in words: the ratio (one
metric as a percent of another) and each bound on a metric ("units sold ≥ 50"). The notebook's
interpretation chips and the JupyterLab panel's both show these, and name them by :attr:`Chip.id` when
one is removed; :func:`without_chips` is the query without them, to compile again.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.query import Threshold
    >>> query = SemanticQuery(metrics=("gross_margin", "units_sold"), group_by=("product",),
    ...                       having=(Threshold("units_sold", ">=", 50),))
    >>> [(chip.id, chip.kind, chip.text) for chip in query_chips(query, demo_semantic_model())]
    [('bound:0', 'bound', 'units sold ≥ 50')]
    >>> without_chips(query, ["bound:0"]).having
    ()
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from nl2sql.semantic.describe import (
    band_text,
    bound_text,
    date_filter_text,
    period_text,
    ratio_text,
    related_text,
)
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.per_words import per_row_text
from nl2sql.semantic.query import SemanticQuery, SemanticQueryError

RATIO = "ratio"
"""The id of the ratio's chip; a bound's is ``bound:<its index in having>``, a window on another date
``window:<its index in filters>``, a condition on related rows ``related:<its index in related>``, a
grouping by bands ``band:<its index in bands>`` and one by a period of another date
``period:<its index in periods>``."""
PER = "per"
"""The id of the chip of an average per row ("per order"): removed, the total is left."""


@dataclass(frozen=True)
class Chip:
    """One removable part of a semantic query, as a reader sees it."""

    id: str
    """``ratio``, ``bound:0``, ``bound:1``, … (the bound's place in the query's ``having``), or
    ``window:0``, … (a window on a date other than the metric's, by its place in ``filters``)."""
    kind: str
    """``ratio``, ``per``, ``bound``, ``window``, ``related``, ``band`` or ``period``."""
    text: str
    """The part in words, in the answer's language."""


def query_chips(query: SemanticQuery, model: SemanticModel, *, lang: str = "en") -> list[Chip]:
    """The ratio, the bounds and the windows on other dates of ``query``, in that order, each as a
    :class:`Chip`.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> query = SemanticQuery(metrics=("refund_amount", "revenue"), ratio=True)
        >>> query_chips(query, demo_semantic_model(), lang="zh")
        [Chip(id='ratio', kind='ratio', text='退款金额占销售额的比例（%）')]
    """
    chips = [Chip(RATIO, "ratio", ratio_text(query, model, lang=lang))] if query.ratio else []
    if query.per:  # an average per row: the total over the rows counted
        chips.append(Chip(PER, "per", per_row_text(query, model, lang=lang)))
    chips += [
        Chip(f"bound:{number}", "bound", bound_text(bound, model, lang=lang))
        for number, bound in enumerate(query.having)
    ]
    chips += [
        Chip(f"window:{number}", "window", date_filter_text(item, model, lang=lang))
        for number, item in enumerate(query.filters)
        if item.op == "during"
    ]
    chips += [
        Chip(f"related:{number}", "related", related_text(item, model, lang=lang))
        for number, item in enumerate(query.related)
    ]
    chips += [  # groupings by ranges of a number, and by periods of another date
        Chip(f"band:{number}", "band", band_text(band, model, lang=lang))
        for number, band in enumerate(query.bands)
    ]
    chips += [
        Chip(f"period:{number}", "period", period_text(period, model, lang=lang))
        for number, period in enumerate(query.periods)
    ]
    return chips


def without_chips(query: SemanticQuery, removed: Iterable[str]) -> SemanticQuery:
    """``query`` without the parts named by the chip ids ``removed``; the metrics stay, so a ratio
    removed leaves both values and a bound removed leaves its metric's column.

    Raises:
        SemanticQueryError: an id names no chip of ``query``.

    Example:
        >>> query = SemanticQuery(metrics=("refund_amount", "revenue"), ratio=True)
        >>> without_chips(query, ["ratio"]).ratio, without_chips(query, []) == query
        (False, True)
        >>> without_chips(query, ["bound:0"])
        Traceback (most recent call last):
        ...
        nl2sql.semantic.query.SemanticQueryError: this reading has no part bound:0 to remove
    """
    gone = set(removed)
    known = {RATIO} if query.ratio else set()
    known |= {PER} if query.per else set()
    known |= {f"bound:{number}" for number in range(len(query.having))}
    known |= {f"window:{n}" for n, item in enumerate(query.filters) if item.op == "during"}
    known |= {f"related:{n}" for n in range(len(query.related))}
    known |= {f"band:{n}" for n in range(len(query.bands))}
    known |= {f"period:{n}" for n in range(len(query.periods))}
    unknown = sorted(gone - known)
    if unknown:
        raise SemanticQueryError(f"this reading has no part {', '.join(unknown)} to remove")
    having = tuple(b for number, b in enumerate(query.having) if f"bound:{number}" not in gone)
    filters = tuple(item for n, item in enumerate(query.filters) if f"window:{n}" not in gone)
    related = tuple(item for n, item in enumerate(query.related) if f"related:{n}" not in gone)
    bands = tuple(band for n, band in enumerate(query.bands) if f"band:{n}" not in gone)
    periods = tuple(period for n, period in enumerate(query.periods) if f"period:{n}" not in gone)
    # an attach rate without the rows it looks for is no share of anything left
    share = query.share and (bool(related) or not query.related or bool(filters or query.named_filters))
    return replace(
        query,
        ratio=query.ratio and RATIO not in gone,
        per=None if PER in gone else query.per,
        having=having,
        filters=filters,
        related=related,
        bands=bands,
        periods=periods,
        share=share or (query.share and bool(query.group_by)),
    )
