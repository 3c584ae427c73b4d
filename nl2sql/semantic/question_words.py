"""How the semantic model's rules read a question, for learning what its other words mean.

:mod:`feedback.word_meanings` pairs the words a question leaves unexplained with the parts of the
approved query that the question does not otherwise name. This module makes that
:class:`feedback.word_meanings.Reading` from the rule mapper (:mod:`nl2sql.semantic.mapper`): its
unexplained words, and the tables, columns and metrics its matches name, in the database's own
(physical) table and column names.

Example:
    >>> from datetime import date
    >>> from nl2sql.semantic.load import parse_model
    >>> model = parse_model('''
    ... tables:
    ...   - name: orders
    ...     base_table: {table: orders}
    ...     dimensions: [{name: status, expr: status}]
    ...     time_dimensions: [{name: order_date, expr: order_date}]
    ...     metrics: [{name: order_count, expr: COUNT(*), synonyms: [orders]}]
    ... ''')
    >>> reading = question_reading("上个月营收多少", model, date(2026, 6, 30))
    >>> reading.words
    ('营收',)
    >>> sorted(question_reading("orders by status", model).columns)
    [('orders', 'status')]
"""

from __future__ import annotations

import re
from datetime import date

from sqlglot import exp
from sqlglot.errors import SqlglotError

from feedback.word_meanings import Reading
from nl2sql.semantic.data_words import FUNCTION_WORDS, MEASURING_WORDS, data_words, is_data_word
from nl2sql.semantic.mapper import CUE_REACH, EACH_CUES_BEFORE, STOPWORDS_EN, map_question
from nl2sql.semantic.model import Field, Metric, SemanticModel

_HOW_OR_WHAT_HAPPENED = re.compile(r"[a-z]{3,}(?:est|ed)")
"""Latin superlatives and past forms: a ranking or an event, which a question says about a measure."""
_IRREGULAR_PAST_TEXT = (
    "went came took gave made got had did saw ran began became bought brought sold paid spent left kept"
    " held won lost met sent built found told wrote flew drove grew knew chose fell led taught"
    " done gone seen taken given known grown flown driven written chosen fallen been"
)
_IRREGULAR_PAST = frozenset(_IRREGULAR_PAST_TEXT.split())
"""Past forms that do not end in "-ed" ("dogs that *went* through a treatment"): events as well."""
_COMPARATIVES_TEXT = (
    "smaller larger greater bigger higher lower fewer older younger longer shorter heavier lighter"
    " cheaper earlier later faster slower newer wider narrower richer poorer"
)
_COMPARATIVES = frozenset(_COMPARATIVES_TEXT.split())
"""Latin comparatives ("cars *smaller* than 3000 lb"): a bound on a measure, not its name."""


def question_reading(question: str, model: SemanticModel, today: date | None = None) -> Reading:
    """What the rules of ``model`` read in ``question`` (relative windows counted from ``today``)."""
    mapping = map_question(question, model, today)
    tables, columns, measures = set(), set(), set()
    for match in mapping.matches:
        target = match.target
        if isinstance(target, Metric):
            measures.add((_physical(model, target.table), _sql(target.expr)))
        elif isinstance(target, Field):
            column = _column(target.expr)
            if column:
                columns.add((_physical(model, target.table), column))
        elif isinstance(target, str) and model.has_table(target):
            tables.add(_physical(model, target))
    known = data_words(model)
    words = tuple(  # a ranking with nothing read to rank ("垫底", "最多") waits for the grouping's word
        word
        for word in mapping.unexplained
        if word not in mapping.unranked and not _names_nothing_new(word, known)
    )
    return Reading(
        words, frozenset(tables), frozenset(columns), frozenset(measures), _grouped(question, words)
    )


def _grouped(question: str, words: tuple[str, ...]) -> frozenset[str]:
    """The ``words`` that follow a cue of "each" wherever ``question`` has them ("各*行业*", "per
    *vertical*").

    Example:
        >>> sorted(_grouped("今年每个渠道的客单价", ("渠道", "客单价")))
        ['渠道']
    """
    text = question.lower()
    found = set()
    for word in words:
        starts = [m.start() for m in re.finditer(re.escape(word.lower()), text)]
        if starts and all(EACH_CUES_BEFORE.search(text[max(0, s - CUE_REACH) : s]) for s in starts):
            found.add(word)
    return frozenset(found)


def _names_nothing_new(word: str, known: frozenset[str]) -> bool:
    """Whether ``word`` says how rather than what ("average", "different", "greatest", "larger"), tells what
    happened rather than names a thing ("enrolled", "went"), or is a word of the data already (a
    column's, a table's): no business word to learn.

    Example:
        >>> _names_nothing_new("different", frozenset()), _names_nothing_new("names", frozenset({"name"}))
        (True, True)
        >>> _names_nothing_new("greatest", frozenset()), _names_nothing_new("enrolled", frozenset())
        (True, True)
        >>> _names_nothing_new("went", frozenset()), _names_nothing_new("larger", frozenset())
        (True, True)
        >>> _names_nothing_new("营收", frozenset({"name"}))
        False
    """
    lower = word.lower()
    if lower in FUNCTION_WORDS or lower in STOPWORDS_EN or MEASURING_WORDS.fullmatch(lower):
        return True
    if _HOW_OR_WHAT_HAPPENED.fullmatch(lower) or lower in _IRREGULAR_PAST or lower in _COMPARATIVES:
        return True
    return is_data_word(lower, known)


def _physical(model: SemanticModel, table: str) -> str:
    """The database table (lower case, schema left out) the logical ``table`` reads."""
    if not model.has_table(table):
        return table.lower()
    return model.table(table).base_table.rpartition(".")[2].lower()


def _sql(expr: str) -> str:
    """``expr`` as sqlglot writes it, lower case (as :mod:`feedback.measures` writes measures)."""
    try:
        return exp.maybe_parse(expr).sql().lower()
    except SqlglotError:
        return expr.strip().lower()


def _column(expr: str) -> str | None:
    try:
        node = exp.maybe_parse(expr)
    except SqlglotError:
        return None
    return node.name.lower() if isinstance(node, exp.Column) else None
