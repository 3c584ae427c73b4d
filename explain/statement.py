"""What kind of statement a parsed query is: a plain read, or something that writes, locks,
changes settings, reaches outside the database, or calls a function with side effects.

Judged on the sqlglot AST, never with patterns over the text. :mod:`nl2sql.safety` enforces it.

Example:
    >>> import sqlglot
    >>> write_reason(sqlglot.parse_one("DELETE FROM singer"))
    'DELETE writes to the database'
"""

from __future__ import annotations

from sqlglot import exp

READ_ROOTS = (exp.Select, exp.SetOperation, exp.Values)

FORBIDDEN_NODES: dict[type[exp.Expression], str] = {
    exp.Insert: "INSERT writes to the database",
    exp.Update: "UPDATE writes to the database",
    exp.Delete: "DELETE writes to the database",
    exp.Merge: "MERGE writes to the database",
    exp.Create: "CREATE changes the database",
    exp.Drop: "DROP changes the database",
    exp.Alter: "ALTER changes the database",
    exp.TruncateTable: "TRUNCATE writes to the database",
    exp.Copy: "COPY reads or writes files",
    exp.LoadData: "LOAD DATA writes to the database",
    exp.Into: "SELECT … INTO writes a new table or file",
    exp.Lock: "locking clauses (FOR UPDATE/SHARE) take write locks",
    exp.Pragma: "PRAGMA can change database settings",
    exp.Attach: "ATTACH opens another database",
    exp.Detach: "DETACH changes the open databases",
    exp.Set: "SET changes session settings",
    exp.Use: "USE switches databases",
    exp.Transaction: "transaction control is not a query",
    exp.Commit: "transaction control is not a query",
    exp.Rollback: "transaction control is not a query",
    exp.Grant: "GRANT changes permissions",
    exp.Revoke: "REVOKE changes permissions",
    exp.Analyze: "ANALYZE writes statistics",
    exp.Cache: "CACHE changes the database",
    exp.Uncache: "UNCACHE changes the database",
    exp.Refresh: "REFRESH changes the database",
    exp.Kill: "KILL stops other sessions",
    exp.Install: "INSTALL loads extensions",
    exp.Export: "EXPORT writes files",
    exp.Command: "this command is not a query",
}

FORBIDDEN_FUNCTIONS = frozenset(
    {
        # PostgreSQL: sequences, settings, locks, large objects, files, other servers, sessions.
        "nextval",
        "setval",
        "set_config",
        "pg_advisory_lock",
        "pg_advisory_xact_lock",
        "pg_try_advisory_lock",
        "pg_try_advisory_xact_lock",
        "lo_import",
        "lo_export",
        "lo_create",
        "lo_unlink",
        "lo_put",
        "lo_from_bytea",
        "pg_read_file",
        "pg_read_binary_file",
        "pg_ls_dir",
        "pg_stat_file",
        "pg_terminate_backend",
        "pg_cancel_backend",
        "pg_reload_conf",
        "pg_rotate_logfile",
        "pg_switch_wal",
        "pg_create_restore_point",
        "dblink",
        "dblink_exec",
        "pg_notify",
        "txid_current",
        "pg_current_xact_id",
        # MySQL / MariaDB: locks, files, server load.
        "get_lock",
        "release_lock",
        "release_all_locks",
        "load_file",
        "benchmark",
        "sys_exec",
        "sys_eval",
        # SQLite: extensions and the fileio functions.
        "load_extension",
        "writefile",
        "readfile",
        "edit",
        "fts3_tokenizer",
        # DuckDB: files and extensions.
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "read_json",
        "read_json_auto",
        "read_text",
        "read_blob",
        "glob",
        "parquet_scan",
        "sniff_csv",
        "install_extension",
    }
)
"""Functions that write, lock, read files or reach other servers, in any supported dialect."""


def write_reason(statement: exp.Expression) -> str | None:
    """Why ``statement`` is not a plain read, or None when it is.

    Example:
        >>> import sqlglot
        >>> write_reason(sqlglot.parse_one("SELECT * FROM t FOR UPDATE", read="postgres"))
        'locking clauses (FOR UPDATE/SHARE) take write locks'
        >>> write_reason(sqlglot.parse_one("SELECT 1")) is None
        True
    """
    root = statement
    while isinstance(root, exp.Subquery):
        root = root.this
    for node in statement.walk():
        for kind, reason in FORBIDDEN_NODES.items():
            if isinstance(node, kind):
                return reason
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in FORBIDDEN_FUNCTIONS:
                return f"the function {name}() has side effects or reads files"
    if not isinstance(root, READ_ROOTS):
        return f"{type(root).__name__.upper()} is not a query"
    return None
