"""What the server extension does, without HTTP: one :class:`~chatbi_jupyterlab.notebook.session.NotebookSession`
(the magic's Python API: connections, conversations, the model settings, the feedback log), its answers
kept by id, and the one worker that does all the session's work.

Work that touches the session, a database or the model runs in the worker (:mod:`chatbi_jupyterlab.worker`),
first come first served; what is read from memory (the connection list once opened, a schema, the model
status) and turning a result into a file are answered without waiting for it. Every coroutine here is
called on the server's event loop; the methods whose names start with ``_`` run in the worker.

Example:
    >>> import asyncio, logging
    >>> service = ChatBIService(ServiceSettings(connections={"demo": "demo"}, feedback_log=""), logging.getLogger())
    >>> asyncio.run(service.model_status()).queued
    0
    >>> service.close()
"""  # noqa: E501

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from chatbi_jupyterlab import new_connection, wire
from chatbi_jupyterlab.adoption import dashboard_wire, parse_since
from chatbi_jupyterlab.answer_wire import TABLE_ROWS, answer_wire, result_table_wire, schema_wire
from chatbi_jupyterlab.cell import cell_source
from chatbi_jupyterlab.errors import AnswerCancelled, BadRequestError, NotFoundError, scrub, url_variants
from chatbi_jupyterlab.export import export
from chatbi_jupyterlab.notebook.answer_card import AnswerCard, CardError
from chatbi_jupyterlab.notebook.chart import ChartError, choose_chart
from chatbi_jupyterlab.notebook.quiet import quiet_model_loading
from chatbi_jupyterlab.notebook.session import ModelSettings, NotebookSession
from chatbi_jupyterlab.store import AnswerStore
from chatbi_jupyterlab.worker import Worker
from explain.edits import edit_from_dict
from nl2sql.assistant import DEFAULT_LOG, DEFAULT_TIME_BUDGET_S
from nl2sql.errors import ChatBIError, ModelUnavailableError
from nl2sql.execute import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S
from nl2sql.query_process import cancelled_by

if TYPE_CHECKING:
    from nl2sql.assistant import Assistant


@dataclass
class ServiceSettings:
    """The server's settings, as the ``ChatBI`` traitlets give them (:mod:`chatbi_jupyterlab.app`)."""

    connections: dict[str, str] = field(default_factory=lambda: {"demo": "demo"})
    default_connection: str | None = None
    max_rows: int = DEFAULT_MAX_ROWS
    timeout_s: float = DEFAULT_TIMEOUT_S
    time_budget_s: float = DEFAULT_TIME_BUDGET_S
    """Seconds an answer may take before it stops trying more (``Assistant.time_budget_s``)."""
    language: str | None = None
    model: str | None = None
    adapter: str | None = None
    base_url: str | None = None
    backend: str = "auto"
    feedback_log: str | None = None
    """A path; None for the default log in the ChatBI data folder; an empty string for no logging."""
    max_answers: int = 200
    table_rows: int = TABLE_ROWS


class AnswerListener(Protocol):
    """Told, in the worker, what a question's answer is doing (the stream of :mod:`chatbi_jupyterlab.stream`).
    Either may raise (:class:`~chatbi_jupyterlab.errors.AnswerCancelled`) to stop the answer there."""

    def stage(self, stage: str) -> None:
        """The answer entered ``stage`` (``Assistant.on_stage``)."""

    def token(self, text: str) -> None:
        """The model wrote ``text`` of the SQL (``Assistant.on_token``)."""


class ChatBIService:
    """The session, its answers and its worker, behind the HTTP handlers."""

    def __init__(self, settings: ServiceSettings, log: logging.Logger) -> None:
        self.settings, self.log = settings, log
        if settings.feedback_log is None:
            feedback: Any = DEFAULT_LOG
        elif settings.feedback_log:
            from feedback import FeedbackLog

            feedback = FeedbackLog(settings.feedback_log)
        else:
            feedback = None
        model = ModelSettings(settings.model, settings.adapter, settings.backend, settings.base_url)
        self.session = NotebookSession(
            max_rows=settings.max_rows, timeout_s=settings.timeout_s, model=model, log=feedback
        )
        names = list(settings.connections)
        wanted = settings.default_connection
        if wanted and wanted not in settings.connections:
            log.warning("ChatBI.default_connection %r is not one of ChatBI.connections", wanted)
        self.default = wanted if wanted in settings.connections else (names[0] if names else None)
        self.configured = list(settings.connections)
        """The connections of the server's settings: never removed from the panel."""
        self.secrets = [variant for spec in settings.connections.values() for variant in url_variants(spec)]
        self.cards: AnswerStore[AnswerCard] = AnswerStore(settings.max_answers)
        self.worker = Worker()
        self.failures: dict[str, str] = {}
        """Why a connection could not be opened, by name (scrubbed of its URL)."""
        self.stage: str | None = None
        self.loading = False
        self.model_error: str | None = None

    # Life --------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the connections in the worker, in the background, so the first question need not."""
        self.worker.start(self._open_all)

    def close(self) -> None:
        self.worker.close()

    async def aclose(self) -> None:
        """Stop the worker: pending requests are dropped, the running one is waited for."""
        await self.worker.aclose()

    # Read from memory --------------------------------------------------------------------------------

    async def connections(self) -> wire.ConnectionList:
        """The configured connections, opened first if they are not yet (never their URLs)."""
        if any(name not in self.session.connections for name in self.settings.connections):
            await self.worker.submit(self._open_all)
        items = []
        for name in self.settings.connections:
            assistant = self.session.connections.get(name)
            dialect = assistant.database.dialect if assistant else None
            tables = len(assistant.schema.tables) if assistant else None
            items.append(
                wire.ConnectionInfo(
                    name,
                    dialect,
                    tables,
                    name == self.default,
                    self.failures.get(name),
                    removable=name not in self.configured,
                )
            )
        return wire.ConnectionList(items, self.default)

    async def schema(self, name: str) -> wire.SchemaSummary:
        name = self.connection_name(name)
        assistant = self.session.connections.get(name) or await self.worker.submit(self._open, name)
        return schema_wire(name, assistant.schema)

    async def model_status(self) -> wire.ModelStatus:
        loaded = [a for a in list(self.session.connections.values()) if a.model_loaded]
        generator = loaded[0].generator if loaded else None
        return wire.ModelStatus(
            describe=self.session.model.describe(),
            loaded=bool(loaded),
            loading=self.loading and not loaded,
            model_id=generator.model_id if generator else None,
            adapter_hash=generator.adapter_hash if generator else None,
            stage=self.stage,
            queued=self.worker.queued,
            error=self.model_error,
        )

    async def dashboard(self, since: str | None, connection: str | None) -> wire.Dashboard:
        """The adoption figures of the feedback log the panel logs to (:mod:`chatbi_jupyterlab.adoption`):
        events of UTC day ``since`` and later, about ``connection``'s database (all when None)."""
        from feedback import FeedbackLog

        day = parse_since(since)
        if self.settings.feedback_log == "":
            raise BadRequestError("the server logs nothing (ChatBI.feedback_log is ''): no figures to show")
        database = None
        if connection:
            name = self.connection_name(connection)
            assistant = self.session.connections.get(name) or await self.worker.submit(self._open, name)
            database = assistant.database.name

        def figures() -> wire.Dashboard:
            log = FeedbackLog(self.settings.feedback_log or None)
            try:
                return dashboard_wire(log, since=day, database=database, connection=connection or None)
            finally:
                log.close()

        loop = asyncio.get_running_loop()  # reads the log through its own connection: no worker needed
        return await loop.run_in_executor(None, figures)

    async def export(self, answer_id: str, kind: str) -> tuple[bytes, str, str]:
        """An answer's rows (all fetched) as a file: bytes, media type, file name."""
        card = self.cards.get(answer_id)
        loop = asyncio.get_running_loop()  # the frame is never changed, only replaced: no worker needed
        return await loop.run_in_executor(None, export, card, kind)

    async def table(self, answer_id: str) -> wire.Table:
        """An answer's result with every row fetched (an answer carries the first ``table_rows``)."""
        card = self.cards.get(answer_id)
        loop = asyncio.get_running_loop()  # as for export: the frame is replaced, never changed
        table = await loop.run_in_executor(None, result_table_wire, card)
        if table is None:
            raise CardError("there is no result to show: the query did not run")
        return table

    async def cell(self, answer_id: str) -> wire.NotebookCell:
        """The code cell that reproduces an answer's result in a kernel (:mod:`chatbi_jupyterlab.cell`)."""
        card = self._card(answer_id)
        if card.frame is None:
            raise CardError("there is no result to reproduce: the query did not run")
        source = cell_source(
            sql=card.sql,
            spec=self.settings.connections[card.connection],
            name=card.connection,
            question=card.answer.question,
            chart_kind=self._chart_shown(card),
        )
        return wire.NotebookCell(card.id, source)

    @staticmethod
    def _chart_shown(card: AnswerCard) -> str | None:
        """The kind of chart the panel shows for ``card``: the one picked, else the rules' choice."""
        if card.chart_kind:
            return card.chart_kind
        try:
            return choose_chart(card.frame, card.answer.question, partial=card.partial).kind
        except ChartError:
            return None

    # Work in the worker ------------------------------------------------------------------------------

    async def ask(self, request: wire.AskRequest, listener: AnswerListener | None = None) -> wire.Answer:
        """Answer ``request`` in the worker, after the requests before it; ``listener`` is told the
        answer's stages and its SQL as it is written."""
        name = self.connection_name(request.connection)
        return self._keep(await self.worker.submit(self._ask, name, request, listener))

    async def run(self, request: wire.RunRequest) -> wire.Answer:
        if request.answer_id:
            card = self._card(request.answer_id, request.connection)
            return self._keep(await self.worker.submit(self._change, card, card.run_sql, request.sql))
        name = self.connection_name(request.connection)
        return self._keep(await self.worker.submit(self._run, name, request.sql, request.question))

    async def edit(self, request: wire.EditRequest) -> wire.Answer:
        card = self._card(request.answer_id, request.connection)
        edit = edit_from_dict(request.edit)
        return self._keep(await self.worker.submit(self._change, card, card.apply_edit, edit))

    async def regenerate(self, request: wire.AnswerRequest) -> wire.Answer:
        card = self._card(request.answer_id)
        return self._keep(
            await self.worker.submit(self._model_work, card, self._change, card, card.regenerate)
        )

    async def reading(self, request: wire.ReadingRequest) -> wire.Answer:
        """Change a semantic answer's interpretation (parts taken off; measures, grouping, window, grain,
        comparison, ranking or share set), checked and compiled again from the semantic model
        (:meth:`AnswerCard.change_reading`), and run it."""
        card = self._card(request.answer_id, request.connection)
        compared, ranked = request.comparison, request.ranking
        change = functools.partial(
            card.change_reading,
            request.remove,
            metrics=request.metrics,
            group_by=request.group_by,
            time_range=request.time_range,
            time_grain=request.time_grain,
            comparison=compared.kind if compared else None,
            show=compared.show if compared else None,
            direction=ranked.direction if ranked else None,
            n=ranked.n if ranked else None,
            within=ranked.within if ranked else None,
            share=request.share,
        )
        return self._keep(await self.worker.submit(self._change, card, change))

    async def chart(self, request: wire.ChartRequest) -> wire.Answer:
        card = self._card(request.answer_id)
        return self._keep(await self.worker.submit(self._change, card, card.switch_chart, request.kind))

    async def add_connection(
        self, request: wire.AddConnectionRequest, root: str | None = None
    ) -> wire.ConnectionList:
        """Open ``request``'s database as the CLI does (a relative file path from ``root``) and keep it
        for the server's lifetime, in memory only (:mod:`chatbi_jupyterlab.new_connection`)."""
        name = new_connection.connection_name(request.name, self.settings.connections)
        spec = new_connection.database_spec(request.database, root)
        secrets = url_variants(spec)
        await self.worker.submit(self._add, name, spec, secrets)
        self.settings.connections[name] = spec  # here, on the event loop, which alone reads the list
        self.secrets.extend(secrets)
        self.default = self.default or name
        self.log.info("ChatBI opened connection %s, added from the panel", name)
        return await self.connections()

    async def remove_connection(self, name: str) -> wire.ConnectionList:
        """Forget connection ``name``, one added from the panel, with its conversation and its answers;
        requests queued before this one are answered first. A connection of the server's settings is
        refused (:class:`BadRequestError`); the default falls back to the first connection left."""
        name = self.connection_name(name)
        if name in self.configured:
            raise BadRequestError(
                f"{name} is a connection of the server's settings (ChatBI.connections): only they remove it"
            )
        del self.settings.connections[name]  # here, on the loop: requests from now on do not find it
        if self.default == name:
            self.default = next(iter(self.settings.connections), None)
        await self.worker.submit(self._remove, name)
        for answer_id in [i for i in self.cards.ids() if self.cards.peek(i).connection == name]:
            self.cards.forget(answer_id)
        self.log.info("ChatBI closed connection %s, removed from the panel", name)
        return await self.connections()

    async def feedback(self, request: wire.FeedbackRequest) -> wire.FeedbackResult:
        card = self._card(request.answer_id)
        if request.kind == "accept":
            message = await self.worker.submit(card.accept)
        else:
            message = await self.worker.submit(card.reject, request.reason)
        return wire.FeedbackResult(card.id, request.kind, card.logging, message)

    def _open_all(self) -> None:
        for name in self.settings.connections:
            if name not in self.session.connections:
                try:
                    self._open(name)
                except ChatBIError:
                    continue  # said in the log, and in the connection list

    def _open(self, name: str) -> Assistant:
        """The assistant of connection ``name``, opened now if it was not."""
        if name in self.session.connections:
            return self.session.connections[name]
        try:
            assistant = self.session.connect(self.settings.connections[name], name=name)
        except ChatBIError as error:
            message = scrub(str(error), self.secrets)
            self.failures[name] = message
            self.log.warning("ChatBI cannot open connection %s: %s", name, message)
            raise ChatBIError(message) from None
        self.failures.pop(name, None)
        assistant.time_budget_s = self.settings.time_budget_s
        self.session.current = self.default
        return assistant

    def _add(self, name: str, spec: str, secrets: list[str]) -> None:
        new_connection.connection_name(name, self.session.connections)  # one queued before took it?
        try:
            assistant = self.session.connect(spec, name=name)
        except ChatBIError as error:
            raise ChatBIError(scrub(str(error), [*self.secrets, *secrets])) from None
        assistant.time_budget_s = self.settings.time_budget_s
        self.session.current = self.default

    def _remove(self, name: str) -> None:
        """Close connection ``name`` after the work queued before its removal."""
        assistant = self.session.connections.pop(name, None)
        self.session.conversations.pop(name, None)
        self.failures.pop(name, None)
        self.session.current = self.default
        if assistant is not None:
            assistant.database.engine.dispose()

    def _ask(
        self, name: str, request: wire.AskRequest, listener: AnswerListener | None = None
    ) -> tuple[AnswerCard, wire.Answer]:
        assistant = self._open(name)
        answer = self._model_work(
            assistant,
            self.session.ask,
            request.question,
            db=name,
            new=request.new,
            follow_up=request.follow_up,
            listener=listener,
        )
        card = AnswerCard(answer, self.session, name, lang=request.language or self.settings.language)
        return card, answer_wire(card, table_rows=self.settings.table_rows)

    def _run(self, name: str, sql: str, question: str) -> tuple[AnswerCard, wire.Answer]:
        assistant = self._open(name)
        with quiet_model_loading():
            answer = assistant.run(sql, question=question)
        card = AnswerCard(answer, self.session, name, lang=self.settings.language)
        card.status = f"ran the query: {card.rows_text()}" if answer.ok else f"not run: {answer.error}"
        return card, answer_wire(card, table_rows=self.settings.table_rows)

    def _change(self, card: AnswerCard, change: Any, *args: Any) -> tuple[AnswerCard, wire.Answer]:
        change(*args)
        return card, answer_wire(card, table_rows=self.settings.table_rows)

    def _model_work(
        self,
        owner: Assistant | AnswerCard,
        job: Any,
        *args: Any,
        listener: AnswerListener | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run ``job`` with the stage of the answer reported to :meth:`model_status` as it goes, and with
        its stages and SQL told to ``listener``; a query running when the listener's ``cancelled`` event
        is set is stopped there, on the server too (:func:`nl2sql.query_process.cancelled_by`)."""
        assistant = owner.assistant if isinstance(owner, AnswerCard) else owner
        self.loading = not assistant.model_loaded
        self.stage = "loading the model if this question needs it" if self.loading else "answering"

        def on_stage(stage: str) -> None:
            self.stage, self.loading = stage, stage == "loading the model"
            if listener is not None:
                listener.stage(stage)

        assistant.on_stage = on_stage
        assistant.on_token = listener.token if listener is not None else None
        cancelled = getattr(listener, "cancelled", None)
        try:
            with quiet_model_loading(), cancelled_by(cancelled):
                result = job(*args, **kwargs)
            if cancelled is not None and cancelled.is_set():  # its query was stopped: no answer to give
                raise AnswerCancelled(getattr(listener, "request_id", ""))
            return result
        except ModelUnavailableError as error:
            self.model_error = scrub(str(error), self.secrets)
            raise
        finally:
            assistant.on_stage, assistant.on_token, self.stage, self.loading = None, None, None, False

    # Names -------------------------------------------------------------------------------------------

    def connection_name(self, name: str | None) -> str:
        """``name`` (the default connection when None), checked; :class:`NotFoundError` if unknown."""
        name = name or self.default
        if name is None or name not in self.settings.connections:
            known = ", ".join(self.settings.connections) or "none"
            raise NotFoundError(f"no connection named {name}; the connections are: {known}")
        return name

    def _card(self, answer_id: str, connection: str | None = None) -> AnswerCard:
        card = self.cards.get(answer_id)
        if card.connection not in self.settings.connections:
            raise NotFoundError(f"answer {answer_id} was on connection {card.connection}, removed since")
        if connection is not None and connection != card.connection:
            raise CardError(f"answer {answer_id} belongs to connection {card.connection}, not {connection}")
        return card

    def _keep(self, result: tuple[AnswerCard, wire.Answer]) -> wire.Answer:
        card, answer = result
        self.cards.add(card.id, card)
        return answer
