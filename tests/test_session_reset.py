"""Nothing survives a query on a server connection, on real PostgreSQL and MariaDB: locks, variables,
settings, prepared statements and listeners set on a pooled connection are gone when it is next used
(PostgreSQL: rolled back and DISCARD ALL-ed; MariaDB: not pooled at all); queries run on sessions of
their own that end with them; and an account that can do more than read is named, once."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from conftest import MARIADB_ADMIN_URL, POSTGRES_ADMIN_URL, TEST_DATABASE

from nl2sql import account_check
from nl2sql.account_check import PowerfulAccountWarning, account_powers, warn_if_powerful
from nl2sql.connect import open_database
from nl2sql.execute import run_query
from nl2sql.server_session import APPLICATION_NAME

READER = "chatbi_reset_reader"


def _admin(url: str) -> sa.Engine:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    return engine.execution_options(no_parameters=True)


def _scalar(engine: sa.Engine, sql: str) -> object:
    with engine.connect() as connection:
        return connection.exec_driver_sql(sql).scalar()


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture()
def server_db(shop_db: str) -> str:
    if "://" not in shop_db:
        pytest.skip("files have no sessions to reset")
    return shop_db


def test_postgres_pooled_connection_forgets_everything(server_db: str) -> None:
    if not _is_postgres(server_db):
        pytest.skip("PostgreSQL only")
    database = open_database(server_db)
    admin = _admin(POSTGRES_ADMIN_URL)
    with database.engine.connect() as connection:  # past the gate, as if it had a hole
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        connection.exec_driver_sql("SELECT pg_advisory_lock(424243)")
        connection.exec_driver_sql("SELECT set_config('chatbi.leak', 'yes', false)")
        connection.exec_driver_sql("SET statement_timeout = '123s'")
        connection.exec_driver_sql("PREPARE chatbi_leak AS SELECT 1")
        connection.exec_driver_sql("LISTEN chatbi_channel")
        connection.commit()
        connection.exec_driver_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
        connection.commit()
    held = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 424243"
    assert _scalar(admin, held) == 0
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() == pid, "not the same session"
        leak = connection.exec_driver_sql("SELECT current_setting('chatbi.leak', true)").scalar()
        assert leak in ("", None)
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar() != "123s"
        assert connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM pg_prepared_statements").scalar() == 0
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM pg_listening_channels()").scalar() == 0
        with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
            connection.exec_driver_sql("CREATE TABLE intruder (a INTEGER)")
    admin.dispose()


def test_mariadb_connections_are_not_reused(server_db: str) -> None:
    if _is_postgres(server_db):
        pytest.skip("MariaDB only")
    database = open_database(server_db)
    admin = _admin(MARIADB_ADMIN_URL)
    with database.engine.connect() as connection:  # past the gate, as if it had a hole
        first = connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
        connection.exec_driver_sql("SET @leak = 1")
        assert connection.exec_driver_sql("SELECT GET_LOCK('chatbi_reset', 0)").scalar() == 1
        connection.exec_driver_sql("SET SESSION max_statement_time = 0")
        connection.exec_driver_sql("SET SESSION TRANSACTION READ WRITE")
    assert _scalar(admin, "SELECT IS_FREE_LOCK('chatbi_reset')") == 1
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar() != first
        assert connection.exec_driver_sql("SELECT @leak").scalar() is None
        assert connection.exec_driver_sql("SELECT @@session.tx_read_only").scalar() == 1
    admin.dispose()


def _sessions(admin: sa.Engine, postgres: bool) -> int:
    """Sessions of queries (PostgreSQL: by their application name), or all sessions on the database."""
    if postgres:
        sql = f"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{APPLICATION_NAME}'"
    else:
        sql = f"SELECT COUNT(*) FROM information_schema.processlist WHERE db = '{TEST_DATABASE}'"
    return int(_scalar(admin, sql))  # type: ignore[arg-type]


def _settles(admin: sa.Engine, postgres: bool, at_most: int) -> bool:
    """Whether the count of sessions comes down to ``at_most`` (a closed session takes a moment to go)."""
    for _ in range(100):
        if _sessions(admin, postgres) <= at_most:
            return True
        time.sleep(0.1)
    return False


def test_each_query_has_a_session_of_its_own_that_ends_with_it(server_db: str) -> None:
    postgres = _is_postgres(server_db)
    admin = _admin(POSTGRES_ADMIN_URL if postgres else MARIADB_ADMIN_URL)
    database = open_database(server_db)
    run_query(database, "SELECT COUNT(*) FROM customers")
    before = 0 if postgres else _sessions(admin, postgres)
    for _ in range(3):
        assert run_query(database, "SELECT COUNT(*) FROM orders").rows[0][0] == 5
    assert _settles(admin, postgres, before)
    admin.dispose()


@pytest.fixture(params=["postgresql", "mariadb"])
def reader_url(request: pytest.FixtureRequest, server_db: str) -> Iterator[str]:
    """The shop database through an account with SELECT and nothing else."""
    postgres = request.param == "postgresql"
    if postgres != _is_postgres(server_db):
        pytest.skip("one engine at a time")
    admin = _admin(POSTGRES_ADMIN_URL if postgres else MARIADB_ADMIN_URL)
    setup = (
        [
            f"DROP OWNED BY {READER}",
            f"DROP ROLE IF EXISTS {READER}",
            f"CREATE ROLE {READER} LOGIN",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}",
        ]
        if postgres
        else [
            f"DROP USER IF EXISTS '{READER}'@'%'",
            f"CREATE USER '{READER}'@'%'",
            f"GRANT SELECT ON {TEST_DATABASE}.* TO '{READER}'@'%'",
        ]
    )
    target = admin.url.set(database=TEST_DATABASE) if postgres else admin.url
    owner = _admin(target.render_as_string(hide_password=False))
    with owner.connect() as connection:
        for statement in setup:
            try:
                connection.exec_driver_sql(statement)
            except sa.exc.DBAPIError:
                if not statement.startswith("DROP OWNED"):  # the role may not exist yet
                    raise
    yield sa.make_url(server_db).set(username=READER, password=None).render_as_string(False)
    with owner.connect() as connection:
        if postgres:
            connection.exec_driver_sql(f"DROP OWNED BY {READER}")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {READER}")
        else:
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{READER}'@'%'")
    owner.dispose()
    admin.dispose()


def test_a_read_only_account_is_not_warned_about(reader_url: str, monkeypatch) -> None:
    monkeypatch.setattr(account_check, "_warned", set())
    database = open_database(reader_url)
    assert account_powers(database) == []
    assert run_query(database, "SELECT COUNT(*) FROM customers").rows[0][0] == 4


def test_a_powerful_account_is_named_once(server_db: str, monkeypatch) -> None:
    monkeypatch.setattr(account_check, "_warned", set())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        database = open_database(server_db)
        open_database(server_db)
    shown = [w for w in caught if issubclass(w.category, PowerfulAccountWarning)]
    assert len(shown) == 1
    message = str(shown[0].message)
    assert ("superuser" if _is_postgres(server_db) else "ALL PRIVILEGES") in message
    assert "read-only account" in message and "SECURITY.md" in message
    assert warn_if_powerful(database) is None  # once per URL


def test_the_cli_says_it_in_one_line(server_db: str) -> None:
    command = [sys.executable, "-m", "nl2sql", "sql", "--db", server_db, "SELECT COUNT(*) FROM orders"]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stderr
    lines = [line for line in ran.stderr.splitlines() if "can do more than read" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: the account ")
    assert "Traceback" not in ran.stderr
