"""A connection added from the panel (``POST connections``): its name checked, and its database named as
the server will open it.

The database is opened as the CLI opens one (:func:`nl2sql.connect.open_database`, in the service's
worker): a file that does not exist is refused, never created; a folder or a file that is not a SQLite or
DuckDB database is refused; a server that does not answer is given up on after a few seconds. What is
checked here, before that, needs no database: the name, and where a relative file path points.

A relative path is read from the server's root folder (where JupyterLab's file browser starts, so a path
copied there works), and kept absolute, so that a notebook's cell opens the same file from its own folder.

Example:
    >>> connection_name(" sales ", known=["demo"])
    'sales'
    >>> database_spec("data/shop.sqlite", root="/srv/notebooks")
    '/srv/notebooks/data/shop.sqlite'
    >>> database_spec("sqlite:///shop.sqlite", root="/srv")
    'sqlite:////srv/shop.sqlite'
    >>> database_spec("postgresql+psycopg://reader@db/shop", root="/srv")
    'postgresql+psycopg://reader@db/shop'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from chatbi_jupyterlab.errors import BadRequestError

NAME = re.compile(r"\w[\w .-]{0,63}")
"""A connection's name: a letter, digit or ``_`` (any script), then up to 63 more of those, spaces, dots
and dashes; it goes into the API's paths (``connections/{name}/schema``), so never a ``/``."""
FILE_URL_BACKENDS = ("sqlite", "duckdb")
MAX_DATABASE_CHARS = 4096
"""The longest URL or path accepted (Linux's longest path), so that no message echoes megabytes."""


def connection_name(name: str, known: Iterable[str]) -> str:
    """``name`` without surrounding spaces; :class:`BadRequestError` when it is empty, not a name, or taken.

    Example:
        >>> connection_name("demo", known=["demo"])
        Traceback (most recent call last):
        ...
        chatbi_jupyterlab.errors.BadRequestError: there is a connection named demo already: pick another name
    """
    name = name.strip()
    if not name:
        raise BadRequestError("name the connection")
    if not NAME.fullmatch(name):
        raise BadRequestError(
            "a connection's name is letters, digits, spaces, '_', '.' and '-', at most 64, "
            "starting with a letter or digit"
        )
    if name in set(known):
        raise BadRequestError(f"there is a connection named {name} already: pick another name")
    return name


def database_spec(text: str, root: str | Path | None) -> str:
    """The database ``text`` names, as :func:`nl2sql.connect.open_database` reads it: ``demo`` and
    server URLs as they are; a SQLite or DuckDB file (a path, or a ``sqlite:///`` or ``duckdb:///`` URL)
    made absolute from ``root`` when relative. :class:`BadRequestError` when ``text`` is empty.

    Example:
        >>> database_spec("  ", root=None)
        Traceback (most recent call last):
        ...
        chatbi_jupyterlab.errors.BadRequestError: name the database: a SQLAlchemy URL, or the path of a SQLite or DuckDB file
    """  # noqa: E501
    text = text.strip()
    if not text:
        raise BadRequestError("name the database: a SQLAlchemy URL, or the path of a SQLite or DuckDB file")
    if len(text) > MAX_DATABASE_CHARS:
        raise BadRequestError(f"the database's name is {len(text)} characters; at most {MAX_DATABASE_CHARS}")
    if "\x00" in text:
        raise BadRequestError("the database's name contains a NUL character; type it again as plain text")
    if text == "demo":
        return text
    if "://" not in text:
        return str(_absolute(text, root))
    return _file_url(text, root)


def _absolute(path: str, root: str | Path | None) -> Path:
    found = Path(path).expanduser()
    return found if found.is_absolute() or root is None else Path(root).expanduser() / found


def _file_url(text: str, root: str | Path | None) -> str:
    """A ``sqlite:///`` or ``duckdb:///`` URL with its file made absolute; any other URL as it is (a URL
    SQLAlchemy cannot read is refused when it is opened, in the words of the CLI)."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(text)
    except Exception:  # said when it is opened
        return text
    if url.get_backend_name() not in FILE_URL_BACKENDS or not url.database or url.database == ":memory:":
        return text
    return url.set(database=str(_absolute(url.database, root))).render_as_string(hide_password=False)
