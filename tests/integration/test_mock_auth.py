"""Authentication and roles of the mock (platform-rules.md, "Serving, auth, errors")."""

from __future__ import annotations

import pytest
from mock_http import ADMIN, Mock, assert_error, basic, measurement


def test_missing_credentials_answer_401_with_a_basic_challenge(mock: Mock) -> None:
    response = mock.client.get("/measurement/measurements")
    assert_error(response, 401, "security/Unauthorized", "Authentication is required")
    assert response.headers["www-authenticate"] == 'Basic realm="Cumulocity"'


def test_use_x_basic_header_turns_the_challenge_into_xbasic(mock: Mock) -> None:
    response = mock.client.get("/measurement/measurements", headers={"UseXBasic": "true"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'XBasic realm="Cumulocity"'


@pytest.mark.parametrize(
    "headers",
    [
        basic("t100/admin", "wrong"),
        basic("t999/admin", "admin"),
        basic("ghost", "admin"),
        {"Authorization": "Basic !!!notbase64"},
        {"Authorization": "Bearer unknown-token"},
        {"Authorization": "Digest abc"},
        basic("t100admin", "admin") | {"Authorization": "Basic " + "dXNlcm5vY29sb24="},  # "usernocolon"
    ],
    ids=[
        "wrong-password",
        "wrong-tenant",
        "unknown-user",
        "bad-base64",
        "unknown-token",
        "digest",
        "no-colon",
    ],
)
def test_wrong_credentials_answer_401_in_cumulocity_shape(mock: Mock, headers: dict[str, str]) -> None:
    response = mock.client.get("/measurement/measurements", headers=headers)
    assert_error(response, 401, "security/Unauthorized")
    assert response.headers["www-authenticate"] == 'Basic realm="Cumulocity"'


@pytest.mark.parametrize(
    "headers",
    [basic("t100/admin", "admin"), basic("admin", "admin"), {"Authorization": "Bearer token-admin"}],
    ids=["tenant-slash-user", "bare-user", "bearer"],
)
def test_every_credential_form_is_accepted(mock: Mock, headers: dict[str, str]) -> None:
    assert mock.client.get("/measurement/measurements", headers=headers).status_code == 200


def test_a_bare_username_finds_a_user_of_another_tenant(mock: Mock) -> None:
    response = mock.client.get("/tenant/currentTenant", headers=basic("other", "pw2"))
    assert response.status_code == 200
    assert response.json()["name"] == "t200"


# (method, path builder, user allowed, user refused); the path gets an existing id where needed.
ROLE_MATRIX = [
    ("GET", "/measurement/measurements", "mreader", "ireader"),
    ("GET", "/measurement", "mreader", "madmin"),
    ("GET", "/measurement/measurements/{mid}", "mreader", "madmin"),
    (
        "GET",
        "/measurement/measurements/series?source={mo}&dateFrom=2020-01-01&dateTo=2030-01-01",
        "mreader",
        "iadmin",
    ),
    ("POST", "/measurement/measurements", "madmin", "mreader"),
    ("DELETE", "/measurement/measurements?source={mo}", "madmin", "mreader"),
    ("DELETE", "/measurement/measurements/{mid}", "madmin", "mreader"),
    ("GET", "/inventory/managedObjects", "ireader", "mreader"),
    ("GET", "/inventory/managedObjects/{mo}", "ireader", "icreator"),
    ("POST", "/inventory/managedObjects", "icreator", "ireader"),
    ("POST", "/inventory/managedObjects", "iadmin", "madmin"),
    ("PUT", "/inventory/managedObjects/{mo}", "iadmin", "icreator"),
    ("DELETE", "/inventory/managedObjects/{mo}", "iadmin", "ireader"),
]


@pytest.mark.parametrize(("method", "path", "allowed", "refused"), ROLE_MATRIX, ids=lambda v: str(v))
def test_roles_decide_between_success_and_403(
    mock: Mock, method: str, path: str, allowed: str, refused: str
) -> None:
    mo = mock.device()
    mid = mock.json_post("/measurement/measurements", measurement(mo)).json()["id"]
    url = path.format(mo=mo, mid=mid)
    body = measurement(mo) if url.startswith("/measurement") else {"name": "x"}
    kwargs = {"json": body} if method in ("POST", "PUT") else {}

    refused_answer = mock.client.request(method, url, headers=basic(refused, "pw"), **kwargs)
    body_403 = assert_error(refused_answer, 403, "security/Forbidden", f"t100/{refused}")
    assert "ROLE_" in body_403["message"]

    allowed_answer = mock.client.request(method, url, headers=basic(allowed, "pw"), **kwargs)
    assert allowed_answer.status_code in (200, 201, 204), allowed_answer.text


def test_current_tenant_needs_no_role(mock: Mock) -> None:
    response = mock.client.get("/tenant/currentTenant", headers=basic("nobody", "pw"))
    assert response.status_code == 200
    assert (
        mock.client.get("/tenant/currentTenant", headers={"Authorization": "Bearer token-nobody"}).status_code
        == 200
    )


def test_a_user_without_roles_is_refused_everywhere_else(mock: Mock) -> None:
    assert_error(
        mock.client.get("/inventory/managedObjects", headers=basic("nobody", "pw")), 403, "security/Forbidden"
    )


def test_admin_hooks_need_no_credentials(mock: Mock) -> None:
    assert mock.client.post("/_mock/reset").status_code == 200
    assert mock.client.get("/_mock/state").status_code == 200


def test_unknown_paths_answer_404_even_without_credentials(mock: Mock) -> None:
    assert_error(mock.client.get("/nowhere"), 404, "undefined/Not Found", "/nowhere")


def test_the_creating_user_owns_the_managed_object(mock: Mock) -> None:
    response = mock.client.post(
        "/inventory/managedObjects", json={"name": "x"}, headers=basic("icreator", "pw")
    )
    assert response.json()["owner"] == "icreator"
    assert (
        mock.client.get(f"/inventory/managedObjects/{response.json()['id']}", auth=ADMIN).json()["owner"]
        == "icreator"
    )
