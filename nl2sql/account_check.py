"""What the account behind a server URL could do beyond reading, said once, clearly.

The product never writes, and its gate and read-only sessions hold with any account; but a superuser,
or an account with write or file privileges, turns every hole they might have into damage. The
product asks the server what the account holds and warns once per URL (a
:class:`PowerfulAccountWarning`); SECURITY.md says how to make a read-only account on each engine.
SQLite and DuckDB files have no accounts: nothing to say.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "a.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (a INTEGER)").connection.close()
    >>> account_powers(open_database(path))
    []
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from nl2sql.connect import Database

POSTGRES_POWERS = """
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
       pg_has_role(current_user, 'pg_write_server_files', 'MEMBER'),
       pg_has_role(current_user, 'pg_read_server_files', 'MEMBER'),
       pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER'),
       EXISTS (
           SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                  OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
       ),
       has_database_privilege(current_database(), 'CREATE')
FROM pg_roles r WHERE r.rolname = current_user
"""
POSTGRES_NAMES = (
    "superuser",
    "CREATEROLE",
    "CREATEDB",
    "BYPASSRLS",
    "pg_write_server_files",
    "pg_read_server_files",
    "pg_execute_server_program",
    "write access to tables",
    "CREATE in the database",
)
MYSQL_WRITE_PRIVILEGES = (
    "ALL PRIVILEGES",
    "SUPER",
    "FILE",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "ALTER",
    "GRANT OPTION",
    "SHUTDOWN",
    "PROCESS",
)
_warned: set[str] = set()


class PowerfulAccountWarning(UserWarning):
    """The database account can do more than read."""


def account_powers(database: Database) -> list[str]:
    """What the connection's account may do beyond reading (empty for a read-only account or a file).

    Raises:
        sqlalchemy.exc.DBAPIError: the server could not be asked.
    """
    if database.backend not in {"postgresql", "mysql", "mariadb"}:
        return []
    with database.engine.connect() as connection:
        try:
            if database.backend == "postgresql":
                return _postgres_powers(connection)
            return _mysql_powers(connection)
        finally:
            connection.rollback()


def warn_if_powerful(database: Database) -> str | None:
    """Warn once per URL when the account can do more than read; returns the message (None when not)."""
    key = database.engine.url.render_as_string(hide_password=True)
    if key in _warned:
        return None
    _warned.add(key)
    try:
        powers = account_powers(database)
    except Exception:  # a server that will not say: the queries will tell
        return None
    if not powers:
        return None
    user = database.engine.url.username or "this account"
    message = (
        f"the account '{user}' can do more than read ({', '.join(powers)}): ChatBI only reads, but"
        " connect with a read-only account to be safe (see SECURITY.md)"
    )
    warnings.warn(message, PowerfulAccountWarning, stacklevel=4)
    return message


def _postgres_powers(connection: Connection) -> list[str]:
    row = connection.exec_driver_sql(POSTGRES_POWERS).first()
    if row is None:
        return []
    powers = [name for name, held in zip(POSTGRES_NAMES, row, strict=True) if held]
    return ["superuser"] if "superuser" in powers else powers


def _mysql_powers(connection: Connection) -> list[str]:
    grants = [str(row[0]).upper() for row in connection.exec_driver_sql("SHOW GRANTS")]
    held = []
    for privilege in MYSQL_WRITE_PRIVILEGES:
        if any(_grants(grant, privilege) for grant in grants):
            held.append(privilege)
    return held


def _grants(grant: str, privilege: str) -> bool:
    """Whether one ``SHOW GRANTS`` line gives ``privilege`` (the list before ``ON``, or WITH GRANT OPTION)."""
    if privilege == "GRANT OPTION":
        return grant.rstrip().endswith("WITH GRANT OPTION")
    if not grant.startswith("GRANT ") or " ON " not in grant:
        return False
    listed = grant[len("GRANT ") : grant.index(" ON ")]
    return any(item.strip().split("(")[0].strip() == privilege for item in listed.split(","))
