"""A harness is proven by the bugs it catches: every broken variant must fail with its title."""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness_faults import Fault
from harness_variants import DTM_FAULTS, MEASUREMENT_FAULTS, SERIES_FAULTS

ALL_FAULTS = [*MEASUREMENT_FAULTS, *SERIES_FAULTS, *DTM_FAULTS]


@pytest.mark.parametrize("fault", ALL_FAULTS, ids=str)
def test_harness_reports_the_broken_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "quick", "--only", fault.only)
    assert status == 1, out
    assert f"{fault.title}:" in out, out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, \d+ skipped", last), last
