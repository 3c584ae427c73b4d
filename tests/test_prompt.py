"""The prompt: compact DDL with keys, comments and samples; the question last."""

from __future__ import annotations

from datetime import date

from nl2sql.connect import open_database
from nl2sql.prompt import Example, build_messages, render_schema
from nl2sql.schema import load_schema


def test_rendered_schema_has_keys_comments_and_samples(sqlite_shop: str) -> None:
    text = render_schema(load_schema(open_database(sqlite_shop)))
    assert "-- People and companies who buy from us.\nCREATE TABLE customers (" in text
    assert "customer_id INTEGER PRIMARY KEY," in text
    assert "FOREIGN KEY (customer_id) REFERENCES customers(customer_id)" in text
    assert "segment VARCHAR(20), -- Customer segment.; e.g. 'SMB'" in text


def test_messages_put_the_question_last_and_share_a_prefix(sqlite_shop: str) -> None:
    schema = load_schema(open_database(sqlite_shop))
    first = build_messages(schema, "How many customers?", today=date(2026, 1, 31))
    second = build_messages(schema, "Total order amount?", today=date(2026, 1, 31))
    assert first[0] == second[0]
    assert first[0]["content"].count("SQLite") == 1
    user_a, user_b = first[1]["content"], second[1]["content"]
    assert user_a.endswith("Today is 2026-01-31.\nQuestion: How many customers?")
    shared = user_a[: user_a.index("Question:")]
    assert user_b.startswith(shared)
    assert "CREATE TABLE orders" in shared


def test_examples_come_before_the_question(sqlite_shop: str) -> None:
    schema = load_schema(open_database(sqlite_shop))
    messages = build_messages(
        schema, "q?", examples=[Example("How many orders?", "SELECT COUNT(*) FROM orders")]
    )
    content = messages[1]["content"]
    assert content.index("Example question: How many orders?") < content.index("Question: q?")
    assert "```sql\nSELECT COUNT(*) FROM orders\n```" in content


def test_a_follow_up_is_asked_after_the_earlier_turns(sqlite_shop: str) -> None:
    schema = load_schema(open_database(sqlite_shop))
    history = [
        Example("How many orders per customer?", "SELECT customer_id, COUNT(*) FROM orders GROUP BY 1"),
        Example(
            "only 2025", "SELECT customer_id, COUNT(*) FROM orders WHERE order_date >= '2025' GROUP BY 1"
        ),
    ]
    messages = build_messages(schema, "and the total amount too?", history=history)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert messages[1] == build_messages(schema, history[0].question)[1]  # same prefix as a first question
    assert messages[2]["content"] == "```sql\nSELECT customer_id, COUNT(*) FROM orders GROUP BY 1\n```"
    assert messages[3]["content"] == "Follow-up question: only 2025"
    assert messages[5]["content"].startswith(
        "Follow-up question: only 2025 Follow-up: and the total amount too?"
    )
    many = [Example(f"q{n}", f"SELECT {n}") for n in range(6)]
    assert len(build_messages(schema, "next", history=many)) == 2 + 2 * 3  # only the last 3 turns
