"""The official JavaScript client (npm ``@c8y/client``) logs in the browser way against the mock:
``tests/js/login_flow.js`` asks the login options without credentials, logs in with
``Client.authenticateViaOAuthInternalCookie`` (``POST /tenant/oauth``, the token read from the
``authorization`` cookie), reads the current user and looks a device up with the inventory
query language (``query=$filter=(name eq '...')``); it exits non-zero on the first wrong answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "login_flow.js"
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


def test_official_js_client_logs_in_with_the_oauth_cookie_and_queries_the_inventory(
    mock_server_url: str,
) -> None:
    result = run_flow(mock_server_url)

    assert result.returncode == 0, f"{result.stderr}{result.stdout}"
    assert result.stdout.startswith("ok: tenant t100, user admin;"), result.stdout
    assert "query=$filter=(name eq 'js-login-device-" in result.stdout


def test_the_js_login_flow_exits_non_zero_on_a_wrong_password(mock_server_url: str) -> None:
    result = run_flow(mock_server_url, C8Y_PASSWORD="not-the-password")

    assert result.returncode == 1
    assert "UNEXPECTED STATUS 401" in result.stderr
    assert "/tenant/oauth?tenant_id=t100" in result.stderr
