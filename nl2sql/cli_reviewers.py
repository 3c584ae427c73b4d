"""``chatbi feedback reviewers``: who may approve, reject and decide suggestions in the feedback store, and
whether one may approve one's own correction (four eyes); changes are made as the current user.

A thin shell over :mod:`feedback.reviewers`.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_reviewer_commands(parser.add_subparsers(dest="feedback_command"))
    >>> args = parser.parse_args(["reviewers", "--add", "bo"])
    >>> args.add, args.remove, args.four_eyes
    ('bo', None, None)
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from feedback.log import FeedbackLog

REVIEWER_ACTIONS = ("reviewers",)
ANYONE = "anyone may approve, reject and decide suggestions"


def add_reviewer_commands(actions: Any) -> None:
    """Add ``reviewers [--add NAME | --remove NAME | --four-eyes on|off]`` to ``chatbi feedback``."""
    listing = actions.add_parser(
        "reviewers",
        help="who may approve, reject and decide suggestions in the feedback store (none: anyone)",
    )
    change = listing.add_mutually_exclusive_group()
    change.add_argument("--add", metavar="NAME", default=None, help="let this user review")
    change.add_argument("--remove", metavar="NAME", default=None, help="stop this user reviewing")
    change.add_argument(
        "--four-eyes",
        choices=("on", "off"),
        default=None,
        help="on: nobody may approve a correction they made themselves (default: off)",
    )
    listing.add_argument(
        "--log",
        default=None,
        help="the feedback log: a file or a PostgreSQL URL (default: $CHATBI_FEEDBACK_URL, else the"
        " data folder's file)",
    )


def reviewers_command(log: FeedbackLog, args: argparse.Namespace) -> int:
    """Change who may review in ``log``'s store as ``args`` asks (as the log's user), then list them."""
    from feedback.reviewers import add_reviewer, remove_reviewer, reviewers, set_four_eyes

    if args.add is not None:
        first = not reviewers(log)
        now = add_reviewer(log, args.add)
        if first:
            print(
                f"{now[0].name} is the first reviewer: from now on only reviewers may approve, reject and"
                " decide suggestions, and change this list"
            )
        else:
            print(f"added: {args.add.strip()} may review")
    elif args.remove is not None:
        if not remove_reviewer(log, args.remove):
            print(f"removed {args.remove}, the last reviewer: the store is open again, {ANYONE}")
            return 0
        print(f"removed: {args.remove} may no longer review")
    elif args.four_eyes is not None:
        on = set_four_eyes(log, args.four_eyes == "on")
        if on:
            print("four eyes on: nobody may approve a correction they made themselves")
        else:
            print("four eyes off: a reviewer may approve their own corrections")
    _list(log)
    return 0


def _list(log: FeedbackLog) -> None:
    from feedback.reviewers import four_eyes, reviewers

    listed = reviewers(log)
    if not listed:
        print(f"no reviewers in {log.location}: {ANYONE}; `chatbi feedback reviewers --add NAME` names one")
    else:
        print(f"{len(listed)} reviewer{'s' * (len(listed) != 1)} in {log.location}:")
        for reviewer in listed:
            print(f"  {reviewer.name}  (added by {reviewer.added_by or 'unknown'}, {reviewer.added_at})")
    if four_eyes(log):
        print("four eyes: on, nobody approves a correction they made themselves")
    else:
        print("four eyes: off, a reviewer may approve their own corrections (--four-eyes on)")
