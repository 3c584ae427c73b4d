"""Where a database's semantic model lives, and the day its relative windows count back from.

The model of ``X.sqlite`` (or ``X.duckdb``) is ``X.semantic.yaml`` beside it; the demo database's is
the curated one shipped with ChatBI; a server database's is ``<data dir>/semantic/<name>.yaml``. A
database without one is answered by generated SQL alone.

"Today" is the clock's date, except on the demo database, whose world ends on the last day of its data.

Example:
    >>> import sqlite3, tempfile, os
    >>> from nl2sql.connect import open_database
    >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
    >>> sqlite3.connect(path).execute("CREATE TABLE t (x INTEGER)").connection.close()
    >>> semantic_model_path(open_database(path)).name, database_semantic_model(open_database(path))
    ('shop.semantic.yaml', None)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from nl2sql.connect import Database
from nl2sql.paths import data_dir
from nl2sql.semantic.load import load_model
from nl2sql.semantic.model import SemanticModel


def semantic_model_path(database: Database) -> Path | None:
    """Where ``database``'s semantic model is looked for; None for the demo (its model is packaged)."""
    if _is_demo(database):
        return None
    if database.file is not None:
        return database.file.with_name(f"{database.file.stem}.semantic.yaml")
    return data_dir() / "semantic" / f"{database.name}.yaml"


def database_semantic_model(database: Database, path: str | Path | None = None) -> SemanticModel | None:
    """The semantic model at ``path``, or at ``database``'s usual place; None when there is none.

    Raises:
        SemanticModelError: the file exists but is not a valid model (the message names the line).
    """
    if path is None and _is_demo(database):
        from nl2sql.demo.semantic import demo_semantic_model

        return demo_semantic_model()
    where = Path(path) if path is not None else semantic_model_path(database)
    if where is None or not where.is_file():
        return None
    return load_model(where)


def database_today(database: Database) -> date:
    """The day relative windows ("last month") count back from: the demo data's last day, else today."""
    return data_day(database) or date.today()


def data_day(database: Database) -> date | None:
    """The last day of data that stopped on a known day (the demo's), or None: it runs up to today.

    Example:
        >>> import os, sqlite3, tempfile
        >>> from nl2sql.connect import open_database
        >>> path = os.path.join(tempfile.mkdtemp(), "shop.sqlite")
        >>> sqlite3.connect(path).execute("CREATE TABLE orders (id INTEGER)").connection.close()
        >>> data_day(open_database(path)) is None
        True
    """
    if database.file is not None:
        from nl2sql.demo.build import data_as_of

        as_of = data_as_of(database.file)
        if as_of:
            return date.fromisoformat(as_of)
    return None


def _is_demo(database: Database) -> bool:
    return data_day(database) is not None
