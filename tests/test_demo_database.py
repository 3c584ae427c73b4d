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
from conftest import DEMO_AS_OF

from nl2sql.demo import (
    DemoQuestion,
    build_demo_database,
    demo_database_path,
    ensure_demo_database,
    load_demo_questions,
)
from nl2sql.demo import build as build_module
from nl2sql.demo.build import GENERATOR_VERSION, TABLES, content_hash, read_sidecar, sidecar_path
from nl2sql.demo.catalog import REGIONS

SEED = 20240601
AS_OF = date.fromisoformat(DEMO_AS_OF)
CONTENT_SHA256 = "ea428f16d3036eae74510ddc4af1952d0630297473762a6dc235e754490e3f72"
"""The content of the demo data for SEED and AS_OF. When the generator changes on purpose, bump
GENERATOR_VERSION (so users' copies are rebuilt) and write the new hash here."""
QUESTIONS = load_demo_questions()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite", seed=SEED, as_of=AS_OF)


@pytest.fixture()
def connection(demo_db: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture()
def current_connection(current_demo_db: Path) -> Iterator[sqlite3.Connection]:
    """The demo data up to the test clock's today, for SQL with relative dates (``date('now', …)``)."""
    connection = sqlite3.connect(f"file:{current_demo_db}?mode=ro", uri=True)
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


def test_build_is_reproducible_to_the_byte(demo_db: Path, tmp_path: Path) -> None:
    again = build_demo_database(tmp_path / "again.sqlite", seed=SEED, as_of=AS_OF)
    assert table_hashes(again) == table_hashes(demo_db)
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(demo_db.read_bytes()).digest()
    assert sidecar_path(again).read_bytes() == sidecar_path(demo_db).read_bytes()


def test_content_hash_is_the_known_one(demo_db: Path) -> None:
    assert content_hash(demo_db) == CONTENT_SHA256
    assert read_sidecar(demo_db)["database"]["content_sha256"] == CONTENT_SHA256


def test_another_seed_or_day_gives_other_content(demo_db: Path, tmp_path: Path) -> None:
    other_seed = build_demo_database(tmp_path / "seed" / "demo.sqlite", seed=SEED + 1, as_of=AS_OF)
    next_day = build_demo_database(tmp_path / "day" / "demo.sqlite", seed=SEED, as_of=AS_OF + timedelta(1))
    assert len({content_hash(demo_db), content_hash(other_seed), content_hash(next_day)}) == 3


@pytest.mark.parametrize("as_of", [date(2028, 2, 29), date(2027, 1, 1), date(2030, 12, 31)])
def test_builds_on_any_day(tmp_path: Path, as_of: date) -> None:
    path = build_demo_database(tmp_path / "demo.sqlite", as_of=as_of)
    with sqlite3.connect(path) as connection:
        first, last = connection.execute("SELECT MIN(order_date), MAX(order_date) FROM orders").fetchone()
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        late = connection.execute(
            "SELECT (SELECT COUNT(*) FROM returns WHERE return_date > :d)"
            " + (SELECT COUNT(*) FROM customers WHERE signup_date > :d)",
            {"d": as_of.isoformat()},
        ).fetchone()[0]
    assert first.startswith(f"{as_of.year - 3}-01-0") and last == max(
        last, (as_of - timedelta(3)).isoformat()
    )
    assert last <= as_of.isoformat() and late == 0


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
        "content_sha256": CONTENT_SHA256,
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
    """A fresh ChatBI home where the demo data moves with the calendar (no pinned ``as_of``)."""
    monkeypatch.setenv("CHATBI_HOME", str(tmp_path))
    monkeypatch.delenv("CHATBI_DEMO_AS_OF")
    return tmp_path


@pytest.fixture()
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace the (slow) builder with one that writes a tiny database and a fresh sidecar."""
    calls: list[Path] = []

    def fake_build(path: Path, *, as_of: date | None = None, pinned: bool = False, **_: object) -> Path:
        calls.append(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        write_sidecar(path, as_of=as_of or date.today(), version=GENERATOR_VERSION, pinned=pinned)
        return path

    monkeypatch.setattr(build_module, "build_demo_database", fake_build)
    return calls


def write_sidecar(path: Path, *, as_of: date, version: int, pinned: bool = False) -> None:
    header = {"name": "demo", "as_of": as_of.isoformat(), "seed": SEED, "generator_version": version}
    if pinned:
        header["pinned"] = True
    sidecar_path(path).write_text(yaml.safe_dump({"database": header, "tables": {}}), encoding="utf-8")


def test_demo_database_lives_in_the_data_folder(home: Path) -> None:
    assert demo_database_path() == home / "data" / "demo.sqlite"


def test_ensure_builds_a_missing_database(home: Path, builds: list[Path]) -> None:
    assert ensure_demo_database() == demo_database_path()
    assert builds == [demo_database_path()]


def test_ensure_reuses_a_database_of_the_wanted_day_untouched(
    home: Path, builds: list[Path], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATBI_DEMO_AS_OF", AS_OF.isoformat())
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


@pytest.mark.parametrize(
    ("state", "rebuilt"),
    [
        ("pinned to another day", True),
        ("pinned to that day", False),
        ("an old pinned copy, nothing asked", False),
        ("an old pinned copy, rebuild asked", True),
    ],
)
def test_pinned_dates(home: Path, builds: list[Path], state: str, rebuilt: bool) -> None:
    target = demo_database_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    old = date.today() - timedelta(days=400)
    write_sidecar(target, as_of=old, version=GENERATOR_VERSION, pinned=state.startswith("an old pinned"))
    wanted = {"pinned to another day": old + timedelta(1), "pinned to that day": old}.get(state)
    ensure_demo_database(as_of=wanted, rebuild=state.endswith("rebuild asked"))
    assert builds == ([target] if rebuilt else [])
    header = read_sidecar(target)["database"]
    assert bool(header.get("pinned")) == (
        state in ("pinned to another day", "an old pinned copy, nothing asked")
    )


def test_the_environment_pins_the_day(
    home: Path, builds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATBI_DEMO_AS_OF", "2028-02-29")
    ensure_demo_database()
    assert read_sidecar(demo_database_path())["database"]["as_of"] == "2028-02-29"
    monkeypatch.setenv("CHATBI_DEMO_AS_OF", "29.02.2028")
    with pytest.raises(
        build_module.DemoDateError, match="CHATBI_DEMO_AS_OF must be a date written YYYY-MM-DD"
    ):
        ensure_demo_database()


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
def test_gold_sql_returns_rows(
    connection: sqlite3.Connection, current_connection: sqlite3.Connection, question: DemoQuestion
) -> None:
    """Relative dates run on data up to today; fixed ones ("in 2025") on the pinned data, which has them."""
    rows = (current_connection if question.counts_from_today else connection).execute(question.sql).fetchall()
    assert rows, question.id
    assert any(value is not None for value in rows[0]), question.id
