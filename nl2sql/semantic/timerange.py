"""Time windows of a semantic query, written as short tokens and resolved to half-open date ranges.

A question's "last quarter" or "最近三个月" becomes one token the model can copy and the rule mapper can
write, and this module turns it into literal dates computed in Python, so no SQL dialect's date
arithmetic is involved. ``today`` is the last day with data: the end of a window is the day after it.

Tokens:

* ``last_N_days|weeks|months|quarters|years``: rolling, ending today (``last_3_months`` on 2026-06-30 is
  2026-04-01 to 2026-06-30).
* ``this_week|month|quarter|year`` (to date), ``last_week|month|quarter|year`` (the previous calendar
  one, whole), ``before_last_week|month|quarter`` (the one before that, "上上个月"), ``year_before_last``.
* ``YYYY``, ``YYYY-Qn``, ``YYYY-MM``, ``YYYY-MM-DD``, and ``A..B`` from the start of ``A`` to the end of
  ``B`` (``2025-03-01..2025-03-15``, ``2025-01..2025-06``); ``A..`` runs to today ("since 2025"), ``..B``
  from the start of the data ("截至6月20日"). ``before_A`` is every day before ``A`` starts ("before June
  25"), ``after_A`` every day after ``A`` ends, to today ("after 2026-05-01").
* ``today``, ``yesterday``, ``day_before_yesterday`` ("前天").
* ``this_year_MM``, ``last_year_qN``, ``year_before_last_h1``: a month, quarter or half of a year named
  by where it lies ("May this year", "去年二季度", "今年上半年"); ``recent_MM`` / ``recent_qN`` /
  ``recent_h2``: the latest such period that has begun by today ("in May", "for June", "二季度").
* ``recent_MM-DD`` (``this_year_MM-DD``…): a day named without its year ("June 25", "6月25号"), the latest
  such day not after today, which is how an analyst means it.
* ``all``: no window.

Example:
    >>> from datetime import date
    >>> resolve("last_quarter", date(2026, 6, 30))
    DateRange(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 4, 1), unit='quarter', count=1)
    >>> resolve("last_3_months", date(2026, 6, 30)).describe()
    '2026-04-01 to 2026-06-30'
    >>> resolve("2025-Q3", date(2026, 6, 30)).previous("year").describe()
    '2024-07-01 to 2024-09-30'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from nl2sql.errors import ChatBIError

UNITS = ("day", "week", "month", "quarter", "year")
_ROLLING = re.compile(r"last_(\d{1,4})_(day|week|month|quarter|year)s?")
_CALENDAR = re.compile(r"(this|last|before_last)_(week|month|quarter|year)")
_PERIOD = re.compile(r"(\d{4})(?:-(Q[1-4]|\d{2})(?:-(\d{2}))?)?")
_PART_OF_YEAR = re.compile(r"(this_year|last_year|year_before_last|recent)_(\d{2}-\d{2}|\d{2}|q[1-4]|h[12])")
_YEARS_BACK = {"this_year": 0, "last_year": 1, "year_before_last": 2}
EARLIEST = date.min
"""The start of a window open at its start ("before June 25"): the start of the data, no lower bound."""


class TimeRangeError(ChatBIError):
    """A time window token that does not say a window."""


@dataclass(frozen=True)
class DateRange:
    """The days from ``start`` (included) to ``end`` (excluded)."""

    start: date
    end: date
    unit: str = "day"
    """The calendar unit the window is made of (a whole month, quarter…), for its previous period."""
    count: int = 0
    """How many ``unit`` the window spans (a month to date counts as one); 0 for any other span of days."""

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def open_start(self) -> bool:
        """Whether the window runs from the start of the data (it has no first day of its own)."""
        return self.start == EARLIEST

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def describe(self) -> str:
        """The window as people read it, both ends included.

        Example:
            >>> DateRange(date(2025, 1, 1), date(2026, 1, 1)).describe()
            '2025-01-01 to 2025-12-31'
        """
        if self.open_start:
            return f"on or before {self.last_day.isoformat()}"
        if self.days == 1:
            return self.start.isoformat()
        return f"{self.start.isoformat()} to {self.last_day.isoformat()}"

    def previous(self, kind: str = "period") -> DateRange:
        """The window to compare with: the same days a year earlier (``kind="year"``), or the period of
        the same kind just before (``"period"``: the previous month for a month, May 1–15 for June 1–15,
        the 30 days before for the last 30 days).

        Example:
            >>> DateRange(date(2026, 5, 1), date(2026, 6, 1), "month", 1).previous()
            DateRange(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 5, 1), unit='month', count=1)

        Raises:
            TimeRangeError: the window runs from the start of the data, so nothing comes before it.
        """
        if self.open_start:
            raise TimeRangeError(f"the window {self.describe()} has no period before it")
        if kind == "year":
            return DateRange(
                shift(self.start, "year", -1), shift(self.end, "year", -1), self.unit, self.count
            )
        if self.count and self.unit != "day":
            step = -self.count
            return DateRange(
                shift(self.start, self.unit, step), shift(self.end, self.unit, step), self.unit, self.count
            )
        return DateRange(self.start - timedelta(days=self.days), self.start, "day", self.days)


def resolve(token: str, today: date) -> DateRange | None:
    """The window ``token`` names, seen from ``today`` (the last day with data); None for ``all``.

    Raises:
        TimeRangeError: the token is not one of the forms in the module docstring.

    Example:
        >>> resolve("this_year", date(2026, 6, 30)).describe()
        '2026-01-01 to 2026-06-30'
        >>> resolve("2025-03..2025-05", date(2026, 6, 30)).describe()
        '2025-03-01 to 2025-05-31'
        >>> resolve("before_recent_06-25", date(2026, 6, 30)).describe()
        'on or before 2026-06-24'
        >>> resolve("after_2026-05-01", date(2026, 6, 30)).describe()
        '2026-05-02 to 2026-06-30'
        >>> resolve("next_year", date(2026, 6, 30))
        Traceback (most recent call last):
        ...
        nl2sql.semantic.timerange.TimeRangeError: not a time window: 'next_year'
    """
    text = token.strip().lower()
    end = today + timedelta(days=1)
    if text in ("all", "", "none"):
        return None
    if match := _ROLLING.fullmatch(text):
        count, unit = int(match.group(1)), match.group(2)
        if count < 1:
            raise TimeRangeError(f"not a time window: {token!r}")
        return DateRange(shift(end, unit, -count), end, unit, count)
    if text == "today":
        return DateRange(today, end, "day", 1)
    if text == "yesterday":
        return DateRange(today - timedelta(days=1), today, "day", 1)
    if text == "day_before_yesterday":
        return DateRange(today - timedelta(days=2), today - timedelta(days=1), "day", 1)
    if match := _CALENDAR.fullmatch(text):
        which, unit = match.groups()
        current = period_start(today, unit)
        if which == "this":
            return DateRange(current, end, unit, 1)
        back = 1 if which == "last" else 2  # before_last: the month before last (上上个月)
        return DateRange(shift(current, unit, -back), shift(current, unit, 1 - back), unit, 1)
    if match := _PART_OF_YEAR.fullmatch(text):
        return _part_of_year(match.group(1), match.group(2), today, token)
    if text == "year_before_last":
        start = date(today.year - 2, 1, 1)
        return DateRange(start, date(today.year - 1, 1, 1), "year", 1)
    if text.startswith(("before_", "after_")):
        which, _, bound = text.partition("_")
        named = _bound(bound, token, today)
        if which == "before":
            return DateRange(EARLIEST, named.start)
        if named.end > today:
            raise TimeRangeError(f"no day with data comes after {named.describe()}: {token!r}")
        return DateRange(named.end, end)
    if ".." in text:
        first, _, last = text.partition("..")
        start = _bound(first, token, today) if first else DateRange(EARLIEST, EARLIEST)
        stop = _bound(last, token, today) if last else DateRange(today, end)
        if stop.end <= start.start:
            raise TimeRangeError(f"the window ends before it starts: {token!r}")
        return DateRange(start.start, stop.end)
    return _period(text, token)


def _period(text: str, token: str) -> DateRange:
    match = _PERIOD.fullmatch(text.strip().upper())
    if not match:
        raise TimeRangeError(f"not a time window: {token!r}")
    year, part, day = match.groups()
    try:
        if part is None:
            return DateRange(date(int(year), 1, 1), date(int(year) + 1, 1, 1), "year", 1)
        if part.startswith("Q"):
            start = date(int(year), 3 * int(part[1]) - 2, 1)
            return DateRange(start, shift(start, "quarter", 1), "quarter", 1)
        if day is None:
            start = date(int(year), int(part), 1)
            return DateRange(start, shift(start, "month", 1), "month", 1)
        start = date(int(year), int(part), int(day))
    except ValueError:
        raise TimeRangeError(f"not a date: {token!r}") from None
    return DateRange(start, start + timedelta(days=1), "day", 1)


def _bound(text: str, token: str, today: date) -> DateRange:
    """One end of ``A..B``: a period (``2025-03``) or a part of a year named by where it lies."""
    if match := _PART_OF_YEAR.fullmatch(text):
        return _part_of_year(match.group(1), match.group(2), today, token)
    return _period(text, token)


def _part_of_year(which: str, part: str, today: date, token: str) -> DateRange:
    """A month (``05``), quarter (``q2``), half (``h1``) or day (``06-25``) of the year ``which`` names;
    ``recent``: of this year when it has begun by ``today``, else of last year."""

    def of_year(year: int) -> DateRange:
        if "-" in part:  # a day: "06-25"
            return _period(f"{year}-{part}", token)
        if part.startswith("h"):
            start = date(year, 1 if part == "h1" else 7, 1)
            return DateRange(start, shift(start, "month", 6), "month", 6)
        return _period(f"{year}-{part.upper()}", token)

    if which != "recent":
        return of_year(today.year - _YEARS_BACK[which])
    this_year = of_year(today.year)
    return this_year if this_year.start <= today else of_year(today.year - 1)


def period_start(day: date, unit: str) -> date:
    """The first day of the week (Monday), month, quarter or year holding ``day``.

    Example:
        >>> period_start(date(2026, 6, 30), "week"), period_start(date(2026, 6, 30), "quarter")
        (datetime.date(2026, 6, 29), datetime.date(2026, 4, 1))
    """
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if unit == "year":
        return date(day.year, 1, 1)
    raise TimeRangeError(f"not a calendar unit: {unit!r}")


def shift(day: date, unit: str, count: int) -> date:
    """``day`` moved by ``count`` units; month ends are kept within the month (Mar 31 − 1 month = Feb 28).

    Example:
        >>> shift(date(2024, 2, 29), "year", -1), shift(date(2026, 3, 31), "month", -1)
        (datetime.date(2023, 2, 28), datetime.date(2026, 2, 28))
    """
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * count
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
