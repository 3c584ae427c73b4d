"""Retraining on corrections: refused without enough of them, promoted only when it measures better,
and a tiny real run on the CPU that goes on from the shipped adapter and is recorded in the adapter
registry (slow). The registry itself, promotion and rollback: tests/test_adapter_registry.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from feedback.errors import TrainingError
from feedback.log import FeedbackLog
from feedback.registry import AdapterRegistry
from feedback.retrain import RetrainPlan, RetrainResult, _verdict, retrain
from nl2sql.connect import open_database
from nl2sql.models.resolve import active_adapter, default_adapter
from nl2sql.models.weights import DEFAULT_MODEL

SHOP_CORRECTIONS = [
    ("How many customers are there?", "SELECT COUNT(*) FROM customers"),
    ("List the names of all customers", "SELECT name FROM customers"),
    ("Which customers are in the SMB segment?", "SELECT name FROM customers WHERE segment = 'SMB'"),
    ("What is the total amount of all orders?", "SELECT SUM(amount) FROM orders"),
    ("How many orders are there?", "SELECT COUNT(*) FROM orders"),
    ("What is the largest order amount?", "SELECT MAX(amount) FROM orders"),
    ("How many customers are in each segment?", "SELECT segment, COUNT(*) FROM customers GROUP BY segment"),
    ("List the order ids of customer 1", "SELECT order_id FROM orders WHERE customer_id = 1"),
]


def _log_corrections(log: FeedbackLog, database: str, count: int, *, approved: bool = True) -> None:
    for question, sql in SHOP_CORRECTIONS[:count]:
        edit = log.record("edited", database=database, question=question, sql="SELECT 1", final_sql=sql)
        if approved:
            log.record("approved", database=database, question=question, final_sql=sql, event=edit)


def test_retraining_needs_enough_corrections(tmp_path: Path, sqlite_shop: str) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    _log_corrections(log, open_database(sqlite_shop).name, 3)
    _log_corrections(log, open_database(sqlite_shop).name, len(SHOP_CORRECTIONS), approved=False)
    plan = RetrainPlan(databases=(sqlite_shop,), log=str(log.path), out=str(tmp_path / "run"))
    with pytest.raises(TrainingError, match="3 approved corrections, fewer than the 20"):
        retrain(plan, progress=False)  # the candidates waiting for review are not trained on
    with pytest.raises(TrainingError, match="reads database files"):
        retrain(RetrainPlan(databases=("postgresql://h/db",)), progress=False)


@pytest.mark.parametrize(
    ("before", "after", "guard", "promoted"),
    [
        (0.5, 0.75, None, True),
        (0.5, 0.5, None, False),
        (0.75, 0.5, None, False),
        (0.5, 0.75, (0.70, 0.695), True),
        (0.5, 0.75, (0.70, 0.65), False),
    ],
)
def test_only_a_better_adapter_is_promoted(
    before: float, after: float, guard: tuple[float, float] | None, promoted: bool
) -> None:
    result = RetrainResult(Path("."), Path("."), 10, 8, 2, before, after, *(guard or (None, None)))
    assert _verdict(result, tolerance=0.01).startswith("better") is promoted


@pytest.mark.slow
def test_tiny_retraining_on_the_cpu_goes_on_from_the_shipped_adapter(
    tmp_path: Path, sqlite_shop: str
) -> None:
    log = FeedbackLog(tmp_path / "feedback.sqlite")
    _log_corrections(log, open_database(sqlite_shop).name, len(SHOP_CORRECTIONS))
    training = replace(RetrainPlan(databases=()).training, device="cpu", batch_size=2, epochs=1.0)
    plan = RetrainPlan(
        databases=(sqlite_shop,),
        log=str(log.path),
        out=str(tmp_path / "run"),
        min_corrections=4,
        training=training,
    )
    result = retrain(plan, progress=False)
    assert (result.corrections, result.trained_on, result.held_out) == (8, 6, 2)
    report = json.loads((tmp_path / "run" / "retrain.json").read_text())
    assert report["plan"]["databases"] == [sqlite_shop] and report["ex_before"] == result.ex_before
    saved = json.loads((result.adapter / "train_config.json").read_text())
    assert saved["config"]["start_from"] == str(default_adapter())
    assert json.loads((result.adapter / "adapter_config.json").read_text())["r"] == 16
    assert result.promoted is (result.ex_after > result.ex_before)
    entry = AdapterRegistry(log).entry(result.adapter_id)
    assert entry.status == ("active" if result.promoted else "candidate")
    assert (entry.data_sha256, entry.base_sha256) == (saved["data_sha256"], saved["base_sha256"])
    assert (entry.metrics["ex_before"], entry.metrics["ex_after"]) == (result.ex_before, result.ex_after)
    assert entry.trained_through == log.last_id(kinds=["approved"])
    expected = result.adapter.resolve() if result.promoted else default_adapter()
    assert active_adapter(DEFAULT_MODEL, log) == expected
    assert active_adapter() == default_adapter()  # the default store was not touched
