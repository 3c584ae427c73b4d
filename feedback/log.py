"""An append-only log of what happened to each answer: a SQLite file of our own, or a team's PostgreSQL.

Every question asked, every acceptance, edit or rejection, and every review decision becomes one
event, stamped with the user (:func:`feedback.identity.current_user`) and never with a password
(:func:`feedback.identity.scrub_credentials`). Where it lives: :func:`feedback.store.store_url`; its
tables: :mod:`feedback.migrations`.

Example:
    >>> import tempfile, os
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"), user="ann")
    >>> event_id = log.record("generated", question="How many?", sql="SELECT COUNT(*) FROM customers")
    >>> [(e["kind"], e["user_name"]) for e in log.events()]
    [('generated', 'ann')]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from feedback.identity import current_user, scrub_credentials, scrub_url_passwords
from feedback.migrations import migrate
from feedback.store import LOCK_TIMEOUT_S, default_log_path, open_store, store_url

__all__ = ["EVENT_KINDS", "FeedbackLog", "default_log_path"]

EVENT_KINDS = (
    "generated",
    "executed",
    "explored",
    "accepted",
    "edited",
    "rejected",
    "withdrawn",
    "approved",
    "declined",
    "reviewers",
)
"""``withdrawn`` takes an earlier correction back (its id in ``details["event"]``); nothing is deleted.
``explored`` is SQL the user ran from an answer (a drill-down, a changed filter) without saying it
fixes the answer: logged, never learned from; ``edited`` is an edit the user vouches for.
``approved`` and ``declined`` are a reviewer's verdict on a candidate correction (its id in
``details["event"]``, its question and SQL in the columns): :mod:`feedback.review`. ``reviewers`` is a
change to who may review, by ``user_name`` (``details``: ``added`` or ``removed`` and a name, or
``four_eyes`` on or off): :mod:`feedback.reviewers`."""

COLUMNS = (
    "database",
    "connection",
    "schema_fingerprint",
    "question",
    "sql",
    "final_sql",
    "error",
    "model_id",
    "adapter_hash",
    "user_name",
)
"""Event fields with a column of their own; any other keyword of :meth:`FeedbackLog.record` goes into
``details``."""
VERBATIM = ("question", "sql", "final_sql")
"""Fields whose text is kept as written, but for URL passwords (a ``password=`` there may be SQL)."""

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.Text),
    sa.column("kind", sa.Text),
    sa.column("details", sa.Text),
    *(sa.column(name, sa.Text) for name in COLUMNS),
)


def utc_now() -> datetime:
    """The clock events are stamped with by default."""
    return datetime.now(UTC)


class FeedbackLog:
    """The event log. Writes only ever append; nothing is updated or deleted.

    Args:
        location: a file path or a SQLAlchemy URL (SQLite or PostgreSQL); by default
            ``$CHATBI_FEEDBACK_URL``, else ``feedback.sqlite`` in the data folder.
        user: whom events are stamped with unless an event names its own ``user_name``
            (default: :func:`feedback.identity.current_user`).
        clock: when events happen (default: the system clock, in UTC).
        timeout_s: how long a statement waits for another one's lock before it fails (readers never
            wait for writers: SQLite runs in WAL mode, PostgreSQL reads a snapshot).
    """

    def __init__(
        self,
        location: str | Path | None = None,
        *,
        user: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        timeout_s: float = LOCK_TIMEOUT_S,
    ) -> None:
        self.url = store_url(location)
        self.path: Path | None = Path(self.url.database or "") if self.backend == "sqlite" else None
        """The file of a SQLite log; None for PostgreSQL."""
        self.user = user or current_user()
        self.clock = clock
        self.engine = open_store(self.url, timeout_s)
        try:
            migrate(self.engine, clock())
        except sa.exc.OperationalError as error:  # unreachable, refused, locked past the timeout
            from feedback.errors import FeedbackStoreError  # imported here: nl2sql imports this package

            reason = scrub_credentials(str(error.orig).strip().splitlines()[0])
            raise FeedbackStoreError(f"cannot open the feedback log {self.location}: {reason}") from error

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    @property
    def location(self) -> str:
        """Where the log is, as ``--log`` takes it (a file path, or the URL without its password)."""
        return str(self.path) if self.path else self.url.render_as_string()

    def __repr__(self) -> str:
        return f"FeedbackLog({self.location!r})"

    def close(self) -> None:
        """Close the log's connections (it opens new ones if used again)."""
        self.engine.dispose()

    def record(self, kind: str, **fields: Any) -> int:
        """Append one event of ``kind``; unknown keyword fields go into ``details``. Returns its id."""
        row = self._row(kind, fields)
        with self.engine.connect().execution_options(write=True) as connection, connection.begin():
            return _insert(connection, row)

    def record_on(self, connection: sa.Connection, kind: str, /, **fields: Any) -> int:
        """Append one event as :meth:`record` does, inside a write transaction already begun on
        ``connection`` (one of :attr:`engine`'s): it commits, or rolls back, with that transaction.

        Example:
            >>> import tempfile, os
            >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann")
            >>> with log.engine.connect().execution_options(write=True) as connection:
            ...     with connection.begin():
            ...         event_id = log.record_on(connection, "generated", question="How many?")
            ...     with connection.begin() as transaction:
            ...         _ = log.record_on(connection, "generated", question="Rolled back?")
            ...         transaction.rollback()
            >>> [e["question"] for e in log.events()]
            ['How many?']
        """
        return _insert(connection, self._row(kind, fields))

    def _row(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """The events row of one event of ``kind`` with ``fields``, scrubbed and stamped."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
        values = {name: fields.pop(name, None) for name in COLUMNS}
        values["user_name"] = values["user_name"] or self.user
        for name, value in values.items():
            if isinstance(value, str):
                values[name] = _scrub(name, value)
        details = json.dumps(_scrubbed(fields), ensure_ascii=False, default=str)
        return {
            "created_at": self.clock().isoformat(timespec="milliseconds"),
            "kind": kind,
            **values,
            "details": details,
        }

    def events(
        self,
        *,
        limit: int | None = 100,
        database: str | None = None,
        kinds: Sequence[str] = (),
        after: int = 0,
        connection: sa.Connection | None = None,
    ) -> list[dict[str, Any]]:
        """The newest ``limit`` events (all when None), oldest first; only those about ``database``, of
        ``kinds`` and with an id above ``after`` when given; read on ``connection`` (inside its
        transaction) when given.

        Example:
            >>> import tempfile, os
            >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann")
            >>> first = log.record("generated", question="How many?")
            >>> _ = log.record("accepted", question="Which?")
            >>> [e["question"] for e in log.events(after=first)]
            ['Which?']
        """
        query = sa.select(sa.text("*")).select_from(EVENTS).order_by(EVENTS.c.id.desc()).limit(limit)
        if database is not None:
            query = query.where(EVENTS.c.database == database)
        if kinds:
            query = query.where(EVENTS.c.kind.in_(kinds))
        if after:
            query = query.where(EVENTS.c.id > after)
        if connection is not None:
            rows = connection.execute(query).mappings().all()
        else:
            with self.engine.connect() as reading:
                rows = reading.execute(query).mappings().all()
        return [_event(row) for row in reversed(rows)]

    def event(self, event_id: int) -> dict[str, Any] | None:
        """One event by its id, or None."""
        query = sa.select(sa.text("*")).select_from(EVENTS).where(EVENTS.c.id == event_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _event(row)

    def count(self, *, database: str | None = None, kinds: Sequence[str] = ()) -> int:
        """How many events there are (about ``database``, of ``kinds``).

        Example:
            >>> import tempfile, os
            >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann")
            >>> _ = log.record("generated", question="How many?")
            >>> log.count(), log.count(kinds=["accepted"])
            (1, 0)
        """
        return self._aggregate(sa.func.count(), database, kinds)

    def last_id(self, *, database: str | None = None, kinds: Sequence[str] = ()) -> int:
        """The id of the newest event (about ``database``, of ``kinds``); 0 when there is none.

        Example:
            >>> import tempfile, os
            >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "f.sqlite"), user="ann")
            >>> first = log.record("generated", question="How many?")
            >>> log.last_id() == first, log.last_id(kinds=["approved"])
            (True, 0)
        """
        return self._aggregate(sa.func.max(EVENTS.c.id), database, kinds)

    def _aggregate(self, function: Any, database: str | None, kinds: Sequence[str]) -> int:
        query = sa.select(function).select_from(EVENTS)
        if database is not None:
            query = query.where(EVENTS.c.database == database)
        if kinds:
            query = query.where(EVENTS.c.kind.in_(kinds))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)


def _insert(connection: sa.Connection, row: dict[str, Any]) -> int:
    result = connection.execute(sa.insert(EVENTS).values(row).returning(EVENTS.c.id))
    return int(result.scalar_one())


def _scrub(name: str, value: str) -> str:
    return scrub_url_passwords(value) if name in VERBATIM else scrub_credentials(value)


def _scrubbed(value: Any) -> Any:
    """``value`` (details: JSON-like data) with every text in it scrubbed of credentials."""
    if isinstance(value, str):
        return scrub_credentials(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


def _event(row: Any) -> dict[str, Any]:
    event = dict(row)
    event["details"] = json.loads(event["details"])
    return event
