"""What the business words of approved questions mean: a metric or a grouping column, learned across them.

A semantic model made from a schema knows its columns' names but not the team's words: "营收", "销量",
"行业" are nowhere in it, so questions in those words cannot be read. Each approved correction pairs a
question with a query; the words the semantic model's rules leave unexplained in the question
(:class:`Reading`, made by :mod:`nl2sql.semantic.question_words`) must name what the query measures or
groups by that the question does not otherwise name (:mod:`feedback.measures`). A word means a part
when every correction whose question has the word (but those whose query has nothing plain to read)
has that part, and no other part does as well; a word seen in one correction only must be that
question's only unexplained word. Words already placed take their part out of the running for the
other words of the same question, so meanings are settled one after the other until none is new.

What comes out are proposals for review (:mod:`feedback.suggestions`):

- ``metric``: the word names a measure; payload ``table``, ``expr``, ``filter``, ``time_column`` and
  ``synonym``;
- ``dimension``: the word names a grouping column; payload ``table``, ``column`` and ``synonym``.

Example:
    >>> from feedback.measures import Grouping, Measure, QueryParts
    >>> revenue = Measure("orders", "SUM(total_amount)", "status <> 'cancelled'", "order_date")
    >>> industry = Grouping("customers", "industry")
    >>> seen = [Seen(1, Reading(("营收",)), QueryParts((revenue,))),
    ...         Seen(2, Reading(("行业", "营收")), QueryParts((revenue,), (industry,))),
    ...         Seen(3, Reading(("行业", "订单量")), QueryParts((), (industry,)))]
    >>> [(p.kind, p.payload["synonym"], p.sources) for p in word_meanings(seen)]
    [('metric', '营收', (1, 2)), ('dimension', '行业', (2, 3))]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from feedback.measures import Grouping, Measure, QueryParts
from feedback.suggestions import Proposal

Part = Measure | Grouping
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9_' -]*", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """What the semantic model's rules made of a question: the content ``words`` they left unexplained,
    and the parts of the data the question names already (so its words need not name them)."""

    words: tuple[str, ...] = ()
    tables: frozenset[str] = frozenset()
    """Tables the question names (lower case): their groupings and row counts are named."""
    columns: frozenset[tuple[str, str]] = frozenset()
    """(table, column) the question names, lower case."""
    measures: frozenset[tuple[str, str]] = frozenset()
    """(table, aggregate as SQL) of the metrics the question names, lower case."""
    grouped: frozenset[str] = frozenset()
    """Of ``words``: those right after a grouping cue ("各*行业*", "by *vertical*"): they name groupings."""

    def names(self, part: Part) -> bool:
        """Whether the question names ``part`` already.

        Example:
            >>> Reading(tables=frozenset({"customers"})).names(Grouping("customers", "segment"))
            True
        """
        if isinstance(part, Grouping):
            return part.table in self.tables or (part.table, part.column) in self.columns
        expr = part.expr.lower()
        if any(table == part.table and named in expr for table, named in self.measures):
            return True  # "average discount" names 100.0 * AVG(discount)
        return part.expr.upper() == "COUNT(*)" and part.table in self.tables


@dataclass(frozen=True)
class Seen:
    """One approved correction: its id, how its question reads, and the parts of its query."""

    source: int
    reading: Reading
    parts: QueryParts


def word_meanings(seen: Sequence[Seen]) -> list[Proposal]:
    """``metric`` and ``dimension`` proposals for the words of the ``seen`` corrections whose meaning
    they settle (see the module's docstring)."""
    rows = [
        _Row(
            s.source,
            _words(s.reading),
            _words(s.reading, s.reading.grouped),
            len(set(s.reading.words)),
            _unnamed(s),
        )
        for s in seen
    ]
    meant: dict[str, str] = {}
    parts = {key: part for row in rows for key, part in row.parts.items()}
    words = sorted({word for row in rows for word in row.words})
    settled = True
    while settled:
        settled = False
        for word in words:
            if word in meant:
                continue
            part = _meaning(word, rows, meant)
            if part is not None:
                meant[word] = part
                settled = True
    proposals = []
    for word, key in meant.items():
        sources = tuple(sorted(row.source for row in rows if word in row.words and key in row.parts))
        proposals.append(_proposal(word, parts[key], sources))
    return sorted(proposals, key=lambda p: p.sources)


@dataclass(frozen=True)
class _Row:
    source: int
    words: frozenset[str]
    """The unexplained words that can be names."""
    grouped: frozenset[str]
    """Of ``words``: those that name groupings."""
    unexplained: int
    """How many words the question leaves unexplained, names or not."""
    parts: dict[str, Part]


def _meaning(word: str, rows: Sequence[_Row], meant: dict[str, str]) -> str | None:
    """The key of the part ``word`` means, when the rows settle it (see the module's docstring)."""
    votes: Counter[str] = Counter()
    voters = []
    for row in rows:
        if word not in row.words:
            continue
        taken = {meant[other] for other in row.words if other != word and other in meant}
        grouped = word in row.grouped
        left = [key for key in row.parts if key not in taken and (not grouped or key.startswith("grouping:"))]
        if left:  # none: nothing plain to read in this query, or other words name all there is
            voters.append(row)
            votes.update(left)
    if not votes:
        return None
    best = max(votes.values())
    top = [key for key, count in votes.items() if count == best]
    if len(top) != 1 or best < _needed(len(voters)):
        return None
    if len(voters) == 1:  # one question: the word must be its only one still unexplained, or a grouping's
        (row,) = voters
        alone = row.unexplained - len([w for w in row.words if w in meant]) == 1
        if not alone and not (word in row.grouped and len(votes) == 1):
            return None
    return top[0]


def _needed(having: int) -> int:
    """How many of the ``having`` corrections with a word must agree on its part: all of two, two
    thirds of more."""
    return having if having <= 2 else math.ceil(2 * having / 3)


def _words(reading: Reading, words: frozenset[str] | None = None) -> frozenset[str]:
    """The reading's words (or those of ``words``) that can be a name: two or more Chinese characters,
    or a Latin word of three letters or more (lower case)."""
    kept = set()
    for word in reading.words if words is None else words:
        word = word.strip()
        if _CJK.search(word):
            if len(word) >= 2:
                kept.add(word)
        elif _LATIN_WORD.fullmatch(word) and len(word) >= 3:
            kept.add(word.lower())
    return frozenset(kept)


def _unnamed(seen: Seen) -> dict[str, Part]:
    """The parts of the query the question does not name otherwise, by key."""
    found: dict[str, Part] = {}
    if not seen.parts.complete:
        return found  # what the query aggregates cannot all be read: its words could name that
    for part in (*seen.parts.measures, *seen.parts.groupings):
        if not seen.reading.names(part):
            found[f"{type(part).__name__.lower()}:{part.key}"] = part
    return found


def _proposal(word: str, part: Part, sources: tuple[int, ...]) -> Proposal:
    if isinstance(part, Measure):
        payload = {
            "table": part.table,
            "expr": part.expr,
            "filter": part.filter,
            "time_column": part.time_column,
            "synonym": word,
        }
        return Proposal("metric", f"{part.key}:{word.casefold()}", payload, sources)
    payload = {"table": part.table, "column": part.column, "synonym": word}
    return Proposal("dimension", f"{part.key}:{word.casefold()}", payload, sources)
