"""The semantic model of a database: logical tables with dimensions, time dimensions, facts, metrics and
named filters, the relationships joining them, verified queries, and the business terms.

The shape follows Snowflake Cortex Analyst's semantic model (so a model written for it loads here), with
ChatBI's additions under ``x_`` keys: Chinese labels and value synonyms, a metric's filter, time
dimension, default window and finer-grained equivalent, two-stage metrics (``x_per``), and glossary terms.
Field expressions are SQL over the logical table's own columns; a metric may also name a column of a
related table as ``table.column``.

Example:
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model('''
    ... name: shop
    ... tables:
    ...   - name: orders
    ...     base_table: {table: orders}
    ...     time_dimensions: [{name: order_date, expr: order_date, data_type: DATE}]
    ...     metrics:
    ...       - {name: revenue, expr: SUM(total_amount), synonyms: [sales, 销售额], x_filter: "status <> 'x'"}
    ... ''')
    >>> model.metric("销售额").name, model.time_dimension(model.metric("revenue")).name
    ('revenue', 'order_date')
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from nl2sql.glossary import Term
from nl2sql.semantic.cjk import has_chinese
from nl2sql.semantic.query import Related

FieldKind = Literal["dimension", "time_dimension", "fact"]


@dataclass(frozen=True)
class Field:
    """A column of a logical table, as people name it: a dimension, time dimension or fact."""

    name: str
    expr: str
    table: str
    kind: FieldKind = "dimension"
    data_type: str = ""
    description: str = ""
    synonyms: tuple[str, ...] = ()
    sample_values: tuple[str, ...] = ()
    is_enum: bool = False
    label_zh: str | None = None
    """``x_label_zh``: the expression to show instead when the question is in Chinese (``name_zh``)."""
    value_synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``x_value_synonyms``: other names of stored values (``Beijing: [北京]``)."""
    skip_nulls: bool = False
    """``x_skip_nulls``: a breakdown by this dimension leaves out rows where it is NULL (it does not
    apply to them: consumers have no industry)."""
    bands: tuple[float, ...] = ()
    """``x_bands``: the edges of the bands a question asks for without naming them ("revenue by order
    size band"), increasing: ``[1000, 10000]``, or ``{edges: [0, 0.1, 0.2], closed: right}``."""
    band_closed: str = "left"
    """Which end of each default band holds its edge (see :class:`nl2sql.semantic.query.Band`)."""
    fraction: bool = False
    """``x_fraction``: a share stored as a fraction of 1 (a discount of 0.1 is 10%): percents in a
    question are read as fractions, and band labels show percents."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class Metric:
    """An aggregate people ask for by name ("revenue", "复购率")."""

    name: str
    expr: str
    table: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    filter: str | None = None
    """``x_filter``: a condition on the rows the metric aggregates (``status <> 'cancelled'``)."""
    time_dimension_name: str | None = None
    """``x_time_dimension``: the time dimension windows apply to (default: the table's first)."""
    default_range: str | None = None
    """``x_default_range``: the window used when the question gives none (``last_90_days``)."""
    finer: str | None = None
    """``x_finer_metric``: the same measure on a finer-grained table, used for dimensions only reachable
    from there (revenue by category is summed over order items, not orders)."""
    per: str | None = None
    """``x_per``: aggregate per this key first (``customer_id``), then ``expr`` over those rows."""
    per_measures: tuple[tuple[str, str], ...] = ()
    """``x_per`` measures: name → aggregate computed per key, referred to by name in ``expr``."""
    format: str = "number"
    """``x_format``: number, currency, percent or count (how the value is shown)."""
    lower_is_better: bool = False
    """``x_lower_is_better``: the best value is the lowest (a cancellation rate): "worst" ranks top."""
    attach_names: tuple[str, ...] = ()
    """``x_attach_rate``: names of this metric's attach rate ("搭售率"): its share of rows that have a
    related row matching what the question names (valid orders with an Accessories item)."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    @property
    def counts(self) -> bool:
        """Whether it counts: rows or distinct things (``COUNT(*)``, ``COUNT(DISTINCT customer_id)``)."""
        return self.expr.replace(" ", "").upper().startswith("COUNT(")

    @property
    def counts_rows(self) -> bool:
        """Whether it counts its table's rows, all of them or those its ``filter`` keeps (``COUNT(*)``).

        Example:
            >>> Metric("orders", "COUNT( * )", "orders").counts_rows
            True
            >>> distinct = Metric("buyers", "COUNT(DISTINCT customer_id)", "orders")
            >>> distinct.counts, distinct.counts_rows
            (True, False)
        """
        return self.expr.replace(" ", "").upper() == "COUNT(*)"


@dataclass(frozen=True)
class NamedFilter:
    """A condition people name ("online", "线上", "active"), as SQL over its table, or as rows of other
    tables its rows have or lack ("churned": a valid order in the period before, none in this one)."""

    name: str
    expr: str
    table: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    """``x_related``: conditions on related rows (``expr`` is then empty); a windowed one holds
    ``default_range``, and takes the question's window instead when it names one."""
    default_range: str | None = None
    """``x_default_range``: the window of ``related`` when the question names none."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class LogicalTable:
    name: str
    base_table: str
    """The physical table (``schema.table`` when a schema is named)."""
    primary_key: tuple[str, ...] = ()
    description: str = ""
    synonyms: tuple[str, ...] = ()
    dimensions: tuple[Field, ...] = ()
    time_dimensions: tuple[Field, ...] = ()
    facts: tuple[Field, ...] = ()
    metrics: tuple[Metric, ...] = ()
    filters: tuple[NamedFilter, ...] = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.dimensions + self.time_dimensions + self.facts


@dataclass(frozen=True)
class Relationship:
    """``left_table`` rows each point at one ``right_table`` row (many_to_one) or at most one (one_to_one)."""

    name: str
    left_table: str
    right_table: str
    columns: tuple[tuple[str, str], ...]
    """(left column, right column) pairs."""
    join_type: str = "left_outer"
    relationship_type: str = "many_to_one"


@dataclass(frozen=True)
class VerifiedQuery:
    """A question with the SQL a person approved for it."""

    name: str
    question: str
    sql: str
    verified_by: str = ""
    verified_at: int | None = None
    use_as_onboarding_question: bool = False


@dataclass(frozen=True)
class SemanticModel:
    """Everything the semantic layer knows about one database."""

    name: str
    tables: tuple[LogicalTable, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    verified_queries: tuple[VerifiedQuery, ...] = ()
    terms: tuple[Term, ...] = ()
    """``x_terms``: the business glossary (terms that are none of the above, with their SQL)."""
    description: str = ""
    custom_instructions: str = ""
    vocabulary_complete: bool = False
    """``x_vocabulary_complete``: the synonyms cover how people ask about this data, so a question whose
    main words are none of them is about something else and is refused rather than guessed at (a model
    bootstrapped from a schema knows only its column names, and leaves this off). Listings ("list the
    10 most recent orders from Chengdu") are compiled on such a model only."""
    source: str = ""
    """Where the model was read from (a file path, or empty)."""

    def table(self, name: str) -> LogicalTable:
        """The logical table called ``name`` (case-insensitive)."""
        try:
            return self._tables[name.lower()]
        except KeyError:
            raise KeyError(f"no table {name} in the semantic model") from None

    def has_table(self, name: str) -> bool:
        return name.lower() in self._tables

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(m for t in self.tables for m in t.metrics)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for t in self.tables for f in t.fields)

    @property
    def filters(self) -> tuple[NamedFilter, ...]:
        return tuple(f for t in self.tables for f in t.filters)

    def metric(self, name: str) -> Metric:
        """The metric called ``name`` or one of its synonyms (case-insensitive); where none is declared
        by that name, ``average_<fact>`` is the mean of that fact (:func:`fact_average`).

        Example:
            >>> from nl2sql.semantic.load import parse_model
            >>> model = parse_model("{tables: [{name: products, facts: [{name: unit_cost, expr: cost}]}]}")
            >>> model.metric("average_unit_cost").expr
            'AVG(cost)'
        """
        key = name.lower()
        if key not in self._metrics and key.startswith(AVERAGE_OF):
            fact = self._facts.get(key.removeprefix(AVERAGE_OF))
            if fact is not None:
                return fact_average(fact)
        return _lookup(self._metrics, name, "metric")

    def field(self, name: str, *, table: str | None = None) -> Field:
        """The dimension, time dimension or fact called ``name`` (``table.name`` or a synonym); a bare
        name found in several tables resolves to the one in ``table`` when given."""
        key = name.lower()
        if "." in key:
            owner, _, bare = key.partition(".")
            found = [f for f in self._fields.get(bare, []) if f.table.lower() == owner]
        else:
            found = self._fields.get(key, [])
            if len(found) > 1 and table:
                found = [f for f in found if f.table.lower() == table.lower()] or found
        if not found:
            raise KeyError(f"no dimension or fact {name} in the semantic model")
        if len(found) > 1:
            places = ", ".join(f"{f.table}.{f.name}" for f in found)
            raise KeyError(f"{name} is ambiguous in the semantic model: {places}")
        return found[0]

    def time_dimension(self, metric: Metric) -> Field | None:
        """The time dimension ``metric``'s windows and time buckets use."""
        if metric.time_dimension_name:
            return self.field(metric.time_dimension_name, table=metric.table)
        table = self.table(metric.table)
        return table.time_dimensions[0] if table.time_dimensions else None

    def named_filter(self, name: str) -> NamedFilter:
        return _lookup(self._filters, name, "filter")

    @cached_property
    def _tables(self) -> dict[str, LogicalTable]:
        return {t.name.lower(): t for t in self.tables}

    @cached_property
    def _metrics(self) -> dict[str, list[Metric]]:
        return _index(self.metrics)

    @cached_property
    def _fields(self) -> dict[str, list[Field]]:
        return _index(self.fields)

    @cached_property
    def _facts(self) -> dict[str, Field]:
        """Facts by name, those whose name one table alone has."""
        named: dict[str, list[Field]] = {}
        for field in self.fields:
            if field.kind == "fact":
                named.setdefault(field.name.lower(), []).append(field)
        return {name: fields[0] for name, fields in named.items() if len(fields) == 1}

    @cached_property
    def _filters(self) -> dict[str, list[NamedFilter]]:
        return _index(self.filters)


AVERAGE_OF = "average_"
"""How the mean of a fact is named as a metric: ``average_unit_cost``."""


def fact_average(fact: Field) -> Metric:
    """The mean of ``fact`` over the rows of its table, a metric every fact has without declaring it
    ("the average unit cost of Summit products", "平均成本"): named ``average_<fact>``, with the fact's
    names after "average" or "平均" as its synonyms.

    Example:
        >>> cost = Field("unit_cost", "unit_cost", "products", kind="fact", synonyms=("cost", "成本"))
        >>> average = fact_average(cost)
        >>> average.name, average.expr, average.synonyms
        ('average_unit_cost', 'AVG(unit_cost)', ('average unit cost', 'average cost', '平均成本'))
    """
    names = (fact.name.replace("_", " "), *fact.synonyms)
    chinese = [n for n in names if has_chinese(n)]
    english = [n for n in names if n not in chinese]
    return Metric(
        name=AVERAGE_OF + fact.name,
        expr=f"AVG({fact.expr})",
        table=fact.table,
        description=f"The mean {fact.name.replace('_', ' ')} over the rows of {fact.table}.",
        synonyms=(*(f"average {n}" for n in english), *(f"平均{n}" for n in chinese)),
    )


def _index(items: tuple) -> dict[str, list]:
    index: dict[str, list] = {}
    for item in items:
        for name in dict.fromkeys(n.lower() for n in item.names):
            index.setdefault(name, []).append(item)
    return index


def _lookup(index: dict[str, list], name: str, what: str):
    found = index.get(name.lower(), [])
    if not found:
        raise KeyError(f"no {what} {name} in the semantic model")
    if len({id(item) for item in found}) > 1:
        raise KeyError(f"{name} names several {what}s in the semantic model")
    return found[0]
