"""The answer stream (``chatbi_jupyterlab.stream``) on a real Jupyter Server through ``jp_ws_fetch``:
each answer's stages in order, the SQL tokens before the answer, cancel, two questions on one socket,
authentication (token in the query string or none: 403; a foreign origin: 403) and malformed messages.

Semantic questions need no model; the questions for the model get a stand-in that writes its SQL word by
word (:class:`conftest.StreamedReplies`), except one slow test with the real model.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import from_json
from conftest import StreamedReplies
from panel_api import LAST, Socket

# pytest-jupyter's server fixtures for this module only (as in tests/test_server_extension.py)
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from feedback import FeedbackLog

REGION = "Which region had the highest revenue last quarter?"
ABOVE_AVERAGE = "Which products cost more than the average price of their category? List their names."
"""Not a question the semantic model can express: the language model answers it."""
PRODUCTS_SQL = "SELECT p.name FROM products AS p ORDER BY p.name LIMIT 3"


@pytest.fixture
def feedback_path(tmp_path: Path) -> Path:
    return tmp_path / "feedback.sqlite"


@pytest.fixture
def jp_server_config(feedback_path: Path) -> Config:
    return Config(
        {
            "ServerApp": {"jpserver_extensions": {"chatbi_jupyterlab": True}},
            "ChatBI": {"connections": {"demo": "demo"}, "feedback_log": str(feedback_path)},
        }
    )


@pytest.fixture
def connect(jp_ws_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Any:
    opened: list[Any] = []

    def connect(**options: Any) -> Socket:
        connection = jp_asyncio_loop.run_until_complete(jp_ws_fetch("chatbi", "api", "stream", **options))
        opened.append(connection)
        return Socket(connection, jp_asyncio_loop)

    yield connect
    for connection in opened:
        connection.close()


@pytest.fixture
def token(jp_serverapp: Any) -> str:
    return jp_serverapp.identity_provider.token


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> StreamedReplies:
    """The language model of the server: writes PRODUCTS_SQL word by word, waiting after four words
    when a test lets it go on by hand (``pause_after`` set)."""
    replies = StreamedReplies(PRODUCTS_SQL)
    monkeypatch.setattr("nl2sql.models.resolve.load_generator", lambda *args, **kwargs: replies)
    return replies


def stages(messages: list[dict[str, Any]]) -> list[str]:
    return [m["stage"] for m in messages if m["type"] == "stage"]


def sql_of(messages: list[dict[str, Any]]) -> str:
    return "".join(m["text"] for m in messages if m["type"] == "token")


def done_answer(messages: list[dict[str, Any]]) -> wire.Answer:
    last = messages[-1]
    assert last["type"] == "done", last
    return from_json(wire.StreamDone, last).answer


# The stream --------------------------------------------------------------------------------------------


def test_stages_then_the_sql_as_written_then_the_answer(connect: Any, model: StreamedReplies) -> None:
    socket = connect()
    socket.ask("1", ABOVE_AVERAGE)
    messages = socket.answer("1")
    assert stages(messages) == ["linking", "loading the model", "generating", "checking", "running"]
    kinds = [m["type"] if m["type"] != "stage" else m["stage"] for m in messages]
    first, last = kinds.index("token"), len(kinds) - 1 - kinds[::-1].index("token")
    assert kinds[first - 1] == "generating" and kinds[last + 1] == "checking"
    assert kinds[-1] == "done" and kinds.count("token") == len(PRODUCTS_SQL.split())
    answer = done_answer(messages)
    assert answer.path == "sql" and answer.model_id == "streamed replies" and answer.error is None
    assert sql_of(messages) == answer.generated_sql == PRODUCTS_SQL
    assert answer.table is not None and answer.table.row_count == 3

    socket.ask("2", ABOVE_AVERAGE, new=True)  # the model is in memory now: no loading stage
    assert stages(socket.answer("2")) == ["linking", "generating", "checking", "running"]


def test_two_questions_on_one_socket_are_answered_in_order(connect: Any) -> None:
    socket = connect()
    socket.ask("first", REGION, new=True)
    socket.ask("second", "only for the last 12 months", follow_up=True)
    messages = socket.until(lambda m: m["request_id"] == "second" and m["type"] in LAST)
    finished = [m["request_id"] for m in messages if m["type"] in LAST]
    assert finished == ["first", "second"]
    first = [m for m in messages if m["request_id"] == "first"]
    second = [m for m in messages if m["request_id"] == "second"]
    assert stages(first) == stages(second) == ["linking", "checking", "running"]  # semantic: no model
    assert sql_of(first) == "" and done_answer(first).path == "semantic"
    followed = done_answer(second)
    assert [turn.question for turn in followed.history] == [REGION]  # asked after the first was answered
    assert followed.path == "semantic" and followed.table is not None


def test_cancel_stops_the_model_at_the_next_token_and_the_worker_answers_on(
    connect: Any, model: StreamedReplies, feedback_path: Path
) -> None:
    model.pause_after = 4  # the fence and three words of SQL, then it waits for the test
    socket = connect()
    socket.ask("slow", ABOVE_AVERAGE)
    seen = socket.until(lambda m: m["type"] == "token")
    socket.wait(model.paused)
    socket.send({"type": "cancel", "request_id": "slow"})
    seen += socket.until(lambda m: m.get("stage") == "cancelling")  # the server holds the cancel now
    model.resume.set()
    seen += socket.answer("slow")
    assert seen[-1] == {"type": "cancelled", "request_id": "slow"}
    assert "done" not in [m["type"] for m in seen]
    assert sql_of(seen) == "SELECT p.name FROM"  # what was written before the cancel, nothing after
    assert len(model.written) == 5  # one more word was written, and the model stopped there

    socket.ask("again", ABOVE_AVERAGE, new=True)
    assert done_answer(socket.answer("again")).sql == PRODUCTS_SQL
    generated = FeedbackLog(feedback_path).events(limit=None, kinds=("generated",))
    assert [e["question"] for e in generated] == [ABOVE_AVERAGE]  # the cancelled one was never logged


def test_a_question_cancelled_while_queued_never_starts(connect: Any, model: StreamedReplies) -> None:
    model.pause_after = 2
    socket = connect()
    socket.ask("running", ABOVE_AVERAGE)
    socket.wait(model.paused)
    socket.ask("queued", ABOVE_AVERAGE, new=True)
    socket.send({"type": "cancel", "request_id": "queued"})
    messages = socket.until(lambda m: m.get("stage") == "cancelling")
    model.resume.set()
    messages += socket.until(lambda m: m["request_id"] == "queued" and m["type"] in LAST)
    queued = [m for m in messages if m["request_id"] == "queued"]
    assert queued == [
        {"type": "stage", "request_id": "queued", "stage": "cancelling"},
        {"type": "cancelled", "request_id": "queued"},
    ]  # not even linking: it never started
    assert [m["type"] for m in messages if m["request_id"] == "running"][-1] == "done"
    assert model.prompts == 1


# Authentication and bad messages ------------------------------------------------------------------------


def test_the_token_in_the_query_string_is_enough_and_none_is_refused(connect: Any, token: str) -> None:
    socket = connect(headers={"Authorization": ""}, params={"token": token})
    socket.ask("1", REGION)
    assert done_answer(socket.answer("1")).error is None
    with pytest.raises(HTTPClientError) as refused:
        connect(headers={"Authorization": ""})
    assert refused.value.code == 403
    with pytest.raises(HTTPClientError) as wrong:
        connect(headers={"Authorization": ""}, params={"token": "not-the-token"})
    assert wrong.value.code == 403


def test_a_foreign_origin_is_refused_even_with_the_token(connect: Any, jp_http_port: int) -> None:
    with pytest.raises(HTTPClientError) as refused:
        connect(headers={"Origin": "http://evil"})
    assert refused.value.code == 403
    same = connect(headers={"Origin": f"http://localhost:{jp_http_port}"})
    same.ask("1", REGION)
    assert done_answer(same.answer("1")).error is None


@pytest.mark.parametrize(
    ("message", "request_id", "status", "words"),
    [
        ("not json", None, 400, "not JSON"),
        ({"type": "shout", "request_id": "1"}, "1", 400, "not ask or cancel"),
        ({"type": "ask", "request_id": "1"}, "1", 400, "ask: missing"),
        ({"type": "ask", "request_id": "1", "ask": {"question": 3}}, "1", 400, "ask.question: expected a"),
        ({"type": "ask", "request_id": "1", "ask": {"question": "  "}}, "1", 400, "the question is empty"),
        ({"type": "ask", "request_id": "1", "ask": {"question": "Hi", "connection": "crm"}}, "1", 404, "crm"),
        ({"type": "cancel", "request_id": "nothing"}, "nothing", 404, "no question nothing"),
    ],
)
def test_a_bad_message_gets_an_error_and_the_socket_stays_open(
    connect: Any, message: Any, request_id: str | None, status: int, words: str
) -> None:
    socket = connect()
    socket.send(message)
    error = from_json(wire.StreamError, socket.receive())
    assert (error.request_id, error.status) == (request_id, status) and words in error.message, error
    assert "Traceback" not in error.message
    socket.ask("ok", REGION)
    assert done_answer(socket.answer("ok")).error is None


# The real model ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_real_model_streams_its_sql_before_the_answer(connect: Any) -> None:
    socket = connect()
    socket.ask("1", ABOVE_AVERAGE)
    messages = socket.answer("1")
    answer = done_answer(messages)
    assert answer.path == "sql" and answer.model_id != "semantic layer"
    tokens = [m["text"] for m in messages if m["type"] == "token"]
    assert len(tokens) > 3 and answer.generated_sql.startswith("".join(tokens))
    assert "generating" in stages(messages) and stages(messages)[-1] == "running"
