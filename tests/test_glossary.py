"""Glossaries: reading them, finding the terms a question mentions, and putting those in the prompt."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from nl2sql.connect import open_database
from nl2sql.glossary import (
    GlossaryError,
    Term,
    database_glossary,
    glossary_path,
    load_glossary,
    parse_glossary,
)
from nl2sql.prompt import build_messages


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was the GMV last month?", ["GMV"]),
        ("Sales by region in 2025", ["revenue"]),
        ("How many wholesale orders?", []),  # "sales" inside another word is not the term
        ("华北地区的复购率是多少？", ["repurchase rate", "华北"]),
        ("What is the AOV of business customers?", ["average order value", "business customer"]),
        ("同比呢？", ["year over year"]),
        ("Online revenue by year", ["revenue", "online"]),
        ("How many customers are there?", []),
    ],
)
def test_the_demo_glossary_finds_the_terms_a_question_mentions(question: str, expected: list[str]) -> None:
    glossary = database_glossary(open_database("demo"))
    assert [term.name for term in glossary.relevant(question)] == expected


def test_every_demo_term_is_sql_over_real_tables_and_columns(demo_schema) -> None:
    glossary = database_glossary(open_database("demo"))
    assert len(glossary.terms) >= 10
    assert [term.name for term in glossary.terms if not term.sql] == [
        "GMV"
    ]  # a bare SUM would match revenue too
    for term in glossary.terms:
        if not term.sql:
            continue
        tree = sqlglot.parse_one(term.sql, read="sqlite")
        for column in tree.find_all(exp.Column):
            if column.table:
                assert demo_schema.table(column.table).column(column.name), (term.name, column.sql())
        for table in tree.find_all(exp.Table):
            assert demo_schema.has_table(table.name), (term.name, table.name)


def test_relevant_terms_go_into_the_prompt_before_the_question(demo_schema) -> None:
    glossary = database_glossary(open_database("demo"))
    question = "What was the GMV in 2025?"
    content = build_messages(demo_schema, question, terms=glossary.relevant(question))[1]["content"]
    terms_at = content.index(
        "Business terms:\n- GMV: Sum of orders.total_amount over all orders, cancelled ones"
    )
    assert terms_at > content.index("CREATE TABLE orders") and content.endswith(f"Question: {question}")
    assert "Business terms" not in build_messages(demo_schema, "How many customers?")[1]["content"]


def test_the_glossary_of_a_file_database_lives_beside_it(sqlite_shop: str) -> None:
    database = open_database(sqlite_shop)
    assert glossary_path(database) == Path(sqlite_shop).with_name("shop.glossary.yaml")
    assert database_glossary(database).terms == ()
    glossary_path(database).write_text(
        "terms:\n  - name: big order\n    definition: An order over 100.\n    sql: orders.amount > 100\n",
        encoding="utf-8",
    )
    assert database_glossary(database).terms == (
        Term("big order", "An order over 100.", "orders.amount > 100"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("terms: [", "not valid YAML"),
        ("terms: {a: 1}", "needs a list under 'terms:'"),
        ("terms:\n  - name: x\n", "entry 1"),
        ("terms:\n  - definition: no name\n", "needs at least a name and a definition"),
    ],
)
def test_a_broken_glossary_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        load_glossary(path)
    with pytest.raises(GlossaryError, match=str(path).replace(".", r"\.")):
        parse_glossary(text, path)
