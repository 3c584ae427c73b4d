"""What a database's corrections teach later questions beyond their own: the schema with the values and
join keys approved corrections used (:mod:`feedback.schema_notes`), and the corrections to show a
question that none is worded like, chosen for the schema it needs (:mod:`feedback.teaching`).

Example:
    >>> from feedback.corrections import Correction
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (Table("pros", (Column("email", "TEXT"), Column("state", "TEXT"))),))
    >>> lessons = Lessons([Correction(1, "db", "Emails of pros in Hawaii?",
    ...                               "SELECT email FROM pros WHERE state = 'Hawaii'", "edited")], schema)
    >>> lessons.schema.tables[0].columns[1].samples
    ('Hawaii',)
    >>> lessons.schema_for("Emails of pros?").tables[0].columns[1].samples, lessons.schema_for(
    ...     "Emails of pros in Ohio?").tables[0].columns[1].samples
    ((), ('Hawaii',))
    >>> Lessons([], schema).schema is schema
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from feedback.corrections import APPROVED, Correction
from feedback.query_uses import query_uses
from feedback.schema_notes import annotate, for_question, learned_notes
from feedback.teaching import Teacher

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema


class Lessons:
    """The corrections of one database read once for what they teach about ``schema``."""

    def __init__(self, corrections: Sequence[Correction], schema: Schema) -> None:
        self.key = lessons_key(corrections)
        approved = [c for c in corrections if c.status == APPROVED]
        self.plain = schema
        self.notes = learned_notes(query_uses(c.sql, schema) for c in approved)
        self.schema: Schema = annotate(schema, self.notes)
        """``schema`` with all that approved corrections used laid over it (itself when they used
        nothing new): the schema examples are chosen by."""
        self.teacher = Teacher(corrections, self.schema)

    def schema_for(self, question: str) -> Schema:
        """The schema a prompt for ``question`` shows and links: ``schema`` with the notes that question
        needs (:func:`feedback.schema_notes.for_question`)."""
        return annotate(self.plain, for_question(self.notes, question, self.plain))


def lessons_key(corrections: Sequence[Correction]) -> tuple[tuple[int, str, str], ...]:
    """What :class:`Lessons` depends on: each correction's id, SQL and status.

    Example:
        >>> lessons_key([Correction(3, "db", "q", "SELECT 1", "accepted")])
        ((3, 'SELECT 1', 'approved'),)
    """
    return tuple((c.event_id, c.sql, c.status) for c in corrections)
