"""Running what the generators wrote: import a generated mock, serve it, run a generated suite."""

from __future__ import annotations

import importlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import uvicorn
import yaml

from mockserver.generic.security import credential

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def import_generated_app(project: Path, package: str) -> ModuleType:
    """Import ``<package>.app`` from a generated project, forgetting any earlier copy of it."""
    for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        del sys.modules[name]
    sys.path.insert(0, str(project))
    try:
        return importlib.import_module(f"{package}.app")
    finally:
        sys.path.remove(str(project))


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port; yields the base URL, stops the server on exit.

    The socket listens before the server thread starts, so clients may connect at once: the
    kernel queues them until uvicorn accepts.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def credential_args(suite: Path) -> list[str]:
    """The suite options sending well-formed credentials of each kind the suite's spec declares."""
    document = json.loads((suite / "openapi.json").read_text(encoding="utf-8"))
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    found = [c for n, s in schemes.items() if isinstance(s, dict) and (c := credential(n, s))]
    args = ["--auth", "admin:admin"] if any(c.kind == "basic" for c in found) else []
    if any(c.kind == "bearer" for c in found):
        args += ["--token", "suite-token"]
    if any(c.kind == "apiKey" for c in found):
        args += ["--api-key", "suite-key"]
    return args or ["--auth", "admin:admin"]


def run_contract_suite(
    suite: Path, base_url: str, *, max_examples: int = 5, modules: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run a generated contract suite against ``base_url`` under the ci profile, in a subprocess,
    with credentials of each kind its spec declares, without shrinking failures; ``modules``
    limits it to those test files."""
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "ci",
        "CONTRACT_MAX_EXAMPLES": str(max_examples),
        "CONTRACT_STATEFUL_STEPS": "6",
        "CONTRACT_SHRINK": "0",  # a failure is a failure: its minimal form costs ~5x the run
    }
    return subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            "--base-url",
            base_url,
            *credential_args(suite),
            "-c",
            str(suite / "pytest.ini"),
            *([str(suite / m) for m in modules] or [str(suite)]),
        ],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def generate(spec: Path, out: Path, *, name: str | None = None) -> tuple[Path, Path, str]:
    """Generate both outputs for ``spec`` under ``out``; returns (mock dir, suite dir, package)."""
    from generators import generate_contracts, generate_mock, load_model

    shown = name or str(spec.relative_to(ROOT))
    generate_mock(spec, out / "mock", name=shown)
    generate_contracts(spec, out / "contracts", name=shown)
    return out / "mock", out / "contracts", load_model(spec, name=shown).package


def generate_document(document: dict[str, Any], root: Path, name: str) -> tuple[Path, Path, str]:
    """Write ``document`` as ``root/name`` and generate both outputs under ``root/out``."""
    spec = root / name
    spec.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return generate(spec, root / "out", name=name)


@contextmanager
def mock_client(document: dict[str, Any], root: Path, name: str) -> Iterator[Any]:
    """A test client of the mock generated from ``document`` (see :func:`generate_document`)."""
    mock_dir, _, package = generate_document(document, root, name)
    with import_generated_app(mock_dir, package).create_app().test_client() as client:
        yield client
