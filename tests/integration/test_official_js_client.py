"""The official JavaScript client (npm ``@c8y/client``, pinned in tests/js/package.json) works
against the mock: ``tests/js/measurement_flow.js`` logs in, creates a device and measurements,
pages through them, reads series and deletes, and exits non-zero on the first mismatch;
``tests/js/realtime_flow.js`` subscribes with ``client.realtime`` (CometD long-polling, as in
Node) and checks the notifications of creates and deletes, device isolation and unsubscribe,
and of an alarm created and acknowledged (``/alarms/<device>`` and ``/alarms/*``).

``make test`` installs the pinned package first (``npm ci --prefix tests/js``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "measurement_flow.js"
REALTIME_SCRIPT = JS_DIR / "realtime_flow.js"
NODE_TIMEOUT = 120.0

pytestmark = pytest.mark.js


def run_flow(base_url: str, script: Path = SCRIPT, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the node script against ``base_url``; skip without node, fail without the package."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the @c8y/client flow needs Node.js 18 or later.")
    if not (JS_DIR / "node_modules" / "@c8y" / "client").is_dir():
        pytest.fail(
            "@c8y/client is not installed in tests/js/node_modules; run `make test` or "
            "`npm ci --no-audit --no-fund --prefix tests/js` first."
        )
    return subprocess.run(
        [node, str(script), base_url],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
        env={**os.environ, **env},
    )


def test_official_js_client_creates_pages_aggregates_and_deletes(mock_server_url: str) -> None:
    result = run_flow(mock_server_url)

    assert result.returncode == 0, f"{result.stderr}{result.stdout}"
    assert result.stdout.startswith("ok:"), result.stdout


def test_the_js_flow_exits_non_zero_naming_the_failed_answer(mock_server_url: str) -> None:
    result = run_flow(mock_server_url, C8Y_PASSWORD="not-the-password")

    assert result.returncode == 1
    assert "UNEXPECTED STATUS 401" in result.stderr
    assert "/tenant/currentTenant" in result.stderr


def test_official_js_client_realtime_receives_creates_and_deletes_until_unsubscribed(
    mock_server_url: str,
) -> None:
    result = run_flow(mock_server_url, REALTIME_SCRIPT)

    assert result.returncode == 0, f"{result.stderr}{result.stdout}"
    assert result.stdout.startswith("ok: 4 notifications, 4 alarm notifications"), result.stdout
