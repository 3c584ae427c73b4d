"""The adapter registry, on real SQLite and PostgreSQL stores and real adapter folders: entries carry
the base weights' and the data's sha256, metrics and status; only a promotion changes the adapter that
answers, at most one per base model (the store refuses a second); rollback undoes it; `chatbi models`,
`chatbi retrain --rollback` and `--if-new`, each bad input one line."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from safetensors.numpy import save as safetensors_bytes

from feedback.base_weights import BaseWeightsError, base_sha256, weight_files
from feedback.datasets import TextToSQLExample, examples_hash
from feedback.log import FeedbackLog
from feedback.registry import AdapterRegistry, RegistryError, RegistryWarning
from feedback.retrain import RetrainPlan, new_approvals
from nl2sql.cli import build_parser, main
from nl2sql.connect import open_database
from nl2sql.models.resolve import active_adapter, default_adapter
from nl2sql.models.weights import DEFAULT_MODEL, MODELS

DAY = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 22, 15, tzinfo=UTC)
BASE_SHA256 = MODELS[DEFAULT_MODEL].sha256
README = Path(__file__).resolve().parent.parent / "README.md"


def lora_weights(seed: int, rank: int = 4, width: int = 16) -> bytes:
    """A LoRA adapter's safetensors file: A and B matrices of two attention projections of one layer,
    named as peft names them."""
    rng = np.random.default_rng(seed)
    tensors = {}
    for projection in ("q_proj", "v_proj"):
        stem = f"base_model.model.model.layers.0.self_attn.{projection}"
        tensors[f"{stem}.lora_A.weight"] = rng.standard_normal((rank, width)).astype(np.float32)
        tensors[f"{stem}.lora_B.weight"] = rng.standard_normal((width, rank)).astype(np.float32)
    return safetensors_bytes(tensors)


def make_adapter(folder: Path, weights: bytes, questions: int = 3) -> Path:
    """A peft adapter folder as training writes it: config, weights, and the training record."""
    folder.mkdir(parents=True)
    config = json.loads((default_adapter() / "adapter_config.json").read_text())
    config.update(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"])
    (folder / "adapter_config.json").write_text(json.dumps(config))
    (folder / "adapter_model.safetensors").write_bytes(weights)
    examples = [
        TextToSQLExample("shop", f"Question {n}?", f"SELECT {n}", folder / "shop.sqlite")
        for n in range(questions)
    ]
    record = {"data_sha256": examples_hash(examples), "base_model": DEFAULT_MODEL, "base_sha256": BASE_SHA256}
    (folder / "train_config.json").write_text(json.dumps(record))
    return folder


@pytest.fixture()
def adapters(tmp_path: Path) -> list[Path]:
    """Three real adapter folders with different weights."""
    return [make_adapter(tmp_path / f"adapter-{n}", lora_weights(n), questions=n + 2) for n in range(3)]


def sha256_of(folder: Path) -> str:
    return hashlib.sha256((folder / "adapter_model.safetensors").read_bytes()).hexdigest()


def record(registry: AdapterRegistry, folder: Path, **options) -> str:
    """Record ``folder`` as training would; its id."""
    trained = json.loads((folder / "train_config.json").read_text())
    values = {
        "base_model": DEFAULT_MODEL,
        "base_sha256": base_sha256(DEFAULT_MODEL),
        "data_sha256": trained["data_sha256"],
        "metrics": {"ex_before": 0.5, "ex_after": 0.75},
        "created_at": DAY,
        **options,
    }
    return registry.record(folder, **values).id


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_error(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    """Run a command that must fail with one line on stderr; that line."""
    status, _out, err = run(capsys, *arguments)
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# --- the registry --------------------------------------------------------------------------------------


def test_an_entry_carries_base_and_data_hashes_metrics_and_status(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    first = record(registry, adapters[0], metrics={"ex_before": 0.5, "ex_after": 0.625})
    second = record(registry, adapters[1], created_at=LATER, status="shadow", trained_through=41)

    entry = registry.entry(first)
    assert entry.id == sha256_of(adapters[0]) and entry.short_id == entry.id[:12]
    assert entry.path == str(adapters[0].resolve())
    assert (entry.base_model, entry.base_sha256) == (DEFAULT_MODEL, BASE_SHA256)
    assert entry.data_sha256 == json.loads((adapters[0] / "train_config.json").read_text())["data_sha256"]
    assert entry.metrics == {"ex_before": 0.5, "ex_after": 0.625}
    assert (entry.status, entry.created_at, entry.changed_at) == (
        "candidate",
        *["2026-03-01T09:30:00+00:00"] * 2,
    )
    assert (entry.replaced, entry.trained_through) == (None, None)
    assert [e.id for e in registry.entries()] == [second, first]  # newest first
    assert [e.status for e in registry.entries(DEFAULT_MODEL)] == ["shadow", "candidate"]
    assert registry.entries("smollm2-135m") == [] and registry.active(DEFAULT_MODEL) is None
    assert registry.last_training(DEFAULT_MODEL).id == second

    with pytest.raises(RegistryError, match=f"adapter {first[:12]} is recorded already"):
        record(registry, adapters[0])
    with pytest.raises(RegistryError, match="recorded as a candidate or shadow, not 'active'"):
        record(registry, adapters[2], status="active")  # nothing becomes active but by a promotion
    (adapters[2] / "adapter_model.safetensors").unlink()
    with pytest.raises(RegistryError, match="no LoRA adapter at"):
        record(registry, adapters[2])
    assert len(registry.entries()) == 2


def test_only_a_promotion_changes_the_active_adapter_and_rollback_undoes_it(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    a, b, c = (record(registry, folder) for folder in adapters)
    assert active_adapter(DEFAULT_MODEL, feedback_url) == default_adapter()  # nothing promoted: shipped

    promoted = registry.promote(a[:6], at=DAY)
    assert (promoted.status, promoted.replaced, promoted.changed_at) == (
        "active",
        None,
        "2026-03-01T09:30:00+00:00",
    )
    assert active_adapter(DEFAULT_MODEL, feedback_url) == adapters[0].resolve()
    assert registry.promote(b, at=LATER).replaced == a
    assert [registry.entry(x).status for x in (a, b, c)] == ["retired", "active", "candidate"]
    assert registry.entry(a).changed_at == "2026-03-02T22:15:00+00:00"
    assert active_adapter(DEFAULT_MODEL, feedback_url) == adapters[1].resolve()

    assert registry.rollback(DEFAULT_MODEL, at=LATER).id == a  # the one b replaced answers again
    assert [registry.entry(x).status for x in (a, b)] == ["active", "retired"]
    assert active_adapter(DEFAULT_MODEL, feedback_url) == adapters[0].resolve()
    assert registry.rollback(DEFAULT_MODEL, at=LATER) is None  # a replaced the shipped adapter
    assert registry.active(DEFAULT_MODEL) is None
    assert active_adapter(DEFAULT_MODEL, feedback_url) == default_adapter()
    with pytest.raises(RegistryError, match=r"nothing to roll back for qwen2\.5-coder-0\.5b"):
        registry.rollback(DEFAULT_MODEL, at=LATER)

    with pytest.raises(RegistryError, match=f"adapter {b[:12]} is retired: only a candidate or shadow"):
        registry.promote(b, at=LATER)
    registry.promote(c, at=LATER)
    with pytest.raises(RegistryError, match=f"adapter {c[:12]} is active: it answers already"):
        registry.promote(c, at=LATER)
    with registry.engine.connect() as connection:
        statuses = dict(connection.execute(sa.text("SELECT id, status FROM adapters")).all())
    assert statuses == {a: "retired", b: "retired", c: "active"}


def test_the_store_refuses_a_second_active_adapter_for_a_base_model(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    first, second = record(registry, adapters[0]), record(registry, adapters[1])
    registry.promote(first, at=DAY)
    with pytest.raises(sa.exc.IntegrityError), registry.engine.begin() as connection:
        connection.execute(sa.text("UPDATE adapters SET status = 'active' WHERE id = :id"), {"id": second})
    with pytest.raises(sa.exc.IntegrityError), registry.engine.begin() as connection:
        connection.execute(sa.text("UPDATE adapters SET status = 'live' WHERE id = :id"), {"id": second})
    assert {e.id: e.status for e in registry.entries()} == {first: "active", second: "candidate"}


def test_a_promotion_decided_against_one_adapter_waits_if_another_came_first(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    a, b = record(registry, adapters[0]), record(registry, adapters[1], status="shadow")
    registry.promote(a, at=DAY)  # while b was being measured against the shipped adapter
    with pytest.raises(RegistryError, match=f"changed to {a[:12]} meanwhile: {b[:12]} stays shadow"):
        registry.promote(b, at=LATER, replacing=None)
    assert registry.promote(b, at=LATER, replacing=a).status == "active"


def test_an_adapter_whose_folder_changed_is_neither_used_nor_promoted(
    feedback_url: str, adapters: list[Path]
) -> None:
    registry = AdapterRegistry(feedback_url)
    a, b, c = (record(registry, folder) for folder in adapters)
    registry.promote(a, at=DAY)
    registry.promote(b, at=DAY)
    (adapters[1] / "adapter_model.safetensors").write_bytes(lora_weights(99))
    with pytest.warns(RegistryWarning, match=f"the active adapter {b[:12]}'s folder .* holds other weights"):
        assert active_adapter(DEFAULT_MODEL, feedback_url) == default_adapter()  # the shipped one answers
    shutil.rmtree(adapters[2])
    with pytest.raises(RegistryError, match=f"{c[:12]}'s folder .* holds no adapter weights any more"):
        registry.promote(c, at=DAY)
    shutil.rmtree(adapters[0])
    with pytest.raises(RegistryError, match=f"cannot roll back to {a[:12]}: .* no adapter weights any more"):
        registry.rollback(DEFAULT_MODEL, at=DAY)
    assert registry.active(DEFAULT_MODEL).id == b  # a refusal changes nothing


def test_an_adapter_is_named_by_a_prefix_of_its_id_that_no_other_shares(tmp_path: Path) -> None:
    seen: dict[str, int] = {}
    seed = 0
    while (prefix := hashlib.sha256(lora_weights(seed)).hexdigest()[:4]) not in seen:
        seen[prefix] = seed
        seed += 1
    registry = AdapterRegistry(tmp_path / "feedback.sqlite")
    twins = [record(registry, make_adapter(tmp_path / str(s), lora_weights(s))) for s in (seen[prefix], seed)]
    assert twins[0][:4] == twins[1][:4] == prefix
    with pytest.raises(RegistryError, match=f"{prefix} names several adapters"):
        registry.entry(prefix)
    assert registry.entry(twins[1][:16].upper()).id == twins[1]
    for wrong, message in (("abc", "4 to 64 hex digits"), ("xyz12", "4 to 64 hex digits"), ("0" * 65, "hex")):
        with pytest.raises(RegistryError, match=message):
            registry.entry(wrong)
    unknown = next(h for h in ("0000", "ffff", "1234") if not any(t.startswith(h) for t in twins))
    with pytest.raises(RegistryError, match=f"no adapter {unknown} in the registry"):
        registry.entry(unknown)


def test_reading_the_active_adapter_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "nowhere" / "feedback.sqlite"
    assert active_adapter(DEFAULT_MODEL, store) == default_adapter()
    assert active_adapter("smollm2-135m", store) is None
    assert not store.parent.exists()


def test_the_base_weights_hash_is_pinned_for_bundled_models_and_streamed_otherwise(tmp_path: Path) -> None:
    assert base_sha256(DEFAULT_MODEL) == BASE_SHA256
    folder = tmp_path / "model"
    folder.mkdir()
    shards = [b"first shard " * 1000, b"second shard " * 100_000]  # the second spans chunks
    for number, shard in enumerate(shards, 1):
        (folder / f"model-0000{number}-of-00002.safetensors").write_bytes(shard)
    (folder / "config.json").write_text("{}")
    assert base_sha256(str(folder)) == hashlib.sha256(b"".join(shards)).hexdigest()
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF" + bytes(range(256)) * 10)
    assert base_sha256(str(gguf)) == hashlib.sha256(gguf.read_bytes()).hexdigest()
    assert weight_files(str(gguf)) == [gguf]
    (tmp_path / "empty").mkdir()
    with pytest.raises(BaseWeightsError, match=r"holds no \.safetensors or \.bin file"):
        base_sha256(str(tmp_path / "empty"))
    with pytest.raises(BaseWeightsError, match=r"not a bundled model, a \.gguf file or a model folder"):
        base_sha256("nobody/no-such-model-here")


# --- the commands -----------------------------------------------------------------------------------------


def test_models_list_show_promote_and_rollback(
    feedback_url: str, adapters: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    registry = AdapterRegistry(feedback_url)
    status, out, _ = run(capsys, "models", "list", "--log", feedback_url)
    assert status == 0 and out.startswith("no adapters recorded")
    assert f"{DEFAULT_MODEL} answers with {default_adapter()} (shipped)" in out

    a, b = record(registry, adapters[0]), record(registry, adapters[1], created_at=LATER)
    status, out, _ = run(capsys, "models", "promote", a[:8], "--log", feedback_url)
    assert (
        status == 0
        and out.strip() == f"promoted: {DEFAULT_MODEL} answers with {a[:12]} (held-out EX 0.500 → 0.750)"
    )
    status, out, _ = run(capsys, "models", "promote", b[:8], "--log", feedback_url)
    assert out.strip().endswith(f"; {a[:12]} retired")

    status, out, _ = run(capsys, "models", "list", "--log", feedback_url)
    rows = out.splitlines()
    assert rows[0].startswith(f"{b[:12]}  active     {DEFAULT_MODEL}  2026-03-02T22:15:00+00:00  held-out EX")
    assert (
        rows[1].startswith(f"{a[:12]}  retired")
        and rows[2] == f"{DEFAULT_MODEL} answers with {adapters[1].resolve()}"
    )
    status, out, _ = run(capsys, "models", "list", "--log", feedback_url, "--json")
    listed = json.loads(out)
    assert [(e["id"], e["status"]) for e in listed["adapters"]] == [(b, "active"), (a, "retired")]
    assert listed["answering"][DEFAULT_MODEL]["path"] == str(adapters[1].resolve())

    status, out, _ = run(capsys, "models", "show", b[:10], "--log", feedback_url, "--json")
    shown = json.loads(out)
    assert (shown["id"], shown["replaced"], shown["base_sha256"]) == (b, a, BASE_SHA256)
    status, out, _ = run(capsys, "models", "show", b, "--log", feedback_url)
    assert f"adapter {b}\n  status        active (since " in out and f"replaced      {a[:12]}" in out
    assert f"sha256 {BASE_SHA256}" in out and "  ex_after      0.75" in out

    status, out, _ = run(capsys, "models", "rollback", "--log", feedback_url)
    assert (
        status == 0
        and out.strip() == f"rolled back {DEFAULT_MODEL}: {b[:12]} retired; {a[:12]} answers again"
    )
    status, out, _ = run(capsys, "retrain", "--rollback", "--log", feedback_url)
    assert out.strip() == f"rolled back {DEFAULT_MODEL}: {a[:12]} retired; back to the shipped adapter"
    assert active_adapter(DEFAULT_MODEL, feedback_url) == default_adapter()


def test_every_bad_models_input_is_one_line(
    tmp_path: Path, adapters: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "feedback.sqlite")
    registry = AdapterRegistry(store)
    a = record(registry, adapters[0])
    registry.promote(a, at=DAY)
    b = record(registry, adapters[1])
    shutil.rmtree(adapters[1])
    cases = [
        (("models", "show", "zz", "--log", store), "an adapter id is 4 to 64 hex digits"),
        (("models", "show", "12", "--log", store), "an adapter id is 4 to 64 hex digits"),
        (("models", "show", "ffff0000", "--log", store), "no adapter ffff0000 in the registry"),
        (("models", "promote", a[:6], "--log", store), "is active: it answers already"),
        (("models", "promote", b[:6], "--log", store), "holds no adapter weights any more"),
        (
            ("models", "rollback", "--model", "smollm2-135m", "--log", store),
            "nothing to roll back for smollm2",
        ),
        (("models", "list", "--log", "mysql://root@db/x"), "the feedback log lives in SQLite or PostgreSQL"),
        (
            ("retrain", "--rollback", "--db", "shop.sqlite", "--log", store),
            "--rollback undoes the last promotion",
        ),
        (("retrain", "--db", "shop.sqlite", "--if-new", "0", "--log", store), "--if-new takes a number"),
    ]
    for arguments, message in cases:
        assert message in one_error(capsys, *arguments), arguments
    assert registry.active(DEFAULT_MODEL).id == a


# --- retraining on a schedule ------------------------------------------------------------------------------


def _approve(log: FeedbackLog, database: str, questions: range) -> None:
    for n in questions:
        question, sql = (
            f"How many customers are above id {n}?",
            f"SELECT COUNT(*) FROM customers WHERE customer_id > {n}",
        )
        edit = log.record("edited", database=database, question=question, sql="SELECT 1", final_sql=sql)
        log.record("approved", database=database, question=question, final_sql=sql, event=edit)


def test_retrain_if_new_waits_for_enough_corrections_approved_since_the_last_training(
    feedback_url: str, sqlite_shop: str, adapters: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = FeedbackLog(feedback_url)
    shop = open_database(sqlite_shop).name
    _approve(log, shop, range(3))
    _approve(log, "elsewhere", range(4))  # another database's approvals do not count
    plan = RetrainPlan(databases=(sqlite_shop,), log=feedback_url)
    assert new_approvals(plan) == (3, None)
    command = ("retrain", "--db", sqlite_shop, "--log", feedback_url)
    status, out, _ = run(capsys, *command, "--if-new", "4")
    assert (status, out) == (
        0,
        "nothing to do: 3 corrections approved (no training recorded); --if-new asks for 4\n",
    )

    # a training that read every approval so far, then two more approvals
    record(
        AdapterRegistry(log), adapters[0], trained_through=log.last_id(kinds=["approved"]), created_at=LATER
    )
    _approve(log, shop, range(3, 5))
    count, last = new_approvals(plan)
    assert (count, last.id) == (2, sha256_of(adapters[0]))
    status, out, _ = run(capsys, *command, "--if-new", "3")
    assert (status, out) == (
        0,
        "nothing to do: 2 corrections approved since the training recorded at 2026-03-02T22:15:00+00:00;"
        " --if-new asks for 3\n",
    )
    # enough new ones: the retraining itself runs (and here stops at its own minimum, before training)
    assert "5 approved corrections, fewer than the 20" in one_error(capsys, *command, "--if-new", "2")


def test_the_readme_schedules_retraining_with_lines_the_cli_accepts() -> None:
    text = README.read_text(encoding="utf-8")
    crontab = re.search(r"^([0-9*/,-]+ ){5}(\S*chatbi) (retrain .*)$", text, re.MULTILINE)
    service = re.search(r"^ExecStart=(\S*chatbi) (retrain .*)$", text, re.MULTILINE)
    assert crontab and service, "README.md shows no crontab line or systemd service for `chatbi retrain`"
    assert "OnCalendar=" in text and "systemctl --user enable --now chatbi-retrain.timer" in text
    for line in (crontab.group(3), service.group(2)):
        words = shlex.split(line.split(">>")[0])
        args = build_parser().parse_args(words)
        assert args.command == "retrain" and args.if_new and args.db, line
    commands = next(a for a in build_parser()._subparsers._group_actions if a.dest == "command")
    actions = next(
        a for a in commands.choices["models"]._subparsers._group_actions if a.dest == "models_command"
    )
    for name, action in actions.choices.items():
        assert f"chatbi models {name}" in text, name
        for option in (o for a in action._actions for o in a.option_strings if o.startswith("--")):
            assert option in ("--help", "--log") or f"[{option}" in text, (name, option)


def halved_adapter(folder: Path) -> Path:
    """A copy of the shipped adapter at ``folder`` with its LoRA B halved: other weights, another id,
    still a working adapter (as a retraining would give)."""
    safetensors_torch = pytest.importorskip("safetensors.torch")
    shutil.copytree(default_adapter(), folder)
    weights = str(folder / "adapter_model.safetensors")
    tensors = safetensors_torch.load_file(weights)
    tensors = {name: tensor * 0.5 if "lora_B" in name else tensor for name, tensor in tensors.items()}
    safetensors_torch.save_file(tensors, weights)
    return folder


@pytest.mark.slow
def test_the_assistant_answers_with_the_active_adapter_of_the_store_it_logs_to(
    tmp_path: Path, sqlite_shop: str
) -> None:
    from nl2sql.assistant import Assistant
    from nl2sql.models.resolve import clear_loaded

    folder = halved_adapter(tmp_path / "retrained")
    log = FeedbackLog(tmp_path / "team.sqlite")
    registry = AdapterRegistry(log)
    registry.promote(record(registry, folder), at=DAY)
    try:
        assistant = Assistant(sqlite_shop, log=log)
        assert assistant.generator.adapter_hash == sha256_of(folder)
        assert Assistant(sqlite_shop, log=None).generator.adapter_hash == sha256_of(default_adapter())
    finally:
        clear_loaded()
