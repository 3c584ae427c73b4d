"""Suggestions: the reusable knowledge in approved corrections, kept until a reviewer decides on it.

An approved correction answers its own question at once (a verified query). What it says beyond that
question is offered as a *suggestion* for the database's semantic model:

- ``value``: a synonym of a stored value ("NY" means ``customers.city = 'New York'``); payload ``table``,
  ``column``, ``value``, ``synonym`` and ``found`` (whether the synonym is the question's own word);
- ``join``: a join path (``orders.customer_id = customers.customer_id``); payload ``left_table``,
  ``left_columns``, ``right_table``, ``right_columns``, the left side being the many side;
- ``rule``: a business rule, a condition corrections keep adding on one table; payload ``table``,
  ``condition`` (SQL over that table's columns) and ``name``;
- ``metric``: a word of the questions that names an aggregate ("营收" is ``SUM(total_amount)`` of the
  orders not cancelled); payload ``table``, ``expr``, ``filter``, ``time_column`` and ``synonym``;
- ``dimension``: a word that names a column to group by ("行业" is ``customers.industry``); payload
  ``table``, ``column`` and ``synonym`` (both from :mod:`feedback.word_meanings`).

Each starts ``pending``; accepting or rejecting it is a decision that can be made again. Nothing here
writes a YAML file: :mod:`nl2sql.semantic.learned` lays the accepted ones over the model when it is
loaded. Suggestions are the ``suggestions`` table of the feedback store (migration ``m004_suggestions``),
so a team sharing a PostgreSQL log shares them.

Example:
    >>> import tempfile
    >>> from datetime import UTC, datetime
    >>> store = SuggestionStore(f"{tempfile.mkdtemp()}/feedback.sqlite")
    >>> day = datetime(2026, 3, 1, tzinfo=UTC)
    >>> payload = {"table": "customers", "column": "city", "value": "New York", "synonym": "NY",
    ...            "found": True}
    >>> (new,) = store.propose("shop", [Proposal("value", "customers.city:ny", payload, (7,))], at=day)
    >>> new.describe()
    "customers.city: 'NY' means 'New York' (the question's word)"
    >>> store.decide(new.id, ACCEPTED, by="bo", at=day).status
    'accepted'
    >>> [s.id for s in store.accepted("shop")] == [new.id]
    True
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from feedback.errors import FeedbackError
from feedback.reviewers import check_reviewer, check_reviewer_on

if TYPE_CHECKING:
    from feedback.log import FeedbackLog

KINDS = ("value", "join", "rule", "metric", "dimension")
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = (PENDING, ACCEPTED, REJECTED)
SUGGESTION_LOCK = 1_700_019
"""The PostgreSQL advisory lock key that serialises writes to the suggestions."""

SUGGESTIONS = sa.table(
    "suggestions",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.Text) for name in ("database", "kind", "key", "payload", "sources", "status")),
    *(sa.column(name, sa.Text) for name in ("created_at", "decided_at", "decided_by", "reason")),
)


class SuggestionError(FeedbackError):
    """A suggestion cannot be found or decided as asked."""


@dataclass(frozen=True)
class Proposal:
    """Something an approved correction teaches, before it is stored: its kind, a key that names it
    (the same knowledge learned twice has the same key), what it says, and the corrections it came from."""

    kind: str
    key: str
    payload: dict[str, Any]
    sources: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A stored suggestion (see the module's docstring for the kinds and their payloads)."""

    id: int
    database: str
    kind: str
    key: str
    payload: dict[str, Any] = field(default_factory=dict)
    sources: tuple[int, ...] = ()
    """The ids of the approved corrections it was learned from."""
    status: str = PENDING
    created_at: str = ""
    decided_at: str | None = None
    decided_by: str | None = None
    reason: str | None = None

    def describe(self) -> str:
        """What it says, in one line.

        Example:
            >>> Suggestion(1, "shop", "rule", "k", {"table": "orders", "name": "valid orders",
            ...            "condition": "status <> 'cancelled'"}).describe()
            "orders: 'valid orders' means status <> 'cancelled'"
        """
        return describe(self.kind, self.payload)

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["sources"] = list(self.sources)
        values["description"] = self.describe()
        return values


def describe(kind: str, payload: dict[str, Any]) -> str:
    """A suggestion's ``payload`` of ``kind`` in one line.

    Example:
        >>> describe("join", {"left_table": "orders", "left_columns": ["customer_id"],
        ...                   "right_table": "customers", "right_columns": ["customer_id"]})
        'join orders to customers on orders.customer_id = customers.customer_id'
    """
    if kind == "value":
        word = "the question's word" if payload.get("found") else "written before the correction"
        return (
            f"{payload['table']}.{payload['column']}: {payload['synonym']!r} means {payload['value']!r}"
            f" ({word})"
        )
    if kind == "join":
        left, right = payload["left_table"], payload["right_table"]
        pairs = zip(payload["left_columns"], payload["right_columns"], strict=True)
        on = " AND ".join(f"{left}.{a} = {right}.{b}" for a, b in pairs)
        return f"join {left} to {right} on {on}"
    if kind == "metric":
        meaning = f"{payload['synonym']!r} means {_measure(payload)}"
        finer = payload.get("finer")
        return f"{meaning}, and {_measure(finer)} by what only its rows reach" if finer else meaning
    if kind == "dimension":
        return f"{payload['synonym']!r} means {payload['table']}.{payload['column']}"
    return f"{payload['table']}: {payload['name']!r} means {payload['condition']}"


class SuggestionStore:
    """The suggestions in a feedback store.

    Args:
        store: an open :class:`feedback.log.FeedbackLog`, or where one is (a file or a URL; by default
            ``$CHATBI_FEEDBACK_URL``, else the data folder's file). Opening migrates it.
    """

    def __init__(self, store: FeedbackLog | str | Path | None = None) -> None:
        from feedback.log import FeedbackLog

        self._owned = not isinstance(store, FeedbackLog)
        self.log = store if isinstance(store, FeedbackLog) else FeedbackLog(store)
        self.engine = self.log.engine

    def close(self) -> None:
        """Close the store's connections when this object opened it."""
        if self._owned:
            self.log.close()

    def propose(self, database: str, proposals: Iterable[Proposal], *, at: datetime) -> list[Suggestion]:
        """Store what ``proposals`` teach about ``database``; the suggestions that are new. A proposal
        already stored adds its sources to a pending suggestion and leaves a decided one as it is."""
        stamp = _stamp(at)
        new_ids = []
        with _writing(self.engine) as connection:
            for proposal in proposals:
                if proposal.kind not in KINDS:
                    raise SuggestionError(f"unknown kind of suggestion {proposal.kind!r}")
                row = _keyed(connection, database, proposal.kind, proposal.key)
                if row is None:
                    values = {
                        "database": database,
                        "kind": proposal.kind,
                        "key": proposal.key,
                        "payload": json.dumps(proposal.payload, ensure_ascii=False, sort_keys=True),
                        "sources": json.dumps(sorted(set(proposal.sources))),
                        "status": PENDING,
                        "created_at": stamp,
                    }
                    inserted = connection.execute(
                        sa.insert(SUGGESTIONS).values(values).returning(SUGGESTIONS.c.id)
                    )
                    new_ids.append(int(inserted.scalar_one()))
                elif row["status"] == PENDING:
                    sources = sorted({*json.loads(row["sources"]), *proposal.sources})
                    connection.execute(
                        sa.update(SUGGESTIONS)
                        .where(SUGGESTIONS.c.id == row["id"])
                        .values(sources=json.dumps(sources))
                    )
        return [self.suggestion(suggestion_id) for suggestion_id in new_ids]

    def suggestions(self, database: str | None = None, status: str | None = None) -> list[Suggestion]:
        """The suggestions (about ``database``, with ``status``, when given), oldest first."""
        query = sa.select(SUGGESTIONS).order_by(SUGGESTIONS.c.id)
        if database is not None:
            query = query.where(SUGGESTIONS.c.database == database)
        if status is not None:
            query = query.where(SUGGESTIONS.c.status == status)
        with self.engine.connect() as connection:
            return [_suggestion(row) for row in connection.execute(query).mappings()]

    def accepted(self, database: str) -> list[Suggestion]:
        """The accepted suggestions about ``database``, oldest first."""
        return self.suggestions(database, ACCEPTED)

    def suggestion(self, suggestion_id: int) -> Suggestion:
        """The suggestion with this id."""
        with self.engine.connect() as connection:
            row = _row(connection, suggestion_id)
        if row is None:
            raise SuggestionError(
                f"no suggestion #{suggestion_id}: `chatbi feedback suggestions --db DB` lists them"
            )
        return _suggestion(row)

    def decide(
        self,
        suggestion_id: int,
        status: str,
        *,
        by: str | None = None,
        at: datetime,
        reason: str | None = None,
        name: str | None = None,
        database: str | None = None,
    ) -> Suggestion:
        """Accept or reject suggestion ``suggestion_id`` (about ``database``, when given) as ``by``
        (default: the log's user), who must be one of the store's reviewers if it has any
        (:mod:`feedback.reviewers`); ``name`` renames an accepted business rule.

        Raises:
            ReviewerError: ``by`` may not review in this store.
            SuggestionError: no such suggestion (on that database), a name for something that is no
                rule, or accepting it contradicts an accepted one (the same word for another value, the
                same name for another rule).
        """
        if status not in (ACCEPTED, REJECTED):
            raise SuggestionError(f"a suggestion is accepted or rejected, not {status!r}")
        by = by or self.log.user
        check_reviewer(self.log, by)
        with _writing(self.engine) as connection:
            check_reviewer_on(connection, by)  # again, with the verdict: no decision crosses a change
            row = _row(connection, suggestion_id)
            if row is None or (database is not None and row["database"] != database):
                where = f" on {database}" if database is not None else ""
                raise SuggestionError(
                    f"no suggestion #{suggestion_id}{where}: `chatbi feedback suggestions --db DB` lists them"
                )
            found = _suggestion(row)
            payload = dict(found.payload)
            if name is not None:
                if found.kind != "rule":
                    raise SuggestionError(f"#{suggestion_id} is a {found.kind}, not a rule: it takes no name")
                if not name.strip():
                    raise SuggestionError("a rule's name cannot be empty")
                payload["name"] = " ".join(name.split())
            if status == ACCEPTED:
                others = self._accepted_rows(connection, found.database, found.kind, suggestion_id)
                clash = _contradiction(replace(found, payload=payload), others)
                if clash:
                    raise SuggestionError(clash)
            connection.execute(
                sa.update(SUGGESTIONS)
                .where(SUGGESTIONS.c.id == suggestion_id)
                .values(
                    status=status,
                    decided_at=_stamp(at),
                    decided_by=by,
                    reason=reason,
                    payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                )
            )
        return self.suggestion(suggestion_id)

    @staticmethod
    def _accepted_rows(
        connection: sa.Connection, database: str, kind: str, other_than: int
    ) -> list[Suggestion]:
        query = sa.select(SUGGESTIONS).where(
            SUGGESTIONS.c.database == database,
            SUGGESTIONS.c.kind == kind,
            SUGGESTIONS.c.status == ACCEPTED,
            SUGGESTIONS.c.id != other_than,
        )
        return [_suggestion(row) for row in connection.execute(query).mappings()]


def accepted_suggestions(database: str, store: FeedbackLog | str | Path | None = None) -> list[Suggestion]:
    """The accepted suggestions about ``database`` in the feedback store at ``store`` (by default the
    usual one); none, without creating anything, when that store is a SQLite file that does not exist.

    Example:
        >>> import tempfile
        >>> accepted_suggestions("shop", f"{tempfile.mkdtemp()}/feedback.sqlite")
        []
    """
    from feedback.log import FeedbackLog
    from feedback.store import store_url

    if not isinstance(store, FeedbackLog):
        url = store_url(store)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            return []
    suggestions = SuggestionStore(store)
    try:
        return suggestions.accepted(database)
    finally:
        suggestions.close()


def _measure(payload: dict[str, Any]) -> str:
    where = f" where {payload['filter']}" if payload.get("filter") else ""
    return f"{payload['expr']} of {payload['table']}{where}"


def _refines(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether the metric word ``mine`` says what ``theirs`` does and adds the sum over a finer table."""
    same = all(mine.get(k) == theirs.get(k) for k in ("table", "expr", "filter"))
    return same and bool(mine.get("finer")) and not theirs.get("finer")


def _contradiction(suggestion: Suggestion, accepted: Sequence[Suggestion]) -> str | None:
    """Why accepting ``suggestion`` contradicts one of the ``accepted`` ones of its kind; None if not."""
    mine = suggestion.payload
    for other in accepted:
        theirs = other.payload
        if suggestion.kind == "value":
            same_place = (mine["table"], mine["column"]) == (theirs["table"], theirs["column"])
            if (
                same_place
                and mine["synonym"].casefold() == theirs["synonym"].casefold()
                and mine["value"] != theirs["value"]
            ):
                return (
                    f"#{other.id} already reads {mine['synonym']!r} as {theirs['value']!r} in"
                    f" {mine['table']}.{mine['column']}: reject it first"
                )
        if (
            suggestion.kind in ("metric", "dimension")
            and mine["synonym"].casefold() == theirs["synonym"].casefold()
            and not (suggestion.kind == "metric" and _refines(mine, theirs))
        ):
            meaning = other.describe().partition(" means ")[2]
            return f"#{other.id} already reads {mine['synonym']!r} as {meaning}: reject it first"
        if suggestion.kind == "rule" and mine["name"].casefold() == theirs["name"].casefold():
            return (
                f"#{other.id} is already called {theirs['name']!r}:"
                " accept this one under another name (--name)"
            )
    return None


@contextlib.contextmanager
def _writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction holding the store's write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
    advisory lock)."""
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SUGGESTION_LOCK})")
        yield connection


def _keyed(connection: sa.Connection, database: str, kind: str, key: str) -> Any:
    query = sa.select(SUGGESTIONS).where(
        SUGGESTIONS.c.database == database, SUGGESTIONS.c.kind == kind, SUGGESTIONS.c.key == key
    )
    return connection.execute(query).mappings().first()


def _row(connection: sa.Connection, suggestion_id: int) -> Any:
    query = sa.select(SUGGESTIONS).where(SUGGESTIONS.c.id == suggestion_id)
    return connection.execute(query).mappings().first()


def _suggestion(row: Any) -> Suggestion:
    values = dict(row)
    values["id"] = int(values["id"])
    values["payload"] = json.loads(values["payload"] or "{}")
    values["sources"] = tuple(json.loads(values["sources"] or "[]"))
    return Suggestion(**values)


def _stamp(moment: datetime) -> str:
    """UTC, to the second: stamps sort as text."""
    if moment.tzinfo is None:
        raise ValueError("suggestion times carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="seconds")
