"""The verdict cannot lie: against targets built to be awkward the harness never says 0.

Each target is a small server of ``hostile_servers.py``; the harness runs as a subprocess, as a
vendor runs it. The first five cannot be tested (exit 2, "could not test" or inconclusive), the
dead and hanging ones within 10 s; the last two are tested and fail (exit 1). Never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_servers import serve_hostile

ROOT = Path(__file__).resolve().parents[2]


def run_against(url: str, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "contracts", "run", "--base-url", url, "--report-dir", str(tmp_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, time.monotonic() - started


@pytest.mark.parametrize(
    ("kind", "within"),
    [("closed", 10), ("silent", 10), ("probe-then-hang", 10), ("garbage", 10), ("slow", 30)],
)
def test_a_target_that_cannot_be_tested_exits_2(kind: str, within: float, tmp_path: Path) -> None:
    with serve_hostile(kind) as url:
        done, seconds = run_against(url, tmp_path, "--profile", "quick")
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    assert done.stdout.count("could not test") == 1, done.stdout
    assert seconds < within, f"{kind}: {seconds:.1f} s"


@pytest.mark.parametrize("kind", ["error500", "empty200"])
def test_a_target_that_answers_wrongly_exits_1(kind: str, tmp_path: Path) -> None:
    with serve_hostile(kind) as url:
        done, _ = run_against(url, tmp_path, "--profile", "quick", "--max-time", "60")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith("0 passed, "), summary
    assert " 0 failed" not in summary, summary
    junit = (tmp_path / "junit.xml").read_text()
    assert "<failure" in junit
