"""Chinese characters in a question or a name: one definition for every reader of the semantic layer.

Example:
    >>> has_chinese("上个月营收"), has_chinese("revenue last month")
    (True, False)
    >>> CJK.findall("GMV 同比")
    ['同', '比']
"""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")
"""One Chinese character (the unified ideographs and their extension A)."""


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (see the module)."""
    return CJK.search(text) is not None
