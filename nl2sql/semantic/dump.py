"""Write a semantic model as YAML in Cortex Analyst's layout (``x_`` keys for ChatBI's additions).

Example:
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model("tables:\\n  - name: t\\n    facts: [{name: amount, data_type: REAL}]\\n")
    >>> print(dump_model(model).strip())
    tables:
    - name: t
      base_table:
        table: t
      facts:
      - name: amount
        expr: amount
        data_type: REAL
"""

from __future__ import annotations

from typing import Any

import yaml

from nl2sql.semantic.model import Field, LogicalTable, Metric, NamedFilter, Relationship, SemanticModel


def dump_model(model: SemanticModel) -> str:
    """``model`` as YAML text that :func:`nl2sql.semantic.load.parse_model` reads back unchanged."""
    document: dict[str, Any] = _compact(
        {
            "name": model.name,
            "description": model.description,
            "tables": [_table(t) for t in model.tables],
            "relationships": [_relationship(r) for r in model.relationships],
            "verified_queries": [
                _compact(
                    {
                        "name": q.name,
                        "question": q.question,
                        "sql": q.sql,
                        "verified_by": q.verified_by,
                        "verified_at": q.verified_at,
                        "use_as_onboarding_question": q.use_as_onboarding_question or None,
                    }
                )
                for q in model.verified_queries
            ],
            "custom_instructions": model.custom_instructions,
            "x_vocabulary_complete": model.vocabulary_complete or None,
            "x_terms": [
                _compact(
                    {"name": t.name, "aliases": list(t.aliases), "definition": t.definition, "sql": t.sql}
                )
                for t in model.terms
            ],
        }
    )
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def _table(table: LogicalTable) -> dict[str, Any]:
    schema, _, name = table.base_table.rpartition(".")
    return _compact(
        {
            "name": table.name,
            "description": table.description,
            "synonyms": list(table.synonyms),
            "base_table": _compact({"schema": schema, "table": name}),
            "primary_key": {"columns": list(table.primary_key)} if table.primary_key else None,
            "dimensions": [_field(f) for f in table.dimensions],
            "time_dimensions": [_field(f) for f in table.time_dimensions],
            "facts": [_field(f) for f in table.facts],
            "metrics": [_metric(m) for m in table.metrics],
            "filters": [_filter(f) for f in table.filters],
        }
    )


def _field(field: Field) -> dict[str, Any]:
    return _compact(
        {
            "name": field.name,
            "synonyms": list(field.synonyms),
            "description": field.description,
            "expr": field.expr,
            "data_type": field.data_type,
            "sample_values": list(field.sample_values),
            "is_enum": field.is_enum or None,
            "x_label_zh": field.label_zh,
            "x_value_synonyms": {value: list(others) for value, others in field.value_synonyms},
            "x_skip_nulls": field.skip_nulls or None,
            "x_bands": (
                None
                if not field.bands
                else list(field.bands)
                if field.band_closed == "left"
                else {"edges": list(field.bands), "closed": field.band_closed}
            ),
            "x_fraction": field.fraction or None,
        }
    )


def _metric(metric: Metric) -> dict[str, Any]:
    per = {"key": metric.per, "measures": dict(metric.per_measures)} if metric.per else None
    return _compact(
        {
            "name": metric.name,
            "synonyms": list(metric.synonyms),
            "description": metric.description,
            "expr": metric.expr,
            "x_filter": metric.filter,
            "x_time_dimension": metric.time_dimension_name,
            "x_default_range": metric.default_range,
            "x_finer_metric": metric.finer,
            "x_per": per,
            "x_format": None if metric.format == "number" else metric.format,
            "x_lower_is_better": metric.lower_is_better or None,
            "x_attach_rate": list(metric.attach_names),
        }
    )


def _filter(named: NamedFilter) -> dict[str, Any]:
    return _compact(
        {
            "name": named.name,
            "synonyms": list(named.synonyms),
            "description": named.description,
            "expr": named.expr,
            "x_default_range": named.default_range,
            "x_related": [
                _compact(
                    {
                        "table": r.table,
                        "present": None if r.present else False,
                        "window": ("before" if r.before else "current") if r.time_range != "all" else None,
                        "filters": [
                            {"field": f.field, "op": f.op, "values": list(f.values)} for f in r.filters
                        ],
                    }
                )
                for r in named.related
            ],
        }
    )


def _relationship(relationship: Relationship) -> dict[str, Any]:
    return {
        "name": relationship.name,
        "left_table": relationship.left_table,
        "right_table": relationship.right_table,
        "relationship_columns": [{"left_column": a, "right_column": b} for a, b in relationship.columns],
        "join_type": relationship.join_type,
        "relationship_type": relationship.relationship_type,
    }


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty, so the YAML shows only what was said."""
    return {key: value for key, value in values.items() if value not in (None, "", [], {}, ())}
