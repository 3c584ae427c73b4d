"""The ``chatbi`` commands that measure and improve the model: ``eval``, ``bench`` and ``train``.

Thin shells like the rest of the CLI: they parse arguments, call :mod:`nl2sql.evaluation` and
:mod:`feedback.train`, and print or write the results.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_measure_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["bench", "linking", "--spider", "DIR"]).budget
    300
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from nl2sql.cli_models import add_store_option
from nl2sql.cli_options import (
    add_checkpointing_option,
    add_database_option,
    add_escalation_option,
    add_model_options,
    add_retraining_options,
    retraining_settings,
)
from nl2sql.errors import ConnectionSpecError, ModelUnavailableError

if TYPE_CHECKING:
    from nl2sql.evaluation.learning_retrain import Retraining


def add_measure_commands(commands: Any) -> None:
    """Add ``eval``, ``bench`` and ``train`` to the CLI's subcommands."""
    evaluate = commands.add_parser("eval", help="measure execution accuracy on a data set")
    source = evaluate.add_mutually_exclusive_group(required=True)
    source.add_argument("--spider", metavar="DIR", help="a Spider folder (dev.json, tables.json, database/)")
    source.add_argument("--bird", metavar="DIR", help="a BIRD folder (dev.json, dev_databases/)")
    source.add_argument(
        "--data",
        metavar="FILE",
        help="a JSONL file of {db, question, sql}, 'demo', or 'business' (through routing)",
    )
    evaluate.add_argument(
        "--split", default="dev", help="data split (default %(default)s; business: dev, test or all)"
    )
    evaluate.add_argument(
        "--no-semantic", action="store_true", help="business: answer every question with generated SQL"
    )
    evaluate.add_argument(
        "--routing",
        action="store_true",
        help="route through semantic models bootstrapped from each schema; measure what that changes",
    )
    evaluate.add_argument("--limit", type=int, default=None, help="only the first N questions")
    add_model_options(evaluate)
    add_escalation_option(evaluate)
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
    evaluate.add_argument(
        "--fallback-samples",
        type=int,
        default=None,
        help="queries sampled when the SQL is still invalid after repair; the valid ones vote",
    )
    evaluate.add_argument("--no-autofix", action="store_true", help="do not mend names against the schema")
    evaluate.add_argument(
        "--no-join-completion", action="store_true", help="do not join the tables bare columns need"
    )
    evaluate.add_argument(
        "--no-distinct", action="store_true", help="do not add DISTINCT where a join repeats the listed rows"
    )
    evaluate.add_argument("--no-repair", action="store_true", help="skip the repair round")
    evaluate.add_argument(
        "--no-value-matching", action="store_true", help="leave text literals as the model wrote them"
    )
    evaluate.add_argument(
        "--no-glossary", action="store_true", help="leave the database's business terms out of the prompt"
    )
    evaluate.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    evaluate.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    bench = commands.add_parser("bench", help="measure speed on this machine")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="WHAT")
    latency = bench_commands.add_parser("latency", help="question → answer latency, cold and warm, per stage")
    add_database_option(latency)
    add_model_options(latency)
    latency.add_argument("--questions", type=int, default=12, help="demo questions to ask (default 12)")
    latency.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    latency.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    panel = bench_commands.add_parser(
        "panel", help="the JupyterLab panel's overhead: its websocket answer vs Assistant.ask, warm"
    )
    add_model_options(panel)
    panel.add_argument(
        "--questions", type=_count, default=None, help="only the first N panel questions (default all 8)"
    )
    panel.add_argument(
        "--repetitions", type=_count, default=5, help="measured rounds of the questions (default %(default)s)"
    )
    panel.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    panel.add_argument("--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md")

    memory = bench_commands.add_parser(
        "memory", help="what each further process with the model loaded (a kernel beside the server) costs"
    )
    add_model_options(memory)
    memory.add_argument(
        "--processes", type=_count, default=2, help="processes loading the model (default %(default)s)"
    )
    memory.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    memory.add_argument("--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md")

    linking = bench_commands.add_parser("linking", help="recall of gold tables under a prompt token budget")
    linking.add_argument("--spider", metavar="DIR", required=True, help="a Spider folder")
    linking.add_argument("--split", default="dev", help="data split (default %(default)s)")
    linking.add_argument("--budget", type=int, default=300, help="schema token budget (default %(default)s)")
    linking.add_argument("--no-embeddings", action="store_true", help="lexical and value matching only")
    linking.add_argument("--limit", type=int, default=None, help="only the first N questions")
    linking.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    verification = bench_commands.add_parser(
        "explain", help="check, explain and plan every gold query: exceptions, speed, seeded mistakes flagged"
    )
    verification.add_argument("--spider", metavar="DIR", required=True, help="a Spider folder")
    verification.add_argument(
        "--splits", default="dev,train", help="comma-separated splits (default %(default)s)"
    )
    verification.add_argument("--limit", type=int, default=None, help="only the first N queries per split")
    verification.add_argument(
        "--json", metavar="OUT", default=None, help="write the results to this JSON file"
    )
    verification.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )

    lift = bench_commands.add_parser(
        "corrections", help="EX on new databases without and with users' corrections as prompt examples"
    )
    lift.add_argument("--spider", metavar="DIR", required=True, help="a Spider folder")
    lift.add_argument("--split", default="dev", help="data split (default %(default)s)")
    lift.add_argument(
        "--databases",
        default="world_1,car_1,cre_Doc_Template_Mgt,dog_kennels,flight_2,student_transcripts_tracking",
        help="comma-separated database ids (default: the six dev databases with most questions)",
    )
    lift.add_argument("--taught", type=int, default=50, help="corrections per database (default %(default)s)")
    lift.add_argument("--examples", type=int, default=None, help="corrections shown per question (default 1)")
    lift.add_argument("--seed", type=int, default=0, help="which questions become corrections")
    add_model_options(lift)
    lift.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    lift.add_argument("--benchmarks", metavar="MD", default=None, help="append rows to this BENCHMARKS.md")

    learning = bench_commands.add_parser(
        "learning",
        help="EX on databases the model has not seen after 0, 10, 25 and 50 reviewed corrections, through"
        " the product's loop (store, review, approve, suggestions)",
    )
    learned_from = learning.add_mutually_exclusive_group(required=True)
    learned_from.add_argument("--spider", metavar="DIR", help="a Spider folder")
    learned_from.add_argument(
        "--data",
        metavar="SPEC",
        help="another data set: a .jsonl of {db, question, sql}, or 'business' (the demo database: its dev"
        " questions are corrected, its test questions held out and judged as `chatbi eval --data business`)",
    )
    learning.add_argument("--split", default="dev", help="Spider's split (default %(default)s)")
    learning.add_argument(
        "--db",
        action="append",
        default=None,
        metavar="ID",
        help="a database of the data (repeat; default for Spider: world_1, car_1, dog_kennels, flight_2)",
    )
    learning.add_argument(
        "--points",
        type=_points,
        default="0,10,25,50",
        help="numbers of corrections after which the held-out questions are asked (default %(default)s)",
    )
    learning.add_argument(
        "--held-out",
        "--limit-eval",
        dest="held_out",
        type=_held_out,
        default=None,
        metavar="[FIRST:]N",
        help="held-out questions per database: a number, or `all` for every question the corrections"
        " leave (default 20; business: all its test questions); FIRST: passes over the first FIRST of"
        " them, those an earlier run held out (`120:` all after the first 120)",
    )
    learning.add_argument("--seed", type=int, default=0, help="which questions are corrected, which held out")
    learning.add_argument(
        "--semantic",
        choices=("curated", "bootstrap", "none"),
        default=None,
        help="curated: the database's own semantic model (business only, its default); bootstrap: the one"
        " `chatbi semantic init` writes (default otherwise); none: no semantic layer",
    )
    learning.add_argument(
        "--no-suggestions", action="store_true", help="leave the suggestions approvals make pending"
    )
    learning.add_argument(
        "--teach",
        type=_teaching,
        action="append",
        default=None,
        metavar="WAYS",
        help="the ways corrections reach the held-out questions: all (default), none, or some of"
        " verified (a correction answers its own question), examples (corrections worded like the"
        " question in its prompt), lessons (else ones using the schema it needs), notes (values and join"
        " keys laid over the prompt's schema), suggestions (accepted ones over the semantic model),"
        " comma-separated; the simulated user always has all of them. Repeat to compare settings on the"
        " same corrections: the summary reports the first, by_teach each",
    )
    add_model_options(learning)
    learning.add_argument(
        "--retrain",
        action="store_true",
        help="after the last point, train the adapter further on the approved corrections (as `chatbi"
        " retrain` does; a GPU's work) and ask the held-out questions once more with it",
    )
    add_retraining_options(learning)
    learning.add_argument("--json", metavar="OUT", default=None, help="write the results to this JSON file")
    learning.add_argument(
        "--benchmarks", metavar="MD", default=None, help="append a row to this BENCHMARKS.md"
    )
    learning.add_argument(
        "--figure",
        metavar="SVG",
        type=Path,
        default=None,
        help="draw this run's learning curve to this SVG file",
    )

    curve = bench_commands.add_parser(
        "learning-figure", help="draw the learning curves of saved `bench learning --json` runs in one figure"
    )
    curve.add_argument("results", nargs="+", type=Path, metavar="RESULTS.json", help="a run's JSON (repeat)")
    curve.add_argument("--svg", type=Path, required=True, help="the SVG file to write (a white page)")
    curve.add_argument(
        "--html", type=Path, default=None, help="also an HTML file of the live figure, plotly.js inside it"
    )

    train = commands.add_parser("train", help="fine-tune a LoRA adapter on question/SQL pairs")
    train.add_argument(
        "--data", required=True, help="spider:DIR, bird:DIR:train, or a .jsonl of {db, question, sql}"
    )
    train.add_argument("--out", required=True, help="the adapter folder to write")
    _add_train_settings(train)
    add_store_option(train)  # the registry the new adapter is recorded in, as a candidate


def _points(text: str) -> tuple[int, ...]:
    """Distinct, ascending whole numbers from 0, comma-separated, for ``--points``.

    Example:
        >>> _points("0, 10,25")
        (0, 10, 25)
    """
    try:
        points = tuple(int(part) for part in text.split(","))
    except ValueError:
        points = ()
    if not points or list(points) != sorted(set(points)) or points[0] < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of ascending numbers of corrections")
    return points


def _held_out(text: str) -> tuple[int, int | str]:
    """``--held-out``'s questions passed over and how many are kept: a whole number of at least 1 or
    ``all``, after ``FIRST:`` to pass over the first ones (``120:`` all after the first 120; ``120:30``
    the 30 after them).

    Example:
        >>> _held_out("30"), _held_out("ALL"), _held_out("120:"), _held_out("120:30")
        ((0, 30), (0, 'all'), (120, 'all'), (120, 30))
    """
    first, colon, count = text.strip().rpartition(":")
    if colon and not first.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: write FIRST:N with FIRST a whole number, as in 120:")
    count = count.strip() or "all"
    return int(first) if colon else 0, "all" if count.lower() == "all" else _count(count)


def _teaching(text: str) -> frozenset[str]:
    """The ways of teaching ``--teach`` names (:func:`feedback.channels.teaching_channels`).

    Example:
        >>> sorted(_teaching("notes,examples"))
        ['examples', 'notes']
    """
    from feedback.channels import teaching_channels

    try:
        return teaching_channels(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _count(text: str) -> int:
    """A whole number of at least 1, for ``--questions`` and ``--repetitions``."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


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
    add_checkpointing_option(parser)


def _eval(args: argparse.Namespace) -> int:
    if args.data == "business":
        return _eval_business(args)
    if args.routing:
        return _eval_routing(args)
    from feedback.datasets import load_examples
    from nl2sql.demo.build import data_as_of
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
        join_completion=not args.no_join_completion,
        distinct_rows=not args.no_distinct,
        candidates=args.candidates,
        fallback_samples=(
            EvalSettings().fallback_samples if args.fallback_samples is None else args.fallback_samples
        ),
        constrained=args.constrained,
        repair=not args.no_repair,
        glossary=not args.no_glossary,
        value_matching=not args.no_value_matching,
        batch_size=args.batch_size or (32 if on_gpu else 1),
    )
    report = evaluate(examples, generator, settings)
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    as_of = sorted({day for path in {e.db_path for e in examples} if (day := data_as_of(path))})
    if as_of:
        name = f"{name} (data to {', '.join(as_of)})"
    summary = {**report.summary(), **({"data_as_of": ", ".join(as_of)} if as_of else {})}
    if args.json:
        summary = write_json(report, Path(args.json), command=command, data=name, summary=summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "predictions"}, indent=1))
    if args.benchmarks:
        append_benchmark(Path(args.benchmarks), benchmark_row(summary, command, name))
    return 0


def _eval_routing(args: argparse.Namespace) -> int:
    from feedback.datasets import load_examples
    from nl2sql.evaluation.report import append_benchmark
    from nl2sql.evaluation.routing import ROUTING_HEADER, ROUTING_HEADING, evaluate_routing, routing_row
    from nl2sql.models.resolve import load_generator

    if not args.spider:
        raise ConnectionSpecError("--routing measures a Spider set: use --spider DIR")
    examples = load_examples(f"spider:{args.spider}:{args.split}")
    examples = examples[: args.limit] if args.limit else examples
    generator = load_generator(args.model, args.adapter, base_url=args.base_url, backend=args.backend)
    report = evaluate_routing(examples, generator)
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    summary = {"command": command, "data": f"spider {args.split}", **report.summary()}
    print(json.dumps(summary, indent=1))
    if args.json:
        Path(args.json).write_text(
            json.dumps({**summary, "details": report.details}, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    if args.benchmarks:
        append_benchmark(
            Path(args.benchmarks), routing_row(summary, command), ROUTING_HEADING, ROUTING_HEADER
        )
    return 0


def _eval_business(args: argparse.Namespace) -> int:
    from nl2sql.assistant import Assistant
    from nl2sql.demo.business import load_business_questions
    from nl2sql.evaluation.business import (
        BUSINESS_HEADER,
        BUSINESS_HEADING,
        business_database,
        business_row,
        evaluate_business,
        gold_runner,
    )
    from nl2sql.evaluation.report import append_benchmark

    questions = load_business_questions(None if args.split == "all" else args.split)
    questions = questions[: args.limit] if args.limit else questions
    started = time.perf_counter()
    assistant = Assistant(
        str(business_database()),
        model=args.model,
        adapter=args.adapter,
        base_url=args.base_url,
        backend=args.backend,
        log=None,
        semantic=False if args.no_semantic else None,
        escalate=args.escalate,
    )
    report = evaluate_business(
        tqdm(questions, desc="asking", unit="q"), assistant.ask, run_gold=gold_runner(assistant.database)
    )
    report.as_of, report.setup_seconds = assistant.today.isoformat(), time.perf_counter() - started
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    summary = {"command": command, "split": args.split, "semantic": not args.no_semantic, **report.summary()}
    summary["escalate"] = args.escalate
    summary["model_id"] = getattr(assistant._generator, "model_id", None) or "semantic layer only"
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps({**summary, "results": report.to_dict()["results"]}, indent=1, ensure_ascii=False),
            encoding="utf-8",
        )
    if args.benchmarks:
        append_benchmark(
            Path(args.benchmarks), business_row(summary, command), BUSINESS_HEADING, BUSINESS_HEADER
        )
    return 0


def _train(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from feedback.train import TrainConfig, record_training, train

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
        gradient_checkpointing=args.gradient_checkpointing,
    )
    result = train(config)
    if not result.main_process:  # another process of `accelerate launch`: the main one reports
        return 0
    entry = record_training(result, config, store=args.log, created_at=datetime.now(UTC))
    processes = f", {result.processes} processes" if result.processes > 1 else ""
    print(
        f"adapter: {result.adapter} ({result.examples} examples, {result.dropped} too long, "
        f"{result.steps} steps, {result.skipped_steps} skipped, final loss {result.final_loss}, "
        f"{result.seconds:.0f} s{processes})\n"
        f"recorded as candidate {entry.short_id}: `chatbi models promote {entry.short_id}` makes it answer"
    )
    return 0


def _bench(args: argparse.Namespace) -> int:
    benches = {
        "linking": _bench_linking,
        "latency": _bench_latency,
        "panel": _bench_panel,
        "memory": _bench_memory,
        "explain": _bench_explain,
        "corrections": _bench_corrections,
        "learning": _bench_learning,
        "learning-figure": _bench_learning_figure,
    }
    return benches[args.bench_command](args)


def _bench_explain(args: argparse.Namespace) -> int:
    from feedback.datasets import load_examples
    from nl2sql.evaluation.report import append_benchmark
    from nl2sql.evaluation.verification import (
        VERIFICATION_HEADER,
        VERIFICATION_HEADING,
        measure_verification,
        verification_row,
    )

    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    results = {}
    for split in [s.strip() for s in args.splits.split(",") if s.strip()]:
        examples = load_examples(f"spider:{args.spider}:{split}")
        summary = measure_verification(examples[: args.limit] if args.limit else examples)
        results[split] = summary
        print(json.dumps({split: {k: v for k, v in summary.items() if k != "failure_examples"}}, indent=1))
        if args.benchmarks:
            row = verification_row(summary, f"spider {split} gold", command)
            append_benchmark(Path(args.benchmarks), row, VERIFICATION_HEADING, VERIFICATION_HEADER)
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, **results}, indent=1), encoding="utf-8")
    return 0


def _bench_corrections(args: argparse.Namespace) -> int:
    from datetime import date

    from feedback.datasets import load_examples
    from nl2sql.evaluation.corrections_lift import LIFT_HEADER, LIFT_HEADING, lift_rows, measure_lift
    from nl2sql.evaluation.harness import EvalSettings
    from nl2sql.evaluation.report import append_benchmark
    from nl2sql.models.resolve import load_generator

    examples = load_examples(f"spider:{args.spider}:{args.split}")
    generator = load_generator(args.model, args.adapter, base_url=args.base_url, backend=args.backend)
    settings = EvalSettings(batch_size=1)
    if args.examples is not None:
        settings = EvalSettings(batch_size=1, examples=args.examples)
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    summary = measure_lift(
        examples, generator, databases, taught=args.taught, seed=args.seed, settings=settings
    )
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    print(json.dumps({k: v for k, v in summary.items() if k != "predictions"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, **summary}, indent=1), encoding="utf-8")
    if args.benchmarks:
        for row in lift_rows(summary, command, date.today().isoformat()):
            append_benchmark(Path(args.benchmarks), row, LIFT_HEADING, LIFT_HEADER)
    return 0


def _bench_learning(args: argparse.Namespace) -> int:
    from feedback.datasets import load_examples
    from nl2sql.evaluation.learning import (
        DEFAULT_DATABASES,
        DEFAULT_LIMIT_EVAL,
        LearningPlan,
        measure_learning,
    )
    from nl2sql.evaluation.learning_figure import check_destinations, write_learning_figure
    from nl2sql.evaluation.learning_report import LEARNING_HEADER, LEARNING_HEADING, learning_row
    from nl2sql.evaluation.report import append_benchmark
    from nl2sql.models.resolve import load_generator

    check_destinations(svg=args.figure)
    business = args.data == "business"
    if args.semantic == "curated" and not business:
        raise ConnectionSpecError(
            "--semantic curated measures the demo database's own semantic model: use it with --data business"
        )
    skip, kept = args.held_out or (0, None)
    plan = LearningPlan(
        points=args.points,
        limit_eval=(None if kept == "all" or (business and kept is None) else kept or DEFAULT_LIMIT_EVAL),
        skip_eval=skip,
        seed=args.seed,
        semantic=args.semantic or ("curated" if business else "bootstrap"),
        judge="business" if business else "results",
        accept_suggestions=not args.no_suggestions,
        teach=tuple(args.teach or [_teaching("all")]),
        retrain=_retraining(args),
    )
    held_out = None
    if business:
        from nl2sql.evaluation.business import business_examples

        examples = [e for e in business_examples("dev") if e.sql is not None]
        held_out, data = business_examples("test"), "business: dev corrected, test held out"
    else:
        spec, data = (
            (f"spider:{args.spider}:{args.split}", f"spider {args.split}")
            if args.spider
            else (args.data, Path(args.data).name)
        )
        examples = load_examples(spec)
    known = {e.db_id for e in examples}
    databases = args.db or (list(DEFAULT_DATABASES) if args.spider else sorted(known))
    unknown = [name for name in databases if name not in known]
    if unknown:
        raise ConnectionSpecError(f"no database {', '.join(unknown)} in {data}")
    generator = load_generator(args.model, args.adapter, base_url=args.base_url, backend=args.backend)
    summary = measure_learning(examples, generator, databases, plan, held_out=held_out)
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    summary = {"command": command, "data": data, **summary}
    shown = {k: v for k, v in summary.items() if k not in ("questions", "questions_by_teach", "corrections")}
    print(json.dumps(shown, indent=1))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.figure:
        write_learning_figure([summary], svg=args.figure)
    if args.benchmarks:
        append_benchmark(
            Path(args.benchmarks), learning_row(summary, command), LEARNING_HEADING, LEARNING_HEADER
        )
    return 0


def _retraining(args: argparse.Namespace) -> Retraining | None:
    """What ``bench learning --retrain`` trains (None without it): the adapter in use, further, with
    ``chatbi retrain``'s settings."""
    from dataclasses import replace

    from feedback.retrain import RetrainPlan
    from nl2sql.evaluation.learning_retrain import Retraining
    from nl2sql.models.resolve import adapter_in_use
    from nl2sql.models.weights import DEFAULT_MODEL

    if not args.retrain:
        if args.replay:
            raise ConnectionSpecError("--replay mixes data into a retraining: use it with --retrain")
        return None
    if args.base_url:
        raise ConnectionSpecError("--retrain trains a local model: leave out --base-url")
    base = args.model or DEFAULT_MODEL
    training = retraining_settings(args, RetrainPlan(databases=()).training)
    training = replace(training, base=base, start_from=adapter_in_use(base, args.adapter), seed=args.seed)
    return Retraining(training, replay=args.replay, replay_limit=args.replay_limit, backend=args.backend)


def _bench_learning_figure(args: argparse.Namespace) -> int:
    from nl2sql.evaluation.learning_figure import read_learning_results, write_learning_figure

    summaries = [read_learning_results(path) for path in args.results]
    write_learning_figure(summaries, svg=args.svg, html=args.html)
    print(
        f"learning curves of {len(summaries)} run(s) drawn to "
        + " and ".join(str(path) for path in (args.svg, args.html) if path)
    )
    return 0


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
    from nl2sql.demo import ensure_demo_database, load_demo_questions
    from nl2sql.demo.build import data_as_of
    from nl2sql.evaluation.latency import LATENCY_HEADER, LATENCY_HEADING, latency_row, measure_latency
    from nl2sql.evaluation.report import append_benchmark

    if args.db != "demo":
        raise ConnectionSpecError("bench latency asks the demo questions: use --db demo")
    questions = load_demo_questions()[: args.questions]
    report = measure_latency(args.db, questions, backend=args.backend, model=args.model, adapter=args.adapter)
    as_of = data_as_of(ensure_demo_database())
    summary = {**report.summary(), "data_as_of": as_of}
    summary["database"] = f"{summary['database']} (data to {as_of})"
    print(json.dumps(summary, indent=1))
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if args.json:
        Path(args.json).write_text(json.dumps({"command": command, **summary}, indent=1), encoding="utf-8")
    if args.benchmarks:
        append_benchmark(
            Path(args.benchmarks), latency_row(summary, command), LATENCY_HEADING, LATENCY_HEADER
        )
    return 0


def _bench_memory(args: argparse.Namespace) -> int:
    from nl2sql.evaluation.model_memory import MEMORY_HEADER, MEMORY_HEADING, measure_model_memory, memory_row

    if args.base_url:
        raise ModelUnavailableError("bench memory measures a local model: leave out --base-url")
    report = measure_model_memory(
        args.processes, model=args.model, adapter=args.adapter, backend=args.backend
    )
    return _publish(args, report.summary(), report.to_dict(), memory_row, MEMORY_HEADING, MEMORY_HEADER)


def _bench_panel(args: argparse.Namespace) -> int:
    from nl2sql.evaluation.panel_overhead import (
        PANEL_HEADER,
        PANEL_HEADING,
        measure_panel_overhead,
        panel_questions,
        panel_row,
    )

    report = measure_panel_overhead(
        panel_questions(args.questions),
        repetitions=args.repetitions,
        model=args.model,
        adapter=args.adapter,
        backend=args.backend,
        base_url=args.base_url,
    )
    return _publish(args, report.summary(), report.to_dict(), panel_row, PANEL_HEADING, PANEL_HEADER)


def _publish(
    args: argparse.Namespace,
    summary: dict[str, Any],
    details: dict[str, Any],
    row: Any,
    heading: str,
    header: str,
) -> int:
    """Print a benchmark's ``summary``, write it with its ``details`` and the command to ``--json``, and
    append its ``row(summary, command)`` under ``heading`` to ``--benchmarks``."""
    from nl2sql.evaluation.report import append_benchmark

    print(json.dumps(summary, indent=1, ensure_ascii=False))
    command = "chatbi " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps({"command": command, **details}, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    if args.benchmarks:
        append_benchmark(Path(args.benchmarks), row(summary, command), heading, header)
    return 0


MEASURE_COMMANDS = {"eval": _eval, "train": _train, "bench": _bench}
