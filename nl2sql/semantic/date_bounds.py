"""Windows bounded by one date, in a question's words: "before June 25", "6月25号之前", "since March 3rd",
"3月3日以来", "after 2026-05-01", "截至6月20日".

The other side of such a window is the start of the data ("before", "截至") or the last day with data
("since", "after"). The date may be a day, a month or a year; a day or month said without its year is
the latest one not after the last day with data ("before June 25" asked on 2026-06-30 means 2026-06-25;
asked on 2026-06-10, 2025-06-25), which is how an analyst means it. The words decide whether the date
itself is in: "before" and "after" (之前, 之后) leave it out, "since", "until", "as of" (以来, 截至, 为止)
keep it. The result is a :mod:`nl2sql.semantic.timerange` token.

Example:
    >>> [bounded(m) for m in ONE_DATE_BOUND.finditer("orders before june 25th and revenue since 2026-05-01")]
    ['before_recent_06-25', '2026-05-01..']
    >>> [bounded(m) for m in ONE_DATE_BOUND.finditer("6月25号之前的订单，截至2026年6月20日")]
    ['before_recent_06-25', '..2026-06-20']
"""

from __future__ import annotations

import re

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_EN_DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}(?!\d)"
    rf"|{_MONTH}\s+{_DAY_NUMBER}(?:,?\s*{_YEAR})?\b"
    rf"|(?:the\s+)?{_DAY_NUMBER}\s+(?:of\s+)?{_MONTH}(?:,?\s*{_YEAR})?\b"
    rf"|{_MONTH}(?:\s+(?:of\s+)?{_YEAR})?\b"
    rf"|{_YEAR}\b)"
)
_ZH_NUMBER = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_ZH_YEAR = r"(?:\d{4}\s*年|今年|去年|前年)\s*(?:的\s*)?"
_ZH_DATE = (
    rf"(?:(?:{_ZH_YEAR})?{_ZH_NUMBER}\s*月\s*{_ZH_NUMBER}\s*(?:日|号)"
    rf"|(?:{_ZH_YEAR})?{_ZH_NUMBER}\s*月份?"
    rf"|\d{{4}}\s*年"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}(?!\d))"
)
_NAMED_YEARS = {"今年": "this_year", "去年": "last_year", "前年": "year_before_last"}
_NOT_A_SPAN = r"(?!\s*(?:-|–|~|to|through|thru|until|till|and|至|到)\s*\d)"
"""The date does not start a span of two ("from March 3 to March 9" is a window of its own)."""
_EN_CUE = {
    "before": "before",
    "prior to": "before",
    "earlier than": "before",
    "after": "after",
    "later than": "after",
    "since": "since",
    "from": "since",
    "starting": "since",
    "starting from": "since",
    "starting on": "since",
    "beginning": "since",
    "on or after": "since",
    "no earlier than": "since",
    "until": "until",
    "till": "until",
    "up until": "until",
    "through": "until",
    "thru": "until",
    "as of": "until",
    "on or before": "until",
    "no later than": "until",
}
_ZH_CUE = {
    "之前": "before",
    "以前": "before",
    "前": "before",  # not "3月前10名": see _ZH_CUES
    "之后": "after",
    "以后": "after",
    "后": "after",
    "以来": "since",
    "起": "since",
    "开始": "since",
    "至今": "since",
    "为止": "until",
}
_EN_CUES = "|".join(sorted(_EN_CUE, key=len, reverse=True))
_ZH_CUES = "|".join(sorted(_ZH_CUE, key=len, reverse=True)).replace(
    "|前", "|前(?![\\d一二两三四五六七八九十名])"
)
ONE_DATE_BOUND = re.compile(
    rf"(?<![a-z])(?P<cue>{_EN_CUES})\s+(?P<date>{_EN_DATE}){_NOT_A_SPAN}"
    rf"(?:\s+(?P<on>on(?:wards?)?|or later|and later)\b)?"
    rf"|(?P<zh_cue>截至|截止到|截止至|截止|直到|到|自|从)?\s*(?P<zh_date>{_ZH_DATE})\s*(?P<zh_after>{_ZH_CUES})?"
)
"""A date with the words that bound a window by it (lower case, as :func:`time_words.normalize` gives)."""


def bounded(match: re.Match[str]) -> str | None:
    """The window token of an :data:`ONE_DATE_BOUND` match, or None when its words bound no window
    ("2025年" alone, "从3月" that starts a span)."""
    if match.group("cue"):
        side = _EN_CUE[match.group("cue")]
        if match.group("cue") == "from":  # "from June 1 on": since; "from June 1" alone starts a span
            if not match.group("on"):
                return None
            side = "since"
        date = _en_date(match.group("date"))
    else:
        before, after = match.group("zh_cue"), match.group("zh_after")
        if after:
            side = _ZH_CUE[after]
            if before in ("截至", "截止到", "截止至", "截止", "直到", "到") and side != "until":
                return None  # "截至3月以来": no window the words agree on
        elif before in ("截至", "截止到", "截止至", "截止"):
            side = "until"
        else:
            return None  # a date alone is a window of its own, read elsewhere
        date = _zh_date(match.group("zh_date"))
    if date is None:
        return None
    tokens = {
        "before": f"before_{date}",
        "after": f"after_{date}",
        "since": f"{date}..",
        "until": f"..{date}",
    }
    return tokens[side]


def _token(year: str | None, month: int | None, day: int | None) -> str | None:
    """``2026-06-25``, ``recent_06-25``, ``2026-06``, ``recent_06`` or ``2026``; None for no date."""
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    if month is None:
        return year
    part = f"{month:02d}" if day is None else f"{month:02d}-{day:02d}"
    return f"{year}-{part}" if year else f"recent_{part}"


def _en_date(text: str) -> str | None:
    from nl2sql.semantic.time_words import MONTHS

    if iso := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return _token(iso.group(1), int(iso.group(2)), int(iso.group(3)))
    year = re.search(rf"\b{_YEAR}\b", text)
    month = next(
        (MONTHS[w.rstrip(".")] for w in re.findall(r"[a-z]+\.?", text) if w.rstrip(".") in MONTHS), None
    )
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text[: year.start()] if year else text)
    return _token(year.group() if year else None, month, int(day.group(1)) if day else None)


def _zh_date(text: str) -> str | None:
    from nl2sql.semantic.time_words import chinese_number

    if iso := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return _token(iso.group(1), int(iso.group(2)), int(iso.group(3)))
    parts = re.fullmatch(
        rf"(?:(\d{{4}})\s*年|(今年|去年|前年))?\s*(?:的\s*)?"
        rf"(?:({_ZH_NUMBER})\s*月份?\s*(?:({_ZH_NUMBER})\s*(?:日|号))?)?",
        text,
    )
    if parts is None:
        return None
    year, named, month, day = parts.groups()
    if named and month:  # "今年3月3日": of the year named
        token = _token(None, chinese_number(month), chinese_number(day) if day else None)
        return token and token.replace("recent", _NAMED_YEARS[named], 1)
    if month is None and year is None:
        return None
    return _token(
        year,
        chinese_number(month) if month else None,
        chinese_number(day) if day else None,
    )
