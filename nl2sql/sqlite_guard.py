"""SQLite's own guard under the statement gate: an authorizer that lets a connection read and nothing else.

The gate (:mod:`nl2sql.safety`) decides on the parsed SQL; a read-only file (``mode=ro``) and
``PRAGMA query_only`` stop writes to the database. Neither stops ``ATTACH`` or ``VACUUM INTO`` from
creating files beside it, nor a pragma from changing the session. The authorizer is SQLite's check of
every action a statement would take, made by the engine itself while it prepares the statement: reads,
selects, functions (but those that reach files or load code), recursive CTEs and the transaction
statements SQLite itself needs are allowed; pragmas only when they read; everything else is denied.

Example:
    >>> import sqlite3, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "shop.sqlite")
    >>> with sqlite3.connect(path) as setup:
    ...     _ = setup.execute("CREATE TABLE t (x INTEGER)")
    >>> connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    >>> guard(connection)
    >>> connection.execute("SELECT COUNT(*) FROM t").fetchone()
    (0,)
    >>> connection.execute(f"ATTACH DATABASE '{folder}/other.sqlite' AS other")
    Traceback (most recent call last):
    ...
    sqlite3.DatabaseError: not authorized
    >>> os.path.exists(os.path.join(folder, "other.sqlite"))
    False
"""

from __future__ import annotations

import sqlite3

READ_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "database_list",
        "collation_list",
        "function_list",
        "pragma_list",
    }
)
"""Pragmas that only read, whatever their argument (a table's name)."""
DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})
"""Functions that load code or reach files, where a build of SQLite has them."""
_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE, sqlite3.SQLITE_TRANSACTION}


def guard(connection: sqlite3.Connection) -> None:
    """Install the read-only authorizer on ``connection`` (after any setup pragma it needs)."""
    connection.set_authorizer(authorize)


def authorize(
    action: int, first: str | None, second: str | None, _database: str | None, _trigger: str | None
) -> int:
    """SQLite's authorizer callback: ``SQLITE_OK`` for what only reads, ``SQLITE_DENY`` for the rest.

    Example:
        >>> authorize(sqlite3.SQLITE_PRAGMA, "user_version", "7", None, None) == sqlite3.SQLITE_DENY
        True
        >>> authorize(sqlite3.SQLITE_PRAGMA, "table_info", "orders", None, None) == sqlite3.SQLITE_OK
        True
    """
    if action in _ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (second or "").lower() in DENIED_FUNCTIONS else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (first or "").lower()
        return sqlite3.SQLITE_OK if name in READ_PRAGMAS or second is None else sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_DENY
