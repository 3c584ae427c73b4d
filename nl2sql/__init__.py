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
    """``%load_ext nl2sql``: register the ``%chatbi``, ``%%ask`` and ``%ask`` magics."""
    from nl2sql.notebook.magic import load_ipython_extension as load

    load(ipython)
