"""The periodic retraining: learn from curated corrections, promote the result only if it measures better.

1. Curate each database's corrections (:func:`feedback.corrections.curate`).
2. Hold a seeded share of them out; train on the rest (plus, optionally, replayed general examples so
   the model keeps what it knew), going on from the adapter in use.
3. Ask the held-out questions with the adapter in use and with the new one (the same pipeline; no
   corrections in the prompt, so only the model differs), and optionally a guard set such as Spider dev.
4. Record the new adapter in the registry (:mod:`feedback.registry`) with its measurements, and
   promote it only if it answers more held-out questions correctly and is not worse on the guard set;
   otherwise keep the one in use. The report says why.

:func:`new_approvals` counts the corrections approved since the last recorded training, for
``chatbi retrain --if-new N``.

Example:
    >>> split_holdout(list(range(8)), share=0.25, seed=0)
    ([4, 1, 5, 2, 0, 3], [7, 6])
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from feedback.corrections import curate
from feedback.datasets import TextToSQLExample, load_examples, seeded_shuffle, write_jsonl
from feedback.errors import TrainingError
from feedback.log import FeedbackLog, utc_now
from feedback.registry import AdapterEntry, AdapterRegistry, RegistryError, adapters_dir
from feedback.train import TrainConfig, train

T = TypeVar("T")


@dataclass(frozen=True)
class RetrainPlan:
    """What a retraining learns from, how it is measured, and when its result is promoted."""

    databases: tuple[str, ...]
    """Database files (SQLite or DuckDB) whose corrections to learn from."""
    log: str | None = None
    """The feedback log (default: the data folder's)."""
    out: str | None = None
    """Where the run's data, adapter and report go (default ``<data dir>/adapters/retrain-<time>``)."""
    holdout: float = 0.25
    """Share of each database's corrections kept out of training, to measure on."""
    min_corrections: int = 20
    """Fewer corrections than this in all: nothing to learn from yet."""
    replay: str | None = None
    """A data set mixed into training so the model keeps what it knew (e.g. ``spider:DIR``)."""
    replay_limit: int = 1000
    guard: str | None = None
    """A data set the new adapter must not do worse on (e.g. ``spider:DIR:dev``)."""
    guard_limit: int = 200
    guard_tolerance: float = 0.01
    """How much lower the guard EX may be (sampling noise) before the new adapter is refused."""
    promote: bool = True
    """Promote when it measures better (False: measure only)."""
    seed: int = 0
    redact: bool = False
    """Train on the corrections with their text literals replaced by placeholders
    (:func:`feedback.redact.redact`): names and e-mail addresses never reach the adapter."""
    training: TrainConfig = field(
        default_factory=lambda: TrainConfig(data="", out="", epochs=2.0, learning_rate=1e-4, batch_size=4)
    )
    """Training settings (``data``, ``out`` and ``start_from`` are filled in by the run)."""


@dataclass
class RetrainResult:
    out: Path
    adapter: Path
    corrections: int
    trained_on: int
    held_out: int
    ex_before: float
    ex_after: float
    guard_before: float | None = None
    guard_after: float | None = None
    promoted: bool = False
    reason: str = ""
    adapter_id: str | None = None
    """The new adapter's id in the registry."""

    def to_dict(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, Path) else value for key, value in asdict(self).items()}


def split_holdout(items: Sequence[T], *, share: float, seed: int) -> tuple[list[T], list[T]]:
    """Seeded shuffle, then (training part, held-out part); at least one held out when there are two."""
    shuffled = seeded_shuffle(items, seed)
    held = min(max(round(len(shuffled) * share), 1 if len(shuffled) > 1 else 0), len(shuffled))
    return shuffled[: len(shuffled) - held], shuffled[len(shuffled) - held :]


def retrain(
    plan: RetrainPlan, *, progress: bool = True, clock: Callable[[], datetime] = utc_now
) -> RetrainResult:
    """Run one retraining as ``plan`` says; see the module docstring. ``clock`` stamps the run."""
    from feedback.base_weights import base_sha256
    from nl2sql.evaluation.harness import EvalSettings, evaluate
    from nl2sql.models.resolve import active_adapter, load_generator

    log = FeedbackLog(plan.log)
    registry = AdapterRegistry(log)
    through = log.last_id(kinds=("approved",))  # read first: later approvals count towards the next run
    training_part, held_out = _corrections(plan, log)
    started = clock()
    out = Path(plan.out) if plan.out else adapters_dir() / f"retrain-{started:%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    data = out / "train.jsonl"
    write_training_data(data, training_part, plan.replay, plan.replay_limit)
    model = plan.training.base
    in_use = registry.active(model)
    current = active_adapter(model, log)
    config = replace(
        plan.training,
        data=str(data),
        out=str(out / "adapter"),
        start_from=str(current) if current else None,
        seed=plan.seed,
    )
    trained = train(config, progress=progress)

    settings = EvalSettings(batch_size=1, examples=0)
    before_model = load_generator(model, str(current) if current else "none", backend="auto")
    after_model = load_generator(model, str(trained.adapter), backend="auto")
    before = evaluate(held_out, before_model, settings, progress=progress).ex
    after = evaluate(held_out, after_model, settings, progress=progress).ex
    result = RetrainResult(
        out=out,
        adapter=trained.adapter,
        corrections=len(training_part) + len(held_out),
        trained_on=trained.examples,
        held_out=len(held_out),
        ex_before=round(before, 4),
        ex_after=round(after, 4),
    )
    if plan.guard:
        guard = [e for e in load_examples(plan.guard) if e.available][: plan.guard_limit]
        result.guard_before = round(evaluate(guard, before_model, settings, progress=progress).ex, 4)
        result.guard_after = round(evaluate(guard, after_model, settings, progress=progress).ex, 4)
    result.reason = _verdict(result, plan.guard_tolerance)
    better = result.reason.startswith("better")
    entry = registry.record(
        trained.adapter,
        base_model=model,
        base_sha256=base_sha256(model),
        data_sha256=_trained_on(trained.adapter),
        metrics=_metrics(result, current),
        created_at=started,
        status="candidate",
        trained_through=through,
    )
    result.adapter_id = entry.id
    if plan.promote and better:
        try:
            registry.promote(entry.id, at=clock(), replacing=in_use.id if in_use else None)
            result.promoted = True
        except RegistryError as error:
            result.reason += f"; not promoted: {error}"
    (out / "retrain.json").write_text(
        json.dumps({"plan": _plan_dict(plan), **result.to_dict()}, indent=1), encoding="utf-8"
    )
    return result


def new_approvals(plan: RetrainPlan) -> tuple[int, AdapterEntry | None]:
    """How many corrections were approved on ``plan``'s databases since the last recorded training of
    its base model (since the log began when none is recorded), and that training's entry.

    Example:
        >>> import sqlite3, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> sqlite3.connect(f"{folder}/shop.sqlite").execute("CREATE TABLE t (x INT)").close()
        >>> plan = RetrainPlan(databases=(f"{folder}/shop.sqlite",), log=f"{folder}/feedback.sqlite")
        >>> new_approvals(plan)
        (0, None)
    """
    log = FeedbackLog(plan.log)
    last = AdapterRegistry(log).last_training(plan.training.base)
    after = last.trained_through if last is not None and last.trained_through is not None else 0
    names = {_open(spec)[1].name for spec in plan.databases}
    approvals = log.events(limit=None, kinds=("approved",))
    count = sum(1 for event in approvals if event["id"] > after and event["database"] in names)
    log.close()
    return count, last


def _open(spec: str) -> tuple[Path, Any]:
    """A database file named on the command line, and the database opened."""
    from nl2sql.connect import open_database

    path = Path(spec).expanduser().resolve()
    if not path.is_file():
        raise TrainingError(f"retraining reads database files (SQLite or DuckDB); no such file: {spec}")
    return path, open_database(path)


def _corrections(
    plan: RetrainPlan, log: FeedbackLog
) -> tuple[list[TextToSQLExample], list[TextToSQLExample]]:
    """Each database's approved corrections as (training part, held-out part)."""
    from nl2sql.schema import load_schema

    training_part: list[TextToSQLExample] = []
    held_out: list[TextToSQLExample] = []
    for spec in plan.databases:
        path, database = _open(spec)
        kept = curate(log, database.name, load_schema(database)).kept
        learn, measure = split_holdout(kept, share=plan.holdout, seed=plan.seed)
        training_part += [c.as_example(path, redact=plan.redact, dialect=database.dialect) for c in learn]
        held_out += [c.as_example(path) for c in measure]  # measured on the questions as asked
    total = len(training_part) + len(held_out)
    if total < plan.min_corrections:
        raise TrainingError(
            f"{total} approved corrections, fewer than the {plan.min_corrections} a retraining needs: "
            "review more first (`chatbi feedback review --db DB` lists the candidates)"
        )
    return training_part, held_out


def write_training_data(
    path: Path, corrections: Sequence[TextToSQLExample], replay: str | None, replay_limit: int
) -> int:
    """Write ``corrections`` and, after them, the first ``replay_limit`` examples of the data set
    ``replay`` (its usable ones) to the JSONL file ``path``; how many were replayed.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "train.jsonl"
        >>> fix = TextToSQLExample("shop", "Orders?", "SELECT COUNT(*) FROM orders", Path("shop.sqlite"))
        >>> write_training_data(path, [fix], None, 1000), len(path.read_text().splitlines())
        (0, 1)
    """
    replayed = [e for e in load_examples(replay)[:replay_limit] if e.available] if replay else []
    write_jsonl(path, [*corrections, *replayed])
    return len(replayed)


def _verdict(result: RetrainResult, tolerance: float) -> str:
    if result.ex_after <= result.ex_before:
        return (
            f"kept the adapter in use: held-out EX {result.ex_after:.3f} is not above {result.ex_before:.3f}"
        )
    guarded = result.guard_after is not None and result.guard_before is not None
    if guarded and result.guard_after < result.guard_before - tolerance:  # type: ignore[operator]
        fell = f"{result.guard_before:.3f} to {result.guard_after:.3f}"
        return f"kept the adapter in use: guard EX fell from {fell}"
    return f"better: held-out EX {result.ex_before:.3f} → {result.ex_after:.3f}"


def _metrics(result: RetrainResult, current: Path | None) -> dict[str, Any]:
    """What the registry keeps of a run: its measurements, and the adapter they were compared with."""
    names = ("ex_before", "ex_after", "guard_before", "guard_after", "corrections", "trained_on", "held_out")
    measured = {name: getattr(result, name) for name in names}
    return {**measured, "verdict": result.reason, "compared_with": str(current) if current else None}


def _trained_on(adapter: Path) -> str | None:
    """The data hash the training recorded beside the adapter."""
    record = adapter / "train_config.json"
    return json.loads(record.read_text(encoding="utf-8")).get("data_sha256") if record.is_file() else None


def _plan_dict(plan: RetrainPlan) -> dict[str, Any]:
    return {**asdict(plan), "databases": list(plan.databases)}
