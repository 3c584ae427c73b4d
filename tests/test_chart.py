"""Choosing and drawing the chart of a result: every rule, its near misses, the drawing, the switcher."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from chatbi_jupyterlab.notebook.chart import (
    CHART_KINDS,
    ChartChoice,
    ChartError,
    available_kinds,
    choice_for,
    choose_chart,
)
from chatbi_jupyterlab.notebook.figure import MAX_BARS, build_figure

Frame = Callable[[], pd.DataFrame]


def frame(**columns: object) -> Frame:
    return lambda: pd.DataFrame(columns)


SEGMENTS = ["Consumer", "SMB", "Enterprise"]
NINE = [f"c{i}" for i in range(9)]

# (case, frame, question, expected "kind x y[+y]", "-" for no x). Each rule's cases come first, then its
# near misses: the results that look like it but must not take it.
# fmt: off
CASES: list[tuple[str, Frame, str, str]] = [
    # indicator: one number
    ("one count", frame(**{"COUNT(*)": [7500]}), "How many customers are there?", "indicator - COUNT(*)"),
    ("one average", frame(avg_amount=[20427.3]), "", "indicator - avg_amount"),
    ("one decimal", frame(revenue=[Decimal("12.50")]), "", "indicator - revenue"),
    ("one labelled row", frame(city=["Shanghai"], customers=[1319]), "哪个城市的客户最多？",
     "indicator city customers"),
    ("one text value", frame(name=["Acme"]), "", "table - "),
    ("one column of numbers", frame(amount=[1.0, 2.0, 3.0]), "", "table - "),
    ("one row, three numbers", frame(industry=["Health"], a=[1.0], b=[2.0], c_pct=[3.0]), "", "table - "),
    # line: a time column
    ("datetime column", lambda: pd.DataFrame({"day": pd.to_datetime(["2025-01-02", "2025-01-01"]),
     "n": [3, 4]}), "", "line day n"),
    ("date strings", frame(order_date=["2025-01-02", "2025-01-01", "2025-01-03"], revenue=[1.0, 2.0, 3.0]),
     "", "line order_date revenue"),
    ("date-time strings", frame(d=["2025-01-02 10:00:00", "2025-01-01 09:30:00"], revenue=[1.0, 2.0]),
     "", "line d revenue"),
    ("month strings", frame(month=["2025-02", "2025-01", "2025-03"], revenue=[1.0, 2.0, 3.0]),
     "Revenue per month?", "line month revenue"),
    ("year integers", frame(year=[2023, 2024, 2025], revenue=[1.0, 2.0, 3.0]), "", "line year revenue"),
    ("year strings", frame(year=["2023", "2024"], revenue=[1.0, 2.0]), "", "line year revenue"),
    ("order year integers", frame(order_year=[2024, 2025], revenue=[1.0, 2.0]), "",
     "line order_year revenue"),
    ("month numbers", frame(month=["01", "02", "03"], orders=[5, 6, 7]), "2025年每个月有多少订单？",
     "line month orders"),
    ("chinese years", frame(年份=[2023, 2024], 销售额=[1.0, 2.0]), "每年的销售额是多少？",
     "line 年份 销售额"),
    ("chinese months", frame(月份=["2025年1月", "2025年2月"], 销售额=[1.0, 2.0]), "", "line 月份 销售额"),
    ("two measures on one scale", frame(month=["2025-01", "2025-02"], revenue=[10.0, 12.0], cost=[8.0, 9.0]),
     "", "line month revenue+cost"),
    ("a rate beside an amount", frame(year=[2023, 2024, 2025], revenue=[1e8, 1.2e8, 1.4e8],
     growth_pct=[None, 20, 16.7]), "", "line year growth_pct"),
    ("date and category", frame(month=["2025-01", "2025-01", "2025-02", "2025-02"],
     segment=["A", "B", "A", "B"], revenue=[1.0, 2.0, 3.0, 4.0]), "", "line month revenue"),
    ("years named revenue", frame(shop=["a", "b"], revenue=[2000, 2010]), "", "bar shop revenue"),
    ("year-like codes", frame(store_code=["2023", "2024"], sales=[5.0, 7.0]), "", "bar store_code sales"),
    ("impossible dates", frame(order_date=["2025-13-45", "2025-14-46"], revenue=[1.0, 2.0]),
     "", "bar order_date revenue"),
    ("month number out of range", frame(month=[1, 13], revenue=[1.0, 2.0]), "", "scatter month revenue"),
    # bar: a category and a measure
    ("category and count", frame(segment=SEGMENTS, customers=[4000, 2600, 900]),
     "How many customers are in each segment?", "bar segment customers"),
    ("chinese category", frame(品牌=["甲", "乙"], 产品数=[26, 47]), "每个品牌有多少个产品？",
     "bar 品牌 产品数"),
    ("ordinal buckets", frame(age=["0-9", "10-19", "20-29"], people=[5, 9, 3]), "", "bar age people"),
    ("weekdays", frame(weekday=["Tue", "Mon", "Wed"], orders=[5, 9, 3]), "", "bar weekday orders"),
    ("two categories", frame(region=["N", "N", "S", "S", "E"], segment=["A", "B", "A", "B", "A"],
     revenue=[1.0, 2.0, 3.0, 4.0, 5.0]), "", "bar region revenue"),
    ("id beside a name", frame(customer_id=[232, 338], name=["Dafeng", "Zhongrun"], spent=[8.9e6, 7.0e6]),
     "Which customers spent the most?", "bar name spent"),
    ("only an id", frame(order_id=[10, 11, 12], amount=[3.0, 1.0, 2.0]), "", "bar order_id amount"),
    ("camel-case id", frame(customerId=[1, 2], amount=[3.0, 1.0]), "", "bar customerId amount"),
    ("paid is no id", frame(segment=SEGMENTS, paid=[3, 3, 5]), "", "bar segment paid"),
    ("driver values", frame(day=[date(2025, 1, 2), date(2025, 1, 1)], amount=[Decimal("1.5"), Decimal("2")]),
     "", "line day amount"),
    ("rate among counts", frame(category=["a", "b"], units_sold=[900, 400], units_returned=[48, 20],
     return_rate_pct=[5.3, 4.9]), "What is the return rate per category?", "bar category return_rate_pct"),
    ("two amounts on one scale", frame(region=["N", "S"], last_year=[9e7, 7e7], year_before=[8e7, 6e7]),
     "", "bar region last_year+year_before"),
    ("rates are not shares", frame(segment=SEGMENTS, repurchase_rate_pct=[96.8, 91.2, 53.8]),
     "the share of buyers who placed two orders", "bar segment repurchase_rate_pct"),
    ("averages summing to 100", frame(segment=SEGMENTS, avg_price=[50.0, 30.0, 20.0]),
     "", "bar segment avg_price"),
    ("share question, negative values", frame(segment=SEGMENTS, profit=[5.0, -2.0, 3.0]),
     "What is the share of profit per segment?", "bar segment profit"),
    ("share question, nine parts", frame(category=NINE, orders=list(range(1, 10))),
     "What is the distribution of orders?", "bar category orders"),
    ("nine parts summing to 100", frame(category=NINE, share_pct=[20.0] + [10.0] * 8),
     "", "bar category share_pct"),
    ("rows repeat a category", frame(segment=["A", "B", "A", "B"], amount=[1.0, 2.0, 3.0, 4.0]),
     "", "bar segment amount"),
    # pie: parts of a whole
    ("share question", frame(channel=["Online", "Store", "Partner"], orders=[300, 500, 200]),
     "What share of orders comes from each channel?", "pie channel orders"),
    ("percentage question", frame(channel=["Online", "Store"], revenue=[3e6, 5e6]),
     "What percentage of revenue came from each channel?", "pie channel revenue"),
    ("distribution question", frame(segment=SEGMENTS, customers=[4000, 2600, 900]),
     "Show the distribution of customers by segment", "pie segment customers"),
    ("占比", frame(channel=["线上", "门店"], orders=[30, 50]), "各渠道订单占比是多少？",
     "pie channel orders"),
    ("比例", frame(segment=SEGMENTS, customers=[4000, 2600, 900]), "各客户群体的比例",
     "pie segment customers"),
    ("构成", frame(segment=SEGMENTS, revenue=[4.0, 2.0, 1.0]), "销售额的构成", "pie segment revenue"),
    ("percentages add to 100", frame(channel=["a", "b", "c"], revenue=[5e6, 3e6, 2e6],
     share_pct=[50.0, 30.1, 19.9]), "", "pie channel share_pct"),
    ("fractions add to 1", frame(channel=["a", "b"], share=[0.6, 0.4]), "", "pie channel share"),
    ("eight parts", frame(category=NINE[:8], orders=list(range(1, 9))), "订单的分布", "pie category orders"),
    # scatter: two measures
    ("two measures", frame(price=[1.0, 2.0, 3.0], units=[30, 20, 10]), "", "scatter price units"),
    ("many rows of two measures", lambda: pd.DataFrame({"product": [f"p{i}" for i in range(40)],
     "price": np.arange(40.0), "units": np.arange(40) * 2}), "", "scatter price units"),
    ("few rows of two measures", frame(product=["a", "b"], price=[1.0, 2.0], units=[30, 40]),
     "", "bar product price"),
    ("three measures", frame(a=[1.0, 2.0], b=[3.0, 4.0], c=[5.0, 6.0]), "", "table - "),
    # table: nothing to draw
    ("empty result", frame(segment=[], customers=[]), "How many customers?", "table - "),
    ("no columns", pd.DataFrame, "", "table - "),
    ("only text", frame(name=["Direct Sales", "Distributor"]), "List the channels.", "table - "),
    ("only nulls", frame(segment=["a", "b"], revenue=[None, None]), "", "table - "),
    ("duplicate names", lambda: pd.DataFrame([[1, 2]], columns=["n", "n"]), "", "table - "),
]
# fmt: on


@pytest.mark.parametrize(
    ("build", "question", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_choose_chart(build: Frame, question: str, expected: str) -> None:
    kind, x, y = expected.split(" ")
    choice = choose_chart(build(), question)
    assert (choice.kind, choice.x, choice.y) == (
        kind,
        None if x == "-" else x,
        tuple(y.split("+") if y else ()),
    )
    assert choice.reason and not choice.reason[0].isupper(), "a short sentence, shown after the chart's name"


@pytest.mark.parametrize(("build", "question"), [case[1:3] for case in CASES], ids=[c[0] for c in CASES])
def test_every_available_kind_can_be_chosen_and_drawn(build: Frame, question: str) -> None:
    data = build()
    kinds = available_kinds(data)
    assert kinds[-1] == "table" and set(kinds) <= set(CHART_KINDS)
    assert choose_chart(data, question).kind in kinds
    for kind in kinds:
        choice = choice_for(data, kind, question)
        assert choice.kind == kind
        assert (build_figure(data, choice) is None) == (kind == "table")
    for kind in set(CHART_KINDS) - set(kinds):
        with pytest.raises(ValueError):
            choice_for(data, kind, question)


def test_the_second_category_colours_the_bars_or_the_lines() -> None:
    bars = frame(region=["N", "N", "S", "S", "E", "E"], segment=["A", "B"] * 3, revenue=[1.0] * 6)()
    assert choose_chart(bars).color == "segment"
    swapped = bars[["segment", "region", "revenue"]]
    assert (choose_chart(swapped).x, choose_chart(swapped).color) == ("region", "segment")
    lines = frame(month=["2025-01", "2025-01", "2025-02"], segment=["A", "B", "A"], revenue=[1.0, 2.0, 3.0])()
    assert choose_chart(lines).color == "segment"
    assert choose_chart(frame(year=["2023", "2024"], month=["12", "11"], revenue=[1.0, 2.0])()).color is None


def test_bars_run_largest_first_unless_the_category_is_ordered() -> None:
    assert choose_chart(frame(segment=SEGMENTS, customers=[1, 3, 2])()).order == "descending"
    assert choose_chart(frame(age=["0-9", "10-19"], people=[1, 3])()).order == "x"


def test_choice_to_dict() -> None:
    choice = choose_chart(frame(segment=SEGMENTS, customers=[1, 3, 2])())
    assert choice.to_dict() == {
        "kind": "bar",
        "x": "segment",
        "y": ["customers"],
        "color": None,
        "reason": "a category and one measure: bars sorted by customers, largest first",
        "order": "descending",
    }


def test_choose_chart_is_fast_on_10_000_rows() -> None:
    rows = 10_000
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {
            "order_id": np.arange(rows),
            "customer_id": rng.integers(1, 500, rows),
            "segment": rng.choice(SEGMENTS, rows),
            "order_date": pd.date_range("2020-01-01", periods=rows, freq="h").strftime("%Y-%m-%d"),
            "amount": rng.random(rows) * 100,
        }
    )
    choose_chart(data)
    started = time.perf_counter()
    choice = choose_chart(data)
    assert time.perf_counter() - started < 0.5
    assert (choice.kind, choice.x, choice.color) == ("line", "order_date", "segment")


# --- drawing ---------------------------------------------------------------------------------------


def test_indicator_shows_the_value() -> None:
    figure = build_figure(frame(n=[7500])(), choice_for(frame(n=[7500])(), "indicator"))
    (trace,) = figure.data
    assert isinstance(trace, go.Indicator)
    assert (trace.value, trace.number.valueformat, trace.title.text) == (7500, ",d", "n")
    labelled = frame(city=["Shanghai"], revenue=[1234.5])()
    (trace,) = build_figure(labelled, choose_chart(labelled)).data
    assert trace.value == 1234.5 and trace.number.valueformat == ",.2f" and "Shanghai" in trace.title.text


def test_line_is_sorted_by_time() -> None:
    data = frame(month=["2025-03", "2025-01", "2025-02"], revenue=[3.0, 1.0, 2.0])()
    figure = build_figure(data, choose_chart(data))
    (trace,) = figure.data
    assert isinstance(trace, go.Scatter) and "lines" in trace.mode
    assert [str(x)[:7] for x in trace.x] == ["2025-01", "2025-02", "2025-03"]
    assert list(trace.y) == [1.0, 2.0, 3.0]
    assert figure.layout.xaxis.title.text == "month" and figure.layout.yaxis.title.text == "revenue"


def test_line_of_years_uses_a_category_axis_in_order() -> None:
    data = frame(year=[2025, 2023, 2024], revenue=[3.0, 1.0, 2.0])()
    figure = build_figure(data, choose_chart(data))
    assert list(figure.data[0].x) == ["2023", "2024", "2025"] and list(figure.data[0].y) == [1.0, 2.0, 3.0]
    assert figure.layout.xaxis.type == "category"


def test_line_per_series_and_summed_repeats() -> None:
    data = frame(
        month=["2025-02", "2025-01", "2025-01", "2025-02", "2025-02"],
        segment=["A", "A", "B", "B", "B"],
        revenue=[2.0, 1.0, 10.0, 5.0, 6.0],
    )()
    figure = build_figure(data, choose_chart(data))
    assert [trace.name for trace in figure.data] == ["B", "A"]  # largest series first
    assert list(figure.data[0].y) == [10.0, 11.0]
    assert "summed per month and segment" in figure.layout.title.text


def test_bar_is_sorted_and_capped() -> None:
    data = frame(segment=SEGMENTS, customers=[900, 4000, 2600])()
    (trace,) = build_figure(data, choose_chart(data)).data
    assert isinstance(trace, go.Bar)
    assert (list(trace.x), list(trace.y)) == (["SMB", "Enterprise", "Consumer"], [4000, 2600, 900])
    many = pd.DataFrame({"sku": [f"s{i}" for i in range(50)], "units": range(50)})
    figure = build_figure(many, choose_chart(many), title="Units per SKU")
    assert len(figure.data[0].x) == MAX_BARS and figure.data[0].x[0] == "s49"
    assert figure.layout.title.text == "Units per SKU (top 30 of 50 sku)"


def test_bar_of_ordered_categories_keeps_their_order() -> None:
    data = frame(age=["20-29", "0-9", "10-19"], people=[1, 9, 5])()
    (trace,) = build_figure(data, choose_chart(data)).data
    assert list(trace.x) == ["0-9", "10-19", "20-29"]


def test_bar_sums_repeated_categories_and_runs_long_labels_sideways() -> None:
    data = frame(name=["Shenzhen Dafeng Technology", "Tianjin Lirui Health", "Shenzhen Dafeng Technology"],
                 spent=[1.0, 5.0, 7.0])()  # fmt: skip
    figure = build_figure(data, choose_chart(data))
    (trace,) = figure.data
    assert trace.orientation == "h"
    assert list(trace.y) == ["Shenzhen Dafeng Technology", "Tianjin Lirui Health"] and list(trace.x) == [
        8.0,
        5.0,
    ]
    assert "summed per name" in figure.layout.title.text


def test_grouped_bar_has_a_trace_per_colour() -> None:
    data = frame(
        region=["N", "N", "S", "S", "E"], segment=["A", "B", "A", "B", "A"], revenue=[1.0, 2.0, 3.0, 4.0, 5.0]
    )()
    figure = build_figure(data, choose_chart(data))
    assert figure.layout.barmode == "group"
    assert [trace.name for trace in figure.data] == ["A", "B"]
    assert list(figure.data[0].x) == ["S", "E", "N"]  # by total: 7, 5, 3
    assert list(figure.data[1].y)[:2] == [4.0, 2.0] or np.isnan(figure.data[1].y[1])


def test_pie_keeps_seven_slices_and_other() -> None:
    data = frame(channel=["a", "b"], orders=[30, 50])()
    (trace,) = build_figure(data, choose_chart(data, "订单占比")).data
    assert isinstance(trace, go.Pie)
    assert (list(trace.labels), list(trace.values)) == (["b", "a"], [50, 30])
    many = pd.DataFrame({"city": [f"c{i}" for i in range(12)], "customers": range(1, 13)})
    figure = build_figure(many, choice_for(many, "pie"))
    (trace,) = figure.data
    assert len(trace.labels) == 8 and trace.labels[-1] == "Other"
    assert list(trace.values) == [12, 11, 10, 9, 8, 7, 6, 1 + 2 + 3 + 4 + 5]
    assert "top 7 of 12 city, the rest as Other" in figure.layout.title.text


def test_pie_refuses_negative_values() -> None:
    data = frame(segment=SEGMENTS, profit=[5.0, -2.0, 3.0])()
    with pytest.raises(ChartError, match="negative"):
        build_figure(data, ChartChoice("pie", x="segment", y=("profit",)))


def test_scatter_plots_one_measure_against_the_other() -> None:
    data = frame(product=["a", "b", "c"], price=[1.0, 2.0, 3.0], units=[30, 20, 10])()
    figure = build_figure(data, choice_for(data, "scatter"))
    (trace,) = figure.data
    assert isinstance(trace, go.Scatter) and trace.mode == "markers"
    assert (list(trace.x), list(trace.y), list(trace.text)) == (
        [1.0, 2.0, 3.0],
        [30, 20, 10],
        ["a", "b", "c"],
    )
    assert (figure.layout.xaxis.title.text, figure.layout.yaxis.title.text) == ("price", "units")


def test_table_draws_nothing_and_unknown_columns_are_refused() -> None:
    data = frame(segment=SEGMENTS, customers=[1, 2, 3])()
    assert build_figure(data, choice_for(data, "table")) is None
    with pytest.raises(ChartError, match="no column 'revenue'"):
        build_figure(data, ChartChoice("bar", x="segment", y=("revenue",)))


# --- switching -------------------------------------------------------------------------------------


def test_choice_for_gives_the_best_of_a_kind() -> None:
    data = frame(segment=SEGMENTS, customers=[4000, 2600, 900])()
    assert choice_for(data, "bar") == choose_chart(data)
    pie = choice_for(data, "pie")
    assert (pie.kind, pie.x, pie.y) == ("pie", "segment", ("customers",))
    yearly = frame(year=["2023", "2024"], revenue=[1.0, 2.0])()
    bar = choice_for(yearly, "bar")
    assert (bar.x, bar.order) == ("year", "x")


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (frame(segment=SEGMENTS, customers=[1, 2, 3]), "line", "a line needs a time column"),
        (
            frame(segment=SEGMENTS, customers=[1, 2, 3]),
            "scatter",
            "two numeric columns, but the result has 1",
        ),
        (frame(segment=SEGMENTS, customers=[1, 2, 3]), "indicator", "the result has 3 rows"),
        (frame(segment=SEGMENTS, profit=[1.0, -2.0, 3.0]), "pie", "no negative"),
        (frame(name=["a", "b"]), "bar", "needs a numeric column"),
        (frame(price=[1.0, 2.0], units=[3, 4]), "bar", "needs a category or time column"),
        (frame(segment=[], customers=[]), "bar", "the result is empty"),
        (frame(segment=SEGMENTS, customers=[1, 2, 3]), "donut", "unknown chart kind 'donut'"),
    ],
)
def test_choice_for_refuses_a_kind_that_does_not_fit(data: Frame, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        choice_for(data(), kind)


def test_available_kinds() -> None:
    assert available_kinds(frame(n=[1])()) == ("indicator", "table")
    assert available_kinds(frame(segment=SEGMENTS, customers=[1, 2, 3])()) == ("bar", "pie", "table")
    assert available_kinds(frame(month=["2025-01", "2025-02"], revenue=[1.0, -2.0])()) == (
        "line",
        "bar",
        "table",
    )
    assert available_kinds(frame(price=[1.0, 2.0], units=[3, 4])()) == ("scatter", "table")
    assert available_kinds(pd.DataFrame()) == ("table",)


# --- the demo database's gold queries ----------------------------------------------------------------

DEMO_KINDS = {
    "demo-001": ("indicator", None),  # How many customers are there?
    "demo-003": ("bar", "segment"),  # How many customers are in each segment?
    "demo-004": ("table", None),  # List the names of all sales channels.
    "demo-014": ("indicator", "city"),  # 哪个城市的客户最多？
    "demo-018": ("line", "year"),  # total revenue in each year
    "demo-021": ("line", "month"),  # 最近三个自然月每个月的销售额
    "demo-022": ("bar", "channel"),  # 每个销售渠道各有多少订单？
    "demo-027": ("line", "month"),  # 2025年每个月有多少订单？
    "demo-036": ("bar", "channel"),  # 各销售渠道的订单取消率 (a rate: no pie)
    "demo-042": ("bar", "category"),  # return rate per category
    "demo-047": ("pie", "channel"),  # What percentage of 2025 revenue came from each sales channel?
    "demo-048": ("pie", "channel"),  # 各销售渠道的订单数占比
    "demo-052": ("table", None),  # one row, several numbers
}


@pytest.fixture(scope="module")
def demo_results(current_demo_db) -> dict[str, tuple[str, pd.DataFrame]]:
    """Each question's result: relative dates on data up to today, fixed ones on the pinned demo data."""
    from nl2sql.connect import open_database
    from nl2sql.demo import load_demo_questions
    from nl2sql.execute import run_query

    pinned, current = open_database("demo"), open_database(current_demo_db)
    return {
        question.id: (
            question.question,
            run_query(current if question.counts_from_today else pinned, question.sql).to_frame(),
        )
        for question in load_demo_questions()
        if question.id in DEMO_KINDS
    }


@pytest.mark.parametrize("question_id", sorted(DEMO_KINDS))
def test_demo_questions_get_the_expected_chart(question_id: str, demo_results: dict) -> None:
    question, result = demo_results[question_id]
    choice = choose_chart(result, question)
    assert (choice.kind, choice.x) == DEMO_KINDS[question_id], choice.reason
    assert (build_figure(result, choice) is None) == (choice.kind == "table")


@pytest.mark.parametrize(
    ("frame", "kind", "shape"),
    [
        (pd.DataFrame({"segment": ["Consumer", "SMB"], "n": [4000, 2600]}), "bar", "<rect"),
        (pd.DataFrame({"month": ["2025-01", "2025-02"], "revenue": [5.0, 4.0]}), "line", "<polyline"),
        (pd.DataFrame({"channel": ["Online", "Store"], "orders": [30, 50]}), "pie", "<path"),
        (pd.DataFrame({"COUNT(*)": [7500]}), "indicator", "7,500"),
    ],
)
def test_every_chart_has_a_static_drawing_that_needs_nothing_loaded(
    frame: pd.DataFrame, kind: str, shape: str
) -> None:
    from chatbi_jupyterlab.notebook.chart import choice_for
    from chatbi_jupyterlab.notebook.figure import build_figure

    from explain.figure_svg import figure_svg

    svg = figure_svg(build_figure(frame, choice_for(frame, kind)))
    assert svg.startswith("<svg") and shape in svg and "<script" not in svg
    assert "T00:00" not in svg  # dates read as dates


@pytest.mark.parametrize(
    "month", ["CAST(strftime('%m', order_date) AS INTEGER)", "EXTRACT(MONTH FROM order_date)", "month"]
)
def test_a_month_kept_as_a_number_is_time_on_the_x_axis(month: str) -> None:
    frame = pd.DataFrame({month: [1, 2, 3, 4, 5, 6], "SUM(total_amount)": [5.0, 3, 4, 6, 2, 9]})
    choice = choose_chart(frame)
    assert choice.kind == "line" and choice.x == month and choice.y == ("SUM(total_amount)",)


@pytest.mark.parametrize(("build", "question"), [case[1:3] for case in CASES], ids=[c[0] for c in CASES])
def test_the_live_and_the_static_chart_follow_the_theme(build: Frame, question: str) -> None:
    """JupyterLab's plotly renderer draws what it is sent: a template (plotly_white) would pin a white page
    in the dark theme. The live chart goes without one, on a transparent page with grey lines; the SVG
    drawing takes the page's text colour and paints no background."""
    import re

    from chatbi_jupyterlab.notebook.answer_chart import PLOTLY_MIMETYPE, plotly_bundle

    from explain.figure_svg import figure_svg

    data = build()
    for kind in available_kinds(data)[:-1]:
        figure = build_figure(data, choice_for(data, kind, question))
        sent = plotly_bundle(figure)[PLOTLY_MIMETYPE]
        layout = sent["layout"]
        assert "template" not in layout
        assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == "rgba(0,0,0,0)"
        assert layout["font"]["color"] == "#888888"  # legible on white and on black
        for name in ("xaxis", "yaxis") if kind in ("bar", "line", "scatter") else ():
            assert layout[name]["gridcolor"].startswith("rgba(128,128,128,")
        assert [trace["type"] for trace in sent["data"]] == [trace.type for trace in figure.data]
        svg = figure_svg(figure)
        assert "fill: currentColor" in svg
        colours = set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg))
        assert not colours & {"#000", "#000000", "black", "#fff", "#ffffff", "white"}, colours


def test_reasons_are_written_in_the_question_language() -> None:
    frame = pd.DataFrame({"segment": ["Consumer", "SMB", "Enterprise"], "customers": [4000, 2600, 900]})
    chinese = choose_chart(frame, "各客户类型有多少客户？").reason
    english = choose_chart(frame, "How many customers are in each segment?").reason
    assert "柱状图" in chinese and "customers" in chinese
    assert english.startswith("a category") and not re.search(r"[\u3400-\u9fff]", english)
    assert choose_chart(frame.iloc[:0], "各客户类型有多少客户？").reason.startswith("结果为空")


@pytest.mark.parametrize("kind", ["indicator", "line", "bar", "pie", "scatter"])
def test_markup_in_values_and_column_names_is_drawn_as_text(kind: str) -> None:
    """Plotly draws ``<a href>`` and ``<b>`` in labels, names and titles as markup: data never does."""
    link, bold = '<a href="https://evil.example">offer</a>', "<b>R&D</b>"
    hostile = pd.DataFrame({bold: [link, bold, "x"], "<i>n</i>": [3, 2, 1], "m": [1.0, 2.0, 3.0]})
    x, y = (bold, ("<i>n</i>",)) if kind != "scatter" else ("m", ("<i>n</i>",))
    figure = build_figure(hostile, ChartChoice(kind, x=x, y=y, color=None if kind != "scatter" else bold))
    drawn = repr(figure.to_plotly_json()["data"]) + repr(figure.layout.to_plotly_json())
    assert not re.search(r"<\s*(a|b|i)\b", drawn), drawn[:500]
    assert "&lt;a href=" in drawn and "&lt;b&gt;R&amp;D" in drawn
