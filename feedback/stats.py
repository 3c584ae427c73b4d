"""Adoption figures from the feedback log: how many questions, answered how well, judged how, how fast.

Each ``generated`` event is a question, except a *regeneration*: another answer to a question already
asked (Regenerate in the notebook's answer view or the JupyterLab panel), logged with the id of the
question's event in ``details["regenerates"]`` (and the sample's ``seed``). A regeneration belongs to the
question it regenerates: that question counts once, and how often its user had to regenerate is counted
apart (``regenerated``, ``regenerations``). A sample the view drew and discarded unseen, because its SQL
was rejected for the question before, is no answer; the view's next sample names it in ``regenerates``,
as a retry of the same Regenerate. A regeneration whose question is not in the period counts as a
question of its own.

What the user said about a question is the last ``accepted``, ``edited`` or ``rejected`` event on the
same database with the same question and generated SQL (:func:`feedback.corrections.question_key`,
:func:`feedback.corrections.sql_key`) logged after it. An accepted answer whose final SQL differs from
the SQL the model wrote counts as edited, an edit that changed nothing as accepted unchanged; after a
regeneration the SQL the model wrote is the regenerated one on screen, so accepting it as it is counts as
accepted unchanged, and an edit is sorted by what it changed in that SQL. A verdict with no question
logged before it (an older log, a verdict sent from elsewhere) counts as a question of its own. A
question is answered when one of its answers (the first or a regeneration) had no error; without a
verdict, a question no answer of which worked is an ``error``, else ``no verdict``.

Edits are sorted by kind from the diff logged with them (:mod:`feedback.edit_kinds`); errors by the table
and column their message names (:mod:`feedback.error_names`), one per answer that had one; latency is the
``total`` of each answer's logged timings (regenerations too), in seconds, with nearest-rank percentiles
(:func:`percentile`). Days are UTC days; a question, its regenerations and its verdict count on the day
it was asked.

Example:
    >>> import os, tempfile
    >>> from datetime import UTC, datetime
    >>> from feedback.log import FeedbackLog
    >>> from feedback.outcome import record_outcome
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann",
    ...                   clock=lambda: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    >>> sql = "SELECT COUNT(*) FROM orders"
    >>> _ = log.record("generated", database="shop", question="How many orders?", sql=sql,
    ...                model_id="qwen", timings={"total": 1.5})
    >>> _ = record_outcome(log, "accepted", question="How many orders?", generated_sql=sql, database="shop")
    >>> stats = adoption_stats(log)
    >>> stats.questions, stats.outcomes["accepted"], stats.share("accepted"), stats.latency.p50
    (1, 1, 1.0, 1.5)
    >>> stats.days[0].day, stats.users[0].user
    ('2026-03-02', 'ann')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from feedback.corrections import question_key, sql_key
from feedback.edit_kinds import EDIT_KINDS, edit_kinds
from feedback.error_names import error_names
from feedback.log import FeedbackLog
from feedback.outcome import sql_changes

OUTCOMES = ("accepted", "edited", "rejected", "error", "no verdict")
"""What became of a question, in the order the figures stack them."""
VERDICTS = ("accepted", "edited", "rejected")
"""The events in which a user judges an answer."""
REVIEWS = ("approved", "declined")
SHARES = ("answered", *OUTCOMES, "regenerated")
"""The shares :meth:`AdoptionStats.to_dict` gives."""
NO_REASON = "(no reason given)"


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value at least ``share`` (0–100) percent of ``values``
    are at or below; None for no values.

    Example:
        >>> percentile([0.4, 2.0, 0.8, 1.0, 9.0], 50), percentile([0.4, 2.0, 0.8, 1.0, 9.0], 95)
        (1.0, 9.0)
        >>> percentile([], 50) is None
        True
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """How long answers took, in seconds: how many were timed, the median and the 95th percentile."""

    count: int = 0
    p50: float | None = None
    p95: float | None = None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        """The latency of answers that took ``seconds``.

        Example:
            >>> Latency.of([1.0, 3.0, 2.0])
            Latency(count=3, p50=2.0, p95=3.0)
        """
        return cls(len(seconds), percentile(seconds, 50), percentile(seconds, 95))


@dataclass(frozen=True)
class Tally:
    """Questions of one day, one user or the whole period: how many, answered, and their outcomes."""

    questions: int = 0
    answered: int = 0
    """Questions one of whose answers had no error."""
    outcomes: dict[str, int] = field(default_factory=dict)
    """:data:`OUTCOMES` → how many questions ended so (every outcome present, 0 when none)."""
    regenerated: int = 0
    """Questions whose user regenerated the answer at least once."""
    regenerations: int = 0
    """How many times answers were regenerated in all."""

    def share(self, outcome: str) -> float:
        """The share of questions that ended in ``outcome`` (``answered`` and ``regenerated`` too); 0.0
        for no questions.

        Example:
            >>> Tally(4, 3, {"accepted": 1}, regenerated=1).share("answered"), Tally().share("accepted")
            (0.75, 0.0)
            >>> Tally(4, 3, {"accepted": 1}, regenerated=1).share("regenerated")
            0.25
        """
        if outcome in ("answered", "regenerated"):
            count = getattr(self, outcome)
        else:
            count = self.outcomes.get(outcome, 0)
        return count / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class DayStats(Tally):
    """One UTC day."""

    day: str = ""
    """``YYYY-MM-DD``."""
    latency: Latency = Latency()
    versions: dict[str, int] = field(default_factory=dict)
    """Model/adapter version → questions it answered that day."""


@dataclass(frozen=True)
class UserStats(Tally):
    """One user (as events name them: the JupyterHub user, else the operating-system user)."""

    user: str = ""


@dataclass(frozen=True)
class VersionStats:
    """One model/adapter version: how many questions it answered, first and last day it did."""

    version: str
    model_id: str | None
    adapter_hash: str | None
    questions: int
    first_day: str
    last_day: str


@dataclass(frozen=True)
class AdoptionStats(Tally):
    """The adoption figures of a period (:func:`adoption_stats`)."""

    database: str | None = None
    """The database the figures are about; None for all."""
    since: str | None = None
    """The first UTC day counted; None for the whole log."""
    edits: dict[str, int] = field(default_factory=dict)
    """Kind of edit (:data:`feedback.edit_kinds.EDIT_KINDS`) → edited questions with a change of that
    kind (one edit may count under several kinds)."""
    rejections: dict[str, int] = field(default_factory=dict)
    """Reason given → rejected questions, most frequent first (:data:`NO_REASON` when none was given)."""
    regenerated_outcomes: dict[str, int] = field(default_factory=dict)
    """:data:`OUTCOMES` → regenerated questions that ended so: what regenerating led to."""
    errors: int = 0
    """Answers with an error, a question's first answer and its regenerations alike (whatever the user
    did next)."""
    error_tables: dict[str, int] = field(default_factory=dict)
    """Table an error names → errors naming it, most frequent first."""
    error_columns: dict[str, int] = field(default_factory=dict)
    """Column an error names (``table.column`` when it names the table too) → errors, most frequent first."""
    latency: Latency = Latency()
    reviews: dict[str, int] = field(default_factory=dict)
    """Reviewers' verdicts on candidate corrections: ``approved`` and ``declined`` → how many."""
    days: list[DayStats] = field(default_factory=list)
    users: list[UserStats] = field(default_factory=list)
    versions: list[VersionStats] = field(default_factory=list)
    """Model/adapter versions in the order they first answered."""

    @property
    def empty(self) -> bool:
        """Whether the period holds no question."""
        return self.questions == 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, the shares included.

        Example:
            >>> AdoptionStats(questions=2, answered=1).to_dict()["shares"]["answered"]
            0.5
        """
        data = asdict(self)
        data["shares"] = {name: self.share(name) for name in SHARES}
        return data


@dataclass
class _Question:
    day: str
    user: str
    version: tuple[str | None, str | None]
    error: str | None = None
    """The error of the answer it ended with: None once one of its answers worked."""
    errors: list[str] = field(default_factory=list)
    """The error of each of its answers that had one."""
    seconds: list[float] = field(default_factory=list)
    """How long each of its answers took."""
    shown: str = ""
    """The SQL of the model's answer on screen: the latest that worked, else the first."""
    regenerated: set[str] = field(default_factory=set)
    """The SQL (:func:`feedback.corrections.sql_key`) of its regenerations that worked."""
    regenerations: int = 0
    outcome: str | None = None
    reason: str | None = None
    kinds: list[str] = field(default_factory=list)

    def answer(self, event: Mapping[str, Any], *, regeneration: bool = False) -> None:
        """Count ``event`` (``generated``) as one of its answers: the first, or a regeneration."""
        error, sql = event.get("error") or None, event.get("sql") or ""
        seconds = _seconds(event)
        if seconds is not None:
            self.seconds.append(seconds)
        if error:
            self.errors.append(error)
        if not (regeneration and self.shown):  # its first answer
            self.error, self.shown = error, sql
        elif not error:  # the view shows it in place of the answer before
            self.error, self.shown = None, sql
        elif self.error:  # none worked yet: it ends with the latest error
            self.error = error
        if regeneration and not error:
            self.regenerated.add(sql_key(sql))


def adoption_stats(
    log: FeedbackLog, *, since: date | None = None, database: str | None = None
) -> AdoptionStats:
    """The adoption figures of ``log``: events of UTC day ``since`` and later, about ``database``.

    Example:
        >>> import os, tempfile
        >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"))
        >>> adoption_stats(log).empty
        True
    """
    events = log.events(limit=None, database=database)
    return stats_from_events(events, since=since, database=database)


def stats_from_events(
    events: Iterable[Mapping[str, Any]], *, since: date | None = None, database: str | None = None
) -> AdoptionStats:
    """The adoption figures of ``events`` (as :meth:`FeedbackLog.events` gives them, oldest first) of UTC
    day ``since`` and later, about ``database``.

    Example:
        >>> event = {"id": 1, "kind": "generated", "created_at": "2026-03-02T09:30:00.000+00:00",
        ...          "database": "shop", "question": "How many?", "sql": "SELECT 1", "error": None,
        ...          "user_name": "ann", "model_id": "qwen", "adapter_hash": None,
        ...          "details": {"timings": {"total": 0.5}}}
        >>> stats_from_events([event], since=date(2026, 3, 3)).empty
        True
        >>> stats_from_events([event]).outcomes["no verdict"]
        1
    """
    questions: list[_Question] = []
    latest: dict[tuple[Any, ...], _Question] = {}
    by_event: dict[int, _Question] = {}  # a question's (or a regeneration's) event id → the question
    asked: dict[tuple[Any, ...], _Question] = {}  # (database, question, user) → the latest question
    rejected: dict[tuple[Any, ...], set[str]] = {}  # (database, question) → SQL rejected for it
    samples: set[int] = set()  # the ids of regenerations
    reviews: Counter[str] = Counter()
    for event in sorted(events, key=lambda e: e["id"]):
        kind = event["kind"]
        topic = (event.get("database"), question_key(event.get("question") or ""))
        if kind == "rejected":  # known from then on, whatever the period: the view never offers it again
            sql = event.get("final_sql") or event.get("sql") or ""
            rejected.setdefault(topic, set()).add(sql_key(sql))
        day = event_day(event["created_at"])
        if (database is not None and event.get("database") != database) or (
            since is not None and day < since.isoformat()
        ):
            continue
        key = _key(event)
        if kind == "generated":
            regenerates = _regenerates(event)
            question = None
            if regenerates is not None:
                question = by_event.get(regenerates) or asked.get((*topic, event.get("user_name")))
            if question is None:  # asked anew, or a regeneration whose question is not in the period
                question = _question(event, day)
                questions.append(question)
                asked[(*topic, event.get("user_name"))] = question
            if regenerates is not None:
                samples.add(event["id"])
                question.regenerations += regenerates not in samples  # not a retry of the same Regenerate
                if sql_key(event.get("sql") or "") in rejected.get(topic, ()):
                    by_event[event["id"]] = question
                    continue  # a sample the view discarded unseen: it had been rejected for the question
            question.answer(event, regeneration=regenerates is not None)
            latest[key] = by_event[event["id"]] = question
        elif kind in VERDICTS:
            question = latest.get(key)
            if question is None:
                question = latest[key] = _question(event, day)
                questions.append(question)
            _judge(question, event)
        elif kind in REVIEWS:
            reviews[kind] += 1
    return _stats(questions, reviews, since=since, database=database)


def event_day(created_at: str) -> str:
    """The UTC day (``YYYY-MM-DD``) of an event's ``created_at``.

    Example:
        >>> event_day("2026-03-02T01:30:00.000+08:00")
        '2026-03-01'
    """
    moment = datetime.fromisoformat(created_at)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat()


def version_label(model_id: str | None, adapter_hash: str | None) -> str:
    """How a model/adapter version is named: the model, and the adapter's hash cut to 12 characters.

    Example:
        >>> version_label("qwen2.5-coder-0.5b", "3f9a0c1d2e4b5a6978"), version_label(None, None)
        ('qwen2.5-coder-0.5b + adapter 3f9a0c1d2e4b', 'unknown model')
    """
    name = model_id or "unknown model"
    return f"{name} + adapter {adapter_hash[:12]}" if adapter_hash else name


def _key(event: Mapping[str, Any]) -> tuple[Any, ...]:
    return (event.get("database"), question_key(event.get("question") or ""), sql_key(event.get("sql") or ""))


def _question(event: Mapping[str, Any], day: str) -> _Question:
    version = (event.get("model_id") or None, event.get("adapter_hash") or None)
    return _Question(day, event.get("user_name") or "unknown", version)


def _regenerates(event: Mapping[str, Any]) -> int | None:
    """The id of the event whose question a ``generated`` event regenerates (-1 when a sample says it
    regenerates without naming which); None for a question asked anew."""
    details = event.get("details") or {}
    target = details.get("regenerates")
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    return -1 if details.get("seed") is not None else None


def _seconds(event: Mapping[str, Any]) -> float | None:
    timings = (event.get("details") or {}).get("timings") or {}
    total = timings.get("total") if isinstance(timings, dict) else None
    return float(total) if isinstance(total, int | float) and not isinstance(total, bool) else None


def _judge(question: _Question, event: Mapping[str, Any]) -> None:
    """Make ``event`` (accepted, edited or rejected) the question's verdict."""
    details = event.get("details") or {}
    question.reason, question.kinds = None, []
    if event["kind"] == "rejected":
        question.outcome = "rejected"
        question.reason = (details.get("reason") or "").strip() or None
        return
    changes = details.get("diff") or []
    generated, final = event.get("sql") or "", event.get("final_sql") or ""
    if final and sql_key(final) in question.regenerated:  # a regenerated answer, as the model wrote it
        question.outcome = "accepted"
        return
    if generated and final and question.regenerated and sql_key(question.shown) != sql_key(generated):
        # edited after a regeneration: what the user changed is what differs from the SQL on screen
        generated = question.shown
        changes = sql_changes(generated, final, details.get("dialect") or "sqlite")
    changed = sql_key(final) != sql_key(generated) if generated and final else event["kind"] == "edited"
    if not changes and not changed:  # the SQL shown was the one generated: accepted unchanged
        question.outcome = "accepted"
        return
    question.outcome = "edited"
    question.kinds = edit_kinds(changes, details.get("dialect") or "sqlite")


def _stats(
    questions: list[_Question], reviews: Counter[str], *, since: date | None, database: str | None
) -> AdoptionStats:
    for question in questions:
        question.outcome = question.outcome or ("error" if question.error else "no verdict")
    edits: Counter[str] = Counter(kind for q in questions if q.outcome == "edited" for kind in q.kinds)
    reasons: dict[str, str] = {}
    rejections: Counter[str] = Counter()
    for q in questions:
        if q.outcome == "rejected":
            reason = q.reason or NO_REASON
            rejections[reasons.setdefault(reason.casefold(), reason)] += 1
    named = [error_names(error) for q in questions for error in q.errors]
    tables = Counter(n.table for n in named if n.table)
    columns = Counter(f"{n.table}.{n.column}" if n.table else n.column for n in named if n.column)
    days = sorted({q.day for q in questions})
    users = sorted(Counter(q.user for q in questions).items(), key=lambda item: (-item[1], item[0]))
    return AdoptionStats(
        **_tally(questions),
        database=database,
        since=since.isoformat() if since else None,
        edits={kind: edits[kind] for kind in EDIT_KINDS},
        rejections=dict(_ranked(rejections)),
        regenerated_outcomes=_outcomes([q for q in questions if q.regenerations]),
        errors=len(named),
        error_tables=dict(_ranked(tables)),
        error_columns=dict(_ranked(columns)),
        latency=_latency(questions),
        reviews={kind: reviews[kind] for kind in REVIEWS},
        days=[_day_stats(day, [q for q in questions if q.day == day]) for day in days],
        users=[UserStats(**_tally([q for q in questions if q.user == user]), user=user) for user, _ in users],
        versions=_versions(questions),
    )


def _tally(questions: list[_Question]) -> dict[str, Any]:
    return {
        "questions": len(questions),
        "answered": sum(1 for q in questions if not q.error),
        "outcomes": _outcomes(questions),
        "regenerated": sum(1 for q in questions if q.regenerations),
        "regenerations": sum(q.regenerations for q in questions),
    }


def _outcomes(questions: list[_Question]) -> dict[str, int]:
    outcomes = Counter(q.outcome for q in questions)
    return {outcome: outcomes[outcome] for outcome in OUTCOMES}


def _latency(questions: list[_Question]) -> Latency:
    return Latency.of([seconds for q in questions for seconds in q.seconds])


def _day_stats(day: str, questions: list[_Question]) -> DayStats:
    versions = Counter(version_label(*q.version) for q in questions)
    return DayStats(
        **_tally(questions),
        day=day,
        latency=_latency(questions),
        versions=dict(versions),
    )


def _versions(questions: list[_Question]) -> list[VersionStats]:
    found: dict[tuple[str | None, str | None], list[_Question]] = {}
    for question in questions:
        found.setdefault(question.version, []).append(question)
    return [
        VersionStats(
            version_label(*version),
            version[0],
            version[1],
            len(answered),
            min(q.day for q in answered),
            max(q.day for q in answered),
        )
        for version, answered in sorted(found.items(), key=lambda item: min(q.day for q in item[1]))
    ]


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first; ties by name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
