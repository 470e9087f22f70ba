"""A third client from the registries: ``c8ylp`` (PyPI, the Cumulocity local proxy), unmodified.

It logs in the browser way: ``GET /tenant/loginOptions`` (it takes the tenant id from the
OAUTH2_INTERNAL option's ``initRequest``), ``POST /tenant/oauth?tenant_id=`` with the form body,
then the ``authorization`` cookie's token as a bearer token plus ``X-XSRF-TOKEN`` (and the cookie
itself, from its session's cookie jar); it validates a stored token with ``GET /user/currentUser``.
Its CLI runs as a subprocess exactly as a user types it; its client class is used the way its
``connect`` command does. It sends no inventory ``query=``: it finds devices through the
identity API (``GET /identity/externalIds/c8y_Serial/<serial>``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from c8ylp.rest_client.c8yclient import CumulocityClient

TIMEOUT_S = 60


def c8ylp(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "c8ylp", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )


def env_values(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip().strip("'\"") for key, value in pairs}


def test_the_cli_logs_in_and_stores_a_token_that_the_mock_accepts(
    mock_server_url: str, tmp_path: Path
) -> None:
    env_file = tmp_path / "tenant.env"
    env_file.write_text("")
    login = c8ylp(
        "login", "--host", mock_server_url, "--user", "admin", "--password", "admin",
        "--env-file", str(env_file), "--store-token", "--disable-prompts",
    )  # fmt: skip
    assert login.returncode == 0, login.stdout + login.stderr
    stored = env_values(env_file)
    assert stored["C8Y_TENANT"] == "t100"  # read from the initRequest of loginOptions
    token = stored["C8Y_TOKEN"]
    assert token.count(".") == 2  # the authorization cookie's JWT
    me = requests.get(
        f"{mock_server_url}/user/currentUser", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert me.status_code == 200
    assert me.json()["userName"] == "admin"
    again = c8ylp("login", "--env-file", str(env_file), "--disable-prompts")  # validates the stored token
    assert again.returncode == 0, again.stdout + again.stderr


def test_the_cli_refuses_a_wrong_password_and_stores_no_token(mock_server_url: str, tmp_path: Path) -> None:
    env_file = tmp_path / "tenant.env"
    env_file.write_text("")
    login = c8ylp(
        "login", "--host", mock_server_url, "--user", "admin", "--password", "wrong",
        "--env-file", str(env_file), "--store-token", "--disable-prompts",
    )  # fmt: skip
    assert login.returncode != 0
    assert "C8Y_TOKEN" not in env_file.read_text()


def test_the_client_logs_in_with_oauth_and_then_reads_the_inventory(mock_server_url: str) -> None:
    client = CumulocityClient(hostname=mock_server_url, user="admin", password="admin")
    assert client.validate_tenant_id() == "t100"
    client.login()
    assert client.session.headers["X-XSRF-TOKEN"]
    assert client.token.count(".") == 2
    assert not client.validate_remote_access_role()  # the admin has no ROLE_REMOTE_ACCESS_ADMIN
    created = client.session.post(
        "/inventory/managedObjects", json={"name": "c8ylp-device", "c8y_IsDevice": {}}
    )
    assert created.status_code == 201, created.text
    device = created.json()["id"]
    found = client.session.get(f"/inventory/managedObjects/{device}")
    assert found.status_code == 200
    assert found.json()["name"] == "c8ylp-device"
    assert client.session.delete(f"/inventory/managedObjects/{device}").status_code == 204
