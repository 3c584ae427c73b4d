"""Time in a question's own words, English or Chinese: the window, the period grain and the comparison.

The rule mapper reads these before anything else: "revenue by month over the last 12 months",
"2025年第三季度各渠道的销售额", "同比增长", "compared with the month before". Each phrase found becomes a
slot of the semantic query (a :mod:`nl2sql.semantic.timerange` token, a grain, a comparison) and its span
is reported, so the mapper knows which words are explained.

Example:
    >>> found = read_time("最近三个月每月的销售额同比增长多少")
    >>> found.time_range, found.grain, found.comparison, found.show
    ('last_3_months', 'month', 'same_period_last_year', 'percent')
    >>> read_time("Revenue by quarter in 2025").time_range, read_time("Revenue by quarter in 2025").grain
    ('2025', 'quarter')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from nl2sql.semantic.date_bounds import ONE_DATE_BOUND, bounded
from nl2sql.semantic.day_words import DAY_SPAN, NAMED_DAY, day_span, named_day

UNIT_WORDS = {
    "day": "day", "days": "day", "天": "day", "日": "day",
    "week": "week", "weeks": "week", "周": "week", "星期": "week", "个星期": "week", "个礼拜": "week",
    "month": "month", "months": "month", "个月": "month", "月": "month",
    "quarter": "quarter", "quarters": "quarter", "季度": "quarter", "个季度": "quarter", "季": "quarter",
    "year": "year", "years": "year", "年": "year", "yr": "year", "yrs": "year",
}  # fmt: skip
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty": 20, "thirty": 30,
    "ninety": 90,
}  # fmt: skip
CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_N = r"(\d{1,3}|[一二两三四五六七八九十]{1,3}|" + "|".join(NUMBER_WORDS) + r")"
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = r"(\d{4})-(\d{1,2})-(\d{1,2})"


@dataclass
class TimeReading:
    """What a question says about time, and where it says it."""

    time_range: str = "all"
    grain: str = "none"
    comparison: str = "none"
    show: str = "percent"
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Character spans of the question explained by these slots."""
    growth: bool = False
    """The question asks how something grew or changed ("增长最快", "growth"), with or without a period."""
    against: str | None = None
    """The window to compare with when it is not the one the comparison kind implies."""
    other_ranges: list[str] = field(default_factory=list)
    """Windows named after the first ("2025 than 2024"): the period to compare with, when it is one."""
    versus_last_year: bool = False
    """ "vs last year" named (not "the same period last year")."""
    previous_unit: str | None = None
    """The calendar unit of a previous period named in a comparison ("和上周比": 周)."""
    within_grain: str = "none"
    """A coarser period named with "each" beside the grain ("for each year, which month…", "每年…最多的季度"):
    what a ranking of the grain's periods restarts in."""


def normalize(question: str) -> str:
    """Full-width letters and digits as ASCII, lower case, the spoken 礼拜 as 星期 (week), a Chinese digit
    before 万 or 千 as a digit (超过一万 as 超过1万): what the patterns read (same length).

    Example:
        >>> normalize("上礼拜的ＧＭＶ"), normalize("退款超过一万的退货")
        ('上星期的gmv', '退款超过1万的退货')
    """
    text = unicodedata.normalize("NFKC", question).lower()
    text = (text if len(text) == len(question) else question.lower()).replace("礼拜", "星期")
    return DIGIT_BEFORE_UNIT.sub(lambda found: str(CHINESE_DIGITS[found.group()]), text)


DIGIT_BEFORE_UNIT = re.compile(r"(?<![一二两三四五六七八九十百千万零\d])[一二两三四五六七八九](?=[万千])")
"""A Chinese digit that counts ten thousands or thousands ("一万", "两千"), not part of a longer number."""


TWO_DIGIT_YEAR = re.compile(
    r"(?<![\d.:/\-近去前这后每])(1[5-9]|2\d)(?=\s*年(?!内|来|前|后|多|左右|以上|以下|以内|间|级|期间|半(?!年)))"
)
"""A year written with two digits ("25年Q3", "24年全年"), not a number of years ("过去10年", "20年内")."""


def full_years(question: str) -> str:
    """``question`` with its two-digit years written out, as the patterns read years.

    Example:
        >>> full_years("25年的GMV和24年比"), full_years("过去10年"), full_years("2025年")
        ('2025年的GMV和2024年比', '过去10年', '2025年')
    """
    return TWO_DIGIT_YEAR.sub(lambda found: "20" + found.group(1), question)


def chinese_number(text: str) -> int | None:
    """``三`` → 3, ``十二`` → 12, ``二十`` → 20, ``12`` → 12, ``twelve`` → 12.

    Example:
        >>> [chinese_number(t) for t in ("三", "十二", "二十", "十", "12", "twelve", "百")]
        [3, 12, 20, 10, 12, 12, None]
    """
    if text.isdigit():
        return int(text)
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    if not text or any(c not in CHINESE_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            CHINESE_DIGITS.get(ones, 0) if ones else 0
        )
    return CHINESE_DIGITS.get(text) if len(text) == 1 else None


def read_time(question: str) -> TimeReading:
    """Read the time window, grain and comparison out of ``question`` (English or Chinese)."""
    text = normalize(question)
    reading = TimeReading()
    for pattern, handle in _RULES:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in reading.spans):
                continue
            if handle(reading, match) is not False:
                reading.spans.append(match.span())
    if reading.versus_last_year and reading.time_range == "this_year" and not reading.other_ranges:
        reading.other_ranges.append("last_year")  # "this year vs last year": all of 2025
    named = UNIT_WORDS.get(reading.previous_unit or "")
    if named and reading.time_range == f"this_{named}" and not reading.other_ranges:
        reading.other_ranges.append(f"last_{named}")  # "本周和上周比": the whole of last week
    if reading.growth and reading.comparison == "none" and reading.time_range != "all":
        reading.comparison = "previous_period"
    return reading


def _set(slot: str, value_of):
    def handle(reading: TimeReading, match: re.Match[str]):
        value = value_of(match)
        if value is None:
            return False
        if slot == "time_range" and reading.time_range != "all":
            reading.other_ranges.append(value)
            return None
        if slot == "grain" and value == reading.grain:
            return None  # the same grain said twice: "quarterly revenue … for each quarter"
        if slot == "grain" and reading.grain != "none":
            if GRAIN_ORDER.index(value) <= GRAIN_ORDER.index(reading.grain) or reading.within_grain != "none":
                return False
            reading.within_grain = value
            return None
        setattr(reading, slot, value)
        return None

    return handle


def _rolling(match: re.Match[str]) -> str | None:
    count = chinese_number(match.group(1))
    unit = UNIT_WORDS.get(match.group(2))
    if not count or not unit:
        return None
    return f"last_{count}_{unit}s"


def _explicit_quarter(match: re.Match[str]) -> str:
    groups = [g for g in match.groups() if g]
    year = next(g for g in groups if len(g) == 4 and g.isdigit())
    part = next(g for g in groups if g != year)
    number = ORDINALS.get(part) or chinese_number(part.strip("第q")) or int(part[-1])
    return f"{year}-Q{number}"


def _month_span(year: str, first: str, last: str) -> str | None:
    """``2026-01..2026-06`` for January to June 2026 (months by name or number), None when they run
    backwards or are no months."""
    start, stop = (MONTHS.get(m.rstrip(".")) or (int(m) if m.isdigit() else 0) for m in (first, last))
    if not 1 <= start <= stop <= 12:
        return None
    return f"{year}-{start:02d}..{year}-{stop:02d}"


def _half(match: re.Match[str]) -> str:
    year, half = match.group(1), match.group(2)
    return f"{year}-01..{year}-06" if half in ("上", "first", "h1") else f"{year}-07..{year}-12"


def _date_range(match: re.Match[str]) -> str:
    a = f"{int(match.group(1)):04d}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    b = f"{int(match.group(4)):04d}-{int(match.group(5)):02d}-{int(match.group(6)):02d}"
    return f"{a}..{b}"


def _grain(match: re.Match[str]) -> str | None:
    word = next(g for g in match.groups() if g)
    for key, grain in GRAIN_WORDS.items():
        if word.startswith(key):
            return grain
    return None


GRAIN_ORDER = ("day", "week", "month", "quarter", "year")
"""Grains from the finest to the coarsest."""
GRAIN_WORDS = {
    "dai": "day", "day": "day", "天": "day", "日": "day",
    "week": "week", "周": "week", "星期": "week",
    "month": "month", "月": "month",
    "quarter": "quarter", "季": "quarter",
    "year": "year", "annual": "year", "年": "year",
}  # fmt: skip


def _flag(slot: str, value: str):
    def handle(reading: TimeReading, match: re.Match[str]):
        setattr(reading, slot, value)

    return handle


def _versus_last_year(reading: TimeReading, match: re.Match[str]) -> None:
    reading.comparison, reading.versus_last_year = "same_period_last_year", True


def _previous_period(reading: TimeReading, match: re.Match[str]) -> bool | None:
    if reading.comparison == "same_period_last_year":
        return False  # "同比和环比": two comparisons, one reading cannot show both
    reading.comparison = "previous_period"
    if not match.group(2):  # "和上周同期比": the same days of last week, not all of it
        reading.previous_unit = match.group(1)


def _growth(reading: TimeReading, match: re.Match[str]) -> None:
    reading.growth = True


def _since(match: re.Match[str]) -> str:
    """ "since 2025", "since March 2026", "2026年3月以来", "2025 or later": from then until today."""
    named_month, named_year = match.group(3), match.group(4)
    if named_month:
        return f"{named_year}-{MONTHS[named_month]:02d}.."
    year = match.group(1) or match.group(5) or match.group(7)  # "2025 or later"
    month = match.group(2) or match.group(6)
    return f"{year}-{int(month):02d}.." if month else f"{year}.."


def _alternatives(*parts: str) -> re.Pattern[str]:
    """One pattern matching any of ``parts`` (kept apart so each reads on its own line)."""
    return re.compile("|".join(parts))


_COMPARED = r"(?:compared? (?:with|to)|versus|vs\.?|than|against|relative to)"
VERSUS_LAST_YEAR = re.compile(
    _COMPARED + r" (?:all of )?last year\b(?!'s)|(?:和|跟|与|同|较)去年(?:相比|比较?|对比)|比去年(?!同期)"
)
"""Last year named as a whole ("this year vs last year"): the whole of it when this year is to date."""
SAME_PERIOD_LAST_YEAR = _alternatives(
    r"同比|去年同期|上年同期",
    r"year[- ]over[- ]year|year[- ]on[- ]year|\byoy\b|same period (?:of )?last year",
    _COMPARED + r" (?:the same \w+ )?(?:of )?last year",
)
PREVIOUS_PERIOD = _alternatives(
    r"环比|(?:month|week|quarter|period)[- ]over[- ](?:month|week|quarter|period)|\b(?:mom|qoq|wow)\b",
    _COMPARED
    + r" (?:the )?(?:previous|prior|preceding) (?:\d+ )?(?:days?|weeks?|months?|quarters?|years?|period)",
    _COMPARED + r" (?:in |during )?the (?:\w+ )?(?:days?|weeks?|months?|quarters?) before",
    r"(?:比|与|和|跟|同|相比|较)(?:上|前)(?:一)?(?:个)?(周|月|季度|年|期)(同期)?",
    r"(?:比|与|和|跟|同|较)(?:之)?前\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:天|日|周|个月|月|个季度|季度|年)",
)
DELTA = _alternatives(
    r"增加了多少|多了多少|少了多少|减少了多少|高了多少|低了多少|差额|差值",
    r"difference|how much (?:more|less|higher|lower)|how many (?:more|fewer|less)|changed? by how much",
    r"absolute change",
)
GROWTH = _alternatives(
    r"增长率|增速|增幅|涨幅|增长最快|增长最多|增长|下降最多|下降|变化率|涨了|跌了|涨|跌",
    r"\bgrowth\b|\bgrew\b|\bgrow(?:ing)?\b|increase[ds]?|decline[ds]?|decrease[ds]?|dropp?(?:ed)?\b",
    r"percent(?:age)? change|%\s*change|change in %|\bup or down\b",
)
DATE_RANGE = re.compile(_DATE + r"\s*(?:to|through|until|and|-|~|至|到)\s*" + _DATE)
SINCE = _alternatives(
    r"(?:since|from) (?:the (?:start|beginning) of )?(?:(\d{4})(?:-(\d{2}))?\b|"
    + _MONTH
    + r"\s*(?:of\s*)?(\d{4}))",
    r"(?:自|从)?\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*)?(?:以来|至今|起|开始)",
    r"\b(\d{4})\s+(?:or later|and later|onwards|onward|or after)\b",
)
TRAILING_YEAR = re.compile(r"\b(?:ttm|ltm)\b|(?:trailing|rolling)\s+(?:twelve|12)\s*months?")
FISCAL_YEAR = re.compile(r"\bfy\s*'?(\d{4}|\d{2})\b")
HALF_YEAR_BACK = re.compile(
    r"(?:最近|近|过去|(?:over |in |for |during )?(?:the )?(?:last|past))\s*(?:半年|half[- ]year|six months)"
)
PAST_UNIT = re.compile(r"(?:over |in |for |during )?(?:the )?past (day|week|month|quarter|year)\b")
EACH_OF_LAST = re.compile(
    r"(?:for |in )?each of the (?:last|past) " + _N + r" (day|week|month|quarter|year)s?\b"
)
"""A window and its grain at once: "revenue for each of the last 10 days"."""
ROLLING = re.compile(
    r"(?:最近|近|过去|(?:over |in |for |during )?(?:the )?(?:last|past|previous|trailing|rolling))\s*"
    + _N
    + r"\s*"
    r"(天|日|个星期|星期|个礼拜|周|个月|月|个季度|季度|年|days?|weeks?|months?|quarters?|years?)"
)
ROLLING_WITHIN = re.compile(
    r"(?<![\d第前后])(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(天|日|个星期|星期|周|个月)(?:以)?内"
)
"""The same said as "within" ("30天内", "两个星期内"): the last N days, weeks or months."""
QUARTER = _alternatives(
    r"(\d{4})\s*年?\s*(?:第\s*)?([一二三四1-4])\s*季度",
    r"(\d{4})\s*年?\s*(q[1-4])|(q[1-4])\s*(\d{4})",
    r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th) quarter (?:of )?(\d{4})",
)
H_YEAR = _alternatives(r"\b(h[12])\s*(\d{4})\b", r"\b(\d{4})\s*(h[12])\b")
HALF = _alternatives(r"(\d{4})\s*年\s*(上|下)半年", r"(?:the )?(first|second|h1|h2) half (?:of )?(\d{4})")
_FULL_MONTH = "(january|february|march|april|may|june|july|august|september|october|november|december)"
_YEAR_WORD = r"(this|last) year'?s?"
_SHORT_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b"
)
SINCE_PART_OF_YEAR = _alternatives(
    r"\b(?:since|from) (?:the (?:start|beginning) of )?(?:(this|last) year'?s?\s+)?"
    + _SHORT_MONTH
    + r"(?!\s*,?\s*\d)",
    r"(?:自|从)?\s*(今年|去年)?\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?(?:初|份)?\s*(?:以来|至今|起|开始)",
)
"""From a month without a year until today ("since March", "自今年3月以来")."""
PART_OF_NAMED_YEAR = _alternatives(
    _FULL_MONTH + r"\s+(?:of\s+)?" + _YEAR_WORD,
    _YEAR_WORD + r"\s+" + _FULL_MONTH,
    r"\b(q[1-4]|h[12])\s+(?:of\s+)?" + _YEAR_WORD,
    _YEAR_WORD + r"\s+(q[1-4]|h[12])\b",
    r"(?:the )?(first|second) half of " + _YEAR_WORD,
    r"(今年|去年|前年)\s*(?:的)?\s*(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?",
    r"(今年|去年|前年)\s*(?:的)?\s*(?:第\s*)?([一二三四1-4])\s*季度",
    r"(今年|去年|前年)\s*(?:的)?\s*(q[1-4]|h[12])(?![a-z0-9])",
    r"(今年|去年|前年)?\s*(?:的)?\s*(上|下)半年",
)
PART_OF_RECENT_YEAR = _alternatives(
    r"\b(?:in|for|during|over|of|since)\s+(?:the month of\s+)?" + _SHORT_MONTH + r"\.?(?!\s*,?\s*\d)",
    r"\b(january|february|march|april|june|july|august|september|october|november|december)\b(?!\s*,?\s*\d)",
    r"(?<![a-z0-9])(q[1-4]|h[12])(?![a-z0-9])(?!\s*\d)",
    r"(?<![\d年个近第前上下])(\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?(?![\d底初])",
    r"(?<![\d年个近前上下本这])(?:第\s*)?([一二三四1-4])\s*季度",
)
MONTH_SPAN_EN = re.compile(
    r"(?:from\s+)?" + _MONTH + r"\s*(?:-|–|to|through|thru|until)\s*" + _MONTH + r",?\s*(?:of\s+)?(\d{4})"
)
"""A run of months of a named year: "Jan-Jun 2026", "from March to May 2025"."""
MONTH_SPAN_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月?\s*(?:-|–|~|到|至)\s*(\d{1,2})\s*月份?")
"""The same in Chinese: "2026年1-6月", "2025年3月到5月", "2025年1至3月"."""
YEAR_MONTH_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月份?")
DAY = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*(?:日|号)|(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"
)
"""One day named in full: "2025年6月25号", "2025-06-25"."""
MONTH_NAME = re.compile(_MONTH + r"\s*(?:of\s*)?(\d{4})")
YEAR_MONTH = re.compile(r"\b(\d{4})-(\d{2})\b(?!-)")
YEAR_TO_DATE = _alternatives(
    r"今年以来|年初至今|年初以来|本年度至今|年初到(?:现在|今天|目前)",
    r"year[- ]to[- ]date|(?<![a-z])ytd(?![a-z])|so far this year",
)
MONTH_TO_DATE = re.compile(
    r"month[- ]to[- ]date|(?<![a-z])mtd(?![a-z])|本月至今|月初(?:至今|以来|到(?:现在|今天|目前))"
)
QUARTER_TO_DATE = re.compile(r"quarter[- ]to[- ]date|(?<![a-z])qtd(?![a-z])|本季度至今")
BEFORE_LAST = _alternatives(r"上上个?(周|星期|月|季度)", r"the (week|month|quarter) before last")
YEAR_BEFORE_LAST = re.compile(r"前年|the year before last")
THIS_PERIOD = re.compile(r"(本|这|这一|这个|今)(周|星期|月|季度|季|年)|this (week|month|quarter|year|yr)\b")
LAST_PERIOD = _alternatives(
    r"(上|上一|上个|去)(周|星期|个星期|月|个月|季度|个季度|年)",
    r"(?:last|previous|prior) (week|month|quarter|year|yr)\b",
)
YESTERDAY = re.compile(r"昨天|昨日|昨儿个?|yesterday")
DAY_BEFORE_YESTERDAY = re.compile(r"前天|前儿个?|the day before yesterday")
TODAY = re.compile(r"今天|今日|今儿个?|\btoday\b")
YEAR = re.compile(
    r"(?:in|during|for|of|since)?\s*\b(20\d{2}|19\d{2})\b\s*(?:年|年度)?|(20\d{2})\s*年|(?<!\d)(20\d{2})(?=全年|整年)"
)
RANKED_GRAIN = _alternatives(
    r"(?:best|worst|highest|lowest|busiest|quietest|biggest|strongest|weakest|top\s+\d+|which|what)"
    r"\s+(?:\d+\s+)?(?:[a-z]+\s+)?(day|week|month|quarter|year)s?\b",
    r"(?:最[\u4e00-\u9fff]{1,2}的|哪个|哪一个|哪)\s*(?:\d+|[一二两三四五六七八九十]+)?\s*个?(天|周|月|季度|年)(?!度)",
)
GRAIN = _alternatives(
    r"(?:by|per|each|every|for each|for every|in each)\s+(day|week|month|quarter|year)\b",
    r"\b(daily|weekly|monthly|quarterly|yearly|annually|annual)\b",
    r"(?:每|按|各|逐|分)(?:一)?(?:个)?(天|日|周|星期|月|季度|季|年)|(月|季|年)度",
    r"(day|week|month|quarter|year) by (?:day|week|month|quarter|year)",
)


def _half_en(match: re.Match[str]) -> str:
    half, year = match.group(3), match.group(4)
    return f"{year}-01..{year}-06" if half in ("first", "h1") else f"{year}-07..{year}-12"


def _each_of_last(reading: TimeReading, match: re.Match[str]) -> bool | None:
    count, unit = chinese_number(match.group(1)), UNIT_WORDS.get(match.group(2))
    if not count or not unit or reading.time_range != "all":
        return False
    reading.time_range, reading.grain = f"last_{count}_{unit}s", unit
    return None


def _since_part(match: re.Match[str]) -> str | None:
    """ "since March", "自今年3月以来": from that month (of the year named, else the latest) to today."""
    named = any(g in _WHICH_YEAR for g in match.groups() if g)
    token = _part_of_year(match, named=named)
    return f"{token}.." if token else None


def _day(match: re.Match[str]) -> str | None:
    """ "2025年6月25号", "2025-06-25": that day, if it is one."""
    year, month, day = (int(g) for g in (match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)))
    return f"{year}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _h_year(match: re.Match[str]) -> str:
    """ "H1 2026", "2025 H2": that half of that year."""
    half, year = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    return f"{year}-01..{year}-06" if half == "h1" else f"{year}-07..{year}-12"


_WHICH_YEAR = {"this": "this_year", "last": "last_year", "今年": "this_year", "去年": "last_year"}
_WHICH_YEAR["前年"] = "year_before_last"


def _part_of_year(match: re.Match[str], *, named: bool) -> str | None:
    """A month, quarter or half of the year a question names ("May this year", "去年二季度", "今年上半年"),
    or of the latest year it has begun in ("in June", "Q2", "3月", "二季度"): a token of
    :mod:`nl2sql.semantic.timerange`."""
    groups = [g for g in match.groups() if g]
    which = "recent"
    if named:
        year_word = next((g for g in groups if g in _WHICH_YEAR), "今年")
        which = _WHICH_YEAR[year_word]
        groups = [g for g in groups if g not in _WHICH_YEAR]
    part = groups[0] if groups else "上"
    if part in MONTHS:
        return f"{which}_{MONTHS[part]:02d}"
    if part.rstrip(".") in MONTHS:
        return f"{which}_{MONTHS[part.rstrip('.')]:02d}"
    if part in ("上", "下", "first", "second"):
        return f"{which}_{'h1' if part in ('上', 'first') else 'h2'}"
    if part[0] in "qh":
        return f"{which}_{part}"
    number = chinese_number(part)
    if number is None:
        return None
    if "季度" in match.group(0):
        return f"{which}_q{number}" if 1 <= number <= 4 else None
    return f"{which}_{number:02d}" if 1 <= number <= 12 else None


_RULES: list = [
    # comparisons first ("同比", "vs the previous month"), then windows, most specific first, then grains
    (VERSUS_LAST_YEAR, _versus_last_year),
    (SAME_PERIOD_LAST_YEAR, _flag("comparison", "same_period_last_year")),
    (PREVIOUS_PERIOD, _previous_period),
    (DELTA, _flag("show", "delta")),
    (GROWTH, _growth),
    (DATE_RANGE, _set("time_range", _date_range)),
    (DAY_SPAN, _set("time_range", day_span)),  # "from June 1 to June 15", "6月1号到15号"
    (SINCE, _set("time_range", _since)),
    (EACH_OF_LAST, _each_of_last),
    (ROLLING, _set("time_range", _rolling)),
    (ROLLING_WITHIN, _set("time_range", _rolling)),
    (QUARTER, _set("time_range", _explicit_quarter)),
    (HALF, _set("time_range", lambda m: _half(m) if m.group(1) else _half_en(m))),
    (HALF_YEAR_BACK, _set("time_range", lambda m: "last_6_months")),
    (TRAILING_YEAR, _set("time_range", lambda m: "last_12_months")),
    (FISCAL_YEAR, _set("time_range", lambda m: m.group(1) if len(m.group(1)) == 4 else f"20{m.group(1)}")),
    (PAST_UNIT, _set("time_range", lambda m: f"last_1_{m.group(1)}s")),
    (H_YEAR, _set("time_range", _h_year)),
    (MONTH_SPAN_ZH, _set("time_range", lambda m: _month_span(m.group(1), m.group(2), m.group(3)))),
    (MONTH_SPAN_EN, _set("time_range", lambda m: _month_span(m.group(3), m.group(1), m.group(2)))),
    (ONE_DATE_BOUND, _set("time_range", bounded)),  # "before June 25", "3月3日以来"
    (DAY, _set("time_range", _day)),
    (NAMED_DAY, _set("time_range", named_day)),  # "on June 3rd", "去年双十一当天", "Christmas Day 2025"
    (YEAR_MONTH_ZH, _set("time_range", lambda m: f"{m.group(1)}-{int(m.group(2)):02d}")),
    (MONTH_NAME, _set("time_range", lambda m: f"{m.group(2)}-{MONTHS[m.group(1)]:02d}")),
    (YEAR_MONTH, _set("time_range", lambda m: f"{m.group(1)}-{m.group(2)}")),
    (SINCE_PART_OF_YEAR, _set("time_range", _since_part)),
    (PART_OF_NAMED_YEAR, _set("time_range", lambda m: _part_of_year(m, named=True))),
    (PART_OF_RECENT_YEAR, _set("time_range", lambda m: _part_of_year(m, named=False))),
    (YEAR_TO_DATE, _set("time_range", lambda m: "this_year")),
    (MONTH_TO_DATE, _set("time_range", lambda m: "this_month")),
    (QUARTER_TO_DATE, _set("time_range", lambda m: "this_quarter")),
    (YEAR_BEFORE_LAST, _set("time_range", lambda m: "year_before_last")),
    (BEFORE_LAST, _set("time_range", lambda m: "before_last_" + UNIT_WORDS[m.group(1) or m.group(2)])),
    (THIS_PERIOD, _set("time_range", lambda m: "this_" + UNIT_WORDS.get(m.group(2) or m.group(3), "year"))),
    (LAST_PERIOD, _set("time_range", lambda m: "last_" + UNIT_WORDS.get(m.group(2) or m.group(3), "year"))),
    (DAY_BEFORE_YESTERDAY, _set("time_range", lambda m: "day_before_yesterday")),
    (YESTERDAY, _set("time_range", lambda m: "yesterday")),
    (TODAY, _set("time_range", lambda m: "today")),
    (YEAR, _set("time_range", lambda m: m.group(1) or m.group(2) or m.group(3))),
    (RANKED_GRAIN, _set("grain", _grain)),
    (GRAIN, _set("grain", _grain)),
]
