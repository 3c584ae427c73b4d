"""What the business words of approved questions mean: a metric or a grouping column, learned across them.

A semantic model made from a schema knows its columns' names but not the team's words: "营收", "销量",
"行业" are nowhere in it, so questions in those words cannot be read. Each approved correction pairs a
question with a query; the words the semantic model's rules leave unexplained in the question
(:class:`Reading`, made by :mod:`nl2sql.semantic.question_words`) must name what the query measures or
groups by that the question does not otherwise name (:mod:`feedback.measures`). A word means a part
when every correction whose question has the word (but those whose query has nothing plain to read)
has that part, and no other part does as well; a word seen in one correction only must be that
question's only unexplained word, and names no count where the question names a table ("dogs that
*went* through a treatment": the table's word says what is counted, the other what the rows did).
Words already placed take their part out of the running for the other words of the same question, so
meanings are settled one after the other until none is new.

What comes out are proposals for review (:mod:`feedback.suggestions`):

- ``metric``: the word names a measure; payload ``table``, ``expr``, ``filter``, ``time_column`` and
  ``synonym``, and ``finer`` (the same four) where the word also names the measure's finer twin: the
  corrections sum orders for a city and their items for a product under the same word;
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

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlglot import exp
from sqlglot.errors import SqlglotError

from feedback.measures import Grouping, Measure, QueryParts
from feedback.query_tables import unqualified
from feedback.suggestions import Proposal, Suggestion

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

    def reopened(self, word: str, measure: Measure) -> Reading:
        """This reading with ``word`` unexplained again and ``measure`` no longer named by it.

        Example:
            >>> named = Reading(measures=frozenset({("orders", "sum(total_amount)")}))
            >>> named.reopened("销售额", Measure("orders", "SUM(total_amount)")).words
            ('销售额',)
        """
        measures = frozenset(entry for entry in self.measures if not _names_measure(entry, measure))
        return replace(self, words=(*self.words, word), measures=measures)

    def names(self, part: Part) -> bool:
        """Whether the question names ``part`` already.

        Example:
            >>> Reading(tables=frozenset({"customers"})).names(Grouping("customers", "segment"))
            True
        """
        if isinstance(part, Grouping):
            return part.table in self.tables or (part.table, part.column) in self.columns
        if any(_names_measure(entry, part) for entry in self.measures):
            return True
        return part.expr.upper() == "COUNT(*)" and part.table in self.tables


def _names_measure(entry: tuple[str, str], measure: Measure) -> bool:
    """Whether a metric a question names (``entry``: table, aggregate as lower-case SQL) names
    ``measure``: the same table, its aggregate within the measure's ("average discount" names
    ``100.0 * AVG(discount)``)."""
    table, named = entry
    return table == measure.table and named in measure.expr.lower()


@dataclass(frozen=True)
class Seen:
    """One approved correction: its id, how its question reads, and the parts of its query."""

    source: int
    reading: Reading
    parts: QueryParts


def word_meanings(seen: Sequence[Seen], *, twins_first: frozenset[str] = frozenset()) -> list[Proposal]:
    """``metric`` and ``dimension`` proposals for the words of the ``seen`` corrections whose meaning
    they settle (see the module's docstring); the words of ``twins_first`` mean a measure and its finer
    twin wherever their corrections show one."""
    rows = [
        _Row(
            s.source,
            _words(s.reading),
            _words(s.reading, s.reading.grouped),
            len(set(s.reading.words)),
            bool(s.reading.tables),
            _unnamed(s),
        )
        for s in seen
    ]
    meant: dict[str, tuple[str, ...]] = {}
    parts = {key: part for row in rows for key, part in row.parts.items()}
    words = sorted({word for row in rows for word in row.words})
    settled = True
    while settled:
        settled = False
        for word in words:
            if word in meant:
                continue
            part = _meaning(word, rows, meant, twins_first=word in twins_first)
            if part is not None:
                meant[word] = part
                settled = True
    proposals = []
    for word, keys in meant.items():
        sources = tuple(
            sorted(row.source for row in rows if word in row.words and any(k in row.parts for k in keys))
        )
        proposals.append(_proposal(word, [parts[key] for key in keys], sources))
    return sorted(proposals, key=lambda p: p.sources)


def plain_metric_words(accepted: Sequence[Suggestion]) -> dict[str, Measure]:
    """Of the ``accepted`` suggestions, the metric words accepted without a finer twin (and never with
    one since), each with the measure it names: a later correction may show the twin.

    Example:
        >>> coarse = {"table": "orders", "expr": "SUM(total_amount)", "filter": None, "time_column": None}
        >>> plain = Suggestion(1, "shop", "metric", "k", {**coarse, "synonym": "销售额"}, (1,), "accepted")
        >>> plain_metric_words([plain])
        {'销售额': Measure(table='orders', expr='SUM(total_amount)', filter=None, time_column=None)}
    """
    words: dict[str, Measure] = {}
    refined: set[str] = set()
    for suggestion in accepted:
        if suggestion.kind != "metric":
            continue
        payload, word = suggestion.payload, suggestion.payload["synonym"]
        if payload.get("finer"):
            refined.add(word.casefold())
        else:
            words[word] = Measure(
                payload["table"], payload["expr"], payload.get("filter"), payload.get("time_column")
            )
    return {word: measure for word, measure in words.items() if word.casefold() not in refined}


def refined_meanings(
    seen: Sequence[Seen], questions: Sequence[str], plain: dict[str, Measure]
) -> list[Proposal]:
    """What the ``seen`` corrections (asking ``questions``) teach once the ``plain`` metric words are read
    again: a plain word whose corrections also sum its measure over a finer table names that twin too
    (the word is offered again, with ``finer``), and a word of those corrections that this leaves alone
    means what is left. Only what reading the plain words again settles is returned.

    Example:
        >>> from feedback.measures import Grouping, Measure, QueryParts
        >>> orders = Measure("orders", "SUM(total_amount)", None, "order_date")
        >>> items = Measure("order_items", "SUM(amount)", None, "orders.order_date")
        >>> named = frozenset({("orders", "sum(total_amount)")})
        >>> by_city = QueryParts((orders,), (Grouping("customers", "city"),))
        >>> by_product = QueryParts((items,), (Grouping("products", "name"),))
        >>> seen = [Seen(1, Reading((), measures=named), by_city),
        ...         Seen(2, Reading(("产品",), measures=named), by_product)]
        >>> questions = ["各城市的销售额", "各产品的销售额"]
        >>> for p in refined_meanings(seen, questions, {"销售额": orders}):
        ...     print(p.key)
        orders:SUM(total_amount) FINER order_items:SUM(amount):销售额
        products.name:产品
    """
    again, reopened = [], {}
    for one, question in zip(seen, questions, strict=True):
        said = question.casefold()
        words = [w for w, m in plain.items() if w.casefold() in said and one.reading.names(m)]
        reopened[one.source] = frozenset(words)
        reading = one.reading
        for word in words:
            reading = reading.reopened(word, plain[word])
        again.append(Seen(one.source, reading, one.parts))
    proposals = word_meanings(again, twins_first=frozenset(plain))
    refined = {p.payload["synonym"] for p in proposals if _refines_plain(p, plain)}
    return [p for p in proposals if _settled_by_refining(p, plain, refined, reopened)]


def _refines_plain(proposal: Proposal, plain: dict[str, Measure]) -> bool:
    """Whether ``proposal`` gives a ``plain`` word its own measure and a finer twin."""
    payload, word = proposal.payload, proposal.payload["synonym"]
    if word not in plain or not payload.get("finer"):
        return False
    return all(payload.get(key) == value for key, value in _measure(plain[word]).items())


def _settled_by_refining(
    proposal: Proposal, plain: dict[str, Measure], refined: set[str], reopened: dict[int, frozenset[str]]
) -> bool:
    """Whether ``proposal`` is a refinement, or a word whose every correction read plain words again and
    had them all refined (what the refinement left it)."""
    word = proposal.payload["synonym"]
    if word in refined:
        return True
    touched = [reopened[source] for source in proposal.sources]
    return word not in plain and any(touched) and all(words <= refined for words in touched)


@dataclass(frozen=True)
class _Row:
    source: int
    words: frozenset[str]
    """The unexplained words that can be names."""
    grouped: frozenset[str]
    """Of ``words``: those that name groupings."""
    unexplained: int
    """How many words the question leaves unexplained, names or not."""
    names_tables: bool
    """Whether the question names a table (then that names what it counts)."""
    parts: dict[str, Part]


def _meaning(
    word: str, rows: Sequence[_Row], meant: dict[str, tuple[str, ...]], *, twins_first: bool = False
) -> tuple[str, ...] | None:
    """The key of the part ``word`` means (two keys: a measure and its finer twin), when the rows settle
    it (see the module's docstring); with ``twins_first``, a measure and twin they show win."""
    votes: Counter[str] = Counter()
    voters: list[tuple[_Row, list[str]]] = []
    for row in rows:
        if word not in row.words:
            continue
        taken = {key for other in row.words if other != word and other in meant for key in meant[other]}
        grouped = word in row.grouped
        left = [key for key in row.parts if key not in taken and (not grouped or key.startswith("grouping:"))]
        if left:  # none: nothing plain to read in this query, or other words name all there is
            voters.append((row, left))
            votes.update(left)
    if not votes:
        return None
    if twins_first and (twins := _twins(voters)):
        return twins
    best = max(votes.values())
    top = [key for key, count in votes.items() if count == best]
    if len(top) != 1 or best < _needed(len(voters)):
        return _twins(voters)
    if len(voters) == 1:  # one question: the word must be its only one still unexplained, or a grouping's
        ((row, _),) = voters
        alone = row.unexplained - len([w for w in row.words if w in meant]) == 1
        grouping = word in row.grouped and len(votes) == 1
        if not grouping and (not alone or (row.names_tables and _counts(row.parts[top[0]]))):
            return None
    return (top[0],)


def _twins(voters: Sequence[tuple[_Row, list[str]]]) -> tuple[str, str] | None:
    """The keys of a measure and its finer twin (:func:`finer_twin`) that the word means between them:
    each correction that has either counts, and enough do (the same share as for one part); None
    unless one pair does."""
    measures = {
        key: part for row, left in voters for key in left if isinstance(part := row.parts[key], Measure)
    }
    found = []
    for coarse, fine in itertools.permutations(measures, 2):
        if not finer_twin(measures[coarse], measures[fine]):
            continue
        having = [left for _, left in voters if coarse in left or fine in left]
        both_seen = any(coarse in left for left in having) and any(fine in left for left in having)
        if both_seen and len(having) >= _needed(len(voters)):
            found.append((coarse, fine))
    return found[0] if len(found) == 1 else None


def finer_twin(coarse: Measure, fine: Measure) -> bool:
    """Whether ``fine`` sums over the rows of another table what ``coarse`` sums over its own: on a
    table of their parts (order items of orders), with ``coarse``'s exclusions and date read through
    it ("销售额" of a city sums orders, of a product their items).

    Example:
        >>> orders = Measure("orders", "SUM(total_amount)", "status <> 'cancelled'", "order_date")
        >>> items = Measure("order_items", "SUM(quantity * unit_price)", "orders.status <> 'cancelled'",
        ...                 "orders.order_date")
        >>> finer_twin(orders, items), finer_twin(items, orders)
        (True, False)
        >>> finer_twin(orders, Measure("order_items", "SUM(quantity)", None, "orders.order_date"))
        False
    """
    if coarse.table == fine.table or not (_sums(coarse) and _sums(fine)):
        return False
    through = f"{coarse.table}.{coarse.time_column}" if coarse.time_column else None
    if fine.time_column != through:
        return False
    if not coarse.filter or not fine.filter:
        return not coarse.filter and not fine.filter and through is not None
    try:
        mine, theirs = exp.maybe_parse(coarse.filter), exp.maybe_parse(fine.filter)
    except SqlglotError:
        return False
    if any(c.table and c.table != coarse.table for c in theirs.find_all(exp.Column)):
        return False
    return unqualified(mine).sql() == unqualified(theirs).sql()


def _sums(part: Measure) -> bool:
    return part.expr.upper().startswith("SUM(")


def _counts(part: Part) -> bool:
    """Whether ``part`` counts rows or things (where the question names a table, the table's word says
    what is counted)."""
    return isinstance(part, Measure) and part.expr.upper().startswith("COUNT(")


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


def _proposal(word: str, parts: Sequence[Part], sources: tuple[int, ...]) -> Proposal:
    part = parts[0]
    if isinstance(part, Measure):
        payload: dict[str, object] = {**_measure(part), "synonym": word}
        key = part.key
        if len(parts) > 1 and isinstance(parts[1], Measure):
            payload["finer"] = _measure(parts[1])
            key += f" FINER {parts[1].key}"
        return Proposal("metric", f"{key}:{word.casefold()}", payload, sources)
    payload = {"table": part.table, "column": part.column, "synonym": word}
    return Proposal("dimension", f"{part.key}:{word.casefold()}", payload, sources)


def _measure(part: Measure) -> dict[str, object]:
    return {"table": part.table, "expr": part.expr, "filter": part.filter, "time_column": part.time_column}
