"""Dates a query wrote as of one day, read as windows relative to that day.

A correction's SQL writes its windows as dates of the day it was made: "revenue last month", corrected on
2026-06-30, is ``order_date >= '2026-05-01' AND order_date < '2026-06-01'``. Shown again in December, as a
verified answer or a prompt example, those dates are stale; trained on, they teach the model literals
that go stale. This module reads each date literal as a :class:`RelativeDate` of the day the query was
made (start of last month, tomorrow, 29 days ago, …), guided by the question's words, and writes it
either as of another day (:func:`re_anchored`) or with the database's clock (:func:`with_clock`:
``DATE('now', 'start of month', '-1 months')``, what the adapter writes and :mod:`nl2sql.today` pins).

How a date is read (the first rule that fits):

1. A question that names a year ("in 2025", "2024年") is about fixed dates: nothing is read.
2. A question without a relative word (last, this, so far, 上, 本, 近, …) or a named period is about
   fixed dates too.
3. The bounds and days of a named month, quarter or half ("in May", "Q2", "二季度", "上半年",
   "6月25号") count from the start of their year.
4. The day after (a window up to today), the day itself, and the day after whole years back ("the
   same period last year").
5. A Monday in a question that counts a week from the day ("last week", 上周), the first day of a
   quarter in one that counts quarters ("this quarter"), of a month in one that counts months, of a
   year in one that counts years: the start of that week, quarter, month or year, some of them back.
   "Each month" or "YoY" count nothing.
6. In a question that compares with the same point of an earlier period ("month to date against the
   same point last month", 上月同期), that day some months back, or the day after it: on 2026-06-30 the
   window's end '2026-05-31' is the day after the same day last month, so on 2026-12-07 it is
   '2026-11-08', and on 2027-03-31 '2027-03-01' (February has no 31st). In a question that counts
   months or years ("last 3 months", 近半年), whole months back from the day after; in one that counts
   days or weeks (近两周), days back.
7. A first of January: the start of a year, some back.
8. In a question that counts years ("last year", 去年), the same calendar day of that year ("去年双十一").
9. Within 400 days: that many days back.

Anything else stays as written. On the day the query was made every reading gives the date it replaces
(that is how it was found); on another day it gives the window the question's words mean then.

Example:
    >>> from datetime import date
    >>> last_month = "SELECT SUM(total) FROM o WHERE day >= '2026-05-01' AND day < '2026-06-01'"
    >>> re_anchored(last_month, "sqlite", date(2026, 6, 30), date(2026, 12, 7), "Revenue last month?")
    "SELECT SUM(total) FROM o WHERE day >= '2026-11-01' AND day < '2026-12-01'"
    >>> clocked = with_clock(last_month, "sqlite", date(2026, 6, 30), "Revenue last month?")
    >>> print(clocked.replace(" AND ", "\\n"))
    SELECT SUM(total) FROM o WHERE day >= DATE('now', 'start of month', '-1 months')
    day < DATE('now', 'start of month')
    >>> re_anchored(last_month, "sqlite", date(2026, 6, 30), date(2026, 12, 7), "Revenue in May 2026?")
    "SELECT SUM(total) FROM o WHERE day >= '2026-05-01' AND day < '2026-06-01'"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from explain.timewindow import add_months
from nl2sql.semantic.time_words import MONTHS, chinese_number, full_years

CLOCK_DIALECTS = ("sqlite", "duckdb", "postgres", "mysql")
"""Dialects :func:`with_clock` writes the clock for; in others a query keeps its dates."""
ANCHORS = ("today", "tomorrow", "week", "month", "quarter", "year")
"""What a relative date counts from: the day, the day after, or the start of its week (Monday), month,
quarter or year."""
MAX_DAYS_BACK = 400
"""The farthest a date is read as a number of days from the day (rules 6 and 9)."""
MAX_YEARS_BACK = 5
"""The farthest a first of January is read as the start of a year some back (rules 5 and 7)."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_RELATIVE = re.compile(
    r"\b(?:today|yesterday|tomorrow|now|this|last|past|previous|prior|recent|recently|current|"
    r"ago|so far|to date|ytd|mtd|qtd|wtd|yoy|mom|qoq|wow|same period|since)\b|"
    r"今[天日年]|昨[天日]|前天|本(?:周|月|季|年)|这(?:周|个?月|个?季|一?年)|上+(?:周|个?月|个?季|一?年)|"
    r"去年|前年|近|过去|目前|至今|迄今|当前|以来|同比|环比|同期|到现在|为止",
    re.IGNORECASE,
)
_SO_FAR = re.compile(
    r"\b(?:since|so far|to date|until now|up to now|ytd|mtd|qtd|wtd)\b|以来|至今|迄今|到现在|到目前|为止",
    re.IGNORECASE,
)
"""Words that end a window today."""
_LAST = r"\b(?:this|last|past|previous|prior|next|current)\s+"
_PERIODS = {
    period: re.compile(pattern, re.IGNORECASE)
    for period, pattern in {
        "week": _LAST + r"week\b|\bweek\s+(?:to\s+date|before)\b|\bwtd\b|"
        r"本周|这个?(?:周|星期)|本星期|上+(?:个|一)?(?:周|星期)|前一周",
        "month": _LAST + r"month\b|\bmonth\s+(?:to\s+date|before)\b|\bmtd\b|"
        r"本月|这个?月|上+(?:个|一个?)?月|前一个?月",
        "quarter": _LAST + r"(?:quarter|qtr)\b|\b(?:quarter|qtr)\s+(?:to\s+date|before)\b|\bqtd\b|"
        r"本季度?|这个?季度|上+(?:个|一个?)?季度|前一个?季度",
        "year": _LAST + r"year\b|\byear\s+(?:to\s+date|before)\b|\bytd\b|"
        r"今年|去年|前年|本年|上一年|明年|同期",
    }.items()
}
"""A calendar period the question counts from the day ("last month", 上季度, YTD): its bounds are read
as that period's start. A period only named ("each month", 每个季度, YoY) is not one."""
_COUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty)\s+"
_ZH_COUNT = r"(?<![这本上])[\d一二三四五六七八九十两]+"
_ROLLING_DAYS = re.compile(
    rf"\b{_COUNT}(?:days?|weeks?)\b|{_ZH_COUNT}(?:天|日|周|个?(?:星期|礼拜))", re.IGNORECASE
)
"""A count of days or weeks ("last 14 days", 近两周): a window that rolls back from the day by days."""
_SAME_POINT = re.compile(
    r"\bsame\s+(?:point|day|time|stage|period)\b|同期|同一天|同一时间|同一时点", re.IGNORECASE
)
"""A comparison with the same point of an earlier period ("same point last month", 上月同期)."""
_ROLLING_MONTHS = re.compile(
    rf"\b{_COUNT}(?:months?|quarters?|years?)\b|\bhalf\s+(?:a\s+)?year\b|"
    rf"{_ZH_COUNT}(?:个月|个季度|年)|半年(?!度)",
    re.IGNORECASE,
)
"""A count of months, quarters or years ("last 3 months", 近半年): a window that rolls back from the
day after by whole months."""
_FULL_MONTHS = [name for name in MONTHS if len(name) > 3 and name != "sept"]
_SHORT_MONTHS = [name.capitalize() for name in MONTHS if len(name) == 3 and name != "may"]
_NAMED_MONTH = re.compile(
    r"\b((?i:" + "|".join(_FULL_MONTHS) + r")|May|" + "|".join(_SHORT_MONTHS) + r")\b"
    r"|(十[一二]|[一二三四五六七八九十]|1[0-2]|0?[1-9])月"
)
"""A month by its name: English ones (May capitalised, abbreviations too, not to read the verb or a
word), Chinese ones by number (三月, 3月)."""
_NAMED_QUARTER = re.compile(
    r"\bQ([1-4])\b|第?([一二三四])季度|\b(first|second|third|fourth) quarter\b", re.IGNORECASE
)
_NAMED_HALF = re.compile(r"\bH([12])\b|([上下])半年|\b(first|second) half\b", re.IGNORECASE)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


@dataclass(frozen=True)
class RelativeDate:
    """A date as the start of a period of a day, moved some months and days.

    Example:
        >>> start_of_last_month = RelativeDate("month", months=-1)
        >>> start_of_last_month.on(date(2026, 6, 30)), start_of_last_month.on(date(2027, 1, 15))
        (datetime.date(2026, 5, 1), datetime.date(2026, 12, 1))
        >>> RelativeDate("tomorrow", months=-12).on(date(2028, 2, 28), "sqlite")  # as SQLite counts
        datetime.date(2027, 3, 1)
        >>> RelativeDate("tomorrow", months=-12).on(date(2028, 2, 28), "duckdb")
        datetime.date(2027, 2, 28)
    """

    anchor: str
    """One of :data:`ANCHORS`."""
    months: int = 0
    days: int = 0
    clamped: bool = field(default=False, repr=False)
    """Months stop at a month's last day on every engine, SQLite too (its clock is then written so):
    the same point of an earlier month, where March 31 a month back is February's last day."""

    def on(self, day: date, dialect: str = "sqlite") -> date:
        """The date this is on ``day``, with months counted as ``dialect`` counts them (SQLite carries
        a day past a month's end into the next month, unless ``clamped``; the others stop at the
        month's last day)."""
        start = _anchor(self.anchor, day)
        carry = dialect == "sqlite" and not self.clamped
        return add_months(start, self.months, carry=carry) + timedelta(days=self.days)

    def clock_sql(self, dialect: str) -> str:
        """This date as an expression of ``dialect`` that reads the database's clock.

        Example:
            >>> RelativeDate("quarter", months=-3).clock_sql("duckdb")
            "CAST(DATE_TRUNC('quarter', CURRENT_DATE) - INTERVAL '3 months' AS DATE)"
            >>> RelativeDate("week", days=-7).clock_sql("sqlite")
            "DATE('now', 'weekday 0', '-6 days', '-7 days')"
            >>> RelativeDate("year", months=-12).clock_sql("mysql")
            'CAST(MAKEDATE(YEAR(CURRENT_DATE), 1) - INTERVAL 12 MONTH AS DATE)'
        """
        if dialect == "sqlite":
            return _sqlite_clock(self)
        if dialect == "mysql":
            return _mysql_clock(self)
        if dialect in CLOCK_DIALECTS:
            return _interval_clock(self)
        raise ValueError(f"no clock expression for {dialect}; expected one of {', '.join(CLOCK_DIALECTS)}")


def read_date(value: date, day: date, question: str, dialect: str = "sqlite") -> RelativeDate | None:
    """What ``value``, in a query of ``dialect`` made on ``day`` for ``question``, is relative to that
    day; None when it is a fixed date (the rules are in the module's description).

    Example:
        >>> read_date(date(2026, 7, 1), date(2026, 6, 30), "How many orders this year?")
        RelativeDate(anchor='tomorrow', months=0, days=0)
        >>> read_date(date(2025, 11, 11), date(2026, 6, 30), "去年双十一当天的营收")
        RelativeDate(anchor='year', months=-2, days=10)
        >>> read_date(date(2026, 5, 1), date(2026, 6, 30), "Orders between 2026-05-01 and now") is None
        True
    """
    if _YEAR.search(full_years(question)):  # "in 2025", "25年"
        return None
    months, bounds = _named_periods(question)
    if not bounds and not _RELATIVE.search(question):
        return None
    if value == day + timedelta(days=1) and _SO_FAR.search(question):  # "6月以来": up to today
        return RelativeDate("tomorrow")
    month_offset = (value.year - day.year) * 12 + value.month - 1
    if value.day == 1 and (value.month - 1 in bounds or (value.month == 1 and 12 in bounds)):
        return RelativeDate("year", months=month_offset)
    if value.month in months:  # a day of a month named: "6月25号之前"
        return RelativeDate("year", months=month_offset, days=value.day - 1)
    periods = {period for period, words in _PERIODS.items() if words.search(question)}
    rolling = (bool(_ROLLING_DAYS.search(question)), bool(_ROLLING_MONTHS.search(question)))
    if _SAME_POINT.search(question):
        periods.add("same point")
    for reading in _readings(value, day, periods, month_offset, rolling=rolling):
        if reading.on(day, dialect) == value:
            return reading
    return None


def with_clock(sql: str, dialect: str, day: date, question: str) -> str:
    """``sql``, made on ``day`` for ``question``, with each date it counts from that day written with
    the database's clock; unchanged in a dialect not in :data:`CLOCK_DIALECTS` or text that does not parse.

    Example:
        >>> with_clock("SELECT * FROM o WHERE d >= '2026-06-24'", "duckdb", date(2026, 6, 30), "Last 7 days?")
        "SELECT * FROM o WHERE d >= CAST(CURRENT_DATE - INTERVAL '6 days' AS DATE)"
    """
    if dialect not in CLOCK_DIALECTS:
        return sql
    return _rewrite(sql, dialect, day, question, lambda reading: reading.clock_sql(dialect))


def re_anchored(sql: str, dialect: str, day: date, today: date, question: str) -> str:
    """``sql``, made on ``day`` for ``question``, with each date it counts from that day moved to the
    same place relative to ``today``; unchanged when the two days are the same.

    Example:
        >>> re_anchored("SELECT * FROM o WHERE d = '2026-06-29'", "postgres", date(2026, 6, 30),
        ...     date(2026, 12, 7), "Orders yesterday?")
        "SELECT * FROM o WHERE d = '2026-12-06'"
    """
    return sql if day == today else _re_anchored(sql, dialect, day, today, question)


@lru_cache(maxsize=4096)
def _re_anchored(sql: str, dialect: str, day: date, today: date, question: str) -> str:
    """:func:`re_anchored` on two different days, once per query (verified queries are read at every ask)."""
    return _rewrite(sql, dialect, day, question, lambda reading: repr(reading.on(today, dialect).isoformat()))


def _rewrite(sql: str, dialect: str, day: date, question: str, write: Callable[[RelativeDate], str]) -> str:
    """``sql`` with each date literal read as relative to ``day`` replaced by the text ``write`` makes of
    it; the rest of the text stays as it was written. Text that does not parse stays whole."""
    try:
        sqlglot.parse_one(sql, read=dialect)
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        return sql
    pieces, written = [], 0
    for token in tokens:
        if token.token_type != TokenType.STRING or not _DATE.match(token.text):
            continue
        try:
            reading = read_date(date.fromisoformat(token.text), day, question, dialect)
        except ValueError:  # 2026-02-30
            continue
        if reading is not None:
            pieces += [sql[written : token.start], write(reading)]
            written = token.end + 1
    return "".join([*pieces, sql[written:]]) if pieces else sql


def _readings(
    value: date, day: date, periods: set[str], month_offset: int, *, rolling: tuple[bool, bool]
) -> Iterator[RelativeDate]:
    """The readings rules 4 to 9 try, in order (each checked against ``value`` on ``day``): ``periods``
    the question counts from the day, ``rolling`` whether it counts days or weeks, and months or years."""
    tomorrow = day + timedelta(days=1)
    days_back = (value - day).days
    yield RelativeDate("tomorrow")
    yield RelativeDate("today")
    if (tomorrow.month, tomorrow.day) == (value.month, value.day) and value.year < tomorrow.year:
        yield RelativeDate("tomorrow", months=(value.year - tomorrow.year) * 12)  # the same point in a year
    if "week" in periods and value.weekday() == 0:
        yield RelativeDate("week", days=(value - _anchor("week", day)).days)
    quarter_start = _anchor("quarter", day)
    months_from_quarter = (value.year - quarter_start.year) * 12 + value.month - quarter_start.month
    if "quarter" in periods and value.day == 1 and months_from_quarter % 3 == 0:
        yield RelativeDate("quarter", months=months_from_quarter)
    if "month" in periods and value.day == 1:
        yield RelativeDate("month", months=(value.year - day.year) * 12 + value.month - day.month)
    new_year = value.month == 1 and value.day == 1 and 0 <= day.year - value.year <= MAX_YEARS_BACK
    if new_year and "year" in periods:
        yield RelativeDate("year", months=month_offset)
    by_days, by_months = rolling
    if "same point" in periods:
        months_back = _months_between(day, value - timedelta(days=1))
        yield RelativeDate("today", months=months_back, days=1, clamped=True)
        yield RelativeDate("today", months=_months_between(day, value), clamped=True)
    if by_months and value.day == tomorrow.day:
        months_from_tomorrow = (value.year - tomorrow.year) * 12 + value.month - tomorrow.month
        yield RelativeDate("tomorrow", months=months_from_tomorrow)
    if by_days and abs(days_back) <= MAX_DAYS_BACK:
        yield RelativeDate("today", days=days_back)
    if new_year:
        yield RelativeDate("year", months=month_offset)
    if "year" in periods and 0 <= day.year - value.year <= MAX_YEARS_BACK:
        yield RelativeDate("year", months=month_offset, days=value.day - 1)
    if abs(days_back) <= MAX_DAYS_BACK:
        yield RelativeDate("today", days=days_back)


def _months_between(start: date, end: date) -> int:
    """Calendar months from ``start``'s month to ``end``'s (negative when ``end`` is earlier)."""
    return (end.year - start.year) * 12 + end.month - start.month


def _named_periods(question: str) -> tuple[set[int], set[int]]:
    """The months (1 to 12) ``question`` names, and the months (counted from 0, January, to 12, the
    next January) that start or end a month, quarter or half it names."""
    months: set[int] = set()
    bounds: set[int] = set()
    for match in _NAMED_MONTH.finditer(question):
        name, number = match.groups()
        month = MONTHS[name.lower()] if name else chinese_number(number) or 1
        months.add(month)
        bounds |= {month - 1, month}
    for match in _NAMED_QUARTER.finditer(question):
        digit, chinese, word = match.groups()
        quarter = (chinese_number(digit or chinese) or 1) if digit or chinese else _ORDINALS[word.lower()]
        bounds |= {3 * quarter - 3, 3 * quarter}
    for match in _NAMED_HALF.finditer(question):
        digit, chinese, word = match.groups()
        half = int(digit) if digit else (1 if chinese == "上" else 2) if chinese else _ORDINALS[word.lower()]
        bounds |= {6 * half - 6, 6 * half}
    return months, bounds


def _anchor(anchor: str, day: date) -> date:
    if anchor == "today":
        return day
    if anchor == "tomorrow":
        return day + timedelta(days=1)
    if anchor == "week":
        return day - timedelta(days=day.weekday())
    if anchor == "month":
        return day.replace(day=1)
    if anchor == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if anchor == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown anchor {anchor!r}; expected one of {', '.join(ANCHORS)}")


_SQLITE_ANCHORS = {
    "today": [],
    "tomorrow": ["'+1 day'"],
    "week": ["'weekday 0'", "'-6 days'"],
    "month": ["'start of month'"],
    "quarter": ["'start of month'", "'-' || ((STRFTIME('%m', 'now') - 1) % 3) || ' months'"],
    "year": ["'start of year'"],
}


def _sqlite_clock(reading: RelativeDate) -> str:
    """SQLite's clock moved as ``reading`` says; a clamped move by months is the earlier of SQLite's own
    (which carries past a month's end) and the last day of the month it lands in."""
    steps = [*_SQLITE_ANCHORS[reading.anchor]]
    days = [f"'{reading.days:+d} days'"] if reading.days else []
    if reading.months and reading.clamped:
        carried = "DATE(" + ", ".join(["'now'", *steps, f"'{reading.months:+d} months'"]) + ")"
        next_start = [*steps, "'start of month'"]
        if reading.months + 1:
            next_start.append(f"'{reading.months + 1:+d} months'")
        month_end = "DATE(" + ", ".join(["'now'", *next_start, "'-1 days'"]) + ")"
        return "DATE(" + ", ".join([f"MIN({carried}, {month_end})", *days]) + ")"
    if reading.months:
        steps.append(f"'{reading.months:+d} months'")
    return "DATE(" + ", ".join(["'now'", *steps, *days]) + ")"


def _interval_clock(reading: RelativeDate) -> str:
    if reading.anchor in ("today", "tomorrow"):
        start = "CURRENT_DATE" + (" + INTERVAL '1 day'" if reading.anchor == "tomorrow" else "")
    else:
        start = f"DATE_TRUNC('{reading.anchor}', CURRENT_DATE)"
    return _moved(start, reading, lambda amount, unit: f"INTERVAL '{amount} {unit.lower()}s'")


def _moved(start: str, reading: RelativeDate, interval: Callable[[int, str], str]) -> str:
    """``start`` moved by ``reading``'s months and days (``interval`` writes an amount of a MONTH or DAY),
    as a date."""
    for amount, unit in ((reading.months, "MONTH"), (reading.days, "DAY")):
        if amount:
            start += f" {'-' if amount < 0 else '+'} {interval(abs(amount), unit)}"
    return f"CAST({start} AS DATE)"


_MYSQL_ANCHORS = {
    "today": "CURRENT_DATE",
    "tomorrow": "CURRENT_DATE + INTERVAL 1 DAY",
    "week": "CURRENT_DATE - INTERVAL WEEKDAY(CURRENT_DATE) DAY",
    "month": "CURRENT_DATE - INTERVAL (DAYOFMONTH(CURRENT_DATE) - 1) DAY",
    "quarter": "MAKEDATE(YEAR(CURRENT_DATE), 1) + INTERVAL (QUARTER(CURRENT_DATE) - 1) QUARTER",
    "year": "MAKEDATE(YEAR(CURRENT_DATE), 1)",
}
"""Each anchor as MySQL and MariaDB write it (``WEEKDAY`` counts from Monday there)."""


def _mysql_clock(reading: RelativeDate) -> str:
    return _moved(_MYSQL_ANCHORS[reading.anchor], reading, lambda amount, unit: f"INTERVAL {amount} {unit}")
