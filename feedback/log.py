"""An append-only log of what happened to each answer, in a SQLite file of our own.

Every question asked, and later every acceptance, edit or rejection, becomes one event. The schema
evolves through numbered migrations recorded in a ``_migrations`` table.

Example:
    >>> import tempfile, os
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"))
    >>> event_id = log.record("generated", question="How many?", sql="SELECT COUNT(*) FROM customers")
    >>> [e["kind"] for e in log.events()]
    ['generated']
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EVENT_KINDS = ("generated", "executed", "explored", "accepted", "edited", "rejected", "withdrawn")
"""``withdrawn`` takes an earlier correction back (its id in ``details["event"]``); nothing is deleted.
``explored`` is SQL the user ran from an answer (a drill-down, a changed filter) without saying it
fixes the answer: logged, never learned from; ``edited`` is an edit the user vouches for."""


def m001_initial(connection: sqlite3.Connection) -> None:
    connection.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            database TEXT,
            schema_fingerprint TEXT,
            question TEXT,
            sql TEXT,
            final_sql TEXT,
            error TEXT,
            model_id TEXT,
            adapter_hash TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    connection.execute("CREATE INDEX events_by_database ON events (database, created_at)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_initial]


def default_log_path() -> Path:
    """``<data dir>/feedback.sqlite``."""
    from nl2sql.paths import data_dir  # imported here: nl2sql imports this package at load time

    return data_dir() / "feedback.sqlite"


class FeedbackLog:
    """The event log. Writes only ever append; nothing is updated or deleted."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_log_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            _migrate(connection)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def record(self, kind: str, **fields: Any) -> int:
        """Append one event of ``kind``; unknown keyword fields go into ``details``. Returns its id."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
        columns = (
            "database",
            "schema_fingerprint",
            "question",
            "sql",
            "final_sql",
            "error",
            "model_id",
            "adapter_hash",
        )
        values = {name: fields.pop(name, None) for name in columns}
        row = {
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "kind": kind,
            **values,
            "details": json.dumps(fields, ensure_ascii=False, default=str),
        }
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._connect() as connection:
            cursor = connection.execute(f"INSERT INTO events ({names}) VALUES ({marks})", list(row.values()))
            return int(cursor.lastrowid or 0)

    def events(
        self, *, limit: int | None = 100, database: str | None = None, kinds: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The newest ``limit`` events (all when None), oldest first; only those about ``database`` and
        of ``kinds`` when given."""
        where, parameters = [], []
        if database is not None:
            where.append("database = ?")
            parameters.append(database)
        if kinds:
            where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
            parameters.extend(kinds)
        query = "SELECT * FROM events" + (f" WHERE {' AND '.join(where)}" if where else "")
        query += " ORDER BY id DESC" + (" LIMIT ?" if limit is not None else "")
        if limit is not None:
            parameters.append(limit)
        with self._connect() as connection:
            connection.row_factory = sqlite3.Row
            rows = connection.execute(query, parameters).fetchall()
        events = [dict(row) for row in reversed(rows)]
        for event in events:
            event["details"] = json.loads(event["details"])
        return events

    def event(self, event_id: int) -> dict[str, Any] | None:
        """One event by its id, or None."""
        with self._connect() as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            return None
        event = dict(row)
        event["details"] = json.loads(event["details"])
        return event


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in connection.execute("SELECT name FROM _migrations")}
    for migration in MIGRATIONS:
        if migration.__name__ not in done:
            migration(connection)
            connection.execute(
                "INSERT INTO _migrations VALUES (?, ?)", (migration.__name__, datetime.now(UTC).isoformat())
            )
