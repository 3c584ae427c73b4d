"""What the assistant made of one question: the SQL, its result, its diagnostics and how it got there.

Example:
    >>> answer = Answer("How many?", "SELECT 1", error="no such table: t")
    >>> answer.ok, answer.to_dict()["error"]
    (False, 'no such table: t')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from explain import Diagnostic
from nl2sql.glossary import Term
from nl2sql.prompt import Example


@dataclass
class Answer:
    """What the assistant made of one question."""

    question: str
    sql: str
    """The final SQL (after the repair round, if there was one); empty if none could be made."""
    data: pd.DataFrame | None = None
    """The result, or None when the query did not run."""
    error: str | None = None
    """One line saying what went wrong, or None."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: prompt, generate, validate, repair, execute, total."""
    model_id: str = ""
    adapter_hash: str | None = None
    raw_output: str = ""
    fixes: list[str] = field(default_factory=list)
    """Names mended against the schema without the model, e.g. ``pet_type → PetType``."""
    repaired: bool = False
    """True when the first SQL failed validation and the model was asked once more."""
    candidates: list[str] = field(default_factory=list)
    """All candidate queries, when several were generated."""
    votes: int = 0
    """How many candidates agreed with the chosen result."""
    truncated: bool = False
    """True when the result had more rows than the row limit."""
    prompt_tokens: int = 0
    output_tokens: int = 0
    history: list[Example] = field(default_factory=list)
    """The earlier questions and SQL sent with a follow-up question (the context, shown to the user)."""
    terms: list[Term] = field(default_factory=list)
    """Glossary entries the question mentioned, sent with it."""
    examples: list[Example] = field(default_factory=list)
    """Earlier corrections on this database like the question, shown to the model before it."""

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``sql``, ``columns``, ``rows``, ``error``, ``timings`` and the rest."""
        frame = self.data
        rows: list[list[Any]] = []
        if frame is not None:
            rows = [[_plain(value) for value in row] for row in frame.itertuples(index=False, name=None)]
        return {
            "question": self.question,
            "sql": self.sql,
            "columns": [str(c) for c in frame.columns] if frame is not None else [],
            "rows": rows,
            "row_count": len(rows),
            "truncated": self.truncated,
            "error": self.error,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "timings": {stage: round(seconds, 4) for stage, seconds in self.timings.items()},
            "model_id": self.model_id,
            "adapter_hash": self.adapter_hash,
            "fixes": self.fixes,
            "repaired": self.repaired,
            "candidates": self.candidates,
            "votes": self.votes,
            "prompt_tokens": self.prompt_tokens,
            "output_tokens": self.output_tokens,
            "history": [{"question": turn.question, "sql": turn.sql} for turn in self.history],
            "terms": [term.to_dict() for term in self.terms],
            "examples": [{"question": e.question, "sql": e.sql} for e in self.examples],
        }


def _plain(value: Any) -> Any:
    """A JSON-friendly version of one cell."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)
