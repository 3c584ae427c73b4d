"""What kind of statement a parsed query is: a plain read, or something that writes, locks,
changes settings, reaches outside the database, or calls a function with side effects.

Judged on the sqlglot AST, never with patterns over the text. :mod:`nl2sql.safety` enforces it,
adding the per-dialect list of allowed functions of :mod:`nl2sql.function_policy`.

Example:
    >>> import sqlglot
    >>> write_reason(sqlglot.parse_one("DELETE FROM singer"))
    'DELETE writes to the database'
    >>> write_reason(sqlglot.parse_one("SELECT pg_sleep(10)", read="postgres"))
    'the function PG_SLEEP is not allowed (it makes the server wait or burn time)'
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
    exp.Into: "SELECT … INTO writes a new table, a file or a variable",
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
    exp.SessionParameter: "server variables (@@name) read or change server settings",
    exp.Parameter: "variables and parameters (@name, $1) are not allowed: user variables keep state"
    " between queries, and a query to run must be complete",
    exp.Placeholder: "placeholders (?, :name, $1) are not allowed: a query to run must be complete",
}

_DENIED_BY_REASON: dict[str, tuple[str, ...]] = {
    "it reads or writes files on the server": (
        "load_file", "pg_read_file", "pg_read_binary_file", "pg_stat_file", "readfile", "writefile",
        "edit", "read_csv", "read_csv_auto", "read_parquet", "parquet_scan", "read_json",
        "read_json_auto", "read_json_objects", "read_json_objects_auto", "read_ndjson",
        "read_ndjson_auto", "read_ndjson_objects", "read_text", "read_blob", "read_xlsx", "sniff_csv",
        "parquet_metadata", "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata",
        "csv_scan", "st_read", "delta_scan", "iceberg_scan",
    ),
    "it lists files on the server": (
        "glob", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
    ),
    "it reads or writes large objects, which are files on the server": (
        "lo_import", "lo_export", "lo_create", "lo_creat", "lo_unlink", "lo_put", "lo_get",
        "lo_from_bytea", "lo_open", "lo_close", "lo_write", "lo_read", "loread", "lowrite",
        "lo_truncate", "lo_truncate64", "lo_lseek", "lo_lseek64", "lo_tell", "lo_tell64",
    ),
    "it opens connections to other servers or databases": (
        "dblink", "dblink_exec", "dblink_send_query", "dblink_connect", "dblink_connect_u",
        "dblink_open", "dblink_fetch", "dblink_close", "dblink_get_result", "dblink_disconnect",
        "sqlite_scan", "sqlite_attach", "postgres_scan", "postgres_attach", "mysql_scan",
        "postgres_query", "mysql_query", "postgres_execute", "mysql_execute",
    ),
    "it runs SQL written inside a string, out of the gate's sight": (
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "table_to_xml",
        "table_to_xmlschema", "table_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema", "database_to_xml",
        "database_to_xmlschema", "database_to_xml_and_xmlschema", "query", "query_table",
    ),
    "it runs programs or native code on the server": (
        "sys_exec", "sys_eval", "sys_bineval", "sys_get", "sys_set", "fts3_tokenizer",
    ),
    "it loads extensions": ("load_extension", "install_extension"),
    "it takes or releases locks that outlive the query": (
        "get_lock", "release_lock", "release_all_locks", "is_free_lock", "is_used_lock",
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_advisory_xact_lock",
        "pg_advisory_xact_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
        "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared", "pg_advisory_unlock",
        "pg_advisory_unlock_shared", "pg_advisory_unlock_all",
    ),
    "it sends notifications to other sessions": ("pg_notify",),
    "it reads or changes server settings": ("set_config", "current_setting", "getenv"),
    "it advances or changes sequences and transaction ids": (
        "nextval", "setval", "currval", "lastval", "txid_current", "pg_current_xact_id",
        "last_insert_id",
    ),
    "it makes the server wait or burn time": (
        "pg_sleep", "pg_sleep_for", "pg_sleep_until", "sleep", "benchmark", "master_pos_wait",
        "source_pos_wait", "master_gtid_wait", "wait_for_executed_gtid_set",
        "wait_until_sql_thread_after_gtids",
    ),
    "it administers the server or other sessions": (
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
        "pg_switch_wal", "pg_create_restore_point", "pg_stat_reset", "pg_stat_reset_shared",
        "pg_stat_reset_single_table_counters", "pg_stat_reset_single_function_counters",
        "pg_stat_reset_slru", "pg_backup_start", "pg_backup_stop", "pg_start_backup",
        "pg_stop_backup", "pg_promote", "pg_create_logical_replication_slot",
        "pg_create_physical_replication_slot", "pg_drop_replication_slot", "pg_logical_emit_message",
        "pg_log_backend_memory_contexts", "pg_wal_replay_pause", "pg_wal_replay_resume",
        "pg_import_system_collations", "pg_replication_origin_create", "pg_replication_origin_drop",
    ),
}  # fmt: skip

DENIED_FUNCTIONS: dict[str, str] = {
    name: reason for reason, names in _DENIED_BY_REASON.items() for name in names
}
"""Functions known to read files, reach other servers, run hidden SQL or programs, lock, notify,
change settings or sequences, sleep or administer the server, in any supported dialect: name → why.
They are refused everywhere, whatever a dialect's list of allowed functions says."""


def denied_function_reason(name: str) -> str | None:
    """Why the function ``name`` may never run, or None when it is not a known dangerous one.

    Example:
        >>> denied_function_reason("LOAD_FILE")
        'the function LOAD_FILE is not allowed (it reads or writes files on the server)'
        >>> denied_function_reason("upper") is None
        True
    """
    reason = DENIED_FUNCTIONS.get(name.lower())
    return f"the function {name.upper()} is not allowed ({reason})" if reason else None


def structure_reason(statement: exp.Expression) -> str | None:
    """Why ``statement`` is not a plain read by its shape (its kind of statement and clauses), or None.

    Functions are not judged here: see :func:`write_reason` and :mod:`nl2sql.function_policy`.

    Example:
        >>> import sqlglot
        >>> structure_reason(sqlglot.parse_one("SELECT @@global.secure_file_priv", read="mysql"))
        'server variables (@@name) read or change server settings'
        >>> structure_reason(sqlglot.parse_one("SELECT sleep(1)", read="mysql")) is None
        True
    """
    root = statement
    while isinstance(root, exp.Subquery):
        root = root.this
    for node in statement.walk():
        for kind, reason in FORBIDDEN_NODES.items():
            if isinstance(node, kind):
                return reason
    if not isinstance(root, READ_ROOTS):
        return f"{type(root).__name__.upper()} is not a query"
    return None


def write_reason(statement: exp.Expression) -> str | None:
    """Why ``statement`` is not a plain read, or None when it is: its shape, or a call to one of the
    :data:`DENIED_FUNCTIONS` (by sqlglot's name for it; the gate also checks the names as written).

    Example:
        >>> import sqlglot
        >>> write_reason(sqlglot.parse_one("SELECT * FROM t FOR UPDATE", read="postgres"))
        'locking clauses (FOR UPDATE/SHARE) take write locks'
        >>> write_reason(sqlglot.parse_one("SELECT 1")) is None
        True
    """
    reason = structure_reason(statement)
    if reason:
        return reason
    for node in statement.find_all(exp.Func):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        reason = denied_function_reason(name)
        if reason:
            return reason
    return None
