"""Decide how a question is answered: by a verified query, through the semantic model, refused, or left
to generated SQL.

* A question close enough to a verified one is answered with the SQL a person approved for it.
* A question that asks to change data is refused, with why.
* A metric question the rules read completely is compiled from its semantic query (no model runs).
* A metric question that names no metric is compiled with the model's first metric, and the answer
  says so and offers the likeliest other readings to choose from.
* Anything else (listings, words the rules cannot place, a breakdown the model cannot join) goes to the
  generated-SQL path, labelled as such; the semantic reading, when there is one, is offered beside it.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> model, today = demo_semantic_model(), date(2026, 6, 30)
    >>> routed = route_question("2025年第三季度各渠道的销售额", model, "sqlite", today)
    >>> routed.path, routed.reading.text
    ('semantic', '销售额 按 渠道 · 2025-07-01 至 2025-09-30')
    >>> listing = route_question("List the customers in Chengdu with their segment", model, "sqlite", today)
    >>> listing.reading.text
    'list of customers with segment · city = Chengdu'
    >>> route_question("List the customers in Chengdu who never ordered", model, "sqlite", today).path
    'sql'
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from nl2sql.semantic.compile import CompiledQuery, compile_query
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.listing import compile_listing
from nl2sql.semantic.mapper import Mapping, map_question, vocabulary_words
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.model_cache import per_model
from nl2sql.semantic.query import SemanticQuery, SemanticQueryError
from nl2sql.semantic.verified import find_verified

ALTERNATIVE_METRICS = 3
"""How many other readings a question without a metric offers."""
_CJK = re.compile(r"[\u3400-\u9fff]")
OUTSIDE = re.compile(
    r"\bcompetitors?\b|\bcompetition's\b|\bmarket share\b|\bshare of (?:the )?market\b|\brivals?\b"
    r"|竞争对手|竞品|友商|对手|市场份额|市场占有率|市占率"
)
"""Other companies and the market: a company's own database never holds them."""
FUTURE = re.compile(
    r"\bnext (?:day|week|month|quarter|year)\b|\btomorrow\b|\bforecast|\bpredict|\bproject(?:ed|ion)\b"
    r"|\bwill\b[^?]*\bbe\b|明天|明年|下周|下个?月|下个?季度|预测|预计|将会"
)


ACTIONS = re.compile(
    r"^\s*(?:please\s+|can you\s+|could you\s+)?(?:schedule|remind|notify|subscribe|automate|email|e-mail)\b"
    r"|\b(?:send|email|e-mail|mail|forward|push)\b[^?]*\b(?:every|each)\s+(?:day|week|month|morning|monday"
    r"|tuesday|wednesday|thursday|friday)\b"
    r"|定时|定期(?:发|推送)|订阅|提醒我|推送给|(?:发|发送|转发)给|发到\S*邮箱"
)
"""Requests to do something (schedule a report, send it, set a reminder): ChatBI answers questions."""
AMOUNT = re.compile(
    r"\bhow (?:much|many)\b|\bwhat(?:'s| is| was| were| are) (?:our|the|my)\b|\btotal\b"
    r"|多少|几成|几个点|几[个家笔件位]"
)
"""Words that ask for a figure ("how much", "what was our", "多少"): such a question names what it
measures, and when nothing of the data is that, it is about something the data lacks."""


@dataclass(frozen=True)
class Reading:
    """One way to understand the question: its semantic query, in words, and its SQL."""

    query: SemanticQuery | None
    """None for a verified query (its SQL was approved as it is)."""
    text: str
    sql: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        query = self.query.to_dict() if self.query else None
        return {"query": query, "text": self.text, "sql": self.sql, "notes": list(self.notes)}


@dataclass
class Route:
    """How to answer: ``verified`` or ``semantic`` (run ``reading``), ``refused`` (say why) or ``sql``."""

    path: str
    reading: Reading | None = None
    alternatives: list[Reading] = field(default_factory=list)
    message: str = ""
    """Why the question is refused, or what the reader should know about the reading."""
    mapping: Mapping | None = None


def question_language(question: str) -> str:
    """``zh`` when the question has Chinese characters, else ``en``."""
    return "zh" if _CJK.search(question) else "en"


def verified_route(question: str, model: SemanticModel, *, lang: str | None = None) -> Route | None:
    """The route of the verified query of ``model`` whose question is (nearly) ``question``; None when
    none is close enough (:func:`nl2sql.semantic.verified.find_verified`).

    Example:
        >>> from nl2sql.semantic.model import VerifiedQuery
        >>> open_orders = VerifiedQuery("q", "Open orders?", "SELECT 1", "bo")
        >>> model = SemanticModel("shop", verified_queries=(open_orders,))
        >>> verified_route("open orders", model).reading.text
        'verified query: Open orders? (verified by bo)'
        >>> verified_route("closed orders", model) is None
        True
    """
    lang = lang or question_language(question)
    verified = find_verified(question, model)
    if verified is None:
        return None
    by = f"（{verified.verified_by} 审核）" if lang == "zh" and verified.verified_by else ""
    by = by or (f" (verified by {verified.verified_by})" if verified.verified_by else "")
    text = (
        f"已审核的问题：{verified.question}{by}"
        if lang == "zh"
        else f"verified query: {verified.question}{by}"
    )
    return Route("verified", Reading(None, text, verified.sql))


def route_question(
    question: str, model: SemanticModel, dialect: str, today: date, *, lang: str | None = None
) -> Route:
    """The route for ``question`` over ``model``, windows counted back from ``today``."""
    lang = lang or question_language(question)
    verified = verified_route(question, model, lang=lang)
    if verified is not None:
        return verified
    mapping = map_question(question, model, today)
    query = mapping.query
    if query.intent == "out_of_scope":
        reason = "问题要求修改数据，ChatBI 只读不写" if lang == "zh" else mapping.intent_reason
        return Route("refused", message=reason, mapping=mapping)
    if ACTIONS.search(question.lower()):
        return Route("refused", message=_action(lang), mapping=mapping)
    if FUTURE.search(question.lower()):
        return Route("refused", message=_future(today, lang), mapping=mapping)
    if OUTSIDE.search(question.lower()):
        return Route("refused", message=_outside(lang), mapping=mapping)
    names_nothing = not mapping.matches and (mapping.defaulted_metric or query.intent != "metric")
    # naming some of the data ("sales" team) is enough, unless the vocabulary is known complete
    about_other_things = (names_nothing or model.vocabulary_complete) and _about_other_things(
        mapping.unexplained,
        model,
        least=1 if names_nothing else 2,
        question=question if model.vocabulary_complete else "",
    )
    if about_other_things and not _names_values(question):
        return Route("refused", message=_unknown(mapping.unexplained, model, lang), mapping=mapping)
    unmeasured = _unmeasured(question, mapping, model)
    if unmeasured:
        return Route("refused", message=_unknown(unmeasured, model, lang), mapping=mapping)
    if query.intent != "metric" and not (query.intent == "detail" and query.subject):
        return Route("sql", message=_unchecked(lang), mapping=mapping)
    reading = _reading(query, model, dialect, today, lang)
    if reading is None:
        return Route("sql", message=_unchecked(lang), mapping=mapping)
    # a curated model only: on one bootstrapped from a schema, a word it lacks may be what matters
    stray = query.intent == "metric" and model.vocabulary_complete and not mapping.unranked
    if stray and _one_stray_word(mapping.unexplained, model, question):
        note = _read_without(mapping.unexplained[0], lang)
        if mapping.slips:
            note = f"{_read_as(mapping.slips, lang)}{'；' if lang == 'zh' else '; '}{note}"
        return Route("semantic", reading, [], note, mapping)
    if mapping.unexplained:
        words = ", ".join(mapping.unexplained)
        uncovered = (
            f"语义模型未覆盖：{words}"
            if lang == "zh"
            else f"words the semantic model does not cover: {words}"
        )
        return Route(
            "sql",
            alternatives=[replace(reading, notes=(*reading.notes, uncovered))],
            message=f"{uncovered}。{_unchecked(lang)}"
            if lang == "zh"
            else f"{uncovered}; {_unchecked(lang)}",
            mapping=mapping,
        )
    if mapping.defaulted_metric:
        others = _other_metrics(query, _likely_metrics(mapping, model), model, dialect, today, lang)
        assumed = reading.text.split(" ")[0] if lang == "zh" else query.metrics[0].replace("_", " ")
        message = (
            f"问题没有指明指标，按“{assumed}”理解；也可以选择其他理解。"
            if lang == "zh"
            else f"The question names no metric: read as {assumed}; see the other readings"
        )
        return Route("semantic", reading, others, message, mapping)
    if mapping.slips:
        return Route("semantic", reading, [], _read_as(mapping.slips, lang), mapping)
    return Route("semantic", reading, [], "", mapping)


UNKNOWN_SHARE = 0.75
"""A question is refused when at least this share of its unexplained words is no word of the data
either (no table, column, value, metric or term has them): one such word when the question names
nothing of the data, two when it does ("how many *employees* *work* in the sales *team*": "sales"
alone does not make it a revenue question)."""


def _about_other_things(
    words: tuple[str, ...], model: SemanticModel, *, least: int = 1, question: str = ""
) -> bool:
    """Whether the words left over mostly name things the data does not hold ("employees", "天气"), and
    at least ``least`` of them; or the thing the question counts ("how many *employees*", "多少*员工*")
    is one of them."""
    if not words:
        return False
    known = _data_words(model)
    joined = {_stem(a + b) for a, b in itertools.pairwise(words)}  # "high schoolers"
    if joined & known:
        return False
    unknown = [w for w in words if not _is_data_word(w, known)]
    counted = _COUNTED.search(question.lower())
    if counted and any(w in unknown for w in (counted.group(1), counted.group(2))):
        return True
    return len(unknown) >= max(least, UNKNOWN_SHARE * len(words))


_COUNTED = re.compile(r"(?:how many|number of|how much)\s+([a-z]+)|(?:多少|几个|几位)([\u3400-\u9fff]{2,})")
"""What a question counts: the word after "how many" or "多少"."""


def _is_data_word(word: str, known: frozenset[str]) -> bool:
    """Whether ``word`` names something of the data: a known word (``unit_price``: each part known), or
    a run of Chinese characters that is half made of a known word (退货记录: 退货)."""
    if not _CJK.search(word):
        parts = [part for part in word.lower().split("_") if part]
        return all(_stem(part) in known or part in FUNCTION_WORDS for part in parts)
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
    " ever yuan rmb average 平均 包含 高于 低于 超过 不到 万元 元 它们 被 记录 单号 件 单"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())
"""Words that say how, not about what: no sign of a question about things the data lacks."""


def _names_values(question: str) -> bool:
    """Whether the question quotes or capitalizes something past its first word: likely a stored value
    ("Port Chelsea", 'APG') the model does not list, so not a sign of a question about other things."""
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
def _data_words(model: SemanticModel) -> frozenset[str]:
    """Every word the model (and so the data) uses: names, column expressions, synonyms, values, terms
    (worked out once per model)."""
    texts: list[str] = []
    for table in model.tables:
        texts += [table.name, table.base_table, *table.synonyms]
        for column in table.fields:
            texts += [column.name, column.expr, *column.synonyms, *column.sample_values]
            texts += [v for value, others in column.value_synonyms for v in (value, *others)]
        for item in (*table.metrics, *table.filters):
            texts += [item.name, item.expr, *item.synonyms]
    texts += [word for term in model.terms for word in (term.name, *term.aliases, term.definition)]
    words = set()
    for text in texts:
        spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
        for word in re.findall(r"[A-Za-z]+|[\u3400-\u9fff]+", spaced):
            words.add(word if _CJK.search(word) else _stem(word.lower()))
    return frozenset(words)


def _stem(word: str) -> str:
    """Crude English singular, enough to tell "employees" is no "employee" column: drop -s, -es, -ies."""
    for suffix, replacement in (("ies", "y"), ("ses", "s"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    return word


MEASURING_WORDS = re.compile(
    r"share|percent(?:age)?|proportion|ratio|fraction|average|avg|mean|median|point|points"
    r"|平均|人均|占|占比|比例|比重|中位数"
)
"""Words that say how to measure: left unplaced, the reading measures something else."""


def _one_stray_word(words: tuple[str, ...], model: SemanticModel, question: str) -> bool:
    """Whether all the reading leaves out is one ordinary word ("pls", "drove", "走势"), not a column
    of the data the question names and the reading does not use (``signup_date``), nor a term written
    in capitals ("EBITDA": jargon the model does not define). Such a reading is
    answered, with the word named in a warning: on analysts' questions it was right about six times in
    ten, and model-written SQL for the same questions far less often; two words left out, or a column,
    and it was mostly wrong, so those still go to generated SQL."""
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


def _read_as(slips: tuple[tuple[str, str], ...], lang: str) -> str:
    """The note of a reading that took words for the model's words they are one slip away from."""
    if lang == "zh":
        return "；".join(f"“{word}”按“{read}”理解" for word, read in slips)
    return "; ".join(f"read “{word}” as “{read}”" for word, read in slips)


def _read_without(word: str, lang: str) -> str:
    """The warning of a reading that leaves one word of the question out."""
    if lang == "zh":
        return f"按语义模型理解，未计入“{word}”：请确认它不改变问题的意思（“重新生成”改由模型写 SQL）"
    return (
        f"read without “{word}”, a word the semantic model does not cover: check that it does not change"
        " the question (Regenerate has the model write SQL instead)"
    )


def _unchecked(lang: str) -> str:
    """The warning every generated-SQL answer carries on a database with a semantic model."""
    if lang == "zh":
        return "这个问题不在语义模型范围内，SQL 由模型生成：请先核对再使用这些数字。"
    return (
        "the semantic model does not cover this question, so the model wrote the SQL:"
        " check it before relying on the numbers"
    )


def _future(today: date, lang: str) -> str:
    if lang == "zh":
        return f"数据截至 {today.isoformat()}：只能回答已经发生的事，不做预测。"
    return f"the data ends on {today.isoformat()}: ChatBI answers from what happened and does not forecast"


def _outside(lang: str) -> str:
    if lang == "zh":
        return "数据只记录本公司自己的业务，没有竞争对手或整个市场的数据。"
    return "the data holds this company's own business only: nothing on competitors or the whole market"


def _unmeasured(question: str, mapping: Mapping, model: SemanticModel) -> tuple[str, ...]:
    """The words a question asks a figure of when none of the data is what it measures: it asks "how
    much" (:data:`AMOUNT`) of a curated model, no metric was read (or one was only assumed), no table is
    listed, and some word left over names nothing of the data ("上个月给经销商的*返点*一共是多少",
    "the *rent*")."""
    query = mapping.query
    if not model.vocabulary_complete:  # on a model bootstrapped from a schema, unknown words are common
        return ()
    if query.subject or (query.metrics and not mapping.defaulted_metric):
        return ()
    if not AMOUNT.search(question.lower()) or _names_values(question):
        return ()
    known = _data_words(model)
    return tuple(word for word in mapping.unexplained if not _is_data_word(word, known))


def _action(lang: str) -> str:
    if lang == "zh":
        return "ChatBI 只回答关于数据的问题，不会定时、发送或提醒；可以直接问想看的数字"
    return (
        "ChatBI answers questions about the data; it does not schedule, send or remind: ask for the figures"
    )


def _unknown(words: tuple[str, ...], model: SemanticModel, lang: str) -> str:
    """Why a question about things the data lacks is not answered, and what can be asked instead."""
    named = [m for m in model.metrics if m.synonyms][:6]
    if lang == "zh":
        known = "、".join(next((s for s in m.synonyms if _CJK.search(s)), m.name) for m in named)
        return f"数据里没有“{'、'.join(words)}”；可以问：{known}……"
    known = ", ".join(m.name.replace("_", " ") for m in named)
    return f"the data has nothing on {', '.join(words)}; ask about {known}, …"


def _reading(
    query: SemanticQuery, model: SemanticModel, dialect: str, today: date, lang: str
) -> Reading | None:
    try:
        return reading_of(query, model, dialect=dialect, today=today, lang=lang)
    except SemanticQueryError:
        return None


def reading_of(
    query: SemanticQuery, model: SemanticModel, *, dialect: str, today: date, lang: str = "en"
) -> Reading:
    """``query`` compiled (a listing or a metric query) and put in words: what an answer on the
    semantic path runs and shows, also after the user changed its interpretation.

    Raises:
        SemanticQueryError: the query names what the model lacks, or asks what cannot be compiled.

    Example:
        >>> from datetime import date
        >>> from nl2sql.semantic.load import parse_model
        >>> model = parse_model("{name: shop, tables: [{name: orders, base_table: {table: orders},"
        ...     " facts: [{name: amount, expr: amount}], metrics: [{name: revenue, expr: SUM(amount)}]}]}")
        >>> reading = reading_of(SemanticQuery(metrics=("revenue",)), model, dialect="sqlite",
        ...                      today=date(2026, 6, 30))
        >>> reading.text, reading.sql
        ('revenue', 'SELECT SUM(orders.amount) AS revenue FROM orders AS orders')
    """
    if query.intent == "detail":
        compiled: CompiledQuery = compile_listing(query, model, dialect=dialect, today=today, lang=lang)
    else:
        compiled = compile_query(query, model, dialect=dialect, today=today, lang=lang)
    return Reading(query, describe_query(query, model, today, lang=lang), compiled.sql, compiled.notes)


def _likely_metrics(mapping: Mapping, model: SemanticModel) -> list[str]:
    """Metrics about what the question does name ("customers" → customer counts), then the model's first."""
    words = [str(m.target).lower() for m in mapping.matches if m.kind == "table"]
    words += [
        s.lower() for m in mapping.matches if m.kind == "table" for s in model.table(str(m.target)).synonyms
    ]
    related = [
        metric.name
        for metric in model.metrics
        if metric.synonyms
        and (metric.table.lower() in words or any(w in s.lower() for w in words for s in metric.synonyms))
    ]
    return list(dict.fromkeys([*related, *(m.name for m in model.metrics if m.synonyms)]))


def _other_metrics(
    query: SemanticQuery, names: list[str], model: SemanticModel, dialect: str, today: date, lang: str
) -> list[Reading]:
    readings = []
    for name in names:
        if name in query.metrics or len(readings) >= ALTERNATIVE_METRICS:
            continue
        other = replace(query, metrics=(name,))
        if other.ranking.by:
            other = replace(other, ranking=replace(other.ranking, by=f"{name}_change_pct"))
        reading = _reading(other, model, dialect, today, lang)
        if reading:
            readings.append(reading)
    return readings
