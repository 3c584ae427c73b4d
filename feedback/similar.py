"""Corrections most like a new question, to show the model as solved examples before it.

A question is compared with each curated correction by meaning (cosine of the bundled MiniLM sentence
embeddings) and by shared words (Jaccard over words, and over character pairs for Chinese). Only
corrections above :data:`MIN_SIMILARITY` are shown, most similar last, right before the question; once a
database has :data:`BACKGROUND_AFTER` corrections, only those that also stand :data:`MIN_LEAD` above the
typical one (the median similarity): questions on one database share its table words, so there an
unrelated correction is as "similar" as a related one elsewhere, and it misleads the model.

Example:
    >>> from feedback.corrections import Correction
    >>> index = CorrectionIndex([
    ...     Correction(1, "shop", "How many open orders are there?",
    ...                "SELECT COUNT(*) FROM orders WHERE status = 'open'", "edited"),
    ...     Correction(2, "shop", "List customer names", "SELECT name FROM customers", "accepted"),
    ... ], embeddings=False)
    >>> [c.event_id for c in index.similar("how many orders are open", k=2)]
    [1]
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from feedback.corrections import Correction, question_key, sql_key

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.prompt import Example

DEFAULT_EXAMPLES = 1
"""Corrections shown per question: one kept almost all of the lift of three on Spider (+10.2 against
+10.6 points) at a third of the added answer time (BENCHMARKS.md)."""
MIN_SIMILARITY = 0.35
"""Below this a correction is about something else and would only distract the model."""
MIN_LEAD = 0.4
"""How far above the median similarity of the database's corrections a shown one must be. On two Spider
databases kept for tuning (two splits; 240 held-out answers after 10, 25 and 50 corrections), questions
scored 0.5 to 0.7 against unrelated corrections there, and the examples shown turned 19 right answers
wrong and 12 wrong ones right; with this lead, 5 and 9 (``chatbi bench learning``, BENCHMARKS.md)."""
BACKGROUND_AFTER = 8
"""Corrections a database needs before their median similarity says what is typical there."""
EMBEDDING_WEIGHT = 0.7
"""Share of the embedding cosine in the similarity; the rest is word overlap."""

_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")


class CorrectionIndex:
    """Finds the corrections closest to a question; new corrections can be added at any time."""

    def __init__(self, corrections: Iterable[Correction] = (), *, embeddings: bool = True) -> None:
        self.corrections: list[Correction] = []
        self._words: list[frozenset[str]] = []
        self._vectors: list[Any] = []
        self._embeddings = embeddings
        self._embedder: Any = None
        """Loaded with the first correction: an index with none costs nothing."""
        self.add_all(corrections)

    def __len__(self) -> int:
        return len(self.corrections)

    def add(self, correction: Correction) -> None:
        """Add one correction; one that restates a known question replaces it."""
        self.add_all([correction])

    def remove(self, question: str, sql: str | None = None) -> int:
        """Forget the correction of ``question`` (only when its SQL is ``sql``, if given); how many went.

        Example:
            >>> index = CorrectionIndex([Correction(1, "db", "How many?", "SELECT 1", "accepted")],
            ...                         embeddings=False)
            >>> index.remove("how many", "SELECT 2"), index.remove("how many"), len(index)
            (0, 1, 0)
        """
        gone = [
            i
            for i, c in enumerate(self.corrections)
            if question_key(c.question) == question_key(question)
            and (sql is None or sql_key(c.sql) == sql_key(sql))
        ]
        for i in reversed(gone):
            del self.corrections[i], self._words[i]
            if self._vectors:
                del self._vectors[i]
        return len(gone)

    def add_all(self, corrections: Iterable[Correction]) -> None:
        """Add several corrections (their embeddings are computed together)."""
        new = list(corrections)
        if not new:
            return
        if self._embeddings and self._embedder is None and not self.corrections:
            self._embedder = _load_embedder()
        keys = {question_key(c.question) for c in new}
        kept = [i for i, c in enumerate(self.corrections) if question_key(c.question) not in keys]
        self.corrections = [self.corrections[i] for i in kept] + new
        self._words = [self._words[i] for i in kept] + [words(c.question) for c in new]
        if self._embedder is not None:
            vectors = self._embedder.encode([c.question for c in new])
            self._vectors = [self._vectors[i] for i in kept] + list(vectors)

    def similar(
        self,
        question: str,
        k: int = DEFAULT_EXAMPLES,
        *,
        min_similarity: float = MIN_SIMILARITY,
        min_lead: float = MIN_LEAD,
    ) -> list[Correction]:
        """At most ``k`` corrections at least ``min_similarity`` alike and, once there are
        :data:`BACKGROUND_AFTER` corrections, ``min_lead`` above their median; least similar first.

        Example:
            >>> index = CorrectionIndex([Correction(i, "db", f"How many dogs of breed {i} are there?",
            ...                          "SELECT 1", "accepted") for i in range(10)], embeddings=False)
            >>> index.similar("how many dogs are there")
            []
            >>> [c.question for c in index.similar("how many dogs of breed 3 are there")]
            ['How many dogs of breed 3 are there?']
        """
        if not self.corrections or k <= 0:
            return []
        scores = self.scores(question)
        floor = max(min_similarity, background(scores) + min_lead)
        ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], -self.corrections[i].event_id))
        chosen = [i for i in ranked[:k] if scores[i] >= floor]
        return [self.corrections[i] for i in reversed(chosen)]

    def scores(self, question: str) -> list[float]:
        """The similarity of ``question`` to every correction, in the index's order."""
        asked = words(question)
        lexical = [_jaccard(asked, known) for known in self._words]
        if self._embedder is None:
            return lexical
        query = self._embedder.encode([question])[0]
        return [
            EMBEDDING_WEIGHT * float(vector @ query) + (1 - EMBEDDING_WEIGHT) * overlap
            for vector, overlap in zip(self._vectors, lexical, strict=True)
        ]


def words(text: str) -> frozenset[str]:
    """Content words of a question (plural -s dropped; the stopwords of schema linking left out);
    Chinese runs as pairs of characters.

    Example:
        >>> sorted(words("How many singers are from France?"))
        ['france', 'singer']
        >>> sorted(words("每个城市的订单"))
        ['个城', '城市', '市的', '每个', '的订', '订单']
    """
    from nl2sql.linking import STOPWORDS  # imported here: nl2sql imports this package at load time

    found: set[str] = set()
    for token in _WORD.findall(text.lower()):
        if token[0] >= "\u4e00":
            found.update(token[i : i + 2] for i in range(max(len(token) - 1, 1)))
        elif token not in STOPWORDS:
            found.add(token[:-1] if len(token) > 3 and token.endswith("s") else token)
    return frozenset(found)


def background(scores: Sequence[float]) -> float:
    """How similar a question is to a typical correction of its database: the median of ``scores``, once
    there are :data:`BACKGROUND_AFTER` of them; 0 before.

    Example:
        >>> background([0.9, 0.2, 0.3]), background([0.5] * 7 + [0.9])
        (0.0, 0.5)
    """
    if len(scores) < BACKGROUND_AFTER:
        return 0.0
    return statistics.median(scores)


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def _load_embedder() -> Any:
    """The shared MiniLM embedder, or None where it is not installed (word overlap alone then)."""
    from nl2sql.embed import Embedder
    from nl2sql.errors import ModelUnavailableError

    try:
        return Embedder.load()
    except ModelUnavailableError:
        return None


def as_examples(
    corrections: Sequence[Correction], today: date | None = None, dialect: str = "sqlite"
) -> list[Example]:
    """The corrections as the prompt builder's :class:`nl2sql.prompt.Example` records, their dates moved
    to ``today`` when given (:meth:`Correction.sql_on`: a window of the day it was made, as of today).

    Example:
        >>> fix = Correction(1, "shop", "Orders today?", "SELECT id FROM o WHERE day = '2026-06-30'",
        ...                  "edited", as_of="2026-06-30")
        >>> as_examples([fix], date(2026, 7, 2))[0].sql
        "SELECT id FROM o WHERE day = '2026-07-02'"
    """
    from nl2sql.prompt import Example

    return [Example(c.question, c.sql if today is None else c.sql_on(today, dialect)) for c in corrections]
