"""ChatBI in JupyterLab: the side panel (the prebuilt labextension in ``labextension/``, built from
``src/``) and the server extension behind it (:mod:`chatbi_jupyterlab.app`).

Example:
    >>> [point["module"] for point in _jupyter_server_extension_points()]
    ['chatbi_jupyterlab']
    >>> _jupyter_labextension_paths()
    [{'src': 'labextension', 'dest': 'chatbi-jupyterlab'}]
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt labextension lies in the package, and its name (``jupyter labextension develop``
    links it from here)."""
    return [{"src": "labextension", "dest": "chatbi-jupyterlab"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Where jupyter_server finds the extension (enabled by jupyter-config/server-config on install)."""
    from chatbi_jupyterlab.app import ChatBI

    return [{"module": "chatbi_jupyterlab", "app": ChatBI}]
