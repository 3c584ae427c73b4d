"""Build the embedded demo database (SQLite) and its description sidecar, and keep a fresh copy at hand.

The database is written to a temporary file beside its target and renamed into place, so a crash
never leaves half a database behind. Beside ``X.sqlite`` goes ``X.schema.yaml``: the table and column
descriptions from ``descriptions.yaml`` plus a ``database:`` header saying how the data was made.

Example:
    >>> demo_database_path().name, sidecar_path(demo_database_path()).name
    ('demo.sqlite', 'demo.schema.yaml')
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from nl2sql.demo.generate import generate_demo_rows
from nl2sql.paths import data_dir

GENERATOR_VERSION = 1
"""Bump whenever the generated data changes shape or content, so stale copies get rebuilt."""
DEFAULT_SEED = 20240601
MAX_AGE_DAYS = 30
"""A demo database whose ``as_of`` is older than this is rebuilt by :func:`ensure_demo_database`."""

SCHEMA = """
CREATE TABLE regions (
    region_id INTEGER PRIMARY KEY,
    name_en TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL UNIQUE
);
CREATE TABLE channels (
    channel_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    channel_type TEXT NOT NULL CHECK (channel_type IN ('online', 'offline'))
);
CREATE TABLE categories (
    category_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL UNIQUE
);
CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    brand TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES categories (category_id),
    unit_price REAL NOT NULL,
    unit_cost REAL NOT NULL,
    launch_date TEXT NOT NULL
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    industry TEXT,
    region_id INTEGER NOT NULL REFERENCES regions (region_id),
    segment TEXT NOT NULL CHECK (segment IN ('Enterprise', 'SMB', 'Consumer')),
    city TEXT NOT NULL,
    signup_date TEXT NOT NULL
);
CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    channel_id INTEGER NOT NULL REFERENCES channels (channel_id),
    order_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('completed', 'processing', 'cancelled')),
    total_amount REAL NOT NULL
);
CREATE TABLE order_items (
    order_item_id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (order_id),
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price REAL NOT NULL,
    discount REAL NOT NULL CHECK (discount BETWEEN 0 AND 0.3)
);
CREATE TABLE returns (
    return_id INTEGER PRIMARY KEY,
    order_item_id INTEGER NOT NULL REFERENCES order_items (order_item_id),
    return_date TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    reason TEXT NOT NULL,
    refund_amount REAL NOT NULL
);
"""
INDEXES = """
CREATE INDEX idx_products_category ON products (category_id);
CREATE INDEX idx_customers_region ON customers (region_id);
CREATE INDEX idx_orders_customer ON orders (customer_id);
CREATE INDEX idx_orders_channel ON orders (channel_id);
CREATE INDEX idx_orders_date ON orders (order_date);
CREATE INDEX idx_order_items_order ON order_items (order_id);
CREATE INDEX idx_order_items_product ON order_items (product_id);
CREATE INDEX idx_returns_item ON returns (order_item_id);
"""
TABLES = ["regions", "channels", "categories", "products", "customers", "orders", "order_items", "returns"]


def build_demo_database(path: Path, *, seed: int = DEFAULT_SEED, as_of: date | None = None) -> Path:
    """Write the demo database to ``path`` (replacing it) and its sidecar beside it.

    The content depends only on ``seed`` and ``as_of`` (today when None): orders run from January 1
    three years before ``as_of``'s year through ``as_of``.

    Example:
        >>> import sqlite3, tempfile
        >>> from datetime import date
        >>> path = build_demo_database(Path(tempfile.mkdtemp()) / "demo.sqlite", as_of=date(2025, 1, 31))
        >>> with sqlite3.connect(path) as connection:
        ...     connection.execute("SELECT MIN(order_date), MAX(order_date) FROM orders").fetchone()
        ('2022-01-01', '2025-01-31')
        >>> with sqlite3.connect(path) as connection:
        ...     connection.execute("SELECT name_zh FROM regions WHERE name_en = 'North China'").fetchone()
        ('华北',)
        >>> read_sidecar(path)["database"]["as_of"]
        '2025-01-31'
    """
    as_of = as_of or date.today()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = generate_demo_rows(seed=seed, as_of=as_of)
    temporary = _temporary_beside(path)
    try:
        with contextlib.closing(sqlite3.connect(temporary)) as connection:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(SCHEMA)
            for table in TABLES:
                marks = ", ".join("?" * len(rows[table][0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
            connection.commit()
            connection.executescript(INDEXES)
            connection.commit()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _write_sidecar(path, seed=seed, as_of=as_of)
    return path


def sidecar_path(path: Path) -> Path:
    """Where the descriptions of the database at ``path`` live: ``X.sqlite`` → ``X.schema.yaml``.

    Example:
        >>> sidecar_path(Path("/data/demo.sqlite"))
        PosixPath('/data/demo.schema.yaml')
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.schema.yaml")


def read_sidecar(path: Path) -> dict[str, Any]:
    """The parsed sidecar of the database at ``path``; an empty dict when missing or unreadable.

    Example:
        >>> read_sidecar(Path("/nonexistent/demo.sqlite"))
        {}
    """
    try:
        document = yaml.safe_load(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return document if isinstance(document, dict) else {}


def demo_database_path() -> Path:
    """Where the demo database lives: ``demo.sqlite`` in the ChatBI data folder.

    Example:
        >>> demo_database_path().name
        'demo.sqlite'
    """
    return data_dir() / "demo.sqlite"


def ensure_demo_database(*, rebuild: bool = False) -> Path:
    """The path of a usable demo database, building it first when needed.

    It is (re)built when ``rebuild`` is true, when the file or its sidecar is missing, when the sidecar
    was written by another generator version, or when its data ends more than 30 days ago. Otherwise
    the existing file is returned untouched.

    Example:
        >>> import os, tempfile
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"CHATBI_HOME": tempfile.mkdtemp()}):
        ...     path = ensure_demo_database()
        ...     stamp = path.stat().st_mtime_ns
        ...     ensure_demo_database() == path and path.stat().st_mtime_ns == stamp
        True
    """
    path = demo_database_path()
    if rebuild or _is_stale(path, today=date.today()):
        build_demo_database(path)
    return path


def _is_stale(path: Path, *, today: date) -> bool:
    if not path.is_file():
        return True
    header = read_sidecar(path).get("database")
    if not isinstance(header, dict) or header.get("generator_version") != GENERATOR_VERSION:
        return True
    as_of = header.get("as_of")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            return True
    if not isinstance(as_of, date):
        return True
    return (today - as_of).days > MAX_AGE_DAYS


def _write_sidecar(path: Path, *, seed: int, as_of: date) -> None:
    descriptions = yaml.safe_load(
        resources.files("nl2sql.demo").joinpath("descriptions.yaml").read_text(encoding="utf-8")
    )
    header = {
        "name": "demo",
        "as_of": as_of.isoformat(),
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
    }
    text = yaml.safe_dump(
        {"database": header, **descriptions}, sort_keys=False, allow_unicode=True, width=100
    )
    target = sidecar_path(path)
    temporary = _temporary_beside(target)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _temporary_beside(path: Path) -> Path:
    """A fresh hidden file name in ``path``'s folder, so the final rename stays on one file system."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    return temporary
