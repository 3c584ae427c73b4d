"""The adapter registry: every LoRA adapter trained for a base model, what it was trained from, how it
measured, and its status. A base model answers with its one ``active`` adapter, else the shipped one.

An entry's id is the sha256 of its weights file (the ``adapter_hash`` every answer is logged with).
It is recorded once (:meth:`AdapterRegistry.record`); after that only its status changes:

- ``candidate``: trained and recorded, not in use (its metrics say whether it measured better);
- ``shadow``: answers live questions silently beside the active adapter, so that its agreement with
  it, and its accuracy where users accepted or corrected an answer, are known before a promotion
  (:meth:`AdapterRegistry.shadow`, :mod:`feedback.shadow_log`); at most one per base model, back to
  candidate with :meth:`AdapterRegistry.unshadow` or when promoted;
- ``active``: the adapter its base model answers with; at most one per base model (a unique index in
  the store says so), and the shipped adapter answers while there is none;
- ``retired``: was active; replaced by a promotion, or taken back by a rollback.

Only :meth:`AdapterRegistry.promote` makes an entry active (retiring the one before it), and
:meth:`AdapterRegistry.rollback` undoes the last promotion (the entry it replaced answers again, or the
shipped adapter). The registry is the ``adapters`` table of the feedback store (:mod:`feedback.store`,
migration ``m003_adapters``): a team sharing a PostgreSQL log shares one registry, and "corrections
approved since the last training" counts events of that same store.

Example:
    >>> import tempfile
    >>> from datetime import UTC, datetime
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "adapter_model.safetensors").write_bytes(b"weights")
    >>> registry = AdapterRegistry(folder / "feedback.sqlite")
    >>> day = datetime(2026, 3, 1, tzinfo=UTC)
    >>> entry = registry.record(folder, base_model="qwen2.5-coder-0.5b", base_sha256="1d96" * 16,
    ...                         data_sha256=None, metrics={"ex_after": 0.7}, created_at=day)
    >>> entry.short_id, entry.status
    ('9a129038d9a0', 'candidate')
    >>> registry.promote(entry.short_id, at=day).status
    'active'
    >>> registry.rollback("qwen2.5-coder-0.5b", at=day) is None  # the shipped adapter answers again
    True
    >>> registry.entry("9a12").status
    'retired'
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from feedback.errors import FeedbackError

if TYPE_CHECKING:
    from feedback.log import FeedbackLog

STATUSES = ("candidate", "shadow", "active", "retired")
RECORDABLE = ("candidate", "shadow")
"""The statuses an entry may be recorded with: nothing becomes active but by a promotion."""
MIN_ID_PREFIX = 4
"""The fewest hex digits of an id that name an entry (when no other entry shares them)."""
REGISTRY_LOCK = 1_700_018
"""The PostgreSQL advisory lock key that serialises status changes."""

ADAPTERS = sa.table(
    "adapters",
    *(sa.column(name, sa.Text) for name in ("id", "path", "base_model", "base_sha256", "data_sha256")),
    *(sa.column(name, sa.Text) for name in ("created_at", "metrics", "status", "replaced", "changed_at")),
    sa.column("trained_through", sa.BigInteger),
)


class RegistryError(FeedbackError):
    """A registry action is impossible (unknown id, wrong status, missing weights, nothing to undo)."""


class RegistryWarning(UserWarning):
    """The active adapter cannot be used, so the shipped one answers."""


@dataclass(frozen=True)
class AdapterEntry:
    """One recorded adapter."""

    id: str
    """sha256 of its weights file."""
    path: str
    """Its folder (absolute)."""
    base_model: str
    """The base model it applies to: a bundled name, or an absolute path."""
    base_sha256: str
    """sha256 of the base model's weights (:func:`feedback.base_weights.base_sha256`)."""
    data_sha256: str | None
    """sha256 of what it was trained on (:func:`feedback.datasets.examples_hash`)."""
    created_at: str
    """When it was recorded (UTC, ISO 8601)."""
    status: str
    changed_at: str
    """When its status last changed."""
    metrics: dict[str, Any] = field(default_factory=dict)
    """Its measurements, e.g. held-out EX before and after (``ex_before``, ``ex_after``)."""
    replaced: str | None = None
    """The entry that was active when it was promoted (None: the shipped adapter was)."""
    trained_through: int | None = None
    """The newest approved-correction event its training read (``--if-new`` counts from there)."""

    @property
    def short_id(self) -> str:
        """The first 12 hex digits of the id, as lists show it."""
        return self.id[:12]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def adapters_dir() -> Path:
    """``<data dir>/adapters``: where retrained adapters go by default.

    Example:
        >>> adapters_dir().name
        'adapters'
    """
    from nl2sql.paths import data_dir  # imported here: nl2sql imports this package at load time

    return data_dir() / "adapters"


def base_key(model: str) -> str:
    """How a base model is named in the registry: a bundled name as is, an existing path absolute.

    Example:
        >>> base_key("qwen2.5-coder-0.5b"), base_key("/no/such/../model.gguf")
        ('qwen2.5-coder-0.5b', '/no/such/../model.gguf')
    """
    from nl2sql.models.weights import MODELS

    if model in MODELS:
        return model
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


class AdapterRegistry:
    """The registry in a feedback store.

    Args:
        store: an open :class:`feedback.log.FeedbackLog`, or where one is (a file or a URL; by default
            ``$CHATBI_FEEDBACK_URL``, else the data folder's file). Opening migrates it.
    """

    def __init__(self, store: FeedbackLog | str | Path | None = None) -> None:
        from feedback.log import FeedbackLog

        self.log = store if isinstance(store, FeedbackLog) else FeedbackLog(store)
        self.engine = self.log.engine

    def close(self) -> None:
        """Close the store's connections."""
        self.log.close()

    def record(
        self,
        folder: str | Path,
        *,
        base_model: str,
        base_sha256: str,
        data_sha256: str | None,
        metrics: dict[str, Any],
        created_at: datetime,
        status: str = "candidate",
        trained_through: int | None = None,
    ) -> AdapterEntry:
        """Record the adapter in ``folder`` as a ``candidate`` (or ``shadow``); its new entry."""
        if status not in RECORDABLE:
            raise RegistryError(f"an adapter is recorded as a candidate or shadow, not {status!r}")
        path = Path(folder).expanduser().resolve()
        stamp = _stamp(created_at)
        row = {
            "id": _weights_sha256(path),
            "path": str(path),
            "base_model": base_key(base_model),
            "base_sha256": base_sha256,
            "data_sha256": data_sha256,
            "created_at": stamp,
            "metrics": json.dumps(metrics, ensure_ascii=False, default=str),
            "status": status,
            "replaced": None,
            "changed_at": stamp,
            "trained_through": trained_through,
        }
        with _writing(self.engine) as connection:
            if _row(connection, row["id"]) is not None:
                raise RegistryError(f"adapter {row['id'][:12]} is recorded already: {path}")
            if status == "shadow":
                _refuse_second_shadow(connection, row["base_model"])
            connection.execute(sa.insert(ADAPTERS).values(row))
        return self.entry(row["id"])

    def entries(self, base_model: str | None = None) -> list[AdapterEntry]:
        """All entries (for ``base_model`` only, when given), newest first."""
        query = sa.select(ADAPTERS).order_by(ADAPTERS.c.created_at.desc(), ADAPTERS.c.id)
        if base_model is not None:
            query = query.where(ADAPTERS.c.base_model == base_key(base_model))
        with self.engine.connect() as connection:
            return [_entry(row) for row in connection.execute(query).mappings()]

    def entry(self, reference: str) -> AdapterEntry:
        """The entry whose id is, or starts with, ``reference`` (at least 4 hex digits)."""
        with self.engine.connect() as connection:
            return _entry(_find(connection, reference))

    def active(self, base_model: str) -> AdapterEntry | None:
        """The active entry of ``base_model``, or None (the shipped adapter answers)."""
        with self.engine.connect() as connection:
            row = _active_row(connection, base_key(base_model))
        return None if row is None else _entry(row)

    def last_training(self, base_model: str) -> AdapterEntry | None:
        """The newest entry of ``base_model`` that says which corrections its training read."""
        query = (
            sa.select(ADAPTERS)
            .where(ADAPTERS.c.base_model == base_key(base_model), ADAPTERS.c.trained_through.is_not(None))
            .order_by(ADAPTERS.c.created_at.desc(), ADAPTERS.c.trained_through.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _entry(row)

    def shadowing(self, base_model: str) -> AdapterEntry | None:
        """The entry of ``base_model`` in shadow, or None."""
        query = sa.select(ADAPTERS).where(
            ADAPTERS.c.base_model == base_key(base_model), ADAPTERS.c.status == "shadow"
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _entry(row)

    def shadow(self, reference: str, *, at: datetime) -> AdapterEntry:
        """Put a candidate in shadow: it answers live questions silently beside the active adapter (the
        assistant logs both answers, :mod:`feedback.shadow_log`). At most one shadow per base model."""
        chosen = self.entry(reference)
        if chosen.status != "candidate":
            raise RegistryError(
                f"adapter {chosen.short_id} is {chosen.status}: only a candidate goes in shadow"
            )
        _check_weights(chosen)
        with _writing(self.engine) as connection:
            row = _row(connection, chosen.id)
            if row is None or row["status"] != "candidate":
                raise RegistryError(f"adapter {chosen.short_id} changed meanwhile: try again")
            _refuse_second_shadow(connection, chosen.base_model)
            _set(connection, chosen.id, status="shadow", changed_at=_stamp(at))
        return self.entry(chosen.id)

    def unshadow(self, reference: str, *, at: datetime) -> AdapterEntry:
        """Take an adapter out of shadow: a candidate again (what it answered in shadow stays logged)."""
        chosen = self.entry(reference)
        if chosen.status != "shadow":
            raise RegistryError(f"adapter {chosen.short_id} is {chosen.status}, not in shadow")
        with _writing(self.engine) as connection:
            row = _row(connection, chosen.id)
            if row is None or row["status"] != "shadow":
                raise RegistryError(f"adapter {chosen.short_id} changed meanwhile: try again")
            _set(connection, chosen.id, status="candidate", changed_at=_stamp(at))
        return self.entry(chosen.id)

    def promote(
        self, reference: str, *, at: datetime, replacing: str | EllipsisType | None = ...
    ) -> AdapterEntry:
        """Make a candidate or shadow entry the active one of its base model, retiring the active one.

        ``replacing``: refuse unless the entry active now is this one (None: none) — for a promotion
        decided by comparing against the adapter that was in use.
        """
        chosen = self.entry(reference)
        if chosen.status not in RECORDABLE:
            advice = (
                "it answers already"
                if chosen.status == "active"
                else "only a candidate or shadow adapter is promoted (`chatbi models rollback` brings the"
                " previous one back)"
            )
            raise RegistryError(f"adapter {chosen.short_id} is {chosen.status}: {advice}")
        _check_weights(chosen)
        stamp = _stamp(at)
        with _writing(self.engine) as connection:
            row = _row(connection, chosen.id)
            if row is None or row["status"] not in RECORDABLE:  # changed since it was read above
                raise RegistryError(f"adapter {chosen.short_id} changed while being promoted: try again")
            current = _active_row(connection, chosen.base_model)
            current_id = current["id"] if current is not None else None
            if replacing is not ... and current_id != replacing:
                now = current_id[:12] if current_id else "the shipped adapter"
                raise RegistryError(
                    f"the adapter in use changed to {now} meanwhile: {chosen.short_id} stays {chosen.status}"
                )
            if current_id is not None:
                _set(connection, current_id, status="retired", changed_at=stamp)
            _set(connection, chosen.id, status="active", replaced=current_id, changed_at=stamp)
        return self.entry(chosen.id)

    def rollback(self, base_model: str, *, at: datetime) -> AdapterEntry | None:
        """Undo the last promotion of ``base_model``: the active entry retires and the one it replaced
        answers again (returned), or the shipped adapter (None)."""
        key = base_key(base_model)
        current = self.active(key)
        if current is None:
            raise RegistryError(
                f"nothing to roll back for {key}: no adapter was promoted, the shipped one answers"
            )
        previous = self.entry(current.replaced) if current.replaced else None
        if previous is not None:
            try:
                _check_weights(previous)
            except RegistryError as error:
                raise RegistryError(f"cannot roll back to {previous.short_id}: {error}") from None
        stamp = _stamp(at)
        with _writing(self.engine) as connection:
            row = _active_row(connection, key)
            if row is None or row["id"] != current.id:
                raise RegistryError(
                    f"the adapter in use for {key} changed meanwhile: look again with `chatbi models list`"
                )
            _set(connection, current.id, status="retired", changed_at=stamp)
            if previous is not None:
                _set(connection, previous.id, status="active", changed_at=stamp)
        return None if previous is None else self.entry(previous.id)


@contextlib.contextmanager
def _writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction holding the store's write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
    advisory lock)."""
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({REGISTRY_LOCK})")
        yield connection


def active_adapter_folder(model: str, store: FeedbackLog | str | Path | None = None) -> Path | None:
    """The folder of ``model``'s active adapter in the registry at ``store`` (see
    :class:`AdapterRegistry`); None when none is active, or, with a :class:`RegistryWarning`, when the
    active one can no longer be used as recorded. A store that does not exist yet is not created.

    Example:
        >>> import tempfile
        >>> active_adapter_folder("qwen2.5-coder-0.5b", f"{tempfile.mkdtemp()}/feedback.sqlite") is None
        True
    """
    from feedback.log import FeedbackLog
    from feedback.store import store_url

    if not isinstance(store, FeedbackLog):
        url = store_url(store)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            return None
    registry = AdapterRegistry(store)
    try:
        entry = registry.active(model)
    finally:
        if not isinstance(store, FeedbackLog):
            registry.close()
    if entry is None:
        return None
    problem = _unusable(entry)
    if problem:
        warnings.warn(f"{problem}: the shipped adapter answers instead", RegistryWarning, stacklevel=2)
        return None
    return Path(entry.path)


def usable_shadow(model: str, store: FeedbackLog) -> AdapterEntry | None:
    """The entry of ``model``'s adapter in shadow in ``store``'s registry; None when there is none, or,
    with a :class:`RegistryWarning`, when it can no longer be used as recorded.

    Example:
        >>> import tempfile
        >>> from feedback.log import FeedbackLog
        >>> store = FeedbackLog(f"{tempfile.mkdtemp()}/feedback.sqlite")
        >>> usable_shadow("qwen2.5-coder-0.5b", store) is None
        True
    """
    entry = AdapterRegistry(store).shadowing(model)
    if entry is None:
        return None
    problem = _unusable(entry, "shadow")
    if problem:
        warnings.warn(f"{problem}: nothing answers in shadow", RegistryWarning, stacklevel=2)
        return None
    return entry


def _unusable(entry: AdapterEntry, role: str = "active") -> str | None:
    """Why ``entry`` cannot answer as recorded, or None."""
    from nl2sql.models.weights import MODELS

    bundled = MODELS.get(entry.base_model)
    if bundled is not None and bundled.sha256 != entry.base_sha256:
        return f"the {role} adapter {entry.short_id} was trained on other weights of {entry.base_model}"
    try:
        _check_weights(entry)
    except RegistryError as error:
        return f"the {role} adapter {error}"
    return None


def _check_weights(entry: AdapterEntry) -> None:
    try:
        sha256 = _weights_sha256(Path(entry.path))
    except RegistryError:
        raise RegistryError(
            f"{entry.short_id}'s folder {entry.path} holds no adapter weights any more"
        ) from None
    if sha256 != entry.id:
        raise RegistryError(f"{entry.short_id}'s folder {entry.path} holds other weights than were recorded")


def _weights_sha256(folder: Path) -> str:
    from nl2sql.errors import ModelUnavailableError
    from nl2sql.models.local import adapter_hash

    try:
        return adapter_hash(folder)
    except ModelUnavailableError as error:
        raise RegistryError(str(error)) from None


def _find(connection: sa.Connection, reference: str) -> Any:
    text = reference.strip().lower()
    if not re.fullmatch(rf"[0-9a-f]{{{MIN_ID_PREFIX},64}}", text):
        raise RegistryError(
            f"an adapter id is {MIN_ID_PREFIX} to 64 hex digits, as `chatbi models list` shows it;"
            f" not {reference!r}"
        )
    query = sa.select(ADAPTERS).where(ADAPTERS.c.id.startswith(text, autoescape=True)).limit(3)
    rows = connection.execute(query).mappings().all()
    if not rows:
        raise RegistryError(f"no adapter {text} in the registry: `chatbi models list` shows them")
    if len(rows) > 1:
        named = ", ".join(row["id"][:12] for row in rows[:2])
        raise RegistryError(f"{text} names several adapters ({named}, …): give more of its id")
    return rows[0]


def _row(connection: sa.Connection, adapter_id: str) -> Any:
    return connection.execute(sa.select(ADAPTERS).where(ADAPTERS.c.id == adapter_id)).mappings().first()


def _active_row(connection: sa.Connection, key: str) -> Any:
    query = sa.select(ADAPTERS).where(ADAPTERS.c.base_model == key, ADAPTERS.c.status == "active")
    return connection.execute(query).mappings().first()


def _refuse_second_shadow(connection: sa.Connection, key: str) -> None:
    query = sa.select(ADAPTERS.c.id).where(ADAPTERS.c.base_model == key, ADAPTERS.c.status == "shadow")
    other = connection.execute(query).scalar()
    if other is not None:
        raise RegistryError(
            f"{other[:12]} is in shadow for {key} already: `chatbi models unshadow {other[:12]}` first"
        )


def _set(connection: sa.Connection, adapter_id: str, **values: Any) -> None:
    connection.execute(sa.update(ADAPTERS).where(ADAPTERS.c.id == adapter_id).values(**values))


def _entry(row: Any) -> AdapterEntry:
    values = dict(row)
    values["metrics"] = json.loads(values["metrics"] or "{}")
    return AdapterEntry(**values)


def _stamp(moment: datetime) -> str:
    """UTC, to the second: stamps sort as text."""
    if moment.tzinfo is None:
        raise ValueError("registry times carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="seconds")
