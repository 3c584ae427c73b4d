"""Who did something, and text made safe to keep: the user an event is about, credentials scrubbed.

Events name the person (the JupyterHub user when the notebook runs under JupyterHub, else the
operating-system user) and never carry a password: any ``scheme://user:password@host`` or
``password=…`` in a text field is masked before it is written.

Example:
    >>> scrub_credentials("could not reach postgresql://ann:s3cret@db:5432/sales")
    'could not reach postgresql://ann:***@db:5432/sales'
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping

USER_VARIABLES = ("JUPYTERHUB_USER",)
"""Environment variables naming the person using Jupyter, checked in order before the OS user."""

_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@]*:)([^\s@]+)(@)")
_KEY_PASSWORD = re.compile(r"(?i)\b(password|passwd|pwd)(\s*[=:]\s*)([^\s;&,'\"]+)")
MASK = "***"


def current_user(environ: Mapping[str, str] | None = None) -> str:
    """The Jupyter(Hub) user name when there is one, else the operating-system user.

    Example:
        >>> current_user({"JUPYTERHUB_USER": "ann"})
        'ann'
    """
    environ = os.environ if environ is None else environ
    for variable in USER_VARIABLES:
        if environ.get(variable):
            return environ[variable]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"


def scrub_url_passwords(text: str) -> str:
    """``text`` with the password of every URL masked (SQL keeps its ``password = …`` conditions).

    Example:
        >>> scrub_url_passwords("SELECT 'mysql://root:pw@db' WHERE password = 'x'")
        "SELECT 'mysql://root:***@db' WHERE password = 'x'"
    """
    return _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)


def scrub_credentials(text: str) -> str:
    """``text`` with the password of every URL and every ``password=…`` pair masked.

    Example:
        >>> scrub_credentials("host=db user=ann password=s3cret dbname=sales")
        'host=db user=ann password=*** dbname=sales'
        >>> scrub_credentials("SELECT name FROM customers")
        'SELECT name FROM customers'
    """
    return _KEY_PASSWORD.sub(lambda m: m.group(1) + m.group(2) + MASK, scrub_url_passwords(text))
