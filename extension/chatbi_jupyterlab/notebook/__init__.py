"""The notebook side of ChatBI: the ``%chatbi``, ``%%ask`` and ``%ask`` magics, what Jupyter shows for an
answer (its view, table and chart) and the review view. It runs in the kernel and never imports the server
extension; the server extension uses its UI-free pieces (the session, the answer card, the chart rules).

Load the magics with ``%load_ext chatbi_jupyterlab.notebook`` (``%load_ext nl2sql`` does the same).

Example:
    >>> import IPython
    >>> from IPython.testing.globalipapp import start_ipython
    >>> shell = start_ipython() or IPython.get_ipython()  # a test shell
    >>> _ = shell.extension_manager.load_extension("chatbi_jupyterlab.notebook")
    >>> "chatbi" in shell.magics_manager.magics["line"], "ask" in shell.magics_manager.magics["cell"]
    (True, True)
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext chatbi_jupyterlab.notebook``: register the ``%chatbi``, ``%%ask`` and ``%ask`` magics."""
    from chatbi_jupyterlab.notebook.magic import load_ipython_extension as load

    load(ipython)
