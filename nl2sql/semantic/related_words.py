"""Read conditions on related rows from a question's words: "customers who *never ordered*", "customers
with *no orders in the last 90 days*", "从未下单的客户", "orders that *include an accessory*",
"配件的*搭售率*", and named conditions made of them ("churned customers", "流失客户").

Two steps, because what is counted is known only after the rest of the question is read:

* :func:`read_related` finds the phrases: a cue ("never", "without", "no", "没有", "从未" for rows that
  are absent; "include", "containing", "with a", "包含", "买了" for rows that are present), then what
  is looked for: an activity ("ordered", "sold", "下单", "购买": the rows of the orders table) or a
  table ("orders", "returns", "退货"), and the values right after a presence cue ("a phone"). A window
  beside the phrase ("in the last 90 days", "最近三个月") is the related rows' window, not the
  question's. A metric named by its attach rate ("搭售率") takes the values the metric's table cannot
  reach (a category) as the items looked for.
* :func:`with_related` puts them into the semantic query once its metric (or listed table) is known:
  the related table is the nearest one that reaches both that table and what is looked for (order
  items for "products that never sold"); a named condition made of related rows ("churned") is written
  out with the question's window; with a presence condition and a share cue ("share of", "比例") the
  query is an attach rate.

Example:
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.mapper import map_question
    >>> query = map_question("how many customers have no orders in the last 90 days",
    ...                      demo_semantic_model()).query
    >>> query.metrics, query.time_range, query.related
    (('customer_count',), 'all', (Related(table='orders', present=False, time_range='last_90_days', \
before=False, filters=()),))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from nl2sql.semantic.model import Field, Metric, SemanticModel
from nl2sql.semantic.paths import UnreachableTableError, join_path, reachable
from nl2sql.semantic.query import Filter, Related, SemanticQuery
from nl2sql.semantic.time_words import TimeReading, read_time

ABSENT = re.compile(
    r"\b(?:never|without|with no|with zero|no|not|haven't|hasn't|didn't|don't|doesn't|have not|has not"
    r"|did not|do not|does not)\b"
    r"|从未|从没有?|从来没有?|从来不|一直没有?|再也?没有?|还没有?|都没有?|没有|没|未曾|未|不曾"
)
"""Words that say the rows looked for are absent."""
PRESENT = re.compile(
    r"\b(?:also\s+)?(?:includ(?:e|es|ed|ing)|contain(?:s|ed|ing)?|with (?:a|an|at least one|some))\b"
    r"|\balso (?:had|has|have|bought|purchased)\b"
    r"|包含了?|含有|含|带有|带了|同时(?:购买|买)了?|也买了|还买了"
)
"""Words that say the rows looked for are there ("orders that include an accessory")."""
PRESENT_VERBS = re.compile(
    r"\b(?:had|has|have|bought|purchased)\b"
    r"(?!\s+(?:the\s+)?(?:most|least|fewest|more|fewer|highest|lowest|biggest|largest|smallest|best|worst)\b)"
    r"|买过|买了|购买了|购买过"
)
"""Plainer words for the same, read so only when no metric is named ("customers who bought a laptop",
"买了手机的订单"): "which region *has* the highest laptop sales" sums laptop sales, "which region *has the
most* Enterprise customers" counts them."""
FILLER = re.compile(
    r"(?:\s+(?:any|a|an|ever|yet|placed|made|had|been|single|one|even)\b|\s|[过了任何一笔单个都再也还])*"
)
"""What may stand between a cue and the activity ("never *placed an* order", "没有*下过*单")."""
ACTIVITY = re.compile(
    r"(?:(?:placed|place|made|make)\s+(?:an?\s+|any\s+)?orders?|ordered|order(?:s|ing)?|bought|buy(?:ing)?"
    r"|purchased?|purchas(?:es|ing)|sold|sell(?:s|ing)?)(?![a-z])"
    r"|下过订单|下过单|下单|下订单|订购|购买过?|买过|买|消费过?|成交|卖出去|卖掉|卖出过?|卖过|售出过?|销售过|被购买|被买"
)
"""Verbs of the rows of the orders table ("ordered", "sold", "下单")."""
WINDOW_AFTER = re.compile(
    r"\s*(?:(?:anything|any|a thing|from us|with us|at all)\s+)*"
    r"(?:in|during|over|within|for|since|from|at all)?\s*(?:the\s+)?"
)
WINDOW_BEFORE = re.compile(r"\s*[内里中都也就一直以来]*\s*")
"""What may stand between the phrase and its window: "no orders *in the* last 90 days", "not bought
*anything in the* last 90 days", "三个月*内*没有"."""
LEAD_IN = re.compile(
    r"^\s*(?:,|but|and|yet|however|但是?|却|而|，)?\s*(?:have|has|had|who|that)?\s*(?:了|就|却|但是?|[一笔单个]+)*\s*$"
)
"""Between a date said of the counted rows and the cue: "signed up *but* never ordered"."""
EVEN_ONE = re.compile(r"(?:一[件笔单个次]|[都也还])+$")
"""Before a Chinese cue, "not even one": "一件*都*没卖出去"."""
BEFORE_CUE = re.compile(r"\s*[都也还过]*\s*")
"""Between a table named before its cue and the cue: "一笔订单*都*没有"."""
SHARE_WORDS = re.compile(
    r"\b(?:share|percent(?:age)?|proportion|fraction|ratio|rate)\b|%|比例|占比|比重|百分之|百分比|几成|多大比例"
)
"""Words that ask for a share once rows are looked for: "what % of orders containing a phone…"."""
VALUE_REACH = 40
"""How far after a presence cue a value may stand to be what the related rows match ("include an
Accessories item")."""


@dataclass
class RelatedPhrase:
    """One condition on related rows as read, before what is counted is known."""

    present: bool
    activity: str | None
    """The table the cue names or whose verb it is (``orders``); None when only values say it."""
    spans: list[tuple[int, int]]
    values: list[Any] = field(default_factory=list)
    """The mapper's value matches the related rows must match."""
    time_range: str = "all"
    time_span: tuple[int, int] | None = None
    attach: Metric | None = None
    """The metric whose attach rate the question names ("搭售率"), for that reading."""


def read_related(
    text: str, time: TimeReading, matches: list[Any], model: SemanticModel
) -> list[RelatedPhrase]:
    """The conditions on related rows in ``text`` (lower case, as the mapper reads it), in order. The
    matches they use (the activity's table, the values looked for) are marked ``related`` so that the
    rest of the reading leaves them be; a window they take is in ``time_span``."""
    orders = _activity_table(model)
    phrases: list[RelatedPhrase] = []
    for cue in ABSENT.finditer(text):
        phrase = _absent(text, cue, matches, model, orders)
        if phrase is not None:
            phrases.append(phrase)
    outer = _outer_guess(matches, model)
    if outer is not None:
        taken = [span for phrase in phrases for span in phrase.spans]
        found = list(PRESENT.finditer(text))
        if not any(m.kind == "metric" for m in matches):
            found += [c for c in PRESENT_VERBS.finditer(text) if not any(_overlap(c, f) for f in found)]
        found.sort(key=lambda c: c.start())
        cues = [c for c in found if not any(s <= c.start() < e for s, e in taken)]
        for number, cue in enumerate(cues):
            stop = cues[number + 1].start() if number + 1 < len(cues) else len(text)
            values = [
                m
                for m in matches
                if m.kind == "value"
                and cue.end() <= m.start < min(stop, cue.end() + VALUE_REACH)
                and not _reaches(model, outer, m.target.table)
            ]
            if values:
                for match in values:
                    match.kind = "related"
                phrases.append(RelatedPhrase(True, None, [cue.span()], values))
    for match in matches:
        attach = _attach_metric(text, match, model)
        if attach is None:
            continue
        values = [
            m for m in matches if m.kind == "value" and not _reaches(model, attach.table, m.target.table)
        ]
        for value in values:
            value.kind = "related"
        if values:
            phrases.append(RelatedPhrase(True, None, [], values, attach=attach))
    for phrase in phrases:
        _take_window(text, phrase, time)
    return phrases


def counted_share(
    text: str, phrases: list[RelatedPhrase], matches: list[Any], model: SemanticModel
) -> list[str]:
    """ "What % of *orders* include an accessory": the row count of the table a share of rows with
    related rows is asked of, when the question names no metric."""
    if not phrases or not SHARE_WORDS.search(text):
        return []
    for match in matches:
        if match.kind == "table":
            table = model.table(str(match.target))
            for metric in table.metrics:
                if metric.expr.replace(" ", "").upper() == "COUNT(*)" and not metric.filter:
                    match.kind = "counted"
                    return [metric.name]
            return []
    return []


def with_related(
    query: SemanticQuery, phrases: list[RelatedPhrase], text: str, model: SemanticModel
) -> tuple[SemanticQuery, list[tuple[int, int]]]:
    """``query`` with the conditions of ``phrases`` on the rows of its metric's table (or the listed
    table), and any named condition made of related rows written out with the question's window; and
    the words that ask for a share of such rows ("有多少比例"). ``query`` is unchanged when a related
    table cannot be found for a phrase (the reading then still leaves the phrase's words unexplained)."""
    query = _with_related(query, phrases, text, model)
    if not (query.share and query.related):
        return query, []
    return query, [found.span() for found in SHARE_WORDS.finditer(text)]


def _with_related(
    query: SemanticQuery, phrases: list[RelatedPhrase], text: str, model: SemanticModel
) -> SemanticQuery:
    outer = query.subject or (_metric_table(model, query.metrics[0]) if query.metrics else None)
    related: list[Related] = []
    attach = next((p.attach for p in phrases if p.attach is not None), None)
    if attach is not None and query.intent == "metric":
        query = replace(query, metrics=tuple(dict.fromkeys([attach.name, *query.metrics])))
        outer = attach.table
    for phrase in phrases:
        if outer is None:
            return query
        found = _condition(phrase, outer, model)
        if found is None:
            return query
        related.append(found)
    named = []
    time_range = query.time_range
    for name in query.named_filters:
        item = model.named_filter(name)
        # "revenue from churned customers": the orders summed cannot be looked for among themselves, so
        # the condition stays on the customers, in its own window, and the question's window on the sum
        if not item.related or any(outer and r.table.lower() == outer.lower() for r in item.related):
            named.append(name)
            continue
        window = query.time_range if query.time_range != "all" else item.default_range or "all"
        time_range = "all"  # "churned customers this year": the window is on their orders
        related += [r if r.time_range == "all" else replace(r, time_range=window) for r in item.related]
    if not related:
        return query
    if query.intent == "detail" and not query.fields:  # "churned customers": the customers are listed
        tables = {model.named_filter(n).table for n in query.named_filters if model.named_filter(n).related}
        if len(tables) == 1 and query.subject and query.subject not in tables:
            query = replace(query, subject=tables.pop())
    share = query.share
    if query.intent == "metric" and any(r.present for r in related):
        share = share or attach is not None or bool(SHARE_WORDS.search(text))
    return replace(
        query,
        related=(*query.related, *related),
        named_filters=tuple(named),
        time_range=time_range,
        share=share and query.intent == "metric",
        ratio=False if share else query.ratio,
    )


def ever_bought(
    model: SemanticModel, metrics: list[str], counted: list[str], windowed: list[Field], time_range: str
) -> tuple[list[str], RelatedPhrase] | None:
    """ "How many of the customers who signed up this year have ordered", "今年新注册的客户里有多少下过单":
    a count of buyers (a metric with a default window, put for a row count and a buying verb) whose
    rows' own date took the question's window is a count of those rows with any order at all, not of
    buyers over the default window. The row count, and the condition; None for any other question.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> signup = model.field("signup_date")
        >>> found = ever_bought(model, ["active_customers"], ["customer_count"], [signup], "all")
        >>> found[0], found[1].present, found[1].activity
        (['customer_count'], True, 'orders')
        >>> ever_bought(model, ["active_customers"], ["customer_count"], [signup], "last_year") is None
        True
    """
    orders = _activity_table(model)
    if time_range != "all" or len(metrics) != 1 or len(counted) != 1 or orders is None:
        return None
    buyers, rows = _metric_table(model, metrics[0]), _metric_table(model, counted[0])
    if metrics[0] == counted[0] or rows is None or not model.metric(metrics[0]).default_range:
        return None
    if buyers != orders or not any(f.table.lower() == rows.lower() for f in windowed):
        return None
    return [counted[0]], RelatedPhrase(True, orders, [])


def phrase_spans(phrases: list[RelatedPhrase]) -> list[tuple[int, int]]:
    """Every span of text the phrases account for (cues, activities, windows)."""
    spans = [span for phrase in phrases for span in phrase.spans]
    return spans + [phrase.time_span for phrase in phrases if phrase.time_span]


def _absent(text: str, cue: re.Match, matches: list[Any], model: SemanticModel, orders: str | None):
    """The absence phrase starting at ``cue``: the activity or table right after it."""
    rest = text[cue.end() :]
    filler = FILLER.match(rest)
    gap = filler.end() if filler else 0
    start = cue.end() + gap
    table_match = next(
        (m for m in matches if m.kind in ("table", "counted") and cue.end() <= m.start <= start + 1), None
    )
    activity = ACTIVITY.match(text, start) or ACTIVITY.match(text, cue.end())
    remade: list[tuple[int, int]] = []  # metric names the activity cut into, read again
    if table_match is not None and (activity is None or table_match.start <= activity.start()):
        table_match.kind = "related"
        end, table = table_match.end, str(table_match.target)
    elif activity is not None and orders is not None:
        end, table = activity.end(), orders
        for m in matches:  # "没有下过订单": the orders the verb names are the same rows
            if m.kind in ("table", "counted") and activity.start() <= m.start and m.end <= activity.end():
                m.kind, end = "related", max(end, m.end)
            elif m.kind == "metric" and m.start < activity.end() and activity.start() < m.end:
                # "没有下单的客户": 下单的客户 (customers who ordered) is no metric here
                _rest_as_table(text, m, activity.end(), model, matches)
                remade.append((m.start, m.end))
    else:
        ahead = [  # "一笔订单都没有": the table is named before the cue
            m
            for m in matches
            if m.kind in ("table", "counted")
            and m.end <= cue.start()
            and BEFORE_CUE.fullmatch(text[m.end : cue.start()])
        ]
        if not ahead:
            return None
        ahead[-1].kind = "related"
        spans = [(ahead[-1].start, cue.end())]
        _lead_in(text, ahead[-1].start, matches, spans)
        return RelatedPhrase(False, str(ahead[-1].target), spans)
    lead = EVEN_ONE.search(text[: cue.start()])  # "一件都没卖出去": none at all
    spans = [(lead.start() if lead else cue.start(), end), *remade]
    _lead_in(text, spans[0][0], matches, spans)
    values = [
        m
        for m in matches
        if m.kind == "value" and end <= m.start < end + VALUE_REACH // 2 and m.target.table != table
    ]
    outer = _outer_guess(matches, model)
    values = [v for v in values if outer is not None and not _reaches(model, outer, v.target.table)]
    for value in values:  # "customers who never bought a phone"
        value.kind = "related"
    return RelatedPhrase(False, table, spans, values)


def _rest_as_table(text: str, match: Any, start: int, model: SemanticModel, matches: list[Any]) -> None:
    """Make a metric's match that an activity cuts into ("下单的客户" in "没有下单的客户") the match of the
    metric or table named in what is left of it (客户数: the customer count; 客户: customers), or
    nothing when none is named there; a word or two after it may finish the name (下单的客户*数*)."""
    after = min([m.start for m in matches if m.start >= match.end] + [match.end + 2])
    rest = text[start:after]
    names: list[tuple[str, str, Any]] = [
        (n.lower(), "table", t.name) for t in model.tables for n in (t.name, *t.synonyms)
    ]
    names += [(n.lower(), "metric", m) for m in model.metrics if m is not match.target for n in m.names]
    found = [(rest.find(n), n, kind, target) for n, kind, target in names if n and n in rest]
    if not found:
        match.kind = "related"
        return
    where, name, kind, target = max(found, key=lambda f: (len(f[1]), f[2] == "metric"))
    match.kind, match.target, match.value = kind, target, None
    match.start, match.end = start + where, start + where + len(name)


def _lead_in(text: str, start: int, matches: list[Any], spans: list[tuple[int, int]]) -> None:
    """ "signed up *but* never ordered", "注册了*但*…都没有": the date said just before the phrase only
    says the rows exist; it and the word joining it are read."""
    for match in matches:
        if not (isinstance(match.target, Field) and match.target.kind == "time_dimension"):
            continue
        if match.end <= start and LEAD_IN.match(text[match.end : start]):
            if match.kind == "column":
                match.kind = "related"
            spans.append((match.start, start))


def _take_window(text: str, phrase: RelatedPhrase, time: TimeReading) -> None:
    """Give an absence ``phrase`` the window right after it ("no orders in the last 90 days") or right
    before its cue ("最近三个月没有下单")."""
    if not phrase.spans or phrase.present:  # "orders in 2025 that contained a monitor": the orders' window
        return
    start, end = phrase.spans[0]
    for span in time.spans:
        after = span[0] >= end and WINDOW_AFTER.fullmatch(text[end : span[0]])
        before = span[1] <= start and WINDOW_BEFORE.fullmatch(text[span[1] : start])
        if after or before:
            window = read_time(text[span[0] : span[1]])
            if window.time_range != "all" and window.grain == "none" and window.comparison == "none":
                phrase.time_range, phrase.time_span = window.time_range, span
                return


def _condition(phrase: RelatedPhrase, outer: str, model: SemanticModel) -> Related | None:
    """The phrase as a condition on rows related to ``outer``: the nearest table from which ``outer``,
    the activity's table and the values' tables are all reachable without repeating rows."""
    needed = {outer} | ({phrase.activity} if phrase.activity else set())
    needed |= {m.target.table for m in phrase.values}
    best: tuple[int, str] | None = None
    for table in model.tables:
        if table.name.lower() == outer.lower():
            continue
        try:
            steps = join_path(model, table.name, {t for t in needed if t.lower() != table.name.lower()})
        except UnreachableTableError:
            continue
        if best is None or len(steps) < best[0]:
            best = (len(steps), table.name)
    if best is None:
        return None
    by_field: dict[str, list[str]] = {}
    for match in phrase.values:
        by_field.setdefault(match.target.name, [])
        if match.value not in by_field[match.target.name]:
            by_field[match.target.name].append(match.value)
    filters = tuple(Filter(name, "=" if len(v) == 1 else "in", tuple(v)) for name, v in by_field.items())
    return Related(best[1], phrase.present, phrase.time_range, False, filters)


def _activity_table(model: SemanticModel) -> str | None:
    """The table whose rows "ordered", "sold" and "下单" are about: the one called orders (订单)."""
    for table in model.tables:
        names = {n.lower() for n in (table.name, *table.synonyms)}
        if names & {"orders", "order", "订单"}:
            return table.name
    return None


def _overlap(one: re.Match, other: re.Match) -> bool:
    return one.start() < other.end() and other.start() < one.end()


def _outer_guess(matches: list[Any], model: SemanticModel) -> str | None:
    """The table of the first metric, else of the first table, the question names (what is counted)."""
    for kind in ("metric", "table", "counted", "dimension"):
        for match in matches:
            if match.kind != kind:
                continue
            if kind == "metric":
                return match.target.table
            if kind == "dimension":
                first = model.table(match.target.table).dimensions
                if first and first[0] is match.target:  # "customers" named by their label
                    return match.target.table
                continue
            return str(match.target)
    return None


def _attach_metric(text: str, match: Any, model: SemanticModel) -> Metric | None:
    """The metric ``match`` names by its attach rate ("搭售率"), if it does."""
    if match.kind != "metric" or not isinstance(match.target, Metric) or not match.target.attach_names:
        return None
    said = text[match.start : match.end]
    names = {n.lower() for n in match.target.attach_names}
    return match.target if said in names or said.rstrip("s") in names else None


def _reaches(model: SemanticModel, home: str, table: str) -> bool:
    return table.lower() in reachable(model, home)


def _metric_table(model: SemanticModel, name: str) -> str | None:
    try:
        return model.metric(name).table
    except KeyError:
        return None
