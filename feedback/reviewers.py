"""Who may review: the reviewers of a feedback store, and whether one may approve one's own correction.

The list is kept in the store itself (the ``reviewers`` table, migration ``m006_reviewers``), so every
client of a team's PostgreSQL store agrees on it. While it is empty the store is *open*: anyone may
approve, reject and decide suggestions, as one person working alone expects. Once it names someone,
only the reviewers may, and only they may change the list; the first name may be added by anyone
(that is how a team starts), and removing the last one opens the store again. *Four eyes*, a setting
of the store that is off by default, refuses to let anyone approve a correction they made themselves;
approvals by a rule (:class:`feedback.review.ReviewRules`) are not a person's and are never refused.
Each change is stamped with who made it and when (the log's clock) and logged as a ``reviewers`` event.

Example:
    >>> import os, tempfile
    >>> from feedback.log import FeedbackLog
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"), user="ann")
    >>> review_refusal(log, "ann") is None  # open: no reviewers yet
    True
    >>> [r.name for r in add_reviewer(log, "bo")]  # anyone names the first
    ['bo']
    >>> review_refusal(log, "ann")
    'ann is not a reviewer of this feedback store; reviewers: bo'
    >>> add_reviewer(log, "cy")
    Traceback (most recent call last):
    ...
    feedback.reviewers.ReviewerError: ann is not a reviewer of this feedback store; reviewers: bo
    >>> [r.name for r in add_reviewer(log, "cy", by="bo")]
    ['bo', 'cy']
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

import sqlalchemy as sa

from feedback.errors import FeedbackError

if TYPE_CHECKING:
    from feedback.log import FeedbackLog

REVIEWER_LOCK = 1_700_023
"""The PostgreSQL advisory lock key that serialises changes to the reviewers and the review settings."""
FOUR_EYES = "four_eyes"
"""The setting that refuses approving one's own correction (``on`` or ``off``; off when never set)."""

REVIEWERS = sa.table("reviewers", *(sa.column(name, sa.Text) for name in ("name", "added_by", "added_at")))
SETTINGS = sa.table(
    "review_settings", *(sa.column(name, sa.Text) for name in ("name", "value", "changed_by", "changed_at"))
)


class ReviewerError(FeedbackError):
    """Who asks may not review in this feedback store, or the list of reviewers cannot change as asked."""


@dataclass(frozen=True)
class Reviewer:
    """A user who may review, who added them and when (UTC, to the second)."""

    name: str
    added_by: str | None
    added_at: str


@dataclass(frozen=True)
class ReviewerPolicy:
    """Who may review in a store and whether four eyes is on, as read at one moment (:func:`reviewer_policy`).

    Example:
        >>> policy = ReviewerPolicy(names=("bo", "cy"), four_eyes=True)
        >>> policy.review_refusal("ann")
        'ann is not a reviewer of this feedback store; reviewers: bo, cy'
        >>> policy.approval_refusal("bo", "bo")
        'bo made this correction, and this feedback store asks another reviewer to approve it (four eyes)'
        >>> policy.approval_refusal("bo", "ann") is None, ReviewerPolicy().review_refusal("ann") is None
        (True, True)
    """

    names: tuple[str, ...] = ()
    """The reviewers by name; none while anyone may review."""
    four_eyes: bool = False
    """Whether approving one's own correction is refused."""

    def review_refusal(self, user: str) -> str | None:
        """Why ``user`` may not review, in one line; None when they may."""
        return _refusal(list(self.names), user)

    def check(self, user: str) -> None:
        """Nothing when ``user`` may review.

        Raises:
            ReviewerError: there are reviewers and ``user`` is not one of them.
        """
        _check(list(self.names), user)

    def approval_refusal(self, reviewer: str, author: str | None) -> str | None:
        """Why ``reviewer`` may not approve a correction ``author`` made, in one line; None when they may."""
        refusal = self.review_refusal(reviewer)
        if refusal is None and author == reviewer and self.four_eyes:
            refusal = (
                f"{reviewer} made this correction, and this feedback store asks another reviewer to"
                " approve it (four eyes)"
            )
        return refusal


def reviewer_policy(log: FeedbackLog) -> ReviewerPolicy:
    """The reviewers of ``log``'s store and its four-eyes setting, read together.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="bo")
        >>> reviewer_policy(log)
        ReviewerPolicy(names=(), four_eyes=False)
        >>> _ = add_reviewer(log, "bo"), set_four_eyes(log, True)
        >>> reviewer_policy(log)
        ReviewerPolicy(names=('bo',), four_eyes=True)
    """
    with log.engine.connect() as connection, connection.begin():
        return _policy(connection)


@contextlib.contextmanager
def locked_policy(log: FeedbackLog) -> Iterator[tuple[sa.Connection, ReviewerPolicy]]:
    """A write transaction on ``log``'s store holding the lock that changes to the reviewers and to four
    eyes take, and the policy read inside it: what is checked against this policy and written on this
    connection (:meth:`feedback.log.FeedbackLog.record_on`) commits before any such change, or after.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="bo")
        >>> with locked_policy(log) as (connection, now):
        ...     now.check("bo")
        ...     _ = log.record_on(connection, "declined", event=1)
        >>> [e["kind"] for e in log.events()]
        ['declined']
    """
    with _changing(log) as connection:
        yield connection, _policy(connection)


def check_reviewer_on(connection: sa.Connection, user: str) -> None:
    """Check ``user`` against the reviewers as they are within the write transaction ``connection`` has
    open, holding the lock that changes to them take (on SQLite the transaction's own write lock holds
    them off already): what the transaction writes next commits before any such change, or after.

    Raises:
        ReviewerError: the store has reviewers and ``user`` is not one of them.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"))
        >>> with log.engine.connect() as connection, connection.begin():
        ...     check_reviewer_on(connection, "anyone")
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({REVIEWER_LOCK})")
    _policy(connection).check(user)


def reviewers(log: FeedbackLog) -> list[Reviewer]:
    """The reviewers of ``log``'s store by name; none while anyone may review.

    Example:
        >>> import os, tempfile
        >>> from datetime import UTC, datetime
        >>> from feedback.log import FeedbackLog
        >>> day = datetime(2026, 3, 1, 9, tzinfo=UTC)
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann", clock=lambda: day)
        >>> reviewers(log)
        []
        >>> _ = add_reviewer(log, "ann")
        >>> reviewers(log)
        [Reviewer(name='ann', added_by='ann', added_at='2026-03-01T09:00:00+00:00')]
    """
    with log.engine.connect() as connection:
        return _reviewers(connection)


def review_refusal(log: FeedbackLog, user: str) -> str | None:
    """Why ``user`` may not review in ``log``'s store, in one line; None when they may.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="bo")
        >>> _ = add_reviewer(log, "bo")
        >>> review_refusal(log, "bo") is None, review_refusal(log, "cy")
        (True, 'cy is not a reviewer of this feedback store; reviewers: bo')
    """
    with log.engine.connect() as connection:
        return _refusal([r.name for r in _reviewers(connection)], user)


def check_reviewer(log: FeedbackLog, user: str) -> None:
    """Nothing when ``user`` may review in ``log``'s store.

    Raises:
        ReviewerError: the store has reviewers and ``user`` is not one of them.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> check_reviewer(FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite")), "anyone")
    """
    refusal = review_refusal(log, user)
    if refusal:
        raise ReviewerError(refusal)


def approval_refusal(log: FeedbackLog, reviewer: str, author: str | None) -> str | None:
    """Why ``reviewer`` may not approve a correction ``author`` made, in one line; None when they may.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="bo")
        >>> approval_refusal(log, "bo", "bo") is None  # four eyes is off by default
        True
        >>> set_four_eyes(log, True)
        True
        >>> approval_refusal(log, "bo", "bo")
        'bo made this correction, and this feedback store asks another reviewer to approve it (four eyes)'
        >>> approval_refusal(log, "bo", "ann") is None
        True
    """
    return reviewer_policy(log).approval_refusal(reviewer, author)


def add_reviewer(log: FeedbackLog, name: str, *, by: str | None = None) -> list[Reviewer]:
    """Let ``name`` review in ``log``'s store, as ``by`` (default: the log's user); the reviewers now.
    Anyone may add the first reviewer; after that, only reviewers may add more.

    Raises:
        ReviewerError: ``by`` may not review, ``name`` is no user name, or a reviewer already.
    """
    name, by = _user_name(name), by or log.user
    with _changing(log) as connection:
        names = [r.name for r in _reviewers(connection)]
        _check(names, by)
        if name in names:
            raise ReviewerError(f"{name} is a reviewer of this feedback store already")
        connection.execute(sa.insert(REVIEWERS).values(name=name, added_by=by, added_at=_stamp(log)))
        now = _reviewers(connection)
    log.record("reviewers", user_name=by, added=name)
    return now


def remove_reviewer(log: FeedbackLog, name: str, *, by: str | None = None) -> list[Reviewer]:
    """Stop ``name`` reviewing in ``log``'s store, as ``by`` (default: the log's user), who must be a
    reviewer; the reviewers left (none: anyone may review again).

    Raises:
        ReviewerError: ``by`` is not a reviewer, or ``name`` is not one.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="bo")
        >>> _ = add_reviewer(log, "bo")
        >>> remove_reviewer(log, "bo")
        []
    """
    by = by or log.user
    with _changing(log) as connection:
        names = [r.name for r in _reviewers(connection)]
        if name not in names:
            listed = f"reviewers: {', '.join(names)}" if names else "it has none"
            raise ReviewerError(f"{name} is not a reviewer of this feedback store; {listed}")
        _check(names, by)
        connection.execute(sa.delete(REVIEWERS).where(REVIEWERS.c.name == name))
        now = _reviewers(connection)
    log.record("reviewers", user_name=by, removed=name)
    return now


def four_eyes(log: FeedbackLog) -> bool:
    """Whether ``log``'s store refuses approving one's own correction (off until set).

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> four_eyes(FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite")))
        False
    """
    with log.engine.connect() as connection:
        return _four_eyes(connection)


def set_four_eyes(log: FeedbackLog, on: bool, *, by: str | None = None) -> bool:
    """Turn four eyes on or off in ``log``'s store, as ``by`` (default: the log's user), who may review
    there; the setting now.

    Raises:
        ReviewerError: ``by`` may not review.
    """
    by = by or log.user
    with _changing(log) as connection:
        _check([r.name for r in _reviewers(connection)], by)
        connection.execute(sa.delete(SETTINGS).where(SETTINGS.c.name == FOUR_EYES))
        row = {"name": FOUR_EYES, "value": "on" if on else "off", "changed_by": by, "changed_at": _stamp(log)}
        connection.execute(sa.insert(SETTINGS).values(row))
    log.record("reviewers", user_name=by, four_eyes=on)
    return on


def _reviewers(connection: sa.Connection) -> list[Reviewer]:
    rows = connection.execute(sa.select(REVIEWERS).order_by(REVIEWERS.c.name)).mappings()
    return [Reviewer(**row) for row in rows]


def _four_eyes(connection: sa.Connection) -> bool:
    query = sa.select(SETTINGS.c.value).where(SETTINGS.c.name == FOUR_EYES)
    return connection.execute(query).scalar() == "on"


def _policy(connection: sa.Connection) -> ReviewerPolicy:
    return ReviewerPolicy(tuple(r.name for r in _reviewers(connection)), _four_eyes(connection))


def _refusal(names: list[str], user: str) -> str | None:
    if not names or user in names:
        return None
    return f"{user} is not a reviewer of this feedback store; reviewers: {', '.join(names)}"


def _check(names: list[str], user: str) -> None:
    refusal = _refusal(names, user)
    if refusal:
        raise ReviewerError(refusal)


def _user_name(text: str) -> str:
    """``text`` as a user name: one word, as JupyterHub or the operating system names users."""
    name = text.strip()
    if not name or any(character.isspace() or character == "," for character in name):
        raise ReviewerError(
            "a reviewer is one user name, as JupyterHub or `whoami` shows it (no spaces or commas);"
            f" not {text!r}"
        )
    return name


def _stamp(log: FeedbackLog) -> str:
    """The log's clock now, in UTC to the second."""
    return log.clock().astimezone(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def _changing(log: FeedbackLog) -> Iterator[sa.Connection]:
    """A transaction holding the lock on who may review (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
    advisory lock), so that two changes never read the same list."""
    with log.engine.connect().execution_options(write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({REVIEWER_LOCK})")
        yield connection
