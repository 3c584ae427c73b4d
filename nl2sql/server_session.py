"""A PostgreSQL or MariaDB session for exactly one query, as the query worker opens it.

The session is made read-only before anything else, gets the server's own time limit for the query
(never 0, which both servers read as "no limit"), streams the rows (a server-side cursor, an unbuffered
one) so that the caps apply before the driver holds the whole result, and is closed after the query:
nothing the query did — locks, variables, settings, temporary objects — outlives it.

Needs only the standard library and the driver (``psycopg`` or ``pymysql``): the query worker
(:mod:`nl2sql.query_worker`) loads it beside itself.

Example:
    >>> timeout_statements("postgresql", 0.0001)
    ['SET LOCAL statement_timeout = 1', 'SET LOCAL lock_timeout = 1']
    >>> timeout_statements("mariadb", 2.5)
    ['SET SESSION max_statement_time = 2.500000']
"""

from __future__ import annotations

import math
from typing import Any

SERVER_BACKENDS = frozenset({"postgresql", "mysql", "mariadb"})
CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "chatbi query"
"""How a query's session names itself to PostgreSQL (``pg_stat_activity.application_name``)."""
"""Keep equal to :data:`nl2sql.connect.CONNECT_TIMEOUT_S` (tests/test_bounds.py checks it)."""


def open_server(backend: str, params: dict[str, Any]) -> Any:
    """A new read-only session with the driver's keyword ``params`` (host, user, database, …)."""
    if backend == "postgresql":
        import psycopg

        connection = psycopg.connect(
            **{"application_name": APPLICATION_NAME, **params}, connect_timeout=CONNECT_TIMEOUT_S
        )
        connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        connection.commit()
        return connection
    import pymysql

    connection = pymysql.connect(**params, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=None)
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION TRANSACTION READ ONLY")
        cursor.execute("SELECT VERSION()")
        connection.is_mariadb = "mariadb" in str(cursor.fetchone()[0]).lower()
    return connection


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


def driver_params(params: dict[str, Any]) -> dict[str, Any]:
    """The plain values (text, numbers) of SQLAlchemy's connect arguments: what a new process can use.

    Example:
        >>> driver_params({"host": "db", "port": 5432, "context": object()})
        {'host': 'db', 'port': 5432}
    """
    return {k: v for k, v in params.items() if isinstance(v, str | int | float | bool) or v is None}
