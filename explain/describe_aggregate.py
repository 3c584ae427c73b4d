"""Words for aggregates and window functions: "the number of orders", "the total of total_amount where
…", "the number of different customers", "the rank within each region, ordered by revenue (highest
first)", "the revenue of the previous row".

:class:`AggregateWords` is part of :class:`explain.describe_expression.Describer`.

Example:
    >>> from explain.describe_expression import example_describer
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("region", "TEXT"), Column("x", "REAL"))),))
    >>> sql = "SELECT SUM(x > 10), RANK() OVER (PARTITION BY region ORDER BY x DESC) FROM t"
    >>> describer, tree = example_describer(sql, schema)
    >>> for projection in tree.selects:
    ...     print(describer.value(projection))
    the number of rows where x is greater than 10
    the rank within each region, ordered by x (highest first)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.phrases import counted_noun, join_list, phrase
from explain.query_parts import unparen

PREDICATES = (exp.Predicate, exp.Connector, exp.Not)
"""Node types that are conditions (true or false) rather than values."""
_NAVIGATION = (
    exp.Lag,
    exp.Lead,
    exp.FirstValue,
    exp.LastValue,
    exp.NthValue,
    exp.Rank,
    exp.DenseRank,
    exp.RowNumber,
    exp.Ntile,
    exp.PercentRank,
    exp.CumeDist,
)


class AggregateWords:
    """Describes aggregate and window functions.

    Example:
        >>> from explain.describe_expression import Describer
        >>> issubclass(Describer, AggregateWords)
        True
    """

    lang: str
    rows: str | None

    if TYPE_CHECKING:

        def value(self, node: exp.Expression, *, describe: bool = False) -> str: ...

        def sql(self, node: exp.Expression) -> str: ...

        def condition(self, node: exp.Expression) -> str: ...

        def kind(self, node: exp.Expression) -> str: ...

        def direction(self, key: exp.Expression, desc: bool) -> str: ...

        def _operand(
            self, node: exp.Expression, describe: bool, precedence: int = 3, right: bool = False
        ) -> str: ...

        def _aliased(self, node: exp.Expression) -> str | None: ...

        def _tidy(self, text: str) -> str: ...

    def _aggregate(self, node: exp.AggFunc, describe: bool = False) -> str:
        """An aggregate function in words: "the number of orders", "the average unit_price"."""
        lang = self.lang
        argument = node.this
        distinct = isinstance(argument, exp.Distinct)
        if distinct:
            arguments = argument.expressions
            argument = arguments[0] if len(arguments) == 1 else exp.Tuple(expressions=arguments)
        if isinstance(node, exp.Count):
            return self._count(argument, distinct, describe)
        if isinstance(node, exp.Sum):
            condition, summed = _conditional(argument)
            if condition is not None:
                if summed is None:
                    return phrase(lang, "count_where", condition=self.condition(condition))
                inner = self._operand(summed, describe)
                return phrase(lang, "sum_where", value=inner, condition=self.condition(condition))
            key = "sum_distinct" if distinct else "sum"
            return phrase(lang, key, value=self._operand(argument, describe))
        inner = self._operand(argument, describe) if argument is not None else ""
        if isinstance(node, exp.Avg):
            return phrase(lang, "avg", value=inner)
        if isinstance(node, exp.Min | exp.Max):
            key = "min" if isinstance(node, exp.Min) else "max"
            return phrase(lang, f"{key}_date" if self.kind(argument) == "date" else key, value=inner)
        if isinstance(node, exp.GroupConcat | exp.ArrayAgg):
            return phrase(lang, "group_concat", value=inner)
        name = node.sql_name().lower() if not isinstance(node, exp.Anonymous) else node.name.lower()
        return phrase(lang, "aggregate_other", function=name, value=inner) if inner else self.sql(node)

    def _window(self, node: exp.Window, describe: bool = False) -> str:
        """A window function in words: "the rank within each region, ordered by revenue (highest first)"."""
        lang = self.lang
        partition = node.args.get("partition_by") or []
        order = node.args.get("order")
        function = node.this
        if partition:
            keys = [self._aliased(key) or self.value(key) for key in partition]
            within = phrase(lang, "window_within", keys=join_list(lang, keys))
        elif isinstance(function, exp.AggFunc) and not isinstance(function, _NAVIGATION):
            within = phrase(lang, "window_all")
        else:
            within = ""
        by = ""
        if order is not None and order.expressions:
            keys = [
                self._order_key(ordered, lambda key: self._aliased(key) or self.value(key))
                for ordered in order.expressions
            ]
            by = phrase(lang, "window_by", keys=join_list(lang, keys))
        ranking = {
            exp.Rank: "window_rank",
            exp.DenseRank: "window_dense_rank",
            exp.RowNumber: "window_row_number",
            exp.PercentRank: "window_percent_rank",
        }
        for kind, key in ranking.items():
            if isinstance(function, kind):
                return self._tidy(phrase(lang, key, within=within, by=by))
        if isinstance(function, exp.Ntile):
            return self._tidy(phrase(lang, "window_ntile", n=self.value(function.this), within=within, by=by))
        if isinstance(function, exp.Lag | exp.Lead):
            key = "window_lag" if isinstance(function, exp.Lag) else "window_lead"
            offset = function.args.get("offset")
            inner = self.value(function.this, describe=describe)
            if offset is not None and offset.name not in ("", "1"):
                return self._tidy(phrase(lang, f"{key}_n", value=inner, n=offset.name, within=within, by=by))
            return self._tidy(phrase(lang, key, value=inner, within=within, by=by))
        if isinstance(function, exp.FirstValue | exp.LastValue):
            key = "window_first" if isinstance(function, exp.FirstValue) else "window_last"
            return self._tidy(phrase(lang, key, value=self.value(function.this), within=within, by=by))
        inner = self.value(function, describe=describe)
        if isinstance(function, exp.AggFunc):
            key = "window_running" if by else "window_aggregate"
            return self._tidy(phrase(lang, key, value=inner, within=within, by=by))
        return self._tidy(phrase(lang, "window_other", value=inner, within=within, by=by))

    def _order_key(self, ordered: exp.Expression, name: Callable[[exp.Expression], str]) -> str:
        """One sort key with its direction: "revenue (highest first)"."""
        key = ordered.this if isinstance(ordered, exp.Ordered) else ordered
        desc = bool(ordered.args.get("desc")) if isinstance(ordered, exp.Ordered) else False
        label = name(key)
        return phrase(self.lang, "order_key", key=label, direction=self.direction(key, desc))

    def count_rows(self) -> str:
        """ "the number of orders" (or of rows) for the rows of the query being described.

        Example:
            >>> from explain.describe_expression import example_describer
            >>> describer, tree = example_describer("SELECT COUNT(*) FROM t")
            >>> describer.count_rows()
            'the number of rows'
            >>> describer.rows = "orders"
            >>> describer.count_rows()
            'the number of orders'
        """
        if not self.rows:
            return phrase(self.lang, "count_rows")
        noun = counted_noun(self.lang, self.rows)
        if noun is None:
            return phrase(self.lang, "count_rows_of", table=self.rows)
        return phrase(self.lang, "count_entities", plural=noun)

    def _count(self, argument: exp.Expression | None, distinct: bool, describe: bool) -> str:
        lang = self.lang
        if (
            argument is None
            or isinstance(argument, exp.Star)
            or (isinstance(argument, exp.Literal) and not distinct)
        ):
            return self.count_rows()
        if distinct:
            value = self.value(argument, describe=describe)
            if isinstance(argument, exp.Column) and argument.name.lower().endswith("_id"):
                noun = counted_noun(lang, argument.name[:-3])
                if noun:
                    return phrase(lang, "count_distinct_entities", plural=noun, value=value)
            return phrase(lang, "count_distinct", value=value)
        condition, counted = _conditional(argument, counting=True)
        if condition is not None and counted is None:
            return phrase(lang, "count_where", condition=self.condition(condition))
        return phrase(lang, "count_values", value=self.value(argument, describe=describe))


def _conditional(
    argument: exp.Expression | None, counting: bool = False
) -> tuple[exp.Expression | None, exp.Expression | None]:
    """For ``SUM(cond)``, ``SUM(CASE WHEN c THEN x ELSE 0 END)``, ``COUNT(CASE WHEN c THEN 1 END)``:
    (the condition, the summed value or None when it counts rows); (None, None) otherwise."""
    if argument is None:
        return None, None
    argument = unparen(argument)
    if isinstance(argument, PREDICATES) and not counting:
        return argument, None
    branches: list[tuple[exp.Expression, exp.Expression | None]] = []
    default: exp.Expression | None = None
    if isinstance(argument, exp.If):
        branches = [(argument.this, argument.args.get("true"))]
        default = argument.args.get("false")
    elif (
        isinstance(argument, exp.Case) and argument.this is None and len(argument.args.get("ifs") or []) == 1
    ):
        branch = argument.args["ifs"][0]
        branches = [(branch.this, branch.args.get("true"))]
        default = argument.args.get("default")
    if len(branches) != 1 or branches[0][1] is None:
        return None, None
    condition, value = branches[0]
    value = unparen(value)
    if counting:
        if default is None or isinstance(default, exp.Null):
            return condition, None
        return None, None
    zero = isinstance(default, exp.Literal) and default.name in ("0", "0.0")
    if default is not None and not zero and not isinstance(default, exp.Null):
        return None, None
    if isinstance(value, exp.Literal) and value.name == "1":
        return condition, None
    return condition, value
