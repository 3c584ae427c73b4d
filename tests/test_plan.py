"""explain.plan and explain.edits: the plan's structure, its read-only notes, edit errors, and the edits
round-trip of tests/fixtures/plan_edits.yaml (edited SQL and a hand-written query give the same rows on
the demo database)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from explain.diff import diff
from explain.edits import (
    AddFilter,
    AddGroupBy,
    AddMeasure,
    RemoveFilter,
    RemoveGroupBy,
    RemoveOrder,
    SetAggregate,
    SetDateRange,
    SetFilterOperator,
    SetFilterValue,
    SetLimit,
    SetOrder,
    SetTimeWindow,
    edit_from_dict,
)
from explain.errors import PlanEditError, UnparsableSQLError
from explain.plan import plan
from nl2sql.connect import open_database
from nl2sql.execute import run_query

FIXTURES = Path(__file__).parent / "fixtures"
CASES = yaml.safe_load((FIXTURES / "plan_edits.yaml").read_text(encoding="utf-8"))
GOLD = {
    row["id"]: row["sql"]
    for row in map(
        json.loads, (Path(__file__).parents[1] / "nl2sql/demo/questions.jsonl").open(encoding="utf-8")
    )
}
# What diff() may report for each edit type: everything the edit did not touch must stay the same.
DIFF_KINDS = {
    "SetFilterValue": {"filter-value"},
    "SetFilterOperator": {"filter-value"},
    "AddFilter": {"added-condition"},
    "RemoveFilter": {"removed-condition"},
    "SetTimeWindow": {"filter-value", "added-condition", "removed-condition"},
    "SetDateRange": {"filter-value", "added-condition", "removed-condition"},
    "AddGroupBy": {"grouping", "columns", "join"},  # a related table's column: the lookup join
    "RemoveGroupBy": {"grouping", "columns", "ordering"},
    "SetAggregate": {"aggregate"},
    "AddMeasure": {"aggregate"},
    "RemoveMeasure": {"aggregate", "ordering"},
    "SetOrder": {"ordering"},
    "RemoveOrder": {"ordering"},
    "SetLimit": {"limit"},
}


@pytest.fixture(scope="module")
def demo_database():
    return open_database("demo")


def _rows(database, sql: str) -> list[tuple[Any, ...]]:
    result = run_query(database, sql)
    assert not result.truncated
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in result.rows]


def test_the_fixture_covers_every_edit_type_and_dialect() -> None:
    kinds = {case["edit"]["type"] for case in CASES}
    assert kinds == set(DIFF_KINDS)
    assert sum(case.get("dialect", "sqlite") == "sqlite" for case in CASES) >= 20
    time_dialects = {
        case.get("dialect", "sqlite") for case in CASES if case["edit"]["type"] == "SetTimeWindow"
    }
    assert time_dialects == {"sqlite", "postgres", "mysql", "duckdb"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.get('dialect', 'sqlite')}-{c['edit']['type']}")
def test_edit_round_trip(case: dict, demo_schema, demo_database) -> None:
    dialect = case.get("dialect", "sqlite")
    schema = demo_schema if dialect == "sqlite" else None
    edit = edit_from_dict(case["edit"])
    edited = plan(case["sql"], schema, dialect).apply(edit)
    changed = {c.kind for c in diff(case["sql"], edited, dialect)}
    assert changed and changed <= DIFF_KINDS[type(edit).__name__], changed
    if dialect != "sqlite":
        assert edited == case["expected_sql"]
        return
    got, expected = _rows(demo_database, edited), _rows(demo_database, case["expected_sql"])
    if plan(edited).order_by:
        assert got == expected, edited
    else:
        assert Counter(got) == Counter(expected), edited


def test_every_gold_query_has_a_plan(demo_schema) -> None:
    for query_id, sql in GOLD.items():
        result = plan(sql, demo_schema)
        assert result.editable, query_id
        json.dumps(result.to_dict())
        assert result.apply(SetLimit(7)).endswith("LIMIT 7"), query_id


def test_filters_measures_grouping_and_limit() -> None:
    result = plan(GOLD["demo-032"])
    assert [(f.id, f.clause, f.kind, f.column, f.operator, f.values) for f in result.filters] == [
        ("f1", "where", "value", "c.segment", "=", ("Enterprise",)),
        ("f2", "where", "value", "o.status", "<>", ("cancelled",)),
        ("f3", "where", "time", "o.order_date", ">=", ("DATE('now', '-30 days')",)),
    ]
    assert all(f.editable for f in result.filters)
    assert result.group_by == ("c.customer_id", "c.name")
    assert [(m.id, m.function, m.column, m.distinct, m.alias, m.sql) for m in result.measures] == [
        ("m1", "sum", "o.total_amount", False, "spent", "ROUND(SUM(o.total_amount), 2)")
    ]
    assert [(o.expression, o.descending) for o in result.order_by] == [("spent", True)]
    assert result.limit == 10
    assert [(c.name, c.role) for c in result.columns] == [("name", "dimension"), ("spent", "measure")]
    assert result.dialect == "sqlite"


def test_time_ranges() -> None:
    (window,) = plan(GOLD["demo-020"]).time_range
    assert (window.column, window.filter_ids, window.label) == ("order_date", ("f1",), "last 30 days")
    assert window.start is not None and window.start.relative is not None
    assert (window.start.relative.amount, window.start.relative.unit) == (-30, "day")
    (year,) = plan(GOLD["demo-010"]).time_range
    assert (year.start.date, year.end.date, year.label) == (
        "2025-01-01",
        "2025-12-31",
        "2025-01-01 to 2025-12-31",
    )
    (month,) = plan(GOLD["demo-021"]).time_range
    assert month.label == "from 2 months before the start of this month"
    (part,) = plan("SELECT COUNT(*) FROM orders WHERE strftime('%Y-%m', order_date) = '2024-02'").time_range
    assert (part.column, part.start.date, part.end.date) == ("order_date", "2024-02-01", "2024-02-29")
    (split,) = plan("SELECT 1 FROM t WHERE d >= '2025-01-01' AND x = 1 AND d < '2025-07-01'").time_range
    assert (split.filter_ids, split.label) == (("f1", "f3"), "2025-01-01 to before 2025-07-01")
    (relative,) = plan(
        "SELECT 1 FROM t WHERE d >= CURRENT_DATE - INTERVAL '3 months'", dialect="postgres"
    ).time_range
    assert relative.label == "last 3 months"


def test_having_filters_and_aggregates() -> None:
    result = plan(
        "SELECT a, COUNT(DISTINCT b) AS n, 100.0 * SUM(x) / COUNT(*) AS r FROM t "
        "GROUP BY a HAVING COUNT(*) > 5"
    )
    (having,) = result.filters
    assert (having.clause, having.column, having.operator, having.values) == ("having", "COUNT(*)", ">", (5,))
    assert [(m.function, m.column, m.distinct, m.editable) for m in result.measures] == [
        ("count", "b", True, True),
        ("sum", "x", False, False),
        ("count", "*", False, False),
    ]


def test_read_only_notes() -> None:
    assert plan(GOLD["demo-028"]).filters[0].editable is False
    notes = " | ".join(plan(GOLD["demo-046"]).read_only)
    assert "window function in column growth_pct" in notes and "subquery (unnamed) in FROM" in notes
    assert "subquery in column share_pct" in " ".join(plan(GOLD["demo-047"]).read_only)
    cte = plan(
        "WITH big AS (SELECT * FROM orders WHERE total_amount > 100) SELECT COUNT(*) FROM big WHERE x = 1"
    )
    assert cte.read_only[0].startswith("the WITH clause (big)")
    assert cte.apply(SetFilterValue("f1", [2])) == (
        "WITH big AS (SELECT * FROM orders WHERE total_amount > 100) SELECT COUNT(*) FROM big WHERE x = 2"
    )
    union = plan("SELECT a FROM t UNION SELECT a FROM u")
    assert not union.editable and union.filters == () and "UNION" in union.read_only[0]
    write = plan("DELETE FROM t WHERE a = 1")
    assert not write.editable and write.read_only == (
        "a DELETE statement is not a SELECT; it can only be edited as SQL",
    )
    with pytest.raises(PlanEditError, match="cannot be edited here"):
        union.apply(SetLimit(3))
    with pytest.raises(UnparsableSQLError):
        plan("SELECT FROM WHERE")


def test_untouched_parts_are_kept() -> None:
    sql = GOLD["demo-053"]
    edited = plan(sql).apply(SetFilterValue("f1", ["华东"]))
    assert edited == plan(sql).tree.sql("sqlite").replace("'华北'", "'华东'")


def test_values_are_rendered_as_literals() -> None:
    p = plan("SELECT * FROM t WHERE name = 'x' AND n > 1")
    assert p.apply(SetFilterValue("f1", ["O'Neil"])) == "SELECT * FROM t WHERE name = 'O''Neil' AND n > 1"
    assert p.apply(SetFilterValue("f2", [-2.5])) == "SELECT * FROM t WHERE name = 'x' AND n > -2.5"
    assert (
        p.apply(SetFilterOperator("f1", "not like", ["%a_"]))
        == "SELECT * FROM t WHERE name NOT LIKE '%a_' AND n > 1"
    )


def test_condition_shapes() -> None:
    flipped = plan("SELECT * FROM t WHERE 5000 < unit_price")
    assert (flipped.filters[0].column, flipped.filters[0].operator) == ("unit_price", ">")
    assert flipped.apply(SetFilterValue("f1", [10])) == "SELECT * FROM t WHERE unit_price > 10"
    nested = plan("SELECT * FROM t WHERE (a = 1 AND b = 2) AND c IS NOT NULL")
    assert [(f.column, f.operator) for f in nested.filters] == [("a", "="), ("b", "="), ("c", "is not null")]
    assert nested.apply(RemoveFilter("f1")) == "SELECT * FROM t WHERE b = 2 AND NOT c IS NULL"
    assert (
        nested.apply(SetFilterOperator("f3", "is null"))
        == "SELECT * FROM t WHERE (a = 1 AND b = 2) AND c IS NULL"
    )
    grouped = plan("SELECT a, COUNT(*) AS n FROM t GROUP BY a ORDER BY n")
    assert (
        grouped.apply(SetOrder("n", descending=True))
        == "SELECT a, COUNT(*) AS n FROM t GROUP BY a ORDER BY n DESC"
    )
    assert grouped.apply(RemoveGroupBy("a")) == "SELECT COUNT(*) AS n FROM t ORDER BY n"


@pytest.mark.parametrize(
    ("sql", "edit", "message"),
    [
        (GOLD["demo-002"], SetFilterValue("f9", ["x"]), "no filter f9; the filters are: f1"),
        (GOLD["demo-002"], SetFilterOperator("f1", "~"), "unknown operator '~'"),
        (GOLD["demo-002"], SetFilterOperator("f1", "between"), "between takes 2 values, not 1"),
        (GOLD["demo-002"], SetFilterValue("f1", ["a", "b"]), "= takes 1 value, not 2"),
        (GOLD["demo-002"], SetFilterValue("f1", [None]), "use 'is null'"),
        (GOLD["demo-002"], SetFilterValue("f1", [{"a": 1}]), "not a value a filter can use"),
        (GOLD["demo-002"], SetLimit(-1), "a limit must be a whole number of rows, at least 1 (got -1)"),
        (GOLD["demo-002"], SetLimit(None), "the query has no LIMIT"),
        (GOLD["demo-002"], AddFilter("sttus", "=", ["x"]), "no column sttus in orders; did you mean status?"),
        (
            GOLD["demo-019"],
            AddFilter("x.status", "=", ["x"]),
            "the query has no table x; its tables are: o, c",
        ),
        (
            GOLD["demo-002"],
            AddFilter("status", "=", ["x"], clause="qualify"),
            "a filter goes in 'where' or 'having'",
        ),
        (GOLD["demo-028"], SetFilterValue("f1", [1]), "is not a column compared with values"),
        (GOLD["demo-003"], AddFilter("COUNT(*)", ">", [1]), "an aggregate: a condition on it goes in HAVING"),
        (GOLD["demo-003"], AddFilter("1 + 1", "=", [2]), "'1 + 1' is not a column"),
        (GOLD["demo-003"], AddFilter("segment; DROP TABLE customers", "=", [2]), "is not a column"),
        (
            "SELECT name FROM products LIMIT 10 OFFSET 5",
            SetLimit(None),
            "OFFSET; its LIMIT cannot be removed",
        ),
        (GOLD["demo-004"], AddGroupBy("name"), "no measures"),
        (GOLD["demo-003"], AddGroupBy("segment"), "already grouped by segment"),
        (GOLD["demo-003"], AddGroupBy("nosuch"), "no column nosuch in customers"),
        (GOLD["demo-003"], RemoveGroupBy("city"), "not grouped by city; it is grouped by segment"),
        (GOLD["demo-003"], SetAggregate("m1", "median"), "unknown aggregate 'median'"),
        (GOLD["demo-003"], SetAggregate("m1", "sum"), "SUM needs a column"),
        (GOLD["demo-003"], SetAggregate("m7", "sum", "x"), "no measure m7"),
        (GOLD["demo-036"], SetAggregate("m1", "avg"), "combines several values"),
        (GOLD["demo-004"], AddMeasure("count"), "group them before adding a measure"),
        (
            GOLD["demo-002"],
            SetDateRange("f1", "2025-01-01", None),
            "f1 (status = 'cancelled') is not a time filter",
        ),
        (GOLD["demo-010"], SetDateRange("f1", "2025-13-01", None), "'2025-13-01' is not a date"),
        (
            GOLD["demo-010"],
            SetDateRange("f1", "2025-06-01", "2025-01-01"),
            "starts (2025-06-01) after it ends",
        ),
        (GOLD["demo-010"], SetDateRange("f1", None, None), "give a start date, an end date or both"),
        (GOLD["demo-010"], SetTimeWindow("f1", 0, "day"), "at least 1 (got 0)"),
        (GOLD["demo-010"], SetTimeWindow("f1", 2, "fortnight"), "unknown time unit 'fortnight'"),
        (GOLD["demo-004"], RemoveOrder(), "the query has no ORDER BY"),
        (GOLD["demo-009"], RemoveOrder("name"), "not ordered by name; it is ordered by unit_price"),
        (GOLD["demo-009"], SetOrder("price"), "no column price in products"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else None,
)
def test_edit_errors(sql: str, edit, message: str, demo_schema) -> None:
    with pytest.raises(PlanEditError) as raised:
        plan(sql, demo_schema).apply(edit)
    assert message in str(raised.value)


def test_edits_have_a_wire_form() -> None:
    edit = SetFilterOperator("f1", "in", ["a", "b"])
    assert edit.to_dict() == {
        "type": "SetFilterOperator",
        "filter_id": "f1",
        "operator": "in",
        "values": ["a", "b"],
    }
    assert edit_from_dict(edit.to_dict()) == edit
    with pytest.raises(PlanEditError, match="unknown edit type 'Nope'"):
        edit_from_dict({"type": "Nope"})
    with pytest.raises(PlanEditError, match="bad SetLimit"):
        edit_from_dict({"type": "SetLimit", "count": 3})


def test_plan_dialect_defaults(demo_schema) -> None:
    assert plan("SELECT 1").dialect == "sqlite"
    assert plan("SELECT 1", dialect="duckdb").dialect == "duckdb"
    assert plan("SELECT COUNT(*) FROM orders", demo_schema).dialect == demo_schema.dialect
