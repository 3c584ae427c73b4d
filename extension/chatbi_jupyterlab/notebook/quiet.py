"""Keep the model libraries from writing into the notebook while an answer loads a model.

transformers draws a "Loading weights" tqdm bar when it loads the language model or the MiniLM embedding
model; in a kernel tqdm draws it as a widget of its own, which the saved notebook keeps as a stale
``Loading weights: 0%|`` line. transformers and peft also warn about their own deprecations. The cell
says "loading the model…" instead (the magic's stage line), so both are silenced for the time of an
answer, and put back as they were afterwards.

Example:
    >>> from transformers.utils import logging
    >>> with quiet_model_loading():
    ...     logging.is_progress_bar_enabled()
    False
    >>> logging.is_progress_bar_enabled()
    True
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LIBRARIES = r"(?:transformers|peft|accelerate|huggingface_hub)(?:\.|$)"
"""The modules whose FutureWarnings and DeprecationWarnings are not the notebook user's business."""


@contextmanager
def quiet_model_loading() -> Iterator[None]:
    """No progress bar from transformers (nor huggingface_hub), and no deprecation warning from the model
    libraries, inside the ``with`` block; as before, after it."""
    progress = _progress_bars()
    was_on = progress is not None and progress.is_progress_bar_enabled()
    if was_on:
        progress.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            for category in (FutureWarning, DeprecationWarning):
                warnings.filterwarnings("ignore", category=category, module=_LIBRARIES)
            yield
    finally:
        if was_on:
            progress.enable_progress_bar()


def _progress_bars() -> Any:
    """transformers' logging module (its progress bar switch), or None without transformers."""
    if importlib.util.find_spec("transformers") is None:
        return None
    from transformers.utils import logging

    return logging
