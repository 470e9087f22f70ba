"""Fixtures for the harness tests: the mock (optionally broken) served on 127.0.0.1."""

from __future__ import annotations

import gc
import logging
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from harness_server import serve

logging.getLogger("connexion").setLevel(logging.ERROR)
ROOT = Path(__file__).resolve().parents[2]
READER_ARGS = (
    "--readonly-user", "reader", "--readonly-password", "reader",
    "--other-tenant", "t200", "--other-user", "admin", "--other-password", "admin200",
)  # fmt: skip
"""The read-only second credential and the second tenant's admin every served mock has (see
``harness_faults.mock_with_reader``)."""


@pytest.fixture(autouse=True)
def _collect_schemathesis_sessions() -> Iterator[None]:
    """Collect, quietly, the HTTP sessions Schemathesis 4.32 leaves open after an in-process run.

    Its engine sends an auth-less probe through a ``requests`` session it never closes
    (``schemathesis/engine/run/cache.py``, ``_send_without_auth``); with warnings as errors
    its socket's ResourceWarning would otherwise surface, at garbage collection, in whichever
    later test happens to run. Only sockets are silenced, only here, only at this collection.
    """
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed <socket.socket", category=ResourceWarning)
        gc.collect()


@pytest.fixture
def serve_mock() -> Callable[[Any], AbstractContextManager[str]]:
    """Serve a fresh mock, optionally wrapped by a fault: ``with serve_mock(fault) as url``."""
    from harness_faults import FaultyApp, mock_with_reader

    def start(fault: Any = None) -> AbstractContextManager[str]:
        app: Any = mock_with_reader()
        return serve(FaultyApp(app, fault) if fault else app)

    return start


def reader_users_file(directory: Path) -> Path:
    """A ``--users`` file holding the read-only user of ``READER_ARGS``."""
    users = directory / "users.yaml"
    users.write_text(
        "users:\n  - {tenant: t100, username: reader, password: reader, "
        "roles: [ROLE_MEASUREMENT_READ, ROLE_INVENTORY_READ]}\n"
        "  - {tenant: t200, username: admin, password: admin200, roles: ALL}\n"
    )
    return users


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[str]:
    """The shipped mock as a subprocess (``--port 0``): a hung request cannot outlive the test.

    It has the read-only user of ``READER_ARGS`` besides the default admin.
    """
    users = reader_users_file(tmp_path)
    command = [sys.executable, "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--users", str(users)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        url = None
        for line in process.stdout:  # blocks until the mock announces where it listens
            match = re.search(r"http://127\.0\.0\.1:\d+", line)
            if match:
                url = match.group(0)
                break
        assert url, "the mock exited without announcing its URL"
        yield url
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def run_harness(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """Run ``python -m contracts run`` in-process; returns (exit status, stdout)."""
    from contracts.__main__ import main

    def run(url: str, *args: str) -> tuple[int, str]:
        capsys.readouterr()
        report = str(tmp_path / "report")
        status = main(["run", "--base-url", url, "--report-dir", report, *READER_ARGS, *args])
        return status, capsys.readouterr().out

    return run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run only when asked for (``-m slow``, as the targets below do)."""
    if "slow" in (config.getoption("-m") or ""):
        return
    targets = {
        "test_contracts_safety.py": "make safety",
        "test_contracts_inventory_variants.py": "make inventory-variants",
        "test_contracts_variants.py": "make variants",
        "test_contracts_unseen_variants.py": "make variants",
    }
    for item in items:
        if item.get_closest_marker("slow"):
            target = targets.get(item.path.name, "pytest -m slow")
            item.add_marker(pytest.mark.skip(reason=f"slow: `{target}` runs it"))
