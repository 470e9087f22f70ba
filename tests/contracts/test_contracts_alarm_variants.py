"""The alarm suites are proven by the bugs they catch: every broken alarm variant must fail with its title."""

from __future__ import annotations

from typing import Any

import pytest
from alarm_variants import ALARM_FAULTS
from harness_faults import Fault


@pytest.mark.parametrize("fault", ALARM_FAULTS, ids=str)
def test_alarm_suites_report_the_broken_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "quick", "--only", fault.only)
    assert status == 1, out
    assert f"{fault.title}:" in out, out
    assert out.strip().splitlines()[-1].endswith("skipped")


def test_the_alarm_suites_pass_against_the_mock(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "quick", "--only", "ALARM-,DTM-ALARM")
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "14 passed, 0 failed, 0 skipped"
