"""Corrections that generalise: approved edits teach value synonyms, join paths and business rules, offered
as suggestions; accepted ones are laid over the semantic model (its YAML file untouched) and read in later,
different questions without the language model."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import Replies

from feedback.business_rules import added_conditions, business_rules
from feedback.join_paths import join_paths
from feedback.learn import learn
from feedback.log import FeedbackLog
from feedback.review import approve, reject, review_queue
from feedback.suggestions import ACCEPTED, PENDING, REJECTED, Proposal, SuggestionError, SuggestionStore
from feedback.value_mappings import value_mappings
from nl2sql import Assistant
from nl2sql.answer import Answer
from nl2sql.cli import main
from nl2sql.connect import open_database
from nl2sql.schema import Schema, load_schema
from nl2sql.semantic.learned import overlay, overlay_notes
from nl2sql.semantic.load import parse_model
from nl2sql.semantic.locate import database_semantic_model

FIXTURES = Path(__file__).parent / "fixtures"
CASES = yaml.safe_load((FIXTURES / "suggestions.yaml").read_text(encoding="utf-8"))
DAY = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)

STORES = [
    "CREATE TABLE regions (region_id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, state TEXT,"
    " segment TEXT, credit_limit REAL, region_id INTEGER REFERENCES regions (region_id))",
    "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers"
    " (customer_id), amount REAL, status TEXT, order_date DATE, ship_city TEXT)",
    "INSERT INTO regions VALUES (1, 'East'), (2, 'Midwest')",
    "INSERT INTO customers VALUES (1, 'Acme', 'New York', 'NY', 'Enterprise', 5000, 1),"
    " (2, 'Bolt', 'Boston', 'MA', 'SMB', 800, 1), (3, 'Cora', 'New York', 'NY', 'SMB', 900, 1),"
    " (4, 'Dune', 'Chicago', 'IL', 'Enterprise', 7000, 2)",
    "INSERT INTO orders VALUES (10, 1, 100, 'paid', '2025-01-05', 'New York'),"
    " (11, 1, 50, 'cancelled', '2025-02-06', 'New York'), (12, 2, 30, 'paid', '2025-02-07', 'Boston'),"
    " (13, 3, 20, 'paid', '2025-03-08', 'New York'), (14, 4, 70, 'cancelled', '2025-03-09', 'Chicago'),"
    " (15, 4, 40, 'paid', '2025-04-10', 'Chicago')",
]
STORES_MODEL = """\
name: stores
tables:
  - name: customers
    base_table: {table: customers}
    primary_key: {columns: [customer_id]}
    dimensions:
      - {name: customer, expr: name, synonyms: [customer name]}
      - {name: city, expr: city, sample_values: [New York, Boston, Chicago], is_enum: true}
    metrics:
      - {name: customer_count, expr: COUNT(*), synonyms: [number of customers, customer count]}
  - name: orders
    base_table: {table: orders}
    primary_key: {columns: [order_id]}
    dimensions:
      - {name: status, expr: status, sample_values: [paid, cancelled], is_enum: true}
    time_dimensions:
      - {name: order_date, expr: order_date, data_type: DATE}
    facts:
      - {name: amount, expr: amount, data_type: REAL}
    metrics:
      - {name: revenue, expr: SUM(amount), synonyms: [sales]}
      - {name: order_count, expr: COUNT(*), synonyms: [number of orders]}
"""
"""The stores database's semantic model: no relationship, no value synonyms, no named filter."""


def _stores(folder: Path, model: str = STORES_MODEL, name: str = "stores") -> str:
    """The stores database as a SQLite file, its semantic model beside it."""
    path = folder / f"{name}.sqlite"
    with sqlite3.connect(path) as connection:
        for statement in STORES:
            connection.execute(statement)
    connection.close()
    (folder / f"{name}.semantic.yaml").write_text(model, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def stores_schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    return load_schema(open_database(_stores(tmp_path_factory.mktemp("stores"))))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['question']}: {c['after'][-50:]}")
def test_what_one_correction_teaches(case: dict, stores_schema: Schema) -> None:
    schema = None if case.get("schema") == "none" else stores_schema
    options = {"schema": schema, "dialect": case.get("dialect", "sqlite")}
    if "values" in case:
        found = [
            f"{p.payload['table']}.{p.payload['column']}: {p.payload['synonym']} -> {p.payload['value']}"
            + (" (found)" if p.payload["found"] else "")
            for p in value_mappings(case["question"], case["before"], case["after"], **options)
        ]
        assert found == case["values"]
    if "joins" in case:
        paths = [
            f"{p.payload['left_table']}({','.join(p.payload['left_columns'])}) ->"
            f" {p.payload['right_table']}({','.join(p.payload['right_columns'])})"
            for p in join_paths(case["before"], case["after"], **options)
        ]
        assert paths == case["joins"]
    if "added" in case:
        added = added_conditions(case["before"], case["after"], **options)
        assert [list(a) for a in added] == case["added"]


def test_a_condition_becomes_a_rule_only_once_two_corrections_add_it() -> None:
    cancelled = [("orders", "status <> 'cancelled'")]
    assert business_rules({1: cancelled}) == []
    (rule,) = business_rules({1: cancelled, 2: [("orders", "STATUS != 'cancelled'")], 3: []})
    assert (rule.payload["table"], rule.payload["name"], rule.sources) == (
        "orders",
        "status not cancelled",
        (1, 2),
    )
    assert business_rules({1: cancelled, 2: [("customers", "status <> 'cancelled'")]}) == [], "other tables"


def _correct(assistant: Assistant, log: FeedbackLog, question: str, wrong: str, fixed: str) -> int:
    """Log ``wrong`` corrected into ``fixed`` for ``question`` and approve it (which learns); its id."""
    assistant.record("edited", Answer(question, wrong), final_sql=fixed)
    (candidate,) = review_queue(log, assistant.database, assistant.schema)
    approve(log, candidate.event_id, assistant.database, assistant.schema, reviewer="bo")
    return candidate.event_id


CORRECTIONS = [
    (
        "What is the number of our clients located in NY",
        "SELECT COUNT(*) FROM customers WHERE city = 'NY'",
        "SELECT COUNT(*) FROM customers WHERE city = 'New York'",
    ),
    (
        "Revenue for each customer city",
        "SELECT SUM(amount) FROM orders",
        "SELECT c.city, SUM(o.amount) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " GROUP BY c.city",
    ),
    (
        "Total sales in 2025",
        "SELECT SUM(amount) FROM orders WHERE order_date >= '2025-01-01'",
        "SELECT SUM(amount) FROM orders WHERE order_date >= '2025-01-01' AND status <> 'cancelled'",
    ),
    (
        "Order count per month",
        "SELECT strftime('%Y-%m', order_date) AS month, COUNT(*) FROM orders GROUP BY month",
        "SELECT strftime('%Y-%m', order_date) AS month, COUNT(*) FROM orders WHERE status <> 'cancelled'"
        " GROUP BY month",
    ),
]


def test_accepted_suggestions_answer_other_questions_without_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _stores(tmp_path)
    written = (tmp_path / "stores.semantic.yaml").read_bytes()
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    generator = Replies("SELECT 1")
    assistant = Assistant(db, log=log, generator=generator)
    where = ["--db", db, "--log", str(log.path)]

    def ask(question: str) -> Answer:
        answer = assistant.ask(question)
        assert (answer.path, answer.error) == ("semantic", None), (question, answer.path, answer.notes)
        return answer

    assert "WHERE" not in ask("How many customers in NY?").sql, "NY means nothing yet"
    ids = [_correct(assistant, log, *correction) for correction in CORRECTIONS]

    assert main(["feedback", "suggestions", *where, "--json"]) == 0
    listed = {s["kind"]: s for s in json.loads(capsys.readouterr().out)["suggestions"]}
    assert {kind: s["status"] for kind, s in listed.items()} == {
        "value": "pending",
        "join": "pending",
        "rule": "pending",
        "metric": "pending",
    }
    assert listed["metric"]["description"] == "'clients' means COUNT(*) of customers", "a word no rule reads"
    assert listed["metric"]["sources"] == [ids[0]]
    assert listed["value"]["description"] == "customers.city: 'NY' means 'New York' (the question's word)"
    assert listed["value"]["sources"] == [ids[0]] and listed["join"]["sources"] == [ids[1]]
    assert listed["rule"]["sources"] == ids[2:]
    assert listed["join"]["description"] == (
        "join orders to customers on orders.customer_id = customers.customer_id"
    )
    assert "WHERE" not in ask("How many customers in NY?").sql, "a pending suggestion is not used"

    assert main(["feedback", "accept-suggestion", str(listed["value"]["id"]), *where]) == 0
    assert "use it from now on" in capsys.readouterr().out
    answer = ask("How many customers in NY?")
    assert "customers.city = 'New York'" in answer.sql and answer.data.iloc[0, 0] == 2

    assert main(["feedback", "accept-suggestion", f"#{listed['join']['id']}", *where]) == 0
    answer = ask("Sales by city")
    assert "JOIN customers" in answer.sql
    assert dict(answer.data.itertuples(index=False)) == {"New York": 170, "Chicago": 110, "Boston": 30}
    answer = ask("Number of orders in NY")  # both: the synonym, reached through the join
    assert "customers.city = 'New York'" in answer.sql and answer.data.iloc[0, 0] == 3

    rule = str(listed["rule"]["id"])
    assert main(["feedback", "accept-suggestion", rule, *where, "--name", "valid orders"]) == 0
    answer = ask("How many valid orders?")
    assert "orders.status <> 'cancelled'" in answer.sql and answer.data.iloc[0, 0] == 4
    assert generator.prompts == 0, "no question went to the language model"

    restarted = Assistant(db, log=FeedbackLog(log.path), generator=generator)
    assert restarted.semantic.field("city").value_synonyms == (("New York", ("NY",)),)
    assert [f.name for f in restarted.semantic.filters] == ["valid orders"]
    assert (tmp_path / "stores.semantic.yaml").read_bytes() == written, "the YAML file is never rewritten"

    capsys.readouterr()
    assert main(["semantic", "show", *where]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("# With the suggestions accepted from corrections (#")
    merged = parse_model(shown)
    assert merged.field("city").value_synonyms == (("New York", ("NY",)),)
    assert [(r.left_table, r.right_table, r.columns) for r in merged.relationships] == [
        ("orders", "customers", (("customer_id", "customer_id"),))
    ]
    assert merged.named_filter("valid orders").expr == "status <> 'cancelled'"

    assert main(["feedback", "reject-suggestion", str(listed["value"]["id"]), *where]) == 0
    assert "WHERE" not in ask("How many customers in NY?").sql, "a rejected suggestion is used no more"

    reject(log, ids[1], assistant.database, reason="city of the order, not the customer")
    capsys.readouterr()
    assert main(["feedback", "suggestions", *where, "--status", "accepted"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("4 suggestions for stores (1 pending, 2 accepted, 1 rejected); 0 new")
    assert shown.count("none of them is approved any more") == 1, "the join's correction was rejected"


def test_suggestion_commands_say_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _stores(tmp_path)
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    assistant = Assistant(db, log=log, generator=Replies("SELECT 1"))
    _correct(assistant, log, *CORRECTIONS[0])
    (value,) = [s for s in SuggestionStore(log).suggestions("stores") if s.kind == "value"]
    where = ["--log", str(log.path)]
    shop = _stores(tmp_path, name="shop")
    for argv, message in [
        (["accept-suggestion", "first"], "a suggestion id is a number"),
        (["accept-suggestion", "99"], "no suggestion #99"),
        (["reject-suggestion", str(value.id), "--db", shop], f"no suggestion #{value.id} on shop"),
        (["accept-suggestion", str(value.id), "--name", "NY"], "is a value, not a rule"),
    ]:
        assert main(["feedback", *argv, *where]) == 2
        error = capsys.readouterr().err
        assert error.startswith("error: ") and message in error and error.count("\n") == 1, error
    assert SuggestionStore(log).suggestion(value.id).status == PENDING


def test_the_store_keeps_decisions_and_refuses_contradictions(feedback_url: str) -> None:
    store = SuggestionStore(feedback_url)
    ny = {"table": "customers", "column": "city", "value": "New York", "synonym": "NY", "found": True}
    jersey = {**ny, "value": "New Jersey"}
    valid = {"table": "orders", "condition": "status <> 'cancelled'", "name": "status not cancelled"}
    paid = {"table": "orders", "condition": "status = 'paid'", "name": "status paid"}
    first = store.propose(
        "stores",
        [
            Proposal("value", "customers.city:ny=New York", ny, (3,)),
            Proposal("value", "customers.city:ny=New Jersey", jersey, (4,)),
            Proposal("rule", "orders:valid", valid, (5, 6)),
            Proposal("rule", "orders:paid", paid, (7, 8)),
        ],
        at=DAY,
    )
    york, new_jersey, rule, paid_rule = (s.id for s in first)
    again = store.propose("stores", [Proposal("value", "customers.city:ny=New York", ny, (9,))], at=DAY)
    assert again == [] and store.suggestion(york).sources == (3, 9), "the same thing learned again"
    assert store.propose("shop", [Proposal("value", "customers.city:ny=New York", ny, (1,))], at=DAY)

    accepted = store.decide(york, ACCEPTED, by="bo", at=DAY, reason="NY is New York City")
    assert (accepted.status, accepted.decided_by, accepted.decided_at) == (
        ACCEPTED,
        "bo",
        "2026-03-01T09:30:00+00:00",
    )
    with pytest.raises(SuggestionError, match=f"#{york} already reads 'NY' as 'New York'"):
        store.decide(new_jersey, ACCEPTED, by="bo", at=DAY)
    store.decide(new_jersey, REJECTED, by="bo", at=DAY)
    renamed = store.decide(rule, ACCEPTED, by="bo", at=DAY, name="  valid   orders ")
    assert renamed.payload["name"] == "valid orders" and renamed.describe().startswith(
        "orders: 'valid orders'"
    )
    with pytest.raises(SuggestionError, match="already called 'valid orders'"):
        store.decide(paid_rule, ACCEPTED, by="bo", at=DAY, name="Valid Orders")
    with pytest.raises(SuggestionError, match="not a rule"):
        store.decide(york, ACCEPTED, by="bo", at=DAY, name="x")
    with pytest.raises(SuggestionError, match="no suggestion #999"):
        store.decide(999, REJECTED, by="bo", at=DAY)
    assert [s.id for s in store.accepted("stores")] == [york, rule]
    store.propose("stores", [Proposal("value", "customers.city:ny=New Jersey", jersey, (10,))], at=DAY)
    assert store.suggestion(new_jersey).status == REJECTED, "a rejected suggestion stays rejected"
    assert store.suggestion(new_jersey).sources == (4,), "and learns no more sources"
    store.close()


def test_what_the_model_already_says_is_not_suggested_and_unusable_ones_are_named(tmp_path: Path) -> None:
    synonyms = STORES_MODEL.replace(
        "sample_values: [New York, Boston, Chicago], is_enum: true}",
        "sample_values: [New York, Boston, Chicago], is_enum: true, x_value_synonyms: {New York: [NY]}}",
    )
    db = _stores(tmp_path, synonyms)
    log = FeedbackLog(tmp_path / "feedback.sqlite", user="ann")
    assistant = Assistant(db, log=log, generator=Replies("SELECT 1"))
    _correct(assistant, log, *CORRECTIONS[0])
    _correct(
        assistant,
        log,
        "Large accounts in IL",
        "SELECT name FROM customers WHERE state = 'IL' AND segment = 'Ent'",
        "SELECT name FROM customers WHERE state = 'IL' AND segment = 'Enterprise'",
    )
    (segment,) = [s for s in SuggestionStore(log).suggestions("stores") if s.kind == "value"]
    assert segment.describe() == "customers.segment: 'Ent' means 'Enterprise' (written before the correction)"
    assert learn(log, "stores", assistant.schema, model=assistant.semantic) == [], "nothing new"

    accepted = SuggestionStore(log).decide(segment.id, ACCEPTED, by="bo", at=DAY)
    model = database_semantic_model(assistant.database)
    assert overlay(model, [accepted]) is model
    assert overlay_notes(model, [accepted]) == [
        f"#{segment.id} ({segment.describe()}) is not used:"
        " no dimension of customers shows the column segment"
    ]


def test_the_readme_documents_the_suggestion_commands_and_their_options() -> None:
    import argparse

    from nl2sql.cli_suggestions import SUGGESTION_ACTIONS, add_suggestion_commands

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    parser = argparse.ArgumentParser()
    actions = parser.add_subparsers(dest="feedback_command")
    add_suggestion_commands(actions)
    for action in SUGGESTION_ACTIONS:
        assert f"chatbi feedback {action}" in readme, action
        options = [
            o for a in actions.choices[action]._actions for o in a.option_strings if o.startswith("--")
        ]
        for option in options:
            if option not in ("--help", "--log"):  # --log is documented once for every feedback command
                assert f"[{option}" in readme or f"{option} " in readme, (action, option)
