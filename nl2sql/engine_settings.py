"""How SQLite and DuckDB files are opened: read-only, guarded, and bounded, in one place.

Both the product's own connections (:mod:`nl2sql.connect`) and the query worker process
(:mod:`nl2sql.query_worker`) open files with these functions. The module needs nothing but the standard
library (and ``duckdb`` for DuckDB files), so that the worker starts without the rest of the product.

- SQLite: ``mode=ro``, ``query_only``, the read-only authorizer (:mod:`nl2sql.sqlite_guard`), and
  ``SQLITE_LIMIT_LENGTH`` at twice the value cap, so that no text or blob much larger than the cap can
  be built: ``randomblob(1e9)`` and ``group_concat`` fail with "string or blob too big";
  ``printf('%.*c', 1e9, 'x')`` comes back NULL (SQLite's choice) after seconds that the worker's
  deadline bounds. Values between the cap and twice it are refused when fetched, by name.
  A file in WAL mode with no ``-wal`` file beside it is opened ``immutable=1``: everything committed is
  in the main file, and opening it any other way would leave ``-wal`` and ``-shm`` files behind.
- DuckDB: ``read_only``, no external access, no extension loading, a memory limit and a thread count,
  and a configuration no query can change back (``lock_configuration``).

Example:
    >>> import sqlite3, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> with sqlite3.connect(path) as setup:
    ...     _ = setup.execute("CREATE TABLE t (x INTEGER)")
    >>> connection = open_sqlite(path, max_value_bytes=1000)
    >>> connection.execute("SELECT length(printf('%.*c', 1500, 'x'))").fetchone()
    (1500,)
    >>> connection.execute("SELECT randomblob(5000)").fetchone()
    Traceback (most recent call last):
    ...
    sqlite3.DataError: string or blob too big
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote

if __package__:
    from nl2sql.sqlite_guard import guard
else:  # loaded by the query worker as a plain module, without the rest of the product
    from sqlite_guard import guard  # type: ignore[import-not-found, no-redef]

DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024
"""Equal to :data:`nl2sql.limits.DEFAULT_MAX_VALUE_BYTES` (this module imports nothing of the product;
tests/test_bounds.py checks the two agree)."""
DUCKDB_MEMORY_LIMIT = "512MB"
"""DuckDB's own memory limit for a query (sorts, joins, aggregates spill or fail beyond it)."""
DUCKDB_THREADS = max(1, min(4, os.cpu_count() or 1))
DUCKDB_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": DUCKDB_MEMORY_LIMIT,
    "threads": DUCKDB_THREADS,
    "lock_configuration": True,
}
"""DuckDB's own guard under the statement gate: no files, URLs or extensions beyond the database, a
memory limit and a thread count, and a configuration no query can change back."""
WAL_HEADER_OFFSET = 18
"""Bytes 18 and 19 of a SQLite file are its read and write format versions: 2 means WAL mode."""


def open_sqlite(path: str | Path, *, max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES) -> sqlite3.Connection:
    """A guarded, read-only SQLite connection to the existing file ``path`` (never creates one)."""
    connection = sqlite3.connect(sqlite_uri(Path(path)), uri=True, check_same_thread=False)
    connection.text_factory = decode_text
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 2 * max_value_bytes)
    connection.execute("PRAGMA query_only = ON")
    guard(connection)  # then nothing but reads: no ATTACH, no VACUUM INTO, no pragma that changes things
    return connection


def sqlite_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only, ``immutable`` when it is in WAL mode with no WAL beside it.
    The path is percent-encoded: a ``?``, ``#`` or ``%`` in a file's name is part of the name, never
    options of the URI (``shop?mode=rwc&x=.sqlite`` would otherwise open ``shop`` read-write, creating it).

    Example:
        >>> sqlite_uri(Path("/data/shop.sqlite"))  # no such file: plain read-only
        'file:/data/shop.sqlite?mode=ro'
        >>> sqlite_uri(Path("/data/x?mode=rwc#.sqlite"))
        'file:/data/x%3Fmode%3Drwc%23.sqlite?mode=ro'
    """
    resolved = path.resolve()
    uri = f"file:{quote(resolved.as_posix())}?mode=ro"
    if is_wal_file(resolved) and not resolved.with_name(resolved.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def is_wal_file(path: Path) -> bool:
    """Whether the SQLite file at ``path`` is in WAL mode (read from its header; False when unreadable)."""
    try:
        with path.open("rb") as handle:
            handle.seek(WAL_HEADER_OFFSET)
            return handle.read(2) == b"\x02\x02"
    except OSError:
        return False


def decode_text(raw: bytes) -> str:
    """SQLite text as str; bytes that are not UTF-8 (old data sets have some) are replaced, not fatal."""
    return raw.decode("utf-8", errors="replace")


def open_duckdb(path: str | Path) -> Any:
    """A read-only, locked-down DuckDB connection to the existing file ``path``."""
    import duckdb

    return duckdb.connect(str(Path(path).resolve()), read_only=True, config=dict(DUCKDB_CONFIG))
