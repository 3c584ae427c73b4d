"""Describe one SQL expression in plain language: a value as a noun phrase, a condition as a clause.

A :class:`Describer` (with :mod:`explain.describe_condition` and :mod:`explain.describe_function`) reads
the sqlglot nodes of one parsed statement against the schema (through
:class:`~explain.resolve.Bindings`), names columns the way the user knows them, adds the column
descriptions the first time a filtered or measured column appears, names relative dates by the day they
fall on, and numbers the subqueries it meets so the explanation can spell them out as nested steps.
Anything it has no words for is shown as the SQL fragment itself.

Example:
    >>> import datetime
    >>> from nl2sql.schema import Column, Schema, Table
    >>> orders = Table("orders", (Column("status", "TEXT"), Column("order_date", "DATE")))
    >>> schema = Schema("sqlite", (orders,))
    >>> sql = "SELECT * FROM orders WHERE order_date >= date('now', '-3 months')"
    >>> describer, tree = example_describer(sql, schema, today=datetime.date(2026, 11, 23))
    >>> describer.condition(tree.find(exp.Where).this)
    'order_date is in the last 3 months (since 2026-08-23)'
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import sqlglot
from sqlglot import exp

from explain.describe_aggregate import PREDICATES, AggregateWords
from explain.describe_condition import ConditionWords
from explain.describe_function import FunctionWords
from explain.describe_query import QueryWords
from explain.phrases import has_cjk, join_list, lowered, phrase
from explain.query_parts import (
    flatten,
    unparen,
)
from explain.resolve import Bindings
from explain.timewindow import RelativeDate, read_relative_date

if TYPE_CHECKING:
    from nl2sql.schema import Schema

Kind = Literal["number", "text", "date"]

_DATE_LITERAL = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_SENTENCE_END = re.compile(r"\.(\s|$)")
_CLAUSE_BREAK = re.compile(r"[:;,]|\s[-–—]\s")
_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")
_TEXT_TYPES = ("CHAR", "TEXT", "CLOB", "STRING")
_DATE_TYPES = ("DATE", "TIME")
_DATE_NAMES = ("date", "time")
_ARITHMETIC: dict[type[exp.Expression], tuple[str, int]] = {
    exp.Add: ("+", 1),
    exp.Sub: ("-", 1),
    exp.Mul: ("×", 2),
    exp.Div: ("÷", 2),
    exp.IntDiv: ("÷", 2),
}


@dataclass(frozen=True)
class Term:
    """A table or column an explanation step mentions, with its description from the schema.

    Example:
        >>> Term("status", "Order status.").description
        'Order status.'
    """

    name: str
    description: str


class Describer(QueryWords, AggregateWords, ConditionWords, FunctionWords):
    """Plain-language descriptions of the expressions of one parsed statement.

    Args:
        tree: the parsed statement (from :func:`explain.parse.parse_statement`).
        schema: the database it is meant for.
        lang: "en" or "zh".
        today: the day relative dates are counted from.
        dialect: the dialect SQL fragments are written back in; the schema's by default.

    Example:
        >>> import datetime, sqlglot
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("price", "REAL"), Column("cost", "REAL"))),))
        >>> tree = sqlglot.parse_one("SELECT ROUND(AVG(price - cost), 2) FROM t")
        >>> Describer(tree, schema, "en", datetime.date(2026, 1, 1)).value(tree.expressions[0])
        'the average (price - cost), rounded to 2 decimals'
        >>> Describer(tree, schema, "zh", datetime.date(2026, 1, 1)).value(tree.expressions[0])
        '(price - cost) 的平均值（保留 2 位小数）'
    """

    def __init__(
        self,
        tree: exp.Expression,
        schema: Schema,
        lang: str,
        today: datetime.date,
        dialect: str | None = None,
        bindings: Bindings | None = None,
    ) -> None:
        self.tree = tree
        self.schema = schema
        self.lang = lang
        self.today = today
        self.dialect = dialect or schema.dialect
        self.bindings = bindings or Bindings(tree, schema)
        self.rows: str | None = None
        """The table whose rows the query being described counts (None: mixed rows)."""
        self.numbering = True
        """Whether subqueries met are numbered and queued for :meth:`take_subqueries`."""
        self.inline_descriptions = True
        self.named: dict[exp.Expression, str] = {}
        """Result-column expressions of the SELECT being described, by alias: a repeated expression is
        called by its alias."""
        self.current: str | None = None
        """The alias being described (never used to name its own expression)."""
        self._projections: list[exp.Expression] = []
        self._subqueries: dict[int, int] = {}
        self._pending: list[tuple[int, exp.Query]] = []
        self._described: set[str] = set()
        self._terms: dict[str, Term] = {}
        self._qualified: dict[int, str] = {}
        self._names = self._column_names(tree)

    # Bookkeeping for the step builder.

    def take_subqueries(self) -> list[tuple[int, exp.Query]]:
        """The subqueries numbered since the last call, with their numbers.

        Example:
            >>> sql = "SELECT 1 FROM orders WHERE total > (SELECT AVG(total) FROM orders)"
            >>> describer, tree = example_describer(sql)
            >>> describer.condition(tree.find(exp.Where).this)
            'total is greater than subquery 1'
            >>> [(number, query.sql()) for number, query in describer.take_subqueries()]
            [(1, 'SELECT AVG(total) FROM orders')]
        """
        pending, self._pending = self._pending, []
        return pending

    def take_terms(self) -> tuple[Term, ...]:
        """The described tables and columns mentioned since the last call.

        Example:
            >>> describer, tree = example_describer("SELECT status FROM orders WHERE status = 'paid'")
            >>> describer.condition(tree.find(exp.Where).this)
            "status (order status) is 'paid'"
            >>> describer.take_terms()
            (Term(name='status', description='Order status.'),)
        """
        terms, self._terms = tuple(self._terms.values()), {}
        return terms

    def note_table(self, name: str, description: str | None) -> None:
        """Record a table mention for the current step's terms.

        Example:
            >>> describer, tree = example_describer("SELECT 1 FROM orders")
            >>> describer.note_table("orders", "One row per order.")
            >>> describer.take_terms()
            (Term(name='orders', description='One row per order.'),)
        """
        if description:
            self._terms.setdefault(name, Term(name, description))

    def sql(self, node: exp.Expression) -> str:
        """``node`` written back as SQL in the statement's dialect.

        Example:
            >>> describer, tree = example_describer("SELECT total FROM orders WHERE total > 10")
            >>> describer.sql(tree.find(exp.Where).this)
            'total > 10'
        """
        return node.sql(self.dialect)

    # Values.

    def value(self, node: exp.Expression, *, describe: bool = False) -> str:
        """``node`` as a noun phrase ("the total of total_amount"); ``describe`` adds column descriptions.

        Example:
            >>> describer, tree = example_describer("SELECT COALESCE(SUM(total), 0) FROM orders")
            >>> describer.value(tree.selects[0], describe=True)
            'the total of total, or 0 when it is empty'
        """
        node = unparen(node) if not isinstance(node, exp.Paren) or not _is_arithmetic(node.this) else node
        if isinstance(node, exp.Alias):
            return self.value(node.this, describe=describe)
        if isinstance(node, exp.Column):
            return self._column(node, describe=describe)
        if isinstance(node, exp.Literal | exp.Null | exp.Boolean):
            return self._literal(node)
        if isinstance(node, exp.Star):
            return phrase(self.lang, "all_columns")
        if isinstance(node, exp.Subquery | exp.Query):
            return self._subquery(node)
        if self.named and isinstance(node, exp.Func | exp.Binary | exp.Window):
            alias = self.named.get(node)
            if alias is not None and alias != self.current:
                return alias
        shift = read_relative_date(node)
        if shift is not None:
            return phrase(self.lang, "relative_value", date=shift.on(self.today), when=self._relative(shift))
        if isinstance(node, exp.Window):
            return self._window(node, describe)
        if isinstance(node, exp.AggFunc):
            return self._aggregate(node, describe)
        if isinstance(node, exp.Paren):
            return f"({self.value(node.this, describe=describe)})"
        if isinstance(node, exp.Binary | exp.Neg | exp.DPipe):
            described = self._operation(node, describe)
            if described is not None:
                return described
        if isinstance(node, exp.Case | exp.If):
            return self._case(node, describe)
        if isinstance(node, PREDICATES):
            return phrase(self.lang, "whether", condition=self.condition(node))
        if isinstance(node, exp.Func):
            described = self._function(node, describe)
            if described is not None:
                return described
        return self.sql(node)

    def _column(self, node: exp.Column, *, describe: bool = False) -> str:
        """The name a column reference is shown by, plus its description on first mention."""
        name = self._names.get(id(node), node.name)
        binding = self.bindings.of(node)
        comment = binding.column.comment if binding else None
        if not comment:
            return name
        self._terms.setdefault(name, Term(name, comment))
        key = f"{binding.table.name}.{binding.column.name}".lower()  # type: ignore[union-attr]
        if not describe or not self.inline_descriptions or key in self._described:
            return name
        short = self.short_description(comment)
        if not short:
            return name
        self._described.add(key)
        return phrase(self.lang, "column_described", name=name, description=short)

    def short_description(self, comment: str | None) -> str | None:
        """The first clause of a description, when it reads as a description in the explanation's
        language; None otherwise.

        Example:
            >>> describer, tree = example_describer("SELECT 1")
            >>> describer.short_description("Date the order was placed (YYYY-MM-DD); never NULL.")
            'date the order was placed'
        """
        if not comment:
            return None
        text = _PARENTHESES.sub("", comment.strip())
        if self.lang == "zh":
            text = re.split(r"[。；;：:，,]", text, maxsplit=1)[0].strip()
        else:
            text = _SENTENCE_END.split(text, maxsplit=1)[0]
            text = _CLAUSE_BREAK.split(text, maxsplit=1)[0].strip().rstrip(".")
        text = re.sub(r"\s+", " ", text)
        if len(text) < 3 or text[0] in "'\"" or len(text) > 80 or has_cjk(text) != (self.lang == "zh"):
            return None
        return lowered(self.lang, text)

    def _literal(self, node: exp.Expression) -> str:
        """A constant as the user would write it: numbers as is, text quoted, dates bare."""
        if isinstance(node, exp.Null):
            return phrase(self.lang, "null")
        if isinstance(node, exp.Boolean):
            return phrase(self.lang, "true" if node.this else "false")
        if isinstance(node, exp.Literal) and node.is_string:
            if _DATE_LITERAL.match(node.name):
                return node.name
            return phrase(self.lang, "string", value=node.name)
        return node.name if isinstance(node, exp.Literal) else self.sql(node)

    def _subquery(self, node: exp.Expression) -> str:
        """How a subquery is referred to ("subquery 2"), numbering and queueing it when new."""
        query = node
        while isinstance(query, exp.Subquery):
            query = query.this
        number = self._subqueries.get(id(query))
        if number is None:
            if not self.numbering or not isinstance(query, exp.Query):
                return phrase(self.lang, "a_subquery")
            number = self._subqueries[id(query)] = len(self._subqueries) + 1
            self._pending.append((number, query))
        return phrase(self.lang, "subquery_ref", n=number)

    def _relative(self, shift: RelativeDate) -> str:
        """When a relative date falls, in words: "3 months ago", "the start of this year"."""
        count = abs(shift.amount)
        unit = self._unit(shift.unit, count)
        if shift.start_of is None:
            if not shift.amount:
                return phrase(self.lang, "today")
            return phrase(self.lang, "ago" if shift.amount < 0 else "from_now", n=count, unit=unit)
        if not shift.amount:
            return phrase(self.lang, f"start_of_this_{shift.start_of}")
        if shift.amount < 0 and shift.unit == shift.start_of:
            return phrase(self.lang, f"start_of_{shift.start_of}_ago", n=count, unit=unit)
        return phrase(self.lang, f"start_of_{shift.start_of}_shifted", n=f"{shift.amount:+d}", unit=unit)

    def kind(self, node: exp.Expression) -> Kind:
        """Whether ``node`` holds numbers, text or dates (for words like "latest first").

        Example:
            >>> describer, tree = example_describer("SELECT status, total, MAX('2025-01-01') FROM orders")
            >>> [describer.kind(projection) for projection in tree.selects]
            ['text', 'number', 'date']
        """
        node = unparen(node)
        if isinstance(node, exp.Alias):
            return self.kind(node.this)
        if isinstance(node, exp.Column):
            binding = self.bindings.of(node)
            type_ = binding.column.type.upper() if binding else ""
            name = node.name.lower()
            named = (
                any(word in name for word in _DATE_NAMES) or name.endswith("_at") or name in ("year", "month")
            )
            if any(word in type_ for word in _DATE_TYPES) or (
                named and not type_.startswith(("REAL", "NUM"))
            ):
                return "date"
            if any(word in type_ for word in _TEXT_TYPES) or "CHAR" in type_:
                return "text"
            return "number"
        if isinstance(node, exp.Literal):
            if node.is_string:
                return "date" if _DATE_LITERAL.match(node.name) else "text"
            return "number"
        if read_relative_date(node) is not None or self._date_part(node) is not None:
            return "date"
        if isinstance(node, exp.Min | exp.Max):
            return self.kind(node.this)
        if isinstance(node, exp.Upper | exp.Lower | exp.Trim | exp.Substring | exp.DPipe | exp.Concat):
            return "text"
        return "number"

    # Query parts.

    # Aggregates, windows and other computations.

    def direction(self, key: exp.Expression, desc: bool) -> str:
        """ "highest first", "A to Z", "latest first" …, for sorting by ``key``.

        Example:
            >>> describer, tree = example_describer("SELECT status FROM orders")
            >>> describer.direction(tree.selects[0], desc=True)
            'Z to A'
        """
        return phrase(self.lang, f"{'desc' if desc else 'asc'}_{self.kind(key)}")

    def _case(self, node: exp.Expression, describe: bool = False) -> str:
        """A CASE (or IF) expression: "x if c, y if d; otherwise z"."""
        lang = self.lang
        if isinstance(node, exp.If):
            branches = [(node.this, node.args.get("true"))]
            default = node.args.get("false")
        else:
            operand = node.this
            branches = []
            for branch in node.args.get("ifs") or []:
                condition = branch.this
                if operand is not None:
                    condition = exp.EQ(this=operand, expression=condition)
                branches.append((condition, branch.args.get("true")))
            default = node.args.get("default")
        parts = [
            phrase(
                lang, "case_when", value=self._value_or_null(value, describe), condition=self.condition(cond)
            )
            for cond, value in branches
        ]
        if default is None or isinstance(default, exp.Null):
            parts.append(phrase(lang, "case_no_else"))
        else:
            parts.append(phrase(lang, "case_else", value=self.value(default, describe=describe)))
        return phrase(lang, "case_join").join(parts)

    # Conditions.

    # Internals.

    def _operation(self, node: exp.Expression, describe: bool) -> str | None:
        lang = self.lang
        describe = False  # descriptions inside a formula make it unreadable; the step's terms carry them
        percent = _percentage(node)
        if percent is not None:
            part, whole = percent
            return phrase(
                lang, "percentage", part=self._operand(part, describe), whole=self._operand(whole, describe)
            )
        if isinstance(node, exp.Sub) and _is_julianday(node.this) and _is_julianday(node.expression):
            end = self.value(node.this.expressions[0], describe=describe)
            start = self.value(node.expression.expressions[0], describe=describe)
            return phrase(lang, "days_between", start=start, end=end)
        if isinstance(node, exp.Neg):
            return f"-{self._operand(node.this, describe)}"
        if isinstance(node, exp.Mod):
            return phrase(
                lang,
                "remainder",
                left=self._operand(node.this, describe),
                right=self._operand(node.expression, describe),
            )
        if isinstance(node, exp.DPipe):
            parts = [self.value(part, describe=describe) for part in flatten(node, exp.DPipe)]
            return phrase(lang, "concat", values=join_list(lang, parts))
        operator = _ARITHMETIC.get(type(node))
        if operator is None:
            return None
        symbol, precedence = operator
        left = self._operand(node.this, describe, precedence, right=False)
        right = self._operand(node.expression, describe, precedence, right=True)
        return f"{left} {symbol} {right}"

    def _operand(self, node: exp.Expression, describe: bool, precedence: int = 3, right: bool = False) -> str:
        if isinstance(node, exp.Paren):
            inner = unparen(node)
            text = self.value(inner, describe=describe)
            return f"({text})" if _is_arithmetic(inner) or " " in text else text
        text = self.value(node, describe=describe)
        operator = _ARITHMETIC.get(type(node))
        if operator is not None:
            looser = operator[1] < precedence or (right and operator[1] == precedence)
            return f"({text})" if looser else text
        if isinstance(node, exp.Column | exp.Literal) or " " not in text or text.startswith("("):
            return text
        return f"({text})"

    def _unit(self, unit: str, count: int) -> str:
        return phrase(self.lang, unit if count == 1 else unit + "s")

    def _value_or_null(self, node: exp.Expression | None, describe: bool) -> str:
        return phrase(self.lang, "null") if node is None else self.value(node, describe=describe)

    def _tidy(self, text: str) -> str:
        """Drop the dangling separator a window phrase leaves when it has no ORDER BY."""
        return re.sub(r",\s*$", "", text.strip()).replace(" ,", ",")


_EXAMPLE_TODAY = datetime.date(2026, 1, 1)


def example_describer(
    sql: str, schema: Schema | None = None, lang: str = "en", today: datetime.date = _EXAMPLE_TODAY
) -> tuple[Describer, exp.Expression]:
    """A :class:`Describer` for ``sql`` (read as SQLite) and its parsed tree, for examples and tests.

    Args:
        sql: one statement.
        schema: the database; by default a small one with ``orders`` (``status`` TEXT, described as
            "Order status.", and ``total`` REAL), ``t`` (``a`` INT, ``b`` TEXT) and ``u`` (``a`` INT).
        lang: "en" or "zh".
        today: the day relative dates are counted from.

    Example:
        >>> describer, tree = example_describer("SELECT total FROM orders WHERE status = 'paid'", lang="zh")
        >>> describer.lang, describer.today, [table.name for table in describer.schema.tables]
        ('zh', datetime.date(2026, 1, 1), ['orders', 't', 'u'])
        >>> describer.sql(tree.find(exp.Where).this)
        "status = 'paid'"
    """
    from nl2sql.schema import Column, Schema, Table

    if schema is None:
        orders = Table("orders", (Column("status", "TEXT", comment="Order status."), Column("total", "REAL")))
        t = Table("t", (Column("a", "INT"), Column("b", "TEXT")))
        schema = Schema("sqlite", (orders, t, Table("u", (Column("a", "INT"),))))
    tree = sqlglot.parse_one(sql, read="sqlite")
    return Describer(tree, schema, lang, today), tree


def _is_arithmetic(node: exp.Expression) -> bool:
    return type(unparen(node)) in _ARITHMETIC


def _is_julianday(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and node.name.lower() == "julianday" and len(node.expressions) == 1


def _is_hundred(node: exp.Expression) -> bool:
    node = unparen(node)
    return isinstance(node, exp.Literal) and not node.is_string and node.name in ("100", "100.0", "100.00")


def _percentage(node: exp.Expression) -> tuple[exp.Expression, exp.Expression] | None:
    """(part, whole) of ``100 * part / whole`` and its spellings."""
    node = unparen(node)
    if isinstance(node, exp.Mul):
        for hundred, other in ((node.this, node.expression), (node.expression, node.this)):
            inner = unparen(other)
            if _is_hundred(hundred) and isinstance(inner, exp.Div):
                return inner.this, inner.expression
    if isinstance(node, exp.Div):
        top = unparen(node.this)
        if isinstance(top, exp.Mul):
            if _is_hundred(top.this):
                return top.expression, node.expression
            if _is_hundred(top.expression):
                return top.this, node.expression
    return None
