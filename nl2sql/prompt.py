"""The one prompt builder: schema + dialect + question → chat messages. Training reuses it as is.

The schema comes first and the question last, so that questions on the same database share the
longest possible prompt prefix (a backend can keep that prefix's cache warm).

Example:
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("singer", (Column("singer_id", "INTEGER", primary_key=True),
    ...     Column("country", "TEXT", samples=("France", "Spain"))), primary_key=("singer_id",)),))
    >>> print(render_schema(schema))
    CREATE TABLE singer (
      singer_id INTEGER PRIMARY KEY,
      country TEXT -- e.g. 'France', 'Spain'
    );
    >>> messages = build_messages(schema, "How many singers are from France?")
    >>> [m["role"] for m in messages]
    ['system', 'user']
    >>> messages[1]["content"].endswith("Question: How many singers are from France?")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from nl2sql.glossary import Term
from nl2sql.models.base import Message
from nl2sql.schema import Column, Schema, Table

DIALECT_NAMES = {"sqlite": "SQLite", "duckdb": "DuckDB", "postgres": "PostgreSQL", "mysql": "MySQL"}
MAX_PROMPT_SAMPLES = 6
MAX_HISTORY = 3
"""Earlier turns of a conversation kept in a follow-up prompt."""


@dataclass(frozen=True)
class Example:
    """A solved question shown to the model before the real one."""

    question: str
    sql: str


def system_message(dialect: str) -> str:
    """The instruction: one read-only query in ``dialect``, in a ```sql block."""
    name = DIALECT_NAMES.get(dialect, dialect)
    return (
        f"You are an expert data analyst. Translate the user's question into one {name} SELECT query "
        "over the given schema. Use only tables and columns that exist in the schema. "
        "Answer with the query in a ```sql code block and nothing else."
    )


def render_schema(schema: Schema, *, samples: bool = True, comments: bool = True) -> str:
    """Compact DDL: one CREATE TABLE per table, with keys, comments and sample values."""
    return "\n".join(_render_table(table, samples=samples, comments=comments) for table in schema.tables)


def _render_table(table: Table, *, samples: bool, comments: bool) -> str:
    lines = []
    single_key = len(table.primary_key) == 1
    for column in table.columns:
        lines.append(_render_column(column, single_key=single_key, samples=samples, comments=comments))
    if len(table.primary_key) > 1:
        lines.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    for fk in table.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {fk.ref_table}({', '.join(fk.ref_columns)})"
        )
    body = []
    for index, line in enumerate(lines):
        text, _, note = line.partition(" -- ")
        separator = "," if index < len(lines) - 1 else ""
        body.append(f"  {text}{separator}" + (f" -- {note}" if note else ""))
    head = f"CREATE TABLE {table.name} ("
    if comments and table.comment:
        head = f"-- {table.comment}\n{head}"
    return head + "\n" + "\n".join(body) + "\n);"


def _render_column(column: Column, *, single_key: bool, samples: bool, comments: bool) -> str:
    text = f"{column.name} {column.type}"
    if column.primary_key and single_key:
        text += " PRIMARY KEY"
    notes = []
    if comments and column.comment:
        notes.append(column.comment.strip().replace("\n", " "))
    if samples and column.samples:
        shown = ", ".join(
            "'" + value.replace("'", "''") + "'" for value in column.samples[:MAX_PROMPT_SAMPLES]
        )
        more = ", ..." if len(column.samples) > MAX_PROMPT_SAMPLES else ""
        notes.append(f"e.g. {shown}{more}")
    return text + (" -- " + "; ".join(notes) if notes else "")


def render_answer(sql: str) -> str:
    """The assistant turn the model is trained to produce for ``sql``."""
    return f"```sql\n{sql.strip()}\n```"


def build_messages(
    schema: Schema,
    question: str,
    *,
    examples: Sequence[Example] = (),
    today: date | None = None,
    samples: bool = True,
    schema_text: str | None = None,
    terms: Sequence[Term] = (),
    history: Sequence[Example] = (),
) -> list[Message]:
    """The chat messages that ask the model for ``question``'s SQL.

    With ``history`` (earlier questions of the same conversation and their final SQL, oldest first,
    at most :data:`MAX_HISTORY` kept), the earlier turns come first as user/assistant pairs and
    ``question`` follows as a follow-up: "now only for 2025" is read against the previous query.

    Args:
        schema: the database structure (rendered with :func:`render_schema` unless ``schema_text``).
        question: the user's question, in any language.
        examples: solved questions on the same database, shown before the question.
        today: the date relative time expressions refer to; omitted from the prompt when None.
        samples: include sample values of text columns.
        schema_text: an already rendered (e.g. pruned) schema to use instead of the whole one.
        terms: glossary entries the question mentions, with their definitions and SQL.
        history: the conversation so far, for follow-up questions.
    """
    history = list(history)[-MAX_HISTORY:]
    first_question = history[0].question if history else question
    parts = [
        "Database schema:",
        schema_text if schema_text is not None else render_schema(schema, samples=samples),
    ]
    for example in examples:
        parts += ["", f"Example question: {example.question}", render_answer(example.sql)]
    parts.append("")
    if terms:
        parts += ["Business terms:", *(render_term(term) for term in terms), ""]
    if today is not None:
        parts.append(f"Today is {today.isoformat()}.")
    parts.append(f"Question: {first_question.strip()}")
    messages: list[Message] = [
        {"role": "system", "content": system_message(schema.dialect)},
        {"role": "user", "content": "\n".join(parts)},
    ]
    for number, turn in enumerate(history):
        messages.append({"role": "assistant", "content": render_answer(turn.sql)})
        if number + 1 < len(history):
            later = history[number + 1].question.strip()
            messages.append({"role": "user", "content": f"Follow-up question: {later}"})
    if history:
        messages.append({"role": "user", "content": follow_up_message(question, history[-1].question)})
    return messages


def follow_up_message(question: str, previous: str) -> str:
    """The user turn of a follow-up question. It restates the previous question before the new words,
    and asks for the whole new query, not a fragment: with the restatement the 0.5B model kept the
    earlier grouping and filters in 5 of 5 demo follow-ups, against 3 of 5 without.

    Example:
        >>> print(follow_up_message("now only for 2025", "Revenue per region?"))
        Follow-up question: Revenue per region? Follow-up: now only for 2025
        Write the complete new query.
    """
    return (
        f"Follow-up question: {previous.strip()} Follow-up: {question.strip()}\nWrite the complete new query."
    )


def render_term(term: Term) -> str:
    """One glossary entry as the prompt shows it.

    Example:
        >>> render_term(Term("GMV", "Sum of order amounts.", "SUM(orders.amount)"))
        '- GMV: Sum of order amounts. SQL: SUM(orders.amount)'
    """
    return f"- {term.name}: {term.definition}" + (f" SQL: {term.sql}" if term.sql else "")


def build_repair_messages(messages: list[Message], sql: str, error: str) -> list[Message]:
    """Extend a conversation with the model's failed ``sql`` and the ``error`` it caused.

    Example:
        >>> repaired = build_repair_messages([{"role": "user", "content": "q"}], "SELECT x", "no column x")
        >>> [m["role"] for m in repaired]
        ['user', 'assistant', 'user']
    """
    return [
        *messages,
        {"role": "assistant", "content": render_answer(sql)},
        {"role": "user", "content": f"That query is wrong: {error}\nWrite a corrected query."},
    ]
