"""The embedded demo database: deterministic, consistent, described, kept fresh; its questions answerable."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from nl2sql.demo import (
    DemoQuestion,
    build_demo_database,
    demo_database_path,
    ensure_demo_database,
    load_demo_questions,
)
from nl2sql.demo import build as build_module
from nl2sql.demo.build import GENERATOR_VERSION, TABLES, read_sidecar, sidecar_path
from nl2sql.demo.catalog import REGIONS

SEED = 20240601
AS_OF = date.today()  # the gold SQL's date('now', ...) windows need data up to today
QUESTIONS = load_demo_questions()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite", seed=SEED, as_of=AS_OF)


@pytest.fixture()
def connection(demo_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    yield connection
    connection.close()


def table_hashes(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return {
            table: hashlib.sha256(
                repr(connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()).encode()
            ).hexdigest()
            for table in TABLES
        }


def scalar(connection: sqlite3.Connection, sql: str) -> object:
    return connection.execute(sql).fetchone()[0]


def test_build_is_deterministic(demo_db: Path, tmp_path: Path) -> None:
    again = build_demo_database(tmp_path / "again.sqlite", seed=SEED, as_of=AS_OF)
    assert table_hashes(again) == table_hashes(demo_db)


def test_build_leaves_only_the_database_and_its_sidecar(demo_db: Path) -> None:
    assert sorted(p.name for p in demo_db.parent.iterdir()) == ["demo.schema.yaml", "demo.sqlite"]


def test_failed_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**_: object) -> None:
        raise RuntimeError("generator broke")

    monkeypatch.setattr(build_module, "generate_demo_rows", fail)
    with pytest.raises(RuntimeError):
        build_demo_database(tmp_path / "demo.sqlite", as_of=AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_tables_have_the_expected_sizes(connection: sqlite3.Connection) -> None:
    counts = {table: scalar(connection, f"SELECT COUNT(*) FROM {table}") for table in TABLES}
    assert counts["regions"] == 7
    assert counts["orders"] >= 50_000
    assert counts["customers"] >= 3_000
    assert 100 <= counts["products"] <= 1_000
    assert counts["order_items"] > counts["orders"]
    assert 0.01 < counts["returns"] / counts["order_items"] < 0.08


def test_orders_span_three_years_up_to_as_of(connection: sqlite3.Connection) -> None:
    first, last = connection.execute("SELECT MIN(order_date), MAX(order_date) FROM orders").fetchone()
    assert first <= f"{AS_OF.year - 3}-01-07"
    assert (AS_OF - timedelta(days=3)).isoformat() <= last <= AS_OF.isoformat()
    assert (date.fromisoformat(last) - date.fromisoformat(first)).days >= 3 * 365


def test_dates_are_iso_text(connection: sqlite3.Connection) -> None:
    for table, column in [
        ("orders", "order_date"),
        ("customers", "signup_date"),
        ("products", "launch_date"),
        ("returns", "return_date"),
    ]:
        bad = scalar(connection, f"SELECT COUNT(*) FROM {table} WHERE date({column}) IS NOT {column}")
        assert bad == 0, f"{table}.{column}"


def test_foreign_keys_resolve(connection: sqlite3.Connection) -> None:
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    declared = {
        table: {row[2] for row in connection.execute(f"PRAGMA foreign_key_list({table})")} for table in TABLES
    }
    assert declared["orders"] == {"customers", "channels"}
    assert declared["order_items"] == {"orders", "products"}
    assert declared["returns"] == {"order_items"}


def test_every_order_has_items_and_its_total_is_their_sum(connection: sqlite3.Connection) -> None:
    orphans = scalar(
        connection, "SELECT COUNT(*) FROM orders WHERE order_id NOT IN (SELECT order_id FROM order_items)"
    )
    assert orphans == 0
    mismatched = scalar(
        connection,
        "SELECT COUNT(*) FROM orders o JOIN (SELECT order_id,"
        " SUM(quantity * unit_price * (1 - discount)) AS amount FROM order_items GROUP BY order_id) i"
        " ON i.order_id = o.order_id WHERE ABS(o.total_amount - ROUND(i.amount, 2)) > 0.011",
    )
    assert mismatched == 0


def test_values_are_in_range(connection: sqlite3.Connection) -> None:
    assert connection.execute("SELECT MIN(discount), MAX(discount) FROM order_items").fetchone() == (0.0, 0.3)
    statuses = {row[0] for row in connection.execute("SELECT DISTINCT status FROM orders")}
    assert statuses == {"completed", "processing", "cancelled"}
    segments = {row[0] for row in connection.execute("SELECT DISTINCT segment FROM customers")}
    assert segments == {"Enterprise", "SMB", "Consumer"}
    assert (
        scalar(
            connection, "SELECT COUNT(*) FROM customers WHERE (industry IS NULL) <> (segment = 'Consumer')"
        )
        == 0
    )
    assert scalar(connection, "SELECT COUNT(*) FROM products WHERE unit_cost >= unit_price") == 0
    bad_returns = scalar(
        connection,
        "SELECT COUNT(*) FROM returns r JOIN order_items i ON i.order_item_id = r.order_item_id"
        " JOIN orders o ON o.order_id = i.order_id WHERE r.return_date <= o.order_date"
        " OR r.quantity > i.quantity OR o.status <> 'completed' OR r.refund_amount <= 0"
        " OR r.refund_amount > r.quantity * i.unit_price * (1 - i.discount) + 0.01",
    )
    assert bad_returns == 0
    early = scalar(
        connection,
        "SELECT COUNT(*) FROM order_items i JOIN orders o ON o.order_id = i.order_id"
        " JOIN products p ON p.product_id = i.product_id WHERE o.order_date < p.launch_date",
    )
    assert early == 0


def test_regions_and_cities_agree(connection: sqlite3.Connection) -> None:
    names = connection.execute("SELECT name_en, name_zh FROM regions ORDER BY region_id").fetchall()
    assert names == [(region.name_en, region.name_zh) for region in REGIONS]
    for region_id, region in enumerate(REGIONS, 1):
        cities = {
            row[0]
            for row in connection.execute("SELECT city FROM customers WHERE region_id = ?", [region_id])
        }
        assert cities and cities <= set(region.cities), region.name_en


def test_sidecar_describes_every_table_and_only_real_columns(
    demo_db: Path, connection: sqlite3.Connection
) -> None:
    sidecar = yaml.safe_load(sidecar_path(demo_db).read_text(encoding="utf-8"))
    assert sidecar["database"] == {
        "name": "demo",
        "as_of": AS_OF.isoformat(),
        "seed": SEED,
        "generator_version": GENERATOR_VERSION,
    }
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(sidecar["tables"]) == tables
    for table, described in sidecar["tables"].items():
        assert described["description"].strip(), table
        columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        assert set(described.get("columns", {})) <= columns, table
    for column in ["total_amount", "status"]:
        assert column in sidecar["tables"]["orders"]["columns"]
    for column in ["discount", "unit_price"]:
        assert column in sidecar["tables"]["order_items"]["columns"]
    assert "refund_amount" in sidecar["tables"]["returns"]["columns"]


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHATBI_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace the (slow) builder with one that writes a tiny database and a fresh sidecar."""
    calls: list[Path] = []

    def fake_build(path: Path, **_: object) -> Path:
        calls.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        write_sidecar(path, as_of=date.today(), version=GENERATOR_VERSION)
        return path

    monkeypatch.setattr(build_module, "build_demo_database", fake_build)
    return calls


def write_sidecar(path: Path, *, as_of: date, version: int) -> None:
    header = {"name": "demo", "as_of": as_of.isoformat(), "seed": SEED, "generator_version": version}
    sidecar_path(path).write_text(yaml.safe_dump({"database": header, "tables": {}}), encoding="utf-8")


def test_demo_database_lives_in_the_data_folder(home: Path) -> None:
    assert demo_database_path() == home / "data" / "demo.sqlite"


def test_ensure_builds_a_missing_database(home: Path, builds: list[Path]) -> None:
    assert ensure_demo_database() == demo_database_path()
    assert builds == [demo_database_path()]


def test_ensure_reuses_a_fresh_database_untouched(home: Path, builds: list[Path], demo_db: Path) -> None:
    target = demo_database_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(demo_db.read_bytes())
    sidecar_path(target).write_text(sidecar_path(demo_db).read_text(encoding="utf-8"), encoding="utf-8")
    stamp = target.stat().st_mtime_ns
    assert ensure_demo_database() == target
    assert builds == []
    assert target.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    "state", ["rebuild asked", "old data", "other generator", "no sidecar", "broken sidecar", "fresh"]
)
def test_ensure_rebuilds_only_when_needed(home: Path, builds: list[Path], state: str) -> None:
    target = demo_database_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    as_of = date.today() - timedelta(days=40 if state == "old data" else 29)
    write_sidecar(target, as_of=as_of, version=GENERATOR_VERSION + (state == "other generator"))
    if state == "no sidecar":
        sidecar_path(target).unlink()
    if state == "broken sidecar":
        sidecar_path(target).write_text("database: [unclosed", encoding="utf-8")
    ensure_demo_database(rebuild=state == "rebuild asked")
    assert builds == ([] if state == "fresh" else [target])


def test_read_sidecar_tolerates_missing_files(tmp_path: Path) -> None:
    assert read_sidecar(tmp_path / "none.sqlite") == {}


def test_questions_are_well_formed() -> None:
    assert len(QUESTIONS) >= 40
    assert sum(q.lang == "zh" for q in QUESTIONS) >= 10
    assert sum(q.difficulty == "easy" for q in QUESTIONS) >= 10
    ids = [q.id for q in QUESTIONS]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"demo-\d{3}", i) for i in ids)
    assert (QUESTIONS[0].question, QUESTIONS[0].sql) == (
        "How many customers are there?",
        "SELECT COUNT(*) FROM customers",
    )
    for question in QUESTIONS:
        assert question.lang in ("en", "zh") and question.difficulty in ("easy", "medium", "hard")
        has_chinese = re.search(r"[\u4e00-\u9fff]", question.question) is not None
        assert has_chinese == (question.lang == "zh"), question.id


def test_chinese_region_names_in_questions_exist(connection: sqlite3.Connection) -> None:
    names = {row[0] for row in connection.execute("SELECT name_zh FROM regions")}
    used = {name for question in QUESTIONS for name in re.findall(r"r\.name_zh = '([^']+)'", question.sql)}
    assert used and used <= names


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_gold_sql_returns_rows(connection: sqlite3.Connection, question: DemoQuestion) -> None:
    rows = connection.execute(question.sql).fetchall()
    assert rows, question.id
    assert any(value is not None for value in rows[0]), question.id
