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


class QueryExecutionError(ChatBIError):
    """The database rejected the statement."""


class InvalidSQLError(ChatBIError):
    """The model's SQL could not be made valid against the schema."""
