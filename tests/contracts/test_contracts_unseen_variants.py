"""The variants written from the specs alone (``harness_variants_unseen.py``): the ci profile,
restricted to the requirement named, must fail each with its title; the slow ones run in
``make variants``."""

from __future__ import annotations

from typing import Any

import pytest
from harness_faults import Fault, assert_ci_catches
from harness_variants_unseen import QUICK_UNSEEN_FAULTS, SLOW_UNSEEN_FAULTS
from harness_variants_unseen_apis import OTHER_API_FAULTS


@pytest.mark.parametrize(
    "fault",
    [
        *QUICK_UNSEEN_FAULTS,
        *(
            pytest.param(f, marks=pytest.mark.slow, id=str(f))
            for f in [*OTHER_API_FAULTS, *SLOW_UNSEEN_FAULTS]
        ),
    ],
    ids=str,
)
def test_the_ci_profile_reports_a_variant_written_from_the_specs(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_ci_catches(fault, serve_mock, run_harness, monkeypatch)
