"""explain.diff: what a correction changed, from tests/fixtures/diffs.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from explain.diff import CHANGE_KINDS, Change, diff
from explain.errors import UnparsableSQLError

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "diffs.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: "+".join(c["kinds"]) or "same")
def test_diff(case: dict) -> None:
    changes = diff(case["before"], case["after"], case.get("dialect", "sqlite"))
    assert [c.kind for c in changes] == case["kinds"], [c.description for c in changes]
    if "descriptions" in case:
        assert [c.description for c in changes] == case["descriptions"]


def test_the_fixture_covers_every_kind() -> None:
    assert {kind for case in CASES for kind in case["kinds"]} == set(CHANGE_KINDS)


def test_changes_carry_the_fragments_and_serialize() -> None:
    (change,) = diff("SELECT a FROM t LIMIT 10", "SELECT a FROM t LIMIT 5")
    assert change == Change("limit", "limit 10 → 5", "LIMIT 10", "LIMIT 5")
    assert json.loads(json.dumps(change.to_dict())) == {
        "kind": "limit",
        "description": "limit 10 → 5",
        "before": "LIMIT 10",
        "after": "LIMIT 5",
    }
    (added,) = diff("SELECT a FROM t", "SELECT a FROM t WHERE b = 1")
    assert (added.before, added.after) == (None, "b = 1")


def test_unparsable_sql_raises() -> None:
    with pytest.raises(UnparsableSQLError):
        diff("SELECT a FROM t", "SELECT FROM WHERE")
