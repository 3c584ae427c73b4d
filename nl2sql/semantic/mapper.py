"""The rule mapper: fill a semantic query from the question's own words, before any model runs.

It reads time (:mod:`nl2sql.semantic.time_words`), then matches the semantic model's vocabulary,
longest phrase first: metrics, named filters, dimension values (stored values and their synonyms, in
English and Chinese) and dimension names. Cue words decide the rest: "by / per / each / 按 / 各 / 每个"
group by the dimension they name, "top 5 / highest / 最高 / 前5名" rank, "in each / 每个…中" ranks
within a group, "how many / 多少" counts a table's rows, "list / 列出 / 明细" asks for a listing.

Whatever content words are left unexplained are reported: the router trusts a mapping only when
nothing meaningful is left over.

Example:
    >>> from nl2sql.semantic.load import load_model
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> mapping = map_question("Which region had the highest revenue last quarter?", demo_semantic_model())
    >>> q = mapping.query
    >>> q.metrics, q.group_by, q.time_range, (q.ranking.direction, q.ranking.n), mapping.unexplained
    (('revenue',), ('region',), 'last_quarter', ('top', 1), ())
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from nl2sql.semantic.average_words import fact_averages
from nl2sql.semantic.band_words import read_bands, read_periods
from nl2sql.semantic.bounded_groups import read_bounded_groups
from nl2sql.semantic.cjk import CJK as _CJK
from nl2sql.semantic.cohort import read_date_windows, without_spans
from nl2sql.semantic.cohort_metrics import read_cohort_metric
from nl2sql.semantic.discount_words import given_away
from nl2sql.semantic.listing_words import (
    OPERATORS,
    THRESHOLD,
    UNITS,
    asks_for_ordered_rows,
    fact_of,
    names_own_rows,
    names_row_ids,
    read_listing,
    threshold_filter,
)
from nl2sql.semantic.metric_phrases import (
    counted_nouns,
    counts_without_suffix,
    elided_metrics,
    filtered_counts,
    kind_phrases,
    name_variants,
    qualifying_counts,
)
from nl2sql.semantic.mode_words import counted_rows, most_common_span, values_only
from nl2sql.semantic.model import Field, Metric, NamedFilter, SemanticModel
from nl2sql.semantic.model_cache import per_model
from nl2sql.semantic.other_names import area_names, other_names
from nl2sql.semantic.paths import reachable
from nl2sql.semantic.per_words import read_per_row
from nl2sql.semantic.purchase_words import in_units, read_per_order, read_purchase
from nl2sql.semantic.query import Comparison, Filter, Ranking, SemanticQuery, Threshold
from nl2sql.semantic.ranking_words import (
    RANKED_PERIOD,
    ascending_order_spans,
    descending_order_spans,
    ranked_value_group,
)
from nl2sql.semantic.rate_words import asks_rate, read_rate
from nl2sql.semantic.ratio_parts import like_measure
from nl2sql.semantic.refund_words import paid_back
from nl2sql.semantic.related_words import (
    counted_share,
    ever_bought,
    phrase_spans,
    read_related,
    with_related,
)
from nl2sql.semantic.shorthand import write_out
from nl2sql.semantic.spoken_counts import spoken_counts
from nl2sql.semantic.time_words import TimeReading, chinese_number, full_years, normalize, read_time
from nl2sql.semantic.timerange import TimeRangeError, resolve

_WORD = re.compile(r"[a-z][a-z'\-]*|[\u3400-\u9fff]+|\d+(?:\.\d+)?")
"""Words: English words, runs of Chinese characters (one unknown word such as 员工 or 广告费), numbers."""

JOINED = re.compile(r"\s*(?:,|&|\band\b|\bplus\b|、|和|及|以及|与|跟)\s*(?:(?:by|each|per)\s+|各|每个)?")
"""What joins one grouping to the next ("region and channel", "地区和渠道")."""
GROUP_CUES_BEFORE = re.compile(
    r"(?:\bby|\bper|\bfor each|\bfor every|\bin each|\beach|\bevery|\bacross|\bbroken down by"
    r"|\bsplit by|\bwhich"
    r"|\bwhat|\bbetween|按|各个|各种|各类|各|每一个|每个|每一|每种|每类|每|分|不同|哪种|哪类|哪个|哪些|哪家|哪一个|哪一|哪位|哪"
    r"|\b(?:top|bottom|best|worst|highest|lowest|largest|biggest|smallest)(?:\s+\d+|[\s-]+[a-z]+)?"
    r"|\b(?:most|least)[\s-]+[a-z]+"
    r"|(?:\d+|[一二两三四五六七八九十]+)\s*(?:个|名|家|位|款|种|大)(?:的)?|\d+\s*(?:的)?"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten)|什么|啥|最好的|最差的|最高的|最多的|最大的|最低的|最少的|最小的|最不?常(?:见|用|出现)的|最少见的|前[一二两三四五六七八九十\d]+(?:名|个|位|家)?的?)"
    r"\s*(?:the\s+)?$"
)
SHARE_CUES = re.compile(
    r"\b(?:what\s+)?(?:percentage|percent|share|proportion|fraction)\s+of\b|\bwhat\s+(?:share|proportion)\b"
    r"|%\s*of\b|占比|所占比例|占的比例|的比例|比重|占了?(?:百分之多少|百分之几|多少比例|多少)|占.{0,3}百分比"
    r"|占了?(?:总|全部|所有|整体|全)?[^，,。？?]{0,10}?的?(?:比重|比例|占比|几成|多少成)|几成|多少成"
)
"""A part of a whole in percent ("what share of revenue came from online", "各品类的销售额占比")."""
RATIO_CUE = re.compile(
    r"^\s*(?:as\s+)?(?:a\s+)?(?:%|percent(?:age)?|share|proportion|fraction)\s+of\s*$"
    r"|^\s*(?:to|vs\.?|versus)\s*$|^\s*/\s*$|^\s*占了?(?:当[年季月期]|同期)?\s*$"
)
"""What stands between the two metrics of a ratio: "refunds *as a % of* revenue", "退款*占*营收…"."""
RATIO_TAIL = re.compile(
    r"^\s*(?:ratio|rate)\b|^(?:的)?(?:比例|比重|占比|百分比)|^(?:大概|大约|约)?(?:几个点|多少个点|百分之几|百分之多少|多少)"
)
"""After the second metric: the word that asks for the ratio when the words between are short ("to",
"/", "占"): "refunds to revenue ratio", "退款占营收的比例", "占营收大概几个点"."""
SEPARATELY = re.compile(r"\bseparately\b|\brespectively\b|\beach of them\b|分别|各自")
"""Two values named with "separately" ("Enterprise and SMB separately"): rank within each of them."""
EACH_CUES_BEFORE = re.compile(
    r"(?:\bin each|\bfor each|\beach|\bevery|\bper|\bwithin each"
    r"|各个|各种|各类|各|每个|每一个|每种|每类|每)\s*(?:the\s+)?$"
)
SIZED = re.compile(r"(?:biggest|largest|smallest)\s*(?:\d+\s*)?$|(?:最大|最小)的?\s*\d*\s*(?:笔|个|条)?$")
"""A size word right before a metric's name: "the 10 biggest *refunds*" are rows, not a ranking."""
ORDERS_COUNTED = re.compile(r"有?(?:多少|几)(?:单|笔)(?!价)")
"""Chinese for "how many orders" without the word 订单 ("有几单")."""
ORDERS_ASKED = re.compile(r"(?<![哪前近这那])(?:多少|几)单(?![价号据])")
"""The same said alone, as what is asked ("昨天进了多少单", "成都的客户下了几单"), not "哪几单" (which
orders), "最近几单" (the latest ones) or "多少单价"."""
EACH_PERIOD = re.compile(
    r"(?:\bin each|\bfor each|\beach|\bevery|\bper|每一个|每个|每一|每)\s*(?:the\s+)?"
    r"(?:day|week|month|quarter|year|天|日|周|星期|月|季度|季|年)"
)
"""A period named with "each" ("每个月", "in each quarter", "per quarter"): a ranking beside a grouping
restarts in it."""
CUE_REACH = 20
"""How many characters before a dimension a grouping cue may take ("least profitable category")."""
GROUP_CUES_AFTER = re.compile(r"^(?:-wise|\s*wise|\s*breakdown|\s*分布|\s*排名|\s*排行)")
TOP_WORDS = re.compile(
    r"#\s*1\b|\bno\.\s*1\b|\bnumber one\b"
    r"|\btop\b|\bhighest\b|\bmost\b|\bstrongest\b|\blargest\b|\bbiggest\b|\bbest\b|\bleading\b|\bmaximum\b|\bfastest\b"
    r"|最高|最多|最大|最好|最快|第一|排名前|前\s*\d+|前[一二两三四五六七八九十]+|top"
    r"|最常|最普遍|最频繁"  # "最常见的退货原因": the reason most returns have
)
BOTTOM_WORDS = re.compile(
    r"\bbottom\b|\blowest\b|\bleast\b|\bsmallest\b|\bfewest\b|\bworst\b|\bminimum\b|\bslowest\b"
    r"|\bweakest\b|\bpoorest\b|最低|最少|最小|最差|最慢|倒数|垫底|最不常"
)
JUDGEMENTS = re.compile(r"best|worst|strongest|weakest|poorest|最好|最差")
"""Ranking words that judge rather than measure: which end is best depends on the metric."""
_NUMBER_WORDS = r"two|three|four|five|six|seven|eight|nine|ten"
RANK_NUMBER = re.compile(
    r"(?:top|bottom|first|前|倒数|排名前)\s*(\d{1,3}|[一二两三四五六七八九十]{1,3}|\b(?:"
    + _NUMBER_WORDS
    + r")\b)"
    r"|(\d{1,3}|[一二两三四五六七八九十]{1,3}|\b(?:"
    + _NUMBER_WORDS
    + r")\b)\s*(?:个|名|家|位|款|种|大)?\s*(?:best|highest|lowest|largest|biggest|worst"
    r"|top|most|least|smallest|fewest)?\s*(?=\w)"
)
NO_NUMBER = re.compile(r"一下|一些|一点|一共|一起|一直|一样")
"""Words with 一 that count nothing ("帮我看一下…最多的3个商品" ranks 3, not 1)."""
RANKED_PERIODS = re.compile(
    r"(?:最[\u4e00-\u9fff]{1,2}的|前)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*个?(?:月|季度|周|天|年)"
    r"|(\d{1,2}|[a-z]+) (?:best|worst|highest|lowest|busiest|biggest|top)"
    r" (?:days|weeks|months|quarters|years)"
)
SINGULAR_WHICH = re.compile(r"\bwhich\b|\bwhat\b|\bwho(?:'s| is)?\b|哪个|哪一个|哪家|哪位|哪一|谁")
COUNT_CUES = re.compile(r"how many|number of|count of|#\s*of\b|多少|几个|几家|几位|几款|几种|数量")
DETAIL_CUES = re.compile(
    r"^\s*(?:list|show me|show all|show every|show the|give me the list|display|pull up|bring up)\b"
    r"|\blist (?:all|the|of)\b"
    r"|列出|列举|明细|清单|名单|有哪些"
)
AGGREGATE_CUES = re.compile(
    r"\b(?:total|sum|average|avg|mean|median|overall)\b|总共|总计|合计|一共|平均|总额|总数|均值"
)
"""Words that ask for a figure, not rows: such a question is never read as a listing."""
WRITE_CUES = re.compile(
    r"\b(?:delete|remove|insert|truncate|alter|modify|change the|set the)\b"
    # "drop" and "update" are also nouns ("the sharpest drop in revenue", "an update on sales"): a
    # command only when said first or with what they change ("drop the table", "update order 12")
    r"|^\s*(?:please\s+|pls\s+|can you\s+|could you\s+|would you\s+)?(?:drop|update)\b"
    r"|\b(?:drop|update)\s+(?:the|all|those|these|this|that|every|orders?|customers?|products?|tables?"
    r"|rows?|records?|status|prices?|\d+)\b(?!\s+(?:most|least|more|less|fastest|biggest|sharpest)\b)"
    r"|\b(?:add|create|register) (?:a|an|new|the)\b|添加|新建一个|录入"
    r"|^\s*(?:please\s+)?cancel\b(?!\s*(?:rate|ratio|%))|\bissue (?:a|the) refund"
    r"|(?:请|帮我|给我)\s*(?:把\S{0,12})?取消(?!率)"
    r"|删除|删掉|修改|更新|插入|清空|改成|改为|设为|设置为|调整为"
)
"""Requests to change data ("delete order 5", "把订单改成已完成"): ChatBI only reads."""
STOPWORDS_EN = frozenset(
    (  # noqa: SIM905 (a word list reads best as text)
        "a an the find of in on at for to from by with and or is are was were be been being do does did "
        "what which who whom whose how many much show me tell give list all each every per our we us "
        "i you it its this that these those there their them my your was were has have had any some "
        "than then as into over under between across during since until about please can could would "
        "should will shall there's what's which's get got total overall value values amount number "
        "numbers count figure figures compare compared comparing versus vs so far far percent "
        "percentage rate did do does sold placed made make happen happened were data breakdown broken "
        "down split highest lowest most least top bottom best worst largest smallest biggest fewest "
        "ranking rank ranked grew growth grow growing fastest slowest increase increased decrease "
        "decreased change changed changes difference much more less up down versus against both "
        "respectively along together with vs. like look looking see trend trends over time period "
        "periods ones one sell sold selling sells place placed bring brought generate generated "
        "contribute contributed came come coming earn earned make made right now currently current "
        "today whats hows we've our ours catalog anything everything money terms separately based they "
        "when within totals break who's who whose better worse move moved moving moves ship shipped "
        "pull bring still yuan rmb"
    ).split()
) | frozenset(
    (  # noqa: SIM905 English closed-class words (never "not", "no", "without", "except": they change sums)
        "about above after again against along already also although am among another anybody anyone "
        "anyhow anyway anywhere are aren't around because before behind below beside besides beyond "
        "but can't cannot could couldn't didn't doesn't don't down each either else enough etc even ever "
        "every everybody everyone few for from further hadn't hasn't haven't he her here hers herself him "
        "himself his how however i'd i'll i'm i've if into isn't it's itself just let's many may maybe me "
        "might mine more most mostly much must my myself near nearly next now off often once onto other "
        "others otherwise ought out over own perhaps quite rather really same several shall she should "
        "shouldn't since some somebody someone something sometimes somewhat such sure than that that's "
        "their theirs them themselves then there therefore these they they're thing things this those "
        "though through thus till too toward towards under until up upon us very via was wasn't way ways "
        "we'd we'll we're well were weren't what where whether which while who whoever whole whom why "
        "will with won't would wouldn't yet you you'd you'll you're yours yourself yourselves "
        "show shows showing tell give gives find know want wants wanted need needs needed check "
        "report reporting calculate compute provide display lookup kindly thanks thank hey hi hello "
        "quick quickly exactly roughly approximately approx actually basically overall just "
        "numbers figure figures stats statistics metric metrics kpi kpis info information details "
        "detail summary summarize summarise close closing month-end quarter-end year-end pack deck "
        "recap snapshot dashboard booked let advance away measured use using only basis"
    ).split()
)
STOP_PHRASES_ZH = re.compile(
    r"有多少单|有几单|多少单|几单|目前|现在|当前|下单|以来|一共|怎么样|怎样|咋样|分别|各自|只看|是多少|有多少|都有|一下|来了|下过|卖了|卖出|卖|(?<![每各哪])类的?"
    r"|是否|请问|帮我|给我|看看|统计|情况|数据|相比|比较|对比|百分之几|百分之多少|百分比|款|笔"
    r"|到目前为止|到现在为止|到现在|为止|截至目前|截止目前|因为|由于|贡献|查一下|查询|查|新增|高了还是低了"
    r"|来算|算|找出|找一下|钱|列一下|列一列|列个|(?<![主需重只想])要(?!求)|这里|这儿|这边|那里|那儿|那边"
    r"|进(?:来)?了?(?=(?:多少|几)单)|已经"
)
STOPWORDS_ZH = set(
    "着过把让从向就都也还又再才只很太更嘛哦被得跟同的了是在和与及或吗呢吧啊呀多少几个哪些哪个哪家哪一谁什么怎么如何请给我们你看一下列出各每个按分不同的情况分别最高最低最多最少最大最小排名前后名里中内之间相比比较对比以及还有有没有共总计合计一共总共全部所有其中各自对应分布变化增长下降趋势"
)
_CJK_STOPS = re.compile("[" + "".join(sorted(STOPWORDS_ZH)) + "]")
"""Chinese characters that carry no meaning of their own here; they split runs of unexplained characters."""
WHOLE_WORDS_ZH = re.compile("有效|无效|细分|分类")
"""Words with such a character in them that mean something: "有效订单" are valid orders, not 效订单."""


@dataclass
class Match:
    start: int
    end: int
    kind: str
    """metric, filter, value, dimension, column (a fact or date), table; after reading also counted or
    grouped (the dimension or table became a count or a grouping)."""
    target: Metric | NamedFilter | Field | str
    value: str | None = None


@dataclass
class Mapping:
    """What the rules read in a question: the semantic query, and what they could not explain."""

    query: SemanticQuery
    matches: list[Match] = field(default_factory=list)
    unexplained: tuple[str, ...] = ()
    """Content words no rule accounted for: when any is left, the reading may be incomplete."""
    intent_reason: str = ""
    defaulted_metric: bool = False
    """No metric was named; the model's first metric was assumed (a reading to confirm)."""
    unranked: tuple[str, ...] = ()
    """Of ``unexplained``: a superlative or threshold the reading leaves out ("orders above 50k")."""
    slips: tuple[tuple[str, str], ...] = ()
    """Words read as a word of the model they are one slip away from: ("custmers", "customer")."""


def map_question(question: str, model: SemanticModel, today: date | None = None) -> Mapping:
    """Fill a semantic query for ``question`` from the model's vocabulary and the rules above
    (``today`` tells how two named periods relate: "2025 than 2024" is a comparison with the year before).
    Shorthand ("rev by chnl QTD") is written out first."""
    slips: list[tuple[str, str]] = []
    question = full_years(write_out(question, vocabulary_words(model), STOPWORDS_EN, slips))  # "25年"
    text = in_units(normalize(question))  # "卖了多少台" counts units as "卖了多少件" does
    time = read_time(question)
    unrelated = _compared_periods(time, today)
    taken = list(time.spans)
    # "卖掉了几件", "退了几单": the count the model names with a noun (销售件数, 退货单数)
    spoken = [(s, e, m) for s, e, m in spoken_counts(text, model) if all(e <= a or b <= s for a, b in taken)]
    matches = _vocabulary_matches(text, model, [*taken, *((s, e) for s, e, _ in spoken)], original=question)
    matches = sorted([*matches, *(Match(s, e, "metric", m) for s, e, m in spoken)], key=lambda m: m.start)
    single = _vocabulary(model).single
    for table, start, metric in counts_without_suffix(text, matches, single):  # "取消订单" of 取消订单数
        table.start, table.kind, table.target = start, "metric", metric
    elided = elided_metrics(text, matches, single)  # "valid vs cancelled orders"
    spans = [(s, e) for s, e, _ in elided]
    matches = [m for m in matches if not (m.kind == "value" and (m.start, m.end) in spans)]
    matches = sorted([*matches, *(Match(s, e, "metric", m) for s, e, m in elided)], key=lambda m: m.start)
    averaged = fact_averages(text, matches, model)  # "the average unit cost": the mean of a fact
    matches = [m for m in matches if not any(m.start < e and s < m.end for s, e, _ in averaged)]
    matches = sorted([*matches, *(Match(s, e, "metric", m) for s, e, m in averaged)], key=lambda m: m.start)
    given = given_away(text, model)  # "how much did we give away in discounts": the discount amount
    given += paid_back(text, model)  # "how much money went back to customers": the refund amount
    matches = [m for m in matches if not any(m.start < e and s < m.end for s, e, _ in given)]
    matches = sorted([*matches, *(Match(s, e, "metric", m) for s, e, m in given)], key=lambda m: m.start)
    for value, table, metric in filtered_counts(text, matches, model):  # "有效订单和已取消订单"
        value.end, value.kind, value.target, value.value = table.end, "metric", metric, None
        matches.remove(table)
    for first, noun in counted_nouns(text, matches, model):  # "活跃客户": the customers 活跃 counts
        first.end = noun.end
        matches.remove(noun)
    for match in matches:
        taken.append((match.start, match.end))
    taken += _count_suffixes(text, matches)
    did = _did_before_counts(text, matches)  # "下单客户数": which customers count, not said by the model
    if time.time_range != "all":  # "今年的新客户数": the customers counted by their own date are new
        taken += _new_prefixes(text, matches)
    dates = [
        (m.target, m.start, m.end)
        for m in matches
        if m.kind == "column" and isinstance(m.target, Field) and m.target.kind == "time_dimension"
    ]
    date_windows = read_date_windows(text, time, dates) if dates else []
    if date_windows:  # "this year from the customers we signed up last year": two windows
        time = read_time(without_spans(question, [w.span for w in date_windows]))
        unrelated = _compared_periods(time, today)
        time.spans += [w.span for w in date_windows]
    phrases = read_related(text, time, matches, model)  # "never ordered", "include an accessory"
    moved = [p.time_span for p in phrases if p.time_span]
    if moved:  # "no orders in the last 90 days": the window is on the orders, not on what is counted
        time = read_time(without_spans(question, [*moved, *(w.span for w in date_windows)]))
        unrelated = _compared_periods(time, today)
        time.spans += [*moved, *(w.span for w in date_windows)]
    taken += phrase_spans(phrases)
    periods, period_spans = read_periods(text, matches, model)  # "revenue by customer signup year"
    if any(start < e and s < end for start, end in period_spans for s, e in time.spans):  # "注册季度"
        blank = [
            *period_spans,
            *(w.span for w in date_windows),
            *(p.time_span for p in phrases if p.time_span),
        ]
        time = read_time(without_spans(question, blank))
        unrelated = _compared_periods(time, today)
        time.spans += blank
    # "by order size band: under 1,000, …", "按订单金额区间"
    bands, band_spans = read_bands(_masked(text, time.spans), matches, model)
    taken += period_spans + band_spans
    if WRITE_CUES.search(text):
        query = SemanticQuery(intent="out_of_scope")
        return Mapping(
            query, matches, intent_reason="the question asks to change data, which ChatBI never does"
        )

    matches = _without_definitions(text, matches)
    metrics = _dedupe([m.target.name for m in matches if m.kind == "metric"])
    counted = _counted_tables(text, matches, model)
    if not metrics and not counted:  # "what % of orders include an accessory": the orders are counted
        counted = counted_share(text, phrases, matches, model)
    if not metrics and not counted:  # "what fraction of this year's orders were cancelled": a count's share
        counted = _shared_rows(_masked(text, time.spans), matches, model)
    if not metrics and counted:
        metrics = counted
    filters = _filters([m for m in matches if m.kind == "value"])
    named_filters = list({m.target.name: m.target for m in matches if m.kind == "filter"}.values())
    named, paired_groups = _paired_filters(named_filters, model)
    groups, within = _groups(_masked(text, time.spans), matches, taken, model)  # "2025 orders": no "top 5"
    joined = _joined_to_bands(text, matches, period_spans + band_spans, model)  # "… band and region"
    groups = _dedupe(groups + paired_groups + joined)
    # "哪个行业的客户增长最快": the customers are whose growth, not what grows; a count needs a cue then
    subject_only = (
        time.growth and not COUNT_CUES.search(text) and not re.search(r"\bmost\b|最多|最少|\bfewest\b", text)
    )
    # "the 5 most expensive products", "最近10笔订单", "单价最低的4款产品": rows in an order, not a count
    dateless = _masked(text, time.spans)  # "最近三个月" is a window, not "the 3 most recent"
    # ("the 10 biggest refunds": the returns with the largest refund, when the metric adds up a fact)
    sized = all(_summed_fact(model, name) for name in metrics) and any(
        m.kind == "metric" and SIZED.search(dateless[max(0, m.start - 16) : m.start]) for m in matches
    )
    ordered_rows = (
        model.vocabulary_complete and (not metrics or sized) and asks_for_ordered_rows(dateless, matches)
    )
    # "北京客户今天下的订单：订单号、客户和金额", "line items for order 45608 w/ product, qty": a row's
    # key or a row named by its key, and nothing counted or summed
    ordered_rows = ordered_rows or (
        model.vocabulary_complete
        and (_names_a_key(matches, model) or names_row_ids(text, model))
        and not COUNT_CUES.search(text)
        and not AGGREGATE_CUES.search(text)
        and time.comparison == "none"
        and not time.growth
    )
    entities = [] if ordered_rows else _counted_entities(text, matches, model, bool(metrics) or subject_only)
    metrics = _dedupe([*entities, *metrics]) if entities else metrics
    # "有几单，总金额多少": both; "昨天多少单": orders; "退了几单" names a metric of its own
    unnamed = _masked(text, [(m.start, m.end) for m in matches if m.kind == "metric"])
    asked = metrics or ORDERS_ASKED.search(unnamed)
    if asked and not ordered_rows and ORDERS_COUNTED.search(unnamed):
        counted_orders = _orders_count(model)
        said = counted_orders is None or any(
            _counts_rows_of(model, name, counted_orders) or _slips_counted(model, name, counted_orders)
            for name in metrics
        )
        if not said:  # "退货多少单": the returns are what is counted
            metrics = [counted_orders, *metrics]
    per_row = None
    if not ordered_rows and not DETAIL_CUES.search(text):  # "how much did they spend", "平均每单几件"
        metrics, spans = read_purchase(text, matches, taken, model, metrics, [*counted, *entities])
        metrics, per_order = read_per_order(text, model, metrics)
        taken += spans + per_order
        if not per_order:  # "average discount per valid order": a total per order
            per_row, metrics, groups, per_spans = read_per_row(text, model, metrics, groups)
            taken += per_spans
        qualifying = qualifying_counts(text, matches, model)  # "AOV of valid orders": one metric
        metrics = [name for name in metrics if name not in qualifying] or metrics
    for window in date_windows:
        own = bool(metrics) and all(_clock(model, name) == window.field.name for name in metrics)
        if own and time.time_range == "all":  # the date the metrics are counted by: their window
            time.time_range = window.time_range
        else:
            filters.append(Filter(window.field.name, "during", (window.time_range,)))
    cohort = read_cohort_metric(  # "revenue from new customers": the revenue of those customers
        _masked(text, time.spans), matches, model, metrics, time.time_range, time.comparison
    )
    if cohort is not None:
        metrics, unrelated = cohort.metrics, (*unrelated, *cohort.unread)
        filters += cohort.filters
    ever = ever_bought(model, metrics, counted, [w.field for w in date_windows], time.time_range)
    if ever is not None:  # "今年新注册的客户里有多少已经下过单": the cohort's customers with any order
        metrics, phrase = ever
        phrases.append(phrase)
    own = [p for p in periods if metrics and all(_clock(model, name) == p.field for name in metrics)]
    if own and time.grain == "none":  # "new customers by signup year": the metric's own date, by year
        time.grain = own[0].grain
    periods = [p for p in periods if p not in own]
    if not metrics and not ordered_rows and groups and most_common_span(text):  # "most common hometown"
        metrics = [found] if (found := counted_rows(matches, groups, model, _row_count(model))) else []
    defaulted = False
    intent = "metric"
    if ordered_rows:
        intent = "detail"
    elif not metrics and not asks_rate(text, model):  # "churn rate": its count is filled in later
        asks_for_numbers = time.growth or time.comparison != "none" or (TOP_WORDS.search(text) and groups)
        # "今年哪款笔记本卖得最好", "the best-selling monitor": the products ranked by a figure, not listed
        ranked = not groups and not periods and ranked_value_group(text, matches, model) is not None
        if DETAIL_CUES.search(text) or not (asks_for_numbers or ranked):
            intent = "detail"
        elif model.metrics:
            metrics = [model.metrics[0].name]
            defaulted = True
    elif DETAIL_CUES.search(text) and not groups and not counted and not _shows_a_figure(text, time, matches):
        intent = "detail"
    bounded = (  # "which customers spent more than 500k in Q2": each customer's revenue, bounded
        read_bounded_groups(_masked(text, time.spans), matches, model)
        if model.vocabulary_complete and time.comparison == "none" and not ordered_rows
        else None
    )
    bounded_spans: list[tuple[int, int]] = []
    if bounded is not None:
        intent, metrics = "metric", _dedupe([bounded.metric, *metrics])
        groups, bounded_spans = _dedupe([*bounded.groups, *groups]), bounded.spans
        taken += bounded.spans
    growth = time.growth and time.comparison != "none"
    names = _masked(text, [(m.start, m.end) for m in matches if m.kind in ("metric", "filter", "value")])
    sorted_down = descending_order_spans(text)  # "highest first": the breakdown's own order, no cut
    sorted_up = ascending_order_spans(text)  # "lowest first": no bottom five either, and no reading
    names = _masked(names, sorted_down + sorted_up)
    names = _masked(names, bounded_spans)  # "at least 250k" ranks nothing
    taken += sorted_down + sorted_up
    broken_down = bool(groups or periods or bands or time.grain != "none")  # rows to put in order
    ranked_value = (
        ranked_value_group(names, matches, model)  # "the best-selling monitor": rank the products
        if intent == "metric" and not (groups or periods or bands) and time.grain == "none"
        else None
    )
    if ranked_value is not None:
        groups = [ranked_value[0]]
    ranking = _ranking(
        names,  # "top line" names revenue, it ranks nothing
        _masked(text, time.spans),
        groups
        or [p.field for p in periods] + [b.field for b in bands]
        or [time.grain] * (time.grain != "none"),
        within,
        growth,
        metrics,
        singular=_ranks_one(text, matches)
        or bool(RANKED_PERIOD.search(text))
        or (ranked_value is not None and ranked_value[1]),
        lower_is_better=bool(metrics) and _lower_is_better(model, metrics[0]),
    )
    if ranking.direction != "none" and within and within not in groups:
        groups.insert(0, within)
    if ranking.direction != "none" and not ranking.within and time.within_grain != "none":
        ranking = replace(ranking, within=time.within_grain)  # "for each year, which month…"
    elif (
        ranking.direction != "none"
        and not ranking.within
        and groups
        and time.grain != "none"
        and EACH_PERIOD.search(text)
    ):
        ranking = replace(ranking, within=time.grain)  # "每个月退货最多的原因": the top reason per month
    comparison = (
        Comparison(time.comparison, time.show, time.against) if time.comparison != "none" else Comparison()
    )
    ratio = _ratio(text, matches, model) if intent == "metric" and time.comparison == "none" else None
    if ratio is not None and not ratio[0]:  # "returns as a % of revenue": which measure of returns?
        unrelated, ratio = (*unrelated, text[ratio[1][0] : ratio[1][1]]), None
    if ratio is not None:
        metrics, span = ratio
        taken.append(span)
    having: tuple[Threshold, ...] = bounded.having if bounded is not None else ()
    bound_spans: list[tuple[int, int]] = list(bounded_spans)
    if intent == "metric":  # "the cancellation rate on orders above 50k": a bound on each order
        masked = _masked(text, [*time.spans, *band_spans, *bound_spans])
        row_filters, row_spans = _row_bounds(masked, matches, model)
        filters += row_filters
        bound_spans += row_spans
        taken += row_spans
    if (
        intent == "metric"
        and time.comparison == "none"
        and (groups or bands or periods or time.grain != "none")
    ):
        found, spans = _bounds(_masked(text, [*time.spans, *bound_spans]), matches)
        having = (*having, *found)
        bound_spans += spans
        taken += spans
        metrics = _dedupe([*metrics, *(bound.metric for bound in having)])
    share = (
        _share(text, metrics, model)  # compared with another period: the share within each period
        if intent == "metric" and (time.comparison == "none" or time.grain == "none") and ratio is None
        else None
    )
    if share is not None:
        taken.append(share)
    # listings are read on curated models only: on one bootstrapped from a schema, which columns name
    # a row and which words mean which column are unreviewed guesses
    lists_rows = (
        intent == "detail"
        and model.vocabulary_complete
        and not COUNT_CUES.search(text)
        and not AGGREGATE_CUES.search(text)
        and not asks_rate(text, model)  # "流失率" is a rate, not a listing of the churned
    )
    listing = read_listing(dateless, matches, model, filters, named) if lists_rows else None
    if listing is not None:
        taken += listing.spans
        query = SemanticQuery(
            intent="detail",
            subject=listing.subject,
            fields=listing.fields,
            time_range=time.time_range,
            filters=listing.filters,
            named_filters=tuple(named),
            ranking=listing.ranking,
        )
        query, spans = with_related(query, phrases, text, model)
        taken += spans
        unexplained = (
            _unexplained(text, taken) + unrelated + did + _unused(matches, model, query, subject_only)
        )
        return Mapping(query, matches, unexplained)
    query = SemanticQuery(
        intent=intent,
        metrics=tuple(metrics) if intent == "metric" else (),
        group_by=tuple(groups) if intent == "metric" else (),
        time_grain=time.grain,
        time_range=time.time_range,
        filters=tuple(filters),
        named_filters=tuple(named),
        comparison=comparison,
        ranking=ranking if intent == "metric" else Ranking(),
        share=share is not None,
        ratio=ratio is not None,
        having=having,
        bands=tuple(bands) if intent == "metric" else (),
        periods=tuple(periods) if intent == "metric" else (),
        per=per_row if intent == "metric" else None,
        ascending=bool(sorted_up) and intent == "metric" and _shown_ascending(ranking) and broken_down,
    )
    query, spans = with_related(query, phrases, text, model)
    taken += spans
    rate = read_rate(text, model, query)  # "churn rate", "流失率": the share of a related-rows condition
    if rate is not None:
        query, span = rate
        taken.append(span)
    common = most_common_span(text) if query.ranking.direction != "none" else None
    if common is not None:  # "the most common hometown": ranked by how many rows have each
        taken.append(common)
    if not defaulted and values_only(text, query, matches, model):  # the hometown alone, not its count
        query = replace(query, ranking=replace(query.ranking, values_only=True))
    unexplained = _unexplained(text, taken) + unrelated + did + _unused(matches, model, query, subject_only)
    unexplained = _beyond_metrics(unexplained, query, model)
    unranked = _unranked(_masked(names, [*bound_spans, *band_spans]), time, query)
    if query.ranking.direction == "none" and not query.ascending:  # "从低到高" with nothing to order
        unranked += tuple(text[start:end] for start, end in sorted_up)
    return Mapping(
        query,
        matches,
        unexplained + unranked,
        defaulted_metric=defaulted,
        unranked=unranked,
        slips=tuple(slips),
    )


ASIDE = re.compile(r"\([^()]*\)|（[^（）]*）")
"""A remark in brackets: "discount rate (discount amount / list value, valid orders)"."""


def _without_definitions(text: str, matches: list[Match]) -> list[Match]:
    """``matches`` less the measures and columns a remark in brackets names to define a metric the
    question names outside it ("折扣率（折扣金额/折前金额，有效订单）" asks for the rate alone); the
    words stay read. Values in brackets still filter ("(Beijing only)")."""
    # a remark that bounds something ("只看下单客户不少于50个的城市") is a condition, not a definition
    asides = [found.span() for found in ASIDE.finditer(text) if not THRESHOLD.search(found.group())]

    def aside(match: Match) -> bool:
        return any(start < match.start and match.end < end for start, end in asides)

    if not any(m.kind == "metric" and not aside(m) for m in matches):
        return matches
    return [m for m in matches if not (aside(m) and m.kind in ("metric", "column", "table"))]


def _unranked(text: str, time: TimeReading, query: SemanticQuery) -> tuple[str, ...]:
    """A superlative the reading does not rank by ("the document with the *least* paragraphs" read as a
    plain count), or a threshold on rows no slot holds ("orders above 50k"): the reading leaves out
    what the question turns on."""
    if query.intent != "metric":
        return ()
    rest = _masked(text, time.spans)
    threshold = THRESHOLD.search(rest)
    if threshold:  # "the cancellation rate on orders above 50k": a condition no slot holds
        return (threshold.group().strip(),)
    if query.ranking.direction != "none" or time.growth:
        return ()
    rest = re.sub(r"\bmost recent\b|\bat (?:most|least)\b|\bthe most of\b", " ", rest)
    for found in (*TOP_WORDS.finditer(rest), *BOTTOM_WORDS.finditer(rest)):
        start, end = found.span()
        inside_a_word = re.match(r"[a-z]", found.group()) and (
            (start and rest[start - 1].isalpha()) or (end < len(rest) and rest[end].isalpha())
        )
        if not inside_a_word:  # "top" in "laptops" ranks nothing
            return (found.group().strip(),)
    return ()


BOUND_GAP_BEFORE = 12
BOUND_GAP_AFTER = 4
"""How close a metric's name must be to a bound to be what it bounds: "下单客户不少于50个" (just before),
"with at least 50 units sold" (just after)."""


def _bounds(text: str, matches: list[Match]) -> tuple[tuple[Threshold, ...], list[tuple[int, int]]]:
    """Bounds on a metric of each result row ("cities with at least 50 buyers"), and where they are
    said. A bound with no metric named right beside it is left out (it may bound rows, not groups:
    "orders above 50k")."""
    bounds, spans = [], []
    metrics = [m for m in matches if m.kind == "metric"]
    for found in THRESHOLD.finditer(text):
        after = [m for m in metrics if 0 <= m.start - found.end() <= BOUND_GAP_AFTER]
        before = [m for m in metrics if 0 <= found.start() - m.end <= BOUND_GAP_BEFORE]
        named = after[0] if after else (before[-1] if before else None)
        if named is None:
            continue
        number = float(found.group("number").replace(",", ""))
        number *= UNITS.get((found.group("unit") or "").lower(), 1)
        op = OPERATORS[found.group("op")]
        if found.group("inclusive"):
            op = ">=" if found.group("inclusive") == "以上" else "<="
        bounds.append(Threshold(named.target.name, op, number))
        spans.append(found.span())
    return tuple(bounds), spans


ROW_BOUND_GAP = 8
"""How far a bound on rows may stand from the table or fact it bounds ("orders worth more than 20k")."""


def _row_bounds(
    text: str, matches: list[Match], model: SemanticModel
) -> tuple[list[Filter], list[tuple[int, int]]]:
    """Bounds on the rows a metric counts: a threshold right after a table ("orders above 50k") or a
    fact ("order amount over 50k"), or right before a table ("超过5万的订单"), with no metric beside it
    (that is a bound on the metric: :func:`_bounds`). A table's bound is on its first fact (its size)."""
    filters, spans = [], []
    for found in THRESHOLD.finditer(text):
        if any(
            m.kind == "metric"
            and (0 <= m.start - found.end() <= BOUND_GAP_AFTER or 0 <= found.start() - m.end <= 2)
            for m in matches
        ):
            continue
        fact = None
        for match in matches:
            after = 0 <= found.start() - match.end <= ROW_BOUND_GAP
            before = 0 <= match.start - found.end() <= 2 and match.kind in ("table", "grouped_table")
            if not (after or before):
                continue
            if match.kind == "column" and match.target.kind == "fact":
                fact = match.target
            elif match.kind in ("table", "grouped_table") and model.table(str(match.target)).facts:
                fact = model.table(str(match.target)).facts[0]
        if fact is not None:
            filters.append(threshold_filter(found, fact))
            spans.append(found.span())
    return filters, spans


def _shown_ascending(ranking: Ranking) -> bool:
    """Whether rows asked for from the lowest up can be shown so: a breakdown, or the top few of one
    ranking (a bottom few come so anyway; ranked within groups, they come group by group)."""
    return ranking.direction == "none" or (
        ranking.direction == "top" and not ranking.within and not ranking.values_only
    )


def _ratio(text: str, matches: list[Match], model: SemanticModel) -> tuple[list[str], tuple[int, int]] | None:
    """The two metrics of a ratio, the part first, and the span of the words that ask for it: two
    metrics named one after the other with "as a % of" (or "占" … "的比例", "to" … "ratio") between.
    A table before the first metric, with nothing named before it, is the part measured like the whole
    ("returns as a % of units sold": units returned); no metrics (the span still) when the table has no
    such measure."""
    named = [m for m in matches if m.kind == "metric"]
    for part, whole in itertools.pairwise(named):
        if part.target is not whole.target and (span := _ratio_span(text, part, whole)):
            return [part.target.name, whole.target.name], span
    things = [m for m in matches if m.kind in ("metric", "table", "counted")]
    if len(things) >= 2 and things[0].kind != "metric" and things[1].kind == "metric":
        part, whole = things[0], things[1]
        span = _ratio_span(text, part, whole)
        if span and isinstance(part.target, str):
            measure = like_measure(model, part.target, whole.target)
            return ([measure, whole.target.name] if measure else []), (part.start, span[1])
    return None


def _ratio_span(text: str, part: Match, whole: Match) -> tuple[int, int] | None:
    """The span of the words asking for ``part`` as a ratio of ``whole`` (after the part), if they do."""
    between = text[part.end : whole.start]
    tail = RATIO_TAIL.search(text[whole.end :])
    if RATIO_CUE.search(between) is None:
        return None
    asks = "%" in between or re.search(r"percent|share|proportion|fraction", between)
    if not asks and tail is None:
        return None
    return part.end, whole.end + tail.end() if tail else whole.end


def _share(text: str, metrics: list[str], model: SemanticModel) -> tuple[int, int] | None:
    """Where the question asks for a share of a whole, when its metric is an amount (a rate is a share
    already: "what percentage of customers repurchase" is the repurchase rate)."""
    cue = SHARE_CUES.search(text)
    if cue is None or not metrics:
        return None
    try:
        if model.metric(metrics[0]).format == "percent":
            return None
    except KeyError:
        return None
    return cue.span()


def _unused(
    matches: list[Match], model: SemanticModel, query: SemanticQuery, subject: bool
) -> tuple[str, ...]:
    """Names the question uses that the reading leaves out: a dimension neither grouped nor filtered on
    ("the country with the most channels" read without the country) means the reading is incomplete.
    A table the metric is about ("revenue from customers") is context, not a leftover."""
    if query.subject:  # a listing shows or filters on everything it names, or is not read at all
        used = {*query.fields, *(f.field for f in query.filters)}
        shown = {model.field(name).expr for name in query.fields if _has_field(model, name)}
        return tuple(
            m.target.name
            for m in matches
            if m.kind in ("column", "dimension")
            and m.target.name not in used
            and m.target.expr not in shown  # shown from the listed table ("unit price" of the line)
            and not _is_label(m.target, model)
        )
    tables = {model.metric(name).table for name in query.metrics if _has_metric(model, name)}
    timed = query.time_range != "all" or query.time_grain != "none"
    clocks = {  # "customers who signed up each year": the date the metric is counted by is in use
        clock.name
        for name in query.metrics
        if timed and _has_metric(model, name) and (clock := model.time_dimension(model.metric(name)))
    }
    reachable_tables: set[str] = set()
    for table in tables:
        reachable_tables |= set(reachable(model, table))
    left = []
    for match in matches:
        entity = match.kind == "table" or (match.kind == "dimension" and _is_label(match.target, model))
        if entity:
            table = str(match.target) if match.kind == "table" else match.target.table
            if not subject and table.lower() not in reachable_tables:
                left.append(table)
        elif (
            match.kind == "column"
            and match.target.name not in clocks
            and not any(f.field == match.target.name for f in query.filters)
        ) or (
            match.kind == "dimension"
            and match.target.name not in query.group_by
            and not any(f.field == match.target.name for f in query.filters)
        ):
            left.append(match.target.name)
    return tuple(dict.fromkeys(left))


def _clock(model: SemanticModel, metric: str) -> str | None:
    """The name of the date ``metric`` is counted by, when it has one."""
    try:
        clock = model.time_dimension(model.metric(metric))
    except KeyError:
        return None
    return clock.name if clock else None


def _has_field(model: SemanticModel, name: str) -> bool:
    return _names_one(model.field, name)


def _has_metric(model: SemanticModel, name: str) -> bool:
    return _names_one(model.metric, name)


def _names_one(lookup: Callable[[str], object], name: str) -> bool:
    """Whether ``lookup`` (a model's ``field`` or ``metric``) finds one thing by ``name``."""
    try:
        lookup(name)
    except KeyError:
        return False
    return True


def _compared_periods(time: TimeReading, today: date | None) -> tuple[str, ...]:
    """Turn a second named period into the comparison it is ("Q1 2026 vs Q4 2025" → the previous
    period); returns the periods that are no such comparison (the rules cannot say what they mean)."""
    if not time.other_ranges:
        return ()
    other = time.other_ranges[0]
    try:
        first = resolve(time.time_range, today or date.today())
        second = resolve(other, today or date.today())
    except TimeRangeError:
        return (other,)
    if first is None or second is None or first.open_start or second.open_start:
        return (other,)  # a window from the start of the data has no period before it
    if (second.start, second.end) == (first.previous("period").start, first.previous("period").end):
        time.comparison = "previous_period"
    elif (second.start, second.end) == (first.previous("year").start, first.previous("year").end):
        time.comparison = "same_period_last_year"
    elif (first.start, first.end) == (second.previous("period").start, second.previous("period").end):
        time.time_range, time.comparison = other, "previous_period"
    elif (first.start, first.end) == (second.previous("year").start, second.previous("year").end):
        time.time_range, time.comparison = other, "same_period_last_year"
    elif second.end <= first.start:
        time.comparison, time.against = "previous_period", other
    elif first.end <= second.start:
        time.comparison, time.against, time.time_range = "previous_period", time.time_range, other
    else:
        return (other,)
    if not time.growth and time.show == "percent":
        time.show = "value"
    return tuple(time.other_ranges[1:])


# -- vocabulary -------------------------------------------------------------------------------------


def _key(name: str) -> str:
    """How a name is looked for: in lower case, except an acronym that is also an English function word
    ("IT"), which is looked for as written."""
    return name if name.isupper() and name.lower() in STOPWORDS_EN else name.lower()


def _term_aliases(metric: Metric, model: SemanticModel) -> list[str]:
    """The aliases of the glossary term that names ``metric`` (one concept, not two: "成交额" of GMV)."""
    names = {n.lower() for n in (*metric.names, metric.name.replace("_", " "))}
    others = {  # an alias another metric answers to stays that metric's ("gross margin" is no profit)
        n.lower() for other in model.metrics if other is not metric for n in (*other.names, other.name)
    }
    return [
        alias
        for term in model.terms
        if {n.lower() for n in (term.name, *term.aliases)} & names
        for alias in (term.name, *term.aliases)
        if alias.lower() not in others
    ]


def _entries(model: SemanticModel) -> list[tuple[str, str, object, str | None]]:
    """(phrase, kind, target, value) for everything the model names, longest phrase first."""
    entries: list[tuple[str, str, object, str | None]] = []
    for metric in model.metrics:
        for name in {
            *metric.names,
            metric.name.replace("_", " "),
            *_term_aliases(metric, model),
            *metric.attach_names,
        }:
            entries.append((_key(name), "metric", metric, None))
    for named in model.filters:
        for name in {*named.names, named.name.replace("_", " ")}:
            entries.append((_key(name), "filter", named, None))
    for column in model.fields:
        if column.kind != "dimension":  # named, but no grouping: a reading that leaves it out is unsure
            for name in {*column.names, column.name.replace("_", " ")}:
                entries.append((_key(name), "column", column, None))
    for dimension in model.fields:
        if dimension.kind != "dimension":
            continue
        for name in {*dimension.names, dimension.name.replace("_", " ")}:
            entries.append((_key(name), "dimension", dimension, None))
        for value in dimension.sample_values:
            entries.append((_key(value), "value", dimension, value))
        for value, others in dimension.value_synonyms:
            for name in (value, *others):
                entries.append((_key(name), "value", dimension, value))
    for table in model.tables:
        for name in {table.name, table.name.replace("_", " "), *table.synonyms}:
            entries.append((_key(name), "table", table.name, None))
    phrases = {phrase for phrase, *_ in entries}  # "new accounts", "取消订单": other ways to say a name
    entries += [(_key(p), "metric", m, None) for p, m in name_variants(model, phrases)]
    entries += [(p, "dimension", f, None) for p, f in kind_phrases(model, phrases)]
    entries += other_names(entries)  # "SKU", "单品": a product
    entries += area_names(entries)  # "华东区": the region 华东
    entries += _head_words(model, {phrase for phrase, *_ in entries})
    names = {phrase for phrase, kind, *_ in entries if kind in ("filter", "table", "dimension")}
    entries += [row for dimension in model.fields for row in _valued_rows(model, dimension, names)]
    # of two names as long, a value before a named filter: "中小企业客户" is SMB customers, not 企业客户
    return sorted(entries, key=lambda e: (-len(e[0]), e[1] != "metric", e[1] != "value"))


def _valued_rows(
    model: SemanticModel, dimension: Field, names: set[str]
) -> list[tuple[str, str, object, str | None]]:
    """A Chinese name of a value followed by a Chinese name of its table, as an entry for the value,
    where one of the other ``names`` begins inside the value's name and would take the table's name
    from it: "大企业客户" are the customers of the Enterprise segment, not 大 and the 企业客户 a filter
    names.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> [entry[:2] for entry in _valued_rows(model, model.field("segment"), {"企业客户"})]
        [('大企业客户', 'value'), ('中小企业客户', 'value')]
    """
    try:
        rows = [name for name in model.table(dimension.table).synonyms if _CJK.search(name)]
    except KeyError:
        return []
    values = [(name, value) for value, others in dimension.value_synonyms for name in (value, *others)]
    return [
        (_key(name + row), "value", dimension, value)
        for name, value in values
        for row in rows
        if _CJK.search(name)
        and any(len(row) < len(other) < len(name + row) and (name + row).endswith(other) for other in names)
    ]


HEAD_WORD_VALUES = 12
"""Dimensions with at most this many values are also matched by a word only one of their values has."""


def _head_words(model: SemanticModel, phrases: set[str]) -> list[tuple[str, str, object, str | None]]:
    """The word that tells apart values of a small dimension that all share another ("northeast" of
    "Northeast China" among "North China", "East China", …), as an entry for its value, unless the word
    names something else of the model."""
    entries: list[tuple[str, str, object, str | None]] = []
    for dimension in model.fields:
        values = dimension.sample_values
        if dimension.kind != "dimension" or not 2 <= len(values) <= HEAD_WORD_VALUES:
            continue
        words = {value: set(re.findall(r"[a-z]{4,}", value.lower())) for value in values}
        shared = set.intersection(*words.values())
        if not shared:
            continue
        for value, own in words.items():
            for word in own - shared:
                if sum(word in other for other in words.values()) == 1 and word not in phrases:
                    entries.append((word, "value", dimension, value))
    return entries


@dataclass(frozen=True)
class _Vocabulary:
    """A model's names, compiled once: (pattern, looked for as written, kind, target, value), longest
    first, and the one-word names a misspelling may stand for."""

    patterns: tuple[tuple[re.Pattern[str], bool, str, object, str | None], ...]
    single: dict[str, tuple[str, object, str | None]]
    spellable: tuple[str, ...]
    words: frozenset[str]
    """Every word of every name, lower case."""


@per_model
def _vocabulary(model: SemanticModel) -> _Vocabulary:
    """The compiled vocabulary of ``model``, built on its first question."""
    entries = _entries(model)
    patterns = []
    for phrase, kind, target, value in entries:
        if len(phrase) < 2 and not _CJK.search(phrase):
            continue
        pattern = re.escape(phrase).replace(r"\ ", r"[\s_-]+")
        if re.fullmatch(r"[\u3400-\u9fff]{4}", phrase):  # "新签的客户" says "新签客户"
            pattern = f"{phrase[:2]}的?{phrase[2:]}"
        if not _CJK.search(phrase):
            if phrase.endswith("y"):
                plural = rf"(?:{pattern}|{pattern[:-1]}ies)"
            elif phrase.endswith("s") and not phrase.endswith("ss"):
                plural = rf"{pattern[:-1]}s?"
            else:
                plural = rf"{pattern}(?:s|es)?"
            pattern = rf"(?<![A-Za-z0-9]){plural}(?![A-Za-z0-9])"  # "IT" is not in "EBITDA"
        patterns.append((re.compile(pattern), phrase.isupper(), kind, target, value))
    single = {phrase: (kind, target, value) for phrase, kind, target, value in entries}
    spellable = tuple(p for p in single if " " not in p and len(p) >= 5 and p.isascii() and p.isalpha())
    words = frozenset(w.lower() for phrase in single for w in re.findall(r"[\w']+", phrase))
    return _Vocabulary(tuple(patterns), single, spellable, words)


def vocabulary_words(model: SemanticModel) -> frozenset[str]:
    """Every word the names, synonyms and values of ``model`` are made of, in lower case.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> {"revenue", "channel", "销售额"} <= vocabulary_words(demo_semantic_model())
        True
    """
    return _vocabulary(model).words


def _vocabulary_matches(
    text: str, model: SemanticModel, taken: list[tuple[int, int]], *, original: str = ""
) -> list[Match]:
    """Every name of the model found in ``text``, longest first. An acronym that is also an English
    function word ("IT" for the technology industry) counts only as written, in capitals, in
    ``original`` (the question as asked, as long as ``text``): "break it down" names no industry."""
    matches: list[Match] = []
    occupied = list(taken)
    vocabulary = _vocabulary(model)
    for pattern, cased, kind, target, value in vocabulary.patterns:
        # see _key: an acronym is looked for in the question as asked
        if cased and len(original) != len(text):
            continue
        for found in pattern.finditer(original if cased else text):
            span = found.span()
            if any(span[0] < end and start < span[1] for start, end in occupied):
                continue
            matches.append(Match(span[0], span[1], kind, target, value))
            occupied.append(span)
    matches = _split_names_yield(text, vocabulary, matches, occupied)
    matches += _misspelled(text, vocabulary, occupied)
    return sorted(matches, key=lambda m: m.start)


def _split_names_yield(
    text: str, vocabulary: _Vocabulary, matches: list[Match], occupied: list[tuple[int, int]]
) -> list[Match]:
    """A four-character Chinese name said with 的 inside ("客户的名称" for 客户名称) gives way to a name that
    starts before it and ends at that 的: in "大客户的名称" the names are of 大客户 (Enterprise customers).

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> found = _vocabulary_matches("列出所有大客户的名称", demo_semantic_model(), [])
        >>> [(m.kind, m.value) for m in found]
        [('value', 'Enterprise')]
    """
    kept: list[Match] = []
    for match in matches:
        said = text[match.start : match.end]
        split = len(said) == 5 and said[2] == "的" and _CJK.search(said) and said not in vocabulary.single
        earlier = _name_ending_at(text, vocabulary, match.start, match.start + 2, occupied) if split else None
        if earlier is None:
            kept.append(match)
            continue
        occupied.remove((match.start, match.end))
        occupied.append((earlier.start, earlier.end))
        kept.append(earlier)
    return kept


def _name_ending_at(
    text: str, vocabulary: _Vocabulary, inside: int, end: int, occupied: list[tuple[int, int]]
) -> Match | None:
    """The longest name of the vocabulary that starts before ``inside``, ends at ``end`` and overlaps no
    other name found than the one starting at ``inside``."""
    for start in range(max(0, inside - 4), inside):
        said = text[start:end]
        if said not in vocabulary.single or any(s < end and start < e and s != inside for s, e in occupied):
            continue
        kind, target, value = vocabulary.single[said]
        return Match(start, end, kind, target, value)
    return None


FUZZY_CUTOFF = 0.84
"""How alike a word must be to a name of the model to be read as a misspelling of it (difflib ratio)."""


def _misspelled(text: str, vocabulary: _Vocabulary, occupied: list[tuple[int, int]]) -> list[Match]:
    """Words of five letters or more left over that are one slip away from a one-word name ("revenu")."""
    single, names = vocabulary.single, vocabulary.spellable
    found = []
    for word in re.finditer(r"[a-z]{5,}", text):
        span = word.span()
        if word.group() in STOPWORDS_EN or any(span[0] < end and start < span[1] for start, end in occupied):
            continue
        close = difflib.get_close_matches(word.group(), names, n=1, cutoff=FUZZY_CUTOFF)
        if close:
            kind, target, value = single[close[0]]
            found.append(Match(span[0], span[1], kind, target, value))
            occupied.append(span)
    return found


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _counted_tables(text: str, matches: list[Match], model: SemanticModel) -> list[str]:
    """ "How many customers / 多少个产品": the row count metric of the table named after the cue."""
    found = []
    for cue in COUNT_CUES.finditer(text):
        if any(m.kind == "metric" and m.start <= cue.start() < m.end for m in matches):
            continue  # "退货数量最多的3个商品": 数量 is part of a metric's name, no count cue
        after = [m for m in matches if m.start >= cue.end() and m.start - cue.end() <= 6]
        before = [m for m in matches if m.end <= cue.start() and cue.start() - m.end <= 2]
        for match in after[:2] + before[-1:]:
            table = match.target if match.kind == "table" else getattr(match.target, "table", None)
            if match.kind in ("table", "dimension", "filter", "value") and isinstance(table, str):
                metric = _count_metric(model, table)
                if metric:  # "多少家大客户": the customers of a value are counted, the value filters
                    found.append(metric)
                    if match.kind not in ("filter", "value"):
                        match.kind = "counted"
                    break
    return _dedupe(found)


def _shared_rows(text: str, matches: list[Match], model: SemanticModel) -> list[str]:
    """ "What fraction of this year's orders…", "订单中已取消的占比": the row count of the table named right
    after a share cue (or right before a Chinese one) is what the share is of."""
    cue = SHARE_CUES.search(text)
    if cue is None:
        return []
    for match in matches:
        after = 0 <= match.start - cue.end() <= 16
        before = _CJK.search(cue.group()) and 0 <= cue.start() - match.end <= 8
        if match.kind == "table" and (after or before):
            metric = _count_metric(model, str(match.target))
            if metric:
                match.kind = "counted"
                return [metric]
    return []


def _counted_entities(text: str, matches: list[Match], model: SemanticModel, have_metric: bool) -> list[str]:
    """Tables named as things to count: "orders per day", "the most customers", "orders and the
    cancellation rate" (a table mention not used as a grouping, next to "and" when a metric is named)."""
    found = []
    for match in matches:  # "哪个城市的大客户最多": a value said with its rows' name, counted
        if have_metric or match.kind != "value" or not isinstance(match.target, Field):
            continue
        if names_own_rows(text[match.start : match.end], match.target, model) and re.match(
            r"\s*(?:的?数量?)?(?:最多|最少)", text[match.end :]
        ):
            found += [m for m in [_count_metric(model, match.target.table)] if m]
    for match in matches:
        label = match.kind == "dimension" and _is_label(match.target, model)
        if match.kind != "table" and not label:
            continue
        if label and any(m is not match and m.start <= match.start < m.end for m in matches):
            continue
        before, after = text[max(0, match.start - 6) : match.start], text[match.end : match.end + 6]
        joined = re.search(r"(?:\band|和|与|及|、|,)\s*$", before) or re.match(
            r"^(?:e?s)?\s*(?:and\b|和|与|及|、|,)", after
        )
        if have_metric and not joined:
            continue
        qualified = any(  # "Online Store orders": the orders a filter names are context, not counted
            m.kind == "value" and 0 <= match.start - m.end <= 1 for m in matches
        )
        most = MOST_BEFORE.search(text[max(0, match.start - 24) : match.start])
        if qualified and not (COUNT_CUES.search(text) or most):  # "the most SMB clients": counted
            continue
        counting = (
            COUNT_CUES.search(text)
            or most
            or re.match(r"^(?:e?s)?\s*(?:per|by|each|every|a|按|每|各)\b", after)
            or re.match(r"^\s*(?:数?最多|数?最少)", after)  # "哪个渠道的订单最多"
            or _kind_most_after(text, match, matches)  # "客户流失最多的行业": the churned customers
        )
        if not (counting or joined):
            continue
        table = match.target.table if label else str(match.target)
        metric = _count_metric(model, table)
        if metric:
            found.append(metric)
            match.kind = "counted"
    return found


SHOW_CUES = re.compile(r"^\s*(?:show me|show the|display|pull up|bring up)\b")
"""Cues that ask to be shown something, rows or a figure ("show me revenue last month")."""


def _shows_a_figure(text: str, time: TimeReading, matches: list[Match]) -> bool:
    """Whether a question whose only listing cue is "show me" asks for a figure: it names no rows, and the
    metric it names is said as a mass noun ("show me *revenue* last month", not "show me the *refunds*")
    or by period.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> model = demo_semantic_model()
        >>> text = "show me revenue last month"
        >>> _shows_a_figure(text, read_time(text), _vocabulary_matches(text, model, []))
        True
        >>> text = "show me the refunds over 5000 yuan"
        >>> _shows_a_figure(text, read_time(text), _vocabulary_matches(text, model, []))
        False
    """
    if not SHOW_CUES.search(text) or DETAIL_CUES.search(SHOW_CUES.sub(" ", text)):
        return False
    named = [text[m.start : m.end] for m in matches if m.kind == "metric"]
    if not named or any(m.kind in ("table", "counted") for m in matches):  # "show the returns …"
        return False
    by_period = time.grain != "none" or time.comparison != "none"
    return by_period or not any(name.endswith("s") for name in named)


def _kind_most_after(text: str, match: Match, matches: list[Match]) -> bool:
    """Whether a named filter or value right after the rows at ``match`` is followed by 最多 / 最少
    ("客户流失最多", "订单取消最多"): the rows of that kind are counted."""
    for other in matches:
        if other.kind in ("filter", "value") and 0 <= other.start - match.end <= 1:
            return re.match(r"\s*(?:的?(?:数量?|人数))?(?:最多|最少)", text[other.end :]) is not None
    return False


def _orders_count(model: SemanticModel) -> str | None:
    """The row count of the table Chinese counts in 单 and 笔 (the one called 订单)."""
    table = next((t for t in model.tables if "订单" in t.synonyms), None)
    return _count_metric(model, table.name) if table else None


def _slips_counted(model: SemanticModel, name: str, orders: str) -> bool:
    """Whether metric ``name`` counts the rows of another table than the ``orders`` count's that Chinese
    also counts in 单 (a 退货单 is one return): "退货多少单" counts returns, not orders besides them."""
    if not (_has_metric(model, name) and _has_metric(model, orders)):
        return False
    metric = model.metric(name)
    table = model.table(metric.table)
    other = table.name != model.metric(orders).table
    return other and "COUNT" in metric.expr.upper() and any(s.endswith("单") for s in table.synonyms)


def _counts_rows_of(model: SemanticModel, name: str, count: str) -> bool:
    """Whether metric ``name`` already counts the rows ``count`` counts (a filtered count of orders)."""
    if not (_has_metric(model, name) and _has_metric(model, count)):
        return True  # a name several metrics share: no telling
    metric, counted = model.metric(name), model.metric(count)
    return metric.table == counted.table and "COUNT" in metric.expr.upper()


def _summed_fact(model: SemanticModel, name: str) -> Field | None:
    """The fact metric ``name`` adds up, if it is one metric that sums one fact."""
    return fact_of(model.metric(name), model) if _has_metric(model, name) else None


def _names_a_key(matches: list[Match], model: SemanticModel) -> bool:
    """Whether the question names a table's key column ("order id", "退货单号"): rows are wanted."""
    for match in matches:
        target = match.target
        if isinstance(target, Field) and target.expr in model.table(target.table).primary_key:
            return True
    return False


def _is_label(target: object, model: SemanticModel) -> bool:
    """Whether a dimension names its table's rows (``customer`` of customers), so "customers" is them."""
    if not isinstance(target, Field):
        return False
    dimensions = model.table(target.table).dimensions
    return bool(dimensions) and dimensions[0] is target


def _row_count(model: SemanticModel) -> Callable[[str], str | None]:
    return lambda table: _count_metric(model, table)


_COUNT_SUFFIX = re.compile(r"[总个]?数(?![据字码])")
"""What Chinese writes after a counted noun to say "the number of" ("客户数", "订单总数")."""


def _count_suffixes(text: str, matches: list[Match]) -> list[tuple[int, int]]:
    """The spans of "数" right after a metric that counts ("客户*数*" where 客户 counts customers): the
    number the metric is already.

    Example:
        >>> count = Metric(name="customer_count", expr="COUNT(*)", table="customers")
        >>> _count_suffixes("今年的客户数", [Match(3, 5, "metric", count)])
        [(5, 6)]
        >>> _count_suffixes("客户数据", [Match(0, 2, "metric", count)])
        []
    """
    found = (
        _COUNT_SUFFIX.match(text, match.end) for match in _counting(matches, lambda metric: metric.counts)
    )
    return [suffix.span() for suffix in found if suffix]


_NEW_BEFORE = re.compile(r"(?:新|\bnew\s+)$")
""""New" said before the rows a window counts: "今年的*新*客户", "*new* customers this year"."""


def _new_prefixes(text: str, matches: list[Match]) -> list[tuple[int, int]]:
    """The span of "新" / "new" right before the one metric named when it counts rows (in a question
    with a window: rows counted within a window by their own date are the new ones, as with 新增).

    Example:
        >>> count = Metric(name="customer_count", expr="COUNT(*)", table="customers")
        >>> _new_prefixes("今年每个月的新客户数", [Match(7, 9, "metric", count)])
        [(6, 7)]
        >>> _new_prefixes("new customers this year", [Match(4, 13, "metric", count)])
        [(0, 4)]
    """
    if len([m for m in matches if m.kind == "metric"]) != 1:  # "新客户的营收": revenue of the new ones
        return []
    found = (_NEW_BEFORE.search(text, 0, match.start) for match in _counting(matches, _counts_all_rows))
    return [new.span() for new in found if new]


_DID_BEFORE = re.compile(r"(?:下过?单|买过|购买过?)的?$")
"""What the counted rows did, said before them ("*下单*客户数"): which of them count, a word the model
must name (a curated one calls 下单客户数 a metric of its own)."""


def _did_before_counts(text: str, matches: list[Match]) -> tuple[str, ...]:
    """The words before a metric that counts rows which say what the rows did ("下单客户数": the customers
    who ordered, not all customers): left unexplained, or the plain count would answer.

    Example:
        >>> count = Metric(name="customer_count", expr="COUNT(*)", table="customers")
        >>> _did_before_counts("今年的下单客户数", [Match(5, 7, "metric", count)])
        ('下单',)
    """
    found = (_DID_BEFORE.search(text, 0, match.start) for match in _counting(matches, _counts_all_rows))
    return tuple(did.group().rstrip("的") for did in found if did)


def _counting(matches: list[Match], counts: Callable[[Metric], bool]) -> list[Match]:
    """The matches of metrics that ``counts`` says count (anything, or all their table's rows)."""
    return [m for m in matches if m.kind == "metric" and isinstance(m.target, Metric) and counts(m.target)]


def _counts_all_rows(metric: Metric) -> bool:
    return metric.counts_rows and not metric.filter


def _count_metric(model: SemanticModel, table: str) -> str | None:
    return next((m.name for m in model.table(table).metrics if _counts_all_rows(m)), None)


def _filters(values: list[Match]) -> list[Filter]:
    by_field: dict[str, list[str]] = {}
    for match in values:
        assert isinstance(match.target, Field) and match.value is not None
        by_field.setdefault(match.target.name, [])
        if match.value not in by_field[match.target.name]:
            by_field[match.target.name].append(match.value)
    return [
        Filter(name, "=" if len(values) == 1 else "in", tuple(values)) for name, values in by_field.items()
    ]


def _groups(
    text: str, matches: list[Match], taken: list[tuple[int, int]], model: SemanticModel
) -> tuple[list[str], str | None]:
    """The dimensions named as groupings ("by region", "各渠道", "top 5 products", "哪个行业"), and the one
    named with "each" (a candidate for ranking within)."""
    groups: list[str] = []
    within = None
    last_grouped: int | None = None
    for match in matches:
        if match.kind == "dimension":
            name = match.target.name
        elif (
            match.kind == "table"
            and model.table(str(match.target)).dimensions
            and isinstance(match.target, str)
        ):
            name = model.table(str(match.target)).dimensions[0].name
        else:
            continue
        start = match.start
        direct = GROUP_CUES_BEFORE.search(text[max(0, start - CUE_REACH) : start])  # "西南区各城市": 各 city
        for value in matches:  # "top 3 Marketplace products": the cue comes before the value
            if not direct and value.kind == "value" and 0 <= start - value.end <= 1:
                start = value.start
        before, after = text[max(0, start - CUE_REACH) : start], text[match.end : match.end + 8]
        cue = GROUP_CUES_BEFORE.search(before)
        if cue and _most_of_a_kind(cue, max(0, start - CUE_REACH), match, matches):
            cue = None  # "which city has the most SMB clients": the clients are counted
        # "by region and channel", "按地区和渠道": one more grouping right after the last one
        joined = (
            last_grouped is not None
            and JOINED.fullmatch(text[last_grouped : match.start])
            and not (match.kind == "table" and re.match(r"\s*(?:by|per)\b", after))  # "… and orders by X"
        )
        if not (cue or joined or GROUP_CUES_AFTER.search(after)):
            continue
        last_grouped = match.end
        groups.append(name)
        match.kind = "grouped" if match.kind == "dimension" else "grouped_table"
        if EACH_CUES_BEFORE.search(before):
            within = within or name
        taken.append((start - len(cue.group(0)) if cue else match.start, match.end))
    named_values: dict[str, set[str]] = {}
    for match in matches:
        if match.kind == "value" and isinstance(match.target, Field) and match.value is not None:
            named_values.setdefault(match.target.name, set()).add(match.value)
    values = {name: len(named) for name, named in named_values.items()}  # "individual consumer": one
    if not re.search(
        r"\btotal\b|\bcombined\b|合计|总共|一共|总计", text
    ):  # "Enterprise vs SMB": each of them
        several = [name for name, count in values.items() if count > 1]
        groups += several
        if several and SEPARATELY.search(text):
            within = within or several[0]
    return _dedupe(groups), within


MOST_OF = re.compile(r"(?:most|least|fewest)\b")
MOST_BEFORE = re.compile(r"\bmost\b|\bfewest\b|\bleast\b|最多|最少")
"""A superlative of how many, before the rows it counts ("the most customers")."""


def _most_of_a_kind(cue: re.Match[str], offset: int, match: Match, matches: list[Match]) -> bool:
    """Whether grouping ``cue`` is "most" before a value or named filter of the rows named at ``match``
    ("the most *SMB* clients", "the most *churned* customers"): the rows of that kind are counted, not
    ranked as "the most profitable customers" are."""
    if not MOST_OF.match(cue.group().strip()):
        return False
    start = offset + cue.start()
    return any(m.kind in ("value", "filter") and start <= m.start and m.end <= match.start for m in matches)


def _joined_to_bands(
    text: str, matches: list[Match], spans: list[tuple[int, int]], model: SemanticModel
) -> list[str]:
    """Dimensions (or tables, by their first dimension) joined by "and / 和" to a band or a period
    ("by order size band and region", "按客户注册年份和细分")."""
    found = []
    for match in matches:
        table = model.table(str(match.target)) if match.kind == "table" else None
        if match.kind != "dimension" and not (table and table.dimensions):
            continue
        if any(end <= match.start and JOINED.fullmatch(text[end : match.start]) for _, end in spans):
            found.append(table.dimensions[0].name if table else match.target.name)
            match.kind = "grouped" if match.kind == "dimension" else "grouped_table"
    return found


def _paired_filters(named: list[NamedFilter], model: SemanticModel) -> tuple[list[str], list[str]]:
    """ "Online vs offline": two named filters on one column become a breakdown by that column.

    Returns (the filters to keep, the dimensions to group by instead).
    """
    columns: dict[tuple[str, str], list[NamedFilter]] = {}
    for item in named:
        found = re.fullmatch(r"\s*(\w+)\s*=\s*'[^']*'\s*", item.expr)
        if found:
            columns.setdefault((item.table, found.group(1)), []).append(item)
    groups, paired = [], set()
    for (table, column), items in columns.items():
        if len(items) < 2:
            continue
        dimension = next((f for f in model.table(table).dimensions if f.expr == column), None)
        if dimension:
            groups.append(dimension.name)
            paired |= {i.name for i in items}
    return [i.name for i in named if i.name not in paired], groups


RANKS_ONE = re.compile(r"\b(?:top|best|worst|biggest|largest|highest|lowest|most|least)(?:[- ]\w+)?\s*$")


def _ranks_one(text: str, matches: list[Match]) -> bool:
    """Whether a ranked thing is named in the singular right after the ranking word ("the top-selling
    *product* in each region", "best customer"): one of it, not five."""
    for match in matches:
        if match.kind not in ("grouped", "grouped_table"):
            continue
        word = text[match.start : match.end]
        before = text[max(0, match.start - 24) : match.start]
        plain = re.fullmatch(r"[a-z ]+", word) and not word.endswith("s")
        if plain and text[match.end : match.end + 1] != "s" and RANKS_ONE.search(before):
            return True
    return False


def _ranking(
    text: str,
    numbers: str,
    groups: list[str],
    within: str | None,
    growth: bool,
    metrics: list[str],
    *,
    singular: bool = False,
    lower_is_better: bool = False,
) -> Ranking:
    """Top or bottom N; ``numbers`` is the text with time phrases blanked ("三个月" is no rank size).
    A judgement ("worst", "最差") of a metric whose best value is its lowest ranks the other way."""
    top, bottom = TOP_WORDS.search(text), BOTTOM_WORDS.search(text)
    if not (top or bottom) or not groups:
        return Ranking()
    first = top if top and (not bottom or top.start() < bottom.start()) else bottom
    direction = "top" if first is top else "bottom"
    if lower_is_better and not growth and JUDGEMENTS.fullmatch(first.group()):
        direction = "bottom" if direction == "top" else "top"
    number = RANK_NUMBER.search(NO_NUMBER.sub(lambda found: " " * len(found.group()), numbers))
    n = None
    if number:
        n = chinese_number(number.group(1) or number.group(2) or "")
    elif periods := RANKED_PERIODS.search(text):  # "最多的3个月", "the 3 best months"
        n = chinese_number(periods.group(1) or periods.group(2) or "")
    if not n:
        n = (
            1
            if singular
            or SINGULAR_WHICH.search(text)
            or "最" in text
            or re.search(r"\bthe (?:highest|lowest|most|least|largest|best)", text)
            else 5
        )
    by = f"{metrics[0]}_change_pct" if growth and metrics else None
    if within and len(groups) >= 2:
        return Ranking(direction, n, within, by)
    return Ranking(direction, n, None, by)


def _lower_is_better(model: SemanticModel, name: str) -> bool:
    metric = next((m for m in model.metrics if m.name == name), None)
    return metric is not None and metric.lower_is_better


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` blanked out (same length, so positions hold)."""
    masked = list(text)
    for start, end in spans:
        for index in range(max(0, start), min(len(masked), end)):
            masked[index] = " "
    return "".join(masked)


def _beyond_metrics(words: tuple[str, ...], query: SemanticQuery, model: SemanticModel) -> tuple[str, ...]:
    """``words`` without those a metric of the reading is named with ("how many distinct customers
    *bought* from us": active customers are "customers who bought"); a word said of the metric is
    not something the reading left out."""
    said = {
        word
        for name in query.metrics
        if _has_metric(model, name)
        for synonym in (*model.metric(name).synonyms, *_clock_names(model, name))
        for word in _WORD.findall(synonym.lower())
        if not _CJK.search(word)
    }
    return tuple(word for word in words if word not in said)


def _clock_names(model: SemanticModel, name: str) -> tuple[str, ...]:
    """The names of the date metric ``name`` is counted by: "how many accounts did we *sign*" counts
    new customers by their signup date."""
    clock = model.time_dimension(model.metric(name))
    if clock is None:
        return ()
    others = {  # "date" is said of every date: it tells nothing of this one
        word
        for field in model.fields
        if field.kind == "time_dimension" and field is not clock
        for synonym in field.synonyms
        for word in _WORD.findall(synonym.lower())
    }
    return tuple(w for synonym in clock.synonyms for w in _WORD.findall(synonym.lower()) if w not in others)


def _split_at_stops(text: str) -> str:
    """``text`` with its stop characters made spaces, but those of :data:`WHOLE_WORDS_ZH`.

    Example:
        >>> _split_at_stops("各有效订单的细分")
        ' 有效订单 细分'
    """
    kept = [(m.start(), m.end()) for m in WHOLE_WORDS_ZH.finditer(text)]
    pieces, at = [], 0
    for start, end in kept:
        pieces += [_CJK_STOPS.sub(" ", text[at:start]), text[start:end]]
        at = end
    return "".join([*pieces, _CJK_STOPS.sub(" ", text[at:])])


def _unexplained(text: str, taken: list[tuple[int, int]]) -> tuple[str, ...]:
    rest = _masked(text, taken)
    rest = STOP_PHRASES_ZH.sub(" ", rest)
    rest = TOP_WORDS.sub(" ", BOTTOM_WORDS.sub(" ", COUNT_CUES.sub(" ", rest)))
    rest = RANK_NUMBER.sub(" ", rest)
    words = []
    for word in _WORD.findall(_split_at_stops(rest)):
        if word.isdigit() or re.fullmatch(r"\d+(?:\.\d+)?", word):
            continue
        if _CJK.search(word) or (word not in STOPWORDS_EN and len(word) > 2):
            words.append(word)
    return tuple(dict.fromkeys(words))
