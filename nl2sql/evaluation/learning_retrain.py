"""The learning benchmark's retraining point: after the last number of corrections, the adapter the
held-out questions were asked with is trained further on every database's approved corrections (as
``chatbi retrain`` trains it, with replayed general examples mixed in when asked), and the held-out
questions are asked again with the new adapter, beside the same store (prompt examples and all).

Training wants a GPU; on a CPU only a tiny run (a few corrections, one epoch) is practical.

Example:
    >>> from feedback.train import TrainConfig
    >>> Retraining(TrainConfig(data="", out="", epochs=2.0)).training.epochs
    2.0
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from feedback.datasets import TextToSQLExample
from feedback.retrain import write_training_data
from feedback.train import TrainConfig, train
from nl2sql.models.base import Generator


@dataclass(frozen=True)
class Retraining:
    """How the learning benchmark retrains after its last point."""

    training: TrainConfig
    """Training settings: ``data`` and ``out`` are filled in by the run; ``start_from`` is the adapter the
    held-out questions were asked with (None: a new one on the bare model)."""
    replay: str | None = None
    """A data set mixed into training so the model keeps what it knew (e.g. ``spider:DIR``)."""
    replay_limit: int = 1000
    backend: str = "auto"
    """How the retrained model answers (:func:`nl2sql.models.resolve.load_generator`)."""


def retrain_on(
    corrections: list[TextToSQLExample], retraining: Retraining, folder: Path, *, progress: bool = True
) -> tuple[Generator, dict[str, Any]]:
    """Train as ``retraining`` says on ``corrections`` (plus its replay) into ``folder``; the generator
    answering with the new adapter, and what the training did."""
    from nl2sql.models.resolve import load_generator

    data = folder / "train.jsonl"
    replayed = write_training_data(data, corrections, retraining.replay, retraining.replay_limit)
    config = replace(retraining.training, data=str(data), out=str(folder / "adapter"))
    trained = train(config, progress=progress)
    generator = load_generator(
        config.base, str(trained.adapter), device=config.device, backend=retraining.backend
    )
    return generator, {
        "start_from": config.start_from,
        "corrections": len(corrections),
        "replayed": replayed,
        "examples": trained.examples,
        "too_long": trained.dropped,
        "steps": trained.steps,
        "skipped_steps": trained.skipped_steps,
        "final_loss": trained.final_loss,
        "train_seconds": round(trained.seconds, 1),
        "epochs": config.epochs,
        "learning_rate": config.learning_rate,
        "batch_size": config.batch_size,
        "device": getattr(generator, "device", config.device),
        "adapter_hash": generator.adapter_hash,
    }
