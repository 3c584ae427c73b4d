"""One question timed from submit to its first streamed event, its first SQL token and its finished answer,
two ways: over the panel's websocket as the panel asks (:class:`PanelClient`), and through
``Assistant.ask`` in this process (:func:`time_in_process`), with the same stage and token callbacks the
panel's server gives it.

Over the socket, "finished" is the ``done`` message read and parsed (the answer card as the panel gets
it: SQL, explanation, plan, table, chart); in this process it is ``Assistant.ask`` returning.

Example:
    >>> from nl2sql.models.base import Generation
    >>> class Pieces:  # writes its answer in two pieces, as a local model does
    ...     model_id, adapter_hash = "pieces", None
    ...     def generate(self, messages, *, on_token=None, **options):
    ...         for piece in ["```sql\\nSELECT COUNT(*)", " FROM customers\\n```"]:
    ...             on_token(piece)
    ...         return Generation("```sql\\nSELECT COUNT(*) FROM customers\\n```", 10, 2)
    >>> from nl2sql import Assistant
    >>> assistant = Assistant("demo", generator=Pieces(), semantic=False, log=None)
    >>> timing = time_in_process(assistant, "How many customers are there?")
    >>> timing.path, timing.error, 0 <= timing.first_event <= timing.first_token <= timing.finished
    ('sql', None, True)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nl2sql.errors import ChatBIError

if TYPE_CHECKING:
    from nl2sql.assistant import Assistant

READ_TIMEOUT_S = 600.0
"""Only so that a server that stopped answering ends the measurement instead of hanging it."""
LAST = ("done", "cancelled", "error")


class PanelSocketError(ChatBIError):
    """The panel's websocket could not be opened, closed early, or sent no answer in time."""


@dataclass
class AskTiming:
    """One question's times, in seconds from submit."""

    first_event: float
    """The first stage (or token) the answer told."""
    first_token: float | None
    """The first piece of SQL the model wrote; None when no model wrote any (semantic layer, refusal)."""
    finished: float
    """The answer, whole."""
    path: str
    """How it was answered: verified, semantic, sql or refused."""
    answer_total: float | None
    """``Assistant.ask``'s own time for it (the answer's ``timings["total"]``), where it ran."""
    error: str | None = None
    """The answer's error, if it has one (the timing still counts: the user saw that card)."""


def time_in_process(assistant: Assistant, question: str) -> AskTiming:
    """Ask ``question`` through ``assistant`` (a new conversation), timing its stages and SQL tokens."""
    marks: dict[str, float] = {}

    def stage(_: str) -> None:
        marks.setdefault("first_event", time.perf_counter())

    def token(_: str) -> None:
        now = time.perf_counter()
        marks.setdefault("first_event", now)
        marks.setdefault("first_token", now)

    assistant.on_stage, assistant.on_token = stage, token
    try:
        started = time.perf_counter()
        answer = assistant.ask(question)
        finished = time.perf_counter()
    finally:
        assistant.on_stage, assistant.on_token = None, None
    first_token = marks.get("first_token")
    return AskTiming(
        first_event=marks.get("first_event", finished) - started,
        first_token=None if first_token is None else first_token - started,
        finished=finished - started,
        path=answer.path,
        answer_total=answer.timings.get("total"),
        error=answer.error,
    )


class PanelClient:
    """One websocket to the panel's ``/chatbi/api/stream``, asking as the panel does; synchronous calls
    over an event loop of its own."""

    def __init__(self, url: str, connection: str | None = None) -> None:
        from tornado.websocket import websocket_connect

        async def connect() -> Any:
            return await asyncio.wait_for(websocket_connect(url), READ_TIMEOUT_S)

        self.connection = connection
        self._loop = asyncio.new_event_loop()
        self._ids = itertools.count(1)
        try:
            self._socket = self._loop.run_until_complete(connect())
        except Exception as error:
            self._loop.close()
            raise PanelSocketError(f"the panel's websocket did not open: {error}") from None

    def ask(self, question: str) -> AskTiming:
        """Ask ``question`` (a new conversation), timing each message about it until its answer."""
        return self._loop.run_until_complete(self._ask(question))

    async def _ask(self, question: str) -> AskTiming:
        request_id = str(next(self._ids))
        ask: dict[str, Any] = {"question": question, "connection": self.connection, "new": True}
        message = json.dumps({"type": "ask", "request_id": request_id, "ask": ask})
        first_event = first_token = None
        started = time.perf_counter()
        await self._socket.write_message(message)
        while True:
            text = await asyncio.wait_for(self._socket.read_message(), READ_TIMEOUT_S)
            now = time.perf_counter()
            if text is None:
                raise PanelSocketError("the server closed the panel's websocket")
            reply = json.loads(text)
            if reply.get("request_id") != request_id:
                continue
            first_event = now if first_event is None else first_event
            if reply["type"] == "token" and first_token is None:
                first_token = now
            if reply["type"] in LAST:
                break
        if reply["type"] != "done":
            raise PanelSocketError(f"the panel got no answer ({reply['type']}): {reply.get('message')}")
        answer = reply["answer"]
        return AskTiming(
            first_event=first_event - started,
            first_token=None if first_token is None else first_token - started,
            finished=now - started,
            path=answer["path"],
            answer_total=answer["timings"].get("total"),
            error=answer["error"],
        )

    def close(self) -> None:
        self._socket.close()
        self._loop.run_until_complete(asyncio.sleep(0))
        self._loop.close()
