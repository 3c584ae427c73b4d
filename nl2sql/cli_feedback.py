"""``chatbi feedback``: the corrections users made, curated; withdraw one; export them for training.

A thin shell over :mod:`feedback.corrections`.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_feedback_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["feedback", "withdraw", "12"]).event
    12
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from nl2sql.cli_options import add_database_option
from nl2sql.errors import ChatBIError


class FeedbackCommandError(ChatBIError):
    """A ``chatbi feedback`` command was given something it cannot act on."""


def add_feedback_commands(commands: Any) -> None:
    """Add ``feedback list|withdraw|export`` to the CLI's subcommands."""
    feedback = commands.add_parser("feedback", help="the corrections users made, curated")
    actions = feedback.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="corrections kept for a database, and those dropped with why")
    add_database_option(listing)
    _add_log_option(listing)
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    withdraw = actions.add_parser("withdraw", help="stop learning from one correction (by its event id)")
    withdraw.add_argument("event", type=int, help="the event id that `chatbi feedback list` shows")
    _add_log_option(withdraw)
    export = actions.add_parser("export", help="write the kept corrections as JSONL for `chatbi train`")
    add_database_option(export)
    export.add_argument("--out", required=True, help="the .jsonl file to write")
    _add_log_option(export)


def add_retrain_command(commands: Any) -> None:
    """Add ``retrain``: learn from the curated corrections, promote only if it measures better."""
    from feedback.retrain import RetrainPlan

    defaults = RetrainPlan(databases=())
    retrain = commands.add_parser(
        "retrain", help="train on users' corrections; promote the adapter only if it measures better"
    )
    retrain.add_argument(
        "--db", action="append", default=[], help="a database file whose corrections to learn from (repeat)"
    )
    _add_log_option(retrain)
    retrain.add_argument("--out", default=None, help="folder for the run (default: the data folder)")
    retrain.add_argument("--holdout", type=float, default=defaults.holdout, help="share held out to measure")
    retrain.add_argument("--min-corrections", type=int, default=defaults.min_corrections)
    retrain.add_argument("--replay", default=None, help="general data mixed in, e.g. spider:DIR")
    retrain.add_argument("--replay-limit", type=int, default=defaults.replay_limit)
    retrain.add_argument("--guard", default=None, help="data it must not do worse on, e.g. spider:DIR:dev")
    retrain.add_argument("--guard-limit", type=int, default=defaults.guard_limit)
    retrain.add_argument("--epochs", type=float, default=defaults.training.epochs)
    retrain.add_argument("--learning-rate", type=float, default=defaults.training.learning_rate)
    retrain.add_argument("--batch-size", type=int, default=defaults.training.batch_size)
    retrain.add_argument("--device", default="auto", help="auto, cuda or cpu")
    retrain.add_argument("--no-promote", action="store_true", help="measure only; never promote")
    retrain.add_argument(
        "--rollback", action="store_true", help="forget the promoted adapter: answer with the shipped one"
    )


def _retrain(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from feedback.promotion import rollback
    from feedback.retrain import RetrainPlan, retrain
    from nl2sql.models.weights import DEFAULT_MODEL

    if args.rollback:
        done = rollback(DEFAULT_MODEL)
        print("back to the shipped adapter" if done else "nothing was promoted: the shipped adapter answers")
        return 0
    if not args.db:
        raise FeedbackCommandError("name the databases whose corrections to learn from: --db FILE")
    plan = RetrainPlan(databases=tuple(args.db), log=args.log, out=args.out)
    plan = replace(
        plan,
        holdout=args.holdout,
        min_corrections=args.min_corrections,
        replay=args.replay,
        replay_limit=args.replay_limit,
        guard=args.guard,
        guard_limit=args.guard_limit,
        promote=not args.no_promote,
        training=replace(
            plan.training,
            epochs=args.epochs,
            learning_rate=args.learning_rate,
            batch_size=args.batch_size,
            device=args.device,
        ),
    )
    result = retrain(plan)
    print(json.dumps(result.to_dict(), indent=1))
    print(("promoted: " if result.promoted else "") + result.reason)
    return 0


def _add_log_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log", default=None, help="the feedback log file (default: the data folder's)")


def _feedback(args: argparse.Namespace) -> int:
    from feedback.log import FeedbackLog

    log = FeedbackLog(args.log)
    if args.feedback_command == "withdraw":
        return _withdraw(log, args.event)
    from feedback.corrections import curate
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema

    database = open_database(args.db)
    curation = curate(log, database.name, load_schema(database))
    if args.feedback_command == "export":
        return _export(curation.kept, args.db, Path(args.out))
    if args.json:
        payload = {
            "database": database.name,
            "kept": [c.to_dict() for c in curation.kept],
            "dropped": [vars(d) for d in curation.dropped],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(curation.kept)} corrections kept for {database.name}, {len(curation.dropped)} dropped")
    for correction in curation.kept:
        print(f"  #{correction.event_id} [{correction.kind}] {correction.question}\n      {correction.sql}")
    for dropped in curation.dropped:
        print(f"  dropped #{dropped.event_id} {dropped.question!r}: {dropped.reason}")
    return 0


def _withdraw(log: Any, event_id: int) -> int:
    from feedback.corrections import CORRECTION_KINDS

    event = log.event(event_id)
    if event is None or event["kind"] not in CORRECTION_KINDS:
        raise FeedbackCommandError(
            f"event {event_id} is not an accepted or edited answer: `chatbi feedback list --db DB` shows them"
        )
    log.record("withdrawn", database=event["database"], question=event["question"], event=event_id)
    print(f"withdrawn: #{event_id} {event['question']!r} is no longer shown to the model or trained on")
    return 0


def _export(corrections: list[Any], db: str, out: Path) -> int:
    path = Path(db).expanduser()
    if not path.is_file():
        raise FeedbackCommandError(
            f"export needs a database file (SQLite or DuckDB) for training to read its schema; got {db}"
        )
    from feedback.datasets import write_jsonl

    write_jsonl(out, [c.as_example(path) for c in corrections])
    print(
        f"{len(corrections)} corrections written to {out}; train on them with `chatbi train --data {out} …`"
    )
    return 0


FEEDBACK_COMMANDS = {"feedback": _feedback, "retrain": _retrain}
