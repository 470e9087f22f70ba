"""The official JavaScript client (npm ``@c8y/client``, pinned in tests/js/package.json) raises,
merges, lists, counts, acknowledges, clears and deletes alarms against the mock:
``tests/js/alarm_flow.js`` exits non-zero on the first answer that breaks spec/alarm.yaml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "alarm_flow.js"
NODE_TIMEOUT = 120.0

pytestmark = pytest.mark.js


def run_flow(base_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the node script against ``base_url``; skip without node, fail without the package."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the @c8y/client flow needs Node.js 18 or later.")
    if not (JS_DIR / "node_modules" / "@c8y" / "client").is_dir():
        pytest.fail("@c8y/client is not installed in tests/js/node_modules; run `make test` first.")
    return subprocess.run(
        [node, str(SCRIPT), base_url],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
        env={**os.environ, **env},
    )


def test_official_js_client_raises_merges_lists_counts_clears_and_deletes_alarms(
    mock_server_url: str,
) -> None:
    result = run_flow(mock_server_url)

    assert result.returncode == 0, f"{result.stderr}{result.stdout}"
    assert result.stdout.startswith("ok:"), result.stdout


def test_the_js_alarm_flow_exits_non_zero_naming_the_failed_answer(mock_server_url: str) -> None:
    result = run_flow(mock_server_url, C8Y_PASSWORD="not-the-password")

    assert result.returncode == 1
    assert "UNEXPECTED STATUS 401" in result.stderr
