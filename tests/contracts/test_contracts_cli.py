"""The harness against our own mock (conformant, deterministic) and against targets it cannot test."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


SEEDS = [int(s) for s in os.environ.get("CONTRACT_SEEDS", "0,1").split(",")]
"""`make test` proves two seeds; `make contracts-seeds` runs ten (CONTRACT_SEEDS=0,...,9)."""


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_ci_profile_finds_the_mock_conformant(
    seed: int, mock_process: str, run_harness: Any, tmp_path: Path
) -> None:
    status, out = run_harness(mock_process, "--profile", "ci", "--api", "all", "--seed", str(seed))
    failed = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert failed == [], "\n".join(failed)
    assert status == 0
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, 0 failed, 0 skipped", last), last
    report = (tmp_path / "report" / "report.md").read_text()
    assert "| MEAS-PAGING-1 | passed |" in report
    assert (tmp_path / "report" / "junit.xml").read_text().startswith("<testsuite")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_target_exits_2_within_10_seconds() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "run", "--base-url", url, "--report-dir", "/dev/null/x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert time.monotonic() - started < 10
    assert done.stdout.count("could not test") == 1, done.stdout
    assert "cannot be reached" in done.stdout


def test_bad_credentials_exit_2(serve_mock: Any, run_harness: Any) -> None:
    with serve_mock() as url:
        status, out = run_harness(url, "--user", "admin", "--password", "wrong")
    assert status == 2
    assert "refused the credentials" in out


def test_bad_arguments_exit_2(run_harness: Any) -> None:
    status, out = run_harness("not-a-url")
    assert status == 2
    assert "not an http(s) URL" in out


def test_ctrl_c_still_cleans_up(serve_mock: Any, tmp_path: Path) -> None:
    """SIGINT in the middle of a run: what the run created is deleted, exit 2."""
    import signal

    from contracts.__main__ import main
    from contracts.client import Client, Credentials

    with serve_mock() as url:

        def interrupt(*_: Any) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, 1.5)
        try:
            status = main(
                [
                    "run",
                    "--base-url",
                    url,
                    "--only",
                    "statemachine",
                    "--profile",
                    "thorough",
                    "--report-dir",
                    str(tmp_path),
                ]
            )
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        assert status == 2
        client = Client(url, Credentials())
        left = client.get("/inventory/managedObjects", params={"pageSize": "2000"}).json()["managedObjects"]
        assert [mo["name"] for mo in left if mo.get("name", "").startswith("ct")] == []
