"""The REST API under ``{base_url}/chatbi/api/``: thin handlers that parse the request into its wire type,
call :class:`~chatbi_jupyterlab.service.ChatBIService` and write the wire answer as JSON.

=======  ===================================  =========================================================
GET      connections                          :class:`~chatbi_jupyterlab.wire.ConnectionList`
POST     connections                          AddConnectionRequest → ConnectionList (201)
DELETE   connections/{name}                   ConnectionList without it (one added from the panel)
GET      connections/{name}/schema            :class:`~chatbi_jupyterlab.wire.SchemaSummary`
POST     ask                                  AskRequest → Answer
POST     run                                  RunRequest → Answer
POST     edit                                 EditRequest → Answer
POST     regenerate                           AnswerRequest → Answer
POST     reading                              ReadingRequest → Answer
POST     chart                                ChartRequest → Answer
POST     feedback                             FeedbackRequest → FeedbackResult
GET      model                                :class:`~chatbi_jupyterlab.wire.ModelStatus`
GET      dashboard?since=DAY&connection=NAME  :class:`~chatbi_jupyterlab.wire.Dashboard`, adoption figures
GET      retraining                           :class:`~chatbi_jupyterlab.wire.RetrainingStatus`
GET      answers/{id}/export?format=csv|xlsx  the rows as a download
GET      answers/{id}/table                   :class:`~chatbi_jupyterlab.wire.Table`, every row fetched
GET      answers/{id}/cell                    :class:`~chatbi_jupyterlab.wire.NotebookCell`
WS       stream                               asks and cancels → stages, SQL tokens, the answer
                                              (:mod:`chatbi_jupyterlab.stream`)
=======  ===================================  =========================================================

Every method is ``@tornado.web.authenticated`` (jupyter_server's token or login cookie; a POST with the
cookie also needs the XSRF token). Errors are ``{"message": …}`` with a 4xx or 500 status
(:func:`chatbi_jupyterlab.errors.error_response`), never a traceback; any other path below the API's is
a 404 of the same form (:func:`unknown_paths`).

Example:
    >>> [pattern for pattern, _ in handlers()][:3]  # doctest: +NORMALIZE_WHITESPACE
    ['/chatbi/api/connections', '/chatbi/api/connections/(?P<name>[^/]+)',
     '/chatbi/api/connections/(?P<name>[^/]+)/schema']
"""

from __future__ import annotations

import json
from http.client import responses
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import origin_matches_pat

from chatbi_jupyterlab import wire
from chatbi_jupyterlab.codegen import WireError, from_json
from chatbi_jupyterlab.errors import BadRequestError, NotFoundError, error_response, scrub

if TYPE_CHECKING:
    from chatbi_jupyterlab.service import ChatBIService

PREFIX = "/chatbi/api"
SERVICE_SETTING = "chatbi_service"
"""Where the web application's settings hold the service."""
RETRAINING_SETTING = "chatbi_retraining"
"""Where they hold the retraining schedule (:class:`~chatbi_jupyterlab.retraining.RetrainScheduler`)."""


class ChatBIHandler(APIHandler):
    """Shared by the handlers: the service, the parsed body, JSON out, and errors as one message."""

    @property
    def service(self) -> ChatBIService:
        return self.settings[SERVICE_SETTING]

    def body(self, kind: type) -> Any:
        """The JSON body as a ``kind`` wire request; :class:`BadRequestError` when it is not one."""
        try:
            data = json.loads(self.request.body or b"")
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # nested past the parser's depth
            raise BadRequestError("the request body is not JSON") from None
        try:
            return from_json(kind, data)
        except WireError as error:
            raise BadRequestError(f"bad request: {error}") from None

    def send(self, value: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(wire.to_json(value))

    def set_cors_headers(self) -> None:
        """No CORS header unless the server's owner allowed the request's origin by name
        (``ServerApp.allow_origin``, ``allow_origin_pat``); never ``*``. Jupyter Server's own handlers
        echo any origin to a token-authenticated request; the panel is same-origin and needs none."""
        origin = self.get_origin()
        allowed = self.allow_origin not in ("", "*") and origin == self.allow_origin
        if not allowed and self.allow_origin_pat and origin:
            allowed = bool(origin_matches_pat(self.allow_origin_pat, origin))
        if allowed and origin:
            self.set_header("Access-Control-Allow-Origin", origin)
            if self.allow_credentials:
                self.set_header("Access-Control-Allow-Credentials", "true")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """``{"message": …}``: the user's error as it reads, else a generic line (the traceback goes to
        the server log only). Never a URL or password of a configured connection."""
        error = kwargs.get("exc_info", (None, None, None))[1]
        status, message = (
            error_response(error) if error is not None else (status_code, responses.get(status_code, "error"))
        )
        if error is not None and status != status_code:
            self.set_status(status)
        service = self.settings.get(SERVICE_SETTING)
        message = scrub(message, service.secrets if service else ())
        self.set_header("Content-Type", "application/json")
        self.finish(wire.to_json(wire.ErrorBody(message)))

    def log_exception(self, kind: Any, value: Any, traceback: Any) -> None:
        """A user's error is logged as one line; anything else with its traceback."""
        status, message = error_response(value) if value is not None else (500, "")
        if status < 500:
            self.log.info("ChatBI %s %s: %s %s", self.request.method, self.request.path, status, message)
        else:
            super().log_exception(kind, value, traceback)


class ConnectionsHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        self.send(await self.service.connections())

    @tornado.web.authenticated
    async def post(self) -> None:
        request = self.body(wire.AddConnectionRequest)
        listing = await self.service.add_connection(request, root=self.settings.get("server_root_dir"))
        self.set_status(201)
        self.send(listing)


class ConnectionHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def delete(self, name: str) -> None:
        self.send(await self.service.remove_connection(name))


class SchemaHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.send(await self.service.schema(name))


class AskHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.ask(self.body(wire.AskRequest)))


class RunHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.run(self.body(wire.RunRequest)))


class EditHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.edit(self.body(wire.EditRequest)))


class RegenerateHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.regenerate(self.body(wire.AnswerRequest)))


class ReadingHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.reading(self.body(wire.ReadingRequest)))


class ChartHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.chart(self.body(wire.ChartRequest)))


class FeedbackHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        self.send(await self.service.feedback(self.body(wire.FeedbackRequest)))


class ModelHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        self.send(await self.service.model_status())


class DashboardHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        since = self.get_query_argument("since", None)
        self.send(await self.service.dashboard(since, self.get_query_argument("connection", None)))


class RetrainingHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        self.send(self.settings[RETRAINING_SETTING].status())


class ExportHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self, answer_id: str) -> None:
        kind = self.get_query_argument("format", "csv")
        data, media_type, filename = await self.service.export(answer_id, kind)
        self.set_attachment_header(filename)
        self.finish(data, set_content_type=media_type)


class TableHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self, answer_id: str) -> None:
        self.send(await self.service.table(answer_id))


class CellHandler(ChatBIHandler):
    @tornado.web.authenticated
    async def get(self, answer_id: str) -> None:
        self.send(await self.service.cell(answer_id))


class UnknownPathHandler(ChatBIHandler):
    """Any other path below the API's (an answer id that is no id, a misspelt endpoint): a JSON 404 like
    every other error of the API, not the server's HTML page."""

    @tornado.web.authenticated
    async def get(self, *_: str) -> None:
        raise NotFoundError("no such ChatBI API path; the panel's requests are listed in its handlers")

    post = put = patch = delete = get


def unknown_paths() -> list[tuple[str, type[ChatBIHandler]]]:
    """The pattern that answers every other path below the API's; registered after all the others.

    Example:
        >>> unknown_paths()[0][0]
        '/chatbi/api/.*'
    """
    return [(f"{PREFIX}/.*", UnknownPathHandler)]


def handlers() -> list[tuple[str, type[ChatBIHandler]]]:
    """The URL patterns (below the server's base URL) and their handlers."""
    return [
        (f"{PREFIX}/connections", ConnectionsHandler),
        (f"{PREFIX}/connections/(?P<name>[^/]+)", ConnectionHandler),
        (f"{PREFIX}/connections/(?P<name>[^/]+)/schema", SchemaHandler),
        (f"{PREFIX}/ask", AskHandler),
        (f"{PREFIX}/run", RunHandler),
        (f"{PREFIX}/edit", EditHandler),
        (f"{PREFIX}/regenerate", RegenerateHandler),
        (f"{PREFIX}/reading", ReadingHandler),
        (f"{PREFIX}/chart", ChartHandler),
        (f"{PREFIX}/feedback", FeedbackHandler),
        (f"{PREFIX}/model", ModelHandler),
        (f"{PREFIX}/dashboard", DashboardHandler),
        (f"{PREFIX}/retraining", RetrainingHandler),
        (f"{PREFIX}/answers/(?P<answer_id>[0-9a-f]+)/export", ExportHandler),
        (f"{PREFIX}/answers/(?P<answer_id>[0-9a-f]+)/table", TableHandler),
        (f"{PREFIX}/answers/(?P<answer_id>[0-9a-f]+)/cell", CellHandler),
    ]
