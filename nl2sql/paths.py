"""Where ChatBI keeps its files: one root, overridable with ``CHATBI_HOME`` (tests point it at a temp dir).

Example:
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CHATBI_HOME": "/tmp/chatbi-doc"}):
    ...     str(data_dir())
    '/tmp/chatbi-doc/data'
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "CHATBI_HOME"
CACHE_ENV = "CHATBI_CACHE"


def data_dir() -> Path:
    """The folder for user data: the demo database, the feedback log, glossaries."""
    root = os.environ.get(HOME_ENV)
    return Path(root) / "data" if root else Path(platformdirs.user_data_dir("chatbi"))


def cache_dir() -> Path:
    """The folder for large derived files: reassembled and converted model weights.

    ``CHATBI_CACHE`` overrides it on its own, so tests with a temporary ``CHATBI_HOME`` still share
    one converted model.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    root = os.environ.get(HOME_ENV)
    return Path(root) / "cache" if root else Path(platformdirs.user_cache_dir("chatbi"))
