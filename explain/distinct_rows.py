"""Add the DISTINCT a listing needs when a join repeats its rows.

"Which students have a pet?" written as ``SELECT s.name FROM student s JOIN has_pet p ON …`` lists a
student once per pet. When :func:`explain.rules.joins.repeated_rows` finds such a join (the listed
columns come from tables that another joined table refers to by a foreign key that is not its whole
primary key; no GROUP BY, aggregate or LIMIT), the outermost SELECT gets DISTINCT. This is a choice,
not a certainty, so it is a fix the answer lists rather than a warning on every such query.

Example:
    >>> from nl2sql.schema import Column, ForeignKey, Schema, Table
    >>> student = Table("student", (Column("id", "INT"), Column("name", "TEXT")), ("id",))
    >>> pet = Table("has_pet", (Column("student_id", "INT"), Column("pet_id", "INT")), ("pet_id",),
    ...     foreign_keys=(ForeignKey(("student_id",), "student", ("id",)),))
    >>> fixed = deduplicate("SELECT s.name FROM student s JOIN has_pet p ON p.student_id = s.id",
    ...                     Schema("sqlite", (student, pet)))
    >>> print(fixed.sql)
    SELECT DISTINCT s.name FROM student AS s JOIN has_pet AS p ON p.student_id = s.id
    >>> fixed.changes
    ['added DISTINCT: the join repeats rows']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from explain.errors import UnparsableSQLError
from explain.mending import FixResult
from explain.rules import LintContext
from explain.rules.joins import repeated_rows

if TYPE_CHECKING:
    from nl2sql.schema import Schema


def deduplicate(sql: str, schema: Schema, dialect: str | None = None) -> FixResult:
    """Add DISTINCT to a listing whose joins repeat its rows; ``sql`` unchanged otherwise (also when it
    does not parse). The result's diagnostics are left empty: the caller checks the SQL it keeps."""
    try:
        context = LintContext.of(sql, schema, dialect)
    except UnparsableSQLError:
        return FixResult(sql)
    tree = context.tree
    if not isinstance(tree, exp.Select) or next(repeated_rows(context), None) is None:
        return FixResult(sql)
    tree.set("distinct", exp.Distinct())
    return FixResult(tree.sql(dialect=context.dialect), ["added DISTINCT: the join repeats rows"])
