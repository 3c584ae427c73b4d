"""Corrections chosen for what they teach about the schema a new question needs, not for its wording.

Questions on one database share its table words, so wording alone cannot tell a correction that shows
the way to an answer from one that merely sounds alike (:data:`feedback.similar.MIN_LEAD` keeps those
out). Here a question is linked to the schema as schema linking does it (its words against table and
column names, and the values a column is known to hold), and each correction's query is read for the
tables and columns it uses (:mod:`feedback.query_uses`). A correction teaches what it uses of what the
question needs, each element weighted by how few corrections use it (a table every query reads says
little); up to ``k`` corrections are taken greedily, each for what the ones before it do not show yet,
so that two can each show one part of a question (the join path to one table, the column of a filter).

Example:
    >>> from feedback.corrections import Correction
    >>> from nl2sql.schema import Column, Schema, Table
    >>> schema = Schema("sqlite", (
    ...     Table("cars", (Column("id", "INTEGER"), Column("cylinders", "INTEGER"),
    ...                    Column("accelerate", "REAL"), Column("model", "TEXT", samples=("volvo",)))),
    ...     Table("makers", (Column("id", "INTEGER"), Column("name", "TEXT")))))
    >>> teacher = Teacher([
    ...     Correction(1, "db", "Average cylinders of volvos?",
    ...                "SELECT AVG(cylinders) FROM cars WHERE model = 'volvo'", "edited"),
    ...     Correction(2, "db", "Fastest car?", "SELECT id FROM cars ORDER BY accelerate DESC LIMIT 1",
    ...                "edited"),
    ...     Correction(3, "db", "Makers?", "SELECT name FROM makers", "accepted")], schema)
    >>> asked = "Cylinders of the volvo car with least accelerate?"
    >>> [c.event_id for c in teacher.choose(asked, min_teaching=1)]
    [2, 1]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from feedback.corrections import Correction
from feedback.query_uses import QueryUses, query_uses
from feedback.similar import words

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

TEACHING_EXAMPLES = 2
"""Corrections shown at most when none is worded like the question."""
MIN_TEACHING = 1.5
"""What a correction must add to be shown: the weight of the needed tables and columns it uses that
the corrections before it do not (a column one correction in ten uses, fully named by the question,
weighs log(11) = 2.4; a table every correction reads, 0.7)."""

UNNEEDED_COST = 0.2
"""Share of an unneeded table's or column's weight taken off what a correction teaches."""

CLAIMED_SHARE = 0.5
"""What is left of a column's link when the question names no word of its table and a table it names
in full has a column named alike ("population of the largest Asian country" reads ``country``'s
``population``, not ``city``'s)."""

Element = tuple[str, ...]
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class Teacher:
    """The corrections of one database, read once for the schema elements their queries use."""

    def __init__(self, corrections: Sequence[Correction], schema: Schema) -> None:
        self.corrections = list(corrections)
        self.schema = schema
        self.uses: list[QueryUses] = [query_uses(c.sql, schema) for c in self.corrections]
        used = Counter(e for u in self.uses for e in u.elements)
        total = len(self.corrections)
        self.weights = {element: math.log(1 + total / count) for element, count in used.items()}
        """How much a correction using an element tells: more the fewer corrections use it."""

    def choose(
        self, question: str, k: int = TEACHING_EXAMPLES, *, min_teaching: float = MIN_TEACHING
    ) -> list[Correction]:
        """At most ``k`` corrections, each adding ``min_teaching`` of what ``question`` needs to what
        the ones before show; the one that shows most comes last (right before the question)."""
        needed = needs(question, self.schema)
        chosen: list[int] = []
        shown: set[Element] = set()
        while len(chosen) < k:
            gains = [
                (self._gain(i, needed, shown), self.corrections[i].event_id, i)
                for i in range(len(self.corrections))
                if i not in chosen
            ]
            best = max(gains, default=None)
            if best is None or best[0] < min_teaching:
                break
            chosen.append(best[2])
            shown |= self.uses[best[2]].elements & needed.keys()
        return [self.corrections[i] for i in reversed(chosen)]

    def _gain(self, index: int, needed: dict[Element, float], shown: set[Element]) -> float:
        """What correction ``index`` adds to ``shown``: the weight of the needed elements it shows first,
        less :data:`UNNEEDED_COST` of the weight of the tables and columns it uses that the question
        does not need (a long query to copy from misleads more than it teaches); 0 when it shows no
        needed column named at least half (a table alone the schema already shows)."""
        used = self.uses[index].elements
        new = (used & needed.keys()) - shown
        if not any(e[0] == "column" and needed[e] >= 0.5 for e in new):
            return 0.0
        taught = sum(needed[e] * self.weights.get(e, 0.0) for e in new)
        return taught - UNNEEDED_COST * sum(self.weights.get(e, 0.0) for e in used - needed.keys())


def needs(question: str, schema: Schema) -> dict[Element, float]:
    """The tables and columns ``question`` links to, each with how strongly (0 to 1): the share of its
    name's words the question has (a column's own words: ``template_id`` of ``templates`` is named by
    "id", not by "templates"; halved when its table's name is not in the question either), or 1 for a
    column holding a value the question names. A column of a table the question does not name is
    linked by half that again (:data:`CLAIMED_SHARE`) when a table the question names in full has a
    column of the same words.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("owners", (Column("first_name", "TEXT"),
        ...                                           Column("state", "TEXT", samples=("Virginia",)))),))
        >>> needs("First names of owners in Virginia?", schema)  # doctest: +NORMALIZE_WHITESPACE
        {('table', 'owners'): 1.0, ('column', 'owners', 'first_name'): 1.0,
         ('column', 'owners', 'state'): 1.0}
    """
    asked = words(question)
    lowered = question.casefold()
    found: dict[Element, float] = {}
    claimed: set[frozenset[str]] = set()
    unnamed: list[tuple[Element, frozenset[str]]] = []
    for table in schema.tables:
        own = name_words(table.name)
        table_share = len(asked & own) / len(own) if own else 0.0
        if table_share:
            found[("table", table.name.lower())] = table_share
        for column in table.columns:
            named = name_words(column.name) - own or name_words(column.name)
            share = len(asked & named) / len(named) * (0.5 + 0.5 * table_share) if named else 0.0
            if any(names_value(value, lowered) for value in column.samples):
                share = 1.0
            if not share:
                continue
            element = ("column", table.name.lower(), column.name.lower())
            found[element] = round(share, 3)
            if table_share == 1.0:
                claimed.add(named)
            elif not table_share and share < 1.0:
                unnamed.append((element, named))
    for element, named in unnamed:
        if named in claimed:
            found[element] = round(found[element] * CLAIMED_SHARE, 3)
    return found


def name_words(name: str) -> frozenset[str]:
    """The words of a table's or column's name, split at ``_`` and camelCase.

    Example:
        >>> sorted(name_words("AirportCode")), sorted(name_words("first_names"))
        (['airport', 'code'], ['first', 'name'])
    """
    return words(_CAMEL.sub(" ", name).replace("_", " "))


def names_value(value: str, lowered: str) -> bool:
    """Whether the question (case-folded) names ``value`` as a whole word (two characters at least).

    Example:
        >>> names_value("Volvo", "lightest volvo car?"), names_value("vol", "lightest volvo car?")
        (True, False)
    """
    value = value.strip().casefold()
    return len(value) > 1 and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", lowered) is not None
