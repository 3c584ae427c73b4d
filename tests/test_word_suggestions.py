"""Business words learned from approved corrections, end to end: corrections on the demo database teach a
model bootstrapped from its schema that "营收" is a metric and "行业" a dimension; once a reviewer accepts
them, new questions in those words are read by the rules, with the numbers the hand-written queries give.
The feedback store keeps the new kinds of suggestion on SQLite and PostgreSQL, older stores migrated."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import normalized

from feedback.log import FeedbackLog
from feedback.migrations import MIGRATIONS, m006_reviewers
from feedback.review import approve, review_queue
from feedback.store import open_store, store_url
from feedback.suggestions import (
    ACCEPTED,
    PENDING,
    REJECTED,
    Proposal,
    Suggestion,
    SuggestionError,
    SuggestionStore,
)
from nl2sql.connect import Database, open_database
from nl2sql.demo.business import BUSINESS_AS_OF
from nl2sql.evaluation.business import business_database
from nl2sql.execute import run_query
from nl2sql.schema import Schema, load_schema
from nl2sql.semantic.bootstrap import bootstrap_model
from nl2sql.semantic.learned import learned_model, overlay
from nl2sql.semantic.model import SemanticModel
from nl2sql.semantic.route import Route, route_question

NOON = datetime(2026, 6, 30, 12, tzinfo=UTC)
"""The store's clock: the demo data's last day."""
REVENUE = "SELECT SUM(total_amount) FROM orders WHERE status <> 'cancelled'"
REVENUE_CORRECTIONS = [
    ("上个月营收多少", f"{REVENUE} AND order_date >= '2026-05-01' AND order_date < '2026-06-01'"),
    ("今年营收多少", f"{REVENUE} AND order_date >= '2026-01-01' AND order_date < '2027-01-01'"),
    ("上周营收多少", f"{REVENUE} AND order_date >= '2026-06-22' AND order_date < '2026-06-29'"),
]
INDUSTRY_CORRECTIONS = [
    ("各行业的客户数", "SELECT industry, COUNT(*) FROM customers GROUP BY industry"),
    (
        "今年各行业的订单数",
        "SELECT c.industry, COUNT(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE o.order_date >= '2026-01-01' AND o.order_date < '2027-01-01' GROUP BY c.industry",
    ),
]
LAST_QUARTER_REVENUE = f"{REVENUE} AND order_date >= '2026-01-01' AND order_date < '2026-04-01'"
REVENUE_BY_INDUSTRY_THIS_YEAR = (
    "SELECT c.industry, SUM(o.total_amount) FROM orders o LEFT JOIN customers c"
    " ON c.customer_id = o.customer_id WHERE o.status <> 'cancelled'"
    " AND o.order_date >= '2026-01-01' AND o.order_date < '2027-01-01' GROUP BY c.industry"
)


class Demo:
    """The demo database, its schema and the semantic model bootstrapped from that schema."""

    def __init__(self) -> None:
        self.database: Database = open_database(str(business_database()))
        self.schema: Schema = load_schema(self.database)
        self.model: SemanticModel = bootstrap_model(self.database, self.schema)

    def teach(self, folder: Path, corrections: Sequence[tuple[str, str]]) -> tuple[FeedbackLog, list[int]]:
        """A new feedback store in ``folder`` where ann corrected each question to its SQL and bo
        approved it (which learns, read with the bootstrapped model); the corrections' ids."""
        log = FeedbackLog(folder / "feedback.sqlite", user="ann", clock=lambda: NOON)
        ids = []
        for question, sql in corrections:
            log.record(
                "edited", database=self.database.name, question=question, sql="SELECT 1", final_sql=sql
            )
            (candidate,) = review_queue(log, self.database, self.schema)
            approve(log, candidate.event_id, self.database, self.schema, reviewer="bo", model=self.model)
            ids.append(candidate.event_id)
        return log, ids

    def route(self, question: str, model: SemanticModel) -> Route:
        return route_question(question, model, "sqlite", BUSINESS_AS_OF)

    def rows(self, sql: str) -> list[tuple]:
        return normalized(run_query(self.database, sql, max_rows=1000).rows, places=2)


@pytest.fixture(scope="module")
def demo() -> Demo:
    return Demo()


def _words(store: SuggestionStore, database: str, status: str | None = None) -> dict[str, Suggestion]:
    """The metric and dimension suggestions (with ``status``), by word; one each."""
    found = [s for s in store.suggestions(database, status) if s.kind in ("metric", "dimension")]
    by_word = {s.payload["synonym"]: s for s in found}
    assert len(by_word) == len(found), [s.describe() for s in found]
    return by_word


def _metric_named(model: SemanticModel, word: str) -> list[str]:
    return [m.name for m in model.metrics if word in m.synonyms]


def test_an_accepted_metric_word_reads_new_questions(tmp_path: Path, demo: Demo) -> None:
    assert demo.route("上季度营收多少", demo.model).path != "semantic", "营收 means nothing yet"
    log, ids = demo.teach(tmp_path, REVENUE_CORRECTIONS)
    store = SuggestionStore(log)
    name = demo.database.name

    revenue = _words(store, name, PENDING)["营收"]
    assert revenue.kind == "metric" and revenue.sources == tuple(ids)
    assert revenue.payload == {
        "table": "orders",
        "expr": "SUM(total_amount)",
        "filter": "status <> 'cancelled'",
        "time_column": "order_date",
        "synonym": "营收",
    }
    assert revenue.describe() == "'营收' means SUM(total_amount) of orders where status <> 'cancelled'"
    assert learned_model(demo.model, name, log) is demo.model, "a pending suggestion is not used"

    assert store.decide(revenue.id, ACCEPTED, by="bo", at=NOON).status == ACCEPTED
    learned = learned_model(demo.model, name, log)
    (metric,) = [m for t in learned.tables for m in t.metrics if "营收" in m.synonyms]
    assert (metric.table, metric.expr, metric.filter) == (
        "orders",
        "SUM(total_amount)",
        "status <> 'cancelled'",
    )
    assert metric.time_dimension_name == "order_date"

    route = demo.route("上季度营收多少", learned)
    assert route.path == "semantic", route.message
    (answer,) = demo.rows(route.reading.sql)
    (gold,) = demo.rows(LAST_QUARTER_REVENUE)
    assert answer == gold and gold[0] > 0


def test_an_accepted_dimension_word_groups_new_questions(tmp_path: Path, demo: Demo) -> None:
    log, ids = demo.teach(tmp_path, REVENUE_CORRECTIONS[:2] + INDUSTRY_CORRECTIONS)
    store = SuggestionStore(log)
    name = demo.database.name
    pending = _words(store, name, PENDING)
    industry = pending["行业"]
    assert industry.kind == "dimension" and industry.sources == tuple(ids[2:])
    assert industry.payload == {"table": "customers", "column": "industry", "synonym": "行业"}
    assert industry.describe() == "'行业' means customers.industry"

    store.decide(pending["营收"].id, ACCEPTED, by="bo", at=NOON)
    question = "今年各行业的营收"
    before = demo.route(question, learned_model(demo.model, name, log))
    assert before.path != "semantic" and "行业" in before.message, "行业 means nothing yet"

    store.decide(industry.id, ACCEPTED, by="bo", at=NOON)
    learned = learned_model(demo.model, name, log)
    (field,) = [f for f in learned.table("customers").fields if f.name == "industry"]
    assert "行业" in field.synonyms
    route = demo.route(question, learned)
    assert route.path == "semantic", route.message
    assert "GROUP BY customers.industry" in route.reading.sql
    answer, gold = demo.rows(route.reading.sql), demo.rows(REVENUE_BY_INDUSTRY_THIS_YEAR)
    assert sorted(answer, key=repr) == sorted(gold, key=repr) and len(gold) > 5


def test_a_rejected_word_is_not_used_and_a_word_takes_one_meaning(tmp_path: Path, demo: Demo) -> None:
    gross = (
        "上个月营收多少",
        "SELECT SUM(total_amount) FROM orders WHERE order_date >= '2026-05-01' AND order_date < '2026-06-01'",
    )
    log, ids = demo.teach(tmp_path, [gross, *REVENUE_CORRECTIONS[1:]])
    store = SuggestionStore(log)
    name = demo.database.name
    meanings = [s for s in store.suggestions(name, PENDING) if s.kind == "metric"]
    by_filter = {s.payload["filter"]: s for s in meanings if s.payload["synonym"] == "营收"}
    assert set(by_filter) == {None, "status <> 'cancelled'"}, "the first correction, then two of three"
    first, settled = by_filter[None], by_filter["status <> 'cancelled'"]
    assert first.sources == (ids[0],) and settled.sources == tuple(ids[1:])

    store.decide(first.id, REJECTED, by="bo", at=NOON, reason="revenue leaves cancelled orders out")
    assert _metric_named(learned_model(demo.model, name, log), "营收") == []
    assert demo.route("上季度营收多少", learned_model(demo.model, name, log)).path != "semantic"

    store.decide(settled.id, ACCEPTED, by="bo", at=NOON)
    with pytest.raises(SuggestionError, match=f"#{settled.id} already reads '营收' as SUM"):
        store.decide(first.id, ACCEPTED, by="bo", at=NOON)
    assert store.suggestion(first.id).status == REJECTED
    assert store.suggestion(settled.id).status == ACCEPTED
    learned = learned_model(demo.model, name, log)
    (metric,) = [m for m in learned.metrics if "营收" in m.synonyms]
    assert metric.filter == "status <> 'cancelled'"
    route = demo.route("上季度营收多少", learned)
    assert route.path == "semantic" and demo.rows(route.reading.sql) == demo.rows(LAST_QUARTER_REVENUE)


SALES_BY_CITY_THIS_YEAR = (
    "SELECT c.city, SUM(o.total_amount) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
    " WHERE o.status <> 'cancelled' AND o.order_date >= '2026-01-01' AND o.order_date < '2027-01-01'"
    " GROUP BY c.city"
)


ITEM_SALES = "SUM(oi.quantity * oi.unit_price * (1 - oi.discount))"
TWIN_CORRECTIONS = [
    (
        "上个月销售额最高的城市",
        "SELECT c.city, SUM(o.total_amount) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " WHERE o.status <> 'cancelled' AND o.order_date >= '2026-05-01' AND o.order_date < '2026-06-01'"
        " GROUP BY c.city ORDER BY 2 DESC LIMIT 1",
    ),
    (
        "今年销售额最高的3个产品",
        f"SELECT p.name, {ITEM_SALES} FROM order_items oi JOIN orders o ON o.order_id = oi.order_id"
        " JOIN products p ON p.product_id = oi.product_id WHERE o.status <> 'cancelled'"
        " AND o.order_date >= '2026-01-01' AND o.order_date < '2027-01-01'"
        " GROUP BY p.name ORDER BY 2 DESC LIMIT 3",
    ),
]


def test_a_word_summed_over_orders_and_over_their_items_learns_both(tmp_path: Path, demo: Demo) -> None:
    log, _ = demo.teach(tmp_path, TWIN_CORRECTIONS)
    store = SuggestionStore(log)
    name = demo.database.name
    pending = _words(store, name, PENDING)
    sales = pending["销售额"]
    assert sales.payload["finer"] == {
        "table": "order_items",
        "expr": "SUM(quantity * unit_price * (1 - discount))",
        "filter": "orders.status <> 'cancelled'",
        "time_column": "orders.order_date",
    }
    assert (sales.payload["table"], sales.payload["expr"]) == ("orders", "SUM(total_amount)")
    assert sales.describe().endswith(
        "of order_items where orders.status <> 'cancelled' by what only its rows reach"
    )
    assert {pending["城市"].payload["column"], pending["产品"].payload["column"]} == {"city", "name"}
    for suggestion in pending.values():
        store.decide(suggestion.id, ACCEPTED, by="bo", at=NOON)
    _reads_sales_by_city_and_by_product(demo, learned_model(demo.model, name, log))


def _reads_sales_by_city_and_by_product(demo: Demo, learned: SemanticModel) -> None:
    """``learned`` reads 销售额 as the orders' sum by city and as their items' sum by product, with the
    numbers the hand-written queries give."""
    (metric,) = [m for m in learned.metrics if "销售额" in m.synonyms]
    assert metric.finer and learned.metric(metric.finer).table == "order_items"
    by_city = demo.route("今年各城市的销售额", learned)
    assert by_city.path == "semantic" and "order_items" not in by_city.reading.sql
    assert sorted(demo.rows(by_city.reading.sql), key=repr) == sorted(
        demo.rows(SALES_BY_CITY_THIS_YEAR), key=repr
    )
    by_product = demo.route("上个月各产品的销售额", learned)
    assert by_product.path == "semantic" and "order_items" in by_product.reading.sql
    gold = demo.rows(
        f"SELECT p.name, {ITEM_SALES} FROM order_items oi JOIN orders o ON o.order_id = oi.order_id"
        " JOIN products p ON p.product_id = oi.product_id WHERE o.status <> 'cancelled'"
        " AND o.order_date >= '2026-05-01' AND o.order_date < '2026-06-01' GROUP BY p.name"
    )
    assert sorted(demo.rows(by_product.reading.sql), key=repr) == sorted(gold, key=repr) and len(gold) > 5


def test_a_word_accepted_plain_learns_its_finer_twin_from_a_later_correction(
    tmp_path: Path, demo: Demo
) -> None:
    plain = [TWIN_CORRECTIONS[0], ("今年各城市的销售额", SALES_BY_CITY_THIS_YEAR)]
    log, _ = demo.teach(tmp_path, plain)
    store = SuggestionStore(log)
    name = demo.database.name
    first = _words(store, name, PENDING)
    assert "finer" not in first["销售额"].payload
    for suggestion in first.values():
        store.decide(suggestion.id, ACCEPTED, by="bo", at=NOON)
    assert demo.route("上个月各产品的销售额", learned_model(demo.model, name, log)).path != "semantic"

    demo.teach(tmp_path, [TWIN_CORRECTIONS[1]])
    offered = _words(store, name, PENDING)
    assert offered["销售额"].payload["finer"]["table"] == "order_items"
    assert offered["产品"].payload["column"] == "name"
    for suggestion in offered.values():
        store.decide(suggestion.id, ACCEPTED, by="bo", at=NOON)
    _reads_sales_by_city_and_by_product(demo, learned_model(demo.model, name, log))


def _accepted(kind: str, payload: dict, number: int) -> Suggestion:
    return Suggestion(number, "demo", kind, f"k{number}", payload, (number,), ACCEPTED)


ACTIVE = {"table": "orders", "expr": "COUNT(DISTINCT customer_id)", "filter": "status <> 'cancelled'"}
LEARNED_WORDS = [
    _accepted("metric", {**ACTIVE, "time_column": "order_date", "synonym": "活跃"}, 1),
    _accepted("metric", {"table": "customers", "expr": "COUNT(*)", "filter": None, "synonym": "客户"}, 2),
    _accepted("dimension", {"table": "customers", "column": "industry", "synonym": "行业"}, 3),
    _accepted(
        "rule", {"table": "customers", "name": "with industry", "condition": "NOT industry IS NULL"}, 4
    ),
]


def test_learned_words_read_with_the_words_around_them(demo: Demo) -> None:
    learned = overlay(demo.model, LEARNED_WORDS)
    active = demo.route(
        "今年各行业的活跃客户数", learned
    )  # 活跃 counts customers: 客户 says which, 数 "number"
    assert active.path == "semantic", active.message
    assert sorted(demo.rows(active.reading.sql), key=repr) == sorted(
        demo.rows(
            "SELECT c.industry, COUNT(DISTINCT o.customer_id) FROM orders o"
            " JOIN customers c ON c.customer_id = o.customer_id WHERE o.status <> 'cancelled'"
            " AND c.industry IS NOT NULL AND o.order_date >= '2026-01-01' AND o.order_date < '2027-01-01'"
            " GROUP BY c.industry"
        ),
        key=repr,
    ), "the rule that keeps customers with an industry leaves the NULL industry out of the breakdown"
    new = demo.route(
        "今年每个月的新客户数", learned
    )  # counted by their own date within a window: the new ones
    assert new.path == "semantic", new.message
    assert demo.rows(new.reading.sql) == demo.rows(
        "SELECT strftime('%Y-%m', signup_date), COUNT(*) FROM customers"
        " WHERE signup_date >= '2026-01-01' AND signup_date < '2027-01-01' GROUP BY 1 ORDER BY 1"
    )
    assert "新" in demo.route("一共有多少新客户", learned).message, "new without a window is not read"


def test_a_learned_count_of_valid_orders_in_a_region_said_with_its_area_word(demo: Demo) -> None:
    valid = {"table": "orders", "expr": "COUNT(*)", "filter": "status <> 'cancelled'", "synonym": "有效订单"}
    learned = overlay(demo.model, [_accepted("metric", {**valid, "time_column": "order_date"}, 1)])
    route = demo.route("上个月华南区有效订单多少单", learned)  # 有效 stays whole, 华南区 is the region
    assert route.path == "semantic", route.message
    assert demo.rows(route.reading.sql) == demo.rows(
        "SELECT COUNT(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id"
        " JOIN regions r ON r.region_id = c.region_id WHERE o.status <> 'cancelled' AND r.name_zh = '华南'"
        " AND o.order_date >= '2026-05-01' AND o.order_date < '2026-06-01'"
    )
    assert demo.route("上个月华南区效订单多少单", learned).path != "semantic", "a fragment is no word"


# --- the store: migration m007_word_suggestions ------------------------------------------------------

VALUE = {"table": "customers", "column": "city", "value": "New York", "synonym": "NY", "found": True}
METRIC = {
    "table": "orders",
    "expr": "SUM(total_amount)",
    "filter": "status <> 'cancelled'",
    "time_column": "order_date",
    "synonym": "营收",
}
DIMENSION = {"table": "customers", "column": "industry", "synonym": "行业"}


def _store_before_word_suggestions(url: str) -> sa.Engine:
    """A feedback store at ``url`` migrated up to ``m006_reviewers`` only, as the release before made it,
    with one accepted value suggestion in it."""
    engine = open_store(store_url(url))
    last = MIGRATIONS.index(m006_reviewers)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        connection.exec_driver_sql("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for migration in MIGRATIONS[: last + 1]:
            migration(connection)
            connection.execute(
                sa.text("INSERT INTO _migrations (name, applied_at) VALUES (:name, :at)"),
                {"name": migration.__name__, "at": NOON.isoformat()},
            )
        connection.execute(
            sa.text(
                "INSERT INTO suggestions (database, kind, key, payload, sources, status, created_at,"
                " decided_at, decided_by, reason) VALUES ('shop', 'value', 'customers.city:ny', :payload,"
                " '[3, 4]', 'accepted', '2026-06-01T00:00:00+00:00', '2026-06-02T00:00:00+00:00', 'bo',"
                " 'as in the CRM')"
            ),
            {"payload": json.dumps(VALUE, sort_keys=True)},
        )
    return engine


def _insert_kind(engine: sa.Engine, kind: str) -> None:
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        connection.execute(
            sa.text(
                "INSERT INTO suggestions (database, kind, key, status, created_at)"
                " VALUES ('shop', :kind, :key, 'pending', '2026-06-03T00:00:00+00:00')"
            ),
            {"kind": kind, "key": f"probe:{kind}"},
        )


def test_an_older_store_takes_word_suggestions_and_keeps_its_rows(feedback_url: str) -> None:
    engine = _store_before_word_suggestions(feedback_url)
    with pytest.raises(sa.exc.IntegrityError):
        _insert_kind(engine, "metric")  # the kinds were value, join and rule
    engine.dispose()

    log = FeedbackLog(feedback_url, user="bo", clock=lambda: NOON)
    with log.engine.connect() as connection:
        applied = [row[0] for row in connection.exec_driver_sql("SELECT name FROM _migrations ORDER BY name")]
        indexes = {i["name"] for i in sa.inspect(connection).get_indexes("suggestions")}
    assert applied == [migration.__name__ for migration in MIGRATIONS]
    assert "suggestions_by_status" in indexes
    store = SuggestionStore(log)
    (old,) = store.suggestions("shop")
    assert (old.kind, old.key, old.payload, old.sources, old.status) == (
        "value",
        "customers.city:ny",
        VALUE,
        (3, 4),
        ACCEPTED,
    )
    assert (old.created_at, old.decided_at, old.decided_by, old.reason) == (
        "2026-06-01T00:00:00+00:00",
        "2026-06-02T00:00:00+00:00",
        "bo",
        "as in the CRM",
    )

    metric, dimension = store.propose(
        "shop",
        [
            Proposal("metric", "orders:revenue:营收", METRIC, (5, 6)),
            Proposal("dimension", "c.i:行业", DIMENSION),
        ],
        at=NOON,
    )
    assert metric.id > old.id and dimension.id > metric.id, "ids go on after the copied rows"
    with pytest.raises(sa.exc.IntegrityError):
        _insert_kind(log.engine, "synonym")  # the kinds are still checked
    log.close()

    reopened = SuggestionStore(feedback_url)
    assert [(s.kind, s.payload, s.sources) for s in reopened.suggestions("shop")] == [
        ("value", VALUE, (3, 4)),
        ("metric", METRIC, (5, 6)),
        ("dimension", DIMENSION, ()),
    ]
    assert reopened.decide(metric.id, ACCEPTED, by="bo", at=NOON).status == ACCEPTED
    assert [s.kind for s in reopened.accepted("shop")] == ["value", "metric"]
    reopened.close()


def test_a_current_store_keeps_its_suggestions_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    store = SuggestionStore(path)
    (value,) = store.propose("shop", [Proposal("value", "customers.city:ny", VALUE, (1,))], at=NOON)
    store.close()

    reopened = SuggestionStore(path)
    assert reopened.suggestions("shop") == [value]
    (metric,) = reopened.propose("shop", [Proposal("metric", "orders:revenue:营收", METRIC, (2,))], at=NOON)
    assert reopened.suggestion(metric.id).payload == METRIC
    assert [s.kind for s in reopened.suggestions("shop")] == ["value", "metric"]
    reopened.close()
