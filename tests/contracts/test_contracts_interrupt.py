"""SIGINT or SIGTERM at any moment stops the run within 5 s, cleans up, reports what ran, exits 2."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contracts.client import Client, Credentials

ROOT = Path(__file__).resolve().parents[2]


def leftovers(url: str) -> list[str]:
    client = Client(url, Credentials())
    try:
        body = client.get("/inventory/managedObjects", params={"pageSize": "2000"}).json()
        models = client.get("/service/dtm/asset-models", params={"pageSize": "2000"}).json()
    finally:
        client.close()
    names = [mo.get("name", "") for mo in body["managedObjects"]]
    names += [m.get("name", "") for m in models["assetModels"]]
    return [n for n in names if n.startswith("ct")]


@pytest.mark.parametrize(
    ("sig", "only", "marker"),
    [
        (signal.SIGINT, "schema", "scenarios"),
        (signal.SIGTERM, "schema", "scenarios"),
        (signal.SIGTERM, "statemachine,dtm-hierarchy", "..."),
        (signal.SIGINT, "paging", "..."),
    ],
    ids=[
        "sigint-in-schemathesis",
        "sigterm-in-schemathesis",
        "sigterm-in-a-state-machine",
        "sigint-in-paging",
    ],
)
def test_a_signal_stops_the_run_cleans_up_and_exits_2(
    mock_process: str, tmp_path: Path, sig: signal.Signals, only: str, marker: str
) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "contracts",
            "run",
            "--base-url",
            mock_process,
            "--profile",
            "thorough",
            "--only",
            only,
            "--report-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # wait until the run is inside the suite, from its own progress
            seen.append(line)
            if marker in line and "[" in "".join(seen):
                break
        signalled = time.monotonic()
        process.send_signal(sig)
        out, err = process.communicate(timeout=30)
        seconds = time.monotonic() - signalled
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 2, out + err
    assert seconds < 5, f"{seconds:.1f} s after the signal"
    assert "Traceback" not in err
    assert out.strip().splitlines()[-1].endswith("skipped"), out
    assert "interrupted" in (tmp_path / "report.md").read_text()
    assert leftovers(mock_process) == []
