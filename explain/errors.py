"""Errors of the explain package: one base class, so callers can catch them all.

Example:
    >>> from explain.diagnostic import Diagnostic
    >>> error = UnparsableSQLError(Diagnostic("parse-error", "error", "the SQL does not parse: x"))
    >>> isinstance(error, ExplainError), str(error)
    (True, 'the SQL does not parse: x')
"""

from __future__ import annotations

from explain.diagnostic import Diagnostic


class ExplainError(ValueError):
    """Something about a query that explain/ cannot work with; the message is for the user."""


class UnparsableSQLError(ExplainError):
    """The text is not exactly one SQL statement sqlglot can parse."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class PlanEditError(ExplainError):
    """An edit that does not fit the plan (unknown filter, bad value) or that yields invalid SQL."""
