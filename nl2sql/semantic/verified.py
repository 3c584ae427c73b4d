"""Verified queries: questions a person approved SQL for. A question close enough to one of them is
answered with its SQL, before any rule or model is tried (as Cortex Analyst does).

"Close enough" is deliberately strict: the same words once case, punctuation and spacing are set aside,
or nearly all of them (Chinese compared by character pairs).

Example:
    >>> from nl2sql.semantic.model import SemanticModel, VerifiedQuery
    >>> verified = VerifiedQuery("q", "How are our channels doing?", "SELECT 1")
    >>> model = SemanticModel("m", verified_queries=(verified,))
    >>> find_verified("how are our channels doing", model).sql
    'SELECT 1'
    >>> find_verified("How are our customers doing?", model) is None
    True
"""

from __future__ import annotations

import re
import unicodedata

from nl2sql.semantic.model import SemanticModel, VerifiedQuery

MIN_SIMILARITY = 0.85
"""Share of words (Jaccard) a question must have in common with a verified one to be answered by it."""
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")


def find_verified(question: str, model: SemanticModel) -> VerifiedQuery | None:
    """The verified query whose question is (nearly) ``question``; None when none is close enough."""
    asked = _tokens(question)
    if not asked:
        return None
    best, best_score = None, 0.0
    for verified in model.verified_queries:
        known = _tokens(verified.question)
        score = len(asked & known) / len(asked | known) if known else 0.0
        if score > best_score:
            best, best_score = verified, score
    return best if best_score >= MIN_SIMILARITY else None


def _tokens(text: str) -> frozenset[str]:
    """English words and Chinese character pairs, lower case (a question's content, not its spelling)."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    pieces = _TOKEN.findall(normalized)
    words = {p for p in pieces if not re.fullmatch(r"[\u3400-\u9fff]", p)}
    chinese = "".join(p for p in pieces if re.fullmatch(r"[\u3400-\u9fff]", p))
    words |= {chinese[i : i + 2] for i in range(len(chinese) - 1)} or set(chinese)
    return frozenset(words)
