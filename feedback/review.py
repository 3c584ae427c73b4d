"""Review: a reviewer approves or rejects each candidate correction before it teaches.

An accepted or edited answer that passes curation (:func:`feedback.corrections.curate`) is a
*candidate*. :func:`approve` runs its SQL again, read-only, against the database, refuses it when that
fails, and appends an ``approved`` event (what the approved corrections teach beyond their own
questions is then offered as suggestions: :mod:`feedback.learn`); :func:`reject` appends a ``declined``
one. Only approved corrections are shown to the model or trained on. :class:`ReviewRules` may approve
without a reviewer (off by default). Who may approve and reject is the store's list of reviewers
(:mod:`feedback.reviewers`; anyone while it is empty), and its four-eyes setting may refuse approving
one's own correction; verdicts are given as the log's user unless another reviewer is named.

Example:
    >>> import os, sqlite3, tempfile
    >>> from feedback.log import FeedbackLog
    >>> from nl2sql.connect import open_database
    >>> folder = tempfile.mkdtemp()
    >>> with sqlite3.connect(os.path.join(folder, "shop.sqlite")) as con:
    ...     _ = con.execute("CREATE TABLE orders (id INTEGER, status TEXT)")
    >>> shop = open_database(os.path.join(folder, "shop.sqlite"))
    >>> log = FeedbackLog(os.path.join(folder, "feedback.sqlite"), user="ann")
    >>> edit = log.record("edited", database="shop", question="Open orders?",
    ...     final_sql="SELECT id FROM orders WHERE status = 'open'")
    >>> [c.event_id for c in review_queue(log, shop)] == [edit]
    True
    >>> approve(log, edit, shop, reviewer="bo").status
    'approved'
    >>> review_queue(log, shop)
    []
    >>> reject(log, edit, shop, reviewer="cy", reason="open means not shipped").status
    'declined'
    >>> auto_approve(log, shop, None, "Open orders?", "SELECT id FROM orders", ReviewRules()) is None
    True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from feedback.corrections import (
    APPROVED,
    REVIEW_KINDS,
    Correction,
    Curation,
    answer_key,
    curate,
    pair_key,
    sql_key,
)
from feedback.errors import FeedbackError
from feedback.log import FeedbackLog
from feedback.reviewers import ReviewerError, ReviewerPolicy, locked_policy, reviewer_policy

if TYPE_CHECKING:  # nl2sql imports this package at load time
    import sqlalchemy as sa

    from nl2sql.connect import Database
    from nl2sql.schema import Schema
    from nl2sql.semantic.model import SemanticModel

AUTO_APPROVE_VARIABLE = "CHATBI_AUTO_APPROVE_ACCEPTED_BY"
"""How many different users must accept an answer unchanged for it to be approved without a reviewer."""
AUTO_REVIEWER = "auto"
"""Whom approvals by a rule are logged as (the store's reviewers and four eyes do not apply to them)."""
REVIEW_TIMEOUT_S = 30.0
"""Seconds an approval's run of the SQL may take."""


class ReviewError(FeedbackError):
    """A candidate cannot be approved or rejected (not a candidate, or its SQL fails)."""


@dataclass(frozen=True)
class ReviewRules:
    """When a candidate is approved without a reviewer. Every rule is off by default."""

    accepted_by: int = 0
    """Approve a question's SQL once this many different users accepted it unchanged (0: never)."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ReviewRules:
        """The rules ``$CHATBI_AUTO_APPROVE_ACCEPTED_BY`` sets.

        Example:
            >>> ReviewRules.from_environment({"CHATBI_AUTO_APPROVE_ACCEPTED_BY": "2"})
            ReviewRules(accepted_by=2)
            >>> ReviewRules.from_environment({})
            ReviewRules(accepted_by=0)
        """
        environ = os.environ if environ is None else environ
        text = environ.get(AUTO_APPROVE_VARIABLE, "").strip() or "0"
        if not text.isdigit():
            raise ReviewError(f"{AUTO_APPROVE_VARIABLE} must be a number of users, not {text!r}")
        return cls(accepted_by=int(text))


def review_queue(log: FeedbackLog, database: Database, schema: Schema | None = None) -> list[Correction]:
    """The candidates waiting for review on ``database``, oldest first (checked against ``schema``)."""
    return _curation(log, database, schema).candidates


def approve(
    log: FeedbackLog,
    event_id: int,
    database: Database,
    schema: Schema | None = None,
    *,
    reviewer: str | None = None,
    reason: str | None = None,
    timeout_s: float = REVIEW_TIMEOUT_S,
    model: SemanticModel | None = None,
    learn: bool = True,
) -> Correction:
    """Approve candidate ``event_id`` after its SQL ran again, read-only, on ``database``, as
    ``reviewer`` (default: the log's user); what it teaches is read with ``model`` (default: the
    database's own semantic model, :mod:`feedback.learn`), unless ``learn`` is False (approving many at
    once: :func:`learn_approved` once after them).

    The reviewers and four eyes are checked first, and again, with the verdict, in the transaction that
    writes it, holding the lock changes to them take: no verdict crosses a change to who may review.

    Raises:
        ReviewerError: ``reviewer`` may not review in this store, or (four eyes) made the correction.
        ReviewError: it is not a candidate on this database, or its SQL fails.
    """
    reviewer = reviewer or log.user
    policy = reviewer_policy(log)
    policy.check(reviewer)
    return _approve(
        log, event_id, database, schema, reviewer, reason, timeout_s, policy=policy, model=model, learn=learn
    )


def _approve(
    log: FeedbackLog,
    event_id: int,
    database: Database,
    schema: Schema | None,
    reviewer: str,
    reason: str | None,
    timeout_s: float,
    *,
    policy: ReviewerPolicy | None,
    model: SemanticModel | None = None,
    learn: bool = True,
) -> Correction:
    """Approve candidate ``event_id`` as ``reviewer`` under ``policy`` (the store's, as read before), or
    by a rule when None: neither the reviewers nor four eyes apply then."""
    from nl2sql.errors import ChatBIError
    from nl2sql.execute import run_query

    seen = log.last_id(database=database.name, kinds=REVIEW_KINDS)
    curation = _curation(log, database, schema)
    candidate = next((c for c in curation.candidates if c.event_id == event_id), None)
    if candidate is None:
        raise ReviewError(_not_a_candidate(log, curation, event_id, database.name))
    check = None
    if policy is not None:
        check = _approval_check(reviewer, candidate.user_name)
        check(policy)
    try:
        result = run_query(database, candidate.sql, max_rows=1, timeout_s=timeout_s)
    except ChatBIError as error:
        raise ReviewError(f"not approved: #{event_id} fails when run again: {error}") from error
    _verdict(
        log, "approved", candidate, database, schema, reviewer, reason, check, seen, columns=result.columns
    )
    if learn:
        learn_approved(log, database, schema, model)
    return replace(candidate, status=APPROVED)


def learn_approved(
    log: FeedbackLog, database: Database, schema: Schema | None = None, model: SemanticModel | None = None
) -> None:
    """Offer what the approved corrections of ``database`` teach beyond their own questions
    (:mod:`feedback.learn`), read with ``model`` (default: the database's own), as :func:`approve` does
    after each approval.

    Example:
        >>> import os, tempfile
        >>> from feedback.log import FeedbackLog
        >>> from feedback.suggestions import SuggestionStore
        >>> from nl2sql.connect import open_database
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"))
        >>> learn_approved(log, open_database("demo"))  # nothing approved yet: nothing to offer
        >>> SuggestionStore(log).suggestions("demo")
        []
    """
    from feedback.learn import learn
    from nl2sql.errors import ChatBIError
    from nl2sql.semantic.locate import data_day, database_semantic_model

    if model is None:
        try:
            model = database_semantic_model(database)
        except ChatBIError:  # a broken model file is reported where it is used; learning goes on
            model = None
    learn(log, database.name, schema, dialect=database.dialect, model=model, today=data_day(database))


def reject(
    log: FeedbackLog,
    event_id: int,
    database: Database,
    schema: Schema | None = None,
    *,
    reviewer: str | None = None,
    reason: str | None = None,
) -> Correction:
    """Reject candidate ``event_id`` (or take back its approval) as ``reviewer`` (default: the log's
    user): it never teaches unless approved later.

    Raises:
        ReviewerError: ``reviewer`` may not review in this store.
        ReviewError: it is neither a candidate nor an approved correction on ``database``.
    """
    reviewer = reviewer or log.user
    reviewer_policy(log).check(reviewer)
    seen = log.last_id(database=database.name, kinds=REVIEW_KINDS)
    curation = _curation(log, database, schema)
    found = next((c for c in curation.candidates + curation.kept if c.event_id == event_id), None)
    if found is None:
        raise ReviewError(_not_a_candidate(log, curation, event_id, database.name, approved_too=True))
    _verdict(
        log, "declined", found, database, schema, reviewer, reason, lambda now: now.check(reviewer), seen
    )
    return replace(found, status="declined")


def _verdict(
    log: FeedbackLog,
    kind: str,
    correction: Correction,
    database: Database,
    schema: Schema | None,
    reviewer: str | None,
    reason: str | None,
    check: Callable[[ReviewerPolicy], None] | None,
    seen: int,
    **details: Any,
) -> None:
    """Log a verdict (``approved`` or ``declined``) on ``correction`` in one transaction that holds the
    lock on the reviewers (every verdict takes it, so two never cross): it reads them and four eyes, and
    writes the verdict unless ``check`` of them raises (a rule's verdict, ``check`` None, skips that) or
    another verdict on the same question and SQL came after the last one seen (id ``seen``) when it was
    read.

    Raises:
        ReviewError: another verdict on it was written meanwhile; nothing is written.
    """
    fields = {
        "database": database.name,
        "schema_fingerprint": schema.fingerprint if schema else None,
        "question": correction.question,
        "final_sql": correction.sql,
        "user_name": reviewer,
        "event": correction.event_id,
        "reason": reason,
        **details,
    }
    with locked_policy(log) as (connection, now):
        if check is not None:
            check(now)
        _refuse_crossed(log, connection, kind, correction, database.name, seen)
        log.record_on(connection, kind, **fields)


def _refuse_crossed(
    log: FeedbackLog, connection: sa.Connection, kind: str, correction: Correction, database: str, seen: int
) -> None:
    """Refuse a verdict of ``kind`` on ``correction`` when another verdict on its question and SQL was
    written (on ``connection``'s store) after the one with id ``seen``: its reviewer decided on what
    is no longer so."""
    for event in log.events(
        limit=None, database=database, kinds=REVIEW_KINDS, after=seen, connection=connection
    ):
        if answer_key(event) == correction.key:
            done = "approved" if event["kind"] == "approved" else "rejected"
            verb = "approved" if kind == "approved" else "rejected"
            raise ReviewError(
                f"not {verb}: #{correction.event_id} was {done} by {event['user_name']} meanwhile "
                f"(event {event['id']}); review it again"
            )


def _approval_check(reviewer: str, author: str | None) -> Callable[[ReviewerPolicy], None]:
    """What refuses ``reviewer`` approving ``author``'s correction under a policy: not a reviewer (as
    :func:`reject` says), or four eyes."""

    def check(policy: ReviewerPolicy) -> None:
        policy.check(reviewer)
        refusal = policy.approval_refusal(reviewer, author)
        if refusal:
            raise ReviewerError(f"not approved: {refusal}")

    return check


def auto_approve(
    log: FeedbackLog,
    database: Database,
    schema: Schema | None,
    question: str,
    sql: str,
    rules: ReviewRules,
    *,
    timeout_s: float = REVIEW_TIMEOUT_S,
    model: SemanticModel | None = None,
) -> Correction | None:
    """Approve the candidate for ``question`` with ``sql`` when ``rules`` say so (what it teaches read
    with ``model``, as :func:`approve` reads it); the approved correction, or None (no rule applies, it
    is no candidate, or it fails when run)."""
    if rules.accepted_by < 1:
        return None
    pair = pair_key(question, sql)
    users = {
        event["user_name"]
        for event in log.events(limit=None, database=database.name, kinds=("accepted",))
        if answer_key(event) == pair and sql_key(event["sql"] or "") == pair[1]  # accepted unchanged
    }
    if len(users) < rules.accepted_by:
        return None
    candidate = next(
        (c for c in review_queue(log, database, schema) if c.key == pair),
        None,
    )
    if candidate is None:
        return None
    rule = f"accepted unchanged by {len(users)} users"
    try:
        return _approve(
            log,
            candidate.event_id,
            database,
            schema,
            AUTO_REVIEWER,
            rule,
            timeout_s,
            policy=None,
            model=model,
        )
    except ReviewError:
        return None


def _curation(log: FeedbackLog, database: Database, schema: Schema | None) -> Curation:
    return curate(log, database.name, schema, dialect=database.dialect)


def _not_a_candidate(
    log: FeedbackLog,
    curation: Curation,
    event_id: int,
    database: str,
    *,
    approved_too: bool = False,
) -> str:
    """Why ``event_id`` is not there to review, in one line."""
    if not approved_too and any(c.event_id == event_id for c in curation.kept):
        return f"#{event_id} is approved already"
    dropped = next((d for d in curation.dropped if d.event_id == event_id), None)
    if dropped is not None:
        return f"#{event_id} is not a candidate: {dropped.reason}"
    event = log.event(event_id)
    if event is not None and event["database"] != database:
        return f"#{event_id} is about the database {event['database']}, not {database}"
    return f"no candidate #{event_id} on {database}: `chatbi feedback review --db DB` lists the candidates"
