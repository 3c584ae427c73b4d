"""explain.check against the shop schema, from tests/fixtures/check.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from explain import check
from nl2sql.connect import open_database
from nl2sql.schema import load_schema

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "check.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shop_schema(tmp_path_factory: pytest.TempPathFactory):
    from conftest import _sqlite_shop

    return load_schema(open_database(_sqlite_shop(tmp_path_factory.mktemp("check"))))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["sql"][:50])
def test_check(case: dict, shop_schema) -> None:
    diagnostics = check(case["sql"], shop_schema)
    assert [d.code for d in diagnostics] == case["codes"]
    if "message" in case:
        assert case["message"] in diagnostics[0].message


def test_position_points_at_the_culprit(shop_schema) -> None:
    sql = "SELECT name, sgment FROM customers"
    (diagnostic,) = check(sql, shop_schema)
    assert sql[diagnostic.start : diagnostic.end] == "sgment"
