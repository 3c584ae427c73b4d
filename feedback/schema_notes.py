"""What approved corrections teach about a schema, laid over the schema a prompt shows: the values they
compare a column with, among that column's sample values, and the keys they join two tables on, as
foreign keys the database does not declare.

Both reach later questions, not only one worded like a correction: a question about professionals
in Indiana sees ``state -- e.g. 'Hawaii', 'Wisconsin'`` (states are spelled out, not 'IN'), and one
about airlines' flights sees ``FOREIGN KEY (Airline) REFERENCES airlines(uid)``. The notes go into
schema linking as well (a learned value links its table; a learned key bridges two kept tables).
Learned values reach only a question with a value to write (:func:`for_question`): shown to one that
names none, a small model copied them into filters nobody asked for.

Example:
    >>> from feedback.query_uses import QueryUses
    >>> from nl2sql.prompt import render_schema
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("airlines", (Column("uid", "INTEGER", primary_key=True), Column("Country", "TEXT")),
    ...           primary_key=("uid",)),
    ...     Table("flights", (Column("Airline", "INTEGER"),))))
    >>> uses = QueryUses(values=(("airlines", "country", "USA"),),
    ...                  joins=((("airlines", "uid"), ("flights", "airline")),))
    >>> print(render_schema(annotate(schema, learned_notes([uses]))))
    CREATE TABLE airlines (
      uid INTEGER PRIMARY KEY,
      Country TEXT -- e.g. 'USA'
    );
    CREATE TABLE flights (
      Airline INTEGER,
      FOREIGN KEY (Airline) REFERENCES airlines(uid)
    );
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from feedback.query_uses import Place, QueryUses
from feedback.similar import words
from feedback.teaching import name_words, names_value

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema, Table

MAX_LEARNED_VALUES = 3
"""Learned values shown per column (the most used first), before the sampled ones."""
MAX_VALUE_LENGTH = 40
"""Longer literals (a pattern, a sentence) say nothing about how a column's values are written."""

_QUOTED = re.compile(r"[\"'“‘「『][^\"'”’」』]+[\"'”’」』]")
_LATER_CAPITALISED = re.compile(r"(?<=[\s(,])[A-Z][\w.&-]*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class SchemaNotes:
    """Values and join keys read from approved corrections."""

    values: dict[Place, tuple[str, ...]] = field(default_factory=dict)
    """(table, column) → values the corrections compared it with, the most used first."""
    joins: tuple[tuple[Place, Place], ...] = ()
    """Column pairs the corrections joined on."""

    def __bool__(self) -> bool:
        return bool(self.values or self.joins)


def learned_notes(uses: Iterable[QueryUses]) -> SchemaNotes:
    """The values and joins of several corrections' queries (:func:`feedback.query_uses.query_uses`).

    Example:
        >>> notes = learned_notes([QueryUses(values=(("t", "c", "a"),)),
        ...                        QueryUses(values=(("t", "c", "b"), ("t", "c", "%b%"), ("t", "c", "b")))])
        >>> notes.values
        {('t', 'c'): ('b', 'a')}
    """
    counts: dict[Place, Counter[str]] = {}
    joins: dict[tuple[Place, Place], None] = {}
    for used in uses:
        for table, column, value in used.values:
            if len(value) <= MAX_VALUE_LENGTH and "%" not in value:
                counts.setdefault((table, column), Counter())[value] += 1
        joins.update(dict.fromkeys(used.joins))
    values = {
        place: tuple(v for v, _ in counter.most_common(MAX_LEARNED_VALUES))
        for place, counter in counts.items()
    }
    return SchemaNotes(values, tuple(joins))


def for_question(notes: SchemaNotes, question: str, schema: Schema) -> SchemaNotes:
    """The notes a prompt for ``question`` shows: every learned join; all learned values when the
    question has a value whose column its words do not tell (quoted, a capitalised word that names no
    table or column, any Chinese), else only those of the columns holding a value it names (learned or
    sampled), and none when it names no value.

    On Spider's car_1, "the smallest weight of the cars with 8 cylinders made in 1974" was answered
    right until corrections taught ``Model -- e.g. 'volvo'``; then ``WHERE Model = 'volvo'`` came with it.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("cars", (Column("model", "TEXT", samples=("audi",)),
        ...                                           Column("maker", "TEXT"))),))
        >>> notes = SchemaNotes({("cars", "model"): ("volvo",), ("cars", "maker"): ("ford",)})
        >>> for_question(notes, "Lightest car of 1974?", schema).values
        {}
        >>> for_question(notes, "Lightest volvo car?", schema).values
        {('cars', 'model'): ('volvo',)}
        >>> len(for_question(notes, "Lightest car made by Ford?", schema).values)
        2
    """
    if not notes.values or _names_unknown_value(question, schema):
        return notes
    lowered = question.casefold()
    values = {
        place: learned
        for place, learned in notes.values.items()
        if any(names_value(value, lowered) for value in (*learned, *_samples(schema, place)))
    }
    return replace(notes, values=values)


def _names_unknown_value(question: str, schema: Schema) -> bool:
    """Whether ``question`` has a value whose column cannot be told from the text: a quoted one, a
    capitalised word after the first that names no table or column (a place, a brand), or any Chinese
    (which has no capitals to tell a name by)."""
    if _QUOTED.search(question) or _CJK.search(question):
        return True
    capitalised = set().union(*(words(token) for token in _LATER_CAPITALISED.findall(question)))
    if not capitalised:  # most questions: the schema's names need not be read
        return False
    names = (name for table in schema.tables for name in (table.name, *(c.name for c in table.columns)))
    return bool(capitalised - set().union(*(name_words(name) for name in names)))


def _samples(schema: Schema, place: Place) -> tuple[str, ...]:
    """The sampled values of the column at ``place`` (none where the schema has no such column)."""
    try:
        return schema.table(place[0]).column(place[1]).samples
    except KeyError:
        return ()


def annotate(schema: Schema, notes: SchemaNotes) -> Schema:
    """``schema`` with the learned values first among each column's samples, and each learned join on a
    key the schema does not declare added as a foreign key (from the side that is not the key).

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("t", (Column("c", "TEXT", samples=("b", "z")),)),))
        >>> annotate(schema, SchemaNotes({("t", "c"): ("a", "B")})).tables[0].columns[0].samples
        ('a', 'b', 'z')
    """
    if not notes:
        return schema
    keys = _new_keys(schema, notes.joins)
    tables = tuple(_annotated(table, notes, keys.get(table.name.lower(), [])) for table in schema.tables)
    return replace(schema, tables=tables)


def _annotated(table: Table, notes: SchemaNotes, keys: list[tuple[str, str, str]]) -> Table:
    from nl2sql.schema import ForeignKey

    columns = []
    for column in table.columns:
        learned = notes.values.get((table.name.lower(), column.name.lower()), ())
        known = {s.casefold() for s in column.samples}
        new = tuple(dict.fromkeys(v for v in learned if v.casefold() not in known))
        columns.append(replace(column, samples=new + column.samples) if new else column)
    added = tuple(ForeignKey((column,), ref_table, (ref_column,)) for column, ref_table, ref_column in keys)
    return replace(table, columns=tuple(columns), foreign_keys=table.foreign_keys + added)


def _new_keys(schema: Schema, joins: Iterable[tuple[Place, Place]]) -> dict[str, list[tuple[str, str, str]]]:
    """Table (lower case) → (column, referenced table, referenced column) to add, names as the schema
    spells them: a join is added when exactly one side is its table's one-column primary key and no
    foreign key joins the two tables on those columns yet."""
    declared = set()
    for table in schema.tables:
        for fk in table.foreign_keys:
            for column, ref in zip(fk.columns, fk.ref_columns, strict=False):
                pair = ((table.name.lower(), column.lower()), (fk.ref_table.lower(), ref.lower()))
                declared.add(tuple(sorted(pair)))
    added: dict[str, list[tuple[str, str, str]]] = {}
    for first, second in joins:
        if (first, second) in declared or not (_is_key(schema, first) ^ _is_key(schema, second)):
            continue
        many, one = (second, first) if _is_key(schema, first) else (first, second)
        if not (schema.has_table(many[0]) and schema.has_table(one[0])):
            continue
        many_table, one_table = schema.table(many[0]), schema.table(one[0])
        entry = (many_table.column(many[1]).name, one_table.name, one_table.column(one[1]).name)
        added.setdefault(many[0], []).append(entry)
        declared.add((first, second))
    return added


def _is_key(schema: Schema, place: Place) -> bool:
    """Whether ``place`` is the one-column primary key of its table."""
    if not schema.has_table(place[0]):
        return False
    table = schema.table(place[0])
    key = table.primary_key or tuple(c.name for c in table.columns if c.primary_key)
    return len(key) == 1 and key[0].lower() == place[1]
