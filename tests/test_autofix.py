"""Deterministic name mending, from tests/fixtures/autofix.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from explain.autofix import fix_identifiers
from nl2sql.connect import open_database
from nl2sql.schema import load_schema

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "autofix.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["sql"][:50])
def test_fix(case: dict, sqlite_shop: str) -> None:
    schema = load_schema(open_database(sqlite_shop))
    result = fix_identifiers(case["sql"], schema)
    assert result.sql == case["fixed"]
    assert bool(result.changes) == (case["sql"] != case["fixed"])
