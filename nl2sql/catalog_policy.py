"""Server tables no query may read, whatever the account may: credentials, other sessions, server files,
and SQLite's pragmas read as tables (``pragma_database_list`` names the files).

A superuser may read PostgreSQL's ``pg_authid`` (password hashes) and MariaDB's ``mysql.user``; the
schema check guards the assistant's own SQL, but every entry point (``run_query``, ``Assistant.run``,
``chatbi sql``) goes through the gate, and the gate refuses these by name, on the AST. Other catalog
tables the account may read stay readable (``information_schema.columns``, ``pg_class``): SECURITY.md
says so.

Example:
    >>> import sqlglot
    >>> tree = sqlglot.parse_one("SELECT rolpassword FROM pg_catalog.pg_authid", read="postgres")
    >>> catalog_reason(tree, "postgres")
    'the table pg_authid holds credentials or server internals and is never read'
    >>> catalog_reason(sqlglot.parse_one("SELECT * FROM information_schema.columns", read="mysql"), "mysql")
"""

from __future__ import annotations

from sqlglot import exp

POSTGRES_TABLES = frozenset(
    {
        "pg_authid",
        "pg_shadow",
        "pg_user",
        "pg_roles",
        "pg_auth_members",
        "pg_user_mapping",
        "pg_user_mappings",
        "pg_hba_file_rules",
        "pg_ident_file_mappings",
        "pg_file_settings",
        "pg_settings",
        "pg_db_role_setting",
        "pg_stat_activity",
        "pg_stat_statements",
        "pg_stat_ssl",
        "pg_stat_gssapi",
        "pg_stat_replication",
        "pg_replication_slots",
        "pg_subscription",
        "pg_foreign_server",
        "pg_largeobject",
        "pg_largeobject_metadata",
        "pg_locks",
        "pg_prepared_xacts",
        "pg_config",
        "pg_seclabel",
        "pg_seclabels",
    }
)
"""Password hashes, role memberships, connection strings, server configuration and files, and what
other sessions run and hold."""
MYSQL_SCHEMAS = frozenset({"mysql", "performance_schema", "sys"})
"""Whole schemas of MariaDB's server internals (``mysql.user``, ``mysql.global_priv``, …)."""
MYSQL_INFORMATION_TABLES = frozenset(
    {
        "processlist",
        "user_privileges",
        "user_variables",
        "global_variables",
        "session_variables",
        "global_status",
        "session_status",
        "plugins",
        "innodb_trx",
        "innodb_locks",
        "metadata_lock_info",
        "client_statistics",
        "user_statistics",
        "thread_pool_queues",
    }
)
"""Tables of ``information_schema`` about sessions, accounts and the server rather than the data."""


def catalog_reason(statement: exp.Expression, dialect: str) -> str | None:
    """Why ``statement`` may not run because of a table it reads; None when every table may be read.

    Example:
        >>> import sqlglot
        >>> catalog_reason(sqlglot.parse_one("SELECT user FROM mysql.global_priv", read="mysql"), "mysql")
        'the table mysql.global_priv holds credentials or server internals and is never read'
    """
    for table in statement.find_all(exp.Table):
        name, schema = table.name.lower(), table.db.lower()
        if dialect == "sqlite" and name.startswith("pragma_"):
            return f"{name} is a pragma (the database's settings and files), not a table"
        if dialect == "postgres" and name in POSTGRES_TABLES and schema in ("", "pg_catalog"):
            return _reason(name)
        if dialect == "mysql" and schema in MYSQL_SCHEMAS:
            return _reason(f"{schema}.{name}")
        if dialect == "mysql" and schema == "information_schema" and name in MYSQL_INFORMATION_TABLES:
            return _reason(f"information_schema.{name}")
    return None


def _reason(table: str) -> str:
    return f"the table {table} holds credentials or server internals and is never read"
