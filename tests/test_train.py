"""LoRA training: prompt masking on the real tokenizer, and a tiny real run on the CPU (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.datasets import load_examples
from feedback.errors import TrainingError
from feedback.train import IGNORE_INDEX, TrainConfig, train


def test_bad_settings_are_refused() -> None:
    with pytest.raises(TrainingError, match="rank and alpha must be positive"):
        TrainConfig(data="x.jsonl", out="out", rank=0).validate()


@pytest.mark.slow
def test_tiny_training_run_on_the_cpu(tmp_path: Path, shop_pairs: Path) -> None:
    from feedback.train import encode_examples
    from nl2sql.models.local import TransformersGenerator

    data = shop_pairs
    tokenizer = TransformersGenerator().tokenizer
    usable = [e for e in load_examples(data) if e.available]
    encoded, dropped = encode_examples(usable, tokenizer, samples=True, max_tokens=2048)
    ids, labels = encoded[1]
    assert len(encoded) == 3
    answer = tokenizer.decode([t for t, label in zip(ids, labels, strict=True) if label != IGNORE_INDEX])
    assert answer.startswith("```sql\nSELECT name FROM customers WHERE segment = 'SMB' ORDER BY name\n```")
    assert labels[: len(labels) // 2] == [IGNORE_INDEX] * (len(labels) // 2) and dropped == 0

    config = TrainConfig(
        data=str(data), out=str(tmp_path / "adapter"), rank=2, alpha=4, batch_size=2, device="cpu"
    )
    result = train(config, progress=False)
    assert result.steps == 2 and result.skipped_steps == 0 and result.final_loss == result.final_loss
    saved = json.loads((tmp_path / "adapter" / "train_config.json").read_text())
    assert saved["config"]["rank"] == 2 and len(saved["data_sha256"]) == 64
    assert saved["base_sha256"] == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    adapter_config = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == "qwen2.5-coder-0.5b"
    assert (tmp_path / "adapter" / "adapter_model.safetensors").stat().st_size > 10_000


@pytest.mark.slow
def test_the_loss_on_the_answers_window_is_the_loss_on_every_position(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from test_train_processes import tiny_model
    from transformers import AutoModelForCausalLM

    from feedback.train import _collate, answer_window

    model = AutoModelForCausalLM.from_pretrained(tiny_model(tmp_path / "tiny"))
    prompt = list(range(10, 40))
    items = [  # right-padded: the answers start and end at different positions
        ([*prompt, 7, 8, 9], [IGNORE_INDEX] * len(prompt) + [7, 8, 9]),
        ([*prompt[:20], 4, 5], [IGNORE_INDEX] * 20 + [4, 5]),
    ]
    input_ids, labels = _collate(items, 0, torch)
    keep = answer_window(labels)
    assert keep == input_ids.shape[1] - 20 + 1 < input_ids.shape[1]
    full = model(input_ids=input_ids, labels=labels, num_items_in_batch=5).loss
    windowed = model(
        input_ids=input_ids, labels=labels[:, -keep:], num_items_in_batch=5, logits_to_keep=keep
    ).loss
    assert torch.allclose(full, windowed, atol=1e-6), (float(full), float(windowed))
    assert float(full) > 0


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")
def test_gradient_checkpointing_learns_the_same_adapter(tmp_path: Path, shop_pairs: Path) -> None:
    """Computing the activations again in the backward pass changes what is kept, not what is learned:
    the same losses step by step and the same LoRA weights, with the dropout on."""
    pytest.importorskip("peft")
    import torch
    from safetensors.torch import load_file
    from test_train_processes import tiny_model

    base = tiny_model(tmp_path / "tiny")
    runs = {}
    for checkpointing in (False, True):
        config = TrainConfig(
            data=str(shop_pairs), out=str(tmp_path / f"adapter-{checkpointing}"), base=str(base), rank=2,
            alpha=4, batch_size=1, epochs=2, dropout=0.1, device="cpu", gradient_checkpointing=checkpointing,
        )  # fmt: skip
        runs[checkpointing] = train(config, progress=False)
    kept, recomputed = runs[False], runs[True]
    assert len(kept.losses) == 6 and kept.losses == pytest.approx(recomputed.losses, rel=1e-5)
    plain = load_file(kept.adapter / "adapter_model.safetensors")
    checkpointed = load_file(recomputed.adapter / "adapter_model.safetensors")
    assert plain.keys() == checkpointed.keys()
    for name, tensor in plain.items():
        torch.testing.assert_close(tensor.float(), checkpointed[name].float(), rtol=1e-2, atol=1e-6, msg=name)
    recorded = json.loads((recomputed.adapter / "train_config.json").read_text())
    assert recorded["config"]["gradient_checkpointing"] is True


@pytest.fixture()
def wide_database(tmp_path: Path) -> str:
    """A SQLite file whose schema is over the linking budget: customers and orders among 80 archives."""
    import sqlite3

    path = tmp_path / "wide.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT, city TEXT)")
        connection.execute(
            "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers,"
            " amount REAL)"
        )
        columns = ", ".join(
            f"{word}_{i} TEXT" for i, word in enumerate(["shelf", "bin", "crate", "pallet"] * 3)
        )
        for i in range(80):
            connection.execute(f"CREATE TABLE archive_{i} (archive_id INTEGER PRIMARY KEY, {columns})")
    return str(path)


def test_a_training_prompt_shows_the_schema_as_inference_does_with_the_answers_tables(
    wide_database: str,
) -> None:
    """Over the linking budget, a training prompt is cut down as the assistant's is (the very same prompt
    where the linked tables hold the answer's), and keeps a table the answer reads that linking left out."""
    from conftest import Replies

    from feedback.train import training_messages
    from nl2sql.assistant import Assistant
    from nl2sql.linking import DEFAULT_BUDGET_TOKENS, estimate_tokens
    from nl2sql.prompt import render_schema

    assistant = Assistant(wide_database, generator=Replies("SELECT 1"), semantic=False, log=None)
    schema = assistant.schema
    assert estimate_tokens(render_schema(schema)) > DEFAULT_BUDGET_TOKENS
    question = "How many customers are in each city?"
    inference = assistant.messages(question, examples=[])
    training = training_messages(schema, question, "SELECT city, COUNT(*) FROM customers GROUP BY city")
    assert training == inference
    assert "CREATE TABLE customers" in training[-1]["content"]
    shown = training[-1]["content"]
    left_out = next(f"archive_{i}" for i in range(80) if f"CREATE TABLE archive_{i} (" not in shown)

    odd = training_messages(schema, question, f"SELECT COUNT(*) FROM {left_out}")[-1]["content"]
    assert f"CREATE TABLE {left_out} (" in odd and "CREATE TABLE customers" in odd
    assert estimate_tokens(odd) < estimate_tokens(render_schema(schema)) / 2
