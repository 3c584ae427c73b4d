"""Add the DISTINCT a listing needs when a join repeats its rows (the ``repeated-rows`` warning).

"Which students have a pet?" written as ``SELECT s.name FROM student s JOIN has_pet p ON …`` lists a
student once per pet. When the lint rule :func:`explain.rules.joins.repeated_rows` finds such a join
(the listed columns come from tables that another joined table refers to by a foreign key that is not
its whole primary key; no GROUP BY, aggregate or LIMIT), the outermost SELECT gets DISTINCT.

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

from explain.mending import FixResult, mend_in_rounds

if TYPE_CHECKING:
    from nl2sql.schema import Schema

CODE = "repeated-rows"
"""The warning this mend answers."""


def deduplicate(sql: str, schema: Schema, dialect: str | None = None) -> FixResult:
    """Add DISTINCT to a listing whose joins repeat its rows."""
    return mend_in_rounds(sql, schema, dialect or schema.dialect, add_distinct, 1, warnings={CODE})


def add_distinct(tree: exp.Expression, schema: Schema, code: str) -> str | None:
    """Make the outermost SELECT distinct, for a ``repeated-rows`` warning (a fix for
    :func:`explain.mending.mend_in_rounds`); None otherwise."""
    if code != CODE or not isinstance(tree, exp.Select) or tree.args.get("distinct"):
        return None
    tree.set("distinct", exp.Distinct())
    return "added DISTINCT: the join repeats rows"
