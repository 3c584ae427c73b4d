"""Days named in a question's words: one day by its date without a full year ("on June 3rd", "6月3号当天",
"去年6月3号") or by a holiday on a fixed date ("Christmas Day 2025", "去年双十一当天", "今年618"), and a run
of days from one date to another ("from June 1 to June 15", "6月1号到15号").

The year is the one the question names (``2025``, "last year", "去年"); without one, the day is the latest
such day not after the last day with data, as in "before June 25" (:mod:`nl2sql.semantic.date_bounds`).
What is not guessed is found by :func:`unread_holiday`, so the question can be refused with a request for
the dates: a holiday whose date moves from year to year (春节, Easter), a season named after a day
("618大促", "the Christmas period"), and a named day that is only one end of a longer window ("since
Christmas", "元旦到现在"). The result is a :mod:`nl2sql.semantic.timerange` token.

Example:
    >>> [named_day(m) for m in NAMED_DAY.finditer("revenue on christmas day 2025 vs june 3rd last year")]
    ['2025-12-25', 'last_year_06-03']
    >>> [named_day(m) for m in NAMED_DAY.finditer("去年双十一当天的营收，6月3号当天呢")]
    ['last_year_11-11', 'recent_06-03']
"""

from __future__ import annotations

import re

FIXED_HOLIDAYS = {
    "new year's day": "01-01", "valentine's day": "02-14", "valentine's": "02-14",
    "national day": "10-01", "halloween": "10-31", "singles' day": "11-11", "christmas eve": "12-24",
    "christmas day": "12-25", "christmas": "12-25", "xmas": "12-25", "new year's eve": "12-31",
}  # fmt: skip
"""Holidays on the same day every year, by their English name (lower case, the apostrophe may be left
out), and that day (``MM-DD``)."""
FIXED_HOLIDAYS_ZH = {
    "元旦": "01-01", "情人节": "02-14", "妇女节": "03-08", "劳动节": "05-01", "五一": "05-01",
    "618": "06-18", "六一八": "06-18", "国庆节": "10-01", "国庆": "10-01", "双十一": "11-11", "双11": "11-11",
    "双十二": "12-12", "双12": "12-12", "平安夜": "12-24", "圣诞节": "12-25", "圣诞": "12-25",
}  # fmt: skip
"""The same by their Chinese name."""
MOVABLE_HOLIDAY = re.compile(
    r"春节|除夕|大年初[一二三四五六七八九十]|元宵|端午|中秋|清明|七夕|重阳|腊八|小年"
    r"|(?:chinese|lunar) new year|spring festival|mid[- ]autumn|dragon boat|lantern festival"
    r"|\beaster\b|thanksgiving|black friday|cyber monday|mother'?s day|father'?s day",
    re.IGNORECASE,
)
"""Holidays whose date moves by a lunar calendar or a weekday rule: their day is not guessed."""

_YEAR_WORDS = {
    "this": "this_year", "last": "last_year", "今年": "this_year", "去年": "last_year",
    "前年": "year_before_last",
}  # fmt: skip


def _names(names: dict[str, str]) -> str:
    """A pattern of ``names``, the longest first, an apostrophe optional and typographic or not."""
    return "|".join(re.escape(n).replace("'", "['’]?") for n in sorted(names, key=len, reverse=True))


_EN_HOLIDAY, _ZH_HOLIDAY = _names(FIXED_HOLIDAYS), _names(FIXED_HOLIDAYS_ZH)
_BY_NAME = {name.replace("'", ""): day for name, day in (FIXED_HOLIDAYS | FIXED_HOLIDAYS_ZH).items()}
_CAMPAIGN = (
    r"(?!\s*(?:大促|促销|活动|购物节|期间|假期|长假|黄金周|前后|预售"
    r"|campaign|promo|sale|shopping festival|period|week|season|holiday))"
)
"""Not a season named after the day ("618大促", "国庆长假", "the christmas period")."""
_EN_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_EN_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_EN_YEAR_AFTER = r"(?:,?\s*(?:of\s+)?((?:19|20)\d{2})\b|\s+(this|last) year\b)?"
_ZH_NUMBER = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_ZH_YEAR = r"(?:((?:19|20)\d{2})\s*年|(今年|去年|前年))?\s*(?:的\s*)?"
THAT_DAY = re.compile(r"当天|当日|那天|那一天|这天|这一天")
_ZH_THAT_DAY = rf"(?:\s*(?:{THAT_DAY.pattern}))?"
_NOT_A_SPAN_AFTER = r"(?!\s*(?:-|–|~|to|through|thru|until|till|and|至|到)\s*(?:\d|[a-z]+\.?\s+\d))"
_NOT_A_SPAN_BEFORE = r"(?<!to )(?<!through )(?<!until )(?<!till )(?<!and )(?<![-–~至到])"
NAMED_DAY = re.compile(
    # "christmas day 2025", "last year's singles' day", "on new year's day of 2026"
    rf"(?:(?:on|for)\s+)?(?:(this|last) year'?s\s+|the\s+)?(?<![a-z0-9])({_EN_HOLIDAY})"
    rf"(?![a-z0-9]){_CAMPAIGN}(?:\s+day)?{_EN_YEAR_AFTER}{_ZH_THAT_DAY}"
    # "2025年双十一当天", "去年的圣诞节"
    rf"|{_ZH_YEAR}(?<![a-z0-9])({_ZH_HOLIDAY})(?![a-z0-9]){_CAMPAIGN}(?:节)?{_ZH_THAT_DAY}"
    # "on june 3rd", "june 3, 2025", "the 3rd of june last year"
    rf"|{_NOT_A_SPAN_BEFORE}(?:on\s+)?(?:(this|last) year'?s\s+)?(?<![a-z]){_EN_MONTH}\s+{_EN_DAY}"
    rf"(?![\d:]){_EN_YEAR_AFTER}{_NOT_A_SPAN_AFTER}"
    rf"|{_NOT_A_SPAN_BEFORE}(?:on\s+)?(?:the\s+)?{_EN_DAY}\s+(?:of\s+)?{_EN_MONTH}(?![a-z]){_EN_YEAR_AFTER}"
    rf"{_NOT_A_SPAN_AFTER}"
    # "6月3号当天", "去年6月3日"
    rf"|{_NOT_A_SPAN_BEFORE}{_ZH_YEAR}{_ZH_NUMBER}\s*月\s*{_ZH_NUMBER}\s*(?:日|号){_ZH_THAT_DAY}"
    rf"{_NOT_A_SPAN_AFTER}",
    re.IGNORECASE,
)
"""One day named by its date or by a fixed holiday, with the year words around it (lower case, as
:func:`nl2sql.semantic.time_words.normalize` gives)."""


_EN_DAY_OF = rf"{_EN_MONTH}\s+{_EN_DAY}(?![\d:])(?:,?\s*((?:19|20)\d{{2}})\b)?"
_EN_SECOND = rf"(?:{_EN_MONTH}\s+)?{_EN_DAY}(?![\d:])(?:,?\s*((?:19|20)\d{{2}})\b)?"
DAY_SPAN = re.compile(
    # "from june 1 to june 15", "june 1-15, 2025", "between may 28 and june 3"
    rf"(?:(?:from|between)\s+)?(?<![a-z]){_EN_DAY_OF}\s*(?:-|–|to|through|thru|until|till)\s*{_EN_SECOND}"
    rf"|between\s+{_EN_DAY_OF}\s+and\s+{_EN_SECOND}"
    # "6月1号到6月15号", "去年6月1日至15日", "6月1-15日"
    rf"|(?:从|自)?{_ZH_YEAR}{_ZH_NUMBER}\s*月\s*{_ZH_NUMBER}\s*(?:日|号)?\s*(?:-|–|~|到|至)\s*"
    rf"(?:{_ZH_NUMBER}\s*月\s*)?{_ZH_NUMBER}\s*(?:日|号)(?:\s*(?:之间|期间))?",
    re.IGNORECASE,
)
"""A run of days from one named by its date to another (lower case): both ends included."""


def day_span(match: re.Match[str]) -> str | None:
    """The window token (``A..B``) of a :data:`DAY_SPAN` match; the second day's month and year are the
    first's when it leaves them out; None when either is no day of the calendar.

    Example:
        >>> [day_span(m) for m in DAY_SPAN.finditer("from june 1 to june 15 and 去年6月1日至15日")]
        ['recent_06-01..recent_06-15', 'last_year_06-01..last_year_06-15']
        >>> [day_span(m) for m in DAY_SPAN.finditer("dec 28 - jan 3, 2026; dec 28, 2025 - jan 3")]
        ['2025-12-28..2026-01-03', '2025-12-28..2026-01-03']
    """
    from nl2sql.semantic.time_words import MONTHS, chinese_number

    groups = match.groups()
    if groups[0] or groups[6]:  # English
        first_month, first_day, first_year, second_month, second_day, second_year = (
            groups[0:6] if groups[0] else groups[6:12]
        )
        which = None
    else:
        first_year, which, first_month, first_day, second_month, second_day = groups[12:18]
        second_year = None
    second_month = second_month or first_month
    months = [MONTHS.get(m.rstrip(".").lower()) or chinese_number(m) for m in (first_month, second_month)]
    days = [chinese_number(d) for d in (first_day, second_day)]
    pairs = list(zip(months, days, strict=True))
    if not all(m and d and _on_calendar(m, d) for m, d in pairs):
        return None
    crosses = pairs[0] > pairs[1]  # "Dec 28 - Jan 3, 2026": the run crosses into the year named
    if first_year and not second_year:
        second_year = str(int(first_year) + crosses)
    elif second_year and not first_year:
        first_year = str(int(second_year) - crosses)
    prefix = _YEAR_WORDS[which] if which else "recent"
    ends = [
        f"{y}-{m:02d}-{d:02d}" if y else f"{prefix}_{m:02d}-{d:02d}"
        for y, m, d in zip((first_year, second_year), months, days, strict=True)
    ]
    return f"{ends[0]}..{ends[1]}"


BOUND_BEFORE = re.compile(
    r"(?:\b(?:since|from|after|before|until|till|through|thru|to|by|as of|between|and)\s+(?:the\s+)?"
    r"|自|从|截至|截止|直到|到|至)\s*$"
)
BOUND_AFTER = re.compile(
    r"\s*(?:-|–|~|(?:to|through|thru|until|till|and|onwards?|or later|or after)\b"
    r"|到|至|以来|起|开始|之前|以前|之后|以后|前(?![\d一二两三四五六七八九十名])|后)"
)
"""Words that make a named day one end of a longer window ("since Christmas", "元旦到现在"): no single day."""
SEASON = re.compile(
    rf"(?<![a-z0-9])(?:{_EN_HOLIDAY}|{_ZH_HOLIDAY})(?![a-z0-9])(?:\s*(?:day|节))?\s*"
    r"(?:大促|促销|活动|购物节|期间|假期|长假|黄金周|预售"
    r"|campaign|promo(?:tion)?|sales? (?:event|period)|shopping festival|period|week|season|holidays?)",
    re.IGNORECASE,
)
"""A season named after a holiday ("618大促", "国庆长假", "the Christmas period"): its days are not in the
data, so they are not guessed either."""


_WORDED = {name: day for name, day in (FIXED_HOLIDAYS | FIXED_HOLIDAYS_ZH).items() if not name.isdigit()}
HOLIDAY_NAME = re.compile(rf"(?<![a-z0-9])(?:{_names(_WORDED)})(?![a-z0-9])", re.IGNORECASE)
"""A fixed holiday by name, not by number ("618" may be any number)."""
ONE_DAY = re.compile(r"(?:\d{4}-|(?:this_year|last_year|year_before_last|recent)_)\d{2}-\d{2}")
"""A window token of one day."""
DAY_MENTION = re.compile(
    rf"(?<![a-z]){_EN_MONTH}\s+{_EN_DAY}(?![\d:])|(?<![\d.]){_EN_DAY}\s+(?:of\s+)?{_EN_MONTH}(?![a-z])"
    rf"|{_ZH_NUMBER}\s*月\s*{_ZH_NUMBER}\s*(?:日|号)",
    re.IGNORECASE,
)
"""A day named by its month and day, whatever the words around it."""
DAY_IN = re.compile(r"\d{2}-\d{2}(?:$|\.\.)")
"""A window token with a day in it ("recent_06-03..recent_06-09", "before_2026-06-25")."""


def unread_holiday(question: str, windows: tuple[str, ...]) -> str | None:
    """The holiday, season or day ``question`` names whose days the reading cannot hold: one whose date
    moves ("春节"), a season named after a day ("618大促"), a fixed holiday none of ``windows`` (the
    reading's window tokens) is the day of ("since Christmas"), or a date none of them holds ("on June 1
    and June 3"); None when there is none.

    Example:
        >>> unread_holiday("2025年春节的营收", ("2025",)), unread_holiday("618大促期间的销售额", ("all",))
        ('春节', '618大促')
        >>> unread_holiday("since Christmas, revenue", ("all",))
        'Christmas'
        >>> unread_holiday("revenue on Christmas 2025", ("2025-12-25",)) is None
        True
    """
    text = question.lower()
    found = MOVABLE_HOLIDAY.search(text) or SEASON.search(text)
    if found is None and not any(ONE_DAY.fullmatch(window) for window in windows):
        found = HOLIDAY_NAME.search(text)
    if found is None and not any(DAY_IN.search(window) for window in windows):  # "on June 1 and June 3"
        found = DAY_MENTION.search(text)
    return question[found.start() : found.end()].strip() if found else None


def named_day(match: re.Match[str]) -> str | None:
    """The window token of a :data:`NAMED_DAY` match: ``2025-12-25``, ``last_year_11-11`` or
    ``recent_06-03``; None when the date is no day of the calendar ("2月30号") or the day is one end of a
    longer window ("since Christmas", "元旦到现在")."""
    from nl2sql.semantic.time_words import MONTHS, chinese_number

    if BOUND_BEFORE.search(match.string[: match.start()]) or BOUND_AFTER.match(match.string, match.end()):
        return None
    groups = match.groups()
    if groups[1]:  # an English holiday
        year_word, day, year = groups[0] or groups[3], _holiday(groups[1]), groups[2]
    elif groups[6]:  # a Chinese holiday
        year, year_word, day = groups[4], groups[5], _holiday(groups[6])
        if not _worded(match):
            return None  # "618" alone may be any number: "今年618", "618当天" are the day
    else:
        year_word, day_number, month, year, later = _date_parts(groups)
        year_word = year_word or later
        month_number = MONTHS.get(month.rstrip(".")) or chinese_number(month)
        number = chinese_number(day_number)
        if not month_number or not number or not _on_calendar(month_number, number):
            return None
        day = f"{month_number:02d}-{number:02d}"
    if year:
        return f"{year}-{day}"
    return f"{_YEAR_WORDS[year_word]}_{day}" if year_word else f"recent_{day}"


def _worded(match: re.Match[str]) -> bool:
    """Whether a :data:`NAMED_DAY` match names a day by more than a bare number ("618" alone is none)."""
    year, year_word, name = match.group(5, 6, 7)
    return not (name and name.isdigit()) or bool(year or year_word or THAT_DAY.search(match.group()))


def _holiday(name: str) -> str:
    """The ``MM-DD`` of the holiday ``name`` as the question writes it."""
    return _BY_NAME[name.lower().replace("'", "").replace("’", "")]


def _date_parts(groups: tuple[str | None, ...]) -> tuple[str | None, str, str, str | None, str | None]:
    """(year word before, day, month, year, year word after) of a day named by its date."""
    if groups[8]:  # "june 3rd"
        return groups[7], groups[9], groups[8], groups[10], groups[11]
    if groups[12]:  # "the 3rd of june"
        return None, groups[12], groups[13], groups[14], groups[15]
    return groups[17], groups[19], groups[18], groups[16], None  # "去年6月3号"


def _on_calendar(month: int, day: int) -> bool:
    """Whether ``day`` is a day of ``month`` in some year (February 29 is)."""
    return 1 <= month <= 12 and 1 <= day <= (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
