"""Bands of a number and periods of another date, as the labels a grouped result shows.

A band is a half-open range between two edges: with edges 1,000 and 10,000, closed on the left, the
bands are ``< 1,000``, ``1,000–10,000`` (from 1,000, up to but not including 10,000) and ``≥ 10,000``;
closed on the right (``up to 10%``), ``≤ 10%``, ``10%–20%`` (over 10%, up to 20%) and ``> 20%``. A band
is a CASE over the number; its place in the list is a second CASE over the label, so rows come out band
by band whatever the engine. A question that names no edges takes the column's ``x_bands``.

Example:
    >>> from sqlglot import exp
    >>> labels = band_labels((1000, 10000), "left")
    >>> labels
    ['< 1,000', '1,000–10,000', '≥ 10,000']
    >>> band_case(exp.column("total_amount"), (1000, 10000), "left", labels).sql()
    "CASE WHEN total_amount < 1000 THEN '< 1,000' WHEN total_amount < 10000 THEN '1,000–10,000' \
WHEN total_amount >= 10000 THEN '≥ 10,000' END"
    >>> band_order(exp.column("total_amount_band"), labels).sql()
    "CASE total_amount_band WHEN '< 1,000' THEN 1 WHEN '1,000–10,000' THEN 2 WHEN '≥ 10,000' THEN 3 END"
"""

from __future__ import annotations

import itertools

from sqlglot import exp

from nl2sql.semantic.model import Field
from nl2sql.semantic.query import Band, SemanticQueryError


def band_edges(band: Band, field: Field) -> tuple[tuple[float, ...], str]:
    """The edges and closed end of ``band``: its own, else ``field``'s ``x_bands``.

    Raises:
        SemanticQueryError: neither the band nor the column has edges.
    """
    if band.edges:
        return band.edges, band.closed
    if field.bands:
        return field.bands, field.band_closed
    raise SemanticQueryError(
        f"{field.name} has no default bands (x_bands in the semantic model): name the edges, "
        "such as under 1,000, 1,000 to 10,000, over 10,000"
    )


def number_text(value: float, *, fraction: bool = False, lang: str = "en") -> str:
    """An edge as a label shows it: ``1,000`` (``1000`` in Chinese), ``10%`` for a fraction of 1.

    Example:
        >>> number_text(10000), number_text(10000, lang="zh"), number_text(0.15, fraction=True)
        ('10,000', '10000', '15%')
    """
    if fraction:
        percent = round(value * 100, 6)
        return f"{int(percent) if float(percent).is_integer() else percent}%"
    shown: float = int(value) if float(value).is_integer() else value
    return f"{shown:,}" if lang != "zh" else f"{shown}"


def band_labels(
    edges: tuple[float, ...], closed: str, *, fraction: bool = False, lang: str = "en"
) -> list[str]:
    """The label of each band ``edges`` make, lowest first (one more than there are edges).

    Example:
        >>> band_labels((0, 0.1, 0.2), "right", fraction=True)
        ['≤ 0%', '0%–10%', '10%–20%', '> 20%']
        >>> band_labels((1000, 10000), "left", lang="zh")
        ['< 1000', '1000–10000', '≥ 10000']
    """
    words = [number_text(edge, fraction=fraction, lang=lang) for edge in edges]
    below, above = ("<", "≥") if closed == "left" else ("≤", ">")
    middle = [f"{low}–{high}" for low, high in itertools.pairwise(words)]
    return [f"{below} {words[0]}", *middle, f"{above} {words[-1]}"]


def band_case(number: exp.Expression, edges: tuple[float, ...], closed: str, labels: list[str]) -> exp.Case:
    """The label of the band ``number`` falls in (NULL for a NULL number)."""
    below = exp.LT if closed == "left" else exp.LTE
    case = exp.Case()
    for edge, label in zip(edges, labels, strict=False):
        case = case.when(below(this=number.copy(), expression=_literal(edge)), exp.Literal.string(label))
    above = exp.GTE if closed == "left" else exp.GT
    return case.when(
        above(this=number.copy(), expression=_literal(edges[-1])), exp.Literal.string(labels[-1])
    )


def band_order(label: exp.Expression, labels: list[str]) -> exp.Case:
    """The place of ``label`` among ``labels`` (1 for the lowest band), to order rows by."""
    case = exp.Case(this=label)
    for place, text in enumerate(labels, 1):
        case = case.when(exp.Literal.string(text), exp.Literal.number(place))
    return case


def band_column(field: str) -> str:
    """The result column of bands of ``field``: ``total_amount_band``."""
    return f"{field}_band"


def period_column(field: str, grain: str) -> str:
    """The result column of the ``grain`` of date ``field``: ``signup_year`` for the year of
    ``signup_date``.

    Example:
        >>> period_column("launch_date", "quarter"), period_column("created_at", "month")
        ('launch_quarter', 'created_at_month')
    """
    return f"{field.removesuffix('_date')}_{grain}"


def _literal(value: float) -> exp.Literal:
    return exp.Literal.number(int(value) if float(value).is_integer() else value)
