"""The feedback log's store: SQLite (WAL) by default, PostgreSQL by URL; migrations, who did what,
and never a password."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import POSTGRES_ADMIN_URL, Replies

from feedback.errors import FeedbackStoreError
from feedback.log import FeedbackLog
from feedback.migrations import MIGRATIONS
from nl2sql import Assistant

PINNED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _pinned() -> datetime:
    return PINNED


def _all_text(log: FeedbackLog) -> str:
    """Every value of every row of every table of the store, as one text."""
    with log.engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        rows = [row for table in tables for row in connection.exec_driver_sql(f"SELECT * FROM {table}")]
    return json.dumps([list(map(str, row)) for row in rows])


def test_events_carry_user_connection_and_schema_fingerprint(feedback_url: str, sqlite_shop: str) -> None:
    from chatbi_jupyterlab.notebook.session import NotebookSession

    log = FeedbackLog(feedback_url, user="ann", clock=_pinned)
    asked = Assistant(sqlite_shop, generator=Replies("SELECT name FROM customers"), log=log).ask("Names?")
    named = NotebookSession(log=log).connect(sqlite_shop, name="sales")  # %chatbi connect … --name sales
    named.record("accepted", asked)
    other = log.record("generated", question="Hi", user_name="bo")

    generated, accepted, by_bo = log.events()
    assert (generated["kind"], generated["connection"]) == ("generated", "shop")  # unnamed: the database
    assert (accepted["kind"], accepted["connection"]) == ("accepted", "sales")
    for event in (generated, accepted):
        assert (event["user_name"], event["database"]) == ("ann", "shop")
        assert event["schema_fingerprint"] == named.schema.fingerprint
        assert event["created_at"] == "2026-03-01T09:30:00.000+00:00"
    assert (by_bo["id"], by_bo["user_name"]) == (other, "bo")
    assert log.count() == 3 and log.count(kinds=["accepted"]) == 1 and log.last_id() == other


def test_the_user_is_the_jupyterhub_user_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "carla")
    assert FeedbackLog(tmp_path / "f.sqlite").user == "carla"
    monkeypatch.delenv("JUPYTERHUB_USER")
    import getpass

    assert FeedbackLog(tmp_path / "f.sqlite").user == getpass.getuser()


@pytest.mark.filterwarnings("ignore:the account")  # the test server's superuser, warned of elsewhere
def test_a_password_never_lands_in_the_log(feedback_url: str, sqlite_shop: str) -> None:
    secret = "hunter2-s3cret"
    if feedback_url.startswith("postgresql"):  # trust auth: the password is sent and ignored
        url = sa.make_url(feedback_url).set(password=secret)
        feedback_url = url.render_as_string(hide_password=False)
    log = FeedbackLog(feedback_url, user="ann")
    assert secret not in repr(log) and secret not in log.location
    # on PostgreSQL the assistant asks about the log's own database, through the URL with the password
    on_postgresql = feedback_url.startswith("postgresql")
    database, table = (feedback_url, "events") if on_postgresql else (sqlite_shop, "customers")
    assistant = Assistant(database, generator=Replies(f"SELECT COUNT(*) AS n FROM {table}"), log=log)
    answer = assistant.ask("How many are there?")
    assert answer.error is None
    assistant.record("rejected", answer, reason=f"try mysql://root:{secret}@10.0.0.1/x password={secret}")
    unreachable = f"could not reach postgresql://ann:{secret}@db.internal:5432/sales (password={secret})"
    log.record("generated", question="q", error=unreachable, dsn=f"host=db pwd={secret}")
    assistant.record("edited", answer, final_sql=f"SELECT 'postgresql://u:{secret}@h/db' AS url")

    text = _all_text(log)
    assert secret not in text
    assert "postgresql://ann:***@db.internal:5432/sales" in text and "password=***" in text


def test_the_sqlite_log_runs_in_wal_mode_and_feedback_url_points_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = FeedbackLog(tmp_path / "f.sqlite")
    with log.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert log.path == (tmp_path / "f.sqlite").resolve() and log.backend == "sqlite"

    monkeypatch.setenv("CHATBI_FEEDBACK_URL", f"sqlite:///{tmp_path / 'team.sqlite'}")
    assert FeedbackLog().path == tmp_path / "team.sqlite"
    monkeypatch.setenv("CHATBI_FEEDBACK_URL", str(tmp_path / "plain path.sqlite"))
    assert FeedbackLog().path == tmp_path / "plain path.sqlite"
    for wrong in ("mysql+pymysql://root@127.0.0.1/feedback", "sqlite://", "not a url://"):
        with pytest.raises(FeedbackStoreError):
            FeedbackLog(wrong)
    with pytest.raises(FeedbackStoreError, match=r"cannot open the feedback log .*ann:\*\*\*@127") as raised:
        FeedbackLog("postgresql://ann:s3cret@127.0.0.1:1/feedback")  # nothing listens on port 1
    assert "s3cret" not in str(raised.value)


def test_a_log_file_of_the_first_version_is_migrated_and_keeps_its_events(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as connection:  # the log as the first version wrote it
        connection.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT NOT NULL,"
            " database TEXT, schema_fingerprint TEXT, question TEXT, sql TEXT, final_sql TEXT, error TEXT,"
            " model_id TEXT, adapter_hash TEXT, details TEXT NOT NULL DEFAULT '{}')"
        )
        connection.execute("CREATE INDEX events_by_database ON events (database, created_at)")
        connection.execute("INSERT INTO _migrations VALUES ('m001_initial', '2026-01-01T00:00:00+00:00')")
        connection.execute(
            "INSERT INTO events (created_at, kind, database, question, final_sql, details) VALUES"
            " ('2026-01-02T00:00:00.000+00:00', 'edited', 'shop', 'SMB?', 'SELECT 1', '{\"diff\": []}')"
        )

    log = FeedbackLog(path, user="ann", clock=_pinned)
    (old,) = log.events()
    assert (old["id"], old["kind"], old["question"], old["details"]) == (1, "edited", "SMB?", {"diff": []})
    assert old["user_name"] is None and old["connection"] is None
    assert log.record("accepted", question="Again") == 2 and log.events()[-1]["user_name"] == "ann"
    with log.engine.connect() as connection:
        applied = [r[0] for r in connection.exec_driver_sql("SELECT name FROM _migrations ORDER BY name")]
    assert applied == [m.__name__ for m in MIGRATIONS]


def test_migrations_run_once_on_each_store(feedback_url: str) -> None:
    first = FeedbackLog(feedback_url, clock=_pinned)
    first.record("generated", question="one")
    FeedbackLog(feedback_url, clock=_pinned).record("generated", question="two")
    with first.engine.connect() as connection:
        applied = connection.exec_driver_sql("SELECT name, applied_at FROM _migrations").all()
    assert sorted(applied) == [(m.__name__, PINNED.isoformat()) for m in MIGRATIONS]
    assert [e["question"] for e in first.events()] == ["one", "two"]


def test_postgresql_urls_without_a_driver_use_psycopg() -> None:
    from feedback.store import store_url

    assert store_url(POSTGRES_ADMIN_URL.replace("+psycopg", "")).drivername == "postgresql+psycopg"


def test_the_readme_documents_the_settings_and_commands() -> None:
    from feedback.review import AUTO_APPROVE_VARIABLE
    from feedback.store import URL_VARIABLE

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for documented in (
        URL_VARIABLE,
        AUTO_APPROVE_VARIABLE,
        "chatbi feedback review",
        "chatbi feedback approve",
    ):
        assert f"`{documented}" in readme or f"{documented} " in readme, documented
    assert "chatbi feedback reject" in readme and "--redact" in readme
