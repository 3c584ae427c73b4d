"""``chatbi semantic``: bootstrap a database's semantic model from its schema, check one against it.

A thin shell over :mod:`nl2sql.semantic.bootstrap` and :mod:`nl2sql.semantic.validate`.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_semantic_commands(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["semantic", "init", "--db", "shop.sqlite", "--force"]).force
    True
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nl2sql.cli_options import add_database_option
from nl2sql.errors import ChatBIError


class SemanticCommandError(ChatBIError):
    """A ``chatbi semantic`` command was given something it cannot act on."""


def add_semantic_commands(commands: Any) -> None:
    """Add ``semantic init|check|show`` to the CLI's subcommands."""
    semantic = commands.add_parser("semantic", help="the semantic model: metrics, dimensions, synonyms")
    actions = semantic.add_subparsers(dest="semantic_command", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="write a first semantic model from the schema, to edit")
    add_database_option(init)
    init.add_argument("--output", default=None, help="where to write it (default: the database's own place)")
    init.add_argument("--force", action="store_true", help="replace an existing file")
    check = actions.add_parser("check", help="check a semantic model against its database")
    add_database_option(check)
    check.add_argument("--model", default=None, help="the YAML file (default: the database's own)")
    show = actions.add_parser("show", help="print the semantic model a database is answered with")
    add_database_option(show)
    show.add_argument(
        "--log",
        default=None,
        help="the feedback log whose accepted suggestions are merged in (default: $CHATBI_FEEDBACK_URL,"
        " else the data folder's file)",
    )


def _semantic(args: argparse.Namespace) -> int:
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema
    from nl2sql.semantic.locate import database_semantic_model, semantic_model_path

    database = open_database(args.db)
    if args.semantic_command == "init":
        from nl2sql.semantic.bootstrap import bootstrap_model
        from nl2sql.semantic.dump import dump_model

        target = Path(args.output) if args.output else semantic_model_path(database)
        if target is None:
            raise SemanticCommandError(
                "the demo database's semantic model ships with ChatBI: use --output FILE"
            )
        if target.exists() and not args.force:
            raise SemanticCommandError(f"{target} exists: edit it, or pass --force to replace it")
        model = bootstrap_model(database, load_schema(database))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_model(model), encoding="utf-8")
        print(f"wrote {target}: {len(model.tables)} tables, {len(model.metrics)} metrics,")
        print(f"  {len(model.relationships)} relationships; edit names, synonyms and metrics, then run")
        print(f"  chatbi semantic check --db {args.db}")
        return 0
    path = getattr(args, "model", None)
    model = database_semantic_model(database, path)
    if model is None:
        where = path or semantic_model_path(database)
        raise SemanticCommandError(
            f"no semantic model at {where}: make one with chatbi semantic init --db {args.db}"
        )
    if args.semantic_command == "show":
        from nl2sql.semantic.dump import dump_model

        merged, header = _with_learned(model, database.name, args.log)
        print(header + dump_model(merged), end="")
        return 0
    from nl2sql.semantic.validate import check_model

    problems = check_model(model, database, load_schema(database))
    for problem in problems:
        print(f"problem: {problem}")
    count = f"{len(model.tables)} tables, {len(model.metrics)} metrics, {len(model.fields)} columns"
    print(
        f"{model.source or 'semantic model'}: {count}: "
        + ("ok" if not problems else f"{len(problems)} problems")
    )
    return 0 if not problems else 1


def _with_learned(model: Any, database: str, log: str | None) -> tuple[Any, str]:
    """``model`` with the suggestions accepted for ``database`` merged in, and YAML comments saying
    which (and those it has no place for); the model and no comment when none is accepted."""
    from feedback.errors import FeedbackStoreError
    from feedback.suggestions import accepted_suggestions
    from nl2sql.semantic.learned import overlay, overlay_notes

    try:
        accepted = accepted_suggestions(database, log)
    except FeedbackStoreError as error:
        print(f"warning: accepted suggestions left out: {error}", file=sys.stderr)
        return model, ""
    if not accepted:
        return model, ""
    listed = ", ".join(f"#{s.id}" for s in accepted)
    where = model.source or "the model's YAML file"
    lines = [
        f"# With the suggestions accepted from corrections ({listed}; `chatbi feedback suggestions`)"
        f" merged in: copy what you keep into {where}.",
        *(f"# {note}" for note in overlay_notes(model, accepted)),
    ]
    return overlay(model, accepted), "\n".join(lines) + "\n"


SEMANTIC_COMMANDS = {"semantic": _semantic}
