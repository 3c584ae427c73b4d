"""Text from the database or the model, made safe to print on a terminal: control characters shown, not
obeyed.

A value such as ``char(27) || '[2J'`` would clear the screen, and a carriage return would let a value
print over the line before it; on the command line they are shown as ``\\x1b``, ``\\x0d``. Line breaks
and tabs stay. JSON output escapes what JSON itself leaves raw (DEL and the C1 controls, which some
terminals obey too).

Example:
    >>> visible("red\\x1b[31m!\\r")
    'red\\\\x1b[31m!\\\\x0d'
    >>> visible_json('{"x": "a\\x9bb"}')
    '{"x": "a\\\\u009bb"}'
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters but line feed and tab."""
RAW_IN_JSON = re.compile("[\x7f-\x9f]")
"""What ``json.dumps(..., ensure_ascii=False)`` leaves unescaped that a terminal may obey."""


def visible(text: str) -> str:
    """``text`` with every control character but line feed and tab written as ``\\xNN``."""
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def visible_json(text: str) -> str:
    """JSON text with DEL and the C1 controls written as ``\\u00NN`` escapes (still the same JSON)."""
    return RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
