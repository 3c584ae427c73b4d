"""The ``chatbi`` command: a thin shell that parses arguments, calls the Python API and prints.

Example:
    >>> parser = build_parser()
    >>> args = parser.parse_args(["ask", "--db", "demo", "How many customers are there?", "--json"])
    >>> args.command, args.db, args.json
    ('ask', 'demo', True)
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from nl2sql.cli_feedback import FEEDBACK_COMMANDS, add_feedback_commands, add_retrain_command
from nl2sql.cli_measure import MEASURE_COMMANDS, add_measure_commands
from nl2sql.cli_models import MODELS_COMMANDS, add_models_commands
from nl2sql.cli_options import (
    add_database_option,
    add_escalation_option,
    add_limit_options,
    add_model_options,
    check_sql_input,
)
from nl2sql.cli_semantic import SEMANTIC_COMMANDS, add_semantic_commands
from nl2sql.errors import ChatBIError
from nl2sql.terminal_text import visible, visible_json

SHOWN_ROWS = 20


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbi", description="Ask databases questions in plain language.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question with SQL and its result")
    ask.add_argument("question", help="the question, in English or Chinese")
    add_database_option(ask)
    add_model_options(ask)
    add_escalation_option(ask)
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ask.add_argument("--no-run", action="store_true", help="only generate and check the SQL")
    add_limit_options(ask)

    sql = commands.add_parser("sql", help="check and run one read-only SQL query")
    sql.add_argument("sql", help="the query")
    add_database_option(sql)
    sql.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_limit_options(sql)

    explain = commands.add_parser(
        "explain", help="check a query, explain it in plain language, and show what can be edited"
    )
    explain.add_argument("sql", help="the query")
    add_database_option(explain)
    explain.add_argument("--lang", choices=("en", "zh"), default=None, help="explanation language")
    explain.add_argument(
        "--question", default=None, help="the question the query answers (sets the language)"
    )
    explain.add_argument("--json", action="store_true", help="print one JSON object")

    schema = commands.add_parser("schema", help="print what a database holds")
    add_database_option(schema)
    schema.add_argument("--json", action="store_true", help="print JSON instead of DDL")

    demo_db = commands.add_parser("demo-db", help="create the embedded demo database")
    demo_db.add_argument("--rebuild", action="store_true", help="build it anew even if it exists")
    demo_db.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        default=None,
        help="the last day of its data, pinned: the same date gives a byte-identical database"
        " (default: today, moving with the calendar)",
    )
    demo_db.add_argument(
        "--output",
        metavar="FILE",
        default=None,
        help="write a copy to this .sqlite file (open it with --db FILE) instead of the shared demo database",
    )

    demo = commands.add_parser("demo", help="ask the demo database a few questions")
    add_model_options(demo)

    model = commands.add_parser("model", help="manage the local models")
    model_commands = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    prepare = model_commands.add_parser("prepare", help="assemble and convert a bundled model once")
    prepare.add_argument("--model", default=None, help="bundled model name (default: the default model)")
    model_commands.add_parser("list", help="list the bundled models")
    add_models_commands(commands)

    add_measure_commands(commands)
    add_feedback_commands(commands)
    add_retrain_command(commands)
    add_semantic_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 the answer has an error, 2 bad usage)."""
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return COMMANDS[args.command](args)
    except ChatBIError as error:
        print(f"error: {visible(str(error))}", file=sys.stderr)
        return 2
    except RecursionError:
        print("error: the input is nested too deeply to read", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """A warning as one line on stderr (the account warning, say), not Python's two-line format."""
    print(f"warning: {message}", file=sys.stderr)


def _ask(args: argparse.Namespace) -> int:
    from nl2sql.assistant import Assistant

    assistant = Assistant(
        args.db,
        model=args.model,
        adapter=args.adapter,
        base_url=args.base_url,
        backend=args.backend,
        max_rows=args.max_rows,
        timeout_s=args.timeout,
        escalate=args.escalate,
    )
    _note_skipped(assistant.schema)
    answer = assistant.ask(args.question, run=not args.no_run)
    _print_answer(answer, as_json=args.json, schema=assistant.schema)
    return 0 if answer.ok else 1


def _sql(args: argparse.Namespace) -> int:
    from nl2sql.assistant import Assistant

    check_sql_input(args.sql)
    assistant = Assistant(args.db, max_rows=args.max_rows, timeout_s=args.timeout, log=None)
    _note_skipped(assistant.schema)
    answer = assistant.run(args.sql)
    _print_answer(answer, as_json=args.json, schema=assistant.schema)
    return 0 if answer.ok else 1


def _note_skipped(schema: Any) -> None:
    """Say on stderr which tables the account may not read (stdout stays the answer, JSON included)."""
    if schema.skipped:
        print(f"note: {schema.skipped_note()}", file=sys.stderr)


def _print_answer(answer: Any, *, as_json: bool, schema: Any) -> None:
    """The SQL, what it does in plain language, its diagnostics, the result and the timings."""
    from explain import explain
    from explain.errors import ExplainError

    try:
        explanation = explain(answer.sql, schema, question=answer.question) if answer.sql else None
    except ExplainError:
        explanation = None
    if as_json:
        data = answer.to_dict()
        data["explanation"] = explanation.to_dict() if explanation else None
        print(visible_json(json.dumps(data, ensure_ascii=False)))
        return
    if answer.examples:
        _say(f"(learned from {len(answer.examples)} earlier correction(s): ", end="")
        _say("; ".join(repr(example.question) for example in answer.examples) + ")")
    from nl2sql.answer import PATH_LABELS

    _say(f"[{PATH_LABELS.get(answer.path, answer.path)}]")
    if answer.interpretation is not None:
        _say(f"read as: {answer.interpretation.text}")
    for note in answer.notes:
        _say(f"note: {note}")
    _say()
    _say(answer.sql or "(no SQL)")
    _say()
    if explanation is not None:
        _say(explanation.to_text())
        _say()
    for diagnostic in answer.diagnostics:
        _say(f"  {diagnostic}")
    if answer.error:
        _say(f"error: {answer.error}")
    elif answer.data is not None:
        _say(_table(answer.data, answer.truncated))
    if answer.readings:
        _say("\nother readings (ask again in these words to get one):")
        for number, reading in enumerate(answer.readings, 1):
            _say(f"  {number}. {reading.text}")
    if answer.timings:
        stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in answer.timings.items())
        model = f"{answer.model_id}" + (
            f" + adapter {answer.adapter_hash[:12]}" if answer.adapter_hash else ""
        )
        _say(f"\n[{stages}]" + (f" [{model}]" if answer.model_id else ""))


def _say(*parts: object, **options: Any) -> None:
    """``print``, with control characters from data or the model shown instead of obeyed."""
    print(*(visible(str(part)) for part in parts), **options)


def _table(frame: Any, truncated: bool) -> str:
    if frame.empty:
        return "(no rows)"
    text = frame.to_string(index=False, max_rows=SHOWN_ROWS)
    count = f"{len(frame)}{'+' if truncated else ''} row{'s' if len(frame) != 1 else ''}"
    return f"{text}\n({count})"


def _explain(args: argparse.Namespace) -> int:
    from explain.review import review
    from nl2sql.connect import open_database
    from nl2sql.glossary import database_glossary
    from nl2sql.schema import load_schema
    from nl2sql.semantic.locate import database_today

    check_sql_input(args.sql)
    database = open_database(args.db)
    result = review(
        args.sql,
        load_schema(database),
        lang=args.lang,
        question=args.question,
        terms=database_glossary(database).terms,
        today=database_today(database),  # the day the assistant runs the SQL at
    )
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else result.to_text())
    return 1 if result.errors else 0


def _schema(args: argparse.Namespace) -> int:
    from nl2sql.connect import open_database
    from nl2sql.prompt import render_schema
    from nl2sql.schema import load_schema

    schema = load_schema(open_database(args.db))
    if args.json:
        print(json.dumps(schema.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(
        f"-- {schema.name} ({schema.dialect}), {len(schema.tables)} tables,"
        f" fingerprint {schema.fingerprint[:16]}"
    )
    if schema.skipped:
        print(f"-- {schema.skipped_note()}")
    for table in schema.tables:
        print(
            f"-- {table.name}: {table.row_count} rows" if table.row_count is not None else f"-- {table.name}"
        )
    print(render_schema(schema))
    return 0


def _demo_db(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nl2sql.demo.build import build_demo_database, ensure_demo_database, parse_as_of, read_sidecar

    as_of = parse_as_of(args.as_of) if args.as_of else None
    if args.output:
        path = build_demo_database(Path(args.output).expanduser(), as_of=as_of, pinned=as_of is not None)
    else:
        path = ensure_demo_database(rebuild=args.rebuild, as_of=as_of)
    header = read_sidecar(path).get("database", {})
    pinned = " (pinned)" if header.get("pinned") else ", moves with the calendar"
    print(f"demo database: {path}")
    print(f"  data up to {header.get('as_of')}{pinned}, seed {header.get('seed')}")
    print(f"  content sha256 {header.get('content_sha256', 'unknown')}")
    print("  " + ", ".join(f"{table} {count}" for table, count in _row_counts(path).items()))
    return 0


def _row_counts(path: Any) -> dict[str, int]:
    import contextlib
    import sqlite3
    from pathlib import Path

    from nl2sql.demo.build import TABLES
    from nl2sql.engine_settings import sqlite_uri

    with contextlib.closing(sqlite3.connect(sqlite_uri(Path(path)), uri=True)) as connection:
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


def _demo(args: argparse.Namespace) -> int:
    from nl2sql.assistant import Assistant
    from nl2sql.demo import load_demo_questions

    assistant = Assistant(
        "demo", model=args.model, adapter=args.adapter, base_url=args.base_url, backend=args.backend
    )
    questions = [q for q in load_demo_questions() if q.id in DEMO_QUESTIONS]
    status = 0
    for question in questions:
        print(f"\n>>> {question.question}")
        answer = assistant.ask(question.question)
        _print_answer(answer, as_json=False, schema=assistant.schema)
        status = status or (0 if answer.ok else 1)
    return status


def _model(args: argparse.Namespace) -> int:
    from nl2sql.models.weights import BUNDLED_MODELS, DEFAULT_MODEL, prepare_model

    if args.model_command == "list":
        for name in BUNDLED_MODELS:
            print(f"{name}{' (default)' if name == DEFAULT_MODEL else ''}")
        return 0
    path = prepare_model(args.model or DEFAULT_MODEL)
    print(f"ready: {path}")
    return 0


DEMO_QUESTIONS = ("demo-001", "demo-003", "demo-009", "demo-011", "demo-013")


COMMANDS = {
    **MEASURE_COMMANDS,
    **FEEDBACK_COMMANDS,
    **MODELS_COMMANDS,
    **SEMANTIC_COMMANDS,
    "ask": _ask,
    "sql": _sql,
    "explain": _explain,
    "schema": _schema,
    "demo-db": _demo_db,
    "demo": _demo,
    "model": _model,
}
