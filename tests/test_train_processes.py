"""`chatbi train` under `accelerate launch`: two processes on the CPU train a tiny model together, the
main one alone writes the adapter and its registry entry, and they learn what one process learns
(slow: it starts three Python processes)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.train import shard

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")


def test_each_process_takes_its_share_of_a_step() -> None:
    steps = [([1, 2], [-100, 2]), ([3, 4], [-100, 4]), ([5, 6], [-100, 6])]
    assert shard(steps, 0, 2) + shard(steps, 1, 2) == [steps[0], steps[2], steps[1]]
    assert shard(steps, 0, 1) == steps
    assert shard(steps[:1], 1, 2) == [([1, 2], [-100, -100])]  # takes part, learns nothing


def test_the_readme_launches_training_with_lines_the_cli_accepts() -> None:
    from nl2sql.cli import build_parser

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    launches = re.findall(r"^accelerate launch (.*) -m nl2sql (train .*)$", text, re.MULTILINE)
    assert launches, "README.md shows no `accelerate launch … -m nl2sql train` line"
    for launcher, command in launches:
        assert "--multi_gpu" in launcher.split() and "--cpu" not in launcher.split()
        args = build_parser().parse_args(shlex.split(command.replace("…", "adapters/x")))
        assert args.command == "train" and args.data and args.out


def tiny_model(folder: Path) -> Path:
    """A two-layer Qwen2 with random weights and the bundled model's tokenizer (made here, offline)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from nl2sql.errors import ModelUnavailableError
    from nl2sql.models.weights import DEFAULT_MODEL, converted_path

    try:
        bundled = converted_path(DEFAULT_MODEL)
    except ModelUnavailableError as error:
        pytest.skip(f"the bundled model's tokenizer is not here: {error}")
    folder.mkdir(parents=True)
    for name in TOKENIZER_FILES:
        shutil.copy(bundled / name, folder / name)
    vocabulary = json.loads((bundled / "config.json").read_text())["vocab_size"]
    config = transformers.Qwen2Config(
        vocab_size=vocabulary,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    transformers.Qwen2ForCausalLM(config).save_pretrained(folder)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")
def test_two_processes_write_one_adapter_and_one_registry_entry(tmp_path: Path, shop_pairs: Path) -> None:
    pytest.importorskip("accelerate")
    peft = pytest.importorskip("peft")
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    from feedback.registry import AdapterRegistry
    from feedback.train import TrainConfig, train
    from nl2sql.models.local import adapter_hash

    base = tiny_model(tmp_path / "tiny")
    out, store = tmp_path / "runs" / "adapter", tmp_path / "feedback.sqlite"
    settings = ["--base", str(base), "--rank", "2", "--alpha", "4", "--batch-size", "2", "--dropout", "0"]
    # accelerate's --cpu alone starts one process (several need MPI): torchrun's launcher, on the CPU
    command = [
        sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
        "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
        "--main_process_port", str(_free_port()),
        "-m", "nl2sql", "train", "--data", str(shop_pairs), "--out", str(out), "--device", "cpu",
        "--log", str(store), *settings,
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]

    lines = run.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"adapter: {out} (3 examples"), run.stdout
    assert "2 steps" in lines[0] and "2 processes" in lines[0]
    assert run.stderr.count("encoding: 100%") == 1  # one progress bar, the main process's

    written = [path.parent for path in tmp_path.rglob("adapter_config.json")]
    assert written == [out]
    record = json.loads((out / "train_config.json").read_text())
    assert record["processes"] == 2 and record["steps"] == 2 and len(record["losses"]) == 2
    model = peft.PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), out)
    assert any("lora_B" in name for name, _ in model.named_parameters())

    registry = AdapterRegistry(store)
    entries = registry.entries()
    registry.close()
    assert len(entries) == 1
    assert (entries[0].status, entries[0].path) == ("candidate", str(out.resolve()))
    assert entries[0].id == adapter_hash(out) and entries[0].metrics["processes"] == 2
    assert lines[1].startswith(f"recorded as candidate {entries[0].short_id}")

    # One process learns the same from the same steps: the two shares' gradients add up to its own.
    alone = TrainConfig(
        data=str(shop_pairs), out=str(tmp_path / "alone"), base=str(base), rank=2, alpha=4,
        batch_size=2, dropout=0.0, device="cpu",
    )  # fmt: skip
    result = train(alone, progress=False)
    assert result.processes == 1
    assert result.losses == pytest.approx(record["losses"], rel=1e-3)
    together = load_file(out / "adapter_model.safetensors")
    single = load_file(result.adapter / "adapter_model.safetensors")
    assert together.keys() == single.keys()
    for name, tensor in together.items():
        torch.testing.assert_close(tensor.float(), single[name].float(), rtol=2e-2, atol=1e-6, msg=name)
