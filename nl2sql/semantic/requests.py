"""Messages that ask no question of the data: commands to act, and requests for an opinion.

ChatBI reads data; it neither acts on the world (book a meeting, translate a catalogue, change a price)
nor gives views of its own. A command opens with a verb the data has no word for, applied to an object
("*Book* a meeting", "*Translate* our catalogue"), or turns something into something else (把…调成…);
an opinion is asked of "you" ("do you think", "你觉得").

Example:
    >>> is_command("Translate our product catalogue into French.", {"translate", "catalogue"}.__contains__)
    True
    >>> is_command("Revenue by channel last month", lambda word: False)
    False
    >>> is_command("把所有Aurora产品的折扣调成15%", lambda word: False)
    True
    >>> never = lambda word: False
    >>> is_command("把2023年的订单全部归档", never), is_command("把营收按月拆开看看", never)
    (True, False)
    >>> asks_opinion("你觉得我们应该在拉萨开店吗？"), asks_opinion("哪个渠道的营收最高？")
    (True, False)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

_OBJECT = frozenset("our the a an all my this these those every each".split())  # noqa: SIM905
"""What follows a verb applied to an object."""
_AFTER_OBJECT = frozenset("into to for with from by on in at of about as before after".split())  # noqa: SIM905
"""Words that end the object of a verb."""
_TURN_INTO = re.compile(r"把[^，。？?！!,]*?(?<![拆分划])成")
"""把 X 调成 / 翻译成 / 改成 Y: X made into Y (not 拆成 / 分成, which only split it for reading)."""
_DISPOSE = re.compile(r"把")
_ASKS_OR_VIEWS = re.compile(
    r"[？?吗呢]|多少|几|哪|什么|怎么|如何|看|列|展示|显示|拆|分|排|比|统计|算|汇总|画"
)
"""A question, or a request to see something: 把 X 按月拆开, 把营收排个序."""
OPINION = re.compile(
    r"\bdo you (?:think|believe|reckon|recommend)\b|\byour (?:favou?rite|opinion|view|advice)\b"
    r"|\bshould (?:we|i)\b|你觉得|你认为|你最喜欢|你推荐|我们应该|我们该不该|应不应该|要不要"
)
"""A question asking for a view or advice: the data holds what happened, not what to think of it."""


def is_command(question: str, lacking: Callable[[str], bool]) -> bool:
    """Whether ``question`` tells ChatBI to do something: its first word is a verb ``lacking`` says the
    data has no word for, applied to an object the data has no word for either, or it asks to turn
    something into something else."""
    if _TURN_INTO.search(question):
        return True
    if _DISPOSE.search(question) and not _ASKS_OR_VIEWS.search(question):  # 把2023年的订单全部归档
        return True
    words = re.findall(r"[a-z][a-z'-]*", question.lower())
    while words and words[0] in ("please", "pls", "kindly", "now", "then", "and"):
        words = words[1:]
    if len(words) < 3 or words[1] not in _OBJECT or not lacking(words[0]):
        return False
    # "Group the orders by year" works on the data; "Book a *meeting*", "Translate our product *catalogue*"
    # on something it lacks: the head of the object decides
    obj = [
        word
        for word in itertools.takewhile(lambda w: w not in _AFTER_OBJECT, words[2:])
        if word not in _OBJECT
    ]
    return bool(obj) and lacking(obj[-1])


def asks_opinion(question: str) -> bool:
    """Whether ``question`` asks for a view or advice rather than for figures (:data:`OPINION`)."""
    return OPINION.search(question.lower()) is not None
