"""The demo database's curated semantic model (``semantic_model.yaml`` beside this module).

Example:
    >>> model = demo_semantic_model()
    >>> model.metric("复购率").name, model.metric("GMV").name
    ('repurchase_rate', 'gmv')
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from nl2sql.semantic.load import parse_model
from nl2sql.semantic.model import SemanticModel


@cache
def demo_semantic_model() -> SemanticModel:
    """The demo's semantic model, read once per process."""
    source = resources.files("nl2sql.demo").joinpath("semantic_model.yaml")
    return parse_model(source.read_text(encoding="utf-8"), source=str(source))
