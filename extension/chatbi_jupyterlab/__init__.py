"""ChatBI in JupyterLab: the server extension behind the side panel (:mod:`chatbi_jupyterlab.app`).

Example:
    >>> [point["module"] for point in _jupyter_server_extension_points()]
    ['chatbi_jupyterlab']
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Where jupyter_server finds the extension (enabled by jupyter-config/server-config on install)."""
    from chatbi_jupyterlab.app import ChatBI

    return [{"module": "chatbi_jupyterlab", "app": ChatBI}]
