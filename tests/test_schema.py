"""Schema introspection on real SQLite, DuckDB, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
import sqlite3

from conftest import SHOP_CUSTOMERS, SHOP_ORDERS

from nl2sql.connect import open_database
from nl2sql.schema import load_schema


def test_tables_columns_and_keys(shop_db: str) -> None:
    schema = load_schema(open_database(shop_db))
    assert [t.name for t in schema.tables] == ["customers", "orders"]
    customers, orders = schema.table("customers"), schema.table("ORDERS")
    assert [c.name for c in customers.columns] == ["customer_id", "name", "segment", "signup_date"]
    assert customers.primary_key == ("customer_id",)
    assert customers.column("customer_id").primary_key
    assert not customers.column("name").nullable
    assert orders.foreign_keys[0].columns == ("customer_id",)
    assert orders.foreign_keys[0].ref_table == "customers"
    assert orders.foreign_keys[0].ref_columns == ("customer_id",)
    assert "DATE" in customers.column("signup_date").type
    assert "DEC" in orders.column("amount").type or "NUMERIC" in orders.column("amount").type


def test_row_counts_and_samples(shop_db: str) -> None:
    schema = load_schema(open_database(shop_db))
    assert schema.table("customers").row_count == SHOP_CUSTOMERS
    assert schema.table("orders").row_count == SHOP_ORDERS
    segment = schema.table("customers").column("segment")
    assert segment.samples[0] == "SMB"  # most frequent first
    assert set(segment.samples) == {"Enterprise", "SMB", "Consumer"}


def test_descriptions_from_comments_or_sidecar(shop_db: str) -> None:
    database = open_database(shop_db)
    schema = load_schema(database)
    if database.backend == "duckdb":
        return  # no comments were written in the DuckDB shop
    assert schema.table("customers").comment == "People and companies who buy from us."
    assert schema.table("customers").column("segment").comment == "Customer segment."


def test_fingerprint_is_stable_and_ignores_data(sqlite_shop: str) -> None:
    first = load_schema(open_database(sqlite_shop)).fingerprint
    assert load_schema(open_database(sqlite_shop)).fingerprint == first
    writer = sqlite3.connect(sqlite_shop)
    writer.execute("INSERT INTO customers VALUES (5, 'Echo', 'SMB', '2025-07-01')")
    writer.commit()
    assert load_schema(open_database(sqlite_shop)).fingerprint == first
    writer.execute("ALTER TABLE customers ADD COLUMN city TEXT")
    writer.commit()
    writer.close()
    assert load_schema(open_database(sqlite_shop)).fingerprint != first


def test_schema_as_json(shop_db: str) -> None:
    document = json.loads(json.dumps(load_schema(open_database(shop_db)).to_dict()))
    assert len(document["fingerprint"]) == 64
    orders = next(t for t in document["tables"] if t["name"] == "orders")
    assert orders["foreign_keys"] == [
        {"columns": ["customer_id"], "ref_table": "customers", "ref_columns": ["customer_id"]}
    ]
