"""Things worked out once per semantic model (its compiled vocabulary, the words of its data), kept
while the model lives: a model is immutable, so what is derived from it never goes stale.

Example:
    >>> from nl2sql.semantic.model import SemanticModel
    >>> calls = []
    >>> @per_model
    ... def table_count(model):
    ...     calls.append(model.name)
    ...     return len(model.tables)
    >>> model = SemanticModel("shop")
    >>> table_count(model), table_count(model), calls
    (0, 0, ['shop'])
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from nl2sql.semantic.model import SemanticModel

T = TypeVar("T")


def per_model(build: Callable[[SemanticModel], T]) -> Callable[[SemanticModel], T]:
    """``build`` run once per model (by identity: hashing a whole model would cost what is saved), its
    result dropped when the model is."""
    cache: dict[int, tuple[weakref.ref[SemanticModel], T]] = {}

    @functools.wraps(build)
    def cached(model: SemanticModel) -> T:
        entry = cache.get(id(model))
        if entry is not None and entry[0]() is model:
            return entry[1]
        value = build(model)
        key = id(model)
        cache[key] = (weakref.ref(model, lambda _: cache.pop(key, None)), value)
        return value

    return cached
