"""A conversation with one database: the questions so far and their final SQL, for follow-ups.

"Revenue by region in 2025" then "now only online orders" then "break it down by month": each
follow-up is asked with the earlier questions and the SQL the user ended up with (after any edit),
so the model changes that query instead of starting over. A question that stands on its own starts a
new conversation (:func:`looks_like_follow_up`); :meth:`Conversation.reset` starts over explicitly.

Example:
    >>> conversation = Conversation()
    >>> conversation.add("How many orders per region?", "SELECT region, COUNT(*) FROM orders GROUP BY region")
    >>> conversation.replace_last_sql("SELECT region, COUNT(*) FROM orders GROUP BY region ORDER BY 2 DESC")
    >>> [turn.question for turn in conversation.history()]
    ['How many orders per region?']
    >>> print(conversation.describe())
    Follows up on:
      1. How many orders per region?
         SELECT region, COUNT(*) FROM orders GROUP BY region ORDER BY 2 DESC
    >>> conversation.reset(); conversation.history()
    ()
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nl2sql.prompt import MAX_HISTORY, Example

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|now|only|just|but|also|then|same|instead|what about|how about|break|split|group|sort|order"
    r"|show only|exclude|excluding|include|including|without|with|for|in|by|per|compared|vs\.?|versus"
    r"|this|that|these|those|it|them|limit|top|drop|remove|add|filter|make it|change)\b",
    re.IGNORECASE,
)
_REFERS_BACK = re.compile(
    r"\b(them|those|these|it|that one|the same|instead|as well|too|again)\b", re.IGNORECASE
)
_CHINESE_FOLLOW_UP = re.compile(
    r"呢[？?]?\s*$|^(那|只|再|按|换成|改成|其中|这些|他们|它们|同比|环比|去掉|加上|排除)"
)


def looks_like_follow_up(question: str) -> bool:
    """Whether ``question`` builds on the previous one ("now only for 2025", "break it down by month",
    "同比呢？") rather than standing alone ("How many orders were placed last month?").

    Example:
        >>> [looks_like_follow_up(q) for q in ("only for the North region", "同比呢？", "按月拆分",
        ...     "How many orders were placed in the last 30 days?", "每个品牌有多少个产品？")]
        [True, True, True, False, False]
    """
    text = question.strip()
    if _CHINESE_FOLLOW_UP.search(text) or _FOLLOW_UP_START.search(text):
        return True
    return len(text.split()) <= 8 and bool(_REFERS_BACK.search(text))


@dataclass
class Conversation:
    """The turns of one conversation, oldest first; only turns with valid SQL are kept."""

    turns: list[Example] = field(default_factory=list)

    def add(self, question: str, sql: str) -> None:
        """Record an answered question and its SQL (ignored when there is no SQL)."""
        if question.strip() and sql.strip():
            self.turns.append(Example(question.strip(), sql.strip()))

    def replace_last_sql(self, sql: str) -> None:
        """The user edited or corrected the last answer: follow-ups build on the new SQL."""
        if self.turns and sql.strip():
            self.turns[-1] = Example(self.turns[-1].question, sql.strip())

    def history(self) -> tuple[Example, ...]:
        """The turns a follow-up question is sent with (the most recent :data:`MAX_HISTORY`)."""
        return tuple(self.turns[-MAX_HISTORY:])

    def reset(self) -> None:
        """Start over: the next question is not a follow-up."""
        self.turns.clear()

    def describe(self) -> str:
        """The context a follow-up is sent with, as text for the user; empty when there is none."""
        history = self.history()
        if not history:
            return ""
        lines = ["Follows up on:"]
        for number, turn in enumerate(history, start=1):
            lines += [f"  {number}. {turn.question}", f"     {turn.sql}"]
        return "\n".join(lines)
