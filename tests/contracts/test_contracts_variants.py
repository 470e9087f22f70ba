"""A harness is proven by the bugs it catches: every broken variant must fail with its title.

The team's first catalogue (``harness_variants.py``) and the Schemathesis variants of the alarm
and Notification 2.0 specs (``harness_variants_schema.py``) run with the quick profile restricted
to the variant's suite; the catalogue written from the specs (``harness_variants_spec.py``) runs
with the ci profile restricted to it, since the ci profile is what must catch every one. A title ``A|B``
accepts either failure (both describe what the variant breaks; which comes first depends on data).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness_faults import Fault
from harness_variants import DTM_FAULTS, MEASUREMENT_FAULTS, SERIES_FAULTS
from harness_variants_schema import SCHEMA_FAULTS, SLOW_SCHEMA_FAULTS
from harness_variants_spec import SPEC_FAULTS as SPEC_MEASUREMENT_FAULTS
from harness_variants_spec_dtm import SPEC_DTM_FAULTS

SPEC_FAULTS = [*SPEC_MEASUREMENT_FAULTS, *SPEC_DTM_FAULTS]

ALL_FAULTS = [*MEASUREMENT_FAULTS, *SERIES_FAULTS, *DTM_FAULTS, *SCHEMA_FAULTS]


@pytest.mark.parametrize(
    ("fault", "profile"),
    [(f, "quick") for f in ALL_FAULTS]
    + [(f, "ci") for f in SPEC_FAULTS]
    + [pytest.param(f, "quick", marks=pytest.mark.slow, id=f"{f}-quick") for f in SLOW_SCHEMA_FAULTS],
    ids=str,
)
def test_harness_reports_the_broken_rule(
    fault: Fault, profile: str, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", profile, "--only", fault.only)
    assert status == 1, out
    assert fault.reported(out), out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, \d+ skipped", last), last
