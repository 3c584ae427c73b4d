"""One finding about a query: what is wrong or suspicious, how bad, and where in the SQL.

Example:
    >>> d = Diagnostic("unknown-table", "error", "no table singers; did you mean singer?", 14, 21)
    >>> d.is_error, str(d)
    (True, 'error [unknown-table] no table singers; did you mean singer?')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    """A stable, kebab-case identifier, e.g. ``unknown-column``."""
    severity: Severity
    message: str
    start: int | None = None
    """Offset of the first character the finding is about, in the SQL text (0-based)."""
    end: int | None = None
    """Offset just past the last character, or None."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.severity} [{self.code}] {self.message}"
