"""``chatbi feedback suggestions|accept-suggestion|reject-suggestion``: what approved corrections teach
beyond their own questions (value synonyms, join paths, business rules), for a reviewer to decide on.

A thin shell over :mod:`feedback.learn`, :mod:`feedback.suggestions` and :mod:`nl2sql.semantic.learned`.
Accepting never edits the semantic model's YAML: the accepted suggestions are laid over the model
whenever it is loaded, and ``chatbi semantic show`` prints the two merged.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_suggestion_commands(parser.add_subparsers(dest="feedback_command"))
    >>> args = parser.parse_args(["accept-suggestion", "#3", "--name", "valid orders"])
    >>> suggestion_id(args.suggestion), args.name
    (3, 'valid orders')
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from nl2sql.cli_options import add_database_option
from nl2sql.errors import ChatBIError

if TYPE_CHECKING:
    from feedback.log import FeedbackLog
    from nl2sql.semantic.model import SemanticModel

SUGGESTION_ACTIONS = ("suggestions", "accept-suggestion", "reject-suggestion")
SHOWN_STATUSES = ("pending", "accepted", "rejected", "all")


class SuggestionCommandError(ChatBIError):
    """A suggestion command was given something it cannot act on."""


def add_suggestion_commands(actions: Any) -> None:
    """Add ``suggestions``, ``accept-suggestion`` and ``reject-suggestion`` to ``chatbi feedback``."""
    listing = actions.add_parser(
        "suggestions",
        help="value synonyms, join paths and business rules learned from approved corrections",
    )
    add_database_option(listing)
    listing.add_argument("--status", choices=SHOWN_STATUSES, default="all", help="only these (default: all)")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    _add_log(listing)
    for action, meaning in (
        ("accept-suggestion", "use a suggestion for later questions (the YAML file is not changed)"),
        ("reject-suggestion", "never use a suggestion (or stop using an accepted one)"),
    ):
        decide = actions.add_parser(action, help=meaning)
        decide.add_argument("suggestion", help="its id, as `chatbi feedback suggestions` shows it")
        decide.add_argument(
            "--db", default=None, help="the database it must be about (then also says whether it is used)"
        )
        decide.add_argument("--reason", default=None, help="why, in a few words (kept with it)")
        if action == "accept-suggestion":
            decide.add_argument("--name", default=None, help="a business rule's name (e.g. 'valid orders')")
        _add_log(decide)


def suggestion_id(text: str) -> int:
    """The suggestion id ``text`` gives (``3`` or ``#3``).

    Example:
        >>> suggestion_id("#12")
        12
        >>> suggestion_id("twelve")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nl2sql.cli_suggestions.SuggestionCommandError: a suggestion id is a number, ...; not 'twelve'
    """
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        raise SuggestionCommandError(
            f"a suggestion id is a number, as `chatbi feedback suggestions` shows it; not {text!r}"
        )
    return int(digits)


def suggestions_command(log: FeedbackLog, args: argparse.Namespace) -> int:
    """Run one of :data:`SUGGESTION_ACTIONS` on the feedback store ``log``."""
    if args.feedback_command == "suggestions":
        return _list(log, args)
    return _decide(log, args)


def _list(log: FeedbackLog, args: argparse.Namespace) -> int:
    from feedback.corrections import curate
    from feedback.learn import learn
    from feedback.suggestions import ACCEPTED, SuggestionStore
    from nl2sql.connect import open_database
    from nl2sql.schema import load_schema
    from nl2sql.semantic.learned import overlay_notes
    from nl2sql.semantic.locate import data_day

    database = open_database(args.db)
    schema = load_schema(database)
    model = _model(database)
    learned = learn(log, database.name, schema, dialect=schema.dialect, model=model, today=data_day(database))
    new = {s.id for s in learned}
    approved = {c.event_id for c in curate(log, database.name, schema).kept}
    store = SuggestionStore(log)
    everything = store.suggestions(database.name)
    shown = [s for s in everything if args.status in ("all", s.status)]
    accepted = [s for s in everything if s.status == ACCEPTED]
    notes = overlay_notes(model, accepted) if model is not None else []
    if args.json:
        payload = {
            "database": database.name,
            "suggestions": [
                {**s.to_dict(), "new": s.id in new, "unapproved": not approved & set(s.sources)}
                for s in shown
            ],
            "notes": notes,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    counts = ", ".join(
        f"{sum(s.status == status for s in everything)} {status}" for status in SHOWN_STATUSES[:3]
    )
    print(f"{len(everything)} suggestions for {database.name} ({counts}); {len(new)} new")
    for s in shown:
        sources = ", ".join(f"#{source}" for source in s.sources)
        print(f"  #{s.id} [{s.kind}, {s.status}{', new' if s.id in new else ''}] {s.describe()}")
        print(f"      from the approved corrections {sources}")
        if not approved & set(s.sources):
            print("      (none of them is approved any more: withdrawn, rejected or replaced since)")
    for note in notes:
        print(f"note: {note}")
    if any(s.status == "pending" for s in shown):
        print(
            "accept: chatbi feedback accept-suggestion ID [--name NAME];"
            " reject: chatbi feedback reject-suggestion ID"
        )
    return 0


def _decide(log: FeedbackLog, args: argparse.Namespace) -> int:
    from feedback.suggestions import ACCEPTED, REJECTED, SuggestionStore
    from nl2sql.semantic.learned import overlay_notes

    number = suggestion_id(args.suggestion)
    accept = args.feedback_command == "accept-suggestion"
    database = None
    if args.db is not None:
        from nl2sql.connect import open_database

        database = open_database(args.db)
    store = SuggestionStore(log)
    decided = store.decide(
        number,
        ACCEPTED if accept else REJECTED,
        by=log.user,
        at=log.clock(),
        reason=args.reason,
        name=getattr(args, "name", None),
        database=database.name if database is not None else None,
    )
    if not accept:
        print(f"rejected: #{number} {decided.describe()} is not used for questions on {decided.database}")
        return 0
    print(f"accepted: #{number} {decided.describe()}; questions on {decided.database} use it from now on")
    model = _model(database) if database is not None else None
    for note in overlay_notes(model, [decided]) if model is not None else []:
        print(f"note: {note}")
    print(
        f"`chatbi semantic show --db {args.db or decided.database}` shows it merged into the semantic model"
    )
    return 0


def _model(database: Any) -> SemanticModel | None:
    """The database's semantic model as its file says (None when it has none)."""
    from nl2sql.semantic.locate import database_semantic_model

    return database_semantic_model(database)


def _add_log(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log",
        default=None,
        help="the feedback log: a file or a PostgreSQL URL (default: $CHATBI_FEEDBACK_URL, else the"
        " data folder's file)",
    )
