"""Fetch a result under its caps: at most ``max_rows + 1`` rows, no value over ``max_value_bytes``, no
more than ``max_result_bytes`` in all. Sizes are what the values take in memory, nested lists, maps and
structures included; numbers and dates count 8 bytes.

Needs nothing but the standard library: the query worker (:mod:`nl2sql.query_worker`) fetches with it.

Example:
    >>> import sqlite3
    >>> three = "SELECT 'ab' UNION ALL SELECT 'cd' UNION ALL SELECT 'ef'"
    >>> cursor = sqlite3.connect(":memory:").execute(three)
    >>> fetch_bounded(cursor, max_rows=2, max_value_bytes=100, max_result_bytes=1000)
    ([('ab',), ('cd',)], True)
    >>> cursor = sqlite3.connect(":memory:").execute("SELECT printf('%.*c', 500, 'x')")
    >>> try:
    ...     fetch_bounded(cursor, max_rows=2, max_value_bytes=100, max_result_bytes=1000)
    ... except TooLarge as error:
    ...     print(error)
    a value in the result takes 549 bytes, over the limit of 100 bytes
"""

from __future__ import annotations

import sys
from typing import Any

FIRST_BATCH_ROWS = 16
BATCH_ROWS = 256
WIDE_ROW_BYTES = 64 * 1024
"""Past a row this wide, rows are fetched one at a time (a batch of wide rows is built whole at once)."""
SCALAR_BYTES = 8


class TooLarge(Exception):
    """A value, or the whole result, is over its cap."""


def fetch_bounded(
    cursor: Any, *, max_rows: int, max_value_bytes: int, max_result_bytes: int
) -> tuple[list[tuple[Any, ...]], bool]:
    """Rows of ``cursor`` (at most ``max_rows``) and whether there were more.

    Raises:
        TooLarge: a value or the result is over its cap (the message says which, and the cap).
    """
    rows: list[tuple[Any, ...]] = []
    total = widest = 0
    while len(rows) <= max_rows:
        size = 1 if widest > WIDE_ROW_BYTES else FIRST_BATCH_ROWS if not rows else BATCH_ROWS
        batch = cursor.fetchmany(min(size, max_rows + 1 - len(rows)))
        if not batch:
            break
        for row in batch:
            width = 0
            for value in row:
                size = value_bytes(value, max_value_bytes)
                if size > max_value_bytes:
                    cap = _shown(max_value_bytes)
                    raise TooLarge(f"a value in the result takes {_shown(size)}, over the limit of {cap}")
                width += size
            total, widest = total + width, max(widest, width)
            if total > max_result_bytes:
                raise TooLarge(
                    f"the result takes more than {_shown(max_result_bytes)}: ask for fewer rows or columns"
                )
            rows.append(tuple(row))
    return rows[:max_rows], len(rows) > max_rows


def value_bytes(value: Any, budget: int) -> int:
    """Memory ``value`` takes, counted through lists, maps and structures; stops early past ``budget``.

    Example:
        >>> value_bytes(12, 100), value_bytes([1, 2, 3], 100)
        (8, 104)
    """
    if value is None or isinstance(value, bool | int | float):
        return SCALAR_BYTES
    if isinstance(value, str | bytes | bytearray):
        return sys.getsizeof(value)
    if isinstance(value, memoryview):
        return value.nbytes
    if isinstance(value, dict):
        items: Any = (part for pair in value.items() for part in pair)
    elif isinstance(value, list | tuple | set | frozenset):
        items = iter(value)
    else:
        return SCALAR_BYTES
    total = sys.getsizeof(value)
    for item in items:
        total += value_bytes(item, budget - total)
        if total > budget:
            break
    return total


def _shown(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} kB"
    return f"{size} bytes"
