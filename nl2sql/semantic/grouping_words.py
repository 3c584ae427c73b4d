"""A breakdown by something the data does not hold: "revenue by *salesperson*", "各*销售员*的营收".

Read as the plain total, such a question gets one number where it asked for a breakdown, so the
router refuses it and names the groupings the model does have. The thing grouped by is the word
right after a grouping cue ("by", "per", "for each", "each", "按", "各", "每个", "分") that the rules
left unplaced and that is no word of the data (:func:`nl2sql.semantic.data_words.is_data_word`):
groupings the model has, time grains and values are placed by the rules, and "by" in other senses
("by 2025", "sorted by", "by far") is passed over.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model = demo_semantic_model()
    >>> missing_grouping("revenue by salesperson this year", ("salesperson",), model)
    'salesperson'
    >>> missing_grouping("revenue by channel pls", ("pls",), model) is None
    True
"""

from __future__ import annotations

import re

from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.data_words import data_words, is_data_word, stem
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.model_cache import per_model

_CUE_EN = re.compile(
    r"(?i)(?<![a-z])(?:(sort|sorted|sorting|rank|ranked|ranking|order|ordered|ordering|grouped|group|broken"
    r"|break|split)\s+)?(?:by|per|for each|for every|each|every)\s+(?:the\s+|our\s+|a\s+|an\s+|their\s+)?"
    r"([a-z][a-z'-]*)(?:\s+([a-z][a-z'-]*))?"
)
"""A grouping cue and the (at most two) words after it; a sorting verb before it is captured to tell
"sorted by" from a breakdown."""
_SORTING_TEXT = "sort sorted sorting rank ranked ranking order ordered ordering"
_SORTING = frozenset(_SORTING_TEXT.split())
_OTHER_SENSES_TEXT = (
    "far much how then now end way hand default chance mistake contrast comparison itself themselves"
    " cent capita se annum head"
)
_NOT_A_GROUPING = frozenset(_OTHER_SENSES_TEXT.split())
"""Words after "by" or "per" in its other senses: "by far", "by how much", "per cent", "per capita"."""
_CUE_ZH = r"(?:按照|按|各个|各|每个|每位|每家|每一个|(?<![\u3400-\u9fff])分)"
"""Chinese grouping cues; "分" only where it starts a phrase (分渠道), not inside 部分 or 分析."""
_PART = r"(?:(?![年季月周天日])[\u3400-\u9fff])"
"""A character read as part of another word before the thing grouped by (部 of 部门), not a time grain:
"每个月新签" groups by month."""
GROUPINGS_SHOWN = 6
"""How many of the model's groupings a refusal names."""


def missing_grouping(question: str, unexplained: tuple[str, ...], model: SemanticModel) -> str | None:
    """The thing ``question`` breaks its figures down by when that is one of the ``unexplained`` words
    and no word of the data ("salesperson", "sales rep", "销售员"); None when there is none.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> missing_grouping("revenue for each sales rep", ("rep",), model)
        'sales rep'
        >>> missing_grouping("各销售员今年的营收", ("销售员",), model)
        '销售员'
        >>> missing_grouping("customers sorted by number of returns", ("sorted",), model) is None
        True
    """
    known = data_words(model)
    for word in unexplained:  # "各部门": 部 may have been read as part of another word, 门 of 门店
        found = _CJK.search(word) and re.search(f"{_CUE_ZH}({_PART}?{re.escape(word)})", question)
        if found and not is_data_word(found.group(1), known):
            return found.group(1)
    lacking = {word.lower() for word in unexplained if not is_data_word(word, known)}
    for cue in _CUE_EN.finditer(question):
        cue_words = question[cue.start() : cue.start(2)].split()
        if cue.group(2)[0].isupper() and any(word[0].islower() for word in cue_words):
            continue  # "orders per Acme account": a value the model does not list (not "Revenue By Rep")
        verb, first, second = (part.lower() if part else part for part in cue.groups())
        if (verb and verb in _SORTING) or first in _NOT_A_GROUPING:
            continue
        if first in lacking:
            return first
        # "sales rep": a word of the data that is no grouping, then one the data lacks ("by channel pls")
        if second in lacking and is_data_word(first, known) and stem(first) not in _grouping_words(model):
            return f"{first} {second}"
    return None


@per_model
def _grouping_words(model: SemanticModel) -> frozenset[str]:
    """The one-word names and synonyms of the model's dimensions ("channel", "sector")."""
    names = [
        name.replace("_", " ")
        for table in model.tables
        for dimension in (*table.dimensions, *table.time_dimensions)
        for name in (dimension.name, *dimension.synonyms)
    ]
    return frozenset(stem(name.lower()) for name in names if " " not in name)


def groupings(model: SemanticModel, lang: str = "en") -> list[str]:
    """A few groupings the model has, in words: the enumerated dimensions of the tables other tables
    join to, those that join to fewer first (a region, a channel, then a customer's segment), then
    those of the rest.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> groupings(demo_semantic_model())[:3], groupings(demo_semantic_model(), "zh")[:3]
        (['region', 'channel', 'channel type'], ['地区', '渠道', '渠道类型'])
    """
    joined = {relationship.right_table for relationship in model.relationships}
    leaving = [relationship.left_table for relationship in model.relationships]
    tables = sorted(model.tables, key=lambda table: (table.name not in joined, leaving.count(table.name)))
    names = []
    for table in tables:
        for dimension in table.dimensions:
            if not dimension.is_enum:
                continue
            chinese = next((s for s in dimension.synonyms if _CJK.search(s)), dimension.name)
            names.append(chinese if lang == "zh" else dimension.name.replace("_", " "))
    return list(dict.fromkeys(names))[:GROUPINGS_SHOWN]


def no_such_grouping(word: str, model: SemanticModel, lang: str) -> str:
    """Why a breakdown by ``word`` is refused, and which groupings can be asked instead.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> no_such_grouping("warehouse", demo_semantic_model(), "en")[:62]
        'the data has no warehouse to break the figures down by; it has'
    """
    if lang == "zh":
        return f"数据里没有“{word}”，无法按它拆分；可以按{'、'.join(groupings(model, 'zh'))}等拆分"
    return f"the data has no {word} to break the figures down by; it has {', '.join(groupings(model))}, …"
