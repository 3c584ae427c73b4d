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
    >>> route_question("List the customers in Chengdu whose first order was cancelled", model, "sqlite",
    ...                today).path
    'sql'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.compile import CompiledQuery, compile_query
from nl2sql.semantic.data_words import (
    FUNCTION_WORDS,
    MEASURING_WORDS,
    about_other_things,
    data_words,
    is_data_word,
    name_words,
    names_values,
    one_stray_word,
    stem,
)
from nl2sql.semantic.day_words import unread_holiday
from nl2sql.semantic.describe import describe_query
from nl2sql.semantic.grouping_words import missing_grouping, no_such_grouping
from nl2sql.semantic.listing import compile_listing
from nl2sql.semantic.mapper import Mapping, map_question
from nl2sql.semantic.measured import Measured, fused_with, measured, one_slip
from nl2sql.semantic.model import Metric, SemanticModel
from nl2sql.semantic.query import SemanticQuery, SemanticQueryError
from nl2sql.semantic.requests import asks_opinion, is_command
from nl2sql.semantic.timerange import TimeRangeError, resolve
from nl2sql.semantic.verified import find_verified

ALTERNATIVE_METRICS = 3
"""How many other readings a question without a metric offers."""
OUTSIDE = re.compile(
    r"\bcompetitors?\b|\bcompetition's\b|\bmarket share\b|\bshare of (?:the )?market\b|\brivals?\b"
    r"|竞争对手|竞品|友商|对手|市场份额|市场占有率|市占率"
)
"""Other companies and the market: a company's own database never holds them."""
PROFIT_LEVELS_ZH = re.compile(r"(?:净|纯|税后|税前|营业|经营)利(?:润率|润|率)?")
"""Chinese profits past the gross one ("净利润", "税后利润", "营业利润"): read as the model's 利润 they
would be another figure; only a model that names them answers them."""
FUTURE = re.compile(
    r"\bnext (?:day|week|month|quarter|year)\b|\btomorrow\b|\bforecast|\bpredict|\bproject(?:ed|ion)\b"
    r"|\bwill\b[^?]*\bbe\b|明天|明年|下周|下个?月|下个?季度|预测|预计|将会"
    r"|\b(?:what|how much|how many|which)\s+(?:[a-z]+\s+)?will\b|\b(?:going to|gonna)\s+(?:be|hit|reach"
    r"|make|sell|grow|end|close|look|come)\b"
)
"""What is yet to happen: "next quarter", "what will revenue look like", "are we going to hit 1M"."""


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
    if FUTURE.search(question.lower()) or _after_the_data(query, today):
        return Route("refused", message=_future(today, lang), mapping=mapping)
    if OUTSIDE.search(question.lower()):
        return Route("refused", message=_outside(lang), mapping=mapping)
    level = PROFIT_LEVELS_ZH.search(question)
    if level and level.group() not in data_words(model):  # "净利润": no gross profit
        return Route("refused", message=_unknown((level.group(),), model, lang), mapping=mapping)
    windows = (
        query.time_range,
        *(str(f.values[0]) for f in query.filters if f.op == "during" and f.values),
        *(r.time_range for r in query.related),
    )
    if holiday := unread_holiday(question, windows):  # "2025年春节的营收": its days are not guessed
        return Route("refused", message=_holiday_dates(holiday, lang), mapping=mapping)
    if asks_opinion(question):
        return Route("refused", message=_opinion(lang), mapping=mapping)
    if model.vocabulary_complete and is_command(question, _lacking(mapping, model)):
        return Route("refused", message=_action(lang), mapping=mapping)
    # a breakdown by what the data lacks, read as the plain total, would be one misleading number
    grouping = model.vocabulary_complete and missing_grouping(question, mapping.unexplained, model)
    if grouping:
        return Route("refused", message=no_such_grouping(grouping, model, lang), mapping=mapping)
    thing = _measured(question, mapping, model)
    if thing is not None and not thing.known:
        return Route("refused", message=_unknown(thing.unknown, model, lang), mapping=mapping)
    names_nothing = not mapping.matches and (mapping.defaulted_metric or query.intent != "metric")
    # naming some of the data ("sales" team) is enough, unless the vocabulary is known complete
    other_things = (
        (names_nothing or model.vocabulary_complete)
        and thing is None
        and not _plain_metric(question, mapping, model)
    ) and about_other_things(
        mapping.unexplained,
        model,
        least=1 if names_nothing else 2,
        question=question if model.vocabulary_complete else "",
    )
    if other_things and not names_values(question):
        return Route("refused", message=_unknown(mapping.unexplained, model, lang), mapping=mapping)
    unmeasured = () if thing is not None else _unmeasured(question, mapping, model)
    if unmeasured:
        return Route("refused", message=_unknown(unmeasured, model, lang), mapping=mapping)
    if query.intent != "metric" and not (query.intent == "detail" and query.subject):
        return Route("sql", message=_unchecked(lang), mapping=mapping)
    reading = _reading(query, model, dialect, today, lang)
    if reading is None:
        return Route("sql", message=_unchecked(lang), mapping=mapping)
    # a curated model only: on one bootstrapped from a schema, a word it lacks may be what matters
    stray = query.intent == "metric" and model.vocabulary_complete and not mapping.unranked
    if stray and one_stray_word(mapping.unexplained, model, question):
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


def _holiday_dates(holiday: str, lang: str) -> str:
    if lang == "zh":
        return (
            f"无法确定“{holiday}”指哪些日期（农历节日、活动档期，或一段时间的一部分）："
            "请给出具体日期，例如“2026-02-17 至 2026-02-23”。"
        )
    return (
        f"which days “{holiday}” means is not clear (a lunar holiday, a campaign season, or part of a longer"
        " window): name the dates, e.g. “2026-02-17 to 2026-02-23”"
    )


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
    if not AMOUNT.search(question.lower()) or names_values(question):
        return ()
    known = data_words(model)
    return tuple(word for word in mapping.unexplained if not is_data_word(word, known))


def _measured(question: str, mapping: Mapping, model: SemanticModel) -> Measured | None:
    """What the question asks a figure of, on a curated model (:mod:`nl2sql.semantic.measured`): on one
    bootstrapped from a schema, a word it lacks may still be a column's."""
    if not model.vocabulary_complete or _quotes(question):
        return None
    known, names = data_words(model), name_words(model)

    def names_data(word: str) -> bool:
        if _CJK.search(word):
            return is_data_word(word, known)
        root = stem(word.removesuffix("'s"))
        return root in names or any(one_slip(root, name) for name in names)

    def mentioned(word: str) -> bool:
        how = word in FUNCTION_WORDS or MEASURING_WORDS.fullmatch(word) is not None
        return how or names_data(word) or is_data_word(word.removesuffix("'s"), known)

    return measured(question, mapping.unexplained, names_data, mentions=mentioned, data_words=known)


def _lacking(mapping: Mapping, model: SemanticModel) -> Callable[[str], bool]:
    """Whether a word is one the rules left unplaced and that names nothing of the data."""
    names = name_words(model)
    left = {word.lower() for word in mapping.unexplained}
    return lambda word: word in left and stem(word) not in names and word not in FUNCTION_WORDS


def _after_the_data(query: SemanticQuery, today: date) -> bool:
    """Whether the window asked begins after ``today``, the last day of the data ("revenue in 2027")."""
    try:
        window = resolve(query.time_range, today)
    except TimeRangeError:
        return False
    return window is not None and window.start > today


def _opinion(lang: str) -> str:
    if lang == "zh":
        return "ChatBI 根据数据回答，不提供看法或建议；可以问想看的数字"
    return "ChatBI answers from the data and gives no opinions or advice: ask for the figures"


def _plain_metric(question: str, mapping: Mapping, model: SemanticModel) -> bool:
    """Whether the question names a metric it read (not one assumed) with no word the data lacks fused
    to it: "revenue only" is revenue, "sales *rep*" and "*net* profit" are other things."""
    if mapping.defaulted_metric or not any(m.kind == "metric" for m in mapping.matches):
        return False
    known = data_words(model)
    lacking = {w.lower() for w in mapping.unexplained if not is_data_word(w, known)}
    text = question.lower()
    for match in mapping.matches:
        if match.kind != "metric" or not isinstance(match.target, Metric):
            continue
        for name in (match.target.name.replace("_", " "), *match.target.synonyms):
            if fused_with(text, name.lower(), lacking) is False:
                return True
    return False


def _quotes(question: str) -> bool:
    return bool(re.search(r"['\"“‘][^'\"”’]+['\"”’]", question))


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
