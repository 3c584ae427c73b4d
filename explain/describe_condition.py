"""Words for a condition: comparisons, AND/OR/NOT, BETWEEN, IN (a list or a subquery), LIKE patterns,
IS NULL and EXISTS, with dates named as days ("in the last 3 months (since 2026-08-23)", "in the year
2025") in English and Chinese.

:class:`ConditionWords` is part of :class:`explain.describe_expression.Describer`.

Example:
    >>> from explain.describe_expression import example_describer
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("name", "TEXT"), Column("d", "DATE"))),))
    >>> sql = "SELECT 1 FROM t WHERE name LIKE 'A%' AND d BETWEEN '2025-01-01' AND '2025-12-31'"
    >>> describer, tree = example_describer(sql, schema, lang="zh")
    >>> describer.condition(tree.find(exp.Where).this)
    "name 以 'A' 开头且 d 在 2025 年内（2025-01-01 至 2025-12-31）"
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.describe_aggregate import PREDICATES
from explain.describe_function import strftime_format
from explain.phrases import join_clauses, join_list, phrase
from explain.query_parts import conjuncts, flatten, unparen, unwrap
from explain.timewindow import RelativeDate, read_relative_date

_YEAR_LITERAL = re.compile(r"^\d{4}$")

_MONTH_LITERAL = re.compile(r"^\d{4}-\d{2}$")

_COMPARISONS: dict[type[exp.Expression], str] = {
    exp.EQ: "eq",
    exp.NullSafeEQ: "eq",
    exp.NEQ: "neq",
    exp.NullSafeNEQ: "neq",
    exp.GT: "gt",
    exp.GTE: "gte",
    exp.LT: "lt",
    exp.LTE: "lte",
}

_FLIPPED = {"eq": "eq", "neq": "neq", "gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}


class ConditionWords:
    """Describes conditions; the rest of :class:`~explain.describe_expression.Describer` supplies the
    values compared.

    Example:
        >>> from explain.describe_expression import Describer
        >>> issubclass(Describer, ConditionWords)
        True
    """

    lang: str
    today: datetime.date

    if TYPE_CHECKING:

        def value(self, node: exp.Expression, *, describe: bool = False) -> str: ...

        def _column(self, node: exp.Column, *, describe: bool = False) -> str: ...

        def _subquery(self, node: exp.Expression) -> str: ...

        def kind(self, node: exp.Expression) -> str: ...

        def _relative(self, shift: RelativeDate) -> str: ...

        def _unit(self, unit: str, count: int) -> str: ...

        def _date_part(self, node: exp.Expression) -> tuple[str, exp.Expression] | None: ...

    def condition(self, node: exp.Expression) -> str:
        """A condition as a clause: "status is not 'cancelled'", "order_date 在最近 3 个月内（…起）".

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT 1 FROM t WHERE NOT a IN (1, 2) OR b IS NULL")
            >>> describer.condition(tree.find(exp.Where).this)
            'a is none of 1 or 2 or b is empty (NULL)'
        """
        lang = self.lang
        node = unparen(node)
        if isinstance(node, exp.And):
            return join_clauses(lang, [self._nested_condition(part) for part in conjuncts(node)])
        if isinstance(node, exp.Or):
            return join_clauses(lang, [self._nested_condition(part) for part in flatten(node, exp.Or)], "or")
        if isinstance(node, exp.Not):
            return self._negated(unparen(node.this))
        comparison = _COMPARISONS.get(type(node))
        if comparison is not None:
            return self._comparison(node.this, comparison, node.expression)
        if isinstance(node, exp.Between):
            return self._between(node, negate=False)
        if isinstance(node, exp.In):
            return self._in(node, negate=False)
        if isinstance(node, exp.Like | exp.ILike | exp.Glob):
            return self._like(node, negate=bool(node.args.get("negate")))
        if isinstance(node, exp.Is):
            return self._is(node, negate=False)
        if isinstance(node, exp.Exists):
            return phrase(lang, "exists", subquery=self._subquery(node.this))
        if isinstance(node, exp.Column):
            return phrase(lang, "is_true", left=self._column(node, describe=True))
        # a predicate with no words of its own (x = ANY(…), REGEXP) is quoted: describing it as a value
        # would ask for it as a condition again
        described = self.sql(node) if isinstance(node, PREDICATES) else self.value(node)
        return phrase(lang, "holds", condition=described)

    def _comparison(self, left: exp.Expression, op: str, right: exp.Expression) -> str:
        """``left <op> right`` in words, op one of eq, neq, gt, gte, lt, lte."""
        lang = self.lang
        left, right = unparen(left), unparen(right)
        if is_constant(left) and not is_constant(right):
            left, right, op = right, left, _FLIPPED[op]
        year = self._year_condition(left, op, right)
        if year is not None:
            return year
        shift = read_relative_date(right)
        if shift is not None and op in ("gte", "gt"):
            within = self._within(left, op, shift)
            if within is not None:
                return within
        if isinstance(left, exp.Column) and isinstance(right, exp.Column) and op in ("eq", "neq"):
            return phrase(lang, f"{op}_columns", left=self.value(left), right=self.value(right))
        subject = self.value(left, describe=True)
        obj = self.value(right)
        if op != "neq" and (self.kind(left) == "date" or self.kind(right) == "date"):
            op = f"{op}_date"
        return phrase(lang, op, left=subject, right=obj)

    def _negated(self, node: exp.Expression) -> str:
        if isinstance(node, exp.In):
            return self._in(node, negate=True)
        if isinstance(node, exp.Between):
            return self._between(node, negate=True)
        if isinstance(node, exp.Like | exp.ILike | exp.Glob):
            return self._like(node, negate=not node.args.get("negate"))
        if isinstance(node, exp.Is):
            return self._is(node, negate=True)
        if isinstance(node, exp.Exists):
            return phrase(self.lang, "not_exists", subquery=self._subquery(node.this))
        if isinstance(node, exp.EQ):
            return self._comparison(node.this, "neq", node.expression)
        if isinstance(node, exp.NEQ):
            return self._comparison(node.this, "eq", node.expression)
        return phrase(self.lang, "not", condition=self._nested_condition(node))

    def _nested_condition(self, node: exp.Expression) -> str:
        node = unparen(node)
        text = self.condition(node)
        return f"({text})" if isinstance(node, exp.And | exp.Or) else text

    def _between(self, node: exp.Between, negate: bool) -> str:
        lang = self.lang
        subject = self.value(node.this, describe=True)
        low, high = node.args["low"], node.args["high"]
        low_text, high_text = self.value(low), self.value(high)
        if negate:
            return phrase(lang, "not_between", left=subject, low=low_text, high=high_text)
        period = _calendar_period(low, high)
        if period is not None:
            key, label = period
            return phrase(lang, key, left=subject, year=label, month=label, low=low_text, high=high_text)
        dates = self.kind(node.this) == "date" or self.kind(low) == "date"
        return phrase(
            lang, "between_dates" if dates else "between", left=subject, low=low_text, high=high_text
        )

    def _in(self, node: exp.In, negate: bool) -> str:
        lang = self.lang
        subject = self.value(node.this, describe=True)
        query = node.args.get("query")
        if query is not None:
            inner = query
            while isinstance(inner, exp.Subquery):
                inner = inner.this
            column = None
            if isinstance(inner, exp.Select) and len(inner.expressions) == 1:
                column = inner.expressions[0].alias_or_name or None
            reference = self._subquery(query)
            if column:
                key = "not_in_subquery" if negate else "in_subquery"
                return phrase(lang, key, left=subject, column=column, subquery=reference)
            key = "not_in_subquery_plain" if negate else "in_subquery_plain"
            return phrase(lang, key, left=subject, subquery=reference)
        values = [self.value(value) for value in node.expressions]
        if len(values) == 1:
            return phrase(lang, "neq" if negate else "eq", left=subject, right=values[0])
        key = "not_in_list" if negate else "in_list"
        return phrase(lang, key, left=subject, values=join_list(lang, values, "or"))

    def _like(self, node: exp.Expression, negate: bool) -> str:
        lang = self.lang
        subject = self.value(node.this, describe=True)
        pattern = node.expression
        glob = isinstance(node, exp.Glob)
        prefix = "not_" if negate else ""
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            wildcards = phrase(lang, "glob_wildcards" if glob else "like_wildcards")
            return phrase(
                lang, f"{prefix}like_pattern", left=subject, pattern=self.value(pattern), wildcards=wildcards
            )
        text = pattern.name
        many, one = ("*", "?") if glob else ("%", "_")
        core = text.strip(many)
        key = "like_pattern"
        if one not in text and many not in core:
            starts, ends = text.startswith(many), text.endswith(many)
            if not core:
                key = "like_pattern"
            elif starts and ends:
                key = "like_contains"
            elif ends:
                key = "like_starts"
            elif starts:
                key = "like_ends"
            else:
                key = "like_exact"
        wildcards = phrase(lang, "glob_wildcards" if glob else "like_wildcards")
        described = phrase(
            lang,
            prefix + key,
            left=subject,
            text=phrase(lang, "string", value=core),
            pattern=phrase(lang, "string", value=text),
            wildcards=wildcards,
        )
        return (
            phrase(lang, "ignoring_case", condition=described) if isinstance(node, exp.ILike) else described
        )

    def _is(self, node: exp.Is, negate: bool) -> str:
        subject = self.value(node.this, describe=True)
        if isinstance(node.expression, exp.Null):
            return phrase(self.lang, "is_not_null" if negate else "is_null", left=subject)
        key = "neq" if negate else "eq"
        return phrase(self.lang, key, left=subject, right=self.value(node.expression))

    def _year_condition(self, left: exp.Expression, op: str, right: exp.Expression) -> str | None:
        part = self._date_part(left)
        if part is None:
            return None
        key, subject = part
        found = self._part_value(key, right)
        if found is None:
            return None
        value, when = found
        note = phrase(self.lang, "note", text=when) if when else ""
        text = self.value(subject, describe=True)
        if key == "part_year":
            templates = {
                "eq": "in_year",
                "neq": "year_neq",
                "gt": "year_gt",
                "gte": "year_gte",
                "lt": "year_lt",
                "lte": "year_lte",
            }
            return phrase(self.lang, templates[op], left=text, year=value, note=note)
        if op != "eq":
            return None
        if key == "part_year_month":
            return phrase(self.lang, "in_year_month", left=text, month=value, note=note)
        if key == "part_month":
            return phrase(self.lang, "in_month_of_year", left=text, month=value, note=note)
        return None

    def _part_value(self, key: str, right: exp.Expression) -> tuple[str, str | None] | None:
        """The value a date part is compared with ("2025"), and when that is relative to today."""
        right = unparen(right)
        if isinstance(right, exp.Cast):
            right = unparen(right.this)
        if isinstance(right, exp.Literal):
            name = right.name
            if key == "part_year" and _YEAR_LITERAL.match(name):
                return name, None
            if key == "part_year_month" and _MONTH_LITERAL.match(name):
                return name, None
            if key == "part_month" and re.match(r"^\d{1,2}$", name):
                return name, None
            return None
        moment = self._strftime_now(right)
        if moment is None:
            return None
        format_, shift = moment
        day = shift.on(self.today)
        if format_ != strftime_format(key):
            return None
        return day.strftime(format_), self._relative_year(shift, key)

    def _relative_year(self, shift: RelativeDate, key: str) -> str:
        if key == "part_year" and shift.unit == "year" and shift.start_of is None:
            if shift.amount == 0:
                return phrase(self.lang, "this_year")
            if shift.amount == -1:
                return phrase(self.lang, "last_year")
        return self._relative(shift)

    def _strftime_now(self, node: exp.Expression) -> tuple[str, RelativeDate] | None:
        """A strftime of today, possibly shifted: ``strftime('%Y', 'now', '-1 year')``."""
        if isinstance(node, exp.TimeToStr):
            subject = unwrap(node.this)
            if isinstance(subject, exp.Literal) and subject.name.lower() == "now":
                return node.text("format"), RelativeDate(0, "day")
            return None
        if isinstance(node, exp.Anonymous) and node.name.lower() == "strftime" and len(node.expressions) >= 2:
            format_node, *modifiers = node.expressions
            if not isinstance(format_node, exp.Literal):
                return None
            shift = read_relative_date(exp.Anonymous(this="DATE", expressions=[m.copy() for m in modifiers]))
            return (format_node.name, shift) if shift is not None else None
        return None

    def _within(self, left: exp.Expression, op: str, shift: RelativeDate) -> str | None:
        if op != "gte" or shift.amount > 0:
            return None
        lang = self.lang
        date = shift.on(self.today)
        subject = self.value(left, describe=True)
        count = abs(shift.amount)
        unit = self._unit(shift.unit, count)
        if shift.start_of is None:
            if not shift.amount:
                return None
            return phrase(lang, "within_last", left=subject, n=count, unit=unit, date=date)
        if not shift.amount:
            return phrase(lang, f"within_this_{shift.start_of}", left=subject, date=date)
        if shift.unit == shift.start_of:
            return phrase(lang, f"within_{shift.start_of}s", left=subject, n=count, unit=unit, date=date)
        return None


def is_constant(node: exp.Expression) -> bool:
    """Whether ``node`` is a constant: a literal, NULL, a boolean or a date relative to today.

    Example:
        >>> import sqlglot
        >>> yesterday = sqlglot.parse_one("DATE('now', '-1 day')", read="sqlite")
        >>> is_constant(yesterday), is_constant(sqlglot.parse_one("x"))
        (True, False)
    """
    return isinstance(node, exp.Literal | exp.Null | exp.Boolean) or read_relative_date(node) is not None


def _calendar_period(low: exp.Expression, high: exp.Expression) -> tuple[str, str] | None:
    """("in_year_range", "2025") for BETWEEN '2025-01-01' AND '2025-12-31'; a month likewise."""
    if not (isinstance(low, exp.Literal) and isinstance(high, exp.Literal)):
        return None
    try:
        start = datetime.date.fromisoformat(low.name[:10])
        end = datetime.date.fromisoformat(high.name[:10])
    except ValueError:
        return None
    if len(low.name) != 10 or len(high.name) not in (10, 19) or start.day != 1 or start.year != end.year:
        return None
    if len(high.name) == 19 and not high.name.endswith("23:59:59"):
        return None
    if start.month == 1 and end.month == 12 and end.day == 31:
        return "in_year_range", str(start.year)
    next_month = (end.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    if start.month == end.month and (next_month - datetime.timedelta(days=1)) == end:
        return "in_month_range", start.strftime("%Y-%m")
    return None
