"""Refusals that follow from what a question measures, not from its wording: the thing it counts or sums
is no word of the data (refused), or is one with words the data lacks around it (answered); commands,
opinions and windows after the data are refused too."""

from __future__ import annotations

from datetime import date

import pytest

from nl2sql.demo.semantic import demo_semantic_model
from nl2sql.semantic.load import parse_model
from nl2sql.semantic.mapper import map_question
from nl2sql.semantic.measured import fused_with, measured, measured_phrase, one_slip
from nl2sql.semantic.requests import asks_opinion, is_command
from nl2sql.semantic.route import route_question

TODAY = date(2026, 6, 30)
MODEL = demo_semantic_model()

LACKING = [
    "What's the bounce rate on our website this week?",
    "How many followers do we have on Weibo?",
    "What is the average handling time of support calls?",
    "What's our headcount in the finance department?",
    "How much VAT did we pay in Q1?",
    "What is our advertising ROI per click on Douyin?",
    "What is the current stock level of Orion monitors?",
    "How many trucks do we have in our fleet?",
    "官网这个月的跳出率是多少？",
    "我们微博有多少粉丝？",
    "财务部现在有几个人？",
    "五月份的运营费用是多少？",
    "客户的平均生命周期价值是多少？",
    "优惠券核销率是多少？",
    "What was our marketing spend in May?",
    "How much did we spend on advertising in Q1?",
    "What's our net profit this year?",
    "五月份仓库员工的业绩是多少？",
    "What was the online store's conversion rate yesterday?",  # whose rate it is, then what rate
    "What was the Online Store's bounce rate in May?",
    "What is Lenovo's share price today?",
]
"""Questions about things the demo data does not hold, worded unlike the business questions."""

ANSWERABLE = [
    "What's the revenue mix by segment?",
    "What is the revenue contribution of each category?",
    "What are our weakest categories by revenue?",
    "How many Healthcare customers placed an order in the last 30 days?",
    "How many orders did our Direct Sales team bring in last quarter?",
    "What's the retrun rate on Aurora products bought in 2025?",
    "What was our revenue on Christmas Day 2025?",
    "How many new customers did we win in our target segment, SMB, this year?",
    "最近一周的日均订单量是多少",
    "今年新客的首单金额平均多少",
    "直销团队上个季度拿了多少订单？",
    "去年双十一当天的营收是多少？",
    "最近30天有效订单平均每单买几件？",
    "今年线上销售额占总销售额的几成？",
    "How much did Healthcare customers spend on laptops in 2025?",
    "去年大企业客户的业绩是多少？",
    "What was the online store's revenue last month?",
    "What was Enterprise customers' average order value in 2025?",
    "How much money went back to customers as refunds in the last seven days?",
    "How much did we pay back to customers last month?",
]
"""Questions the data answers, with words it lacks around what they measure."""


@pytest.mark.parametrize("question", LACKING)
def test_a_question_measuring_what_the_data_lacks_is_refused(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused", route.mapping.unexplained if route.mapping else None
    assert route.message


@pytest.mark.parametrize("question", ANSWERABLE)
def test_a_question_measuring_a_thing_of_the_data_is_not_refused(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path != "refused", route.message


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("What is Lenovo's share price today?", "lenovo's"),
        ("What was the average delivery time for orders last month?", "delivery"),
        ("本季度客户净推荐值是多少？", "净推荐值"),
        # "net" is a word of the data only inside "net sales": no "net profit" of its own
        ("What's our net profit this year?", "net"),
        ("How much did we spend on advertising in Q1?", "advertising"),
    ],
)
def test_the_refusal_names_the_words_the_data_lacks(question: str, words: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused" and words in route.message


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("Translate our product catalogue into French.", "does not schedule, send or remind"),
        ("Book a meeting with our biggest customer.", "does not schedule, send or remind"),
        ("把所有Aurora产品的折扣调成15%", "不会定时、发送或提醒"),
        ("Do you think we should open a store in Lhasa?", "no opinions"),
        ("你觉得我们应该在拉萨开店吗？", "不提供看法"),
        ("What will revenue look like in 2027?", "does not forecast"),
        ("2027年营收会是多少？", "不做预测"),
    ],
)
def test_commands_opinions_and_windows_after_the_data_are_refused_with_why(
    question: str, reason: str
) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused" and reason in route.message


@pytest.mark.parametrize(
    "question",
    [
        "Drop the cancelled orders table",
        "Please update the status of order 123 to completed",
        "update orders set status = 'cancelled' where order_id = 5",
        "Can you drop all orders from 2023?",
    ],
)
def test_a_request_to_drop_or_update_data_is_refused_as_a_change(question: str) -> None:
    assert map_question(question, MODEL, TODAY).query.intent == "out_of_scope"


@pytest.mark.parametrize(
    "question",
    [
        "Which region saw the sharpest drop in revenue last month?",
        "revenue drop by channel this month vs last month",
        "Give me a quick update on revenue this month",
        "Which channel had the biggest drop in orders month over month?",
    ],
)
def test_a_drop_or_an_update_said_as_a_noun_is_no_change(question: str) -> None:
    assert map_question(question, MODEL, TODAY).query.intent != "out_of_scope"


def test_a_window_the_data_covers_is_answered() -> None:
    assert route_question("What was revenue in 2025?", MODEL, "sqlite", TODAY).path == "semantic"


@pytest.mark.parametrize(("complete", "path"), [("true", "refused"), ("false", "sql")])
def test_only_a_model_known_complete_refuses_what_it_has_no_word_for(complete: str, path: str) -> None:
    """On a model bootstrapped from a schema, a word it lacks may still be a column's."""
    model = parse_model(
        f"{{name: shop, x_vocabulary_complete: {complete}, tables: [{{name: staff,"
        " base_table: {table: staff}, facts: [{name: salary, expr: salary}],"
        " metrics: [{name: payroll, expr: SUM(salary)}]}]}"
    )
    assert route_question("What was the bonus payroll last month?", model, "sqlite", TODAY).path == path


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("How many employees work in the sales team?", ("employees",)),
        ("How many sales calls did the team make?", ("sales", "calls")),
        ("What was our cost per click on ads?", ("cost", "per", "click")),
        ("Who is the CEO of Alibaba?", ("ceo",)),
        ("How much did we spend on ads?", None),
        ("Revenue by channel", None),
        ("公司一共有多少名员工", ("员工",)),
        ("北京仓库五月份的电费是多少", ("电费",)),
        ("上季度物流运费一共花了多少", None),
        ("平均每单买几件", None),
        ("What was the online store's conversion rate?", ("conversion", "rate")),
        ("What is the cancellation rate of the Marketplace?", ("cancellation", "rate")),
    ],
)
def test_the_measured_phrase_is_the_head_of_the_figure_asked(
    question: str, phrase: tuple[str, ...] | None
) -> None:
    assert measured_phrase(question) == phrase


def test_a_word_the_data_lacks_before_its_word_makes_another_thing_after_it_an_aspect() -> None:
    names = {"margin", "revenue", "segment"}.__contains__
    assert measured("What was our EBITDA margin?", ["ebitda"], names) is not None
    assert not measured("What was our EBITDA margin?", ["ebitda"], names).known
    assert measured("What's the revenue mix by segment?", ["mix"], names) is None


def test_a_mistyped_word_is_one_slip_from_the_data_word() -> None:
    assert one_slip("retrun", "return") and one_slip("custmer", "customer")
    assert not one_slip("stock", "store") and not one_slip("net", "nets")


def test_a_metric_fused_with_a_lacking_word_is_another_thing() -> None:
    assert fused_with("which sales rep closed the most deals", "sales", {"rep", "deals"})
    assert fused_with("sales by region, sales only", "sales", set()) is False
    assert fused_with("上个月的净利润", "利润", {"净"}) and fused_with("订单数", "营收", set()) is None


def test_commands_and_opinions_are_told_from_questions() -> None:
    lacking = {"group", "archive", "invoices"}.__contains__
    assert is_command("Please archive all the invoices from 2023", lacking)
    assert not is_command("Group the orders by year", lacking)
    assert not is_command("Revenue by channel last month", lacking)
    assert not is_command("把营收按月拆开看看", lacking)
    assert asks_opinion("What do you think about our cancellation rate?")
    assert not asks_opinion("Which channel has the best cancellation rate?")


MISSING_GROUPINGS = [
    ("revenue by salesperson this year", "salesperson"),
    ("What were orders per warehouse last month?", "warehouse"),
    ("Revenue By Salesperson", "salesperson"),
    ("Show revenue for each sales rep in 2025", "sales rep"),
    ("各销售员今年的营收", "销售员"),
    ("按仓库统计上个月的订单量", "仓库"),
    ("每个部门去年的销售额是多少", "部门"),
    ("分仓库的订单量", "仓库"),
]
"""Breakdowns by something the demo data does not hold: read as a plain total they would be one number."""


@pytest.mark.parametrize(("question", "thing"), MISSING_GROUPINGS)
def test_a_breakdown_by_what_the_data_lacks_is_refused_naming_it(question: str, thing: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "refused"
    assert f"“{thing}”" in route.message or f"no {thing} to break" in route.message, route.message
    assert ("地区" if "“" in route.message else "region") in route.message, route.message


@pytest.mark.parametrize(
    ("question", "grouped_by"),
    [
        ("revenue by region this year", "region"),
        ("revenue per sector in 2025", "industry"),
        ("revenue by customer type", "segment"),
        ("revenue by month in 2025", "month"),
        ("各渠道今年的营收", "渠道"),
        ("按客户类型统计销售额", "客户细分"),
        ("按月统计2025年的销售额", "月"),
        ("每个客户的订单数", "客户名称"),
        ("分品类销售额", "品类"),
    ],
)
def test_a_breakdown_the_model_has_is_answered(question: str, grouped_by: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path == "semantic" and route.reading is not None, route.message
    assert grouped_by in route.reading.text


@pytest.mark.parametrize(
    "question",
    [
        "revenue by 2025",
        "customers sorted by number of returns",
        "revenue by channel pls",
        "Which region leads by far in revenue?",
        "按门店统计销售额",  # 门店 is a channel: a value, read as a filter
        "近6个月每个月新签了多少客户",  # grouped by month; 新签 is no grouping
        "revenue per cent of orders",
        "orders per Acme account",  # a value the model does not list
    ],
)
def test_by_in_other_senses_and_values_are_no_missing_breakdown(question: str) -> None:
    route = route_question(question, MODEL, "sqlite", TODAY)
    assert route.path != "refused", route.message
