"""Read a semantic model from YAML: Cortex Analyst's format plus ChatBI's ``x_`` keys, or a glossary.

Unknown keys are ignored (a Cortex model's ``cortex_search_service`` does no harm); a missing or
malformed required key is a :class:`SemanticModelError` naming the file and the line. A glossary file
(``terms:`` with name, aliases, definition, sql) loads as a model holding only those terms.

Example:
    >>> parse_model("tables:\\n  - name: t\\n    metrics:\\n      - name: n\\n", source="m.yaml")
    Traceback (most recent call last):
    ...
    nl2sql.semantic.load.SemanticModelError: m.yaml, line 4: metric n has no expr
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from nl2sql.errors import ChatBIError
from nl2sql.glossary import Term
from nl2sql.semantic.model import (
    Field,
    FieldKind,
    LogicalTable,
    Metric,
    NamedFilter,
    Relationship,
    SemanticModel,
    VerifiedQuery,
)
from nl2sql.semantic.query import Filter, Related

RELATIONSHIP_TYPES = ("many_to_one", "one_to_one")
JOIN_TYPES = ("left_outer", "inner")
FIELD_SECTIONS: dict[str, FieldKind] = {
    "dimensions": "dimension",
    "time_dimensions": "time_dimension",
    "facts": "fact",
    "measures": "fact",  # Cortex's older name for facts
}


class SemanticModelError(ChatBIError):
    """A semantic model file that cannot be read, or says something impossible."""


def load_model(path: str | Path) -> SemanticModel:
    """Read the semantic model (or glossary) at ``path``.

    Raises:
        SemanticModelError: the file cannot be read or is not a valid model.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SemanticModelError(f"cannot read the semantic model {path}: {error}") from error
    return parse_model(text, source=str(path))


def parse_model(text: str, *, source: str = "<text>", name: str = "") -> SemanticModel:
    """The semantic model in the YAML ``text`` (``source`` names it in errors)."""
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        raise SemanticModelError(f"{source}{where}: not valid YAML: {reason}") from error
    if root is None:
        return SemanticModel(name=name, source=source)
    top = reader.mapping(root, "the semantic model")
    tables = tuple(reader.table(node) for node in reader.sequence(top.get("tables")))
    model = SemanticModel(
        name=reader.text(top.get("name")) or name,
        description=reader.text(top.get("description")),
        custom_instructions=reader.text(top.get("custom_instructions")),
        vocabulary_complete=reader.flag(top.get("x_vocabulary_complete")),
        tables=tables,
        relationships=tuple(reader.relationship(n) for n in reader.sequence(top.get("relationships"))),
        verified_queries=tuple(reader.verified(n) for n in reader.sequence(top.get("verified_queries"))),
        terms=tuple(reader.term(n) for key in ("x_terms", "terms") for n in reader.sequence(top.get(key))),
        source=source,
    )
    reader.check_references(model, top)
    return model


class _Reader:
    """Turns YAML nodes into the model's dataclasses, with the line of each node for errors."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: Node | None, message: str) -> SemanticModelError:
        where = f", line {node.start_mark.line + 1}" if node is not None else ""
        return SemanticModelError(f"{self.source}{where}: {message}")

    def mapping(self, node: Node | None, what: str) -> dict[str, Node]:
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} should be a mapping of keys to values")
        return {self._key(key): value for key, value in node.value}

    def _key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "a key should be a plain name")
        return str(node.value)

    def sequence(self, node: Node | None) -> list[Node]:
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            return []
        if not isinstance(node, SequenceNode):
            raise self.fail(node, "expected a list")
        return list(node.value)

    def text(self, node: Node | None) -> str:
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            return ""
        if not isinstance(node, ScalarNode):
            raise self.fail(node, "expected a single value, not a list or mapping")
        return str(node.value).strip()

    def texts(self, node: Node | None) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and not node.tag.endswith(":null"):
            return (self.text(node),)
        return tuple(value for n in self.sequence(node) if (value := self.text(n)))

    def flag(self, node: Node | None) -> bool:
        return self.text(node).lower() in ("true", "yes", "1")

    def required(self, values: dict[str, Node], key: str, node: Node, what: str) -> str:
        value = self.text(values.get(key))
        if not value:
            raise self.fail(node, f"{what} has no {key}")
        return value

    def synonyms(self, values: dict[str, Node]) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(self.texts(values.get("synonyms")) + self.texts(values.get("x_synonyms_zh")))
        )

    def table(self, node: Node) -> LogicalTable:
        values = self.mapping(node, "a table")
        name = self.required(values, "name", node, "a table")
        base = values.get("base_table")
        if isinstance(base, MappingNode):
            parts = self.mapping(base, "base_table")
            physical = ".".join(
                p for p in (self.text(parts.get("schema")), self.text(parts.get("table"))) if p
            )
        else:
            physical = self.text(base)
        fields: dict[FieldKind, list[Field]] = {"dimension": [], "time_dimension": [], "fact": []}
        for section, kind in FIELD_SECTIONS.items():
            for item in self.sequence(values.get(section)):
                fields[kind].append(self.field(item, name, kind))
        metrics = tuple(self.metric(item, name) for item in self.sequence(values.get("metrics")))
        filters = tuple(self.named_filter(item, name) for item in self.sequence(values.get("filters")))
        self._unique(node, name, [*fields["dimension"], *fields["time_dimension"], *fields["fact"]], "column")
        self._unique(node, name, metrics, "metric")
        key = self.mapping(values.get("primary_key"), "primary_key")
        return LogicalTable(
            name=name,
            base_table=physical or name,
            primary_key=self.texts(key.get("columns")),
            description=self.text(values.get("description")),
            synonyms=self.synonyms(values),
            dimensions=tuple(fields["dimension"]),
            time_dimensions=tuple(fields["time_dimension"]),
            facts=tuple(fields["fact"]),
            metrics=metrics,
            filters=filters,
        )

    def _unique(self, node: Node, table: str, items: list | tuple, what: str) -> None:
        seen: set[str] = set()
        for item in items:
            if item.name.lower() in seen:
                raise self.fail(node, f"table {table} has two {what}s called {item.name}")
            seen.add(item.name.lower())

    def field(self, node: Node, table: str, kind: FieldKind) -> Field:
        values = self.mapping(node, "a column")
        name = self.required(values, "name", node, f"a {kind.replace('_', ' ')} of {table}")
        value_synonyms = self.mapping(values.get("x_value_synonyms"), "x_value_synonyms")
        return Field(
            name=name,
            expr=self.text(values.get("expr")) or name,
            table=table,
            kind=kind,
            data_type=self.text(values.get("data_type")),
            description=self.text(values.get("description")),
            synonyms=self.synonyms(values),
            sample_values=self.texts(values.get("sample_values")),
            is_enum=self.flag(values.get("is_enum")),
            label_zh=self.text(values.get("x_label_zh")) or None,
            value_synonyms=tuple((value, self.texts(others)) for value, others in value_synonyms.items()),
            skip_nulls=self.flag(values.get("x_skip_nulls")),
            **self.bands(values.get("x_bands"), name),
            fraction=self.flag(values.get("x_fraction")),
        )

    def bands(self, node: Node | None, name: str) -> dict[str, Any]:
        """``x_bands`` of column ``name``: a list of increasing edges, or ``{edges, closed}``."""
        if node is None:
            return {}
        values = self.mapping(node, "x_bands") if isinstance(node, MappingNode) else {"edges": node}
        try:
            edges = tuple(float(self.text(edge)) for edge in self.sequence(values.get("edges")))
        except ValueError:
            raise self.fail(node, f"column {name}: the edges of x_bands are numbers") from None
        closed = self.text(values.get("closed")) or "left"
        if not edges or list(edges) != sorted(set(edges)) or closed not in ("left", "right"):
            raise self.fail(node, f"column {name}: x_bands needs increasing edges, closed left or right")
        return {"bands": tuple(int(e) if e.is_integer() else e for e in edges), "band_closed": closed}

    def metric(self, node: Node, table: str) -> Metric:
        values = self.mapping(node, "a metric")
        name = self.required(values, "name", node, f"a metric of {table}")
        per = self.mapping(values.get("x_per"), "x_per")
        measures = self.mapping(per.get("measures"), "x_per measures")
        if per and not self.text(per.get("key")):
            raise self.fail(values.get("x_per"), f"metric {name}: x_per needs a key")
        return Metric(
            name=name,
            expr=self.required(values, "expr", node, f"metric {name}"),
            table=table,
            description=self.text(values.get("description")),
            synonyms=self.synonyms(values),
            filter=self.text(values.get("x_filter")) or None,
            time_dimension_name=self.text(values.get("x_time_dimension")) or None,
            default_range=self.text(values.get("x_default_range")) or None,
            finer=self.text(values.get("x_finer_metric")) or None,
            per=self.text(per.get("key")) or None,
            per_measures=tuple((key, self.text(value)) for key, value in measures.items()),
            format=self.text(values.get("x_format")) or "number",
            lower_is_better=self.flag(values.get("x_lower_is_better")),
            attach_names=self.texts(values.get("x_attach_rate")),
        )

    def named_filter(self, node: Node, table: str) -> NamedFilter:
        values = self.mapping(node, "a filter")
        name = self.required(values, "name", node, f"a filter of {table}")
        default = self.text(values.get("x_default_range")) or None
        related = tuple(
            self.related(item, f"filter {name}", default) for item in self.sequence(values.get("x_related"))
        )
        return NamedFilter(
            name=name,
            expr="" if related else self.required(values, "expr", node, f"filter {name}"),
            table=table,
            description=self.text(values.get("description")),
            synonyms=self.synonyms(values),
            related=related,
            default_range=default,
        )

    def related(self, node: Node, what: str, default: str | None) -> Related:
        """One condition on related rows (``x_related``): ``table``, ``present`` (default true),
        ``window`` (``all``, ``current`` or ``before``: the period before the current one) and
        ``filters`` (``{field, op, values}``)."""
        values = self.mapping(node, f"a related condition of {what}")
        table = self.required(values, "table", node, f"a related condition of {what}")
        window = self.text(values.get("window")) or "all"
        if window not in ("all", "current", "before"):
            raise self.fail(node, f"{what}: window must be all, current or before, not {window}")
        if window != "all" and not default:
            raise self.fail(node, f"{what}: a windowed related condition needs x_default_range")
        filters = []
        for item in self.sequence(values.get("filters")):
            parts = self.mapping(item, "a filter of a related condition")
            filters.append(
                Filter(
                    self.required(parts, "field", item, "a filter of a related condition"),
                    self.text(parts.get("op")) or "=",
                    self.texts(parts.get("values")),
                )
            )
        present = values.get("present")
        return Related(
            table=table,
            present=present is None or self.flag(present),
            time_range=default if window != "all" and default else "all",
            before=window == "before",
            filters=tuple(filters),
        )

    def relationship(self, node: Node) -> Relationship:
        values = self.mapping(node, "a relationship")
        left = self.required(values, "left_table", node, "a relationship")
        right = self.required(values, "right_table", node, "a relationship")
        pairs = []
        for item in self.sequence(values.get("relationship_columns")):
            columns = self.mapping(item, "a relationship column")
            pairs.append(
                (
                    self.required(columns, "left_column", item, "a relationship column"),
                    self.required(columns, "right_column", item, "a relationship column"),
                )
            )
        if not pairs:
            raise self.fail(node, f"relationship {left} → {right} has no relationship_columns")
        kind = self.text(values.get("relationship_type")) or "many_to_one"
        if kind not in RELATIONSHIP_TYPES:
            raise self.fail(
                node, f"relationship_type must be one of {', '.join(RELATIONSHIP_TYPES)}, not {kind}"
            )
        join = self.text(values.get("join_type")) or "left_outer"
        if join not in JOIN_TYPES:
            raise self.fail(node, f"join_type must be one of {', '.join(JOIN_TYPES)}, not {join}")
        return Relationship(
            name=self.text(values.get("name")) or f"{left}_to_{right}",
            left_table=left,
            right_table=right,
            columns=tuple(pairs),
            join_type=join,
            relationship_type=kind,
        )

    def verified(self, node: Node) -> VerifiedQuery:
        values = self.mapping(node, "a verified query")
        question = self.required(values, "question", node, "a verified query")
        at = self.text(values.get("verified_at"))
        return VerifiedQuery(
            name=self.text(values.get("name")) or question,
            question=question,
            sql=self.required(values, "sql", node, f"verified query {question!r}"),
            verified_by=self.text(values.get("verified_by")),
            verified_at=int(at) if at.isdigit() else None,
            use_as_onboarding_question=self.flag(values.get("use_as_onboarding_question")),
        )

    def term(self, node: Node) -> Term:
        values = self.mapping(node, "a term")
        name = self.required(values, "name", node, "a term")
        sql = " ".join(self.text(values.get("sql")).split())
        return Term(
            name=name,
            definition=" ".join(
                (self.text(values.get("definition")) or self.text(values.get("description"))).split()
            ),
            sql=sql or None,
            aliases=self.texts(values.get("aliases")) + self.synonyms(values),
        )

    def check_references(self, model: SemanticModel, top: dict[str, Node]) -> None:
        """Relationships join tables the model has, metrics name metrics and keys that exist."""
        for node, relationship in zip(
            self.sequence(top.get("relationships")), model.relationships, strict=True
        ):
            for table in (relationship.left_table, relationship.right_table):
                if not model.has_table(table):
                    raise self.fail(node, f"relationship {relationship.name} names an unknown table {table}")
        for table_node, table in zip(self.sequence(top.get("tables")), model.tables, strict=True):
            for metric in table.metrics:
                if metric.finer and not any(m.name == metric.finer for m in model.metrics):
                    raise self.fail(
                        table_node, f"metric {metric.name}: x_finer_metric {metric.finer} is not a metric"
                    )
                if metric.time_dimension_name:
                    try:
                        model.field(metric.time_dimension_name, table=metric.table)
                    except KeyError as error:
                        raise self.fail(table_node, f"metric {metric.name}: {error.args[0]}") from None
