"""The browser way of logging in (spec/tenant.yaml): login options, the OAuth internal login and
its cookies, cookie + X-XSRF-TOKEN on every API, the current user and logout."""

from __future__ import annotations

import httpx
import jwt
import pytest
from mock_http import ADMIN, Mock, assert_error, basic

FORM = {"grant_type": "PASSWORD", "username": "admin", "password": "admin"}


def login(mock: Mock, form: dict[str, str] = FORM, tenant: str = "t100") -> tuple[str, str]:
    response = mock.client.post(f"/tenant/oauth?tenant_id={tenant}", data=form)
    assert response.status_code == 200, response.text
    token, xsrf = response.cookies["authorization"], response.cookies["XSRF-TOKEN"]
    mock.client.cookies.clear()  # each test sends the cookies it means to
    return token, xsrf


def cookie(token: str, xsrf: str | None = None) -> dict[str, str]:
    return {"Cookie": f"authorization={token}", **({"X-XSRF-TOKEN": xsrf} if xsrf is not None else {})}


def test_login_options_need_no_credentials_and_name_the_tenant_in_init_request(mock: Mock) -> None:
    body = mock.client.get("/tenant/loginOptions?tenantId=t200").json()
    assert [o["type"] for o in body["loginOptions"]] == ["BASIC", "OAUTH2_INTERNAL"]
    assert body["loginOptions"][1]["initRequest"] == "http://testserver/tenant/oauth?tenant_id=t200"
    assert mock.client.get("/tenant/loginOptions").json()["loginOptions"][1]["initRequest"].endswith("=t100")


def test_login_options_carry_the_platforms_fields_and_management_excludes_tenant_id(mock: Mock) -> None:
    basic_option, oauth = mock.client.get("/tenant/loginOptions?management=true").json()["loginOptions"]
    for option in (basic_option, oauth):
        assert option["enforceStrength"] is False
        assert option["strengthValidity"] is False
        assert option["greenMinLength"] == 8
        assert option["loginRedirectDomain"] == "testserver"
        assert "tfaStrategy" not in option
    assert basic_option["authenticationRestrictions"] == {"forbiddenClients": [], "trustedUserAgents": []}
    assert "authenticationRestrictions" not in oauth
    assert "grantType" not in basic_option
    assert oauth["grantType"] == "PASSWORD"
    refused = mock.client.get("/tenant/loginOptions?management=true&tenantId=t100")
    assert_error(refused, 400, "tenant/Bad Request")


def test_the_oauth_login_sets_a_jwt_cookie_and_its_xsrf_cookie(mock: Mock) -> None:
    response = mock.client.post("/tenant/oauth?tenant_id=t100", data=FORM)
    mock.client.cookies.clear()
    assert response.status_code == 200
    assert response.content == b""
    set_cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("authorization=") and "HttpOnly" in c and "Path=/" in c for c in set_cookies)
    assert any(c.startswith("XSRF-TOKEN=") and "HttpOnly" not in c for c in set_cookies)
    claims = jwt.decode(response.cookies["authorization"], options={"verify_signature": False})
    assert (claims["ten"], claims["sub"], claims["xsrfToken"]) == (
        "t100",
        "admin",
        response.cookies["XSRF-TOKEN"],
    )
    assert claims["exp"] - claims["iat"] == 24 * 3600


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("tenant_id=t100", {**FORM, "password": "wrong"}),
        ("tenant_id=t200", FORM),  # t200's admin has another password
        ("tenant_id=t999", FORM),
        ("tenant_id=t100", {**FORM, "username": "ghost"}),
    ],
    ids=["wrong-password", "other-tenants-password", "unknown-tenant", "unknown-user"],
)
def test_wrong_credentials_answer_401_and_set_no_cookie(mock: Mock, query: str, form: dict[str, str]) -> None:
    response = mock.client.post(f"/tenant/oauth?{query}", data=form)
    assert_error(response, 401, "security/Unauthorized", "Invalid credentials")
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "CODE", "username": "admin", "password": "admin"},
        {"grant_type": "PASSWORD", "username": "admin"},
    ],
    ids=["other-grant-type", "no-password"],
)
def test_a_form_that_is_not_the_login_form_answers_400(mock: Mock, form: dict[str, str]) -> None:
    assert mock.client.post("/tenant/oauth", data=form).status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/inventory/managedObjects", "/measurement/measurements", "/alarm/alarms", "/service/dtm/asset-models"],
)
def test_the_cookie_with_its_xsrf_header_authenticates_on_every_api(mock: Mock, path: str) -> None:
    token, xsrf = login(mock)
    assert mock.client.get(path, headers=cookie(token, xsrf)).status_code == 200
    assert mock.client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_write_with_the_cookie_is_owned_by_the_logged_in_user(mock: Mock) -> None:
    token, xsrf = login(mock)
    created = mock.client.post("/inventory/managedObjects", json={"name": "c"}, headers=cookie(token, xsrf))
    assert created.status_code == 201
    assert created.json()["owner"] == "admin"


@pytest.mark.parametrize("xsrf", [None, "", "not-the-value"], ids=["no-header", "empty", "other-value"])
def test_the_cookie_without_its_xsrf_value_answers_401(mock: Mock, xsrf: str | None) -> None:
    token, _ = login(mock)
    response = mock.client.get("/inventory/managedObjects", headers=cookie(token, xsrf))
    assert_error(response, 401, "security/Unauthorized", "X-XSRF-TOKEN")
    assert response.headers["www-authenticate"] == 'Basic realm="Cumulocity"'


def test_a_forged_token_answers_401(mock: Mock) -> None:
    forged = jwt.encode(
        {"sub": "admin", "ten": "t100", "jti": "x", "exp": 9999999999, "xsrfToken": "x"},
        "a guessed secret of 32 bytes or even more",
    )
    response = mock.client.get("/inventory/managedObjects", headers={"Authorization": f"Bearer {forged}"})
    assert_error(response, 401, "security/Unauthorized", "not one this server issued")


def test_the_authorization_header_decides_over_the_cookie(mock: Mock) -> None:
    token, xsrf = login(mock)
    response = mock.client.get(
        "/inventory/managedObjects", headers={**cookie(token, xsrf), **basic("admin", "x")}
    )
    assert response.status_code == 401


def test_current_user_lists_each_role_once(mock: Mock) -> None:
    body = mock.client.get("/user/currentUser", auth=("t100/mreader", "pw")).json()
    assert body["userName"] == body["id"] == "mreader"
    assert body["effectiveRoles"] == [
        {
            "id": "ROLE_MEASUREMENT_READ",
            "name": "ROLE_MEASUREMENT_READ",
            "self": "http://testserver/user/roles/ROLE_MEASUREMENT_READ",
        }
    ]
    assert mock.client.get("/user/currentUser", auth=("t100/nobody", "pw")).json()["effectiveRoles"] == []
    token, xsrf = login(mock)
    assert mock.client.get("/user/currentUser", headers=cookie(token, xsrf)).json()["userName"] == "admin"


def test_current_user_needs_credentials(mock: Mock) -> None:
    assert_error(mock.client.get("/user/currentUser"), 401, "security/Unauthorized")


def test_logout_ends_that_login_only(mock: Mock) -> None:
    first, first_xsrf = login(mock)
    second, second_xsrf = login(mock)
    response = mock.client.post("/user/logout", headers=cookie(first, first_xsrf))
    mock.client.cookies.clear()
    assert response.status_code == 200
    assert all("Max-Age=0" in c for c in response.headers.get_list("set-cookie"))
    for headers in (cookie(first, first_xsrf), {"Authorization": f"Bearer {first}"}):
        assert_error(
            mock.client.get("/user/currentUser", headers=headers), 401, "security/Unauthorized", "logged out"
        )
    assert mock.client.get("/user/currentUser", headers=cookie(second, second_xsrf)).status_code == 200


def test_logout_with_basic_credentials_answers_200(mock: Mock) -> None:
    assert mock.client.post("/user/logout", auth=ADMIN).status_code == 200


def test_reset_ends_every_login(mock: Mock) -> None:
    token, _ = login(mock)
    mock.client.post("/_mock/reset")
    assert (
        mock.client.get("/user/currentUser", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_the_cookie_is_accepted_by_a_cometd_handshake(mock: Mock) -> None:
    token, xsrf = login(mock)
    handshake = [
        {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
    ]
    response = mock.client.post("/notification/realtime", json=handshake, headers=cookie(token, xsrf))
    assert response.status_code == 200
    assert response.json()[0]["successful"] is True


def test_an_unreadable_cookie_header_is_no_credential(mock: Mock) -> None:
    response = mock.client.get("/inventory/managedObjects", headers={"Cookie": 'authorization="unterminated'})
    assert response.status_code == 401
    assert isinstance(httpx.Headers(response.headers).get("www-authenticate"), str)


def test_the_access_token_is_accepted_as_the_cometd_ext_token(mock: Mock) -> None:
    token, _ = login(mock)
    handshake = [
        {
            "channel": "/meta/handshake",
            "version": "1.0",
            "supportedConnectionTypes": ["long-polling"],
            "ext": {"com.cumulocity.authn": {"token": token}},
        }
    ]
    assert mock.client.post("/notification/realtime", json=handshake).json()[0]["successful"] is True
    mock.client.post("/user/logout", headers={"Authorization": f"Bearer {token}"})
    assert mock.client.post("/notification/realtime", json=handshake).json()[0]["successful"] is False
