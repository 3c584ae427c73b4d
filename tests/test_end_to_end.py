"""The real bundled model (with its shipped adapter) answers demo questions, checked by execution."""

from __future__ import annotations

import pytest

from nl2sql import Assistant
from nl2sql.demo import load_demo_questions
from nl2sql.evaluation.match import orders_rows, results_match
from nl2sql.execute import run_query
from nl2sql.models.resolve import default_adapter

QUESTION_IDS = ["demo-001", "demo-002", "demo-004", "demo-005", "demo-009", "demo-011", "demo-013"]
"""Easy questions in English and Chinese that the default pipeline answers correctly."""


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant("demo", log=None, semantic=False)  # the model itself is under test here


@pytest.mark.slow
@pytest.mark.parametrize("question_id", QUESTION_IDS)
def test_demo_question_is_answered_correctly(assistant: Assistant, question_id: str) -> None:
    question = next(q for q in load_demo_questions() if q.id == question_id)
    answer = assistant.ask(question.question)
    assert answer.error is None, answer.error
    gold = run_query(assistant.database, question.sql)
    predicted = [tuple(row) for row in answer.data.itertuples(index=False, name=None)]
    assert results_match(gold.rows, predicted, ordered=orders_rows(question.sql)), answer.sql
    assert answer.model_id == "qwen2.5-coder-0.5b"
    assert answer.adapter_hash is not None and len(answer.adapter_hash) == 64
    assert {"prompt", "generate", "validate", "execute", "total"} <= set(answer.timings)


@pytest.mark.slow
def test_the_shipped_adapter_is_the_default(assistant: Assistant) -> None:
    import hashlib

    weights = default_adapter() / "adapter_model.safetensors"
    assert assistant.generator.adapter_hash == hashlib.sha256(weights.read_bytes()).hexdigest()


@pytest.mark.slow
def test_constrained_decoding_with_the_real_model() -> None:
    question = next(q for q in load_demo_questions() if q.id == "demo-009")
    assistant = Assistant("demo", log=None, constrained=True)
    answer = assistant.ask(question.question)
    assert answer.error is None, answer.error
    gold = run_query(assistant.database, question.sql)
    predicted = [tuple(row) for row in answer.data.itertuples(index=False, name=None)]
    assert results_match(gold.rows, predicted, ordered=orders_rows(question.sql)), answer.sql
