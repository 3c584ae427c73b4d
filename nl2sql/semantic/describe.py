"""A semantic query in words, as the answer shows it ("I read this as …") in English or Chinese.

Example:
    >>> from datetime import date
    >>> from nl2sql.demo.semantic import demo_semantic_model
    >>> from nl2sql.semantic.query import Filter, Ranking, SemanticQuery
    >>> query = SemanticQuery(metrics=("revenue",), group_by=("industry",), time_range="last_quarter",
    ...                       filters=(Filter("region", "=", ("North China",)),), ranking=Ranking("top", 1))
    >>> describe_query(query, demo_semantic_model(), date(2026, 6, 30))
    'revenue by industry · last quarter (2026-01-01 to 2026-03-31) · region = North China · top 1 by revenue'
    >>> describe_query(query, demo_semantic_model(), date(2026, 6, 30), lang="zh")
    '销售额 按 行业 · 上季度（2026-01-01 至 2026-03-31） · 地区 = 华北 · 取前 1（按 销售额）'
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from nl2sql.semantic.bands import band_edges, band_labels
from nl2sql.semantic.cjk import has_chinese
from nl2sql.semantic.listing import label_dimension
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.per_words import per_row_text
from nl2sql.semantic.query import Band, Filter, Period, Related, SemanticQuery, SemanticQueryError, Threshold
from nl2sql.semantic.related_sql import related_window
from nl2sql.semantic.timerange import TimeRangeError, resolve

RANGE_WORDS_ZH = {
    "this_week": "本周", "this_month": "本月", "this_quarter": "本季度", "this_year": "今年",
    "last_week": "上周", "last_month": "上月", "last_quarter": "上季度", "last_year": "去年",
    "year_before_last": "前年", "today": "今天", "yesterday": "昨天", "day_before_yesterday": "前天",
}  # fmt: skip
UNITS_ZH = {"day": "天", "week": "周", "month": "个月", "quarter": "个季度", "year": "年"}
GRAINS_ZH = {"day": "按天", "week": "按周", "month": "按月", "quarter": "按季度", "year": "按年"}
PERIODS_ZH = {"day": "日期", "week": "周", "month": "月份", "quarter": "季度", "year": "年份"}
COMPARISONS = {
    "en": {
        "previous_period": "vs the previous period",
        "same_period_last_year": "vs the same period last year",
    },
    "zh": {"previous_period": "环比上一周期", "same_period_last_year": "同比去年同期"},
}
SHOWN = {"en": {"delta": "difference", "percent": "% change"}, "zh": {"delta": "差额", "percent": "变化率"}}


def describe_query(query: SemanticQuery, model: SemanticModel, today: date, *, lang: str = "en") -> str:
    """``query`` in one line of the question's language, with the dates its window resolves to."""
    zh = lang == "zh"
    parts = [_head(query, model, zh)]
    window = _window(query, today, zh)
    if window:
        parts.append(window)
    if query.comparison.kind != "none":
        shown = SHOWN[lang].get(query.comparison.show)
        comparison = COMPARISONS[lang][query.comparison.kind]
        if query.comparison.against:
            against = _window(replace(query, time_range=query.comparison.against), today, zh)
            comparison = f"对比 {against}" if zh else f"vs {against}"
        parts.append(
            f"{comparison}（{shown}）" if zh and shown else f"{comparison} ({shown})" if shown else comparison
        )
    parts.extend(bound_text(bound, model, lang=lang) for bound in query.having)
    ratio = ratio_text(query, model, lang=lang)
    if ratio:
        parts.append(ratio)
    per_row = per_row_text(query, model, lang=lang)
    if per_row:
        parts.append(per_row)
    shared = query.related[-1:] if query.share else ()  # the attach rate: the share with the last one
    parts.extend(related_text(r, model, lang=lang, today=today) for r in query.related if r not in shared)
    if shared:
        said = related_text(shared[0], model, lang=lang, today=today)
        parts.append(f"其中{said}的占比（%）" if zh else f"share {said} (%)")
    elif query.share:
        grouped = bool(query.group_by) or query.time_grain != "none"
        if zh:
            parts.append("各项占合计的比例（%）" if grouped else "占全部的比例（%）")
        else:
            parts.append(
                "each row's share of the total (%)" if grouped else "share of the unfiltered total (%)"
            )
    for item in query.filters:
        field = model.field(item.field)
        if item.op == "during":  # "signup date: last year (2025-01-01 to 2025-12-31)"
            parts.append(date_filter_text(item, model, lang=lang, today=today))
            continue
        values = [_value_label(field, v, zh) for v in item.values]
        op = {"=": "=", "in": "∈" if zh else "in", "!=": "≠", "not in": "∉" if zh else "not in"}.get(
            item.op, item.op
        )
        shown_values = values[0] if len(values) == 1 else ", ".join(values)
        parts.append(f"{_label(field.name, field.synonyms, zh)} {op} {shown_values}")
    for name in query.named_filters:
        named = model.named_filter(name)
        label = _label(named.name, named.synonyms, zh)
        if named.related and named.default_range:  # "churned in the last 90 days": in its own window
            window = _window(replace(query, time_range=named.default_range), today, zh)
            label = f"{window}{label}" if zh else f"{label} in {window}"
        parts.append(label)
    ranking = query.ranking
    if ranking.direction != "none":
        by = ranking.by or query.metrics[0]
        by_label = _field_label(by, model, zh) if query.intent == "detail" else _metric_label(by, model, zh)
        within = ""
        if ranking.within in GRAINS_ZH:  # a period: "within each year", "每年"
            period = GRAINS_ZH[ranking.within].removeprefix("按")
            within = f"每{period}" if zh else f"within each {ranking.within}"
        elif ranking.within:
            within = f"{'每个' if zh else 'within each '}{_field_label(ranking.within, model, zh)}"
        if zh:
            word = "取前" if ranking.direction == "top" else "取后"
            parts.append(f"{within}{word} {ranking.n}（按 {by_label}）")
        else:
            parts.append(f"{ranking.direction} {ranking.n} by {by_label}" + (f" {within}" if within else ""))
    if query.ascending and query.metrics:  # "lowest first": the rows from the smallest value up
        by_label = _metric_label(ranking.by or query.metrics[0], model, zh)
        parts.append(f"按 {by_label} 从低到高" if zh else f"lowest {by_label} first")
    return " · ".join(parts)


def _head(query: SemanticQuery, model: SemanticModel, zh: bool) -> str:
    if query.intent == "detail" and query.subject:
        table = model.table(query.subject)
        label = label_dimension(table)
        rows = _label(table.name, table.synonyms + (label.synonyms if label else ()), zh)
        shown = [_field_label(name, model, zh) for name in query.fields]
        if zh:
            return f"{rows} 明细" + (f"：{'、'.join(shown)}" if shown else "")
        return f"list of {rows}" + (f" with {', '.join(shown)}" if shown else "")
    metrics = ("、" if zh else ", ").join(_metric_label(name, model, zh) for name in query.metrics)
    groups = [_field_label(name, model, zh) for name in query.group_by]
    groups += [period_text(period, model, lang="zh" if zh else "en") for period in query.periods]
    groups += [band_text(band, model, lang="zh" if zh else "en") for band in query.bands]
    if query.time_grain != "none":
        groups.insert(0, GRAINS_ZH[query.time_grain] if zh else query.time_grain)
    if not groups:
        return metrics
    if zh:
        return f"{metrics} 按 {'、'.join(g.removeprefix('按') for g in groups)}"
    return f"{metrics} by {', '.join(groups)}"


def _window(query: SemanticQuery, today: date, zh: bool) -> str:
    token = query.time_range
    try:
        window = resolve(token, today)
    except TimeRangeError:
        return token
    if window is None:
        return ""
    if window.open_start:  # "before June 25": every day of the data up to the day before
        return f"{window.last_day.isoformat()} 及之前" if zh else window.describe()
    start, last = window.start.isoformat(), window.last_day.isoformat()
    dates = start if start == last else f"{start} 至 {last}" if zh else f"{start} to {last}"  # one day
    if re.fullmatch(r"last_\d+_[a-z]+", token):
        count, unit = token.split("_")[1:]
        words = f"最近{count}{UNITS_ZH[unit.rstrip('s')]}" if zh else f"last {count} {unit}"
    elif token in RANGE_WORDS_ZH:
        words = RANGE_WORDS_ZH[token] if zh else token.replace("_", " ")
    else:
        return dates
    return f"{words}（{dates}）" if zh else f"{words} ({dates})"


def _metric_label(name: str, model: SemanticModel, zh: bool) -> str:
    for suffix in ("_change_pct", "_change", "_previous"):
        if name.endswith(suffix):
            base = _metric_label(name.removesuffix(suffix), model, zh)
            words = {
                "_change_pct": (" 变化率", " % change"),
                "_change": (" 差额", " change"),
                "_previous": (" 上期", " before"),
            }
            return base + words[suffix][0 if zh else 1]
    try:
        metric = model.metric(name)
    except KeyError:
        return name
    return _label(metric.name, metric.synonyms, zh)


def _field_label(name: str | None, model: SemanticModel, zh: bool) -> str:
    if not name:
        return ""
    try:
        field = model.field(name)
    except KeyError:
        return name
    return _label(field.name, field.synonyms, zh)


def _label(name: str, synonyms: tuple[str, ...], zh: bool) -> str:
    """The name people read: a Chinese synonym for Chinese, the name with spaces otherwise."""
    if zh:
        chinese = [s for s in synonyms if has_chinese(s)]
        if chinese:
            return chinese[0]
    return name.replace("_", " ")


def _value_label(field, value: object, zh: bool) -> str:
    if zh:
        for stored, others in field.value_synonyms:
            if stored == value:
                chinese = [o for o in others if any("\u4e00" <= c <= "\u9fff" for c in o)]
                if chinese:
                    return chinese[0]
    if field.kind == "fact" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"  # an amount: 50,000
    return str(value)


def date_filter_text(
    item: Filter, model: SemanticModel, *, lang: str = "en", today: date | None = None
) -> str:
    """A window on a date (a ``during`` filter) in words, with its dates when ``today`` is known.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> item = Filter("signup_date", "during", ("last_year",))
        >>> date_filter_text(item, demo_semantic_model(), today=date(2026, 6, 30))
        'signup date: last year (2025-01-01 to 2025-12-31)'
        >>> date_filter_text(Filter("signup_date", "during", ("2025..",)), demo_semantic_model(), lang="zh")
        '注册日期：2025年以来'
    """
    field = model.field(item.field)
    zh = lang == "zh"
    token = str(item.values[0])
    if today is not None:
        words = _window(SemanticQuery(time_range=token), today, zh)
    elif token.endswith(".."):
        words = f"{token[:-2]}年以来" if zh and token[:-2].isdigit() else f"since {token[:-2]}"
    else:
        words = RANGE_WORDS_ZH.get(token, token) if zh else token.replace("_", " ").replace("..", " to ")
    return f"{_label(field.name, field.synonyms, zh)}{'：' if zh else ': '}{words}"


def related_text(
    related: Related, model: SemanticModel, *, lang: str = "en", today: date | None = None
) -> str:
    """A condition on related rows in words, with its window's dates when ``today`` is known.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> never = Related("orders", present=False, time_range="last_90_days")
        >>> related_text(never, demo_semantic_model(), today=date(2026, 6, 30))
        'without orders in last 90 days (2026-04-02 to 2026-06-30)'
        >>> item = Related("order_items", filters=(Filter("category", "=", ("Accessories",)),))
        >>> related_text(item, demo_semantic_model(), lang="zh")
        '有订单明细行（品类 = 电脑配件）'
    """
    zh = lang == "zh"
    table = model.table(related.table)
    said = ("有" if related.present else "没有") if zh else ("with " if related.present else "without ")
    said += _label(table.name, table.synonyms, zh)
    conditions = []
    for item in related.filters:
        field = model.field(item.field, table=table.name)
        values = ", ".join(_value_label(field, v, zh) for v in item.values)
        op = {"in": "∈" if zh else "in", "!=": "≠", "not in": "∉" if zh else "not in"}.get(item.op, item.op)
        conditions.append(f"{_label(field.name, field.synonyms, zh)} {op} {values}")
    if conditions:
        said += f"（{'，'.join(conditions)}）" if zh else f" where {', '.join(conditions)}"
    if related.time_range in ("all", "", "none"):
        return said
    if related.before:
        words = _window_words(related.time_range, zh)
        dates = related_window(related, today).describe() if today else ""
        dates = dates.replace(" to ", " 至 ") if zh else dates
        shown = (f"（{dates}）" if zh else f" ({dates})") if dates else ""
        return (
            f"{said}：{words}之前的同等时段{shown}" if zh else f"{said} in the period before {words}{shown}"
        )
    words = (
        _window(SemanticQuery(time_range=related.time_range), today, zh) if today else ""
    ) or _window_words(related.time_range, zh)
    return f"{said}：{words}" if zh else f"{said} in {words}"


def _window_words(token: str, zh: bool) -> str:
    """A window token in words, without its dates ("last 90 days", "最近90天", "今年")."""
    if re.fullmatch(r"last_\d+_[a-z]+", token):
        count, unit = token.split("_")[1:]
        return f"最近{count}{UNITS_ZH[unit.rstrip('s')]}" if zh else f"last {count} {unit}"
    return RANGE_WORDS_ZH.get(token, token) if zh else token.replace("_", " ")


def bound_text(bound: Threshold, model: SemanticModel, *, lang: str = "en") -> str:
    """A bound on a metric in words.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> bound_text(Threshold("units_sold", ">=", 1500), demo_semantic_model())
        'units sold ≥ 1,500'
    """
    value = int(bound.value) if float(bound.value).is_integer() else bound.value
    sign = {">=": "≥", "<=": "≤"}.get(bound.op, bound.op)
    return f"{_metric_label(bound.metric, model, lang == 'zh')} {sign} {value:,}"


def band_text(band: Band, model: SemanticModel, *, lang: str = "en") -> str:
    """Bands of a number in words, with the bands themselves (the column's default ones when the
    question named none, said so).

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> band_text(Band("total_amount", (1000, 10000)), demo_semantic_model())
        'total amount band (< 1,000, 1,000–10,000, ≥ 10,000)'
        >>> band_text(Band("discount"), demo_semantic_model(), lang="zh")
        '折扣区间（默认：≤ 0%、0%–10%、10%–20%、> 20%）'
    """
    zh = lang == "zh"
    field = model.field(band.field)
    try:
        edges, closed = band_edges(band, field)
    except SemanticQueryError:
        edges, closed = (), band.closed
    labels = band_labels(edges, closed, fraction=field.fraction, lang=lang) if edges else []
    name = _label(field.name, field.synonyms, zh)
    default = ("默认：" if zh else "default: ") if labels and not band.edges else ""
    if zh:
        return f"{name}区间" + (f"（{default}{'、'.join(labels)}）" if labels else "")
    return f"{name} band" + (f" ({default}{', '.join(labels)})" if labels else "")


def period_text(period: Period, model: SemanticModel, *, lang: str = "en") -> str:
    """The period of another date a result is grouped by, in words.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> period_text(Period("signup_date", "year"), demo_semantic_model())
        'year of signup date'
        >>> period_text(Period("launch_date", "quarter"), demo_semantic_model(), lang="zh")
        '上市日期的季度'
    """
    field = model.field(period.field)
    if lang == "zh":
        return f"{_label(field.name, field.synonyms, True)}的{PERIODS_ZH[period.grain]}"
    return f"{period.grain} of {_label(field.name, field.synonyms, False)}"


def ratio_text(query: SemanticQuery, model: SemanticModel, *, lang: str = "en") -> str:
    """The ratio of ``query`` in words (its first metric as a percent of its second); empty without one.

    Example:
        >>> from nl2sql.demo.semantic import demo_semantic_model
        >>> query = SemanticQuery(metrics=("refund_amount", "revenue"), ratio=True)
        >>> ratio_text(query, demo_semantic_model()), ratio_text(query, demo_semantic_model(), lang="zh")
        ('refund amount as % of revenue', '退款金额占销售额的比例（%）')
    """
    if not (query.ratio and len(query.metrics) == 2):
        return ""
    zh = lang == "zh"
    part, whole = (_metric_label(name, model, zh) for name in query.metrics)
    return f"{part}占{whole}的比例（%）" if zh else f"{part} as % of {whole}"


def window_text(token: str, today: date, *, lang: str = "en") -> str:
    """A time window token in words, with its dates; "all time" for ``all``.

    Example:
        >>> window_text("last_quarter", date(2026, 5, 10)), window_text("all", date(2026, 5, 10), lang="zh")
        ('last quarter (2026-01-01 to 2026-03-31)', '全部时间')
    """
    zh = lang == "zh"
    return _window(SemanticQuery(time_range=token), today, zh) or ("全部时间" if zh else "all time")


def metric_text(name: str, model: SemanticModel, *, lang: str = "en") -> str:
    """How a metric is named to a reader in ``lang`` (its Chinese synonym in Chinese)."""
    return _metric_label(name, model, lang == "zh")


def field_text(name: str, model: SemanticModel, *, lang: str = "en") -> str:
    """How a dimension is named to a reader in ``lang``."""
    return _field_label(name, model, lang == "zh")
