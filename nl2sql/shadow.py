"""Shadow mode: the adapter in shadow answers live questions silently, beside the active one.

After the assistant has answered a question with SQL the active adapter wrote, it hands the prompt to a
:class:`ShadowRunner`: one background thread, with a generator of its own
(:func:`nl2sql.models.resolve.load_shadow_generator`), answers the same prompt with the shadow adapter
(its greedy answer, mended and value-matched as the active one's; no repair round), runs both queries
read-only through the product's bounded execution (:func:`nl2sql.execute.run_query`), compares the
results as execution accuracy does (:mod:`nl2sql.evaluation.match`) and logs the pair in the feedback
store (:mod:`feedback.shadow_log`). When the user accepts, corrects or rejects that answer, the runner
judges both adapters against it, on the same thread.

The user's answer never waits: handing over is a put on a queue, one shadow answer runs at a time, and
a question is not shadowed when :data:`MAX_PENDING` are waiting already. Nothing the shadow does
changes the answer; its failures go to the ``nl2sql.shadow`` logger.

Example:
    >>> import tempfile
    >>> from feedback.log import FeedbackLog
    >>> from nl2sql.connect import open_database
    >>> from nl2sql.models.base import Generation
    >>> from nl2sql.schema import load_schema
    >>> class Fixed:  # stands in for the shadow model in this example
    ...     model_id, adapter_hash = "fixed", "bb" * 32
    ...     def generate(self, messages, **options):
    ...         return Generation("```sql\\nSELECT COUNT(*) AS n FROM customers\\n```", 10, 8)
    >>> log = FeedbackLog(f"{tempfile.mkdtemp()}/feedback.sqlite")
    >>> demo = open_database("demo")
    >>> runner = ShadowRunner(lambda: Fixed(), "bb" * 32, log, demo, load_schema(demo))
    >>> runner.submit_answer(event_id=1, question="How many customers?", messages=[],
    ...                      active_sql="SELECT COUNT(*) FROM customers", active_adapter="aa" * 32)
    True
    >>> runner.submit_feedback(1, "edited", "SELECT COUNT(*) FROM customers WHERE 0")
    >>> runner.wait()
    >>> from feedback.shadow_log import shadow_answer
    >>> row = shadow_answer(log, 1, "bb" * 32)
    >>> row.shadow_sql, row.agree, row.outcome, row.shadow_correct
    ('SELECT COUNT(*) AS n FROM customers', True, 'edited', False)
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from explain.autofix import mend
from feedback.log import FeedbackLog
from feedback.shadow_log import OUTCOMES, record_judgement, record_shadow_answer, shadow_answer
from nl2sql.connect import Database
from nl2sql.errors import ChatBIError
from nl2sql.evaluation.match import Row, orders_rows, results_match
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, run_query
from nl2sql.extract import extract_sql
from nl2sql.models.base import Generator, Message
from nl2sql.schema import Schema
from nl2sql.today import clock_as_of
from nl2sql.values import match_values

GIVE_WAY_POLL_S = 0.05
"""How often the shadow looks whether the user's model has finished writing."""


class _GaveWay(Exception):
    """The user's model started writing: the shadow's answer is given up."""


MAX_PENDING = 2
"""Questions waiting for the shadow at most; one more is not shadowed (verdicts are always judged)."""

logger = logging.getLogger("nl2sql.shadow")


@dataclass(frozen=True)
class _Answer:
    event_id: int
    question: str
    messages: list[Message]
    active_sql: str
    active_adapter: str | None


@dataclass(frozen=True)
class _Verdict:
    event_id: int
    outcome: str
    reference_sql: str


class ShadowRunner:
    """Answers in shadow, one question at a time, on a thread of its own.

    Args:
        load: makes the shadow's generator (called once, on the runner's thread, at the first question).
        adapter_id: the shadow adapter's id (the sha256 of its weights), as its answers are logged.
        log: the feedback store the answers and verdicts go to.
        database: the database the questions are about.
        schema: its schema, to mend the shadow's SQL as the active adapter's is.
        today: the day the answers' clock is pinned to (:mod:`nl2sql.today`); by default the local
            clock's day at each answer.
        max_rows, timeout_s, max_new_tokens: the bounds the answers run under.
    """

    def __init__(
        self,
        load: Callable[[], Generator],
        adapter_id: str,
        log: FeedbackLog,
        database: Database,
        schema: Schema,
        *,
        today: date | None = None,
        max_rows: int = DEFAULT_MAX_ROWS,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_new_tokens: int = 256,
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        self._load, self.adapter_id, self.log = load, adapter_id, log
        self.busy = busy
        self.database, self.schema, self.today = database, schema, today
        self.max_rows, self.timeout_s, self.max_new_tokens = max_rows, timeout_s, max_new_tokens
        self._generator: Generator | None = None
        self._jobs: queue.Queue[_Answer | _Verdict] = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.answered = self.dropped = self.failed = self.gave_way = 0
        """Questions answered in shadow, not shadowed (the queue was full), shadow work that failed, and
        shadow answers given up because the user's model started writing (:meth:`_answer`)."""

    def submit_answer(
        self,
        *,
        event_id: int,
        question: str,
        messages: list[Message],
        active_sql: str,
        active_adapter: str | None,
    ) -> bool:
        """Have the shadow answer the prompt ``messages`` that the active adapter answered with
        ``active_sql`` (logged as ``event_id``); False when too many wait already (not shadowed)."""
        with self._lock:
            if self._pending >= MAX_PENDING:
                self.dropped += 1
                return False
            self._pending += 1
        self._put(_Answer(event_id, question, list(messages), active_sql, active_adapter))
        return True

    def submit_feedback(self, event_id: int, outcome: str, reference_sql: str) -> None:
        """Judge the shadow's answer beside ``event_id`` (if it gave one) by the user's verdict:
        ``accepted`` or ``edited`` with the SQL the user ended with, or ``rejected``."""
        if outcome in OUTCOMES:
            self._put(_Verdict(event_id, outcome, reference_sql))

    def wait(self) -> None:
        """Return once everything handed over so far is done (for tests, and before exiting)."""
        self._jobs.join()

    def _put(self, job: _Answer | _Verdict) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="chatbi-shadow", daemon=True)
                self._thread.start()
        self._jobs.put(job)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if isinstance(job, _Answer):
                    self._answer(job)
                else:
                    self._judge(job)
            except Exception:  # a background thread: nothing may reach the user, everything is logged
                self.failed += 1
                what = "answer" if isinstance(job, _Answer) else "verdict"
                logger.warning(
                    "shadow adapter %s: the %s of event %s failed",
                    self.adapter_id[:12],
                    what,
                    job.event_id,
                    exc_info=True,
                )
            finally:
                if isinstance(job, _Answer):
                    with self._lock:
                        self._pending -= 1
                self._jobs.task_done()

    def _answer(self, job: _Answer) -> None:
        """Answer ``job`` in shadow, but only while the user's model is idle: the shadow waits for it to
        finish, and gives its answer up (:attr:`gave_way`) as soon as the user's model starts writing
        again, so that on a small CPU the shadow never takes cores from an answer someone waits for."""
        if self._generator is None:
            self._generator = self._load()
        while self.busy():
            time.sleep(GIVE_WAY_POLL_S)

        def give_way(_piece: str) -> None:
            if self.busy():
                raise _GaveWay

        try:
            generation = self._generator.generate(
                job.messages, max_new_tokens=self.max_new_tokens, on_token=give_way
            )
        except _GaveWay:
            self.gave_way += 1
            logger.debug("shadow adapter %s gave way on event %s", self.adapter_id[:12], job.event_id)
            return
        sql, error = self._shadow_sql(extract_sql(generation.text))
        active_rows = self._rows(job.active_sql)
        shadow_rows = self._rows(sql) if sql and error is None else None
        if shadow_rows is None and error is None:
            error = "its SQL gave no result"
        record_shadow_answer(
            self.log,
            event_id=job.event_id,
            database=self.database.name,
            question=job.question,
            active_adapter=job.active_adapter,
            shadow_adapter=self.adapter_id,
            active_sql=job.active_sql,
            shadow_sql=sql,
            shadow_error=error,
            agree=self._same(job.active_sql, active_rows, shadow_rows),
        )
        self.answered += 1

    def _shadow_sql(self, sql: str) -> tuple[str, str | None]:
        """The shadow's SQL mended and value-matched as the active adapter's is, and why it cannot run."""
        if not sql:
            return "", "no SQL in its answer"
        mended = mend(sql, self.schema)
        problem = next((d for d in mended.diagnostics if d.is_error), None)
        if problem is not None:
            return mended.sql, problem.message
        return match_values(mended.sql, self.database, self.schema).sql, None

    def _judge(self, verdict: _Verdict) -> None:
        row = shadow_answer(self.log, verdict.event_id, self.adapter_id)
        if row is None:  # not shadowed
            return
        if verdict.outcome == "rejected":  # no right answer known: the shadow was wrong if it agreed
            shadow_correct, active_correct = (False if row.agree else None), False
        else:
            reference = self._rows(verdict.reference_sql)
            shadow_rows = self._rows(row.shadow_sql) if row.shadow_sql and not row.shadow_error else None
            shadow_correct = self._same(verdict.reference_sql, reference, shadow_rows)
            active_correct = self._same(verdict.reference_sql, reference, self._rows(row.active_sql or ""))
        record_judgement(
            self.log,
            row.id,
            outcome=verdict.outcome,
            reference_sql=verdict.reference_sql,
            shadow_correct=shadow_correct,
            active_correct=active_correct,
        )

    def _rows(self, sql: str) -> list[Row] | None:
        """The rows ``sql`` returns, run read-only within the answers' bounds; None when it fails."""
        if not sql:
            return None
        pinned = clock_as_of(sql, self.database.dialect, self.today)
        try:
            return run_query(self.database, pinned, max_rows=self.max_rows, timeout_s=self.timeout_s).rows
        except ChatBIError:
            return None

    def _same(self, reference_sql: str, reference: list[Row] | None, other: list[Row] | None) -> bool:
        """Whether both ran and ``other`` holds ``reference``'s result."""
        if reference is None or other is None:
            return False
        ordered = orders_rows(reference_sql, self.database.dialect)
        return results_match(reference, other, ordered=ordered)


def shadow_runner(
    model: str | None,
    log: FeedbackLog,
    database: Database,
    schema: Schema,
    *,
    backend: str = "auto",
    busy: Callable[[], bool] = lambda: False,
    **bounds: Any,
) -> ShadowRunner | None:
    """A runner for ``model``'s adapter in shadow in ``log``'s registry; None when none is in shadow
    (or, with a warning, when its weights cannot be used). ``bounds``: :class:`ShadowRunner`'s
    ``today``, ``max_rows``, ``timeout_s`` and ``max_new_tokens``; ``busy``: whether the user's model is
    writing (the shadow gives way to it).

    Example:
        >>> import tempfile
        >>> from nl2sql.connect import open_database
        >>> from nl2sql.schema import load_schema
        >>> demo = open_database("demo")
        >>> log = FeedbackLog(f"{tempfile.mkdtemp()}/feedback.sqlite")
        >>> shadow_runner(None, log, demo, load_schema(demo)) is None
        True
    """
    from feedback.registry import usable_shadow
    from nl2sql.models.resolve import load_shadow_generator
    from nl2sql.models.weights import DEFAULT_MODEL

    entry = usable_shadow(model or DEFAULT_MODEL, log)
    if entry is None:
        return None

    def load() -> Generator:
        return load_shadow_generator(model, entry.path, backend=backend)

    return ShadowRunner(load, entry.id, log, database, schema, busy=busy, **bounds)
