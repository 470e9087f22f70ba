"""Start the servers a benchmark measures, each as a subprocess on a free 127.0.0.1 port.

Every server is a context manager: it is started, polled until it answers HTTP (bounded by a
deadline, failing early when the process dies), and stopped on exit whatever happened, first
politely (SIGTERM to its own process group) and then by SIGKILL.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NODE_DIR = BENCH / "node"
PRISM_JS = NODE_DIR / "node_modules" / "@stoplight" / "prism-cli" / "dist" / "index.js"


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    pid: int


def free_port() -> int:
    """A port the kernel just handed out for 127.0.0.1 (bind to port 0, then release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(
    process: subprocess.Popen[bytes], base_url: str, name: str, deadline_s: float, log: Path
) -> None:
    """Poll ``base_url`` until any HTTP answer arrives; raise if the process dies or time runs out."""
    stop_at = time.monotonic() + deadline_s
    while time.monotonic() < stop_at:
        if process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with code {process.returncode} before answering: "
                f"{log.read_text(errors='replace')[-2000:]}"
            )
        try:
            httpx.get(base_url + "/", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer on {base_url} within {deadline_s:.0f} s.")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if it lingers past 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@contextmanager
def _running(
    name: str, argv: list[str], port: int, env: dict[str, str] | None, deadline_s: float
) -> Iterator[Server]:
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False) as log_file:
        log = Path(log_file.name)
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(process, base_url, name, deadline_s, log)
        yield Server(name, base_url, process.pid)
    finally:
        stop(process)
        log.unlink(missing_ok=True)


@contextmanager
def start_server(
    name: str, argv: list[str], port: int, env: dict[str, str] | None = None, deadline_s: float = 60
) -> Iterator[Server]:
    """Any server command ``argv`` that listens on 127.0.0.1:``port`` (choose it with free_port)."""
    with _running(name, argv, port, env, deadline_s) as server:
        yield server


@contextmanager
def start_uvicorn(name: str, factory: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """One uvicorn worker serving the app that ``factory`` ("module:function") builds."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws-per-message-deflate",  # as `python -m mockserver serve` does (mockserver/__main__.py)
        "false",
    ]
    with _running(name, argv, port, env, deadline_s=60) as server:
        yield server


def ensure_prism() -> Path:
    """Install the pinned Prism into bench/node (``npm ci``) unless it is already there."""
    if PRISM_JS.exists():
        return PRISM_JS
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH, so Prism cannot be installed into bench/node.")
    done = subprocess.run(
        [npm, "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not PRISM_JS.exists():
        raise RuntimeError(f"npm ci --prefix bench/node failed ({done.returncode}): {done.stderr[-2000:]}")
    return PRISM_JS


@contextmanager
def start_prism(spec: Path) -> Iterator[Server]:
    """Prism (pinned in bench/node/package-lock.json) mocking ``spec`` with static examples."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH, so Prism cannot run.")
    if not spec.exists():
        raise RuntimeError(f"The spec {spec} does not exist yet.")
    prism = ensure_prism()
    port = free_port()
    argv = [
        node,
        str(prism),
        "mock",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--errors",
        "false",
        str(spec),
    ]
    with _running("prism", argv, port, None, deadline_s=120) as server:
        yield server
