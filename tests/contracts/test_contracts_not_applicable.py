"""A run that tested nothing never reads as a pass: against a target that lacks an API, each
requirement of that API ends ``not run`` (not applicable), the run exits 2 and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from harness_faults import Exchange, Fault

NOT_FOUND = {"error": "general/Not Found", "message": "No such API.", "info": "-"}


def without(*prefixes: str) -> Fault:
    def answer_404(ex: Exchange) -> None:
        if ex.path.startswith(prefixes):
            ex.status, ex.answer = 404, NOT_FOUND

    return Fault(f"without {', '.join(prefixes)}", "", "", after=answer_404)


def long_polling_only(ex: Exchange) -> None:
    """The handshake offers long-polling only (the websocket is optional, spec/asyncapi/realtime.yaml)."""
    if ex.path == "/notification/realtime/handshake" and isinstance(ex.answer, list):
        for message in ex.answer:
            message["supportedConnectionTypes"] = ["long-polling"]


def report_row(tmp_path: Path, requirement: str) -> str:
    rows = (tmp_path / "report" / "report.md").read_text().splitlines()
    return next(row for row in rows if row.startswith(f"| {requirement} |"))


@pytest.mark.parametrize(
    ("fault", "only", "requirements"),
    [
        (without("/alarm", "/notification2"), "SCHEMA-ALARM,SCHEMA-N2", ["SCHEMA-ALARM-1", "SCHEMA-N2-1"]),
        (without("/notification/realtime"), "RT-COMETD-6", ["RT-COMETD-6"]),
        (Fault("long-polling only", "", "", after=long_polling_only), "RT-COMETD-6", ["RT-COMETD-6"]),
    ],
    ids=["no-alarm-and-no-notification2-api", "no-cometd", "no-websocket-offered"],
)
def test_a_requirement_whose_api_the_target_lacks_is_not_run_and_the_run_exits_2(
    fault: Fault, only: str, requirements: list[str], serve_mock: Any, run_harness: Any, tmp_path: Path
) -> None:
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "all", "--only", only)
    assert status == 2, out
    assert out.strip().splitlines()[-1] == f"0 passed, 0 failed, {len(requirements)} skipped", out
    for requirement in requirements:
        assert "| not run: not applicable: " in report_row(tmp_path, requirement)
