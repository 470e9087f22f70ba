"""The login and tenant suites are proven by the bugs they catch: the correct mock passes them,
every broken variant fails with its title, and without a second tenant the isolation
requirements are not run (exit 2), never passed."""

from __future__ import annotations

from typing import Any

import pytest
from harness_faults import Fault
from harness_login_variants import LOGIN_FAULTS

from contracts.__main__ import main


def test_the_mock_passes_the_login_and_tenant_suites(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "tenant")
    assert status == 0, out
    assert out.strip().splitlines()[-1] == "9 passed, 0 failed, 0 skipped"


def test_without_a_second_tenant_isolation_is_not_run(
    serve_mock: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve_mock() as url:
        status = main(["run", "--base-url", url, "--report-dir", str(tmp_path), "--api", "tenant"])
    out = capsys.readouterr().out
    assert status == 2, out
    assert out.strip().splitlines()[-1] == "6 passed, 0 failed, 3 skipped", out
    assert "no --other-tenant" in out


@pytest.mark.parametrize("fault", LOGIN_FAULTS, ids=str)
def test_harness_reports_the_broken_login_rule(
    fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault if fault.before or fault.after else None) as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "tenant", "--only", fault.only)
    assert status == 1, out
    assert fault.reported(out), out
