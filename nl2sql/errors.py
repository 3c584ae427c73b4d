"""The errors a user can cause or meet, each with a message fit to show as one line.

Everything the product raises on purpose derives from :class:`ChatBIError`; the CLI, the magic
and the server turn it into a one-line message, never a traceback.

Example:
    >>> try:
    ...     raise RefusedStatementError("only a single read statement may run")
    ... except ChatBIError as error:
    ...     print(error)
    only a single read statement may run
"""

from __future__ import annotations


class ChatBIError(Exception):
    """Base class of every error meant for the user."""


class ConnectionSpecError(ChatBIError):
    """The database was named in a way we cannot understand (bad URL, unknown file type)."""


class DatabaseUnreachableError(ChatBIError):
    """The database could not be opened or reached."""


class EmptyQuestionError(ChatBIError):
    """The question is empty or only white space."""


class ModelUnavailableError(ChatBIError):
    """The model (or its packages, weights or server) cannot be loaded or reached."""


class RefusedStatementError(ChatBIError):
    """The statement is not a single read and will not be executed."""


class QueryTimeoutError(ChatBIError):
    """The statement ran past its time limit and was stopped."""


class QueryCancelledError(ChatBIError):
    """The statement was cancelled while it ran (and was stopped on the server too)."""


class QueryExecutionError(ChatBIError):
    """The database rejected the statement."""


class ResultTooLargeError(ChatBIError):
    """The result, or one value in it, is larger than the limit on what a query may bring back."""


class InvalidLimitError(ChatBIError, ValueError):
    """A row or time limit that is not a usable number (0, negative, infinite, not a number)."""


class BadInputError(ChatBIError):
    """A question or a query that cannot be taken as it is: too long, NUL bytes, text that is not UTF-8."""


class InvalidSQLError(ChatBIError):
    """The model's SQL could not be made valid against the schema."""


def driver_message(error: BaseException) -> str:
    """The first line of what the database driver said, without its wrappers and error codes.

    Example:
        >>> driver_message(Exception(1142, "SELECT command denied to user 'ro'@'localhost'\\nmore"))
        "SELECT command denied to user 'ro'@'localhost'"
        >>> driver_message(ValueError("permission denied for table secrets"))
        'permission denied for table secrets'
        >>> driver_message(RuntimeError())
        'RuntimeError'
    """
    original = getattr(error, "orig", None) or error
    arguments = getattr(original, "args", ())
    if len(arguments) == 2 and isinstance(arguments[0], int) and isinstance(arguments[1], str):
        text = arguments[1]  # PyMySQL: (code, message)
    else:
        text = str(original)
    text = text.strip()
    return text.splitlines()[0] if text else type(original).__name__
