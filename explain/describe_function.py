"""Words for the functions of an expression: rounding, casts, COALESCE, text functions, and dates
(strftime parts, shifts like ``date(d, '+90 days')``, truncation, differences).

:class:`FunctionWords` is part of :class:`explain.describe_expression.Describer`.

Example:
    >>> from explain.describe_expression import example_describer
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("d", "DATE"), Column("x", "REAL"))),))
    >>> sql = "SELECT strftime('%Y', d), date(d, '+90 days'), COALESCE(ROUND(x, 1), 0) FROM t"
    >>> describer, tree = example_describer(sql, schema)
    >>> [describer.value(p) for p in tree.selects]
    ['the year of d', '90 days after d', 'x, rounded to 1 decimal, or 0 when it is empty']
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.phrases import join_list, phrase
from explain.query_parts import unparen, unwrap

_FORMATS = {
    "%Y": "part_year",
    "%m": "part_month",
    "%Y-%m": "part_year_month",
    "%d": "part_day",
    "%Y-%m-%d": "part_date",
    "%W": "part_week",
    "%w": "part_weekday",
    "%H": "part_hour",
    "%M": "part_minute",
    "%j": "part_day_of_year",
}

_PART_NAMES = {
    "year": "part_year",
    "month": "part_month",
    "day": "part_day",
    "week": "part_week",
    "dow": "part_weekday",
    "dayofweek": "part_weekday",
    "hour": "part_hour",
    "minute": "part_minute",
    "doy": "part_day_of_year",
    "dayofyear": "part_day_of_year",
    "quarter": "part_quarter",
}

_PART_NODES: dict[type[exp.Expression], str] = {
    exp.Year: "part_year",
    exp.Month: "part_month",
    exp.Day: "part_day",
    exp.Quarter: "part_quarter",
    exp.DayOfWeek: "part_weekday",
    exp.DayOfYear: "part_day_of_year",
    exp.Week: "part_week",
}

_PART_KEYS = frozenset(
    {"part_year", "part_month", "part_day", "part_week", "part_hour", "part_minute", "part_quarter"}
)


def strftime_format(key: str) -> str:
    """The strftime format that writes a date part (``part_year`` → ``%Y``); empty when none does.

    Example:
        >>> strftime_format("part_year_month")
        '%Y-%m'
    """
    for format_, part in _FORMATS.items():
        if part == key:
            return format_
    return ""


class FunctionWords:
    """Describes function calls; the rest of :class:`~explain.describe_expression.Describer` supplies
    the values they apply to.

    Example:
        >>> from explain.describe_expression import Describer
        >>> issubclass(Describer, FunctionWords)
        True
    """

    lang: str
    today: datetime.date

    if TYPE_CHECKING:

        def value(self, node: exp.Expression, *, describe: bool = False) -> str: ...

        def sql(self, node: exp.Expression) -> str: ...

        def _unit(self, unit: str, count: int) -> str: ...

    def _function(self, node: exp.Func, describe: bool) -> str | None:
        lang = self.lang
        part = self._date_part(node)
        if part is not None:
            key, subject = part
            if key.startswith("format:"):
                written = key.removeprefix("format:")
                return phrase(
                    lang, "date_format", value=self._date_subject(subject, describe), format=written
                )
            return phrase(
                lang, "date_part", part=phrase(lang, key), value=self._date_subject(subject, describe)
            )
        if isinstance(node, exp.Round):
            inner = self.value(node.this, describe=describe)
            decimals = node.args.get("decimals")
            if decimals is None or decimals.name in ("0", ""):
                return phrase(lang, "round_whole", value=inner)
            return phrase(
                lang, "round_one" if decimals.name == "1" else "round", value=inner, n=self.value(decimals)
            )
        if isinstance(node, exp.Cast | exp.TryCast):
            return self._cast(node, describe)
        if isinstance(node, exp.Coalesce):
            fallbacks = [self.value(other) for other in node.expressions]
            return phrase(
                lang,
                "coalesce",
                value=self.value(node.this, describe=describe),
                fallback=join_list(lang, fallbacks, "or"),
            )
        if isinstance(node, exp.Least | exp.Greatest):  # SQLite's two-argument MIN and MAX
            values = [self.value(part, describe=describe) for part in (node.this, *node.expressions)]
            key = "least" if isinstance(node, exp.Least) else "greatest"
            return phrase(lang, key, values=join_list(lang, values, "and"))
        if isinstance(node, exp.Nullif):
            return phrase(
                lang,
                "nullif",
                value=self.value(node.this, describe=describe),
                other=self.value(node.expression),
            )
        simple = {
            exp.Abs: "abs",
            exp.Lower: "lower",
            exp.Upper: "upper",
            exp.Length: "length",
            exp.Trim: "trim",
        }
        for kind, key in simple.items():
            if type(node) is kind:
                return phrase(lang, key, value=self.value(node.this, describe=describe))
        if isinstance(node, exp.Substring):
            return self._substring(node, describe)
        if isinstance(node, exp.Concat):
            parts = [self.value(part, describe=describe) for part in node.expressions]
            return phrase(lang, "concat", values=join_list(lang, parts))
        if isinstance(node, exp.Date) and not node.expressions:
            return phrase(lang, "date_of", value=self.value(node.this, describe=describe))
        if isinstance(node, exp.DateDiff):
            unit = (node.text("unit") or "day").lower()
            unit_key = unit if unit.endswith("s") else unit + "s"
            unit_words = phrase(lang, unit_key) if unit_key in ("days", "weeks", "months", "years") else unit
            return phrase(
                lang,
                "date_diff",
                unit=unit_words,
                start=self.value(node.expression, describe=describe),
                end=self.value(node.this, describe=describe),
            )
        if isinstance(node, exp.DateTrunc | exp.TimestampTrunc | exp.DatetimeTrunc):
            unit = node.text("unit").lower()
            unit_words = phrase(lang, f"part_{unit}") if f"part_{unit}" in _PART_KEYS else unit
            return phrase(lang, "date_trunc", unit=unit_words, value=self.value(node.this, describe=describe))
        if isinstance(node, exp.DateAdd | exp.DateSub):
            return self._date_shift_node(node, describe)
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("date", "datetime"):
            return self._date_modifiers(node, describe)
        return None

    def _cast(self, node: exp.Expression, describe: bool) -> str:
        inner = self.value(node.this, describe=describe)
        to = node.args.get("to")
        type_ = to.sql(self.dialect).upper() if to is not None else ""
        if to is not None and to.is_type(*exp.DataType.INTEGER_TYPES):
            key = "cast_int"
        elif to is not None and to.is_type(*exp.DataType.REAL_TYPES):
            key = "cast_number"
        elif to is not None and to.is_type(*exp.DataType.TEXT_TYPES):
            key = "cast_text"
        elif to is not None and to.is_type(*exp.DataType.TEMPORAL_TYPES):
            key = "cast_date"
        else:
            return phrase(self.lang, "cast_other", value=inner, type=type_)
        return phrase(self.lang, key, value=inner)

    def _substring(self, node: exp.Substring, describe: bool) -> str:
        inner = self.value(node.this, describe=describe)
        start, length = node.args.get("start"), node.args.get("length")
        if start is None:
            return inner
        if length is not None and start.is_int and length.is_int:
            end = int(start.name) + int(length.name) - 1
            return phrase(self.lang, "substring", value=inner, start=start.name, end=end)
        return phrase(self.lang, "substring_from", value=inner, start=self.value(start))

    def _date_part(self, node: exp.Expression) -> tuple[str, exp.Expression] | None:
        """(phrase id of the part, or the strftime format when unknown; the date it is taken from)."""
        node = unparen(node)
        if isinstance(node, exp.Cast):
            node = unparen(node.this)
        if isinstance(node, exp.TimeToStr):
            format_ = node.text("format")
            return _FORMATS.get(format_, "format:" + format_), unwrap(node.this)
        if isinstance(node, exp.Anonymous) and node.name.lower() == "strftime" and len(node.expressions) == 2:
            format_node, subject = node.expressions
            if isinstance(format_node, exp.Literal) and format_node.is_string:
                return _FORMATS.get(format_node.name, "format:" + format_node.name), unwrap(subject)
        for kind, key in _PART_NODES.items():
            if type(node) is kind:
                return key, unwrap(node.this)
        if isinstance(node, exp.Extract):
            unit = node.this.name.lower()
            if unit in _PART_NAMES:
                return _PART_NAMES[unit], unwrap(node.expression)
        return None

    def _date_subject(self, subject: exp.Expression, describe: bool) -> str:
        if isinstance(subject, exp.Literal) and subject.name.lower() == "now":
            return phrase(self.lang, "relative_value", date=self.today, when=phrase(self.lang, "today"))
        return self.value(subject, describe=describe)

    def _date_shift_node(self, node: exp.Expression, describe: bool) -> str | None:
        interval = node.expression
        if isinstance(interval, exp.Interval):
            amount, unit = interval.this.name, interval.text("unit")
        else:
            amount, unit = interval.name, node.text("unit") or "day"
        try:
            count = int(float(amount))
        except ValueError:
            return None
        if isinstance(node, exp.DateSub):
            count = -count
        return self._shift_phrase(self.value(node.this, describe=describe), count, unit.lower())

    def _date_modifiers(self, node: exp.Anonymous, describe: bool) -> str | None:
        arguments = node.expressions
        if not arguments:
            return None
        text = self.value(arguments[0], describe=describe)
        if len(arguments) == 1:
            return phrase(self.lang, "date_of", value=text)
        if len(arguments) != 2 or not isinstance(arguments[1], exp.Literal):
            return None
        match = re.match(r"^\s*([+-]?\d+)\s+([a-z]+?)s?\s*$", arguments[1].name, re.IGNORECASE)
        if not match:
            return None
        return self._shift_phrase(text, int(match.group(1)), match.group(2).lower())

    def _shift_phrase(self, subject: str, count: int, unit: str) -> str | None:
        unit = unit.rstrip("s") if unit.endswith("s") else unit
        if unit not in ("day", "week", "month", "year"):
            return None
        key = "date_shift_after" if count >= 0 else "date_shift_before"
        return phrase(self.lang, key, value=subject, amount=abs(count), unit=self._unit(unit, abs(count)))
