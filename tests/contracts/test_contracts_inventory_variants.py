"""The inventory-query and identity suites are proven by the bugs they catch (ci profile).

`make test` runs one variant per rule family; the others are marked ``slow``
(`make inventory-variants` runs every one)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness_faults import Fault
from inventory_variants import IN_MAKE_TEST, INVENTORY_FAULTS

FAULTS = [f if f.name in IN_MAKE_TEST else pytest.param(f, marks=pytest.mark.slow) for f in INVENTORY_FAULTS]


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_inventory_suites_report_the_broken_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "ci", "--only", fault.only)
    assert status == 1, out
    assert any(f"{title}:" in out for title in fault.title.split("|")), out
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, \d+ skipped", out.strip().splitlines()[-1])


def test_the_inventory_suites_pass_against_the_mock(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "ci", "--only", "inventory-query,identity")
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "8 passed, 0 failed, 0 skipped"
