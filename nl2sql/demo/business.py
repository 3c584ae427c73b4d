"""The business question set: analyst questions about the demo database, with gold SQL for a pinned day.

Each question (English or Chinese) carries tags saying what it exercises, a split, and gold SQL in the
SQLite dialect checked by execution on the demo data pinned to :data:`BUSINESS_AS_OF` (or ``None``
for questions the data cannot answer). The conventions below are the reference the semantic layer is
checked against; where they differ from ``glossary.yaml`` (e.g. GMV), they win.

Today and time windows:
    "Today" is :data:`BUSINESS_AS_OF`, 2026-06-30 (a Tuesday); "end" is the day after, 2026-07-01.
    Gold SQL never reads the clock (no ``date('now')``, no ``CURRENT_DATE``): every window is a literal
    half-open range on the date column, ``d >= 'start' AND d < 'stop'``.

    * last/past N days, 最近/近/过去N天: [end - N days, end); last 30 days = [2026-06-01, 2026-07-01).
      Last N weeks: N * 7 days, the same way. Yesterday (昨天) = [2026-06-29, 2026-06-30).
    * last N months, 最近/近/过去N个月: [end - N months, end); last 3 months = [2026-04-01, 2026-07-01),
      last 12 months = [2025-07-01, 2026-07-01). Last N years likewise.
    * this week (本周): Monday of today's week to end = [2026-06-29, 2026-07-01); last week (上周): the
      previous Monday-Sunday = [2026-06-22, 2026-06-29).
    * this month (本月) = [2026-06-01, end); last month (上个月/上月) = [2026-05-01, 2026-06-01).
    * this quarter (本季度) = [2026-04-01, end); last quarter (上季度) = [2026-01-01, 2026-04-01).
    * this year / year to date (今年, 今年以来, 年初至今) = [2026-01-01, end); last year (去年) = 2025;
      the year before last (前年) = 2024.
    * explicit: "in 2025" / 2025年, "Q3 2025" / 2025年Q3, "March 2025" / 2025年3月, the first half of
      2026 (上半年) = [2026-01-01, 2026-07-01); "from 2025-03-01 to 2025-03-15" includes both end days.

Time buckets (labels exactly):
    day = the date itself; week = its Monday, ``date(d, '-6 days', 'weekday 1')``; month =
    ``strftime('%Y-%m', d)``; quarter = ``strftime('%Y', d) || '-Q' || ((CAST(strftime('%m', d) AS
    INTEGER) + 2) / 3)`` (``2025-Q3``); year = ``strftime('%Y', d)`` (text).

Metrics (any of the names, in either language):
    * revenue (sales, turnover, 销售额, 营收, 收入): SUM(orders.total_amount) over orders with status
      <> 'cancelled', by orders.order_date. Grouped or filtered by product, brand or category: the
      item-level amount SUM(quantity * unit_price * (1 - discount)) of order_items of such orders.
    * GMV (gross merchandise value, 成交总额): SUM(orders.total_amount) over all orders, cancelled too.
    * orders (order count, 订单数, 订单量): COUNT(*) of orders, all statuses; valid orders (有效订单数):
      status <> 'cancelled'; completed orders (已完成订单): status = 'completed'.
    * cancellation rate (取消率): 100.0 * SUM(status = 'cancelled') / COUNT(*).
    * AOV (average order value, 客单价, 平均订单金额): AVG(total_amount) over non-cancelled orders.
    * active customers / buyers (活跃客户数, 下单客户数): COUNT(DISTINCT orders.customer_id) over
      non-cancelled orders in the window; without a window the last 90 days, today included:
      [2026-04-02, 2026-07-01).
    * new customers (新客户, 新增客户, signups): customers by customers.signup_date in the window;
      customers (客户数): COUNT of customers, no time filter unless asked.
    * repurchase rate (复购率): among customers with a non-cancelled order in the window, 100.0 * the
      share with two or more (no window: all data).
    * units sold (销量, 销售数量): SUM(order_items.quantity) of non-cancelled orders, by order_date.
    * gross profit (毛利, 毛利润): SUM(quantity * (unit_price * (1 - discount) - products.unit_cost)) of
      items of non-cancelled orders; gross margin (毛利率) = 100.0 * gross profit / item-level revenue.
    * returned units (退货数量), refund amount (退款金额): SUM(returns.quantity), SUM(refund_amount),
      by returns.return_date.
    * return rate (退货率): 100.0 * units returned of the items / SUM(order_items.quantity), items of
      non-cancelled orders, window on orders.order_date; returns are summed per item before the join.
    * discount amount (让利, 折扣金额): SUM(quantity * unit_price * discount) of items of non-cancelled
      orders; discount rate (折扣率) = 100.0 * that / SUM(quantity * unit_price) (the value before
      discount, 折前金额); average discount (平均折扣) = 100.0 * AVG(discount) over those items.
    * a metric "as a % of" another (退款占营收的比例, 几个点) = 100.0 * one / the other, each over its
      own rows and date column in the same window (refunds by return_date, revenue by order_date).
    * products (产品数): COUNT of products; average unit price (平均单价): AVG(products.unit_price).
    * online (线上) / offline (线下): channels.channel_type = 'online' / 'offline'; business customers
      (B2B, 对公客户): segment Enterprise or SMB.

Labels:
    Chinese questions show regions by regions.name_zh and categories by categories.name_zh, English ones
    by name_en and categories.name. Industry, segment, channel, brand, city, product and customer names
    are shown as stored (English), also when a Chinese question names them in Chinese (北京 = 'Beijing').
    Industry groups leave out consumers (industry NULL); customers are grouped by id, shown by name.

Columns and order:
    Exactly what is asked, minimal: group labels first, then the numbers ("Which region had the highest
    revenue?" is one row, one column). Never ROUND; percentages as 100.0 * a / b. An outer ORDER BY only
    when the order is part of the answer (rankings, time series), and rankings are cut where there is no
    tie. Ranking within a group: group label, ranked label, value, with ROW_NUMBER() OVER (PARTITION BY …)
    and no outer ORDER BY.

    A month without a year ("in March", "3月份") is the latest such month that has begun; "H1" / "上半年"
    without a year, this year's first half; "since March" / "自今年3月以来" runs to today; the month
    before last (上上个月) = [2026-04-01, 2026-05-01).

Comparisons:
    Year over year (同比) = the same window a year earlier; month over month / period over period (环比)
    = the previous period of the same kind (for the last N days, the N days before). Growth (增长率, 增速)
    = 100.0 * (current - previous) / previous; "how much more" (增加了多少) = current - previous;
    "compare A with B" = both values. A previous period named as a whole is compared whole: "this year
    vs last year" is this year to date against all of 2025, "本周和上周比" this week against all of last
    week; "和上周同期比" compares the same weekdays.

Split:
    The first 287 questions were written together; about a quarter of them are held out (split ``test``),
    chosen deterministically, stratified by language and rarest tag so that every tag and both languages
    appear in both splits. Five batches of 100 (biz-288 on) were written later by other authors, each
    with 30 held out at random (a seeded draw; 15 per language in the first four), after the rules had
    been tuned on the dev questions before them: each batch's dev part measured how far the rules
    carried to new wording before they were extended to it. The held-out questions must never be used
    to tune anything (prompts, glossary, semantic layer, few-shot examples, thresholds); tune on ``dev``
    only and report ``test``.

Example:
    >>> questions = load_business_questions()
    >>> question = questions[1]
    >>> question.id, question.lang, question.question, question.tags
    ('biz-002', 'en', 'How many orders did we get in the last 7 days?', ('single_metric', 'time_window'))
    >>> print(question.sql)
    SELECT COUNT(*) AS orders FROM orders WHERE order_date >= '2026-06-24' AND order_date < '2026-07-01'
    >>> sorted({question.split for question in questions})
    ['dev', 'test']
    >>> all(q.sql is None for q in questions if "out_of_scope" in q.tags)
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

BUSINESS_AS_OF = date(2026, 6, 30)
"""The day the gold SQL is written for: the demo data runs up to it, and it is "today" in the questions."""

TAGS: dict[str, str] = {
    "single_metric": "One number for the whole window or data set.",
    "grouped": "A metric broken down by a dimension or a time bucket.",
    "time_window": "Filtered to a relative or explicit time window (last month, 2025年Q3, …).",
    "period_comparison": "Compares a period with another one (YoY/同比, MoM/环比, vs the previous N days).",
    "ranking": "Top/bottom N or the single best/worst item, with an outer ORDER BY … LIMIT.",
    "ranking_within_group": "Top N inside each group (ROW_NUMBER() OVER (PARTITION BY …)).",
    "ratio": "The answer is a rate, share, margin, percent growth or per-unit quotient.",
    "jargon": "Relies on a term defined only in the glossary / semantic layer (GMV, AOV, 客单价, 复购率, "
    "active customers, gross margin, 华北-style region names, online/offline, YoY/环比, …).",
    "detail_listing": "Lists rows (orders, products, customers, returns) rather than aggregating them.",
    "out_of_scope": "The data cannot answer it, or it is no question about the data; its sql is None.",
}
"""Tag name → what a question with that tag exercises."""

Split = Literal["dev", "test"]


@dataclass(frozen=True)
class BusinessQuestion:
    """One analyst question about the demo database and the SQLite query that answers it."""

    id: str
    """Stable identifier in file order: ``biz-001``, ``biz-002``, …"""
    lang: Literal["en", "zh"]
    question: str
    sql: str | None
    """Gold SQL (SQLite) for the data as of :data:`BUSINESS_AS_OF`; None for out-of-scope questions."""
    tags: tuple[str, ...]
    """Names from :data:`TAGS`."""
    split: Split
    """``dev`` for tuning and analysis, ``test`` for the held-out measurement only."""


def load_business_questions(split: str | None = None) -> list[BusinessQuestion]:
    """The business questions in file order, read from the packaged ``business_questions.jsonl``.

    Args:
        split: ``dev`` or ``test`` for one split only; None for all questions.

    Raises:
        ValueError: ``split`` is neither None, ``dev`` nor ``test``.

    Example:
        >>> held_out = load_business_questions("test")
        >>> {question.split for question in held_out}
        {'test'}
        >>> next(q.question for q in load_business_questions("dev") if q.lang == "zh")
        '上个月营收多少？'
    """
    if split not in (None, "dev", "test"):
        raise ValueError(f"split must be 'dev', 'test' or None, not {split!r}")
    text = resources.files("nl2sql.demo").joinpath("business_questions.jsonl").read_text(encoding="utf-8")
    questions = []
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            questions.append(BusinessQuestion(**{**record, "tags": tuple(record["tags"])}))
    return [question for question in questions if split is None or question.split == split]
