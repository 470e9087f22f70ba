"""Bounded child processes for the corpus run, each in its own process group.

``run`` waits for a command with a deadline and kills its whole group when the deadline
passes; ``serving`` starts a server command, waits until its port answers HTTP and stops the
group on exit, whatever happened. Output goes to a log file; failures quote its first lines.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

# A plain shell: no virtualenv on PATH, no PYTHONPATH, nothing of the caller's environment.
PLAIN_PATH = "/usr/local/bin:/usr/bin:/bin"


def plain_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh login shell (``env -i`` style) plus ``extra``."""
    env = {"PATH": PLAIN_PATH, "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


@dataclass(frozen=True)
class Finished:
    """How one bounded command ended."""

    returncode: int | None  # None: killed at its deadline
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, SIGKILL it after 10 s; reap the leader."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            # The leader is gone; its group may still hold children (make's python).
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait(timeout=10)


def start(argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        out.write(f"$ (cd {cwd} && {' '.join(argv)})\n".encode())
        out.flush()
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def run(argv: list[str], cwd: Path, env: dict[str, str], log: Path, timeout_s: float) -> Finished:
    """Run ``argv`` to its end or to ``timeout_s``, whichever comes first."""
    started = time.monotonic()
    process = start(argv, cwd, env, log)
    try:
        code: int | None = process.wait(timeout=max(timeout_s, 1.0))
    except subprocess.TimeoutExpired:
        code = None
        with log.open("ab") as out:
            out.write(f"\n[corpus] killed after {timeout_s:.0f} s\n".encode())
    finally:
        stop_group(process)
    return Finished(code, time.monotonic() - started, log)


@dataclass(frozen=True)
class Serving:
    """A server that answered (``ready``) or did not (``error`` says why)."""

    base_url: str
    seconds: float
    log: Path
    error: str | None


def wait_answering(process: subprocess.Popen[bytes], base_url: str, deadline_s: float) -> str | None:
    stop_at = time.monotonic() + deadline_s
    while time.monotonic() < stop_at:
        if process.poll() is not None:
            return f"exited with code {process.returncode} before answering"
        try:
            httpx.get(base_url + "/", timeout=2.0)
            return None
        except httpx.TransportError:
            time.sleep(0.2)
    return f"did not answer on {base_url} within {deadline_s:.0f} s"


@contextmanager
def serving(
    argv: list[str], cwd: Path, env: dict[str, str], log: Path, port: int, deadline_s: float
) -> Iterator[Serving]:
    """Start a server on ``port``; yields once it answers HTTP (or failed to); always stops it."""
    started = time.monotonic()
    base_url = f"http://127.0.0.1:{port}"
    process = start(argv, cwd, env, log)
    try:
        error = wait_answering(process, base_url, deadline_s)
        yield Serving(base_url, time.monotonic() - started, log, error)
    finally:
        stop_group(process)


def first_lines(log: Path, limit: int = 12) -> list[str]:
    """What went wrong, each line cut at 300 characters: the end of the first traceback, else the
    first error-looking lines, else the last lines of the log."""
    return [line if len(line) <= 300 else line[:300] + " ..." for line in _telling_lines(log, limit)]


def _telling_lines(log: Path, limit: int) -> list[str]:
    trace = traceback_end(log, limit)
    if trace:
        return trace
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    markers = ("error", "Error", "ERROR", "FAILED", "refused", "No such", "not found", "killed", "E   ")
    for index, line in enumerate(lines):
        if index > 0 and any(marker in line for marker in markers):
            return lines[index : index + limit]
    return lines[-limit:]


def traceback_end(log: Path, tail: int = 8) -> list[str]:
    """The last ``tail`` lines of the first Python traceback in a log, ending with its exception."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    start = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), None)
    if start is None:
        return []
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    return lines[max(start, end - tail) : end + 1]
