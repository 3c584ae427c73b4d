"""Semantic models: Cortex Analyst's format loads (unknown keys ignored), errors name the line, the
YAML round-trips, glossary files load as terms, `chatbi semantic init|check|show` work on every engine."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.schema import load_schema
from nl2sql.semantic.bootstrap import bootstrap_model
from nl2sql.semantic.compile import compile_query
from nl2sql.semantic.dump import dump_model
from nl2sql.semantic.load import SemanticModelError, load_model, parse_model
from nl2sql.semantic.query import SemanticQuery
from nl2sql.semantic.validate import check_model

CORTEX = """
name: Revenue
description: A model written for Snowflake Cortex Analyst.
tables:
  - name: daily_revenue
    description: Daily total revenue.
    base_table:
      database: cortex_analyst_demo
      schema: revenue_timeseries
      table: daily_revenue
    primary_key:
      columns: [date]
    time_dimensions:
      - name: date
        expr: date
        data_type: date
        unique: true
        sample_values: ['2023-01-01']
    measures:
      - name: daily_revenue
        expr: revenue
        data_type: number
        default_aggregation: sum
        cortex_search_service: {service: whatever}
    metrics:
      - name: total_revenue
        synonyms: [sales]
        expr: SUM(revenue)
    filters:
      - name: recent
        expr: date >= '2024-01-01'
  - name: product_dim
    base_table: {database: cortex_analyst_demo, schema: revenue_timeseries, table: product_dim}
    dimensions:
      - {name: product_line, expr: product_line, data_type: varchar, sample_values: [Electronics, Clothing]}
relationships:
  - name: revenue_to_product
    left_table: daily_revenue
    right_table: product_dim
    relationship_columns:
      - {left_column: product_id, right_column: product_id}
    join_type: inner
    relationship_type: many_to_one
verified_queries:
  - name: daily revenue
    question: What was the total revenue each day?
    sql: SELECT date, SUM(revenue) FROM daily_revenue GROUP BY date
    verified_at: 1714497970
    verified_by: Jane
    use_as_onboarding_question: true
some_future_cortex_key: {ignored: true}
"""


def test_a_cortex_analyst_model_loads() -> None:
    model = parse_model(CORTEX)
    table = model.table("daily_revenue")
    assert table.base_table == "revenue_timeseries.daily_revenue" and table.primary_key == ("date",)
    assert [f.name for f in table.facts] == ["daily_revenue"] and table.facts[0].expr == "revenue"
    assert model.metric("sales").name == "total_revenue" and model.named_filter("recent").expr.startswith(
        "date"
    )
    (relationship,) = model.relationships
    assert (relationship.join_type, relationship.columns) == ("inner", (("product_id", "product_id"),))
    (verified,) = model.verified_queries
    assert (verified.verified_by, verified.verified_at, verified.use_as_onboarding_question) == (
        "Jane",
        1714497970,
        True,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tables:\n  - name: t\n    metrics:\n      - name: n\n", "line 4: metric n has no expr"),
        ("tables:\n  - description: no name\n", "line 2: a table has no name"),
        (
            "tables: [{name: a}]\nrelationships:\n  - {left_table: a, right_table: b, relationship_columns: "
            "[{left_column: x, right_column: y}]}\n",
            "line 3: relationship a_to_b names an unknown table b",
        ),
        (
            "tables: [{name: a}]\nrelationships:\n  - {left_table: a, right_table: a, relationship_columns: "
            "[{left_column: x, right_column: y}], relationship_type: many_to_many}\n",
            "line 3: relationship_type must be",
        ),
        (
            "tables:\n  - name: t\n    dimensions: [{name: a}, {name: A}]\n",
            "line 2: table t has two columns called A",
        ),
        ("tables: [{name: t\n", "not valid YAML"),
        (
            "tables:\n  - name: t\n    metrics: [{name: m, expr: 'COUNT(*)', x_finer_metric: nope}]\n",
            "x_finer_metric nope",
        ),
    ],
)
def test_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(SemanticModelError, match=message):
        parse_model(text, source="m.yaml")


def test_the_demo_model_round_trips_through_yaml() -> None:
    model = load_model(Path(__file__).parent.parent / "nl2sql" / "demo" / "semantic_model.yaml")
    again = parse_model(dump_model(model), source=model.source)
    assert again == model


def test_a_glossary_file_loads_as_terms() -> None:
    glossary = (
        "terms:\n  - {name: big order, aliases: [大单], definition: An order over 100., sql: amount > 100}\n"
    )
    model = parse_model(glossary)
    assert model.tables == () and [(t.name, t.aliases, t.sql) for t in model.terms] == [
        ("big order", ("大单",), "amount > 100")
    ]


def test_bootstrap_compile_and_check_on_every_engine(shop_db: str) -> None:
    database = open_database(shop_db)
    schema = load_schema(database)
    model = bootstrap_model(database, schema)
    assert {m.name for m in model.metrics} >= {"orders_count", "customers_count", "total_amount"}
    orders = model.table("orders")
    assert [f.name for f in orders.time_dimensions] == ["order_date"]
    assert "customer_id" not in {f.name for f in orders.facts}  # keys are never measures
    assert [(r.left_table, r.right_table, r.relationship_type) for r in model.relationships] == [
        ("orders", "customers", "many_to_one")
    ]
    assert check_model(model, database, schema) == []
    query = SemanticQuery(metrics=("total_amount",), group_by=("segment",))
    compiled = compile_query(query, model, dialect=database.dialect, today=date(2025, 4, 30))
    rows = {row[0]: float(row[1]) for row in run_query(database, compiled.sql).rows}
    assert rows == {"Enterprise": 200.5, "SMB": 142.24, "Consumer": 10.0}


def test_check_names_what_the_database_lacks(sqlite_shop: str) -> None:
    database = open_database(sqlite_shop)
    model = parse_model(
        "tables:\n  - name: orders\n    facts: [{name: tax, expr: tax_amount}]\n"
        "    metrics: [{name: taxes, expr: SUM(tax_amount)}]\n  - name: refunds\n"
    )
    problems = check_model(model, database, load_schema(database))
    assert problems[0] == "table refunds: the database has no table refunds" or any(
        "tax_amount" in p for p in problems
    )
    assert any(p.startswith("orders.tax:") and "tax_amount" in p for p in problems)
    assert any(p.startswith("metric taxes:") for p in problems)


def chatbi(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nl2sql", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=os.environ.copy())


def test_semantic_init_check_show_and_ask(sqlite_shop: str) -> None:
    made = chatbi("semantic", "init", "--db", sqlite_shop)
    assert made.returncode == 0, made.stderr
    target = Path(sqlite_shop).with_name("shop.semantic.yaml")
    assert target.is_file() and "wrote" in made.stdout
    again = chatbi("semantic", "init", "--db", sqlite_shop)
    assert again.returncode == 2 and "pass --force" in again.stderr
    checked = chatbi("semantic", "check", "--db", sqlite_shop)
    assert checked.returncode == 0 and checked.stdout.strip().endswith(": ok"), checked.stdout
    shown = chatbi("semantic", "show", "--db", sqlite_shop)
    assert "relationship_type: many_to_one" in shown.stdout
    asked = chatbi("ask", "--db", sqlite_shop, "total amount by segment", "--json")
    assert asked.returncode == 0, asked.stderr
    import json

    answer = json.loads(asked.stdout)
    assert answer["path"] == "semantic" and answer["interpretation"]["text"] == "total amount by segment"
    assert answer["model_id"] == "semantic layer"  # no model was loaded
    assert sorted(answer["rows"]) == [["Consumer", 10.0], ["Enterprise", 200.5], ["SMB", 142.24]]
    target.write_text(
        target.read_text(encoding="utf-8").replace("expr: amount", "expr: amount_due"), encoding="utf-8"
    )
    broken = chatbi("semantic", "check", "--db", sqlite_shop)
    assert broken.returncode == 1 and "problem: orders.amount:" in broken.stdout
