"""Value mappings: a correction that changes the text a column is compared to says what a word means.

When the original query had ``city = 'NY'`` and the approved correction ``city = 'New York'`` (or
changed one value of an ``IN`` list), "NY" is another name of the stored value 'New York' of
``customers.city``. The synonym is the question's own word when it can be found there: the value written
before the correction, an abbreviation of the new value ("NY", "N.Y." for New York) or the start of it
("Calif" for California); otherwise the value written before the correction. Nothing is learned when the
question already names the new value, when only letter case changed, or for dates and numbers.

Example:
    >>> [p.payload["synonym"] for p in value_mappings(
    ...     "How many customers live in ny?",
    ...     "SELECT COUNT(*) FROM customers WHERE city = 'NY'",
    ...     "SELECT COUNT(*) FROM customers WHERE city = 'New York'")]
    ['ny']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from explain.plan_conditions import read_condition
from explain.plan_read import clause, conjuncts
from feedback.edit_kinds import is_time_window
from feedback.query_tables import QueryTables, read_select
from feedback.suggestions import Proposal

if TYPE_CHECKING:  # nl2sql imports this package at load time
    from nl2sql.schema import Schema

_ISO_DAY = re.compile(r"^\d{4}-\d{2}(-\d{2})?")
_QUESTION_WORD = re.compile(r"[A-Za-z][A-Za-z.']*[A-Za-z.]|[A-Za-z]")
Place = tuple[str, str]
"""(table, column), lower case."""


def value_mappings(
    question: str,
    before_sql: str,
    after_sql: str,
    *,
    schema: Schema | None = None,
    dialect: str = "sqlite",
    source: int = 0,
) -> list[Proposal]:
    """The value synonyms the correction of ``before_sql`` into ``after_sql`` (for ``question``, approved
    correction ``source``) teaches, as ``value`` proposals.

    Example:
        >>> (mapping,) = value_mappings("Orders from Calif and Texas",
        ...     "SELECT * FROM orders WHERE state IN ('Calif', 'Texas')",
        ...     "SELECT * FROM orders WHERE state IN ('California', 'Texas')", source=4)
        >>> mapping.key, mapping.payload["found"], mapping.sources
        ('orders.state:calif=California', True, (4,))
        >>> value_mappings("Customers in New York", "SELECT * FROM c WHERE city = 'NY'",
        ...                "SELECT * FROM c WHERE city = 'New York'")
        []
    """
    before, after = read_select(before_sql, dialect, schema), read_select(after_sql, dialect, schema)
    if before is None or after is None:
        return []
    old = _compared_values(before, QueryTables.of(before, schema), dialect)
    new = _compared_values(after, QueryTables.of(after, schema), dialect)
    proposals: list[Proposal] = []
    for place, values in new.items():
        if place not in old or old[place] == values:
            continue
        gone = [v for v in old[place] if v not in values]
        come = [v for v in values if v not in old[place]]
        if len(gone) != len(come):
            continue
        for written, meant in zip(gone, come, strict=True):
            proposal = _mapping(question, place, written, meant, source)
            if proposal is not None:
                proposals.append(proposal)
    return proposals


def meant_word(question: str, written: str, meant: str) -> str | None:
    """The word of ``question`` that stood for the value ``meant`` (``written`` in the query before it
    was corrected), as the question spells it; None when none can be found.

    Example:
        >>> meant_word("Sales in N.Y. last year", "NY", "New York")
        'N.Y.'
        >>> meant_word("Revenue from calif", "CA", "California"), meant_word("hi", "x", "Texas")
        ('calif', None)
        >>> meant_word("北京的客户有多少", "北京", "Beijing")
        '北京'
    """
    found = _spelled(question, written)
    if found:
        return found
    value_words = [w.casefold() for w in re.findall(r"\w+", meant)]
    initials = "".join(w[0] for w in value_words)
    for word in _QUESTION_WORD.findall(question):
        letters = word.replace(".", "").replace("'", "").casefold()
        if len(value_words) > 1 and len(letters) >= 2 and letters == initials:
            return word
        if (
            len(letters) >= 3
            and letters not in value_words
            and meant.casefold().startswith(letters)
            and len(letters) < len(meant)
        ):
            return word
    return None


def _mapping(question: str, place: Place, written: str, meant: str, source: int) -> Proposal | None:
    if written.casefold() == meant.casefold() or _spelled(question, meant):
        return None  # only the case changed, or the question said the value itself
    word = meant_word(question, written, meant)
    synonym = (word or written).strip()
    if not synonym or synonym.casefold() == meant.casefold():
        return None
    table, column = place
    payload = {"table": table, "column": column, "value": meant, "synonym": synonym, "found": bool(word)}
    return Proposal("value", f"{table}.{column}:{synonym.casefold()}={meant}", payload, (source,))


def _compared_values(select: exp.Select, tables: QueryTables, dialect: str) -> dict[Place, list[str]]:
    """(table, column) → the text values of its ``=`` or ``IN`` condition in ``select``'s WHERE."""
    found: dict[Place, list[str]] = {}
    for node in conjuncts(clause(select, exp.Where)):
        while isinstance(node, exp.Paren):
            node = node.this
        condition = read_condition(node)
        subject = condition.subject
        if not isinstance(subject, exp.Column) or condition.operator not in ("=", "in"):
            continue
        if not condition.operands or not all(
            isinstance(o, exp.Literal) and o.is_string for o in condition.operands
        ):
            continue
        values = [o.this for o in condition.operands]
        if any(_ISO_DAY.match(v) for v in values) or is_time_window(node.sql(dialect), dialect):
            continue
        table = tables.table_of(subject)
        place = (table, subject.name.lower()) if table else None
        if place is not None and place not in found:  # a column compared twice is not read
            found[place] = values
        elif place is not None:
            found[place] = []
    return {place: values for place, values in found.items() if values}


def _spelled(question: str, text: str) -> str | None:
    """``text`` as ``question`` spells it (a whole word or words in Latin script, anywhere in Chinese)."""
    text = text.strip()
    if not text:
        return None
    pattern = re.escape(text)
    if re.match(r"\w", text, re.ASCII):
        pattern = rf"(?<!\w){pattern}(?!\w)"
    match = re.search(pattern, question, re.IGNORECASE)
    return match.group(0) if match else None
