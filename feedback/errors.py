"""Errors of the feedback package (data sets, training), each a one-line message for the user.

Example:
    >>> issubclass(DatasetError, ChatBIError)
    True
"""

from nl2sql.errors import ChatBIError


class FeedbackError(ChatBIError):
    """Base class of the feedback package's errors."""


class DatasetError(FeedbackError):
    """A data set is missing or malformed."""


class TrainingError(FeedbackError):
    """Training could not start or went wrong."""


class FeedbackStoreError(FeedbackError):
    """The feedback log cannot be opened where it was pointed."""
