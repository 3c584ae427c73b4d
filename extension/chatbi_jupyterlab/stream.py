"""The answer stream: a websocket at ``{base_url}chatbi/api/stream`` over which the panel asks questions
and sees each answer's stages and its SQL as the model writes it, and can cancel.

Messages are the ``Stream…`` types of :mod:`chatbi_jupyterlab.wire`, as JSON. The panel sends
``{"type": "ask", "request_id": "1", "ask": {"question": …}}`` and gets, for that ``request_id``,
``stage`` messages (linking, generating, checking, running, …), ``token`` messages with the SQL while it
is generated, then one of ``done`` (the answer, as POST ask returns it), ``cancelled`` or ``error``.
``{"type": "cancel", "request_id": "1"}`` stops the question at the next token or stage; the server says
``cancelling`` at once. Questions go to the one worker in the order they came (after the REST API's), so
the answers on one socket come in order; closing the socket cancels its questions.

Authentication is jupyter_server's own (as its events socket, ``services/events/handlers.py``): the token
(in the query string, ``?token=…``, since a browser cannot set headers on a websocket) or the login
cookie, else 403. Unlike jupyter_server's sockets, a page from another origin is refused even with a
token, unless the server's owner allowed that origin (``ServerApp.allow_origin``, ``allow_origin_pat``).

The model works in the worker thread; what it tells the socket is handed to the event loop with
``loop.call_soon_threadsafe`` and written there, the only thread that writes.

Example:
    >>> handlers()[0][0]
    '/chatbi/api/stream'
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import origin_matches_pat
from tornado import web, websocket

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import WireError, from_json
from chatbi_jupyterlab.errors import AnswerCancelled, error_response, scrub
from chatbi_jupyterlab.handlers import PREFIX, SERVICE_SETTING

if TYPE_CHECKING:
    from chatbi_jupyterlab.service import ChatBIService

AUTH_RESOURCE = "chatbi"
"""What an authorizer is asked about: ``execute`` on ``chatbi``."""
CANCELLING = "cancelling"


class SocketListener:
    """What one question's answer tells the socket, from the worker thread: each call checks the cancel
    first (raising :class:`AnswerCancelled` stops the model there), then hands the message to the loop.

    Example:
        >>> loop = asyncio.new_event_loop()
        >>> listener = SocketListener("7", print, loop)
        >>> listener.token("SELECT"); loop.run_until_complete(asyncio.sleep(0))
        StreamToken(type='token', request_id='7', text='SELECT')
        >>> listener.cancelled.set()
        >>> listener.stage("running")
        Traceback (most recent call last):
        ...
        chatbi_jupyterlab.errors.AnswerCancelled: 7
        >>> loop.close()
    """

    def __init__(self, request_id: str, send: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.request_id, self._send, self._loop = request_id, send, loop
        self.cancelled = threading.Event()

    def stage(self, stage: str) -> None:
        self._tell(wire.StreamStage("stage", self.request_id, stage))

    def token(self, text: str) -> None:
        self._tell(wire.StreamToken("token", self.request_id, text))

    def _tell(self, message: Any) -> None:
        if self.cancelled.is_set():
            raise AnswerCancelled(self.request_id)
        self._loop.call_soon_threadsafe(self._send, message)


class AnswerStreamHandler(JupyterHandler, websocket.WebSocketHandler):
    """One panel's socket: its questions, answered one after the other, each cancellable."""

    auth_resource = AUTH_RESOURCE

    @property
    def service(self) -> ChatBIService:
        return self.settings[SERVICE_SETTING]

    async def pre_get(self) -> None:
        """Refuse a user the server's authorizer does not let use ChatBI."""
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "execute", AUTH_RESOURCE)
        )
        if not allowed:
            raise web.HTTPError(403)

    @ws_authenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        """Open the socket: 403 without the token or the login cookie."""
        await ensure_async(self.pre_get())
        opened = super().get(*args, **kwargs)
        if opened is not None:
            await opened

    def check_origin(self, origin: str | None = None) -> bool:
        """Same origin only (or one the server's owner allowed by name or pattern), token or not; a
        client that sends no Origin (a script, not a browser) still needs the token."""
        host = self.request.headers.get("Host")
        origin = origin if origin is not None else self.request.headers.get("Origin")
        if origin is None or host is None:
            return True
        origin = origin.lower()
        if urlparse(origin).netloc == host:
            return True
        if self.allow_origin not in ("", "*"):
            return self.allow_origin == origin
        if self.allow_origin_pat:
            return bool(origin_matches_pat(self.allow_origin_pat, origin))
        self.log.warning("ChatBI refused a websocket from origin %s (host %s)", origin, host)
        return False

    def open(self, *args: Any, **kwargs: Any) -> None:
        self.listeners: dict[str, SocketListener] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def on_message(self, message: str | bytes) -> None:
        """Start answering (in the worker, after what is queued) or cancel; never waits for an answer,
        so a cancel is read while a question runs."""
        try:
            data = json.loads(message)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.send(wire.StreamError("error", None, "the message is not JSON", 400))
            return
        request_id = data.get("request_id") if isinstance(data, dict) else None
        request_id = request_id if isinstance(request_id, str) else None
        kinds = {"ask": wire.StreamAsk, "cancel": wire.StreamCancel}
        kind = kinds.get(data.get("type")) if isinstance(data, dict) else None
        if kind is None:
            self.send(wire.StreamError("error", request_id, "the message's type is not ask or cancel", 400))
            return
        try:
            request = from_json(kind, data)
        except WireError as error:
            self.send(wire.StreamError("error", request_id, f"bad message: {error}", 400))
            return
        if isinstance(request, wire.StreamCancel):
            self.cancel(request.request_id)
        elif request.request_id in self.listeners:
            message = f"question {request.request_id} is being answered already: give each its own id"
            self.send(wire.StreamError("error", request.request_id, message, 400))
        else:
            listener = SocketListener(request.request_id, self.send, asyncio.get_running_loop())
            self.listeners[request.request_id] = listener
            task = asyncio.ensure_future(self.answer(request.ask, listener))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def cancel(self, request_id: str) -> None:
        listener = self.listeners.get(request_id)
        if listener is None:
            message = f"no question {request_id} is being answered"
            self.send(wire.StreamError("error", request_id, message, 404))
            return
        listener.cancelled.set()
        self.send(wire.StreamStage("stage", request_id, CANCELLING))

    async def answer(self, ask: wire.AskRequest, listener: SocketListener) -> None:
        """Answer one question; its last message is done, cancelled or error."""
        request_id = listener.request_id
        try:
            answer = await self.service.ask(ask, listener)
        except AnswerCancelled:
            self.send(wire.StreamCancelled("cancelled", request_id))
        except Exception as error:
            status, message = error_response(error)
            if status >= 500:
                self.log.error("ChatBI failed to answer over the stream", exc_info=error)
            self.send(wire.StreamError("error", request_id, scrub(message, self.service.secrets), status))
        else:
            self.send(wire.StreamDone("done", request_id, answer))
        finally:
            self.listeners.pop(request_id, None)

    def send(self, message: Any) -> None:
        """Write ``message`` (on the event loop, the only thread that writes); nothing once closed."""
        with contextlib.suppress(websocket.WebSocketClosedError):
            self.write_message(wire.to_json(message))

    def on_close(self) -> None:
        """Nobody reads the answers any more: cancel them (the worker goes on with other requests)."""
        for listener in getattr(self, "listeners", {}).values():
            listener.cancelled.set()


def handlers() -> list[tuple[str, type[AnswerStreamHandler]]]:
    """The websocket's URL pattern (below the server's base URL) and its handler."""
    return [(f"{PREFIX}/stream", AnswerStreamHandler)]
