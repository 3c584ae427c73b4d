"""The bounds every query runs under: rows, seconds, and bytes, checked once where they come in.

A limit that is not a usable number is refused with one line, never taken to mean "no limit": a time
limit of ``0``, ``-1``, ``inf`` or ``nan`` is an error, and one below a millisecond is sent to the
server as one millisecond (PostgreSQL reads ``statement_timeout = 0`` as "off").

Example:
    >>> limits = QueryLimits(max_rows=100, timeout_s=2.5)
    >>> limits.max_rows, limits.timeout_s, limits.timeout_ms
    (100, 2.5, 2500)
    >>> QueryLimits(timeout_s=0.0001).timeout_ms
    1
    >>> QueryLimits(max_rows=0)
    Traceback (most recent call last):
    ...
    nl2sql.errors.InvalidLimitError: the row limit must be a whole number from 1 to 1000000 (got 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nl2sql.errors import InvalidLimitError

DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 30.0
MAX_ROWS_CEILING = 1_000_000
"""The most rows any query may bring back, whatever is asked."""
MAX_TIMEOUT_S = 86_400.0
"""The longest time limit that may be set: a day."""
DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024
"""The largest single value (text or bytes) a result may hold; SQLite refuses to build a larger one."""
DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024
"""The most text and bytes a whole result may hold (other values count 8 bytes each)."""
GRACE_S = 2.0
"""How long past its time limit a query may keep the caller waiting before it is abandoned (the engine
was asked to stop it and did not)."""


@dataclass(frozen=True)
class QueryLimits:
    """What one query may take: rows, wall-clock seconds, and bytes (per value and in all)."""

    max_rows: int = DEFAULT_MAX_ROWS
    """At most this many rows come back; the SQL itself asks the engine for one more, to tell a cut."""
    timeout_s: float = DEFAULT_TIMEOUT_S
    """The engine stops the statement after this long; the caller is never held past it plus
    :data:`GRACE_S`."""
    max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_rows", row_limit(self.max_rows))
        object.__setattr__(self, "timeout_s", time_limit(self.timeout_s))
        for name in ("max_value_bytes", "max_result_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidLimitError(f"{name} must be a whole number of bytes above 0 (got {value!r})")

    @property
    def timeout_ms(self) -> int:
        """The time limit in whole milliseconds, never 0 (which servers read as "no limit")."""
        return max(1, math.ceil(self.timeout_s * 1000))

    @property
    def deadline_s(self) -> float:
        """How long the caller waits at most: the time limit plus the grace for the engine to stop."""
        return self.timeout_s + GRACE_S


def row_limit(value: object) -> int:
    """``value`` as a row limit, or :class:`InvalidLimitError` with one line saying what is allowed.

    Example:
        >>> row_limit("25")
        25
        >>> row_limit(-3)
        Traceback (most recent call last):
        ...
        nl2sql.errors.InvalidLimitError: the row limit must be a whole number from 1 to 1000000 (got -3)
    """
    number = _whole_number(value)
    if number is None or not 1 <= number <= MAX_ROWS_CEILING:
        raise InvalidLimitError(
            f"the row limit must be a whole number from 1 to {MAX_ROWS_CEILING} (got {_shown(value)})"
        )
    return number


def time_limit(value: object) -> float:
    """``value`` as a time limit in seconds, or :class:`InvalidLimitError`: 0, negative, infinite and
    not-a-number are refused, never read as "no limit".

    Example:
        >>> time_limit("1.5")
        1.5
        >>> try:
        ...     time_limit("nan")
        ... except InvalidLimitError as error:
        ...     print(error)
        the time limit must be a number of seconds above 0 and at most 86400 (got nan)
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or not 0 < number <= MAX_TIMEOUT_S:
        raise InvalidLimitError(
            f"the time limit must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}"
            f" (got {_shown(value)})"
        )
    return number


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return None


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
