"""The words of a model's data, and whether a question's leftover words are about something else.

A curated model (and so its database) has a vocabulary: the names, column expressions, synonyms,
values and terms it holds (:func:`data_words`). The router uses it to tell a question about things
the data lacks ("how many *employees*", "天气") from one that only says more than the rules could
place, and a reading that leaves out one ordinary word ("pls") from one that leaves out what matters.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model = demo_semantic_model()
    >>> about_other_things(("employees", "work"), model)
    True
    >>> is_data_word("unit_price", data_words(model)), is_data_word("退货记录", data_words(model))
    (True, True)
"""

from __future__ import annotations

import itertools
import re

from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.mapper import vocabulary_words
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.model_cache import per_model

UNKNOWN_SHARE = 0.75
"""A question is refused when at least this share of its unexplained words is no word of the data
either (no table, column, value, metric or term has them): one such word when the question names
nothing of the data, two when it does ("how many *employees* *work* in the sales *team*": "sales"
alone does not make it a revenue question)."""


def about_other_things(
    words: tuple[str, ...], model: SemanticModel, *, least: int = 1, question: str = ""
) -> bool:
    """Whether the words left over mostly name things the data does not hold ("employees", "天气"), and
    at least ``least`` of them; or the thing the question counts ("how many *employees*", "多少*员工*")
    is one of them.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> about_other_things(("weather",), model), about_other_things(("pls",), model, least=2)
        (True, False)
    """
    if not words:
        return False
    known = data_words(model)
    joined = {stem(a + b) for a, b in itertools.pairwise(words)}  # "high schoolers"
    if joined & known:
        return False
    unknown = [w for w in words if not is_data_word(w, known)]
    counted = _COUNTED.search(question.lower())
    if counted and any(w in unknown for w in (counted.group(1), counted.group(2))):
        return True
    return len(unknown) >= max(least, UNKNOWN_SHARE * len(words))


_COUNTED = re.compile(
    r"(?:how many|number of|how much)\s+([a-z]+)|(?:多少|几个|几位|几款|几种)([\u3400-\u9fff]{2,})"
)
"""What a question counts: the word after "how many" or "多少"."""


def is_data_word(word: str, known: frozenset[str]) -> bool:
    """Whether ``word`` names something of the data: a known word (``unit_price``: each part known), or
    a run of Chinese characters that is half made of a known word (退货记录: 退货).

    Example:
        >>> known = frozenset({"unit", "price", "退货"})
        >>> is_data_word("unit_price", known), is_data_word("退货记录", known), is_data_word("rent", known)
        (True, True, False)
    """
    if not _CJK.search(word):
        parts = [part for part in word.lower().split("_") if part]
        return all(stem(part) in known or part in FUNCTION_WORDS for part in parts)
    covered = [False] * len(word)
    for other in (*known, *FUNCTION_WORDS):
        if not _CJK.search(other):
            continue
        if word in other:
            return True
        start = word.find(other) if len(other) >= 2 else -1
        while start >= 0:
            covered[start : start + len(other)] = [True] * len(other)
            start = word.find(other, start + 1)
    return sum(covered) * 2 >= len(word)


_FUNCTION_WORDS_TEXT = (
    "above below over under before after not either neither different distinct common possible through"
    " ever only yuan rmb average 平均 包含 高于 低于 超过 不到 万元 元 它们 被 记录 单号 件 单"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
"""Words that say how, not about what: no sign of a question about things the data lacks."""


def names_values(question: str) -> bool:
    """Whether the question quotes or capitalizes something past its first word: likely a stored value
    ("Port Chelsea", 'APG') the model does not list, so not a sign of a question about other things.

    Example:
        >>> names_values("revenue from Port Chelsea in Q1"), names_values("Revenue in Q1 and H2")
        (True, False)
    """
    if re.search(r"['\"“‘][^'\"”’]+['\"”’]", question):
        return True
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", question)[1:]
    return any(word[0].isupper() and not _TIME_OR_JARGON.fullmatch(word) for word in words)


_TIME_OR_JARGON = re.compile(
    r"Q[1-4]|H[12]|FY\d*|YTD|MTD|QTD|TTM|LTM|YoY|MoM|QoQ|WoW|KPIs?|GMV|AOV|SKUs?|Jan|Feb|Mar|Apr|May|Jun"
    r"|Jul|Aug|Sept?|Oct|Nov|Dec|January|February|March|April|June|July|August|September|October"
    r"|November|December|I"
)
"""Capitalized words that are no stored value: periods, abbreviations of business jargon, "I"."""


@per_model
def data_words(model: SemanticModel) -> frozenset[str]:
    """Every word the model (and so the data) uses: names, column expressions, synonyms, values, terms
    (worked out once per model). A word met only inside a synonym of several words is left out: "net"
    of "net sales" makes no "net profit" a thing of the data.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> words = data_words(demo_semantic_model())
        >>> "revenue" in words, "销售额" in words, "net" in words
        (True, True, False)
    """
    texts: list[str] = []
    synonyms: list[str] = []
    for table in model.tables:
        texts += [table.name, table.base_table]
        synonyms += table.synonyms
        for column in table.fields:
            texts += [column.name, column.expr, *column.sample_values]
            synonyms += column.synonyms
            texts += [v for value, others in column.value_synonyms for v in (value, *others)]
        for item in (*table.metrics, *table.filters):
            texts += [item.name, item.expr]
            synonyms += item.synonyms
    texts += [word for term in model.terms for word in (term.name, term.definition)]
    synonyms += [alias for term in model.terms for alias in term.aliases]
    texts += [text for text in synonyms if not re.search(r"\s", text.strip())]
    return _words_of(texts)


def _words_of(texts: list[str]) -> frozenset[str]:
    words = set()
    for text in texts:
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
        for word in re.findall(r"[A-Za-z]+|[\u3400-\u9fff]+", spaced):
            words.add(word if _CJK.search(word) else stem(word.lower()))
    return frozenset(words)


@per_model
def name_words(model: SemanticModel) -> frozenset[str]:
    """The words that name something of the data by themselves: one-word names, synonyms and values, and
    the parts of snake_case names (``unit_cost``: unit, cost); not a word met only inside a longer name
    ("net" of "net sales": "net profit" is no profit of the data) or a definition.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> words = name_words(demo_semantic_model())
        >>> "cost" in words, "net" in words
        (True, False)
    """
    texts: list[str] = []
    for table in model.tables:
        texts += [table.name, table.base_table, *table.synonyms]
        for column in table.fields:
            texts += [column.name, column.expr, *column.synonyms, *column.sample_values]
            texts += [v for value, others in column.value_synonyms for v in (value, *others)]
        for item in (*table.metrics, *table.filters):  # "average_unit_price": no "average" thing
            texts += [*([item.name] * ("_" not in item.name)), *item.synonyms]
    texts += [word for term in model.terms for word in (term.name, *term.aliases)]
    single = [text.replace("_", " ") for text in texts if not re.search(r"\s", text.strip())]
    return frozenset(stem(word.lower()) for text in single for word in re.findall(r"[A-Za-z]+", text))


def stem(word: str) -> str:
    """Crude English singular, enough to tell "employees" is no "employee" column: drop -s, -es, -ies.

    Example:
        >>> stem("categories"), stem("addresses"), stem("orders"), stem("bus")
        ('category', 'address', 'order', 'bus')
    """
    for suffix, replacement in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return word


MEASURING_WORDS = re.compile(
    r"share|percent(?:age)?|proportion|ratio|fraction|average|avg|mean|median|point|points"
    r"|平均|[人日周月年户单]均|占|占比|比例|比重|中位数|率|环比?"
)
"""Words that say how to measure: left unplaced, the reading measures something else."""


def one_stray_word(words: tuple[str, ...], model: SemanticModel, question: str) -> bool:
    """Whether all the reading leaves out is one ordinary word ("pls", "drove", "走势"), not a column
    of the data the question names and the reading does not use (``signup_date``), nor a term written
    in capitals ("EBITDA": jargon the model does not define). Such a reading is
    answered, with the word named in a warning: on analysts' questions it was right about six times in
    ten, and model-written SQL for the same questions far less often; two words left out, or a column,
    and it was mostly wrong, so those still go to generated SQL.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> one_stray_word(("pls",), model, "revenue by channel pls")
        True
        >>> one_stray_word(("ebitda",), model, "EBITDA by channel"), one_stray_word(("a", "b"), model, "")
        (False, False)
    """
    if len(words) != 1 or "_" in words[0] or _has_field_named(model, words[0]):
        return False
    if words[0].lower() in vocabulary_words(model) or MEASURING_WORDS.fullmatch(words[0].lower()):
        return False  # a word the model or the rules know, left unplaced: it means something here
    capitals = re.escape(words[0].upper())
    return not (words[0].isascii() and re.search(rf"(?<![A-Za-z]){capitals}(?![A-Za-z])", question))


def _has_field_named(model: SemanticModel, name: str) -> bool:
    try:
        model.field(name)
    except KeyError:
        return False
    return True
