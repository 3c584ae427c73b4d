"""What the words of approved questions mean: the measures and groupings of approved queries, the words a
semantic model's rules leave unexplained, and the meanings settled between the two."""

from __future__ import annotations

import pytest

from feedback.measures import Grouping, Measure, QueryParts, query_parts
from feedback.word_meanings import Reading, Seen, word_meanings
from nl2sql.connect import open_database
from nl2sql.demo.business import BUSINESS_AS_OF
from nl2sql.evaluation.business import business_database
from nl2sql.schema import Schema, load_schema
from nl2sql.semantic.bootstrap import bootstrap_model
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.question_words import question_reading

NOT_CANCELLED = "status <> 'cancelled'"
REVENUE = Measure("orders", "SUM(total_amount)", NOT_CANCELLED, "order_date")
GROSS = Measure("orders", "SUM(total_amount)", None, "order_date")
ORDER_COUNT = Measure("orders", "COUNT(*)")
INDUSTRY = Grouping("customers", "industry")
CHANNEL = Grouping("channels", "name")


@pytest.fixture(scope="module")
def demo() -> tuple[Schema, SemanticModel]:
    """The demo database's schema, and the semantic model bootstrapped from it (no business words)."""
    database = open_database(str(business_database()))
    schema = load_schema(database)
    return schema, bootstrap_model(database, schema)


def _parts(sql: str, schema: Schema) -> tuple[list[str], list[str], bool]:
    parts = query_parts(sql, schema)
    return [m.describe() for m in parts.measures], [g.key for g in parts.groupings], parts.complete


# --- feedback.measures.query_parts -------------------------------------------------------------------


def test_an_exclusion_and_a_date_window_make_the_filter_and_the_time_column(demo) -> None:
    schema, _ = demo
    (measure,) = query_parts(
        "SELECT SUM(total_amount) FROM orders WHERE status <> 'cancelled'"
        " AND order_date >= '2026-05-01' AND order_date < '2026-06-01'",
        schema,
    ).measures
    assert measure == REVENUE
    assert measure.key == "orders:SUM(total_amount) WHERE status <> 'cancelled'", "the window is no part"
    parenthesised = query_parts("SELECT AVG(total_amount) FROM orders WHERE (status <> 'cancelled')", schema)
    assert parenthesised.measures == (Measure("orders", "AVG(total_amount)", NOT_CANCELLED),)
    not_in = query_parts("SELECT COUNT(*) FROM orders WHERE status NOT IN ('cancelled', 'returned')", schema)
    assert not_in.measures[0].filter == "NOT status IN ('cancelled', 'returned')"


def test_a_measure_filtered_and_dated_on_the_joined_table_qualifies_them(demo) -> None:
    schema, _ = demo
    sql = (
        "SELECT SUM(oi.quantity) FROM order_items oi JOIN orders o ON o.order_id = oi.order_id"
        " WHERE o.status <> 'cancelled' AND o.order_date >= '2026-01-01' AND o.order_date < '2026-07-01'"
    )
    assert query_parts(sql, schema).measures == (
        Measure("order_items", "SUM(quantity)", "orders.status <> 'cancelled'", "orders.order_date"),
    )


def test_not_null_beside_its_grouping_and_equalities_are_no_filters(demo) -> None:
    schema, _ = demo
    assert _parts(
        "SELECT industry, COUNT(*) FROM customers WHERE industry IS NOT NULL GROUP BY industry", schema
    ) == (["COUNT(*) of customers"], ["customers.industry"], True)
    assert _parts("SELECT COUNT(*) FROM customers WHERE industry IS NOT NULL", schema)[0] == [
        "COUNT(*) of customers where NOT industry IS NULL"
    ], "without the grouping it does exclude rows"
    assert _parts("SELECT COUNT(*) FROM orders WHERE status = 'paid'", schema)[0] == ["COUNT(*) of orders"]
    assert _parts(
        "SELECT SUM(o.total_amount) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE c.industry = 'Retail' AND o.status <> 'cancelled'",
        schema,
    )[0] == ["SUM(total_amount) of orders where status <> 'cancelled'"]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT SUM(CASE WHEN channel_id = 1 THEN total_amount END)"
        " - SUM(CASE WHEN channel_id = 2 THEN total_amount END) FROM orders",
        "SELECT SUM(r.refund_amount) / SUM(o.total_amount) FROM returns r"
        " JOIN order_items oi ON oi.order_item_id = r.order_item_id"
        " JOIN orders o ON o.order_id = oi.order_id",
        "SELECT SUM(status = 'cancelled') FROM orders",
    ],
    ids=["comparison of slices", "ratio over two tables", "count of a named value"],
)
def test_comparisons_and_ratios_over_two_tables_are_not_complete(sql: str, demo) -> None:
    schema, _ = demo
    assert _parts(sql, schema) == ([], [], False)


def test_one_measure_compared_across_periods_is_that_measure_by_its_date(demo) -> None:
    schema, _ = demo
    compared = (
        "SELECT SUM(CASE WHEN order_date >= '2026-06-22' AND order_date < '2026-06-29' THEN total_amount END)"
        " - SUM(CASE WHEN order_date >= '2026-06-15' AND order_date < '2026-06-22' THEN total_amount END)"
        " FROM orders WHERE status <> 'cancelled'"
    )
    assert _parts(compared, schema) == (
        ["SUM(total_amount) of orders where status <> 'cancelled', by order_date"],
        [],
        True,
    )
    two_measures = compared.replace("THEN total_amount END) FROM", "THEN 1 END) FROM")
    assert _parts(two_measures, schema)[2] is False, "a sum compared with a count is no one measure"


def test_a_query_with_one_plain_measure_and_one_comparison_keeps_the_plain_one_incomplete(demo) -> None:
    schema, _ = demo
    parts = query_parts(
        "SELECT COUNT(*), SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) FROM orders", schema
    )
    assert (parts.measures, parts.complete) == ((ORDER_COUNT,), False)


def test_the_inner_select_of_a_ranking_is_read(demo) -> None:
    schema, _ = demo
    sql = (
        "SELECT name, revenue FROM (SELECT c.name, SUM(o.total_amount) AS revenue,"
        " ROW_NUMBER() OVER (ORDER BY SUM(o.total_amount) DESC) AS rn FROM orders o"
        " JOIN customers c ON c.customer_id = o.customer_id WHERE o.status <> 'cancelled' GROUP BY c.name)"
        " AS ranked WHERE rn <= 3"
    )
    assert _parts(sql, schema) == (
        ["SUM(total_amount) of orders where status <> 'cancelled'"],
        ["customers.name"],
        True,
    )


def test_a_grouping_by_alias_is_the_column(demo) -> None:
    schema, _ = demo
    sql = (
        "SELECT c.industry AS sector, COUNT(*) AS n FROM orders o"
        " JOIN customers c ON c.customer_id = o.customer_id GROUP BY sector ORDER BY n DESC"
    )
    assert query_parts(sql, schema) == QueryParts((ORDER_COUNT,), (INDUSTRY,), True)


def test_a_query_without_aggregates_has_no_parts(demo) -> None:
    schema, _ = demo
    assert query_parts("SELECT name FROM customers", schema) == QueryParts()
    assert query_parts("SELECT name FROM", schema) == QueryParts(complete=False)


# --- feedback.word_meanings.word_meanings -----------------------------------------------------------


def _meanings(*seen: Seen) -> dict[str, tuple[str, str, tuple[int, ...]]]:
    """word → (kind, key of what it means, sources)."""
    return {p.payload["synonym"]: (p.kind, p.key.rpartition(":")[0], p.sources) for p in word_meanings(seen)}


def test_a_word_every_correction_agrees_on_is_settled() -> None:
    found = _meanings(
        Seen(1, Reading(("营收",)), QueryParts((REVENUE,))),
        Seen(2, Reading(("营收", "渠道"), grouped=frozenset({"渠道"})), QueryParts((REVENUE,), (CHANNEL,))),
        Seen(3, Reading(("营收", "行业"), grouped=frozenset({"行业"})), QueryParts((REVENUE,), (INDUSTRY,))),
    )
    assert found == {
        "营收": ("metric", REVENUE.key, (1, 2, 3)),
        "渠道": ("dimension", "channels.name", (2,)),
        "行业": ("dimension", "customers.industry", (3,)),
    }
    (proposal,) = [p for p in word_meanings([Seen(1, Reading(("营收",)), QueryParts((REVENUE,)))])]
    assert proposal.payload == {
        "table": "orders",
        "expr": "SUM(total_amount)",
        "filter": NOT_CANCELLED,
        "time_column": "order_date",
        "synonym": "营收",
    }


def test_two_thirds_of_three_corrections_settle_a_word() -> None:
    seen = [
        Seen(1, Reading(("营收",)), QueryParts((GROSS,))),
        Seen(2, Reading(("营收",)), QueryParts((REVENUE,))),
        Seen(3, Reading(("营收",)), QueryParts((REVENUE,))),
    ]
    assert _meanings(*seen) == {"营收": ("metric", REVENUE.key, (2, 3))}


def test_a_word_two_corrections_disagree_on_is_not_settled() -> None:
    assert (
        _meanings(
            Seen(1, Reading(("营收",)), QueryParts((REVENUE,))),
            Seen(2, Reading(("营收",)), QueryParts((ORDER_COUNT,))),
        )
        == {}
    )
    assert (
        _meanings(
            Seen(1, Reading(("营收",)), QueryParts((REVENUE,))),
            Seen(2, Reading(("营收",)), QueryParts((GROSS,))),
        )
        == {}
    ), "another filter is another measure"


def test_one_correction_settles_a_word_only_when_it_is_alone_or_a_grouping_word() -> None:
    both = QueryParts((REVENUE,), (INDUSTRY,))
    assert _meanings(Seen(1, Reading(("营收", "行业")), both)) == {}, "which word is which?"
    assert _meanings(Seen(1, Reading(("营收", "卖得")), QueryParts((REVENUE,)))) == {}
    grouped = Reading(("营收", "行业"), grouped=frozenset({"行业"}))
    assert _meanings(Seen(1, grouped, both)) == {
        "行业": ("dimension", "customers.industry", (1,)),
        "营收": ("metric", REVENUE.key, (1,)),  # alone once 行业 is placed
    }
    two_groupings = QueryParts((REVENUE,), (INDUSTRY, CHANNEL))
    assert _meanings(Seen(1, grouped, two_groupings)) == {}, "which grouping does 行业 name?"


def test_one_correction_naming_a_table_settles_no_count() -> None:
    dogs = Measure("treatments", "COUNT(DISTINCT dog_id)")
    went = Reading(("went",), tables=frozenset({"dogs", "treatments"}))
    assert _meanings(Seen(1, went, QueryParts((dogs,)))) == {}, "'dogs' says what is counted"
    assert _meanings(Seen(1, Reading(("went",)), QueryParts((dogs,)))) == {
        "went": ("metric", dogs.key, (1,))
    }, "no table named: the lone word is all there is to read"
    twice = [Seen(n, went, QueryParts((dogs,))) for n in (1, 2)]
    assert _meanings(*twice) == {"went": ("metric", dogs.key, (1, 2))}, "two corrections agree"


def test_a_settled_word_takes_its_part_out_of_the_running() -> None:
    both = Seen(2, Reading(("行业", "营收")), QueryParts((REVENUE,), (INDUSTRY,)))
    assert _meanings(both) == {}
    assert _meanings(Seen(1, Reading(("营收",)), QueryParts((REVENUE,))), both) == {
        "营收": ("metric", REVENUE.key, (1, 2)),
        "行业": ("dimension", "customers.industry", (2,)),
    }


def test_what_the_question_names_already_is_no_candidate() -> None:
    named_table = Reading(("营收",), tables=frozenset({"orders"}))
    assert _meanings(Seen(1, named_table, QueryParts((ORDER_COUNT, REVENUE)))) == {
        "营收": ("metric", REVENUE.key, (1,))
    }, "COUNT(*) of orders is the question's 'orders'"
    named_metric = Reading(("渠道",), measures=frozenset({("orders", "sum(total_amount)")}))
    assert _meanings(Seen(1, named_metric, QueryParts((REVENUE,), (CHANNEL,)))) == {
        "渠道": ("dimension", "channels.name", (1,))
    }
    named_column = Reading(("营收",), columns=frozenset({("customers", "industry")}))
    assert _meanings(Seen(1, named_column, QueryParts((REVENUE,), (INDUSTRY,)))) == {
        "营收": ("metric", REVENUE.key, (1,))
    }
    assert (
        _meanings(Seen(1, Reading(("营收",), tables=frozenset({"orders"})), QueryParts((ORDER_COUNT,)))) == {}
    )


def test_an_incomplete_query_does_not_vote() -> None:
    revenue = Seen(1, Reading(("营收",)), QueryParts((REVENUE,)))
    disagreeing = QueryParts((ORDER_COUNT,))
    assert _meanings(revenue, Seen(2, Reading(("营收",)), disagreeing)) == {}
    incomplete = QueryParts((ORDER_COUNT,), complete=False)
    assert _meanings(revenue, Seen(2, Reading(("营收",)), incomplete)) == {
        "营收": ("metric", REVENUE.key, (1,))
    }


def test_short_words_are_no_names() -> None:
    assert _meanings(Seen(1, Reading(("额",)), QueryParts((REVENUE,)))) == {}
    assert _meanings(Seen(1, Reading(("Revenue",)), QueryParts((REVENUE,)))) == {
        "revenue": ("metric", REVENUE.key, (1,))
    }


ITEM_SALES = Measure(
    "order_items", "SUM(quantity * unit_price)", "orders.status <> 'cancelled'", "orders.order_date"
)
PRODUCT = Grouping("products", "name")
CITY = Grouping("customers", "city")


def test_a_word_split_between_a_sum_and_its_finer_twin_means_both() -> None:
    by_city = Seen(1, Reading(("销售额",), grouped=frozenset()), QueryParts((REVENUE,), (CITY,)))
    by_product = Seen(2, Reading(("销售额",)), QueryParts((ITEM_SALES,), (PRODUCT,)))
    (sales,) = word_meanings([by_city, by_product])
    assert sales.payload["finer"] == {
        "table": "order_items",
        "expr": "SUM(quantity * unit_price)",
        "filter": "orders.status <> 'cancelled'",
        "time_column": "orders.order_date",
    }
    assert (sales.payload["expr"], sales.sources) == ("SUM(total_amount)", (1, 2))
    other_filter = Measure("order_items", "SUM(quantity * unit_price)", None, "orders.order_date")
    assert _meanings(by_city, Seen(2, Reading(("销售额",)), QueryParts((other_filter,)))) == {}, (
        "summed with another exclusion: another measure, not its twin"
    )
    returns = Measure("returns", "SUM(refund_amount)", None, "return_date")
    assert _meanings(by_city, Seen(2, Reading(("销售额",)), QueryParts((returns,)))) == {}


def test_a_ranking_with_nothing_read_to_rank_is_no_word_to_learn(demo) -> None:
    _, model = demo
    assert question_reading("上半年销量垫底的3个品牌", model, BUSINESS_AS_OF).words == ("销量", "品牌")


# --- nl2sql.semantic.question_words.question_reading ---------------------------------------------------


def test_the_bootstrapped_model_leaves_the_business_word(demo) -> None:
    _, model = demo
    reading = question_reading("上个月营收多少", model, BUSINESS_AS_OF)
    assert reading.words == ("营收",)
    assert (reading.tables, reading.columns, reading.measures, reading.grouped) == (
        frozenset(),
        frozenset(),
        frozenset(),
        frozenset(),
    )


def test_words_with_a_stop_character_stay_whole_and_an_area_word_says_a_region(demo) -> None:
    _, model = demo
    reading = question_reading("上个月华南区有效订单多少单", model, BUSINESS_AS_OF)
    assert reading.words == ("有效订单",), "not 效订单, and 区 belongs to 华南"
    assert reading.columns == frozenset({("regions", "name_zh")})
    assert question_reading("各客户细分分别有多少客户", model, BUSINESS_AS_OF).words[0] == "客户细分"


def test_a_word_after_a_grouping_cue_is_grouped_unless_it_also_stands_alone(demo) -> None:
    _, model = demo
    reading = question_reading("今年每个渠道的客单价", model, BUSINESS_AS_OF)
    assert set(reading.words) == {"渠道", "客单价"}
    assert reading.grouped == frozenset({"渠道"})
    twice = question_reading("今年每个渠道的客单价，哪个渠道最高", model, BUSINESS_AS_OF)
    assert "渠道" in twice.words and twice.grouped == frozenset()


def test_what_the_rules_read_is_named_in_physical_names(demo) -> None:
    _, model = demo
    reading = question_reading("number of orders by status", model, BUSINESS_AS_OF)
    assert reading.words == ()
    assert reading.columns == frozenset({("orders", "status")})
    assert reading.measures == frozenset({("orders", "count(*)")})
    assert reading.names(ORDER_COUNT) and reading.names(Grouping("orders", "status"))
    assert not reading.names(REVENUE)
