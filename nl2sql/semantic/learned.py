"""What reviewers accepted from corrections, laid over a database's semantic model when it is loaded.

Approved corrections teach value synonyms, join paths and business rules (:mod:`feedback.learn`); a
reviewer accepts them (``chatbi feedback accept-suggestion``), and they are kept in the feedback store,
never written into the model's YAML file. Here they join the model as if the file said them:

- a value synonym goes into the ``x_value_synonyms`` of the dimension over that column ("NY" → the value
  'New York' of ``city``), so the rule mapper reads the word in any later question;
- a join path becomes a relationship between the logical tables over those physical tables;
- a business rule becomes a named filter of its table (one that keeps the rows with a value in a column,
  ``NOT industry IS NULL``, also leaves that column's NULLs out of breakdowns by it);
- a metric word ("营收" for ``SUM(total_amount)`` of orders not cancelled) becomes a synonym of the metric
  that aggregates just that, or a new metric when none does (:mod:`feedback.word_meanings`); where the
  word also names the sum over a finer table (order items), that sum is the metric's ``x_finer_metric``;
- a dimension word ("行业" for ``customers.industry``) becomes a synonym of the dimension over that column.

What the model already says is left as it is, and what it has no place for (a column no dimension
shows, a table outside the model, a name another filter has) is left out; :func:`overlay_notes` says
why. ``chatbi semantic show`` prints the merged model, so its YAML can be copied into the file.

Example:
    >>> from feedback.suggestions import Suggestion
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model('''
    ... tables:
    ...   - name: customers
    ...     base_table: {table: customers}
    ...     dimensions: [{name: city, expr: city, sample_values: [New York, Boston]}]
    ... ''')
    >>> ny = Suggestion(1, "shop", "value", "k", {"table": "customers", "column": "city",
    ...                 "value": "New York", "synonym": "NY", "found": True}, status="accepted")
    >>> overlay(model, [ny]).field("city").value_synonyms
    (('New York', ('NY',)),)
    >>> overlay(model, []) is model
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from nl2sql.semantic.model import Field, LogicalTable, Metric, NamedFilter, Relationship, SemanticModel

if TYPE_CHECKING:
    from feedback.log import FeedbackLog
    from feedback.suggestions import Proposal, Suggestion

ADDED, KNOWN = "added", "known"


def overlay(model: SemanticModel, suggestions: Sequence[Suggestion]) -> SemanticModel:
    """``model`` with the accepted ``suggestions`` laid over it (``model`` itself when none adds
    anything)."""
    merged, _ = _merge(model, suggestions)
    return merged


def overlay_notes(model: SemanticModel, suggestions: Sequence[Suggestion]) -> list[str]:
    """Why some of ``suggestions`` add nothing to ``model``, one line each (nothing for those it knew).

    Example:
        >>> from feedback.suggestions import Suggestion
        >>> rule = Suggestion(2, "shop", "rule", "k", {"table": "orders", "name": "valid",
        ...                   "condition": "status <> 'x'"}, (4, 5), "accepted")
        >>> overlay_notes(SemanticModel("shop"), [rule])
        ["#2 (orders: 'valid' means status <> 'x') is not used: no table of the semantic model reads orders"]
    """
    _, notes = _merge(model, suggestions)
    return notes


def already_known(model: SemanticModel, proposal: Proposal) -> bool:
    """Whether ``model`` already says what ``proposal`` would teach (nothing to suggest).

    Example:
        >>> from feedback.suggestions import Proposal
        >>> from nl2sql.semantic.load import parse_model
        >>> model = parse_model("tables:\\n  - name: c\\n    dimensions:\\n      - name: city\\n"
        ...                     "        x_value_synonyms: {New York: [NY]}\\n")
        >>> payload = {"table": "c", "column": "city", "value": "New York", "synonym": "ny"}
        >>> already_known(model, Proposal("value", "k", payload))
        True
    """
    builder = _Builder(model)
    return builder.apply(proposal.kind, proposal.payload, proposal.sources) == KNOWN


def learned_model(
    model: SemanticModel, database: str, store: FeedbackLog | str | Path | None = None
) -> SemanticModel:
    """``model`` with the suggestions accepted for the database logged as ``database`` in the feedback
    store at ``store`` (the usual one by default; a missing SQLite store is not created).

    Example:
        >>> import tempfile
        >>> model = SemanticModel("shop")
        >>> learned_model(model, "shop", f"{tempfile.mkdtemp()}/feedback.sqlite") is model
        True
    """
    from feedback.suggestions import accepted_suggestions

    return overlay(model, accepted_suggestions(database, store))


def _merge(model: SemanticModel, suggestions: Sequence[Suggestion]) -> tuple[SemanticModel, list[str]]:
    builder = _Builder(model)
    notes = []
    for suggestion in suggestions:
        outcome = builder.apply(suggestion.kind, suggestion.payload, suggestion.sources)
        if outcome not in (ADDED, KNOWN):
            notes.append(f"#{suggestion.id} ({suggestion.describe()}) is not used: {outcome}")
    return (builder.build() if builder.changed else model), notes


class _Builder:
    """The model's tables and relationships as they become with each suggestion applied."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self.tables = {table.name: table for table in model.tables}
        self.relationships = list(model.relationships)
        self.changed = False

    def build(self) -> SemanticModel:
        return replace(
            self.model, tables=tuple(self.tables.values()), relationships=tuple(self.relationships)
        )

    def apply(self, kind: str, payload: dict[str, Any], sources: Sequence[int]) -> str:
        """Apply one suggestion: :data:`ADDED`, :data:`KNOWN`, or why it cannot be."""
        try:
            if kind == "value":
                outcome = self._value(payload)
            elif kind == "join":
                outcome = self._join(payload)
            elif kind == "rule":
                outcome = self._rule(payload, sources)
            elif kind == "metric":
                outcome = self._metric(payload, sources)
            elif kind == "dimension":
                outcome = self._dimension(payload)
            else:
                outcome = f"unknown kind {kind!r}"
        except KeyError as error:
            outcome = f"it lacks {error.args[0]}"
        self.changed = self.changed or outcome == ADDED
        return outcome

    def _logical(self, table: str) -> LogicalTable | None:
        """The logical table over the physical ``table`` (or named so)."""
        wanted = table.lower()
        for logical in self.tables.values():
            if logical.base_table.rpartition(".")[2].lower() == wanted:
                return logical
        return next((t for t in self.tables.values() if t.name.lower() == wanted), None)

    def _value(self, payload: dict[str, Any]) -> str:
        table, column, value, synonym = (payload[k] for k in ("table", "column", "value", "synonym"))
        logical = self._logical(table)
        if logical is None:
            return f"no table of the semantic model reads {table}"
        field = next((f for f in logical.dimensions if _column_of(f.expr) == column.lower()), None)
        if field is None:
            return f"no dimension of {logical.name} shows the column {column}"
        synonyms = dict(field.value_synonyms)
        word = synonym.casefold()
        if word == value.casefold() or word in {o.casefold() for o in synonyms.get(value, ())}:
            return KNOWN
        taken = [v for v, others in synonyms.items() if word in {o.casefold() for o in others}]
        taken += [v for v in field.sample_values if v.casefold() == word]
        if taken:
            return f"{field.name} already reads {synonym!r} as {taken[0]!r}"
        synonyms[value] = (*synonyms.get(value, ()), synonym)
        new_field = replace(field, value_synonyms=tuple(synonyms.items()))
        dimensions = tuple(new_field if f is field else f for f in logical.dimensions)
        self.tables[logical.name] = replace(logical, dimensions=dimensions)
        return ADDED

    def _join(self, payload: dict[str, Any]) -> str:
        left, right = self._logical(payload["left_table"]), self._logical(payload["right_table"])
        for physical, logical in ((payload["left_table"], left), (payload["right_table"], right)):
            if logical is None:
                return f"no table of the semantic model reads {physical}"
        assert left is not None and right is not None
        columns = tuple(zip(payload["left_columns"], payload["right_columns"], strict=True))
        wanted = tuple((a.lower(), b.lower()) for a, b in columns)
        for relationship in self.relationships:
            ends = (relationship.left_table.lower(), relationship.right_table.lower())
            pairs = tuple((a.lower(), b.lower()) for a, b in relationship.columns)
            if ends == (left.name.lower(), right.name.lower()) and pairs == wanted:
                return KNOWN
            if ends == (right.name.lower(), left.name.lower()) and pairs == tuple((b, a) for a, b in wanted):
                return KNOWN
            if set(ends) == {left.name.lower(), right.name.lower()}:
                return f"{relationship.name} joins {left.name} and {right.name} on other columns already"
        names = {r.name.lower() for r in self.relationships}
        name = f"{left.name}_to_{right.name}"
        while name.lower() in names:
            name += "_learned"
        kind = payload.get("relationship_type") or "many_to_one"
        self.relationships.append(Relationship(name, left.name, right.name, columns, relationship_type=kind))
        return ADDED

    def _rule(self, payload: dict[str, Any], sources: Sequence[int]) -> str:
        table, name, condition = payload["table"], payload["name"], payload["condition"]
        logical = self._logical(table)
        if logical is None:
            return f"no table of the semantic model reads {table}"
        if any(_same_condition(f.expr, condition) for f in logical.filters):
            return KNOWN
        taken = [
            f
            for t in self.tables.values()
            for f in t.filters
            if name.casefold() in map(str.casefold, f.names)
        ]
        if taken:
            return f"the filter {taken[0].name} of {taken[0].table} is called {name!r} already"
        named = NamedFilter(name, condition, logical.name, _learned_from(sources).strip())
        column = _not_null_column(condition)
        dimensions = tuple(
            replace(f, skip_nulls=True) if column and _column_of(f.expr) == column else f
            for f in logical.dimensions
        )
        self.tables[logical.name] = replace(logical, filters=(*logical.filters, named), dimensions=dimensions)
        return ADDED

    def _metric(self, payload: dict[str, Any], sources: Sequence[int]) -> str:
        table, expr, word = payload["table"], payload["expr"], payload["synonym"]
        logical = self._logical(table)
        if logical is None:
            return f"no table of the semantic model reads {table}"
        finer = payload.get("finer")
        if finer and self._logical(finer["table"]) is None:
            return f"no table of the semantic model reads {finer['table']}"
        condition = self._logical_names(payload.get("filter"))
        wanted = word.casefold()
        for other in self.tables.values():
            for metric in other.metrics:
                if wanted in map(str.casefold, metric.names):
                    if not (other is logical and _aggregates(metric, expr, condition)):
                        return f"{metric.name} is called {word!r} already"
                    if not finer or metric.finer:
                        return KNOWN
                    self._set_metric(logical.name, metric, finer=self._finer(finer, sources))
                    return ADDED
        found = next((m for m in logical.metrics if _aggregates(m, expr, condition)), None)
        finer_name = self._finer(finer, sources) if finer else None
        if found is not None:
            self._set_metric(
                logical.name, found, synonyms=(*found.synonyms, word), finer=found.finer or finer_name
            )
        else:
            self._add_metric(logical.name, payload, sources, word=word, finer=finer_name)
        return ADDED

    def _set_metric(self, table: str, metric: Metric, **changes: Any) -> None:
        """Replace ``metric`` of the logical ``table`` with a copy that has ``changes``."""
        logical = self.tables[table]
        metrics = tuple(replace(m, **changes) if m.name == metric.name else m for m in logical.metrics)
        self.tables[table] = replace(logical, metrics=metrics)

    def _add_metric(
        self,
        table: str,
        payload: dict[str, Any],
        sources: Sequence[int],
        *,
        word: str = "",
        finer: str | None = None,
        purpose: str = "",
    ) -> Metric:
        """A new metric of the logical ``table`` for the measure ``payload`` names (called ``word``)."""
        logical = self.tables[table]
        expr = payload["expr"]
        condition = self._logical_names(payload.get("filter"))
        where = f" where {condition}" if condition else ""
        metric = Metric(
            name=self._metric_name(expr, word),
            expr=expr,
            table=table,
            description=f"{expr} of {table}{where}{purpose}.{_learned_from(sources)}",
            synonyms=(word,) if word else (),
            filter=condition,
            time_dimension_name=self._logical_names(payload.get("time_column")),
            finer=finer,
        )
        self.tables[table] = replace(logical, metrics=(*logical.metrics, metric))
        return metric

    def _finer(self, payload: dict[str, Any], sources: Sequence[int]) -> str:
        """The name of the metric that sums ``payload``'s measure over the finer table (a new one, without
        synonyms, when none does): what a breakdown only that table reaches switches to."""
        logical = self._logical(payload["table"])
        assert logical is not None  # checked by the caller
        condition = self._logical_names(payload.get("filter"))
        found = next((m for m in logical.metrics if _aggregates(m, payload["expr"], condition)), None)
        if found is not None:
            return found.name
        purpose = ", for breakdowns only its rows reach"
        return self._add_metric(logical.name, payload, sources, purpose=purpose).name

    def _dimension(self, payload: dict[str, Any]) -> str:
        table, column, word = payload["table"], payload["column"], payload["synonym"]
        logical = self._logical(table)
        if logical is None:
            return f"no table of the semantic model reads {table}"
        shown = (*logical.dimensions, *logical.time_dimensions)
        field = next((f for f in shown if _column_of(f.expr) == column.lower()), None)
        if field is None:
            return f"no dimension of {logical.name} shows the column {column}"
        wanted = word.casefold()
        if wanted in map(str.casefold, field.names):
            return KNOWN
        for other in self.tables.values():
            for named in (*other.fields, *other.metrics):
                if wanted in map(str.casefold, named.names):
                    return f"{named.name} of {other.name} is called {word!r} already"
        new_field = replace(field, synonyms=(*field.synonyms, word))
        self.tables[logical.name] = replace(
            logical,
            dimensions=_swapped(logical.dimensions, field, new_field),
            time_dimensions=_swapped(logical.time_dimensions, field, new_field),
        )
        return ADDED

    def _logical_names(self, sql: str | None) -> str | None:
        """``sql`` with the database tables it qualifies columns with named as the model's tables."""
        if not sql:
            return None
        try:
            node = exp.maybe_parse(sql).copy()
        except SqlglotError:
            return sql
        for column in node.find_all(exp.Column):
            if column.table:
                logical = self._logical(column.table)
                if logical is not None:
                    column.set("table", exp.to_identifier(logical.name))
        return node.sql()

    def _metric_name(self, expr: str, word: str) -> str:
        """A name for a learned metric: the word when it is one in Latin letters, else made of the
        aggregate's words (``sum_total_amount``); made unique."""
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]*", word):
            base = "_".join(word.lower().split())
        else:
            base = "_".join(dict.fromkeys(re.findall(r"[a-z][a-z0-9_]*", expr.lower())))[:48] or "metric"
        taken = {m.name.lower() for t in self.tables.values() for m in t.metrics}
        taken |= {f.name.lower() for t in self.tables.values() for f in t.fields}
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{base}_{number}"
        return name


def _aggregates(metric: Metric, expr: str, condition: str | None) -> bool:
    """Whether ``metric`` aggregates ``expr`` over the rows ``condition`` keeps."""
    return _same_condition(metric.expr, expr) and _same_filter(metric.filter, condition)


def _learned_from(sources: Sequence[int]) -> str:
    """The sentence a learned item's description ends with: which approved corrections taught it."""
    listed = ", ".join(f"#{source}" for source in sources)
    return f" Learned from the approved corrections {listed}." if sources else ""


def _not_null_column(condition: str) -> str | None:
    """The column ``condition`` keeps the rows with a value of (``NOT industry IS NULL``), lower case:
    the corrections leave its NULLs out, so a breakdown by it does too.

    Example:
        >>> _not_null_column("NOT industry IS NULL"), _not_null_column("industry IS NOT NULL")
        ('industry', 'industry')
        >>> _not_null_column("segment = 'Enterprise'") is None
        True
    """
    try:
        node = exp.maybe_parse(condition)
    except SqlglotError:
        return None
    if (
        isinstance(node, exp.Not)
        and isinstance(node.this, exp.Is)
        and isinstance(node.this.expression, exp.Null)
    ):
        column = node.this.this
        return column.name.lower() if isinstance(column, exp.Column) else None
    return None


def _swapped(fields: tuple[Field, ...], old: Field, new: Field) -> tuple[Field, ...]:
    return tuple(new if f is old else f for f in fields)


def _same_filter(one: str | None, other: str | None) -> bool:
    if not one or not other:
        return not one and not other
    return _same_condition(one, other)


def _column_of(expr: str) -> str:
    """The column a field's expression is, lower case (the expression itself when it is more)."""
    try:
        node = exp.maybe_parse(expr)
    except SqlglotError:
        return expr.strip().lower()
    return node.name.lower() if isinstance(node, exp.Column) else expr.strip().lower()


def _same_condition(one: str, other: str) -> bool:
    """Whether two conditions over one table are the same SQL (qualifiers, case and spacing aside)."""
    try:
        nodes = [exp.maybe_parse(text).copy() for text in (one, other)]
    except SqlglotError:
        return " ".join(one.split()).lower() == " ".join(other.split()).lower()
    for node in nodes:
        for column in node.find_all(exp.Column):
            column.set("table", None)
    return nodes[0].sql(normalize=True) == nodes[1].sql(normalize=True)
