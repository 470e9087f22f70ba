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
from conftest import reader_users_file

from contracts.client import Client, Credentials

ROOT = Path(__file__).resolve().parents[2]


SEEDS = [int(s) for s in os.environ.get("CONTRACT_SEEDS", "0").split(",")]
"""`make test` proves seed 0 here and seed 4 over foreign data (test_contracts_safety.py);
`make contracts-seeds` runs ten (CONTRACT_SEEDS=0,...,9)."""


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


def test_api_dtm_runs_against_an_implementation_of_the_dtm_api_alone(
    tmp_path: Path, run_harness: Any
) -> None:
    """No /inventory, no /measurement: `--api dtm` needs neither."""
    import shutil

    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    shutil.copy(ROOT / "spec" / "dtm.yaml", spec_dir / "dtm.yaml")
    users = reader_users_file(tmp_path)  # the read-only user of READER_ARGS, as mock_process has it
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--spec-dir",
            str(spec_dir),
            "--users",
            str(users),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        url = next(
            m.group(0) for line in process.stdout if (m := re.search(r"http://127\.0\.0\.1:\d+", line))
        )
        client = Client(url, Credentials())
        try:
            assert client.get("/inventory/managedObjects").status == 404
        finally:
            client.close()
        status, out = run_harness(url, "--api", "dtm", "--profile", "quick")
    finally:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]
    assert status == 0, out
    assert re.fullmatch(r"\d+ passed, 0 failed, 0 skipped", out.strip().splitlines()[-1]), out


def test_an_unknown_only_value_lists_the_valid_ones(run_harness: Any) -> None:
    status, out = run_harness("http://127.0.0.1:9", "--only", "pagin")
    assert status == 2
    assert "names no suite" in out
    assert "paging" in out


def test_a_mistyped_flag_of_run_shows_runs_usage(capsys: Any) -> None:
    from contracts.__main__ import main

    assert main(["run", "--base-url", "http://127.0.0.1:9", "--max-tme", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m contracts run")
    assert "--max-tme" in err


def test_a_time_budget_too_short_is_inconclusive_not_conformant(serve_mock: Any, run_harness: Any) -> None:
    """--max-time 1 once printed '40 passed, 0 failed' and exit 0 with 21 requirements never run."""
    with serve_mock() as url:
        status, out = run_harness(url, "--profile", "quick", "--api", "measurement", "--max-time", "1")
    lines = out.strip().splitlines()
    assert status == 2, out
    assert re.fullmatch(r"\d+ passed, 0 failed, [1-9]\d* skipped", lines[-1]), lines[-1]
    assert re.match(
        r"inconclusive: \d+ of \d+ requirements did not run; first [A-Z-]+\d: time budget", lines[-2]
    )
    with serve_mock() as url:
        allowed, _ = run_harness(
            url, "--profile", "quick", "--api", "measurement", "--max-time", "1", "--allow-not-run"
        )
    assert allowed == 0
