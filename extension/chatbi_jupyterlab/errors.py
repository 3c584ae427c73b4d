"""What goes wrong in a request, and how it is answered: a status and one message, never a traceback,
a database URL or a token.

User errors of the core (:class:`nl2sql.errors.ChatBIError`, :class:`explain.errors.ExplainError`) and
malformed requests are 400s, unknown answers and connections 404s, the rest 500s whose message only says
to look at the server log (where the traceback goes).

Example:
    >>> from nl2sql.errors import QueryTimeoutError
    >>> error_response(QueryTimeoutError("the query ran past 30 s and was stopped"))
    (400, 'the query ran past 30 s and was stopped')
    >>> error_response(NotFoundError("no connection named crm"))
    (404, 'no connection named crm')
    >>> error_response(KeyError("postgresql://me:secret@db/shop"))
    (500, 'the server failed to do this; the details are in its log')
"""

from __future__ import annotations

from collections.abc import Iterable

from tornado.web import HTTPError

from explain.errors import ExplainError
from nl2sql.errors import ChatBIError

INTERNAL_ERROR = "the server failed to do this; the details are in its log"


class RequestError(Exception):
    """A request the server will not do; ``status`` says why in HTTP terms."""

    status = 400


class BadRequestError(RequestError):
    """The body is not JSON, or a field is missing or of the wrong type."""


class NotFoundError(RequestError):
    """No such answer or connection."""

    status = 404


class AnswerCancelled(Exception):
    """Raised in the worker, from an answer's stage or token callback, once its question was cancelled:
    it stops the model at the next token. Not a :class:`~nl2sql.errors.ChatBIError`, so that nothing
    in the core takes it for a user's error and carries on."""


def error_response(error: BaseException) -> tuple[int, str]:
    """The status and the message the client gets for ``error``."""
    if isinstance(error, RequestError):
        return error.status, str(error)
    if isinstance(error, ChatBIError | ExplainError):
        return 400, str(error)
    if isinstance(error, HTTPError):
        return error.status_code, error.log_message or error.reason or f"HTTP {error.status_code}"
    return 500, INTERNAL_ERROR


def scrub(message: str, secrets: Iterable[str]) -> str:
    """``message`` with each of ``secrets`` (database URLs as configured, and as drivers print them)
    replaced by ``…``.

    Example:
        >>> scrub("cannot open database postgresql://me@db/shop: refused", ["postgresql://me@db/shop"])
        'cannot open database …: refused'
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        message = message.replace(secret, "…")
    return message


def url_variants(spec: str) -> list[str]:
    """The ways a connection's URL can show up in a message: as configured, and as SQLAlchemy writes it
    with and without its password; nothing for ``demo`` or a file path.

    Example:
        >>> url_variants("postgresql://me:pw@db/shop")
        ['postgresql://me:pw@db/shop', 'postgresql://me:***@db/shop']
        >>> url_variants("demo")
        []
    """
    if "://" not in spec:
        return []
    from sqlalchemy.engine import make_url

    try:
        url = make_url(spec)
    except Exception:  # not a URL SQLAlchemy reads: only the text itself can show up
        return [spec]
    variants = [spec, url.render_as_string(hide_password=True), url.render_as_string(hide_password=False)]
    return list(dict.fromkeys(variants))
