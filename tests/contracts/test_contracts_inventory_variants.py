"""The inventory-query and identity suites are proven by the bugs they catch (ci profile).

`make test` runs one variant per rule family; the others are marked ``slow``
(`make inventory-variants` runs every one)."""

from __future__ import annotations

from typing import Any

import pytest
from harness_faults import Fault, assert_ci_catches
from inventory_variants import IN_MAKE_TEST, INVENTORY_FAULTS

FAULTS = [f if f.name in IN_MAKE_TEST else pytest.param(f, marks=pytest.mark.slow) for f in INVENTORY_FAULTS]


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_inventory_suites_report_the_broken_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_ci_catches(fault, serve_mock, run_harness, monkeypatch)


def test_the_inventory_suites_pass_against_the_mock(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "ci", "--only", "inventory-query,identity")
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "8 passed, 0 failed, 0 skipped"
