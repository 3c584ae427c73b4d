"""Read bands of a number and periods of another date in a question, for the rule mapper.

* A band: a number's name (a fact, or a table for its first fact: "order" is its amount) right before
  "band / bucket / range / tier / 区间 / 分段 / 档位", then the edges, if the question lists them ("under
  1,000, 1,000–10,000, over 10,000", "1000以下、1000到1万、1万以上"). "none" / "no discount" / "无折扣"
  adds an edge at 0; "up to" / "以内" closes each band on the right (``≤ 10%``). A percent of a column
  stored as a fraction of 1 (``x_fraction``) is divided by 100. Without edges the column's ``x_bands``
  apply (the compiler's to choose).
* A period: a date's word of the model, then year / quarter / month ("customer signup year", "产品上市季度",
  "注册年份"), or the period first ("year of signup"); a table's name right before it ("customer") is
  part of it.

The matches of the vocabulary a band or period is made of are marked (``banded``, ``period``), so the
mapper reads them as neither groupings nor leftovers.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> model = demo_semantic_model()
    >>> map_question("Revenue by order size band: under 1,000, 1,000-10,000, over 10,000", model).query.bands
    (Band(field='total_amount', edges=(1000, 10000), closed='left'),)
    >>> map_question("orders by discount band (none, up to 10%, more)", model).query.bands
    (Band(field='discount', edges=(0, 0.1), closed='right'),)
    >>> map_question("营收按客户注册年份拆", model).query.periods
    (Period(field='signup_date', grain='year'),)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nl2sql.semantic.model import Field, SemanticModel
from nl2sql.semantic.model_cache import per_model
from nl2sql.semantic.query import Band, Period

if TYPE_CHECKING:
    from nl2sql.semantic.mapper import Match

BAND_WORD = re.compile(
    r"^\s*(?:(?:size|value|amount|price)\s*)?(?:bands?|buckets?|brackets?|tiers?|ranges?)\b"
    r"|^(?:的)?(?:区间|分段|分档|档位|档次|价格带|价格段|段)"
)
"""What follows a number's name to ask for its bands ("order *size band*", "订单金额*区间*")."""
_AMOUNT = r"\d[\d,]*(?:\.\d+)?\s*(?:万|千|k\b|thousand\b|million\b)?\s*(?:%|percent\b)?\s*(?:元|块|yuan\b)?"
_WORDS_EN = (
    r"under|below|less than|lower than|over|above|more than|greater than|higher than|up to|at most|or less"
    r"|and (?:above|over|up|more)|or more|to|and|or|from|between|none|no discount|zero|more|less"
)
EDGE_LIST = re.compile(
    rf"(?:{_AMOUNT}|\b(?:{_WORDS_EN})\b|以下|以上|以内|不超过|到|至|及|含|和|无折扣|没有折扣|不打折|无|零"
    r"|[-–—~,，、:：()（）\s])*"
)
"""The edges listed after the band's word, with the words between them."""
EDGE = re.compile(
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万|千|k\b|thousand\b|million\b)?\s*(?P<percent>%|percent\b)?"
)
UNITS = {"万": 10_000, "千": 1_000, "k": 1_000, "thousand": 1_000, "million": 1_000_000}
ZERO_BAND = re.compile(r"\bnone\b|\bno discount\b|\bzero\b|无折扣|没有折扣|不打折|无|零")
"""A band of its own for nothing at all: an edge at 0, each band closed on the right."""
CLOSED_RIGHT = re.compile(r"\bup to\b|\bat most\b|\bor less\b|以内|不超过|及以下|含以下")

GRAINS_EN = {"year": "year", "quarter": "quarter", "month": "month", "week": "week"}
GRAINS_ZH = {
    "年份": "year",
    "年度": "year",
    "年": "year",
    "季度": "quarter",
    "月份": "month",
    "月": "month",
    "周": "week",
}
GROUPED = re.compile(
    r"(?:\bby|\bper|\bfor each|\bin each|\beach|\bevery|\bacross|\bwhich|\bwhat|\b(?:top|bottom)(?:\s+\d+)?"
    r"|按|各个|各|每个|每|哪个|哪一个|哪)\s*(?:the\s+)?$"
)
"""A word before a band's name that asks for a grouping by it."""
SPLIT_ZH = r"(?:来)?(?:拆分|拆开|拆|分组|划分)?"
"""Words after a grouping in Chinese that ask for nothing more ("按注册年份*拆*")."""


def read_bands(
    text: str, matches: list[Match], model: SemanticModel
) -> tuple[list[Band], list[tuple[int, int]]]:
    """The bands ``text`` asks for (time phrases blanked out), and where each is said: a band's name
    follows a word that asks for a grouping ("*by* order size band", "*按*金额分段"); "products in the
    1000-5000 price range" is no grouping."""
    bands, spans = [], []
    for match in matches:
        column = _number_of(match, model)
        cue = BAND_WORD.search(text[match.end :]) if column else None
        if column is None or cue is None:
            continue
        named_at = getattr(_owner(text, matches, match.start, column.table), "start", match.start)
        if not GROUPED.search(text[max(0, named_at - 16) : named_at]):
            continue
        start, end = _edge_list(text, match.end + cue.end())
        if start > match.end + cue.end():  # "按订单金额区间统计订单数：1000以下、…": the list comes later
            spans.append((match.start, match.end + cue.end()))
            _mark(matches, match.start, match.end + cue.end(), "banded")
            match_start = start
        else:
            match_start = match.start
        owner = _owner(text, matches, match.start, column.table)
        if owner is not None:  # "产品单价区间": the product's price
            spans.append((owner.start, match.start))
            owner.kind = "banded"
        words = text[start:end]
        percents = column.fraction and "%" in words  # "0-5%, 5-15%": each number a percent
        edges = sorted({_edge(found, column, percents) for found in EDGE.finditer(words)})
        closed = "left"
        if ZERO_BAND.search(words) and edges:
            edges, closed = sorted({0, *edges}), "right"
        if CLOSED_RIGHT.search(words):
            closed = "right"
        bands.append(Band(column.name, tuple(edges), closed if edges else "left"))
        spans.append((match_start, end))
        _mark(matches, match_start, end, "banded")
    return bands, spans


def _edge_list(text: str, start: int) -> tuple[int, int]:
    """Where the edges listed for a band are: right after its word, else after the next colon or
    bracket ("…区间统计订单数：1000以下、1000到1万、1万以上"); ``(start, start)`` when none is listed."""
    for begin in [start, *(start + found.end() for found in re.finditer(r"[:：(（]", text[start:]))]:
        listed = EDGE_LIST.match(text, begin)
        end = len(text[: listed.end()].rstrip(" ,，、:：(（")) if listed else begin
        if EDGE.search(text, begin, end) or (begin == start and ZERO_BAND.search(text, begin, end)):
            return begin, end
    return start, start


def read_periods(
    text: str, matches: list[Match], model: SemanticModel
) -> tuple[list[Period], list[tuple[int, int]]]:
    """The periods of dates ``text`` groups by, and where each is said."""
    periods, spans = [], []
    for column, pattern in _period_patterns(model):
        for found in pattern.finditer(text):
            start, end = found.span()
            if any(start < e and s < end for s, e in spans):
                continue
            grain = found.group("grain")
            grain = GRAINS_ZH.get(grain) or GRAINS_EN[grain.rstrip("s")]
            owner = _owner(text, matches, start, column.table)
            if owner is not None:  # "customer signup year": the customer's
                start = owner.start
            periods.append(Period(column.name, grain))
            spans.append((start, end))
            _mark(matches, start, end, "period")
    return periods, spans


def _owner(text: str, matches: list[Match], start: int, table: str) -> Match | None:
    """The name of ``table`` (or of its rows) right before ``start``, if the question says it there."""
    for match in reversed(matches):
        if match.end > start or not re.fullmatch(r"\s*(?:'s|s')?\s*(?:的)?", text[match.end : start]):
            continue
        named = match.target if match.kind == "table" else getattr(match.target, "table", None)
        if match.kind in ("table", "dimension") and named == table:
            return match
    return None


@per_model
def _period_patterns(model: SemanticModel) -> list[tuple[Field, re.Pattern[str]]]:
    """Each date of ``model`` with the patterns of its periods ("signup year", "注册年份")."""
    patterns = []
    for column in model.fields:
        if column.kind != "time_dimension":
            continue
        words = {column.name.replace("_", " "), column.name.removesuffix("_date").replace("_", " ")}
        for name in column.synonyms:
            words |= {name.lower(), re.sub(r"\s*(?:date|日期|时间)$", "", name.lower())}
        english = sorted((re.escape(w) for w in words if w.isascii() and w), key=len, reverse=True)
        chinese = sorted((re.escape(w) for w in words if not w.isascii() and w), key=len, reverse=True)
        grains_en = "|".join(GRAINS_EN)
        grains_zh = "|".join(sorted(GRAINS_ZH, key=len, reverse=True))
        alternatives = []
        if english:
            date = "|".join(english).replace(r"\ ", r"[\s_-]+")
            alternatives += [
                rf"(?<![a-z])(?:{date})\s+(?P<grain>{grains_en})s?(?![a-z])",
                rf"(?<![a-z])(?P<grain2>{grains_en})\s+of\s+(?:the\s+)?(?:[a-z]+\s+)?(?:{date})(?![a-z])",
            ]
        if chinese:
            alternatives.append(rf"(?:{'|'.join(chinese)})(?:的)?(?P<grain3>{grains_zh}){SPLIT_ZH}")
        for alternative in alternatives:
            patterns.append(
                (column, re.compile(alternative.replace("grain2", "grain").replace("grain3", "grain")))
            )
    return patterns


def _number_of(match: Match, model: SemanticModel) -> Field | None:
    """The number a band is of: a fact named, or the first fact of a table named ("order size")."""
    if match.kind == "column" and isinstance(match.target, Field) and match.target.kind == "fact":
        return match.target
    if match.kind == "table" and isinstance(match.target, str):
        facts = model.table(match.target).facts
        return facts[0] if facts else None
    return None


def _edge(found: re.Match[str], column: Field, percents: bool) -> float:
    number = float(found.group("number").replace(",", ""))
    number *= UNITS.get((found.group("unit") or "").lower(), 1)
    if (found.group("percent") or percents) and column.fraction:
        number /= 100
    number = round(number, 9)
    return int(number) if number.is_integer() else number


def _mark(matches: list[Match], start: int, end: int, kind: str) -> None:
    for match in matches:
        if start <= match.start and match.end <= end:
            match.kind = kind
