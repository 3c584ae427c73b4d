"""Deterministic name mending, from tests/fixtures/autofix.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from explain.autofix import mend
from nl2sql.connect import open_database
from nl2sql.schema import load_schema

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "autofix.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["sql"][:50])
def test_fix(case: dict, sqlite_shop: str) -> None:
    schema = load_schema(open_database(sqlite_shop))
    result = mend(case["sql"], schema)
    assert result.sql == case["fixed"]
    assert bool(result.changes) == (case["sql"] != case["fixed"])


def test_rewritten_dates_run_on_sqlite(sqlite_shop: str) -> None:
    from nl2sql.execute import run_query

    database = open_database(sqlite_shop)
    schema = load_schema(database)
    runnable = [c for c in CASES if "STRFTIME" in c["fixed"] and "amout" not in c["fixed"]]
    runnable += [c for c in CASES if "DATE('now'" in c["fixed"]]
    assert len(runnable) == 2
    for case in runnable:
        assert run_query(database, mend(case["sql"], schema).sql).columns
