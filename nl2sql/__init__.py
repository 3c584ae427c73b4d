"""Natural language to SQL: schema → prompt → model → checked SQL → read-only result.

Example:
    >>> from nl2sql import Assistant, Answer
    >>> Assistant.__name__, Answer.__name__
    ('Assistant', 'Answer')
"""

from nl2sql.assistant import Answer, Assistant
from nl2sql.errors import ChatBIError

__all__ = ["Answer", "Assistant", "ChatBIError", "load_ipython_extension"]


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext nl2sql``: the same as ``%load_ext chatbi_jupyterlab.notebook``, where the ``%chatbi``,
    ``%%ask`` and ``%ask`` magics live (the ``chatbi-jupyterlab`` distribution)."""
    try:
        from chatbi_jupyterlab.notebook import load_ipython_extension as load
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "chatbi_jupyterlab":
            raise
        from IPython.core.error import UsageError

        raise UsageError(
            "the notebook magics come with chatbi-jupyterlab, which is not installed: "
            "make install (or pip install ./extension)"
        ) from None
    load(ipython)
