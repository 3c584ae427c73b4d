"""LoRA fine-tuning on question/SQL pairs, with the very prompt builder inference uses.

Read it top to bottom: load the data and render each pair through :func:`nl2sql.prompt.build_messages`
and the model's chat template, mask the prompt so the loss falls on the answer only, train a peft LoRA
adapter (bf16 on a GPU, fp32 on a CPU), skip any step whose loss or gradient is not finite, and save
the adapter in bf16 beside a ``train_config.json`` that records the data hash, the base model's
sha256, every hyper-parameter, the package versions and the loss curve.

It runs as one process, or as several under ``accelerate launch`` (one per GPU, or several on the
CPU with ``--device cpu``): every process builds the same shuffled steps, takes its share of each step's
examples and trains its own copy of the model, whose gradients accelerate averages (DDP). The loss
is summed over the answer tokens and divided by the step's total, on every process, so a step
learns the same whatever the number of processes. Only the main process shows progress and writes
the adapter; :func:`record_training` then records it in the adapter registry.

Example:
    >>> config = TrainConfig(data="spider:/data/spider", out="adapters/spider")
    >>> config.rank, config.alpha, config.epochs
    (16, 32, 1.0)
"""

from __future__ import annotations

import json
import math
import platform
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from feedback.datasets import TextToSQLExample, examples_hash, load_examples
from feedback.errors import TrainingError
from nl2sql.models.weights import DEFAULT_MODEL

if TYPE_CHECKING:
    from feedback.registry import AdapterEntry

Encoded = tuple[list[int], list[int]]
"""One example as the model reads it: its token ids, and its labels (the prompt masked)."""

IGNORE_INDEX = -100
"""Label of the tokens the loss ignores (the prompt and the padding)."""


@dataclass
class TrainConfig:
    """Everything a training run depends on; saved with the adapter."""

    data: str
    """The data set: ``spider:DIR`` (train split), ``bird:DIR:train``, or a ``.jsonl`` of
    {db, question, sql}."""
    out: str
    """The folder the adapter is written to."""
    base: str = DEFAULT_MODEL
    """The base model: a bundled name, a Hugging Face folder or a .gguf file."""
    epochs: float = 1.0
    """Passes over the data (fractions allowed)."""
    learning_rate: float = 2e-4
    """Peak learning rate, reached after warm-up, then cosine decay to a tenth of it."""
    warmup_ratio: float = 0.03
    """Share of the steps spent warming up linearly from zero."""
    rank: int = 16
    """LoRA rank."""
    alpha: int = 32
    """LoRA alpha (the update is scaled by alpha / rank)."""
    dropout: float = 0.05
    """Dropout on the LoRA input."""
    batch_size: int = 8
    """Examples per optimizer step."""
    max_tokens: int = 2048
    """Examples longer than this (prompt + answer) are left out, and counted."""
    limit: int | None = None
    """Use only the first N examples (a quick run)."""
    samples: bool = True
    """Prompt with sample values of text columns, as inference does by default."""
    seed: int = 0
    """Shuffling and initialisation seed."""
    device: str = "auto"
    """``auto`` (cuda when available), ``cuda`` or ``cpu``; under ``accelerate launch``, each process
    takes the device the launcher gives it."""
    start_from: str | None = None
    """An adapter folder to go on training (its rank and alpha then apply), instead of a new LoRA."""
    gradient_checkpointing: bool = False
    """Keep each layer's input only and compute its activations again for the backward pass: the same
    gradients in much less memory (long prompts on a CPU), for about a third more time."""

    def validate(self) -> None:
        """Raise TrainingError for a setting that cannot work."""
        checks = [
            (self.epochs > 0, "epochs must be positive"),
            (self.learning_rate > 0, "learning_rate must be positive"),
            (0 <= self.warmup_ratio < 1, "warmup_ratio must be in [0, 1)"),
            (self.rank > 0 and self.alpha > 0, "rank and alpha must be positive"),
            (0 <= self.dropout < 1, "dropout must be in [0, 1)"),
            (self.batch_size > 0, "batch_size must be positive"),
            (self.max_tokens > 16, "max_tokens is too small"),
            (self.limit is None or self.limit > 0, "limit must be positive"),
            (self.device in {"auto", "cuda", "cpu"}, "device must be auto, cuda or cpu"),
        ]
        for ok, message in checks:
            if not ok:
                raise TrainingError(f"bad training setting: {message}")


@dataclass
class TrainResult:
    adapter: Path
    examples: int
    dropped: int
    steps: int
    skipped_steps: int
    seconds: float
    final_loss: float
    losses: list[float] = field(default_factory=list)
    processes: int = 1
    """How many processes trained it together (``accelerate launch``)."""
    main_process: bool = True
    """False in the other processes of a launch: they wrote nothing, and record and print nothing."""


def train(config: TrainConfig, *, progress: bool = True) -> TrainResult:
    """Train a LoRA adapter as ``config`` says and save it; see the module docstring."""
    config.validate()
    torch, peft, accelerate = _import_training()
    started = time.perf_counter()
    # One process, or one of those `accelerate launch` started: then its rank, its device, and DDP.
    accelerator = _accelerator(config.device, torch, accelerate)
    main, rank, processes = accelerator.is_main_process, accelerator.process_index, accelerator.num_processes
    progress = progress and main
    if not main:
        _quiet()  # the main process shows the progress bars, warnings and library messages once
    random.seed(config.seed)
    torch.manual_seed(config.seed)  # the same LoRA initialisation in every process
    device = accelerator.device
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32

    examples = [e for e in load_examples(config.data) if e.available]
    if config.limit:
        examples = examples[: config.limit]
    if not examples:
        raise TrainingError(f"no usable examples in {config.data} (are the databases there?)")

    from nl2sql.models.local import TransformersGenerator

    base = TransformersGenerator(config.base, device=str(device), dtype=dtype)
    tokenizer = base.tokenizer
    encoded, dropped = encode_examples(
        examples, tokenizer, samples=config.samples, max_tokens=config.max_tokens, progress=progress
    )
    if not encoded:
        raise TrainingError(f"every example is longer than max_tokens={config.max_tokens}")

    if config.start_from:
        model = peft.PeftModel.from_pretrained(base.model, config.start_from, is_trainable=True)
    else:
        lora = peft.LoraConfig(
            r=config.rank,
            lora_alpha=config.alpha,
            lora_dropout=config.dropout,
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        )
        model = peft.get_peft_model(base.model, lora)
    if config.gradient_checkpointing:
        base.model.config.use_cache = False  # nothing to cache in training; a cache defeats the saving
        _checkpoint_activations(base.model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    for parameter in trainable:
        parameter.data = parameter.data.float()  # LoRA weights and their optimizer state in fp32
    model.train()
    model = accelerator.prepare_model(model)  # wrapped in DDP when there are several processes

    batches = _batches(encoded, config.batch_size, config.epochs, config.seed)
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=0.0)
    warmup = max(1, int(config.warmup_ratio * len(batches)))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _lr_factor(step, warmup, len(batches))
    )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id

    losses: list[float] = []
    skipped = 0
    bar = tqdm(batches, desc="training", unit="step", disable=not progress)
    for batch in bar:
        items = [encoded[i] for i in batch]
        targets = sum(_answer_tokens(labels) for _, labels in items)
        input_ids, labels = _collate(shard(items, rank, processes), pad, torch)
        keep = answer_window(labels)  # logits for the answers only: a long schema costs no vocabulary row
        # Right padding and a causal mask: the padding never reaches real tokens, so no attention mask.
        with torch.autocast(device_type=device.type, dtype=dtype, enabled=device.type == "cuda"):
            part = model(
                input_ids=input_ids.to(device),
                labels=labels[:, -keep:].to(device),
                num_items_in_batch=targets,
                logits_to_keep=keep,
            ).loss  # this process's share of the step's mean loss
        loss = accelerator.reduce(part.detach(), reduction="sum")  # the step's mean, in every process
        if not torch.isfinite(loss):  # every process sees the same sum, so all of them skip
            optimizer.zero_grad(set_to_none=True)
            skipped += 1
            continue
        (part * processes).backward()  # DDP averages the gradients over the processes: this sums them
        norm = torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        if not torch.isfinite(norm):
            optimizer.zero_grad(set_to_none=True)
            skipped += 1
            continue
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss))
        bar.set_postfix(loss=f"{sum(losses[-20:]) / len(losses[-20:]):.4f}")
    bar.close()

    out = Path(config.out).expanduser()
    result = TrainResult(
        adapter=out,
        examples=len(encoded),
        dropped=dropped,
        steps=len(batches),
        skipped_steps=skipped,
        seconds=time.perf_counter() - started,
        final_loss=_tail_mean(losses),
        losses=losses,
        processes=processes,
        main_process=main,
    )
    accelerator.wait_for_everyone()
    if main:
        model = accelerator.unwrap_model(model)
        out.mkdir(parents=True, exist_ok=True)
        for parameter in trainable:
            parameter.data = parameter.data.to(torch.bfloat16)  # saved in bf16: half the size, same answers
        model.peft_config["default"].base_model_name_or_path = config.base  # the name, not a machine's path
        # no embedding layers are trained: peft need not look the base up on the hub to decide (offline)
        model.save_pretrained(str(out), safe_serialization=True, save_embedding_layers=False)
        _save_record(config, result, examples, device, torch)
    accelerator.wait_for_everyone()  # the other processes end once the adapter is written
    return result


def record_training(
    result: TrainResult, config: TrainConfig, *, store: Any = None, created_at: datetime
) -> AdapterEntry:
    """Record a trained adapter in the adapter registry of ``store`` (a feedback store: a
    :class:`feedback.log.FeedbackLog`, a file or a URL; default: ``$CHATBI_FEEDBACK_URL``, else the data
    folder's) as a ``candidate``: measured by nothing yet, it answers once someone promotes it
    (``chatbi models promote ID``).

    Example:
        >>> import tempfile
        >>> from datetime import UTC, datetime
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "adapter_model.safetensors").write_bytes(b"weights")
        >>> result = TrainResult(adapter=folder, examples=3, dropped=0, steps=2, skipped_steps=0,
        ...                      seconds=1.0, final_loss=0.5)
        >>> config = TrainConfig(data="pairs.jsonl", out=str(folder))
        >>> entry = record_training(result, config, store=folder / "feedback.sqlite",
        ...                         created_at=datetime(2026, 3, 1, tzinfo=UTC))
        >>> entry.short_id, entry.status, entry.metrics["final_loss"]
        ('9a129038d9a0', 'candidate', 0.5)
    """
    from feedback.base_weights import base_sha256
    from feedback.registry import AdapterRegistry

    record = result.adapter / "train_config.json"
    trained = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
    registry = AdapterRegistry(store)
    try:
        return registry.record(
            result.adapter,
            base_model=config.base,
            base_sha256=base_sha256(config.base),
            data_sha256=trained.get("data_sha256"),
            metrics={
                "examples": result.examples,
                "steps": result.steps,
                "final_loss": result.final_loss,
                "processes": result.processes,
            },
            created_at=created_at,
        )
    finally:
        registry.close()


def _checkpoint_activations(model: Any) -> None:
    """Turn on activation checkpointing, by its name in this transformers release (older ones say
    "gradient"); non-reentrant, so the frozen embeddings need not require gradients for LoRA to learn."""
    kwargs = {"use_reentrant": False}
    if hasattr(model, "activation_checkpointing_enable"):
        model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)


def encode_examples(
    examples: list[TextToSQLExample],
    tokenizer: Any,
    *,
    samples: bool,
    max_tokens: int,
    progress: bool = False,
) -> tuple[list[tuple[list[int], list[int]]], int]:
    """(input ids, labels) per example, the prompt masked with IGNORE_INDEX; and how many were too long.

    The prompt is exactly what inference sends: :func:`nl2sql.prompt.build_messages` through the chat
    template with the generation prompt, the schema cut down to the linked tables where inference cuts
    it (:func:`nl2sql.linking.pruned_schema_text`, keeping the tables the gold SQL reads); the answer
    is :func:`nl2sql.prompt.render_answer` of the gold SQL (normalized), closed by the template's
    end-of-turn token.
    """
    from nl2sql.embed import embeddings_installed
    from nl2sql.prompt import render_answer
    from nl2sql.schema import DatabaseCache

    schemas = DatabaseCache()
    embeddings = embeddings_installed()
    encoded, dropped = [], 0
    for example in tqdm(examples, desc="encoding", unit="ex", disable=not progress):
        schema = schemas.schema(example.db_path)
        question = (
            example.question if not example.evidence else f"{example.question}\nHint: {example.evidence}"
        )
        sql = normalize_sql(example.sql, schema)
        messages = training_messages(schema, question, sql, samples=samples, embeddings=embeddings)
        answer = {"role": "assistant", "content": render_answer(sql)}
        prompt_ids = _token_ids(
            tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        )
        full_ids = _token_ids(tokenizer.apply_chat_template([*messages, answer], tokenize=True))
        if full_ids[: len(prompt_ids)] != prompt_ids:
            raise TrainingError(
                "the chat template does not extend the prompt with the answer; cannot mask it"
            )
        if len(full_ids) > max_tokens:
            dropped += 1
            continue
        labels = [IGNORE_INDEX] * len(prompt_ids) + full_ids[len(prompt_ids) :]
        encoded.append((full_ids, labels))
    return encoded, dropped


def training_messages(
    schema: Any, question: str, sql: str, *, samples: bool = True, embeddings: bool = True
) -> list[dict[str, str]]:
    """The prompt a training example asks with: what inference would send for ``question``
    (:func:`nl2sql.prompt.build_messages`), its schema cut down to the linked tables where inference
    cuts it, the tables the answer ``sql`` reads kept in (a prompt without them would teach the model
    to write names it was not shown).

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("head", (Column("age", "INT"),)),))
        >>> prompt = training_messages(schema, "How many heads?", "SELECT COUNT(*) FROM head")[-1]["content"]
        >>> "CREATE TABLE head" in prompt
        True
    """
    from nl2sql.linking import pruned_schema_text, tables_read
    from nl2sql.prompt import build_messages

    keep = tables_read(sql, schema.dialect)
    shown = pruned_schema_text(schema, question, keep=keep, embeddings=embeddings, samples=samples)
    return build_messages(schema, question, samples=samples, schema_text=shown)


def normalize_sql(sql: str, schema: Any) -> str:
    """Gold SQL in one tidy style (sqlglot's), double-quoted strings made single-quoted strings.

    Example:
        >>> from nl2sql.schema import Column, Schema, Table
        >>> schema = Schema("sqlite", (Table("head", (Column("age", "INT"), Column("name", "TEXT"))),))
        >>> normalize_sql('SELECT count(*) FROM head WHERE name  =  "Ann"', schema)
        "SELECT COUNT(*) FROM head WHERE name = 'Ann'"
    """
    import sqlglot
    from sqlglot.errors import SqlglotError

    from explain.quirks import DIALECTS_WITH_DOUBLE_QUOTED_STRINGS, resolve_double_quoted_strings

    try:
        tree = sqlglot.parse_one(sql, read=schema.dialect)
        if schema.dialect in DIALECTS_WITH_DOUBLE_QUOTED_STRINGS:
            tree = resolve_double_quoted_strings(tree, schema.mapping())
        return tree.sql(dialect=schema.dialect)
    except SqlglotError:
        return " ".join(sql.split())


def _token_ids(encoded: Any) -> list[int]:
    if hasattr(encoded, "keys"):
        encoded = encoded["input_ids"]
    return list(encoded)


def _batches(
    encoded: list[tuple[list[int], list[int]]], batch_size: int, epochs: float, seed: int
) -> list[list[int]]:
    """Shuffled batches of similar-length examples (less padding), over ``epochs`` passes."""
    rng = random.Random(seed)
    total = math.ceil(len(encoded) * epochs)
    order: list[int] = []
    while len(order) < total:
        indices = list(range(len(encoded)))
        rng.shuffle(indices)
        order += indices
    order = order[:total]
    batches = []
    window = batch_size * 64
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: len(encoded[i][0]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def shard(items: list[Encoded], rank: int, processes: int) -> list[Encoded]:
    """Process ``rank``'s share of one step's examples: every ``processes``-th, starting at ``rank``.
    A process whose share would be empty gets the step's first example with nothing to learn (labels
    all ignored), so that every process takes part in each step.

    Example:
        >>> steps = [([1, 2, 3], [-100, 2, 3]), ([4, 5], [-100, 5]), ([6, 7], [-100, 7])]
        >>> shard(steps, 1, 2)
        [([4, 5], [-100, 5])]
        >>> shard(steps[:1], 1, 2)
        [([1, 2, 3], [-100, -100, -100])]
    """
    share = items[rank::processes]
    if share or not items:
        return share
    ids, labels = items[0]
    return [(ids, [IGNORE_INDEX] * len(labels))]


def answer_window(labels: Any) -> int:
    """How many last positions of a right-padded batch of ``labels`` the loss needs logits for: from the
    token before the earliest answer token of any row to the end (at least one). The rest is prompt,
    whose logits (a vocabulary-wide row each) would only be thrown away.

    Example:
        >>> import torch
        >>> answer_window(torch.tensor([[-100, -100, -100, 5, 6], [-100, -100, -100, -100, 7]]))
        3
        >>> answer_window(torch.tensor([[-100, -100, -100]]))
        1
    """
    answers = labels != IGNORE_INDEX
    rows = answers.any(dim=1)
    if not bool(rows.any()):
        return 1
    first = int(answers.int().argmax(dim=1)[rows].min())
    return min(labels.shape[1], labels.shape[1] - first + 1)


def _answer_tokens(labels: list[int]) -> int:
    """The tokens an example's loss is taken on (each predicted from the token before it)."""
    return sum(1 for label in labels[1:] if label != IGNORE_INDEX)


def _collate(items: list[tuple[list[int], list[int]]], pad: int, torch: Any) -> tuple[Any, Any]:
    width = max(len(ids) for ids, _ in items)
    input_ids = torch.full((len(items), width), pad, dtype=torch.long)
    labels = torch.full((len(items), width), IGNORE_INDEX, dtype=torch.long)
    for row, (ids, label) in enumerate(items):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        labels[row, : len(label)] = torch.tensor(label)
    return input_ids, labels


def _lr_factor(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def _tail_mean(losses: list[float], n: int = 50) -> float:
    tail = losses[-n:]
    return round(sum(tail) / len(tail), 4) if tail else float("nan")


def _save_record(
    config: TrainConfig, result: TrainResult, examples: list[TextToSQLExample], device: Any, torch: Any
) -> None:
    import accelerate
    import peft
    import transformers

    from nl2sql.models.weights import MODELS

    bundled = MODELS.get(config.base)
    on_gpu = device.type == "cuda"
    device_name = torch.cuda.get_device_name(device) if on_gpu else platform.processor() or "cpu"
    record = {
        "config": asdict(config),
        "data_sha256": examples_hash(examples),
        "base_model": config.base,
        "base_sha256": bundled.sha256 if bundled else None,
        "examples": result.examples,
        "dropped_too_long": result.dropped,
        "steps": result.steps,
        "skipped_steps": result.skipped_steps,
        "final_loss": result.final_loss,
        "seconds": round(result.seconds, 1),
        "device": device_name,
        "processes": result.processes,
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
            "accelerate": accelerate.__version__,
            "python": platform.python_version(),
        },
        "losses": [round(x, 4) for x in result.losses],
    }
    (result.adapter / "train_config.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


def _accelerator(device: str, torch: Any, accelerate: Any) -> Any:
    """The Accelerator of this process: on the CPU for ``cpu`` (and for ``auto`` without a GPU), else
    on the GPU the launcher gives the process. Several processes on the CPU talk over gloo."""
    has_gpu = torch.cuda.is_available()
    if device == "cuda" and not has_gpu:
        raise TrainingError("--device cuda, but torch sees no CUDA device here")
    return accelerate.Accelerator(cpu=device == "cpu" or not has_gpu)


def _quiet() -> None:
    """Silence this process's warnings, library log messages and progress bars."""
    import warnings

    import transformers

    warnings.simplefilter("ignore")
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _import_training() -> tuple[Any, Any, Any]:
    try:
        import accelerate
        import peft
        import torch
    except ImportError as error:
        raise TrainingError(
            "training needs torch, peft and accelerate: pip install 'chatbi[model]'"
        ) from error
    return torch, peft, accelerate
