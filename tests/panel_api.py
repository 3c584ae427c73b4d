"""Requests to the panel's REST API (``/chatbi/api/…``) and its answer stream on a test Jupyter Server,
and what every answer and error must look like on the wire; shared by the tests that start one
(pytest-jupyter's fixtures).

Example:
    >>> from types import SimpleNamespace
    >>> payload(SimpleNamespace(body=b'{"message": "no answer f on this server"}'))
    {'message': 'no answer f on this server'}
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from tornado.httpclient import HTTPResponse

LAST = {"done", "cancelled", "error"}
"""The types of the last message the stream sends about a question."""
READ_TIMEOUT_S = 300
"""Only so that a broken server fails the test instead of hanging it."""


class Api:
    """Requests to ``/chatbi/api/…`` on the test server: sync calls for the tests, async for gathering."""

    def __init__(self, fetch: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.fetch, self.loop = fetch, loop

    async def request(self, method: str, path: str, body: Any = None, **options: Any) -> HTTPResponse:
        if body is not None and not isinstance(body, str | bytes):
            body = json.dumps(body)
        return await self.fetch(
            "chatbi", "api", *path.split("/"), method=method, body=body, raise_error=False, **options
        )

    def __call__(self, method: str, path: str, body: Any = None, **options: Any) -> HTTPResponse:
        return self.loop.run_until_complete(self.request(method, path, body, **options))

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)


class Socket:
    """One websocket to ``/chatbi/api/stream``, driven from the test (synchronous calls)."""

    def __init__(self, connection: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.connection, self.loop = connection, loop

    def send(self, message: Any) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.loop.run_until_complete(self.connection.write_message(text))

    def ask(self, request_id: str, question: str, **options: Any) -> None:
        self.send({"type": "ask", "request_id": request_id, "ask": {"question": question, **options}})

    def receive(self) -> dict[str, Any]:
        read = asyncio.wait_for(self.connection.read_message(), READ_TIMEOUT_S)
        text = self.loop.run_until_complete(read)
        assert text is not None, "the server closed the socket"
        return json.loads(text)

    def until(self, done: Any) -> list[dict[str, Any]]:
        """Messages up to and including the first for which ``done(message)`` holds."""
        messages = [self.receive()]
        while not done(messages[-1]):
            messages.append(self.receive())
        return messages

    def wait(self, event: Any) -> None:
        """Wait for a ``threading.Event`` of the worker while the server goes on (same event loop)."""
        assert self.loop.run_until_complete(asyncio.to_thread(event.wait, READ_TIMEOUT_S))

    def answer(self, request_id: str) -> list[dict[str, Any]]:
        """The messages about ``request_id`` up to its last one (the others read on the way are kept out)."""
        messages = self.until(lambda m: m["request_id"] == request_id and m["type"] in LAST)
        return [m for m in messages if m["request_id"] == request_id]


def payload(response: HTTPResponse) -> Any:
    """The JSON body, read as strictly as ``JSON.parse`` reads it (no NaN, no Infinity)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in a JSON response")

    return json.loads(response.body, parse_constant=refuse)


def answer_of(response: HTTPResponse) -> wire.Answer:
    """The response as a wire Answer: fails when the JSON does not have the declared types."""
    assert response.code == 200, response.body
    return from_json(wire.Answer, payload(response))


def assert_error(response: HTTPResponse, status: int, words: str = "") -> str:
    """A JSON error with one message (containing ``words``), no traceback and no secret."""
    assert response.code == status, response.body
    assert response.headers["Content-Type"].startswith("application/json")
    body = payload(response)
    assert set(body) == {"message"}, body
    text = response.body.decode()
    assert "Traceback" not in text and "s3cret" not in text and "127.0.0.1:9" not in text, text
    assert words in body["message"], body["message"]
    return body["message"]
