"""The official JavaScript client (npm ``@c8y/client``, pinned in tests/js/package.json) works
against the mock: ``tests/js/measurement_flow.js`` logs in, creates a device and measurements,
pages through them, reads series and deletes, and exits non-zero on the first mismatch.

``make test`` installs the pinned package first (``npm ci --prefix tests/js``).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "measurement_flow.js"
NODE_TIMEOUT = 120.0

pytestmark = pytest.mark.js


def test_official_js_client_creates_pages_aggregates_and_deletes(mock_server_url: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the @c8y/client flow needs Node.js 18 or later.")
    if not (JS_DIR / "node_modules" / "@c8y" / "client").is_dir():
        pytest.fail(
            "@c8y/client is not installed in tests/js/node_modules; run `make test` or "
            "`npm ci --no-audit --no-fund --prefix tests/js` first."
        )

    result = subprocess.run(
        [node, str(SCRIPT), mock_server_url],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )

    assert result.returncode == 0, f"{result.stderr}{result.stdout}"
    assert result.stdout.startswith("ok:"), result.stdout
