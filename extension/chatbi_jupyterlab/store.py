"""The answers a server keeps, by id, so that edits, feedback and exports can refer to them: the most
recently used ones, up to a bound, the oldest forgotten first.

Example:
    >>> store = AnswerStore(2)
    >>> store.add("a", 1); store.add("b", 2); store.get("a"); store.add("c", 3)
    1
    >>> sorted(store.ids())
    ['a', 'c']
    >>> store.forget("c"); store.ids()
    ['a']
    >>> store.get("b")
    Traceback (most recent call last):
    ...
    chatbi_jupyterlab.errors.NotFoundError: no answer b on this server: it was never given or is forgotten; ask again
"""  # noqa: E501

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from chatbi_jupyterlab.errors import NotFoundError

T = TypeVar("T")


class AnswerStore(Generic[T]):
    """A bounded least-recently-used map from answer id to answer."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._items: OrderedDict[str, T] = OrderedDict()

    def add(self, answer_id: str, item: T) -> None:
        self._items[answer_id] = item
        self._items.move_to_end(answer_id)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def get(self, answer_id: str) -> T:
        """The answer called ``answer_id``, now the most recently used; :class:`NotFoundError` if none."""
        try:
            self._items.move_to_end(answer_id)
        except KeyError:
            raise NotFoundError(
                f"no answer {answer_id} on this server: it was never given or is forgotten; ask again"
            ) from None
        return self._items[answer_id]

    def peek(self, answer_id: str) -> T:
        """The answer called ``answer_id``, left where it is in the order; KeyError if none."""
        return self._items[answer_id]

    def forget(self, answer_id: str) -> None:
        """Drop the answer called ``answer_id`` (nothing when there is none)."""
        self._items.pop(answer_id, None)

    def ids(self) -> list[str]:
        return list(self._items)
