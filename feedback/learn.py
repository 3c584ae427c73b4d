"""Learn from approved corrections what holds beyond their own question, as suggestions for review.

An approved edit is read against the SQL it corrected: changed values are value mappings
(:mod:`feedback.value_mappings`), added joins join paths (:mod:`feedback.join_paths`), and conditions
that several corrections add are business rules (:mod:`feedback.business_rules`). Where the database has
a semantic model, the words its rules cannot read in the approved questions are matched with what the
approved queries measure and group by (:mod:`feedback.word_meanings`): metric and dimension words.
What the database's semantic model already says is not suggested again; the rest is stored as pending
suggestions (:mod:`feedback.suggestions`). Learning runs after every approval
(:func:`feedback.review.approve`) and before ``chatbi feedback suggestions`` lists them; it adds only
what is new, so running it again is harmless, and a suggestion once rejected stays rejected.

Example:
    >>> import os, tempfile
    >>> from feedback.log import FeedbackLog
    >>> log = FeedbackLog(os.path.join(tempfile.mkdtemp(), "feedback.sqlite"), user="ann")
    >>> fixed = "SELECT COUNT(*) FROM customers WHERE city = 'New York'"
    >>> edit = log.record("edited", database="shop", question="Customers in NY?",
    ...                   sql="SELECT COUNT(*) FROM customers WHERE city = 'NY'", final_sql=fixed)
    >>> _ = log.record("approved", database="shop", question="Customers in NY?", final_sql=fixed, event=edit)
    >>> [s.describe() for s in learn(log, "shop")]
    ["customers.city: 'NY' means 'New York' (the question's word)"]
    >>> learn(log, "shop")
    []
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from feedback.business_rules import Added, added_conditions, business_rules
from feedback.corrections import Correction, curate
from feedback.join_paths import join_paths
from feedback.log import FeedbackLog
from feedback.measures import query_parts
from feedback.suggestions import Proposal, Suggestion, SuggestionStore
from feedback.value_mappings import value_mappings
from feedback.word_meanings import Seen, plain_metric_words, refined_meanings, word_meanings

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema
    from nl2sql.semantic.model import SemanticModel

Edit = tuple[Correction, str]
"""An approved correction with the SQL it corrected."""


def learn(
    log: FeedbackLog,
    database: str,
    schema: Schema | None = None,
    *,
    dialect: str = "sqlite",
    model: SemanticModel | None = None,
    at: datetime | None = None,
    today: date | None = None,
) -> list[Suggestion]:
    """Store what the approved corrections of ``database`` teach (checked against ``schema``) and
    ``model`` does not say yet; the suggestions that are new (stamped ``at``, by default now). Relative
    windows in the questions ("last month") count back from ``today`` (default: the day of ``at``), as
    the assistant counts them on that database."""
    approved = curate(log, database, schema, dialect=dialect).kept
    edits = approved_edits(log, database, approved)
    proposals = proposals_from(edits, schema, dialect=schema.dialect if schema else dialect)
    at = at or log.clock()
    if model is not None:
        from nl2sql.semantic.learned import already_known

        today = today or at.date()
        proposals += word_proposals(log, database, approved, schema, model, dialect=dialect, today=today)
        proposals = [p for p in proposals if not already_known(model, p)]
    if not proposals:
        return []
    store = SuggestionStore(log)
    return store.propose(database, proposals, at=at)


def word_proposals(
    log: FeedbackLog,
    database: str,
    approved: Sequence[Correction],
    schema: Schema | None,
    model: SemanticModel,
    *,
    dialect: str = "sqlite",
    today: date | None = None,
) -> list[Proposal]:
    """What the words of the ``approved`` corrections of ``database`` mean (:mod:`feedback.word_meanings`),
    read with ``model`` and the suggestions already accepted for it in ``log``; a metric word accepted
    plain is read again, for the finer twin later corrections show."""
    from nl2sql.semantic.learned import overlay
    from nl2sql.semantic.question_words import question_reading

    accepted = SuggestionStore(log).accepted(database)
    reading_model = overlay(model, accepted)
    seen = [
        Seen(
            correction.event_id,
            question_reading(correction.question, reading_model, today),
            query_parts(correction.sql, schema, schema.dialect if schema else dialect),
        )
        for correction in approved
    ]
    found = {(p.kind, p.key): p for p in word_meanings(seen)}
    plain = plain_metric_words(accepted)
    if plain:
        questions = [correction.question for correction in approved]
        for proposal in refined_meanings(seen, questions, plain):
            found.setdefault((proposal.kind, proposal.key), proposal)
    return list(found.values())


def approved_edits(log: FeedbackLog, database: str, approved: Sequence[Correction]) -> list[Edit]:
    """Of the ``approved`` corrections of ``database``, those that changed the SQL they were given (as
    ``log`` recorded it), with that SQL."""
    originals = {
        event["id"]: (event["sql"] or "").strip()
        for event in log.events(limit=None, database=database, kinds=("edited",))
    }
    edits = []
    for correction in approved:
        original = originals.get(correction.event_id, "")
        if original and original != correction.sql.strip():
            edits.append((correction, original))
    return edits


def proposals_from(
    edits: Sequence[Edit], schema: Schema | None = None, *, dialect: str = "sqlite"
) -> list[Proposal]:
    """What ``edits`` teach: their value mappings and join paths, and the conditions several of them
    add; the same thing learned twice is one proposal with both sources.

    Example:
        >>> edit = Correction(3, "shop", "Valid orders?", "SELECT * FROM orders WHERE status <> 'void'",
        ...                   "edited")
        >>> other = Correction(5, "shop", "Valid sales?",
        ...                    "SELECT SUM(amount) FROM orders WHERE status <> 'void'", "edited")
        >>> [(p.kind, p.sources) for p in proposals_from([(edit, "SELECT * FROM orders"),
        ...                                               (other, "SELECT SUM(amount) FROM orders")])]
        [('rule', (3, 5))]
    """
    merged: dict[tuple[str, str], Proposal] = {}

    def add(proposal: Proposal) -> None:
        key = (proposal.kind, proposal.key)
        known = merged.get(key)
        sources = tuple(sorted({*proposal.sources, *(known.sources if known else ())}))
        merged[key] = Proposal(proposal.kind, proposal.key, (known or proposal).payload, sources)

    added = {}
    for correction, original in edits:
        proposals, added[correction.event_id] = _edit_teaches(
            correction.event_id, correction.question, original, correction.sql, schema, dialect
        )
        for proposal in proposals:
            add(proposal)
    for proposal in business_rules(added, dialect=dialect):
        add(proposal)
    return list(merged.values())


@lru_cache(maxsize=4096)
def _edit_teaches(
    source: int, question: str, original: str, sql: str, schema: Schema | None, dialect: str
) -> tuple[tuple[Proposal, ...], tuple[Added, ...]]:
    """The value mappings and join paths of one edit, and the conditions it adds: read once per edit, not
    again at every approval after it (the returned values are not to be changed)."""
    options = {"schema": schema, "dialect": dialect, "source": source}
    proposals = (*value_mappings(question, original, sql, **options), *join_paths(original, sql, **options))
    return proposals, tuple(added_conditions(original, sql, schema=schema, dialect=dialect))
