"""What an adapter in shadow answered, beside the active adapter, and how it measured.

An adapter in ``shadow`` (:meth:`feedback.registry.AdapterRegistry.shadow`) answers each live question
the active adapter answered with model-written SQL, silently (:mod:`nl2sql.shadow`). Each such answer is
one row of the store's ``shadow_answers`` table (migration ``m005_shadow``): the ``generated`` event it
shadows, both adapters, both SQL, and whether their results agree. When the user's verdict on the answer
arrives, the row is judged: whether each adapter's result matches the SQL the user accepted or
corrected to (``shadow_correct``, ``active_correct``); after a rejection only the active adapter is
known wrong, and the shadow too when it agreed with it. :func:`shadow_summary` adds the rows of one
adapter up, as ``chatbi models show`` and ``promote`` print them.

Example:
    >>> import tempfile
    >>> from feedback.log import FeedbackLog
    >>> log = FeedbackLog(f"{tempfile.mkdtemp()}/feedback.sqlite")
    >>> row = record_shadow_answer(log, event_id=7, database="shop", question="How many?",
    ...     active_adapter="aa" * 32, shadow_adapter="bb" * 32, active_sql="SELECT 1",
    ...     shadow_sql="SELECT 1", shadow_error=None, agree=True)
    >>> record_judgement(log, row, outcome="edited", reference_sql="SELECT 2",
    ...                  shadow_correct=False, active_correct=False)
    >>> summary = shadow_summary(log, "bb" * 32)
    >>> summary.answered, summary.agreed, summary.judged, summary.shadow_correct
    (1, 1, 1, 0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from feedback.log import FeedbackLog

OUTCOMES = ("accepted", "edited", "rejected")
"""The verdicts a shadow answer is judged on (running or exploring an answer says nothing of it)."""

SHADOW_ANSWERS = sa.table(
    "shadow_answers",
    sa.column("id", sa.Integer),
    sa.column("event_id", sa.BigInteger),
    *(sa.column(name, sa.Text) for name in ("created_at", "database", "question", "active_adapter")),
    *(sa.column(name, sa.Text) for name in ("shadow_adapter", "active_sql", "shadow_sql", "shadow_error")),
    sa.column("agree", sa.Boolean),
    *(sa.column(name, sa.Text) for name in ("outcome", "reference_sql", "judged_at")),
    sa.column("shadow_correct", sa.Boolean),
    sa.column("active_correct", sa.Boolean),
)


@dataclass(frozen=True)
class ShadowAnswer:
    """One question answered in shadow."""

    id: int
    event_id: int
    """The ``generated`` event of the answer the user saw."""
    created_at: str
    database: str | None
    question: str | None
    active_adapter: str | None
    """sha256 of the active adapter's weights (None: the bare model answered)."""
    shadow_adapter: str
    active_sql: str | None
    shadow_sql: str | None
    shadow_error: str | None
    """Why the shadow's SQL gave no result (invalid, refused, failed), if it did not."""
    agree: bool
    """Both queries ran and returned the same result (:func:`nl2sql.evaluation.match.results_match`)."""
    outcome: str | None = None
    """The user's verdict on the answer: accepted, edited or rejected; None until one arrives."""
    reference_sql: str | None = None
    """The SQL the user accepted or corrected to."""
    shadow_correct: bool | None = None
    """The shadow's result matches the reference (None: unknown)."""
    active_correct: bool | None = None
    judged_at: str | None = None


@dataclass(frozen=True)
class ShadowSummary:
    """How an adapter did in shadow."""

    answered: int
    """Questions it answered in shadow."""
    agreed: int
    """Of those, answers whose result was the active adapter's."""
    judged: int
    """Answers the user accepted or corrected: the accuracies count these."""
    shadow_correct: int
    active_correct: int
    rejected: int
    """Answers the user rejected (with no correction, so only agreement says the shadow was wrong)."""
    rejected_agreed: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as ``chatbi models show`` prints it.

        Example:
            >>> print("\\n".join(ShadowSummary(4, 3, 2, 2, 1, 1, 0).lines()))
            answered in shadow  4 questions
            agreement           3 of 4 with the active adapter (75%)
            accuracy            on 2 the user accepted or corrected: shadow 2 (100%), active 1 (50%)
            rejected            1, with the shadow agreeing on 0 of them
        """
        if not self.answered:
            return ["answered in shadow  no questions yet"]
        lines = [
            f"answered in shadow  {self.answered} question{'s' if self.answered != 1 else ''}",
            f"agreement           {self.agreed} of {self.answered} with the active adapter"
            f" ({_percent(self.agreed, self.answered)})",
        ]
        if self.judged:
            lines.append(
                f"accuracy            on {self.judged} the user accepted or corrected: shadow"
                f" {self.shadow_correct} ({_percent(self.shadow_correct, self.judged)}), active"
                f" {self.active_correct} ({_percent(self.active_correct, self.judged)})"
            )
        else:
            lines.append("accuracy            not known yet: no answer was accepted or corrected")
        if self.rejected:
            lines.append(
                f"rejected            {self.rejected}, with the shadow agreeing on {self.rejected_agreed}"
                " of them"
            )
        return lines


def record_shadow_answer(
    log: FeedbackLog,
    *,
    event_id: int,
    database: str | None,
    question: str | None,
    active_adapter: str | None,
    shadow_adapter: str,
    active_sql: str | None,
    shadow_sql: str | None,
    shadow_error: str | None,
    agree: bool,
) -> int:
    """Log one answer given in shadow; its row id."""
    row = {
        "event_id": event_id,
        "created_at": log.clock().isoformat(timespec="milliseconds"),
        "database": database,
        "question": question,
        "active_adapter": active_adapter,
        "shadow_adapter": shadow_adapter,
        "active_sql": active_sql,
        "shadow_sql": shadow_sql,
        "shadow_error": shadow_error,
        "agree": agree,
    }
    with log.engine.connect().execution_options(write=True) as connection, connection.begin():
        result = connection.execute(sa.insert(SHADOW_ANSWERS).values(row).returning(SHADOW_ANSWERS.c.id))
        return int(result.scalar_one())


def shadow_answer(log: FeedbackLog, event_id: int, shadow_adapter: str) -> ShadowAnswer | None:
    """What ``shadow_adapter`` answered beside the answer of ``event_id``, or None."""
    query = sa.select(SHADOW_ANSWERS).where(
        SHADOW_ANSWERS.c.event_id == event_id, SHADOW_ANSWERS.c.shadow_adapter == shadow_adapter
    )
    with log.engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return None if row is None else _answer(row)


def shadow_answers(log: FeedbackLog, shadow_adapter: str) -> list[ShadowAnswer]:
    """Everything ``shadow_adapter`` answered in shadow, oldest first."""
    query = (
        sa.select(SHADOW_ANSWERS)
        .where(SHADOW_ANSWERS.c.shadow_adapter == shadow_adapter)
        .order_by(SHADOW_ANSWERS.c.id)
    )
    with log.engine.connect() as connection:
        return [_answer(row) for row in connection.execute(query).mappings()]


def record_judgement(
    log: FeedbackLog,
    row_id: int,
    *,
    outcome: str,
    reference_sql: str | None,
    shadow_correct: bool | None,
    active_correct: bool | None,
) -> None:
    """Record the user's verdict on a shadowed answer, and what it says of each adapter (the latest
    verdict counts)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
    values = {
        "outcome": outcome,
        "reference_sql": reference_sql,
        "shadow_correct": shadow_correct,
        "active_correct": active_correct,
        "judged_at": log.clock().isoformat(timespec="milliseconds"),
    }
    with log.engine.connect().execution_options(write=True) as connection, connection.begin():
        connection.execute(sa.update(SHADOW_ANSWERS).where(SHADOW_ANSWERS.c.id == row_id).values(values))


def shadow_summary(log: FeedbackLog, shadow_adapter: str) -> ShadowSummary:
    """How ``shadow_adapter`` (a full id) did in shadow (see :class:`ShadowSummary`)."""
    rows = shadow_answers(log, shadow_adapter)
    judged = [row for row in rows if row.outcome in ("accepted", "edited")]
    rejected = [row for row in rows if row.outcome == "rejected"]
    return ShadowSummary(
        answered=len(rows),
        agreed=sum(row.agree for row in rows),
        judged=len(judged),
        shadow_correct=sum(bool(row.shadow_correct) for row in judged),
        active_correct=sum(bool(row.active_correct) for row in judged),
        rejected=len(rejected),
        rejected_agreed=sum(row.agree for row in rejected),
    )


def _answer(row: Any) -> ShadowAnswer:
    values = dict(row)
    for name in ("agree", "shadow_correct", "active_correct"):
        if values[name] is not None:
            values[name] = bool(values[name])
    return ShadowAnswer(**values)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%"
