"""A PostgreSQL or MariaDB session for exactly one query, as the query worker opens it.

The session is made read-only before anything else, reads the clock in this machine's time zone (the
day the semantic path counts "today" from: a server's ``CURRENT_DATE`` otherwise follows its own zone,
and before 08:00 in Shanghai a UTC server's "today" is yesterday), gets the server's own time limit for
the query (never 0, which both servers read as "no limit"), streams the rows (a server-side cursor, an
unbuffered one) so that the caps apply before the driver holds the whole result, and is closed after the
query: nothing the query did — locks, variables, settings, temporary objects — outlives it.

A session is known by what identifies it on its server (:func:`session_id`: PostgreSQL's backend pid
and start, MariaDB's connection id), so that a query whose worker was killed can be ended on the
server too, from a new short-lived connection (:func:`end_session`): a killed client does not stop a
running statement, which would otherwise go on until it next writes to the dead connection.

Needs only the standard library and the driver (``psycopg`` or ``pymysql``): the query worker
(:mod:`nl2sql.query_worker`) loads it beside itself.

Example:
    >>> timeout_statements("postgresql", 0.0001)
    ['SET LOCAL statement_timeout = 1', 'SET LOCAL lock_timeout = 1']
    >>> timeout_statements("mariadb", 2.5)
    ['SET SESSION max_statement_time = 2.500000']
    >>> from datetime import timedelta
    >>> zone_statement("postgresql", timedelta(hours=-3, minutes=-30))
    "SET TIME ZONE INTERVAL '-03:30' HOUR TO MINUTE"
    >>> zone_statement("mariadb", timedelta(hours=14))
    "SET SESSION time_zone = '+14:00'"
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

SERVER_BACKENDS = frozenset({"postgresql", "mysql", "mariadb"})
CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "chatbi query"
"""How a query's session names itself to PostgreSQL (``pg_stat_activity.application_name``)."""
"""Keep equal to :data:`nl2sql.connect.CONNECT_TIMEOUT_S` (tests/test_bounds.py checks it)."""


def open_server(backend: str, params: dict[str, Any], utc_offset: timedelta | None = None) -> Any:
    """A new read-only session with the driver's keyword ``params`` (host, user, database, …), reading
    its clock at ``utc_offset`` (by default this machine's, :func:`local_offset`)."""
    offset = local_offset() if utc_offset is None else utc_offset
    zone = zone_statement(backend, offset) if reads_offset(backend, offset) else None
    if backend == "postgresql":
        import psycopg

        connection = psycopg.connect(
            **{"application_name": APPLICATION_NAME, **params}, connect_timeout=CONNECT_TIMEOUT_S
        )
        connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        if zone:
            connection.execute(zone)
        connection.commit()
        return connection
    import pymysql

    connection = pymysql.connect(**params, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=None)
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        if zone:  # else the product pins the clock in the SQL (nl2sql.today.local_clock)
            cursor.execute(zone)
        cursor.execute("SELECT VERSION()")
        connection.is_mariadb = "mariadb" in str(cursor.fetchone()[0]).lower()
    return connection


def local_offset() -> timedelta:
    """This process's offset from UTC now (daylight saving included), to the minute: the day
    ``date.today()`` gives is the day a session set to it reads."""
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    return timedelta(minutes=round(offset.total_seconds() / 60))


MYSQL_OFFSETS = (-timedelta(hours=12, minutes=59), timedelta(hours=13))
"""The offsets MariaDB's ``time_zone`` takes (without its zone tables, which few servers load)."""


def reads_offset(backend: str, offset: timedelta) -> bool:
    """Whether a session of ``backend`` can be set to read its clock at ``offset`` (PostgreSQL: any;
    MySQL and MariaDB: within :data:`MYSQL_OFFSETS`, so not at UTC+14 or UTC+13:45).

    Example:
        >>> reads_offset("mariadb", timedelta(hours=14)), reads_offset("postgresql", timedelta(hours=14))
        (False, True)
    """
    low, high = MYSQL_OFFSETS
    return backend == "postgresql" or low <= offset <= high


def zone_statement(backend: str, offset: timedelta) -> str:
    """The statement that makes the session read its clock at ``offset`` from UTC: ``CURRENT_DATE``,
    ``NOW()`` shown and dates cast from timestamps then agree with this machine's day. A fixed offset
    suffices for a session that runs one query."""
    minutes = round(offset.total_seconds() / 60)
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    if backend == "postgresql":  # ISO sign (a bare '+03:30' string would be read POSIX-style, inverted)
        return f"SET TIME ZONE INTERVAL '{text}' HOUR TO MINUTE"
    return f"SET SESSION time_zone = '{text}'"


def timeout_statements(backend: str, timeout_s: float) -> list[str]:
    """The statements that give the next query the server's own time limit, never less than 1 ms."""
    milliseconds = max(1, math.ceil(timeout_s * 1000))
    if backend == "postgresql":  # SET LOCAL: inside the query's own transaction, for what follows
        return [f"SET LOCAL statement_timeout = {milliseconds}", f"SET LOCAL lock_timeout = {milliseconds}"]
    if backend == "mariadb":
        return [f"SET SESSION max_statement_time = {max(timeout_s, 0.001):.6f}"]
    return [f"SET SESSION max_execution_time = {milliseconds}"]


def server_cursor(connection: Any, backend: str, timeout_s: float) -> Any:
    """A streaming cursor on ``connection``, with the time limit set for the statement it runs next."""
    if backend == "postgresql":
        for statement in timeout_statements(backend, timeout_s):
            connection.execute(statement)
        return connection.cursor(name="chatbi_result")
    import pymysql.cursors

    flavour = "mariadb" if getattr(connection, "is_mariadb", True) else "mysql"
    with connection.cursor() as cursor:
        for statement in timeout_statements(flavour, timeout_s):
            cursor.execute(statement)
    return connection.cursor(pymysql.cursors.SSCursor)


def close_server(connection: Any) -> None:
    """End the session (its transaction is rolled back by the server); never raises."""
    try:
        connection.close()
    except Exception:  # the session is gone either way
        return


def session_id(connection: Any, backend: str) -> Any:
    """What identifies the session of ``connection`` on its server: PostgreSQL's backend pid and its
    start in microseconds (a pid may be reused once the backend is gone), MariaDB's ``CONNECTION_ID()``
    (never reused while the server runs)."""
    if backend == "postgresql":
        row = connection.execute(
            "SELECT pid, (extract(epoch FROM backend_start) * 1000000)::bigint FROM pg_stat_activity"
            " WHERE pid = pg_backend_pid()"
        ).fetchone()
        return [int(row[0]), int(row[1])]
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        return int(cursor.fetchone()[0])


def end_session_statement(backend: str, session: Any) -> tuple[str, tuple[Any, ...]]:
    """The statement, and its parameters, that ends ``session`` (from :func:`session_id`) and the
    statement it runs, from another connection of the same account.

    Example:
        >>> end_session_statement("mariadb", 42)
        ('KILL %s', (42,))
        >>> end_session_statement("postgresql", [4242, 1700000000000000])[1]
        (4242, 1700000000000000)
    """
    if backend == "postgresql":
        pid, started = session
        statement = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE pid = %s AND (extract(epoch FROM backend_start) * 1000000)::bigint = %s"
        )
        return statement, (int(pid), int(started))
    return "KILL %s", (int(session),)


def end_session(backend: str, params: dict[str, Any], session: Any) -> bool:
    """End the server session ``session`` and its running statement, from a new connection with the
    driver's keyword ``params`` (the account that opened it may always end its own sessions); whether
    that was done. Never raises: a session that has ended already, or a server that does not answer
    within :data:`CONNECT_TIMEOUT_S`, leaves nothing to do."""
    statement, arguments = end_session_statement(backend, session)
    try:
        if backend == "postgresql":
            import psycopg

            with psycopg.connect(
                **{**params, "application_name": "chatbi cancel"},
                connect_timeout=CONNECT_TIMEOUT_S,
                autocommit=True,
            ) as connection:
                connection.execute(f"SET statement_timeout = {CONNECT_TIMEOUT_S * 1000}")
                connection.execute(statement, arguments)
            return True
        import pymysql

        connection = pymysql.connect(
            **params,
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=CONNECT_TIMEOUT_S,
            write_timeout=CONNECT_TIMEOUT_S,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, arguments)
        finally:
            connection.close()
        return True
    except Exception:  # gone already (MariaDB: unknown thread id), or the server does not answer
        return False


def driver_params(params: dict[str, Any]) -> dict[str, Any]:
    """The plain values (text, numbers) of SQLAlchemy's connect arguments: what a new process can use.

    Example:
        >>> driver_params({"host": "db", "port": 5432, "context": object()})
        {'host': 'db', 'port': 5432}
    """
    return {k: v for k, v in params.items() if isinstance(v, str | int | float | bool) or v is None}
