"""The saved schema prefix: a restarted model loads it, and answers exactly as a cold one does."""

from __future__ import annotations

from pathlib import Path

import pytest

from nl2sql.prompt import build_messages

pytestmark = pytest.mark.slow


@pytest.fixture()
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytest.importorskip("llama_cpp")
    import nl2sql.models.llamacpp as llamacpp

    monkeypatch.setattr(llamacpp, "prefix_state_dir", lambda *_: tmp_path / "states")
    return tmp_path / "states"


def test_a_restarted_model_reuses_the_saved_prefix(state_dir: Path, demo_schema) -> None:
    from nl2sql.models.llamacpp import LlamaCppGenerator
    from nl2sql.models.resolve import default_adapter

    first = build_messages(demo_schema, "How many customers are there?")
    second = build_messages(demo_schema, "How many products does each brand have?")
    before = LlamaCppGenerator(adapter=default_adapter())
    before.generate(first)
    assert before.prefixes.restored == 0 and len(list(state_dir.glob("*.npz"))) == 1
    del before

    restarted = LlamaCppGenerator(adapter=default_adapter())
    answer = restarted.generate(second)
    assert restarted.prefixes.restored == 1
    restarted.generate(first)
    assert restarted.prefixes.restored == 1  # the prefix is in memory now: nothing loaded again
    del restarted

    cold = LlamaCppGenerator(adapter=default_adapter(), keep_prefixes=False)
    assert cold.generate(second).text == answer.text


def test_a_broken_state_file_is_dropped(state_dir: Path, demo_schema) -> None:
    from nl2sql.models.llamacpp import LlamaCppGenerator
    from nl2sql.models.prefix_states import PrefixStates

    messages = build_messages(demo_schema, "How many customers are there?")
    generator = LlamaCppGenerator(adapter=None)
    state_dir.mkdir(parents=True)
    broken = state_dir / f"{PrefixStates(generator.llama, state_dir)._key(messages)}.npz"
    broken.write_bytes(b"not a state")
    assert "SELECT" in generator.generate(messages).text
    assert generator.prefixes.restored == 0
    assert broken.stat().st_size > 1000  # replaced by a real state after the answer
