"""Where the feedback log lives: a SQLite file by default (WAL, so readers never wait for writers), or a
PostgreSQL database a team shares, named by ``CHATBI_FEEDBACK_URL``.

Example:
    >>> store_url("/tmp/feedback.sqlite").render_as_string()
    'sqlite:////tmp/feedback.sqlite'
    >>> store_url("postgresql://ann:s3cret@db/feedback").render_as_string()
    'postgresql+psycopg://ann:***@db/feedback'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

URL_VARIABLE = "CHATBI_FEEDBACK_URL"
"""A SQLAlchemy URL (``postgresql://host/db``) or a file path for the feedback log."""
BACKENDS = ("sqlite", "postgresql")
LOCK_TIMEOUT_S = 60.0
"""How long a statement waits for another transaction's lock before giving up (by default)."""


def default_log_path() -> Path:
    """``<data dir>/feedback.sqlite``.

    Example:
        >>> default_log_path().name
        'feedback.sqlite'
    """
    from nl2sql.paths import data_dir  # imported here: nl2sql imports this package at load time

    return data_dir() / "feedback.sqlite"


def store_url(location: str | Path | None = None) -> URL:
    """The SQLAlchemy URL of the log at ``location`` (a path or a URL); by default
    ``$CHATBI_FEEDBACK_URL``, else the file in the data folder. PostgreSQL goes through psycopg.

    Example:
        >>> store_url("sqlite:////srv/chatbi/feedback.sqlite").database
        '/srv/chatbi/feedback.sqlite'
    """
    from feedback.errors import FeedbackStoreError  # imported here: nl2sql imports this package

    location = location or os.environ.get(URL_VARIABLE) or default_log_path()
    text = str(location)
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError as error:
        raise FeedbackStoreError(f"not a database URL for the feedback log: {hidden(text)}") from error
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise FeedbackStoreError(
            f"the feedback log lives in SQLite or PostgreSQL, not {backend}: {url.render_as_string()}"
        )
    if backend == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and not url.database:
        raise FeedbackStoreError("an in-memory feedback log would forget everything: name a file")
    return url


def hidden(text: str) -> str:
    """A URL as it may be shown: without its password.

    Example:
        >>> hidden("postgresql://ann:s3cret@db/feedback")
        'postgresql://ann:***@db/feedback'
    """
    from feedback.identity import scrub_credentials

    return scrub_credentials(text)


def open_store(url: URL, timeout_s: float = LOCK_TIMEOUT_S) -> sa.Engine:
    """An engine on the log's database whose statements wait at most ``timeout_s`` for a lock (at
    least a millisecond); SQLite files in WAL mode, with transactions begun by us (``BEGIN IMMEDIATE``
    on a connection with the ``write`` execution option, so that a writer waits for the lock up front
    instead of failing when it upgrades).

    Example:
        >>> import tempfile
        >>> engine = open_store(store_url(f"{tempfile.mkdtemp()}/feedback.sqlite"))
        >>> with engine.connect() as connection:
        ...     connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        'wal'
    """
    milliseconds = max(1, int(timeout_s * 1000))
    if url.get_backend_name() == "postgresql":
        options = {"options": f"-c lock_timeout={milliseconds}"}
        try:
            return sa.create_engine(url, pool_pre_ping=True, connect_args=options)
        except ImportError as error:  # psycopg comes with the db extra
            from feedback.errors import FeedbackStoreError

            raise FeedbackStoreError(
                "a PostgreSQL feedback log needs psycopg: pip install 'chatbi[db]'"
            ) from error
    Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": milliseconds / 1000})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
        dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
