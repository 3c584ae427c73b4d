"""One answer and what the user did to it since: what the notebook's answer view
(:class:`chatbi_jupyterlab.notebook.answer_view.AnswerView`) and the JupyterLab panel's server both show and
change, without any widget. Both are thin shells over this class, so the panel and the magic log the
same events with the same diffs. It works through the core: the SQL is checked and explained by
:func:`explain.review.review`, changed by :meth:`explain.plan.Plan.apply`, run by
:meth:`nl2sql.assistant.Assistant.run`, and what the user did is logged by :meth:`Assistant.record`.
A change that fails raises :class:`CardError` and loses nothing: the SQL and result shown stay those of
the last run that worked.

Example:
    >>> import os, sqlite3, tempfile
    >>> from explain.edits import SetLimit
    >>> from chatbi_jupyterlab.notebook.session import NotebookSession
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> con = sqlite3.connect(path)
    >>> _ = con.executescript("CREATE TABLE customers (name TEXT, segment TEXT);"
    ...     "INSERT INTO customers VALUES ('Ann', 'SMB'), ('Bo', 'SMB'), ('Cy', 'Consumer');")
    >>> con.commit(); con.close()
    >>> session = NotebookSession(log=None)
    >>> assistant = session.connect(path, name="shop")
    >>> answer = assistant.run("SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment",
    ...                        question="How many customers per segment?")
    >>> card = AnswerCard(answer, session, "shop")
    >>> card.apply_edit(SetLimit(1))
    >>> card.sql, len(card.frame), card.edited
    ('SELECT segment, COUNT(*) AS n FROM customers GROUP BY segment LIMIT 1', 1, True)
    >>> card.status
    'ran the edited query: 1 row (feedback logging is off)'
    >>> card.run_sql("SELECT segment FROM nowhere")
    Traceback (most recent call last):
    ...
    chatbi_jupyterlab.notebook.answer_card.CardError: not run: no table nowhere
    >>> card.accept()
    'accepted: thank you (feedback logging is off)'
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from chatbi_jupyterlab.notebook.chart import choice_for
from chatbi_jupyterlab.notebook.quiet import quiet_model_loading
from explain.errors import ExplainError
from explain.plan import plan as make_plan
from explain.review import Review, review
from feedback.corrections import sql_key
from nl2sql.errors import ChatBIError

if TYPE_CHECKING:
    from chatbi_jupyterlab.notebook.session import NotebookSession
    from explain.edits import Edit
    from nl2sql.answer import Answer
    from nl2sql.semantic.route import Reading

REGENERATE_TRIES = 3
"""Samples a regenerate draws, at most, to find a query not rejected for the question (as the view)."""


class CardError(ChatBIError):
    """A change to an answer that could not be made; the answer stays as it was."""


class AnswerCard:
    """An answer and what the user did to it since.

    Args:
        answer: what the assistant answered (or :meth:`Assistant.run` returned for user SQL).
        session: the session whose connection ``connection`` runs the SQL and logs feedback, and whose
            conversation on it learns the SQL the user ended with.
        connection: the connection's name in ``session``.
        lang: the explanation's language, ``en`` or ``zh``; the question's when None.

    Attributes:
        id: names the answer in requests.
        answer: the answer as generated; the "generated" side of every feedback event.
        current: the answer of the SQL shown (the last run that worked).
        review: the diagnostics, explanation and plan of the SQL shown.
        chart_kind: the chart kind the user picked, kept across edits; None to let the rules choose.
        status: what the last change did, in one line.
    """

    def __init__(
        self, answer: Answer, session: NotebookSession, connection: str, *, lang: str | None = None
    ) -> None:
        self.id = uuid.uuid4().hex
        self.answer = self.current = answer
        self.session, self.connection, self.lang = session, connection, lang
        self.assistant = session.assistant(connection)
        self.review = self._review(answer.sql)
        self.chart_kind: str | None = None
        self.reading: Reading | None = answer.interpretation
        """What a semantic answer was read as; changed by :meth:`apply_reading`."""
        self.status = "answered" if answer.ok else f"not answered: {answer.error}"
        self._seed = 0
        self._rejected: set[str] = set()

    @property
    def sql(self) -> str:
        """The SQL shown."""
        return self.current.sql

    @property
    def frame(self) -> pd.DataFrame | None:
        """The result shown (None when the SQL did not run)."""
        return self.current.data

    @property
    def edited(self) -> bool:
        return self.sql.strip() != self.answer.sql.strip()

    @property
    def partial(self) -> bool:
        """Whether the rows shown are not all there are (a LIMIT, FETCH or the row cap): never a pie then."""
        return self.current.truncated or _limited(self.sql, self.assistant.database.dialect)

    @property
    def reading_shown(self) -> Reading | None:
        """The interpretation of the SQL shown: the reading it was compiled from, None once the SQL was
        changed some other way (then only the SQL and its explanation say what it does)."""
        if self.reading is not None and self.reading.sql.strip() == self.sql.strip():
            return self.reading
        return None

    def apply_reading(self, reading: Reading) -> None:
        """Run a changed interpretation of a semantic answer (SQL compiled from the semantic model, no
        language model); on an error nothing changes."""
        previous, self.reading = self.reading, reading
        try:
            self.run_sql(reading.sql)
        except CardError:
            self.reading = previous
            raise

    def workbook(self) -> bytes:
        """The rows shown (all fetched) as an Excel workbook, with the question and SQL on a second sheet."""
        if self.frame is None:
            raise CardError("there is no result to save: the query did not run")
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            self.frame.to_excel(writer, sheet_name="result", index=False)
            pd.DataFrame({"question": [self.answer.question], "sql": [self.sql]}).to_excel(
                writer, sheet_name="query", index=False
            )
        return buffer.getvalue()

    def switch_chart(self, kind: str) -> None:
        """Draw the result as a ``kind`` chart from now on; :class:`ChartError` when it does not fit."""
        if self.frame is None:
            raise CardError("there is no result to draw: the query did not run")
        choice_for(self.frame, kind, self.answer.question, partial=self.partial)
        self.chart_kind = kind
        self.status = f"drawn as a {kind}" if kind != "table" else "shown as a table"

    def apply_edit(self, edit: Edit) -> None:
        """Change the SQL shown by one :mod:`explain.edits` edit and run it."""
        self.apply_edits([edit])

    def apply_edits(self, edits: Sequence[Edit]) -> None:
        """Apply ``edits`` one after the other (each to the plan of the SQL before it), then run the
        result once."""
        if self.review.plan is None:
            raise CardError("this query has no plan to change; edit the SQL instead")
        sql, current = self.sql, self.review.plan
        try:
            for number, edit in enumerate(edits):
                if number:
                    current = make_plan(sql, self.assistant.schema)
                sql = current.apply(edit)
        except ExplainError as error:
            raise CardError(f"cannot apply: {error}") from error
        self.run_sql(sql)

    def run_sql(self, sql: str) -> None:
        """Run ``sql`` (read-only, validated) in place of the SQL shown. Logs an "explored" event when it
        differs from the generated SQL, else "executed", as the notebook view does."""
        sql = sql.strip()
        if not sql:
            raise CardError("there is no SQL to run")
        with quiet_model_loading():
            result = self.assistant.run(sql, question=self.answer.question)
        if result.error:
            problems = [d.message for d in result.diagnostics if d.is_error and d.message != result.error]
            raise CardError("; ".join([f"not run: {result.error}", *problems]))
        self._show(result)
        edited = result.sql != self.answer.sql.strip()
        note = self._record("explored" if edited else "executed")
        self.status = f"ran {'the edited' if edited else 'the generated'} query: {self.rows_text()}{note}"

    def regenerate(self, on_try: Callable[[int], Any] | None = None) -> None:
        """Ask the model again, sampling with seed 1, 2, 3, … on each call with the same context; a query
        rejected for this question (here or earlier) is never offered again: up to
        :data:`REGENERATE_TRIES` samples are drawn to find another. ``on_try`` is told each seed. Each
        sample is logged as a regeneration of the answer's question, a discarded one's retry as a
        regeneration of that sample (:mod:`feedback.stats` counts a Regenerate once)."""
        rejected = self._rejected | self.assistant.rejected_sql(self.answer.question)
        regenerates = self.answer.event_id  # a retry asks again for the sample it discards
        for _ in range(REGENERATE_TRIES):
            self._seed += 1
            if on_try is not None:
                on_try(self._seed)
            try:
                with quiet_model_loading():
                    result = self.assistant.ask(
                        self.answer.question,
                        history=self.answer.history,
                        seed=self._seed,
                        regenerates=regenerates,
                    )
            except ChatBIError as error:
                raise CardError(f"cannot regenerate: {error}") from error
            if sql_key(result.sql) not in rejected:
                break
            regenerates = result.event_id or regenerates
        else:
            raise CardError(
                f"the model offered only queries rejected for this question ({REGENERATE_TRIES} samples)"
            )
        if result.error:
            raise CardError(f"sample {self._seed} failed, the previous query is kept: {result.error}")
        self._show(result)
        self.status = f"regenerated (sample {self._seed}): {self.rows_text()}"

    def accept(self) -> str:
        """Log that the SQL shown answers the question; what was done, in one line."""
        if self.current.error or not self.sql:
            raise CardError("only an answer that ran can be accepted: edit or regenerate it first")
        note = self._record("accepted") or ", logged with the SQL shown"
        self.status = f"accepted: thank you{note}"
        return self.status

    def reject(self, reason: str | None = None) -> str:
        """Log that the answer is wrong; ``reason`` says why, in the user's words."""
        reason = (reason or "").strip() or None
        self._rejected.add(sql_key(self.sql))
        note = self._record("rejected", reason=reason) or ", logged"
        self.status = f"rejected{f' ({reason})' if reason else ''}: thank you{note}"
        return self.status

    @property
    def logging(self) -> bool:
        """Whether feedback is logged at all."""
        return self.assistant.log is not None

    def _review(self, sql: str) -> Review:
        if not sql:
            return Review(sql, [], None, None)
        return review(  # dates counted from the day the SQL runs at (the database's today, as pinned)
            sql,
            self.assistant.schema,
            lang=self.lang,
            question=self.answer.question,
            terms=self.assistant.glossary.terms,
            today=self.assistant.today,
        )

    def _show(self, result: Answer) -> None:
        """Make ``result`` the answer shown, and tell the conversation the SQL the user ended with."""
        self.current, self.review = result, self._review(result.sql)
        conversation = self.session.conversation(self.connection)
        question = self.answer.question.strip()
        if conversation.turns and conversation.turns[-1].question == question:
            conversation.replace_last_sql(self.sql)
        elif all(turn.question != question for turn in conversation.turns):
            conversation.add(question, self.sql)

    def _record(self, kind: str, *, reason: str | None = None) -> str:
        """Log what the user did; empty, or a note saying why nothing was logged."""
        if self.assistant.log is None:
            return " (feedback logging is off)"
        with quiet_model_loading():  # learning a correction may load the embedding model
            self.assistant.record(kind, self.answer, final_sql=self.sql, reason=reason)
        return ""

    def rows_text(self) -> str:
        """How many rows are shown: ``3 rows``, ``more than 10000 rows``."""
        count = len(self.frame) if self.frame is not None else 0
        more = "more than " if self.current.truncated else ""
        return f"{more}{count} row{'s' if count != 1 else ''}"


def _limited(sql: str, dialect: str) -> bool:
    """Whether the outermost query keeps only some rows (LIMIT, FETCH FIRST, TOP)."""
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return False
    return tree is not None and bool(tree.args.get("limit") or tree.args.get("fetch"))
