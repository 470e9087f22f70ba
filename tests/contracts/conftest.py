"""Fixtures for the harness tests: the mock (optionally broken) served on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from harness_server import serve

logging.getLogger("connexion").setLevel(logging.ERROR)


@pytest.fixture
def serve_mock() -> Callable[[Any], AbstractContextManager[str]]:
    """Serve a fresh mock, optionally wrapped by a fault: ``with serve_mock(fault) as url``."""
    from harness_faults import FaultyApp

    from mockserver.http.app import create_app

    def start(fault: Any = None) -> AbstractContextManager[str]:
        app: Any = create_app()
        return serve(FaultyApp(app, fault) if fault else app)

    return start


@pytest.fixture
def run_harness(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str]]:
    """Run ``python -m contracts run`` in-process; returns (exit status, stdout)."""
    from contracts.__main__ import main

    def run(url: str, *args: str) -> tuple[int, str]:
        capsys.readouterr()
        status = main(["run", "--base-url", url, "--report-dir", str(tmp_path / "report"), *args])
        return status, capsys.readouterr().out

    return run
