"""Make SQL verifiable: diagnostics against the real schema, from the sqlglot AST.

Example:
    >>> from explain import check
    >>> from nl2sql.schema import Column, Schema, Table
    >>> check("SELECT 1 FROM nowhere", Schema("sqlite", (Table("t", (Column("x", "INT"),)),)))[0].code
    'unknown-table'
"""

from explain.check import check
from explain.diagnostic import Diagnostic

__all__ = ["Diagnostic", "check"]
