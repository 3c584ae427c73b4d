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
import hashlib
import os
import sqlite3
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from nl2sql.demo.generate import generate_demo_rows
from nl2sql.engine_settings import sqlite_uri
from nl2sql.errors import ChatBIError
from nl2sql.paths import data_dir

GENERATOR_VERSION = 1
"""Bump whenever the generated data changes shape or content, so stale copies get rebuilt."""
DEFAULT_SEED = 20240601
MAX_AGE_DAYS = 30
"""A demo database whose ``as_of`` is older than this is rebuilt by :func:`ensure_demo_database`."""
AS_OF_VARIABLE = "CHATBI_DEMO_AS_OF"
"""Environment variable pinning the demo data's ``as_of`` (``YYYY-MM-DD``) for a whole process."""

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


def build_demo_database(
    path: Path, *, seed: int = DEFAULT_SEED, as_of: date | None = None, pinned: bool = False
) -> Path:
    """Write the demo database to ``path`` (replacing it) and its sidecar beside it.

    The content depends only on ``seed`` and ``as_of``: orders run from January 1 three years before
    ``as_of``'s year through ``as_of``. Without ``as_of``, the date pinned by ``CHATBI_DEMO_AS_OF`` is
    used, else today. A ``pinned`` database is kept as it is by :func:`ensure_demo_database`, however
    old its data.

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
        >>> header = read_sidecar(path)["database"]
        >>> header["as_of"], header["content_sha256"] == content_hash(path)
        ('2025-01-31', True)
    """
    as_of = as_of or pinned_as_of() or date.today()
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
    header = {
        "name": "demo",
        "as_of": as_of.isoformat(),
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "content_sha256": content_hash(path),
    }
    if pinned:
        header["pinned"] = True
    _write_sidecar(path, header)
    return path


def content_hash(path: Path) -> str:
    """sha256 of the demo data's rows, table by table in key order: equal for equal data, whatever the
    SQLite version that wrote the file.

    Example:
        >>> import tempfile
        >>> path = build_demo_database(Path(tempfile.mkdtemp()) / "d.sqlite", as_of=date(2025, 1, 31))
        >>> len(content_hash(path))
        64
    """
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(sqlite_uri(Path(path)), uri=True)) as db:
        for table in TABLES:
            digest.update(table.encode())
            for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def pinned_as_of() -> date | None:
    """The ``as_of`` date pinned by ``CHATBI_DEMO_AS_OF``; None when the variable is unset or empty.

    Raises:
        DemoDateError: the variable is set but not a ``YYYY-MM-DD`` date.

    Example:
        >>> import os
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"CHATBI_DEMO_AS_OF": "2028-02-29"}):
        ...     pinned_as_of()
        datetime.date(2028, 2, 29)
    """
    text = os.environ.get(AS_OF_VARIABLE, "").strip()
    return parse_as_of(text, AS_OF_VARIABLE) if text else None


def parse_as_of(text: str, source: str = "--as-of") -> date:
    """A demo ``as_of`` date from ``YYYY-MM-DD`` text.

    Raises:
        DemoDateError: the text is not such a date.

    Example:
        >>> parse_as_of("2026-06-30")
        datetime.date(2026, 6, 30)
        >>> parse_as_of("30/06/2026")
        Traceback (most recent call last):
        ...
        nl2sql.demo.build.DemoDateError: --as-of must be a date written YYYY-MM-DD, not '30/06/2026'
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DemoDateError(f"{source} must be a date written YYYY-MM-DD, not {text!r}") from None


class DemoDateError(ChatBIError):
    """The date the demo data should run up to is not a date."""


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


def data_as_of(path: Path) -> str | None:
    """The day the demo data in the database at ``path`` runs up to (``YYYY-MM-DD``), for reports that
    must say what they ran on; None for a database that is not the demo's.

    Example:
        >>> data_as_of(Path("/nonexistent/shop.sqlite")) is None
        True
    """
    header = read_sidecar(path).get("database")
    if isinstance(header, dict) and header.get("name") == "demo" and header.get("as_of"):
        return str(header["as_of"])
    return None


def demo_database_path() -> Path:
    """Where the demo database lives: ``demo.sqlite`` in the ChatBI data folder.

    Example:
        >>> demo_database_path().name
        'demo.sqlite'
    """
    return data_dir() / "demo.sqlite"


def ensure_demo_database(*, rebuild: bool = False, as_of: date | None = None) -> Path:
    """The path of a usable demo database, building it first when needed.

    It is (re)built when ``rebuild`` is true, when the file or its sidecar is missing, or when the
    sidecar was written by another generator version. With an ``as_of`` (given, or pinned by
    ``CHATBI_DEMO_AS_OF``) it is also rebuilt when its data runs up to another date, and the new
    one is pinned; otherwise, unless it was pinned, when its data ends more than 30 days ago.
    Else the existing file is returned untouched.

    Example:
        >>> import os, tempfile
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"CHATBI_HOME": tempfile.mkdtemp(), "CHATBI_DEMO_AS_OF": ""}):
        ...     path = ensure_demo_database(as_of=date(2025, 1, 31))
        ...     stamp = path.stat().st_mtime_ns
        ...     ensure_demo_database() == path and path.stat().st_mtime_ns == stamp
        True
    """
    path = demo_database_path()
    wanted = as_of or pinned_as_of()
    if rebuild or _is_stale(path, wanted=wanted, today=date.today()):
        build_demo_database(path, as_of=wanted, pinned=wanted is not None)
    return path


def _is_stale(path: Path, *, wanted: date | None, today: date) -> bool:
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
    if wanted is not None:
        return as_of != wanted
    return not header.get("pinned") and (today - as_of).days > MAX_AGE_DAYS


def _write_sidecar(path: Path, header: dict[str, Any]) -> None:
    descriptions = yaml.safe_load(
        resources.files("nl2sql.demo").joinpath("descriptions.yaml").read_text(encoding="utf-8")
    )
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
