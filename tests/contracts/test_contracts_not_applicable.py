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


def query_language_unimplemented(ex: Exchange) -> None:
    if ex.path == "/inventory/managedObjects" and ex.method == "GET" and (ex.param("query") or ex.param("q")):
        ex.status, ex.answer = (
            501,
            {"error": "inventory/Not Implemented", "message": "No query language.", "info": "-"},
        )


def ids_of(*prefixes: str) -> list[str]:
    from contracts.requirements import REQUIREMENTS

    return [rid for rid in REQUIREMENTS if rid.startswith(prefixes)]


@pytest.mark.parametrize(
    ("fault", "only", "prefixes", "reason"),
    [
        (without("/alarm"), "ALARM,DTM-ALARM", ("ALARM-", "DTM-ALARM-"), "the target does not serve /alarm"),
        (without("/identity"), "ID-EXT", ("ID-EXT-",), "the target does not serve /identity"),
        (without("/tenant"), "LOGIN", ("LOGIN-",), "the target does not serve /tenant"),
        (without("/notification2"), "RT-N2", ("RT-N2-",), "the target does not serve /notification2"),
        (
            without("/notification/realtime"),
            "RT-COMETD,RT-MODE",
            ("RT-COMETD-", "RT-MODE-"),
            "the target does not serve /notification/realtime",
        ),
        (
            Fault("no query language", "", "", after=query_language_unimplemented),
            "INV-QUERY",
            ("INV-QUERY-",),
            "the target does not implement the inventory query language",
        ),
    ],
    ids=["alarm", "identity", "tenant-login", "notification2", "cometd", "inventory-query-language"],
)
def test_every_requirement_of_an_optional_api_the_target_lacks_is_not_applicable(
    fault: Fault,
    only: str,
    prefixes: tuple[str, ...],
    reason: str,
    serve_mock: Any,
    run_harness: Any,
    tmp_path: Path,
) -> None:
    """One probe per optional API decides; none of its requirements fails, none passes."""
    requirements = ids_of(*prefixes)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "all", "--only", only)
    assert status == 2, out
    assert out.strip().splitlines()[-1] == f"0 passed, 0 failed, {len(requirements)} skipped", out
    for requirement in requirements:
        assert f"| not run: not applicable: {reason} " in report_row(tmp_path, requirement)


def test_a_dtm_only_target_is_tested_with_api_dtm(serve_mock: Any, run_harness: Any, tmp_path: Path) -> None:
    """Nothing but /service/dtm is served: ``--api dtm`` needs no /inventory and runs to a verdict."""
    fault = without("/inventory", "/measurement", "/alarm", "/identity", "/tenant", "/notification")
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "dtm", "--only", "DTM-MODEL,DTM-SUB")
    models = ids_of("DTM-MODEL-", "DTM-SUB-")
    assert status == 0, out
    assert out.strip().splitlines()[-1] == f"{len(models)} passed, 0 failed, 0 skipped", out
