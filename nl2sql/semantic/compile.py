"""Compile a semantic query to SQL, deterministically, with sqlglot's expression builders.

What the compiler guarantees, whatever the model filled in:

* joins only along declared many-to-one paths from each metric's table, so nothing is counted twice;
  a metric whose breakdown is only reachable from a finer table switches to its ``x_finer_metric``;
* time windows are literal half-open date ranges computed in Python; period labels come from a small
  per-dialect table (:mod:`nl2sql.semantic.time_sql`);
* a metric's own filter (``status <> 'cancelled'``) always applies; ratios are aggregated before dividing;
  two-stage metrics (``x_per``) aggregate per key first;
* comparisons join the current window with the previous one (labels shifted to line up), and add the
  difference or the percent change; rankings within a group use ROW_NUMBER.

Example:
    >>> from datetime import date
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model('''
    ... tables:
    ...   - name: orders
    ...     dimensions: [{name: status}]
    ...     time_dimensions: [{name: order_date}]
    ...     metrics: [{name: revenue, expr: SUM(total_amount), x_filter: "status <> 'cancelled'"}]
    ... ''')
    >>> query = SemanticQuery(metrics=("revenue",), time_grain="month", time_range="last_2_months")
    >>> print(compile_query(query, model, dialect="sqlite", today=date(2026, 6, 30)).sql)
    ... # doctest: +NORMALIZE_WHITESPACE
    SELECT STRFTIME('%Y-%m', orders.order_date) AS month, SUM(orders.total_amount) AS revenue
    FROM orders AS orders WHERE orders.status <> 'cancelled' AND orders.order_date >= '2026-05-01'
    AND orders.order_date < '2026-07-01' GROUP BY STRFTIME('%Y-%m', orders.order_date) ORDER BY month
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from nl2sql.semantic.bands import band_case, band_column, band_edges, band_labels, band_order, period_column
from nl2sql.semantic.model import Field, Metric, SemanticModel
from nl2sql.semantic.paths import JoinStep, UnreachableTableError, join_path
from nl2sql.semantic.query import GRAINS, Band, Comparison, SemanticQuery, SemanticQueryError
from nl2sql.semantic.time_sql import bucket, shifted
from nl2sql.semantic.timerange import DateRange, TimeRangeError, resolve
from nl2sql.semantic.timerange import shift as shift_day

RANK_COLUMN = "rank_in_group"


@dataclass(frozen=True)
class CompiledQuery:
    """The SQL of a semantic query, its output columns, and what it took to write it."""

    sql: str
    columns: tuple[str, ...]
    window: DateRange | None = None
    previous_window: DateRange | None = None
    notes: tuple[str, ...] = ()
    """Choices the compiler made that the reader should know (a finer metric, a default window)."""


@dataclass
class _Part:
    """The metrics that share one FROM/WHERE (same table, filter, time dimension and per-key)."""

    table: str
    metrics: list[Metric]
    time: Field | None
    joins: list[JoinStep] = field(default_factory=list)


def compile_query(
    query: SemanticQuery, model: SemanticModel, *, dialect: str, today: date, lang: str = "en"
) -> CompiledQuery:
    """The SQL for ``query`` in ``dialect``; relative windows count back from ``today``.

    Raises:
        SemanticQueryError: the query names what the model lacks, or asks what cannot be compiled.
    """
    return _Compiler(query, model, dialect, today, lang).compile()


class _Compiler:
    def __init__(self, query: SemanticQuery, model: SemanticModel, dialect: str, today: date, lang: str):
        query.check_shape()
        if query.intent != "metric":
            raise SemanticQueryError(f"only metric questions compile to SQL, not {query.intent}")
        if not query.metrics:
            raise SemanticQueryError("the question names no metric")
        self.query, self.model, self.dialect, self.today, self.lang = query, model, dialect, today, lang
        self.notes: list[str] = []
        self.group = [self._field(name) for name in query.group_by]
        self.periods = [(self._date(p.field), p.grain) for p in query.periods]
        self.bands = [self._band(band) for band in query.bands]
        self.filters = [(self._field(f.field), f) for f in query.filters]
        self.named = [self._named(name) for name in query.named_filters]
        self.window = self._window()

    # -- names ---------------------------------------------------------------------------------
    def _field(self, name: str) -> Field:
        try:
            return self.model.field(name)
        except KeyError as error:
            raise SemanticQueryError(error.args[0]) from None

    def _date(self, name: str) -> Field:
        column = self._field(name)
        if column.kind != "time_dimension":
            raise SemanticQueryError(f"{column.name} is no date: only a date is grouped by period")
        return column

    def _band(self, band: Band) -> tuple[Field, tuple[float, ...], str, list[str]]:
        """The column of ``band``, its edges, closed end and labels (the column's default edges when
        the question names none, said in a note)."""
        column = self._field(band.field)
        if column.kind == "time_dimension":
            raise SemanticQueryError(f"{column.name} is a date: group it by period, not by band")
        edges, closed = band_edges(band, column)
        labels = band_labels(edges, closed, fraction=column.fraction, lang=self.lang)
        if not band.edges:
            self.notes.append(f"{column.name} in its default bands: {', '.join(labels)}")
        return column, edges, closed, labels

    def _named(self, name: str):
        try:
            return self.model.named_filter(name)
        except KeyError as error:
            raise SemanticQueryError(error.args[0]) from None

    def _metric(self, name: str) -> Metric:
        try:
            return self.model.metric(name)
        except KeyError as error:
            raise SemanticQueryError(error.args[0]) from None

    def _window(self) -> DateRange | None:
        token = self.query.time_range
        if token in ("all", "", "none"):
            first = self._metric(self.query.metrics[0])
            if not first.default_range:
                return None
            token = first.default_range
            self.notes.append(
                f"{first.name} counts over {token.replace('_', ' ')} unless another window is asked"
            )
        try:
            return resolve(token, self.today)
        except TimeRangeError as error:
            raise SemanticQueryError(str(error)) from None

    # -- parts -----------------------------------------------------------------------------------
    def _time_of(self, metric: Metric) -> Field | None:
        if self.query.time_dimension:
            return self._field(self.query.time_dimension)
        try:
            return self.model.time_dimension(metric)
        except KeyError as error:
            raise SemanticQueryError(error.args[0]) from None

    def _parts(self) -> list[_Part]:
        parts: dict[tuple, _Part] = {}
        for name in self.query.metrics:
            metric = self._metric(name)
            metric, time, joins = self._placed(metric)
            key = (metric.table.lower(), metric.filter, metric.per, time.name if time else None)
            part = parts.setdefault(key, _Part(metric.table, [], time, joins))
            part.metrics.append(metric)
        return list(parts.values())

    def _placed(self, metric: Metric) -> tuple[Metric, Field | None, list[JoinStep]]:
        """The metric (or its finer equivalent) with its time dimension and the joins its query needs."""
        original = metric
        while True:
            time = self._time_of(metric)
            if (self.window or self.query.time_grain != "none") and time is None:
                raise SemanticQueryError(f"{metric.name} has no time dimension to window or bucket by")
            needed = {f.table for f in self.group} | {f.table for f, _ in self.filters}
            needed |= {f.table for f, _ in self.periods} | {band[0].table for band in self.bands}
            needed |= {n.table for n in self.named} | _tables_in(metric, self.model)
            if self.query.per:
                needed.add(self._per_table().name)
            if time is not None:
                needed.add(time.table)
            needed.discard(metric.table)
            try:
                joins = join_path(self.model, metric.table, needed)
            except UnreachableTableError as error:
                if metric.finer:
                    metric = self._metric(metric.finer)
                    continue
                raise SemanticQueryError(f"{original.name} cannot be broken down that way: {error}") from None
            if metric is not original:
                self.notes.append(
                    f"{original.name} is computed as {metric.name} ({metric.table}) for this breakdown"
                )
                metric = _renamed(metric, original.name)
            return metric, time, joins

    # -- SQL ------------------------------------------------------------------------------------
    def compile(self) -> CompiledQuery:
        parts = self._parts()
        labels = self._labels()
        comparison = self.query.comparison
        previous = None
        if comparison.kind != "none":
            if self.window is None:
                raise SemanticQueryError("a comparison needs a time window (this month, last quarter, 2025…)")
            if self.window.open_start:
                raise SemanticQueryError(
                    f"the window {self.window.describe()} runs from the start of the data: nothing before it"
                    " to compare with"
                )
            shift = ("year", 1) if comparison.kind == "same_period_last_year" else self._period_shift()
            previous = DateRange(
                shift_day(self.window.start, shift[0], -shift[1]),
                shift_day(self.window.end, shift[0], -shift[1]),
            )
            if comparison.against:
                if self.query.time_grain != "none":
                    raise SemanticQueryError(
                        "a comparison with a chosen period cannot also be broken down by time"
                    )
                try:
                    previous = resolve(comparison.against, self.today) or previous
                except TimeRangeError as error:
                    raise SemanticQueryError(str(error)) from None
            if self.query.share:
                tree = self._shares_compared(parts, labels, previous)
            else:
                current = self._combined(parts, self.window, None)
                earlier = self._combined(parts, previous, shift)
                tree = self._compared(current, earlier, labels)
        else:
            tree = self._combined(parts, self.window, None)
        if self.query.share and comparison.kind == "none":
            tree = self._shared(tree, labels)
        if self.query.ratio:
            tree = self._ratio(tree)
        if self.query.having:
            tree = self._bounded(tree)
        plain = len(parts) == 1 and not parts[0].metrics[0].per and comparison.kind == "none"
        if (
            plain
            and self._values_alone(labels)
            and not (self.query.share or self.query.ratio or self.query.having)
        ):
            tree = self._values_ranked(tree, labels)
        else:
            tree = self._ordered(tree, labels)
        return CompiledQuery(
            sql=tree.sql(dialect=self.dialect),
            columns=tuple(s.alias_or_name for s in tree.selects),
            window=self.window,
            previous_window=previous,
            notes=tuple(self.notes),
        )

    def _bounded(self, tree: exp.Select) -> exp.Select:
        """Only the rows whose metrics are within the query's bounds (before any ranking)."""
        outputs = [s.alias_or_name for s in tree.selects]
        operators = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
        conditions = [
            operators[bound.op](this=exp.column(bound.metric, "b"), expression=_number(bound.value))
            for bound in self.query.having
        ]
        return (
            exp.select(*[exp.column(c, "b").as_(c) for c in outputs])
            .from_(tree.subquery("b"))
            .where(exp.and_(*conditions))
        )

    def _ratio(self, tree: exp.Select) -> exp.Select:
        """Beside the two metrics, the first as a percent of the second (each aggregated on its own
        rows and time dimension first, then divided)."""
        part, whole = self._metric_names()
        outputs = [s.alias_or_name for s in tree.selects]
        return exp.select(
            *[exp.column(c, "m").as_(c) for c in outputs],
            _percent(exp.column(part, "m"), exp.column(whole, "m")).as_(f"{part}_pct_of_{whole}"),
        ).from_(tree.subquery("m"))

    def _shared(self, tree: exp.Select, labels: list[str]) -> exp.Select:
        """Beside each metric, its percent of the whole: of all rows' total when the result has rows by
        label, else of the same metric without the query's filters (the part's share of everything)."""
        if self.query.related:
            return self._attached(tree, labels)
        names = self._metric_names()
        outputs = [s.alias_or_name for s in tree.selects]
        if labels:
            shares = [
                _percent(exp.column(n, "s"), exp.Window(this=exp.Sum(this=exp.column(n, "s")))) for n in names
            ]
            return exp.select(
                *[exp.column(c, "s").as_(c) for c in outputs],
                *[share.as_(f"{n}_share_pct") for n, share in zip(names, shares, strict=True)],
            ).from_(tree.subquery("s"))
        if not self.filters and not self.named:
            raise SemanticQueryError("a share needs a part (a filter such as a channel) or a breakdown")
        whole_query = replace(self.query, filters=(), named_filters=(), share=False)
        whole = _Compiler(whole_query, self.model, self.dialect, self.today, self.lang)
        whole.window = self.window  # the same window (the earlier one of a compared share)
        whole_tree = whole._combined(whole._parts(), whole.window, None)
        return (
            exp.select(
                *[exp.column(n, "part").as_(n) for n in names],
                *[exp.column(n, "whole").as_(f"{n}_total") for n in names],
                *[
                    _percent(exp.column(n, "part"), exp.column(n, "whole")).as_(f"{n}_share_pct")
                    for n in names
                ],
            )
            .from_(tree.subquery("part"))
            .join(whole_tree.subquery("whole"), join_type="cross")
        )

    def _attached(self, tree: exp.Select, labels: list[str]) -> exp.Select:
        """The attach rate: beside each metric over the rows meeting the last condition on related rows
        (orders with an accessory), the same metric without that condition (all orders) and the first
        as a percent of the second, per label; both aggregated before dividing."""
        names = self._metric_names()
        whole_query = replace(self.query, related=self.query.related[:-1], share=False)
        whole = _Compiler(whole_query, self.model, self.dialect, self.today, self.lang)
        whole.window = self.window  # the same window (the earlier one of a compared share)
        whole_tree = whole._combined(whole._parts(), whole.window, None)
        parts = [exp.func("COALESCE", exp.column(n, "part"), exp.Literal.number(0)) for n in names]
        query = exp.select(
            *[exp.column(n, "whole").as_(n) for n in labels],
            *[part.as_(n) for n, part in zip(names, parts, strict=True)],
            *[exp.column(n, "whole").as_(f"{n}_total") for n in names],
            *[
                _percent(part.copy(), exp.column(n, "whole")).as_(f"{n}_share_pct")
                for n, part in zip(names, parts, strict=True)
            ],
        ).from_(whole_tree.subquery("whole"))
        if not labels:
            return query.join(tree.subquery("part"), join_type="cross")
        on = exp.and_(
            *[exp.NullSafeEQ(this=exp.column(n, "whole"), expression=exp.column(n, "part")) for n in labels]
        )
        return query.join(tree.subquery("part"), on=on, join_type="left")

    def _period_shift(self) -> tuple[str, int]:
        """How far back "the previous period" is: one bucket when the result is by month (or week…),
        else the window's own length (the month before a month, the 30 days before 30 days)."""
        assert self.window is not None
        if self.query.time_grain != "none":
            return self.query.time_grain, 1
        if self.window.count and self.window.unit != "day":
            return self.window.unit, self.window.count
        return "day", self.window.days

    def _labels(self) -> list[str]:
        names = [f.name for f in self.group]
        names += [period_column(f.name, grain) for f, grain in self.periods]
        names += [band_column(band[0].name) for band in self.bands]
        if self.query.time_grain != "none":
            names.insert(0, self.query.time_grain)
        return names

    def _metric_names(self) -> list[str]:
        return [self._metric(name).name for name in self.query.metrics]

    def _combined(
        self, parts: list[_Part], window: DateRange | None, shift: tuple[str, int] | None
    ) -> exp.Select:
        """One row per label combination with every metric, for ``window``."""
        selects = [self._aggregate(part, window, shift) for part in parts]
        if len(selects) == 1:
            return selects[0]
        labels = self._labels()
        aliases = [f"part{i}" for i in range(len(selects))]
        if not labels:
            query = exp.select(
                *[exp.column(m.name, aliases[i]) for i, p in enumerate(parts) for m in p.metrics]
            )
            query = query.from_(selects[0].subquery(aliases[0]))
            for i, select in enumerate(selects[1:], 1):
                query = query.join(select.subquery(aliases[i]), join_type="cross")
            return query
        keys = exp.union(
            *[
                exp.select(*[exp.column(n) for n in labels]).from_(s.subquery(f"k{i}"))
                for i, s in enumerate(selects)
            ],
            distinct=True,
        )
        query = exp.select(
            *[exp.column(n, "keys").as_(n) for n in labels],
            *[exp.column(m.name, aliases[i]).as_(m.name) for i, p in enumerate(parts) for m in p.metrics],
        ).from_(keys.subquery("keys"))
        for i, select in enumerate(selects):
            condition = exp.and_(
                *[
                    exp.NullSafeEQ(this=exp.column(n, "keys"), expression=exp.column(n, aliases[i]))
                    for n in labels
                ]
            )
            query = query.join(select.subquery(aliases[i]), on=condition, join_type="left")
        return query

    def _aggregate(self, part: _Part, window: DateRange | None, shift: tuple[str, int] | None) -> exp.Select:
        table = self.model.table(part.table)
        label_exprs = self._label_exprs(part, shift)
        conditions = self._conditions(part, window)
        first = part.metrics[0]
        query = exp.select(*[e.as_(n) for n, e in label_exprs]).from_(
            exp.to_table(table.base_table, dialect=self.dialect).as_(table.name)
        )
        query = joined(query, part.joins, self.model, self.dialect)
        if conditions:
            query = query.where(exp.and_(*conditions))
        if first.per and self.query.per:
            raise SemanticQueryError(f"{first.name} is computed per {first.per} already: no average of it")
        if first.per:
            key = self._qualified(first.per, part.table)
            inner = query.select(
                key.as_("per_key"), *[self._expr(e, part.table).as_(n) for n, e in first.per_measures]
            )
            group = [e for _, e in label_exprs] + [key]
            inner = inner.group_by(*group) if group else inner
            outer = exp.select(*[exp.column(n) for n, _ in label_exprs]).from_(inner.subquery("per_rows"))
            outer = outer.select(
                *[sqlglot.parse_one(m.expr, read=self.dialect).as_(m.name) for m in part.metrics]
            )
            return outer.group_by(*[exp.column(n) for n, _ in label_exprs]) if label_exprs else outer
        query = query.select(*[self._value(m, part.table).as_(m.name) for m in part.metrics])
        if label_exprs:
            query = query.group_by(*[e.copy() for _, e in label_exprs], *self._label_keys())
        return query

    def _per_table(self):
        """The table of ``query.per``, whose rows each metric is averaged over."""
        try:
            return self.model.table(self.query.per or "")
        except KeyError as error:
            raise SemanticQueryError(error.args[0]) from None

    def _value(self, metric: Metric, table: str) -> exp.Expression:
        """The SQL of ``metric``; with ``query.per``, its total over the number of distinct rows of
        that table it counts over (aggregated first, then divided: ``SUM(x) / COUNT(DISTINCT key)``)."""
        value = self._expr(metric.expr, table)
        if not self.query.per:
            return value
        if not isinstance(value, exp.Sum | exp.Count) or isinstance(value.this, exp.Distinct):
            raise SemanticQueryError(
                f"{metric.name} is not a total: only a sum or a count is averaged per {self.query.per}"
            )
        per = self._per_table()
        if len(per.primary_key) != 1:
            raise SemanticQueryError(f"{per.name} has no single key to count its rows by")
        rows = exp.Count(this=exp.Distinct(expressions=[exp.column(per.primary_key[0], per.name)]))
        return exp.Div(
            this=exp.Mul(this=exp.Literal.number("1.0"), expression=value),
            expression=exp.Nullif(this=rows, expression=exp.Literal.number(0)),
        )

    def _label_keys(self) -> list[exp.Expression]:
        """The keys of the rows a grouping names by label ("customer" is a name two customers may
        share): each customer is a group of its own, shown by its name."""
        keys = []
        for group in self.group:
            table = self.model.table(group.table)
            labelled = table.dimensions and table.dimensions[0] is group
            if labelled and len(table.primary_key) == 1 and table.primary_key[0] != group.expr:
                keys.append(self._qualified(table.primary_key[0], group.table))
        return keys

    def _label_exprs(self, part: _Part, shift: tuple[str, int] | None) -> list[tuple[str, exp.Expression]]:
        labels = []
        if self.query.time_grain != "none":
            assert part.time is not None
            moment = self._qualified(part.time.expr, part.time.table)
            if shift:
                whole = self.query.time_grain in ("month", "quarter", "year") and shift[0] != "day"
                moment = shifted(moment, shift[0], shift[1], self.dialect, to_month_start=whole)
            within = self.query.ranking.within
            if within in GRAINS and within != self.query.time_grain:  # "for each year, which month…"
                labels.append((within, bucket(moment.copy(), within, self.dialect)))
            labels.append((self.query.time_grain, bucket(moment, self.query.time_grain, self.dialect)))
        for group in self.group:
            shown = group.label_zh if self.lang == "zh" and group.label_zh else group.expr
            labels.append((group.name, self._qualified(shown, group.table)))
        for column, grain in self.periods:  # "by customer signup year": not shifted by a comparison
            moment = self._qualified(column.expr, column.table)
            labels.append((period_column(column.name, grain), bucket(moment, grain, self.dialect)))
        for column, edges, closed, names in self.bands:
            number = self._qualified(column.expr, column.table)
            labels.append((band_column(column.name), band_case(number, edges, closed, names)))
        return labels

    def _conditions(self, part: _Part, window: DateRange | None) -> list[exp.Expression]:
        conditions = []
        first = part.metrics[0]
        if first.filter:
            conditions.append(self._expr(first.filter, part.table))
        if window is not None and part.time is not None:
            conditions += within(self._qualified(part.time.expr, part.time.table), window)
        for group in self.group:
            if group.skip_nulls:
                conditions.append(self._qualified(group.expr, group.table).is_(exp.null()).not_())
        for named in self.named:
            if named.related:  # "churned": rows of another table it has and lacks, in its default window
                conditions += self._related(named.table, named.related)
            else:
                conditions.append(self._expr(named.expr, named.table))
        for column, wanted in self.filters:
            conditions.append(
                self._filter(self._qualified(column.expr, column.table), wanted.op, wanted.values)
            )
        conditions += self._related(part.table, self.query.related)
        return conditions

    def _related(self, table: str, related: tuple) -> list[exp.Expression]:
        """``EXISTS`` / ``NOT EXISTS`` for each condition on related rows, correlated with ``table``."""
        from nl2sql.semantic.related_sql import related_condition  # it builds on this module

        return [related_condition(r, table, self.model, self.dialect, self.today) for r in related]

    def _filter(self, column: exp.Expression, op: str, values: tuple) -> exp.Expression:
        return condition(column, op, values, self.dialect, today=self.today)

    def _shares_compared(self, parts: list[_Part], labels: list[str], previous: DateRange) -> exp.Select:
        """A share in two periods: each period's part as a percent of that period's whole (shares are
        taken within a period, then set side by side), and the change in percentage points."""
        if self.query.time_grain != "none":
            raise SemanticQueryError(
                "a share compared with another period cannot also be broken down by time"
            )
        current = self._shared(self._combined(parts, self.window, None), labels)
        earlier_compiler = _Compiler(
            replace(self.query, comparison=Comparison()), self.model, self.dialect, self.today, self.lang
        )
        earlier_compiler.window = previous
        earlier = earlier_compiler._shared(
            earlier_compiler._combined(earlier_compiler._parts(), previous, None), labels
        )
        columns: list[exp.Expression] = [exp.column(n, "cur").as_(n) for n in labels]
        for name in self._metric_names():
            share = f"{name}_share_pct"
            now, before = exp.column(share, "cur"), exp.column(share, "prev")
            columns += [
                exp.column(name, "cur").as_(name),
                exp.column(name, "prev").as_(f"{name}_previous"),
                now.as_(share),
                before.as_(f"{share}_previous"),
                (now.copy() - before.copy()).as_(f"{share}_change"),
            ]
        query = exp.select(*columns).from_(current.subquery("cur"))
        if labels:
            on = exp.and_(
                *[exp.NullSafeEQ(this=exp.column(n, "cur"), expression=exp.column(n, "prev")) for n in labels]
            )
            return query.join(earlier.subquery("prev"), on=on, join_type="left")
        return query.join(earlier.subquery("prev"), join_type="cross")

    def _compared(self, current: exp.Select, earlier: exp.Select, labels: list[str]) -> exp.Select:
        show = self.query.comparison.show
        columns: list[exp.Expression] = [exp.column(n, "cur").as_(n) for n in labels]
        for name in self._metric_names():
            now, before = exp.column(name, "cur"), exp.column(name, "prev")
            columns += [now.as_(name), before.copy().as_(f"{name}_previous")]
            if show == "delta":
                columns.append((now.copy() - before.copy()).as_(f"{name}_change"))
            if show == "percent":
                change = exp.paren(now.copy() - before.copy())
                ratio = (
                    exp.Literal.number("100.0")
                    * change
                    / exp.Nullif(this=before.copy(), expression=exp.Literal.number(0))
                )
                columns.append(ratio.as_(f"{name}_change_pct"))
        query = exp.select(*columns).from_(current.subquery("cur"))
        if labels:
            on = exp.and_(
                *[exp.NullSafeEQ(this=exp.column(n, "cur"), expression=exp.column(n, "prev")) for n in labels]
            )
            return query.join(earlier.subquery("prev"), on=on, join_type="left")
        return query.join(earlier.subquery("prev"), join_type="cross")

    def _values_alone(self, labels: list[str]) -> bool:
        """Whether the result shows only the values ranked, overall ("the most common hometown")."""
        ranking = self.query.ranking
        return (
            ranking.values_only and not ranking.within and bool(labels) and not (self.bands or self.periods)
        )

    def _values_ranked(self, tree: exp.Select, labels: list[str]) -> exp.Select:
        """The grouped values alone, ordered by the metric's own aggregate, as one would write it by
        hand (``SELECT hometown … GROUP BY hometown ORDER BY COUNT(*) DESC LIMIT 1``): values that tie
        come out in the order that plain query gives them."""
        ranking, limit = self.query.ranking, self.query.limit
        by = ranking.by or self._metric_names()[0]
        shown = {s.alias_or_name: s for s in tree.selects}
        if by not in shown:
            raise SemanticQueryError(f"cannot rank by {by}: the result has {', '.join(shown)}")
        ranked = tree.copy()
        ranked.set("expressions", [shown[n].copy() for n in labels])
        grouped = [shown[f.name].this.copy() for f in self.group]
        if grouped:  # a ranking of industries has no place for "no industry"
            ranked = ranked.where(exp.and_(*[e.is_(exp.null()).not_() for e in grouped]))
        descending = ranking.direction == "top"
        order = exp.Ordered(this=shown[by].this.copy(), desc=descending, nulls_first=not descending)
        return ranked.order_by(order).limit(min(ranking.n, limit or ranking.n))

    def _ordered(self, tree: exp.Select, labels: list[str]) -> exp.Select:
        ranking, limit = self.query.ranking, self.query.limit
        outputs = [s.alias_or_name for s in tree.selects]
        if ranking.direction != "none":
            by = ranking.by or self._metric_names()[0]
            if by not in outputs:
                raise SemanticQueryError(f"cannot rank by {by}: the result has {', '.join(outputs)}")
            # "the most common hometown": the hometowns ranked, without the count that ranks them
            named = [*labels, ranking.within]
            shown = [c for c in outputs if c in named] if ranking.values_only else []
            shown = shown or outputs
            kept = outputs if ranking.within else shown  # ranked within a group: by the metric, later
            if self.group or kept != outputs:
                tree = exp.select(*[exp.column(c) for c in kept]).from_(tree.subquery("grouped"))
            if self.group:  # a ranking of industries has no place for "no industry"
                known = [exp.column(f.name).is_(exp.null()).not_() for f in self.group]
                tree = tree.where(exp.and_(*known))
            descending = ranking.direction == "top"
            if ranking.within:
                within = ranking.within if ranking.within in GRAINS else self._field(ranking.within).name
                if within not in outputs:
                    raise SemanticQueryError(f"to rank within each {within}, group by it too")
                order = exp.Ordered(this=exp.column(by, "r"), desc=descending, nulls_first=not descending)
                window = exp.Window(
                    this=exp.RowNumber(),
                    partition_by=[exp.column(within, "r")],
                    order=exp.Order(expressions=[order]),
                )
                ranked = exp.select(*[exp.column(c, "r").as_(c) for c in outputs], window.as_(RANK_COLUMN))
                ranked = ranked.from_(tree.subquery("r"))
                result = exp.select(
                    *[exp.column(c) for c in (shown if shown != outputs else [*outputs, RANK_COLUMN])]
                ).from_(ranked.subquery("ranked"))
                result = result.where(exp.column(RANK_COLUMN) <= exp.Literal.number(ranking.n))
                result = result.order_by(exp.column(within), exp.column(RANK_COLUMN))
                return result.limit(limit) if limit else result
            order = exp.Ordered(this=exp.column(by), desc=descending, nulls_first=not descending)
            tree = tree.order_by(order).limit(min(ranking.n, limit or ranking.n))
            if self.query.ascending:  # "top 5, lowest first": the five, shown from the smallest up
                tree = exp.select(*[exp.column(c) for c in shown]).from_(tree.subquery("top_rows"))
                tree = tree.order_by(exp.Ordered(this=exp.column(by), desc=False, nulls_first=True))
            return tree
        if self.query.ascending and labels:  # "lowest first": by the metric, from the smallest up
            first = self._metric_names()[0]
            tree = tree.order_by(exp.Ordered(this=exp.column(first), desc=False, nulls_first=True))
        elif self.bands or self.periods:  # bands from the lowest, periods from the first
            places = {band_column(column.name): names for column, _, _, names in self.bands}
            keys = [band_order(exp.column(n), places[n]) if n in places else exp.column(n) for n in labels]
            tree = (
                exp.select(*[exp.column(c) for c in outputs]).from_(tree.subquery("banded")).order_by(*keys)
            )
        elif self.query.time_grain != "none":
            tree = tree.order_by(*[exp.column(n) for n in labels])
        elif labels:
            first = self._metric_names()[0]
            tree = tree.order_by(exp.Ordered(this=exp.column(first), desc=True, nulls_first=False))
        return tree.limit(limit) if limit else tree

    # -- expressions -----------------------------------------------------------------------------
    def _expr(self, text: str, table: str) -> exp.Expression:
        return qualified(text, table, self.dialect)

    def _qualified(self, text: str, table: str) -> exp.Expression:
        return self._expr(text, table)


def _number(value: float) -> exp.Literal:
    """``value`` as a SQL number literal (``50``, not ``50.0``, for a whole number)."""
    return exp.Literal.number(int(value) if float(value).is_integer() else value)


def _percent(part: exp.Expression, whole: exp.Expression) -> exp.Expression:
    """``100.0 * part / whole``, NULL where the whole is 0."""
    ratio = exp.Div(
        this=exp.Mul(this=exp.Literal.number("100.0"), expression=part),
        expression=exp.Nullif(this=whole, expression=exp.Literal.number(0)),
    )
    return ratio


def _tables_in(metric: Metric, model: SemanticModel) -> set[str]:
    """Other logical tables a metric's SQL names (``products.unit_cost`` in a metric of order_items)."""
    found = set()
    for text in (metric.expr, metric.filter or "", *[e for _, e in metric.per_measures]):
        if not text:
            continue
        try:
            tree = sqlglot.parse_one(text)
        except SqlglotError:
            continue
        for column in tree.find_all(exp.Column):
            if column.table and model.has_table(column.table):
                found.add(model.table(column.table).name)
    return found


def _renamed(metric: Metric, name: str) -> Metric:
    return replace(metric, name=name)


def _literal(value: object) -> exp.Expression:
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def condition(
    column: exp.Expression, op: str, values: tuple, dialect: str, *, today: date | None = None
) -> exp.Expression:
    """``column op values`` as a condition (``=`` with several values is ``IN``; ``during`` a window
    seen from ``today``).

    Example:
        >>> condition(exp.column("city"), "=", ("Beijing", "Wuhan"), "sqlite").sql()
        "city IN ('Beijing', 'Wuhan')"
        >>> condition(exp.column("signup_date"), "during", ("2025",), "sqlite", today=date(2026, 6, 30)).sql()
        "signup_date >= '2025-01-01' AND signup_date < '2026-01-01'"
    """
    literals = [_literal(v) for v in values]
    if not literals:
        raise SemanticQueryError(f"the filter on {column.sql(dialect)} has no value")
    if op == "during":
        try:
            window = resolve(str(values[0]), today or date.today())
        except TimeRangeError as error:
            raise SemanticQueryError(str(error)) from None
        if window is None:  # "all": no condition
            return exp.true()
        return exp.and_(*within(column, window))
    if op == "in" or (op == "=" and len(literals) > 1):
        return column.isin(*literals)
    if op == "not in" or (op == "!=" and len(literals) > 1):
        return exp.Not(this=column.isin(*literals))
    if op == "between":
        if len(literals) != 2:
            raise SemanticQueryError("between takes two values")
        return column.between(literals[0], literals[1])
    if op == "contains":
        return column.like(exp.Literal.string(f"%{values[0]}%"))
    builder = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}[op]
    return builder(this=column, expression=literals[0])


def within(moment: exp.Expression, window: DateRange) -> list[exp.Expression]:
    """The conditions that keep ``moment`` inside ``window`` (from its first day, before its end).

    Example:
        >>> from nl2sql.semantic.timerange import resolve
        >>> [c.sql() for c in within(exp.column("d"), resolve("2025-03", date(2026, 6, 30)))]
        ["d >= '2025-03-01'", "d < '2025-04-01'"]
        >>> [c.sql() for c in within(exp.column("d"), resolve("before_2025-03-15", date(2026, 6, 30)))]
        ["d < '2025-03-15'"]
    """
    before = moment.copy() < exp.Literal.string(window.end.isoformat())
    if window.open_start:  # from the start of the data
        return [before]
    return [moment.copy() >= exp.Literal.string(window.start.isoformat()), before]


def qualified(text: str, table: str, dialect: str) -> exp.Expression:
    """The semantic model's SQL ``text`` parsed, its bare columns qualified with ``table``.

    Example:
        >>> qualified("SUM(total_amount)", "orders", "sqlite").sql()
        'SUM(orders.total_amount)'
    """
    try:
        tree = sqlglot.parse_one(text, read=dialect)
    except SqlglotError as error:
        raise SemanticQueryError(f"the semantic model has SQL that does not parse: {text!r}") from error
    for column in tree.find_all(exp.Column):
        if not column.table:
            column.set("table", exp.to_identifier(table))
    return tree


def joined(query: exp.Select, steps: list[JoinStep], model: SemanticModel, dialect: str) -> exp.Select:
    """``query`` with the tables of ``steps`` joined, each under its logical name."""
    for step in steps:
        right = model.table(step.right)
        on = exp.and_(*[exp.column(a, step.left).eq(exp.column(b, step.right)) for a, b in step.columns])
        query = query.join(
            exp.to_table(right.base_table, dialect=dialect).as_(right.name),
            on=on,
            join_type="inner" if step.inner else "left",
        )
    return query
