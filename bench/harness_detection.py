"""How many deliberately broken mocks does each tool catch? Plain ``st run`` vs our harness.

For every fault variant of ``tests/contracts/harness_variants.py`` the mock is served in this
process on 127.0.0.1 (port chosen at run time) with the fault applied, then

* plain Schemathesis: ``st run spec/<api>.yaml --url ...`` with its default checks and every phase
  (the two checks our decided rules do not support are excluded from both tools, see
  ``contracts/suites/schema.py``); a variant counts as caught when ``st run`` fails on it while it
  passes on the unbroken mock;
* our harness: ``python -m contracts run --profile ci --only <suite of the variant>`` with the
  read-only second credential the served mock has (``reader:reader``).

The variants are the team's first catalogue (``harness_variants.py``) and the one written from the
specs and seed documents (``harness_variants_spec.py``).

It prints both detection rates side by side, then the wall time of the ci profile against the
unbroken mock (served by its own uvicorn process) next to the wall time of plain ``st run`` over
the same specs (target <= 120 s).
"""

from __future__ import annotations

import base64
import io
import logging
import os
import statistics
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from bench._servers import start_uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "contracts"))

ST = str(Path(sys.executable).with_name("st"))
AUTH = "Authorization: Basic " + base64.b64encode(b"admin:admin").decode()
EXCLUDED = "positive_data_acceptance,unsupported_method"
READER = (  # the read-only user and the second tenant of harness_faults.mock_with_reader
    "--readonly-user", "reader", "--readonly-password", "reader",
    "--other-tenant", "t200", "--other-user", "admin", "--other-password", "admin200",
)  # fmt: skip


def spec_of(fault: Any) -> str:
    return "dtm.yaml" if fault.only.startswith(("DTM", "STATE-DTM")) else "measurement.yaml"


def st_run(url: str, spec: str, max_time: int = 20) -> tuple[bool, float]:
    started = time.monotonic()
    done = subprocess.run(
        [
            ST,
            "run",
            str(ROOT / "spec" / spec),
            "--url",
            url,
            "-H",
            AUTH,
            "--max-examples",
            "10",
            "--max-time",
            str(max_time),
            "--exclude-checks",
            EXCLUDED,
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=max_time * 4 + 60,
        cwd=ROOT,
    )
    return done.returncode != 0, time.monotonic() - started


def harness(url: str, *args: str) -> tuple[int, str, float]:
    from contracts.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["run", "--base-url", url, "--report-dir", os.devnull + "-reports", *READER, *args])
    return status, out.getvalue(), time.monotonic() - started


def serving(fault: Any) -> Any:
    from harness_faults import FaultyApp, mock_with_reader
    from harness_server import serve

    app: Any = mock_with_reader()
    return serve(FaultyApp(app, fault) if fault else app)


def main() -> int:
    import pytest
    from harness_variants import DTM_FAULTS, MEASUREMENT_FAULTS, SERIES_FAULTS
    from harness_variants_spec import SPEC_FAULTS
    from harness_variants_spec_dtm import SPEC_DTM_FAULTS

    logging.getLogger("connexion").setLevel(logging.ERROR)
    faults = [*MEASUREMENT_FAULTS, *SERIES_FAULTS, *DTM_FAULTS, *SPEC_FAULTS, *SPEC_DTM_FAULTS]
    baseline: dict[str, bool] = {}
    for spec in ("measurement.yaml", "dtm.yaml"):
        with serving(None) as url:
            baseline[spec], _ = st_run(url, spec)
    print(
        "st run on the unbroken mock: "
        + ", ".join(f"{s} {'FAILS' if f else 'passes'}" for s, f in baseline.items())
    )
    print(f"{'variant':45} {'st run':>8} {'harness':>8}")
    caught_st = caught_ours = 0
    for fault in faults:
        with pytest.MonkeyPatch.context() as patch:
            if fault.patch:
                fault.patch(patch)
            with serving(fault) as url:
                st_failed, _ = st_run(url, spec_of(fault), max_time=10)
            with serving(fault) as url:
                status, out, _ = harness(url, "--profile", "ci", "--only", fault.only)
        st_caught = st_failed and not baseline[spec_of(fault)]
        ours = status == 1 and any(f"{title}:" in out for title in fault.title.split("|"))
        caught_st += st_caught
        caught_ours += ours
        print(f"{fault.name[:45]:45} {'caught' if st_caught else '-':>8} {'caught' if ours else 'MISSED':>8}")
    n = len(faults)
    print(
        f"detection: st run {caught_st}/{n} ({caught_st / n:.0%}), "
        f"harness {caught_ours}/{n} ({caught_ours / n:.0%})"
    )

    # Wall times against the mock in its own uvicorn process, as a vendor's server would be: served
    # from a thread of this process, the mock would share the GIL with the in-process harness.
    ci_times, st_times = [], []
    for _ in range(1):
        tests = {"PYTHONPATH": str(ROOT / "tests" / "contracts")}
        with start_uvicorn("mock", "harness_faults:mock_with_reader", env=tests) as server:
            status, out, seconds = harness(server.base_url, "--profile", "ci", "--api", "all")
        ci_times.append(seconds)
        print(f"ci profile against the mock: exit {status}, {out.strip().splitlines()[-1]}")
        with start_uvicorn("mock", "mockserver.http.app:create_app") as server:
            st_total = sum(
                st_run(server.base_url, spec)[1]
                for spec in ("measurement.yaml", "inventory.yaml", "dtm.yaml")
            )
        st_times.append(st_total)
    ci, st = statistics.median(ci_times), statistics.median(st_times)
    print(
        f"ci profile wall time: median {ci:.1f} s (target <= 120 s); plain st run over the 3 specs: "
        f"{st:.1f} s; ratio {ci / st:.2f}"
    )
    return 0 if ci <= 120 and caught_ours == n else 1


if __name__ == "__main__":
    sys.exit(main())
