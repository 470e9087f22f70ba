"""The realtime suite is proven by the bugs it catches: every broken realtime variant of the mock
must fail with its title, and the correct mock must pass the whole suite."""

from __future__ import annotations

from typing import Any

import pytest
from harness_faults import Fault
from harness_realtime_variants import REALTIME_FAULTS

from contracts.__main__ import main


def test_the_mock_passes_the_realtime_suite(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        families = "realtime-cometd,realtime-n2,realtime-tenants"
        status, out = run_harness(url, "--profile", "quick", "--api", "realtime", "--only", families)
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "12 passed, 0 failed, 0 skipped"


def test_without_a_second_tenant_realtime_isolation_is_not_run(
    serve_mock: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve_mock() as url:
        args = ["run", "--base-url", url, "--report-dir", str(tmp_path), "--api", "realtime"]
        status = main([*args, "--only", "RT-TENANT-1"])
    out = capsys.readouterr().out
    assert status == 2, out
    assert out.strip().splitlines()[-1] == "0 passed, 0 failed, 1 skipped", out
    assert "no --other-tenant" in out


@pytest.mark.parametrize("fault", REALTIME_FAULTS, ids=str)
def test_harness_reports_the_broken_realtime_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fault.patch is not None
    fault.patch(monkeypatch)
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "realtime", "--only", fault.only)
    assert status == 1, out
    assert f"{fault.title}:" in out, out
