"""Broken login and tenant variants of the mock, each breaking one rule of spec/tenant.yaml,
as the spec states it (not as the code happens to check it), in the test process only."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from harness_faults import Exchange, Fault

from mockserver.sessions import LoginSessions
from mockserver.state import MockState, World
from mockserver.tenancy import DEFAULT_TENANT


def only_basic_offered(ex: Exchange) -> None:
    if ex.path == "/tenant/loginOptions" and isinstance(ex.answer, dict):
        ex.answer["loginOptions"] = [o for o in ex.answer["loginOptions"] if o["type"] == "BASIC"]


def init_request_without_tenant(ex: Exchange) -> None:
    if ex.path == "/tenant/loginOptions" and isinstance(ex.answer, dict):
        for option in ex.answer["loginOptions"]:
            if "initRequest" in option:
                option["initRequest"] = option["initRequest"].split("?")[0]


def management_dropped(ex: Exchange) -> None:
    """A mock that ignores ``management`` and so accepts it beside ``tenantId``."""
    if ex.path == "/tenant/loginOptions" and ex.param("management") is not None:
        ex.drop("management")


def no_xsrf_cookie(ex: Exchange) -> None:
    if ex.path == "/tenant/oauth" and ex.answer_headers is not None:
        ex.answer_headers = [
            (k, v) for k, v in ex.answer_headers if not (k.lower() == b"set-cookie" and v.startswith(b"XSRF"))
        ]


def cookie_ignored_by_the_measurement_api(ex: Exchange) -> None:
    if ex.path.startswith("/measurement"):
        ex.headers.pop("cookie", None)


def any_password_logs_in(ex: Exchange) -> None:
    if ex.path == "/tenant/oauth":
        form = dict(parse_qsl(ex.body.decode()))
        if form.get("username") == "admin":
            ex.body = urlencode({**form, "password": "admin"}).encode()


def roles_as_strings(ex: Exchange) -> None:
    if ex.path == "/user/currentUser" and isinstance(ex.answer, dict):
        ex.answer["effectiveRoles"] = [r["id"] for r in ex.answer["effectiveRoles"]]


def any_xsrf_value_accepted(monkeypatch: Any) -> None:
    original = LoginSessions.login_of

    def login_of(self: LoginSessions, token: str, *, xsrf: str | None) -> tuple[str, str]:
        return original(self, token, xsrf=None)

    monkeypatch.setattr(LoginSessions, "login_of", login_of)


def logout_keeps_the_token(monkeypatch: Any) -> None:
    monkeypatch.setattr(LoginSessions, "close", lambda self, token: False)


def one_world_for_every_tenant(monkeypatch: Any) -> None:
    original = MockState.world

    def world(self: MockState, tenant: str | None = None) -> World:
        return original(self, DEFAULT_TENANT)

    monkeypatch.setattr(MockState, "world", world)


def one_dtm_for_every_tenant(monkeypatch: Any) -> None:
    monkeypatch.setattr(MockState, "dtm", property(lambda self: self.world(DEFAULT_TENANT).dtm))


LOGIN_FAULTS = [
    Fault("loginOptions without OAUTH2_INTERNAL", "LOGIN-1", "LoginOptionMissing", after=only_basic_offered),
    Fault("initRequest without tenant_id", "LOGIN-1", "WrongInitRequest", after=init_request_without_tenant),
    Fault(
        "management beside tenantId accepted",
        "LOGIN-1",
        "ManagementWithTenantIdAccepted",
        before=management_dropped,
    ),
    Fault("oauth login sets no XSRF-TOKEN", "LOGIN-2", "LoginCookiesMissing", after=no_xsrf_cookie),
    Fault("oauth login accepts any password", "LOGIN-2", "WrongStatus", before=any_password_logs_in),
    Fault(
        "measurement API ignores the cookie",
        "LOGIN-3",
        "CookieLoginRefused",
        before=cookie_ignored_by_the_measurement_api,
    ),
    Fault(
        "cookie with any X-XSRF-TOKEN", "LOGIN-4", "CookieWithoutXsrfAccepted", patch=any_xsrf_value_accepted
    ),
    Fault("currentUser roles as plain strings", "LOGIN-5", "WrongCurrentUser", after=roles_as_strings),
    Fault(
        "logout keeps the token working", "LOGIN-6", "LoggedOutTokenAccepted", patch=logout_keeps_the_token
    ),
    Fault(
        "tenants share one inventory", "TENANT-1", "ForeignObjectVisible", patch=one_world_for_every_tenant
    ),
    Fault(
        "tenants share their measurements",
        "TENANT-2",
        "ForeignDataListed|ForeignObjectVisible|ForeignSourceAccepted",
        patch=one_world_for_every_tenant,
    ),
    Fault(
        "tenants share their asset models", "TENANT-3", "ForeignObjectVisible", patch=one_dtm_for_every_tenant
    ),
]
