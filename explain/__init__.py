"""Make SQL verifiable and correctable, from the sqlglot AST against the real schema (no model involved):
diagnostics, a plain-language explanation, an editable plan, and the diff of a correction.

Example:
    >>> from explain import check, explain, plan
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("t", (Column("x", "INT"),)),))
    >>> check("SELECT 1 FROM nowhere", schema)[0].code
    'unknown-table'
    >>> explain("SELECT COUNT(*) FROM t WHERE x > 3", schema).summary
    'Counts the t rows where x is greater than 3.'
    >>> plan("SELECT COUNT(*) FROM t WHERE x > 3", schema).filters[0].values
    (3,)
"""

from explain.check import check
from explain.diagnostic import Diagnostic
from explain.diff import diff
from explain.explanation import Explanation, explain
from explain.plan import Plan, plan
from explain.review import Review, review

__all__ = ["Diagnostic", "Explanation", "Plan", "Review", "check", "diff", "explain", "plan", "review"]
