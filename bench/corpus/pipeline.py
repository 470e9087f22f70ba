"""One corpus spec through every stage a user goes through, each bounded, every process stopped.

The stages, in order (a stage that cannot start because an earlier one failed is ``skipped``):

- ``generate``: ``python -m generators mock`` and ``contracts`` into a fresh directory;
- ``mock-tests``: the mock project's own ``make test``, from a plain shell;
- ``mock``: the mock project's own ``make mock`` on a free port, from a plain shell, answering HTTP;
- ``suite``: the contract project's own ``make test`` against that mock, from a plain shell;
- ``st``: plain ``st run`` (every phase, a few examples each) against the mock; it passes when
  the run finished and no answer was a server error (5xx, counted from its HAR record).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import credentials
from bench.corpus.expected import documented_only_5xx, is_expected
from bench.corpus.manifest import ROOT, Entry, parse
from bench.corpus.processes import Finished, first_lines, free_port, plain_env, run, serving, traceback_end

# uvicorn's access log line of a 5xx answer: "GET /path HTTP/1.1" 500
ACCESS_5XX = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (5\d\d)\b')
Expected = list[tuple[str, re.Pattern[str], frozenset[int]]]
STAGES = ("generate", "mock-tests", "mock", "suite", "st")
ST = Path(sys.executable).with_name("st")


@dataclass(frozen=True)
class Bounds:
    """Seconds each stage may take, how many examples the suites draw, and the shell's PATH."""

    generate_s: float = 120
    mock_tests_s: float = 180
    mock_start_s: float = 60
    suite_s: float = 300
    st_s: float = 300
    # A large spec's st run is complete, not hung, well past 300 s: discord's (242 operations)
    # took 260-290 s, nearly all of it Schemathesis's own generation (189 s of CPU in st).
    large_st_s: float = 480
    suite_examples: int = 3
    st_examples: int = 5
    # A spec with this many operations gets 2 examples per operation in both suites, so that
    # its st run (coverage, fuzzing and stateful phases over every operation) fits its bound.
    large_operations: int = 150
    # Directories put before the plain PATH ("what a user with that virtualenv active runs").
    path_prefix: tuple[str, ...] = ()

    def examples(self, entry: Entry) -> tuple[int, int]:
        """(generated suite, st run) examples per operation for ``entry``."""
        if entry.operations >= self.large_operations:
            return min(2, self.suite_examples), min(2, self.st_examples)
        return self.suite_examples, self.st_examples

    def st_bound(self, entry: Entry) -> float:
        """Seconds ``entry``'s st run may take."""
        return self.large_st_s if entry.operations >= self.large_operations else self.st_s

    def env(self, **extra: str) -> dict[str, str]:
        env = plain_env(**extra)
        env["PATH"] = ":".join([*self.path_prefix, env["PATH"]])
        return env


@dataclass
class StageResult:
    stage: str
    status: str  # "passed", "failed" or "skipped"
    seconds: float = 0.0
    detail: str = ""
    lines: list[str] = field(default_factory=list)
    log: str = ""


@dataclass
class SpecResult:
    name: str
    operations: int
    stages: dict[str, StageResult] = field(default_factory=dict)
    server_errors: int | None = None
    seconds: float = 0.0

    def passed(self, stage: str) -> bool:
        return self.stages[stage].status == "passed"


def finished_stage(stage: str, done: Finished, ok_detail: str = "") -> StageResult:
    if done.ok:
        return StageResult(stage, "passed", done.seconds, ok_detail, [], str(done.log))
    why = "timed out" if done.returncode is None else f"exit code {done.returncode}"
    return StageResult(stage, "failed", done.seconds, why, first_lines(done.log), str(done.log))


def generate(entry: Entry, work: Path, bounds: Bounds) -> StageResult:
    """Both generators, each run even when the other failed (the mock stages need only one)."""
    seconds, failures = 0.0, []
    for kind in ("mock", "contracts"):
        argv = [
            sys.executable,
            "-m",
            "generators",
            kind,
            "--spec",
            str(entry.spec_path),
            "--out",
            str(work / kind),
        ]
        done = run(argv, ROOT, plain_env(), work / "logs" / f"generate-{kind}.log", bounds.generate_s)
        seconds += done.seconds
        if not done.ok:
            failures.append((kind, finished_stage("generate", done)))
    if not failures:
        return StageResult("generate", "passed", seconds, "", [], str(work / "logs"))
    kind, first = failures[0]
    first.detail = "; ".join(f"generators {k}: {f.detail}" for k, f in failures)
    first.seconds = seconds
    return first


def server_errors(har: Path, expected: Expected) -> tuple[int, list[str]]:
    """How many answers in a HAR record were 5xx the spec did not ask for, and the first few."""
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"] if har.exists() else []
    errors = [
        e
        for e in entries
        if int(e["response"]["status"]) >= 500
        and not is_expected(
            expected, e["request"]["method"], e["request"]["url"], int(e["response"]["status"])
        )
    ]
    lines = []
    for e in errors[:3]:
        sent = str((e["request"].get("postData") or {}).get("text", ""))[:200]
        body = str(e["response"].get("content", {}).get("text", ""))[:200]
        lines.append(
            f"{e['request']['method']} {e['request']['url']} {sent!r} -> {e['response']['status']} {body}"
        )
    return len(errors), lines


def logged_server_errors(mock_log: Path, offset: int, expected: Expected) -> int:
    """5xx answers in the mock's access log after ``offset`` (when st left no HAR record)."""
    with mock_log.open("rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", errors="replace")
    found = ACCESS_5XX.findall(text)
    return sum(not is_expected(expected, method, path, int(status)) for method, path, status in found)


def st_stage(
    entry: Entry, base_url: str, creds: credentials.Credentials, work: Path, bounds: Bounds
) -> tuple[StageResult, int | None]:
    """Plain ``st run`` against the served mock; failures quote the 5xx answers and the mock's traceback."""
    har, mock_log = work / "st.har", work / "logs" / "mock.log"
    expected = documented_only_5xx(
        parse(entry.spec_path.read_text(encoding="utf-8"), entry.file.rsplit(".")[-1])
    )
    offset = mock_log.stat().st_size
    argv = [
        *(
            str(ST),
            "run",
            str(entry.spec_path),
            "--url",
            base_url,
            "--max-examples",
            str(bounds.examples(entry)[1]),
        ),
        *("--workers", "1", "--request-timeout", "10", "--seed", "1", "--generation-deterministic"),
        "--no-color",
        *("--report", "har", "--report-har-path", str(har), *creds.st_args()),
    ]
    done = run(argv, work, plain_env(), work / "logs" / "st.log", bounds.st_bound(entry))
    if done.returncode is None or not har.exists():
        failed = finished_stage("st", Finished(done.returncode or 99, done.seconds, done.log))
        logged = logged_server_errors(mock_log, offset, expected)
        failed.detail += f" (no HAR record; {logged} server errors in the mock's log)"
        return failed, logged
    count, lines = server_errors(har, expected)
    info = f"{count} server errors, st exit code {done.returncode}"
    if count:
        trace = traceback_end(mock_log)
        lines += ["mock log:", *trace] if trace else []
        return StageResult("st", "failed", done.seconds, info, lines, str(done.log)), count
    return StageResult("st", "passed", done.seconds, info, [], str(done.log)), count


def served_stages(entry: Entry, result: SpecResult, work: Path, bounds: Bounds) -> None:
    """``mock``, then ``suite`` and ``st`` against it; the server is stopped whatever happens."""
    creds = credentials.for_spec(
        parse(entry.spec_path.read_text(encoding="utf-8"), entry.file.rsplit(".")[-1])
    )
    port = free_port()
    argv = ["make", "mock", "HOST=127.0.0.1", f"PORT={port}"]
    with serving(
        argv, work / "mock", bounds.env(), work / "logs" / "mock.log", port, bounds.mock_start_s
    ) as up:
        if up.error:
            result.stages["mock"] = StageResult(
                "mock", "failed", up.seconds, up.error, first_lines(up.log), str(up.log)
            )
            return
        result.stages["mock"] = StageResult("mock", "passed", up.seconds, up.base_url, [], str(up.log))
        if (work / "contracts" / "Makefile").exists():
            suite_env = bounds.env(
                HYPOTHESIS_PROFILE="ci",
                CONTRACT_MAX_EXAMPLES=str(bounds.examples(entry)[0]),
                CONTRACT_STATEFUL_STEPS="5",
            )
            argv = ["make", "test", f"BASE_URL={up.base_url}", *creds.suite_vars()]
            done = run(argv, work / "contracts", suite_env, work / "logs" / "suite.log", bounds.suite_s)
            result.stages["suite"] = finished_stage("suite", done)
        result.stages["st"], result.server_errors = st_stage(entry, up.base_url, creds, work, bounds)


def run_spec(entry: Entry, out: Path, bounds: Bounds) -> SpecResult:
    """Every stage for one spec, in ``out/<name>`` (emptied first)."""
    started = time.monotonic()
    work = out / entry.name
    shutil.rmtree(work, ignore_errors=True)
    (work / "logs").mkdir(parents=True)
    result = SpecResult(entry.name, entry.operations)
    result.stages["generate"] = generate(entry, work, bounds)
    if (work / "mock" / "Makefile").exists():
        done = run(
            ["make", "test"],
            work / "mock",
            bounds.env(),
            work / "logs" / "mock-tests.log",
            bounds.mock_tests_s,
        )
        result.stages["mock-tests"] = finished_stage("mock-tests", done)
        served_stages(entry, result, work, bounds)
    for stage in STAGES:
        result.stages.setdefault(stage, StageResult(stage, "skipped", detail="an earlier stage failed"))
    result.seconds = time.monotonic() - started
    return result
