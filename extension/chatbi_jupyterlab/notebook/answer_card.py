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

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import pandas as pd

from chatbi_jupyterlab.notebook.chart import choice_for
from chatbi_jupyterlab.notebook.quiet import quiet_model_loading
from chatbi_jupyterlab.notebook.spreadsheet import workbook
from explain.errors import ExplainError
from explain.plan import plan as make_plan
from explain.review import Review, review
from feedback.corrections import sql_key
from nl2sql.errors import ChatBIError
from nl2sql.input_checks import sql_text_reason
from nl2sql.semantic.chips import without_chips
from nl2sql.semantic.choices import ReadingSlots, with_slots
from nl2sql.semantic.query import SemanticQueryError
from nl2sql.semantic.route import question_language, reading_of

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
        answer: the question's first answer, as generated; a regeneration names its logged event.
        generated: the model's answer on screen: the first, or the latest regeneration that worked; the
            "generated" side of every feedback event, so a regenerated query accepted as it is counts
            as accepted unchanged, and an edit is the change from it.
        sample: the seed of the regeneration on screen; 0 for the first answer.
        current: the answer of the SQL shown (the last run that worked).
        review: the diagnostics, explanation and plan of the SQL shown.
        chart_kind: the chart kind the user picked, kept across edits; None to let the rules choose.
        status: what the last change did, in one line.
    """

    def __init__(
        self, answer: Answer, session: NotebookSession, connection: str, *, lang: str | None = None
    ) -> None:
        self.id = uuid.uuid4().hex
        self.answer = self.generated = self.current = answer
        self.sample = 0
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
        """Whether the SQL shown is not the model's answer on screen (a regeneration is no edit)."""
        return self.sql.strip() != self.generated.sql.strip()

    @property
    def regenerated(self) -> bool:
        """Whether the model's answer on screen is a regeneration of the first."""
        return self.generated is not self.answer

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

    def remove_reading_parts(self, chip_ids: Sequence[str]) -> None:
        """Take parts off the interpretation shown (the ratio, bounds: the ids of
        :func:`nl2sql.semantic.chips.query_chips`), compile it again from the semantic model and run it;
        on an error nothing changes."""
        self.change_reading(chip_ids)

    def change_reading(self, remove: Sequence[str] = (), **slots: Unpack[ReadingSlots]) -> None:
        """Change the interpretation shown: take the parts ``remove`` off, and set the
        :class:`~nl2sql.semantic.choices.ReadingSlots` given (a slot left out or None stays, as
        :func:`nl2sql.semantic.choices.with_slots` says: the measures, grouping, window and grain, the
        comparison and what it shows, the ranking, the share of the whole); then compile it again from the
        semantic model, without the language model, and run it. On an error nothing changes.

        Raises:
            CardError: the SQL shown is no reading, nothing was asked to change, or the changed query
                is malformed or cannot be compiled (a measure the model lacks, a grouping it cannot
                reach, a window that is none), said in one line.
        """
        reading, semantic = self.reading_shown, self.assistant.semantic
        if reading is None or reading.query is None or semantic is None:
            raise CardError("the SQL shown is no reading of the semantic model: there is nothing to change")
        if not remove and all(value is None for value in slots.values()):
            raise CardError("nothing to change in the reading: remove a part or set a slot")
        try:
            query = with_slots(without_chips(reading.query, remove), **slots)
            changed = reading_of(
                query,
                semantic,
                dialect=self.assistant.database.dialect,
                today=self.assistant.today,
                lang=self.reading_lang,
            )
        except SemanticQueryError as error:
            raise CardError(f"cannot apply: {error}") from error
        self.apply_reading(changed)

    @property
    def reading_lang(self) -> str:
        """The language interpretations are said in: the card's, else the question's."""
        return self.lang or question_language(self.answer.question)

    def workbook(self) -> bytes:
        """The rows shown (all fetched) as an Excel workbook, with the question and SQL on a second sheet."""
        if self.frame is None:
            raise CardError("there is no result to save: the query did not run")
        query = pd.DataFrame({"question": [self.answer.question], "sql": [self.sql]})
        return workbook({"result": self.frame, "query": query})  # text as strings, never formulas

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
        differs from the model's answer on screen (:attr:`generated`), else "executed", as the notebook
        view does."""
        sql = sql.strip()
        if not sql:
            raise CardError("there is no SQL to run")
        with quiet_model_loading():
            result = self.assistant.run(sql, question=self.answer.question)
        if result.error:
            problems = [d.message for d in result.diagnostics if d.is_error and d.message != result.error]
            raise CardError("; ".join([f"not run: {result.error}", *problems]))
        self._show(result)
        edited = result.sql != self.generated.sql.strip()
        note = self._record("explored" if edited else "executed")
        generated = "the regenerated" if self.regenerated else "the generated"
        self.status = f"ran {'the edited' if edited else generated} query: {self.rows_text()}{note}"

    def regenerate(self, on_try: Callable[[int], Any] | None = None) -> None:
        """Ask the model again, sampling with seed 1, 2, 3, … on each call with the same context; a query
        rejected for this question (here or earlier) is never offered again: up to
        :data:`REGENERATE_TRIES` samples are drawn to find another. ``on_try`` is told each seed. Each
        sample is logged as a regeneration of the answer's question, a discarded one's retry as a
        regeneration of that sample (:mod:`feedback.stats` counts a Regenerate once). The sample shown
        becomes :attr:`generated`: what is accepted, edited or rejected from then on is judged against
        it, not against the first answer."""
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
        self.generated, self.sample = result, self._seed
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
        if not sql or sql_text_reason(sql, self.assistant.database.dialect):
            return Review(sql, [], None, None)  # nothing to explain; the answer's error says why
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
            self.assistant.record(kind, self.generated, final_sql=self.sql, reason=reason)
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
