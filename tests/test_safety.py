"""The statement gate, case by case from tests/fixtures/statements.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nl2sql.errors import RefusedStatementError
from nl2sql.safety import ensure_read_only

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "statements.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["refused"], ids=lambda c: f"{c['dialect']}:{c['sql'][:40]}")
def test_refused(case: dict) -> None:
    with pytest.raises(RefusedStatementError) as raised:
        ensure_read_only(case["sql"], case["dialect"])
    message = str(raised.value)
    assert message.startswith("refused:")
    assert case["reason"].lower() in message.lower()
    assert "\n" not in message


@pytest.mark.parametrize("case", CASES["allowed"], ids=lambda c: f"{c['dialect']}:{c['sql'][:40]}")
def test_allowed(case: dict) -> None:
    assert ensure_read_only(case["sql"], case["dialect"]) is not None
