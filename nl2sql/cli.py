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
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nl2sql.errors import ChatBIError, ConnectionSpecError
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S
from nl2sql.models.resolve import BACKENDS

SHOWN_ROWS = 20


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chatbi", description="Ask databases questions in plain language.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question with SQL and its result")
    ask.add_argument("question", help="the question, in English or Chinese")
    _add_database(ask)
    _add_model(ask)
    ask.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    ask.add_argument("--no-run", action="store_true", help="only generate and check the SQL")
    ask.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="row limit (default %(default)s)")
    ask.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="statement time limit, seconds")

    sql = commands.add_parser("sql", help="check and run one read-only SQL query")
    sql.add_argument("sql", help="the query")
    _add_database(sql)
    sql.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    sql.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="row limit (default %(default)s)")
    sql.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="statement time limit, seconds")

    schema = commands.add_parser("schema", help="print what a database holds")
    _add_database(schema)
    schema.add_argument("--json", action="store_true", help="print JSON instead of DDL")

    demo_db = commands.add_parser("demo-db", help="create the embedded demo database")
    demo_db.add_argument("--rebuild", action="store_true", help="build it anew even if it exists")

    demo = commands.add_parser("demo", help="ask the demo database a few questions")
    _add_model(demo)

    model = commands.add_parser("model", help="manage the local models")
    model_commands = model.add_subparsers(dest="model_command", required=True, metavar="ACTION")
    prepare = model_commands.add_parser("prepare", help="assemble and convert a bundled model once")
    prepare.add_argument("--model", default=None, help="bundled model name (default: the default model)")
    model_commands.add_parser("list", help="list the bundled models")

    evaluate = commands.add_parser("eval", help="measure execution accuracy on a data set")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--spider", metavar="DIR", help="a Spider folder (dev.json, tables.json, database/)")
    source.add_argument("--bird", metavar="DIR", help="a BIRD folder (dev.json, dev_databases/)")
    source.add_argument("--data", metavar="FILE", help="a JSONL file of {db, question, sql}, or 'demo'")
    evaluate.add_argument("--split", default="dev", help="data split (default %(default)s)")
    evaluate.add_argument("--limit", type=int, default=None, help="only the first N questions")
    _add_model(evaluate)
    evaluate.add_argument("--device", default="auto", help="auto, cpu or cuda")
    evaluate.add_argument(
        "--batch-size", type=int, default=None, help="questions per batch (GPU: 32, CPU: 1)"
    )
    evaluate.add_argument("--no-samples", action="store_true", help="leave sample values out of the prompt")
    evaluate.add_argument(
        "--linking-budget",
        type=int,
        default=None,
        help="prune schemas over this many tokens (default 1500; 0 turns linking off)",
    )
    evaluate.add_argument("--constrained", action="store_true", help="only schema names may be generated")
    evaluate.add_argument("--candidates", type=int, default=1, help="queries per question, voted by result")
    evaluate.add_argument("--no-autofix", action="store_true", help="do not mend names against the schema")
    evaluate.add_argument("--no-repair", action="store_true", help="skip the repair round")
    evaluate.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    evaluate.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    bench = commands.add_parser("bench", help="measure speed on this machine")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="WHAT")
    latency = bench_commands.add_parser("latency", help="question → answer latency, cold and warm, per stage")
    _add_database(latency)
    _add_model(latency)
    latency.add_argument("--questions", type=int, default=12, help="demo questions to ask (default 12)")
    latency.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    latency.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    linking = bench_commands.add_parser("linking", help="recall of gold tables under a prompt token budget")
    linking.add_argument("--spider", metavar="DIR", required=True, help="a Spider folder")
    linking.add_argument("--split", default="dev", help="data split (default %(default)s)")
    linking.add_argument("--budget", type=int, default=300, help="schema token budget (default %(default)s)")
    linking.add_argument("--no-embeddings", action="store_true", help="lexical and value matching only")
    linking.add_argument("--limit", type=int, default=None, help="only the first N questions")
    linking.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    train = commands.add_parser("train", help="fine-tune a LoRA adapter on question/SQL pairs")
    train.add_argument(
        "--data", required=True, help="spider:DIR, bird:DIR:train, or a .jsonl of {db, question, sql}"
    )
    train.add_argument("--out", required=True, help="the adapter folder to write")
    _add_train_settings(train)
    return parser


def _add_train_settings(parser: argparse.ArgumentParser) -> None:
    from feedback.train import TrainConfig

    defaults = TrainConfig(data="", out="")
    parser.add_argument("--base", default=defaults.base, help="base model (default %(default)s)")
    for name in (
        "epochs",
        "learning_rate",
        "warmup_ratio",
        "rank",
        "alpha",
        "dropout",
        "batch_size",
        "max_tokens",
        "limit",
        "seed",
    ):
        value = getattr(defaults, name)
        kind = float if isinstance(value, float) else int
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value, help=f"default {value}")
    parser.add_argument("--device", default=defaults.device, help="auto, cuda or cpu")
    parser.add_argument("--no-samples", action="store_true", help="prompt without sample values")


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="'demo', a SQLAlchemy URL, or a SQLite/DuckDB file")


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="bundled name, Hugging Face id/folder, or .gguf file")
    parser.add_argument("--adapter", default=None, help="a peft LoRA adapter folder, or 'none'")
    parser.add_argument(
        "--base-url", default=None, help="an OpenAI-compatible server, e.g. http://host:8000/v1"
    )
    parser.add_argument(
        "--backend",
        default="auto",
        choices=BACKENDS,
        help="local inference: auto (llama.cpp on a CPU when installed), transformers or llama.cpp",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 the answer has an error, 2 bad usage)."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ChatBIError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


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
    )
    answer = assistant.ask(args.question, run=not args.no_run)
    _print_answer(answer, as_json=args.json)
    return 0 if answer.ok else 1


def _sql(args: argparse.Namespace) -> int:
    from nl2sql.assistant import Assistant

    assistant = Assistant(args.db, max_rows=args.max_rows, timeout_s=args.timeout, log=None)
    answer = assistant.run(args.sql)
    _print_answer(answer, as_json=args.json)
    return 0 if answer.ok else 1


def _print_answer(answer: Any, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    print(answer.sql or "(no SQL)")
    print()
    for diagnostic in answer.diagnostics:
        print(f"  {diagnostic}")
    if answer.error:
        print(f"error: {answer.error}")
    elif answer.data is not None:
        print(_table(answer.data, answer.truncated))
    if answer.timings:
        stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in answer.timings.items())
        model = f"{answer.model_id}" + (
            f" + adapter {answer.adapter_hash[:12]}" if answer.adapter_hash else ""
        )
        print(f"\n[{stages}]" + (f" [{model}]" if answer.model_id else ""))


def _table(frame: Any, truncated: bool) -> str:
    if frame.empty:
        return "(no rows)"
    text = frame.to_string(index=False, max_rows=SHOWN_ROWS)
    count = f"{len(frame)}{'+' if truncated else ''} row{'s' if len(frame) != 1 else ''}"
    return f"{text}\n({count})"


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
    for table in schema.tables:
        print(
            f"-- {table.name}: {table.row_count} rows" if table.row_count is not None else f"-- {table.name}"
        )
    print(render_schema(schema))
    return 0


def _demo_db(args: argparse.Namespace) -> int:
    from nl2sql.connect import open_database
    from nl2sql.demo import ensure_demo_database
    from nl2sql.schema import load_schema

    path = ensure_demo_database(rebuild=args.rebuild)
    schema = load_schema(open_database(path), samples=True)
    counts = ", ".join(f"{t.name} {t.row_count}" for t in schema.tables)
    print(f"demo database: {path}\n  {counts}")
    return 0


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
        _print_answer(answer, as_json=False)
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


def _eval(args: argparse.Namespace) -> int:
    from feedback.datasets import load_examples
    from nl2sql.evaluation.harness import EvalSettings, evaluate
    from nl2sql.evaluation.report import append_benchmark, benchmark_row, write_json
    from nl2sql.models.resolve import load_generator

    if args.spider:
        spec, name = f"spider:{args.spider}:{args.split}", f"spider {args.split}"
    elif args.bird:
        spec, name = f"bird:{args.bird}:{args.split}", f"bird {args.split}"
    else:
        spec, name = args.data, Path(args.data).name
    examples = load_examples(spec)[: args.limit] if args.limit else load_examples(spec)
    generator = load_generator(
        args.model, args.adapter, base_url=args.base_url, device=args.device, backend=args.backend
    )
    on_gpu = getattr(generator, "device", "cpu") != "cpu"
    budget = EvalSettings().linking_budget if args.linking_budget is None else (args.linking_budget or None)
    settings = EvalSettings(
        linking_budget=budget,
        samples=not args.no_samples,
        autofix=not args.no_autofix,
        candidates=args.candidates,
        constrained=args.constrained,
        repair=not args.no_repair,
        batch_size=args.batch_size or (32 if on_gpu else 1),
    )
    report = evaluate(examples, generator, settings)
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    summary = report.summary()
    if args.json:
        summary = write_json(report, Path(args.json), command=command, data=name)
    print(json.dumps({k: v for k, v in summary.items() if k != "predictions"}, indent=1))
    if args.benchmarks:
        append_benchmark(Path(args.benchmarks), benchmark_row(summary, command, name))
    return 0


def _train(args: argparse.Namespace) -> int:
    from feedback.train import TrainConfig, train

    config = TrainConfig(
        data=args.data,
        out=args.out,
        base=args.base,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        warmup_ratio=args.warmup_ratio,
        rank=args.rank,
        alpha=args.alpha,
        dropout=args.dropout,
        batch_size=args.batch_size,
        max_tokens=args.max_tokens,
        limit=args.limit or None,
        samples=not args.no_samples,
        seed=args.seed,
        device=args.device,
    )
    result = train(config)
    print(
        f"adapter: {result.adapter} ({result.examples} examples, {result.dropped} too long, "
        f"{result.steps} steps, {result.skipped_steps} skipped, final loss {result.final_loss}, "
        f"{result.seconds:.0f} s)"
    )
    return 0


def _bench(args: argparse.Namespace) -> int:
    return _bench_linking(args) if args.bench_command == "linking" else _bench_latency(args)


def _bench_linking(args: argparse.Namespace) -> int:
    from feedback.datasets import load_examples
    from nl2sql.evaluation.linking_recall import LINKING_HEADER, LINKING_HEADING, linking_row, measure_linking
    from nl2sql.evaluation.report import append_benchmark

    examples = load_examples(f"spider:{args.spider}:{args.split}")
    examples = examples[: args.limit] if args.limit else examples
    summary = measure_linking(examples, budget_tokens=args.budget, embeddings=not args.no_embeddings)
    print(json.dumps(summary, indent=1))
    if args.benchmarks:
        command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
        row = linking_row(summary, f"spider {args.split}", command)
        append_benchmark(Path(args.benchmarks), row, LINKING_HEADING, LINKING_HEADER)
    return 0


def _bench_latency(args: argparse.Namespace) -> int:
    from nl2sql.demo import load_demo_questions
    from nl2sql.evaluation.latency import LATENCY_HEADER, LATENCY_HEADING, latency_row, measure_latency
    from nl2sql.evaluation.report import append_benchmark

    if args.db != "demo":
        raise ConnectionSpecError("bench latency asks the demo questions: use --db demo")
    questions = load_demo_questions()[: args.questions]
    report = measure_latency(args.db, questions, backend=args.backend, model=args.model, adapter=args.adapter)
    summary = report.summary()
    print(json.dumps(summary, indent=1))
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, **summary}, indent=1), encoding="utf-8")
    if args.benchmarks:
        append_benchmark(
            Path(args.benchmarks), latency_row(summary, command), LATENCY_HEADING, LATENCY_HEADER
        )
    return 0


COMMANDS = {
    "bench": _bench,
    "eval": _eval,
    "train": _train,
    "ask": _ask,
    "sql": _sql,
    "schema": _schema,
    "demo-db": _demo_db,
    "demo": _demo,
    "model": _model,
}
