"""Fixtures of the integration tests: the in-process mock, and a real server process.

``mock`` is the in-process app (``mock_http``), emptied before each test; ``module_mock`` builds
it once per module, through Connexion and through the fast path (a module overrides it when it
needs another configuration).

A real mock server process on a free 127.0.0.1 port is shared by the official-client tests.

The official clients talk HTTP over a socket, so they need a running server rather than an
in-process app. The fixture starts ``python -m mockserver`` once per session, waits until it
answers HTTP (bounded by :data:`STARTUP_TIMEOUT`), and always stops it, even when a test fails.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mock_http import PATHS, Mock, fresh, make_mock


@pytest.fixture(scope="module", params=PATHS)
def module_mock(request: pytest.FixtureRequest) -> Iterator[Mock]:
    yield from make_mock(path=request.param)


@pytest.fixture
def mock(module_mock: Mock) -> Iterator[Mock]:
    yield from fresh(module_mock)


REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0
POLL_INTERVAL = 0.05
SHUTDOWN_TIMEOUT = 10.0


def free_port() -> int:
    """A port the OS reports free on 127.0.0.1 (bind port 0, read it back, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def answers_http(port: int) -> bool:
    """Whether something on the port answers an HTTP request (any status counts as alive)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
    try:
        connection.request("GET", "/tenant/currentTenant")
        connection.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        connection.close()


def wait_until_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll until the server answers; fail with its output if it exits or the timeout passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"The mock server exited with status {process.returncode} before answering on port "
                f"{port}. Its output:\n{log.read_text(errors='replace')}"
            )
        if answers_http(port):
            return
        time.sleep(POLL_INTERVAL)  # polling interval between readiness probes, not synchronisation
    pytest.fail(
        f"The mock server did not answer on 127.0.0.1:{port} within {STARTUP_TIMEOUT} s. "
        f"Its output:\n{log.read_text(errors='replace')}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process, then kill it if it does not exit in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SHUTDOWN_TIMEOUT)


@pytest.fixture(scope="session")
def mock_server_url() -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of a mock server running for the whole session."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="c8y-mock-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "mockserver", "--host", "127.0.0.1", "--port", str(port)],
                cwd=REPO_ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            try:
                wait_until_ready(process, port, log)
                yield f"http://127.0.0.1:{port}"
            finally:
                stop(process)
