"""``chatbi feedback``: the corrections users made, curated; review, approve or reject the candidates
(as the current user, who must be a reviewer once the store names any); withdraw one; export the
approved ones for training; the adoption figures.

A thin shell over :mod:`feedback.corrections`, :mod:`feedback.review` and :mod:`feedback.stats`.

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
import sys
from pathlib import Path
from typing import Any

from nl2sql.cli_options import add_database_option, add_retraining_options, retraining_settings
from nl2sql.cli_reviewers import REVIEWER_ACTIONS, add_reviewer_commands, reviewers_command
from nl2sql.cli_suggestions import SUGGESTION_ACTIONS, add_suggestion_commands, suggestions_command
from nl2sql.errors import ChatBIError
from nl2sql.terminal_text import visible


class FeedbackCommandError(ChatBIError):
    """A ``chatbi feedback`` command was given something it cannot act on."""


def add_feedback_commands(commands: Any) -> None:
    """Add ``feedback list|review|approve|reject|withdraw|export|stats``, the suggestion commands
    (:mod:`nl2sql.cli_suggestions`) and ``reviewers`` (:mod:`nl2sql.cli_reviewers`) to the CLI's
    subcommands."""
    feedback = commands.add_parser(
        "feedback", help="the corrections users made, curated and reviewed; adoption figures"
    )
    actions = feedback.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list", help="approved corrections, candidates, and those dropped with why, for a database"
    )
    add_database_option(listing)
    _add_log_option(listing)
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    queue = actions.add_parser("review", help="the candidates waiting for a reviewer")
    add_database_option(queue)
    _add_log_option(queue)
    queue.add_argument("--json", action="store_true", help="print one JSON object")
    for verdict, meaning in (
        ("approve", "run candidates' SQL again and, where it runs, let them teach"),
        ("reject", "never learn from candidates (or take back approvals)"),
    ):
        action = actions.add_parser(verdict, help=meaning)
        action.add_argument(
            "events",
            type=int,
            nargs="+",
            metavar="EVENT",
            help="event ids that `chatbi feedback review` shows",
        )
        add_database_option(action)
        _add_log_option(action)
        action.add_argument("--reason", default=None, help="why, in a few words (kept in the log)")
    withdraw = actions.add_parser("withdraw", help="stop learning from one correction (by its event id)")
    withdraw.add_argument("event", type=int, help="the event id that `chatbi feedback list` shows")
    _add_log_option(withdraw)
    export = actions.add_parser("export", help="write the approved corrections as JSONL for `chatbi train`")
    add_database_option(export)
    export.add_argument("--out", required=True, help="the .jsonl file to write")
    export.add_argument(
        "--redact", action="store_true", help="replace text literals by placeholders (names, e-mails, …)"
    )
    _add_log_option(export)
    stats = actions.add_parser(
        "stats", help="adoption: questions per day and user, accepted, edited, rejected, errors, latency"
    )
    stats.add_argument("--since", default=None, metavar="DATE", help="count from this UTC day (YYYY-MM-DD)")
    stats.add_argument(
        "--db", default=None, metavar="NAME", help="only this database (its name in the log, or its file)"
    )
    stats.add_argument(
        "--json", default=None, metavar="PATH", help="also write the figures as JSON ('-': print)"
    )
    _add_log_option(stats)
    add_suggestion_commands(actions)
    add_reviewer_commands(actions)


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
    add_retraining_options(retrain)
    retrain.add_argument("--guard", default=None, help="data it must not do worse on, e.g. spider:DIR:dev")
    retrain.add_argument("--guard-limit", type=int, default=defaults.guard_limit)
    retrain.add_argument(
        "--redact", action="store_true", help="train with text literals replaced by placeholders"
    )
    retrain.add_argument(
        "--no-promote",
        action="store_true",
        help="measure and record only, as a candidate (`chatbi models shadow` tries it live); never promote",
    )
    retrain.add_argument(
        "--if-new",
        type=int,
        default=None,
        metavar="N",
        help="do nothing unless N or more corrections were approved since the last recorded training"
        " (for cron or a systemd timer)",
    )
    retrain.add_argument(
        "--rollback", action="store_true", help="undo the last promotion (as `chatbi models rollback`)"
    )


def _retrain(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from feedback.retrain import RetrainPlan, new_approvals, retrain

    if args.rollback:
        return _rollback(args)
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
        redact=args.redact,
        training=retraining_settings(args, plan.training),
    )
    if args.if_new is not None:
        if args.if_new < 1:
            raise FeedbackCommandError(
                f"--if-new takes a number of corrections (1 or more), not {args.if_new}"
            )
        count, last = new_approvals(plan)
        if count < args.if_new:
            since = f"since the training recorded at {last.created_at}" if last else "(no training recorded)"
            print(f"nothing to do: {count} corrections approved {since}; --if-new asks for {args.if_new}")
            return 0
    result = retrain(plan)
    print(json.dumps(result.to_dict(), indent=1))
    print(("promoted: " if result.promoted else "") + result.reason)
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from feedback.registry import AdapterRegistry
    from nl2sql.cli_models import rollback

    if args.if_new is not None or args.db:
        raise FeedbackCommandError("--rollback undoes the last promotion; it takes no --db or --if-new")
    registry = AdapterRegistry(args.log)
    try:
        return rollback(registry, None)
    finally:
        registry.close()


def _add_log_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log",
        default=None,
        help="the feedback log: a file or a PostgreSQL URL (default: $CHATBI_FEEDBACK_URL, else the"
        " data folder's file)",
    )


def _feedback(args: argparse.Namespace) -> int:
    from feedback.log import FeedbackLog

    log = FeedbackLog(args.log)
    if args.feedback_command == "withdraw":
        return _withdraw(log, args.event)
    if args.feedback_command == "stats":
        return _stats(log, args)
    if args.feedback_command in SUGGESTION_ACTIONS:
        return suggestions_command(log, args)
    if args.feedback_command in REVIEWER_ACTIONS:
        return reviewers_command(log, args)
    from feedback.corrections import curate
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema

    database = open_database(args.db)
    schema = load_schema(database)
    if args.feedback_command in ("approve", "reject"):
        return _verdict(log, args, database, schema)
    curation = curate(log, database.name, schema)
    if args.feedback_command == "export":
        return _export(curation.kept, args.db, Path(args.out), redact=args.redact, dialect=schema.dialect)
    if args.feedback_command == "review":
        return _review(curation.candidates, database.name, as_json=args.json)
    if args.json:
        payload = {
            "database": database.name,
            "kept": [c.to_dict() for c in curation.kept],
            "candidates": [c.to_dict() for c in curation.candidates],
            "dropped": [vars(d) for d in curation.dropped],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{len(curation.kept)} corrections approved for {database.name}, {len(curation.candidates)}"
        f" waiting for review, {len(curation.dropped)} dropped"
    )
    for correction in curation.kept:
        print(f"  #{correction.event_id} [{correction.kind}] {correction.question}\n      {correction.sql}")
    for candidate in curation.candidates:
        print(f"  candidate #{candidate.event_id} {candidate.question!r}: `chatbi feedback review` shows it")
    for dropped in curation.dropped:
        print(f"  dropped #{dropped.event_id} {dropped.question!r}: {dropped.reason}")
    return 0


def _review(candidates: list[Any], database: str, *, as_json: bool) -> int:
    if as_json:
        payload = {"database": database, "candidates": [c.to_dict() for c in candidates]}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(candidates)} candidates waiting for review on {database}")
    for c in candidates:
        who = f" by {c.user_name}" if c.user_name else ""
        print(f"  #{c.event_id} [{c.kind}{who}, {c.created_at}] {c.question}\n      {c.sql}")
    if candidates:
        print("approve: chatbi feedback approve ID --db DB; reject: chatbi feedback reject ID --db DB")
    return 0


def _verdict(log: Any, args: argparse.Namespace, database: Any, schema: Any) -> int:
    """Approve or reject each event given, in order; one that cannot be is said on stderr and the
    others go on (learning runs once, after the approvals). Exit status 2 when any was refused."""
    from feedback.review import ReviewError, approve, learn_approved, reject

    refused = approved = 0
    for event in dict.fromkeys(args.events):
        try:
            if args.feedback_command == "approve":
                correction = approve(log, event, database, schema, reason=args.reason, learn=False)
            else:
                correction = reject(log, event, database, schema, reason=args.reason)
        except ReviewError as error:
            print(f"error: {visible(str(error))}", file=sys.stderr)
            refused += 1
            continue
        if correction.status == "approved":
            approved += 1
            print(f"approved: #{event} {correction.question!r} now teaches (prompt examples, training)")
        else:
            print(f"rejected: #{event} {correction.question!r} is never shown to the model or trained on")
    if approved:
        learn_approved(log, database, schema)
    return 2 if refused else 0


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


def _export(corrections: list[Any], db: str, out: Path, *, redact: bool, dialect: str) -> int:
    path = Path(db).expanduser()
    if not path.is_file():
        raise FeedbackCommandError(
            f"export needs a database file (SQLite or DuckDB) for training to read its schema; got {db}"
        )
    from feedback.datasets import write_jsonl

    write_jsonl(out, [c.as_example(path, redact=redact, dialect=dialect) for c in corrections])
    print(
        f"{len(corrections)} corrections written to {out}; train on them with `chatbi train --data {out} …`"
    )
    return 0


def _stats(log: Any, args: argparse.Namespace) -> int:
    from datetime import date

    from feedback.stats import adoption_stats
    from feedback.stats_report import stats_report

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError as error:
        raise FeedbackCommandError(f"--since takes a day as YYYY-MM-DD, not {args.since!r}") from error
    stats = adoption_stats(log, since=since, database=logged_name(args.db) if args.db else None)
    payload = json.dumps(stats.to_dict(), ensure_ascii=False, indent=1)
    if args.json == "-":
        print(payload)
        return 0
    print(stats_report(stats))
    if args.json:
        Path(args.json).expanduser().write_text(payload + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


def logged_name(spec: str) -> str:
    """The name events about the database ``spec`` names are logged under: a file's stem, a URL's
    database; any other text as it is.

    Example:
        >>> logged_name("shop"), logged_name("data/shop.sqlite"), logged_name("postgresql://db/sales")
        ('shop', 'shop', 'sales')
    """
    if "://" in spec:
        import sqlalchemy as sa

        try:
            url = sa.make_url(spec)
        except sa.exc.ArgumentError:
            return spec
        return url.database or url.get_backend_name()
    path = Path(spec).expanduser()
    return path.stem if path.suffix or path.is_file() else spec


FEEDBACK_COMMANDS = {"feedback": _feedback, "retrain": _retrain}
