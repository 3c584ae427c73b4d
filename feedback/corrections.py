"""Curation: which logged answers become corrections the model learns from.

An accepted answer or an edited one says "this SQL answers this question". It becomes a *candidate*
when it is still worth learning from:

- it has a question and a final SQL;
- the SQL is one read-only query the execution gate lets through (:func:`nl2sql.safety.ensure_read_only`:
  no writes, only allowed functions) and, given the schema, validates against the database's current
  schema (a correction written before a column was renamed is dropped, not taught);
- it is the latest word on its question (asking again and correcting again replaces the older one);
- it was not withdrawn (``chatbi feedback withdraw ID`` appends a ``withdrawn`` event); withdrawing
  leaves the question unlearned, so an older correction of the same question does not come back;
- it was not rejected afterwards: a ``rejected`` event for the same question and SQL takes it back.

A candidate teaches (prompt examples, training) only once it is *approved*: a reviewer's ``approved``
event for its question and SQL (:mod:`feedback.review`), the latest verdict on them; a ``declined``
one drops it. Every reading runs the gate again, so nothing it refuses teaches, whatever the log says.

Only ``accepted`` and ``edited`` events vouch for their SQL; ``explored`` (SQL run from an answer
without saying it fixes it) is logged and never learned from.

Nothing is deleted from the log; curation is a reading of it, and every dropped event says why.

Example:
    >>> import os, tempfile
    >>> from feedback.log import FeedbackLog
    >>> from nl2sql.schema import Column, Schema, Table
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"), user="ann")
    >>> schema = Schema("sqlite", (Table("orders", (Column("id", "INTEGER"), Column("status", "TEXT"))),))
    >>> open_orders = "SELECT id FROM orders WHERE status = 'open'"
    >>> edit = log.record("edited", database="shop", question="Open orders?",
    ...     sql="SELECT * FROM orders", final_sql=open_orders)
    >>> _ = log.record("accepted", database="shop", question="Total?",
    ...     final_sql="SELECT SUM(total) FROM orders")
    >>> curation = curate(log, "shop", schema)
    >>> [c.question for c in curation.candidates], [d.reason for d in curation.dropped], curation.kept
    (['Open orders?'], ['does not validate: no column total in orders'], [])
    >>> _ = log.record("approved", database="shop", question="Open orders?", final_sql=open_orders,
    ...     event=edit)
    >>> [(c.question, c.status) for c in curate(log, "shop", schema).kept]
    [('Open orders?', 'approved')]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback.log import FeedbackLog

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from feedback.datasets import TextToSQLExample
    from nl2sql.schema import Schema

CORRECTION_KINDS = ("accepted", "edited")
"""Events whose final SQL the user vouched for."""
REVIEW_KINDS = ("approved", "declined")
"""A reviewer's verdict on a candidate's question and SQL."""
APPROVED, CANDIDATE = "approved", "candidate"


@dataclass(frozen=True)
class Correction:
    """A question with the SQL a user settled on, ready to be shown to the model or trained on."""

    event_id: int
    database: str
    question: str
    sql: str
    kind: str
    """``accepted`` (the model's SQL was right) or ``edited`` (the user fixed it)."""
    created_at: str = ""
    status: str = APPROVED
    """``approved`` (it teaches) or ``candidate`` (waiting for review)."""
    user_name: str | None = None
    """Who accepted or edited it."""
    as_of: str = ""
    """The day (ISO) the answer was given as of, which its dates count from, when the log says."""

    @property
    def day(self) -> date | None:
        """The day its SQL's dates count from: :attr:`as_of`, else the local day it was made.

        Example:
            >>> Correction(1, "shop", "Orders today?", "SELECT 1", "edited", as_of="2026-06-30").day
            datetime.date(2026, 6, 30)
        """
        if self.as_of:
            return date.fromisoformat(self.as_of)
        if self.created_at:
            return datetime.fromisoformat(self.created_at).astimezone().date()
        return None

    def sql_on(self, today: date, dialect: str = "sqlite") -> str:
        """Its SQL with the dates it counts from its :attr:`day` moved to ``today``
        (:func:`nl2sql.relative_dates.re_anchored`): "last month" asked again in another month.

        Example:
            >>> fix = Correction(1, "shop", "Orders yesterday?", "SELECT id FROM o WHERE day = '2026-06-29'",
            ...                  "edited", as_of="2026-06-30")
            >>> fix.sql_on(date(2026, 12, 7))
            "SELECT id FROM o WHERE day = '2026-12-06'"
        """
        from nl2sql.relative_dates import re_anchored

        day = self.day
        return re_anchored(self.sql, dialect, day, today, self.question) if day else self.sql

    @property
    def key(self) -> tuple[str, str]:
        """The question and SQL it is about, as :func:`pair_key` compares them.

        Example:
            >>> Correction(1, "shop", "Open orders?", "SELECT id FROM orders;", "edited").key
            ('open orders', 'select id from orders')
        """
        return pair_key(self.question, self.sql)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_example(self, db_path: Path, *, redact: bool = False, dialect: str = "sqlite") -> TextToSQLExample:
        """The correction as a training example on the database file ``db_path``, its text literals
        replaced by placeholders with ``redact`` (:func:`feedback.redact.redact`), the dates it counts
        from its :attr:`day` written with the database's clock (:func:`nl2sql.relative_dates.with_clock`:
        a model trained on it does not learn dates that go stale); only an approved correction is
        trained on.

        Example:
            >>> correction = Correction(1, "shop", "Orders of Acme this year?",
            ...     "SELECT id FROM orders WHERE customer = 'Acme' AND day >= '2026-01-01'", "edited",
            ...     as_of="2026-06-30")
            >>> example = correction.as_example(Path("shop.sqlite"), redact=True)
            >>> example.question
            'Orders of value_1 this year?'
            >>> example.sql
            "SELECT id FROM orders WHERE customer = 'value_1' AND day >= DATE('now', 'start of year')"
        """
        from feedback.datasets import TextToSQLExample
        from feedback.errors import DatasetError

        if self.status != APPROVED:
            raise DatasetError(f"correction #{self.event_id} is not approved: it cannot be trained on")
        question, sql = self.question, self.sql
        if redact:
            from feedback.redact import redact as redact_literals

            question, sql = redact_literals(question, sql, dialect)
        day = self.day
        if day is not None and sql:
            from nl2sql.relative_dates import with_clock

            sql = with_clock(sql, dialect, day, question)
        return TextToSQLExample(db_id=self.database, question=question, sql=sql, db_path=db_path)


@dataclass(frozen=True)
class Dropped:
    """A logged answer curation left out, and why."""

    event_id: int
    question: str
    reason: str


@dataclass(frozen=True)
class Curation:
    kept: list[Correction]
    """The approved corrections: these teach."""
    dropped: list[Dropped]
    candidates: list[Correction] = field(default_factory=list)
    """Corrections waiting for a reviewer: these do not teach yet."""


def curate(
    log: FeedbackLog, database: str, schema: Schema | None = None, *, dialect: str = "sqlite"
) -> Curation:
    """The corrections the log holds for ``database``: the execution gate (in ``schema``'s dialect,
    else ``dialect``) always checks them; the schema, when given, too."""
    kinds = (*CORRECTION_KINDS, "withdrawn", "rejected", *REVIEW_KINDS)
    events = log.events(limit=None, database=database, kinds=kinds)
    withdrawn = {int(e["details"].get("event", 0)) for e in events if e["kind"] == "withdrawn"}
    by_id = {e["id"]: e for e in events}
    unlearned: dict[str, int] = {}  # question → the newest correction withdrawn for it
    rejected: dict[tuple[str, str], int] = {}  # (question, SQL) → the last rejection of it
    verdicts: dict[tuple[str, str], dict[str, Any]] = {}  # (question, SQL) → the last review of it
    for event in events:
        if event["kind"] == "withdrawn" and int(event["details"].get("event", 0)) in by_id:
            taken_back = by_id[int(event["details"]["event"])]
            key = question_key(taken_back["question"] or "")
            unlearned[key] = max(unlearned.get(key, 0), taken_back["id"])
        elif event["kind"] == "rejected":
            rejected[answer_key(event)] = event["id"]
        elif event["kind"] in REVIEW_KINDS:
            verdicts[answer_key(event)] = event
    approved: dict[str, Correction] = {}
    pending: dict[str, Correction] = {}
    dropped: list[Dropped] = []
    for event in events:
        if event["kind"] not in CORRECTION_KINDS:
            continue
        question = (event["question"] or "").strip()
        sql = (event["final_sql"] or event["sql"] or "").strip()
        rejection = rejected.get(answer_key(event), 0)
        verdict = verdicts.get(answer_key(event))
        if event["id"] in withdrawn:
            reason: str | None = "withdrawn"
        elif event["id"] < unlearned.get(question_key(question), 0):
            reason = "its question was unlearned (a later correction of it was withdrawn)"
        elif rejection > event["id"]:
            reason = f"rejected later (event {rejection})"
        else:
            reason = correction_problem(question, sql, schema, dialect)
        if not reason and verdict is not None and verdict["kind"] == "declined":
            why = verdict["details"].get("reason")
            reason = f"rejected in review (event {verdict['id']}{': ' + why if why else ''})"
        if reason:
            dropped.append(Dropped(event["id"], question, reason))
            continue
        status = APPROVED if verdict is not None else CANDIDATE
        pool, key = approved if status == APPROVED else pending, question_key(question)
        if key in pool:
            older = pool[key]
            dropped.append(
                Dropped(older.event_id, older.question, f"replaced by the later event {event['id']}")
            )
        pool[key] = Correction(
            event["id"],
            database,
            question,
            sql,
            event["kind"],
            event["created_at"],
            status,
            event.get("user_name"),
            str(event["details"].get("as_of") or ""),
        )
    return Curation(
        kept=sorted(approved.values(), key=lambda c: c.event_id),
        dropped=sorted(dropped, key=lambda d: d.event_id),
        candidates=sorted(pending.values(), key=lambda c: c.event_id),
    )


def correction_problem(question: str, sql: str, schema: Schema | None, dialect: str = "sqlite") -> str | None:
    """Why ``sql`` cannot be taught as the answer to ``question``; None when it can. The execution gate
    always decides (in ``schema``'s dialect, else ``dialect``); the schema, when given, must validate it.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("orders", (Column("id", "INTEGER"),)),))
        >>> correction_problem("Delete them", "DELETE FROM orders", schema)
        'refused: DELETE writes to the database; only a single read query (SELECT) may run'
    """
    if not question:
        return "no question"
    if not sql:
        return "no SQL"
    return _gate_problem(sql, schema, dialect)


@lru_cache(maxsize=4096)
def _gate_problem(sql: str, schema: Schema | None, dialect: str) -> str | None:
    """Why the gate or ``schema`` refuses ``sql``: read once per query, not again at every curation."""
    from explain import check
    from nl2sql.errors import ChatBIError
    from nl2sql.safety import ensure_read_only

    try:
        ensure_read_only(sql, schema.dialect if schema else dialect)
    except ChatBIError as error:
        return str(error)
    if schema is None:
        return None
    error = next((d for d in check(sql, schema) if d.is_error), None)
    return f"does not validate: {error.message}" if error else None


def answer_key(event: dict[str, Any]) -> tuple[str, str]:
    """The question and SQL a logged event is about (its final SQL, else the SQL it was given), as
    :func:`question_key` and :func:`sql_key` compare them: verdicts and rejections apply to that pair.

    Example:
        >>> answer_key({"question": "How many orders?", "sql": "SELECT 1", "final_sql": "select 2;"})
        ('how many orders', 'select 2')
    """
    return pair_key(event["question"] or "", event["final_sql"] or event["sql"] or "")


def pair_key(question: str, sql: str) -> tuple[str, str]:
    """A question and its SQL as :func:`question_key` and :func:`sql_key` compare them.

    Example:
        >>> pair_key("How many orders?", "select count(*) from orders;")
        ('how many orders', 'select count(*) from orders')
    """
    return question_key(question), sql_key(sql)


def sql_key(sql: str) -> str:
    """SQL that differs only in spacing, case of keywords or a final semicolon is the same SQL.

    Example:
        >>> sql_key("select  name from t;") == sql_key("SELECT name FROM t")
        True
    """
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").strip().casefold()


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing or final punctuation are the same question.

    Example:
        >>> question_key("  How many  orders? ") == question_key("how many orders")
        True
    """
    return re.sub(r"\s+", " ", question).strip().rstrip("?？。.!！ ").casefold()
