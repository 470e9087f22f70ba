"""The validating proxy forwards traffic unchanged and reports what breaks the specs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from harness_faults import Fault
from harness_server import serve
from harness_variants import plain_error_body

from contracts.__main__ import DEFAULT_SPEC_DIR
from contracts.proxy import Validator, build_app

AUTH = ("admin", "admin")


def test_proxy_forwards_and_flags_only_violations(serve_mock: Any, tmp_path: Path) -> None:
    fault = Fault("plain error body", "", "", after=plain_error_body)
    with serve_mock(fault) as target:
        validator = Validator(str(DEFAULT_SPEC_DIR), str(tmp_path), target)
        with serve(build_app(target, validator), lifespan="on") as proxy:
            direct = httpx.get(f"{target}/measurement/measurements", auth=AUTH, params={"pageSize": "3"})
            through = httpx.get(f"{proxy}/measurement/measurements", auth=AUTH, params={"pageSize": "3"})
            assert through.status_code == direct.status_code == 200
            assert through.json()["statistics"] == direct.json()["statistics"]
            assert validator.results["PROXY-RESP-1"].status == "passed"

            missing = httpx.get(f"{proxy}/measurement/measurements/424242", auth=AUTH)
            assert missing.status_code == 404
            assert missing.json() == {"detail": "not found"}  # forwarded unchanged
            assert validator.results["PROXY-RESP-1"].status == "failed"

            bad = httpx.get(f"{proxy}/measurement/measurements", auth=AUTH, params={"pageSize": "many"})
            assert bad.status_code == 400
            assert validator.results["PROXY-REQ-1"].status == "failed"
    report = (tmp_path / "report.md").read_text()
    assert "PROXY-RESP-1 | FAILED" in report
    assert "/measurement/measurements/424242" in report
