"""Login the browser way (``spec/tenant.yaml``): login options, the OAuth internal login and its
cookies, cookie + ``X-XSRF-TOKEN`` authentication on every API, the current user and logout.

Every session the suite opens is its own (a fresh login of the run's user) and is logged out at
the end of the check that opened it; the harness's own credentials are never touched.
"""

from __future__ import annotations

import base64
import json
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from contracts import answers
from contracts.answers import judge
from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure, NotRun
from contracts.suites.access import reader
from contracts.suites.common import MEAS, MO

OPTIONS = "/tenant/loginOptions"
OAUTH = "/tenant/oauth"
CURRENT_USER = "/user/currentUser"
LOGOUT = "/user/logout"
FORM = "application/x-www-form-urlencoded"


def tenant_of(ctx: RunContext) -> str:
    """The run's tenant: ``--tenant``, else the name ``GET /tenant/currentTenant`` answers."""
    given = ctx.credentials_args.get("tenant")
    if given:
        return str(given)
    response = ctx.client.get("/tenant/currentTenant")
    body = response.json()
    if response.status != 200 or not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise ContractFailure(
            "CurrentTenantUnknown",
            "GET /tenant/currentTenant: 200 with name",
            repr(response),
            request=response.request,
        )
    return str(body["name"])


def set_cookies(response: Response) -> dict[str, str]:
    """The cookies a response sets (name -> value; an expiring cookie has an empty value)."""
    jar: SimpleCookie = SimpleCookie()
    for header in response.raw.headers.get_list("set-cookie"):
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def is_jwt(token: str) -> bool:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return False
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except ValueError:
        return False
    return isinstance(header, dict) and "alg" in header


def post_login(ctx: RunContext, user: str, password: str, tenant: str) -> Response:
    form = f"grant_type=PASSWORD&username={user}&password={password}".encode()
    response = ctx.client.request(
        "POST", OAUTH, params={"tenant_id": tenant}, content=form, headers={"Content-Type": FORM}, auth=False
    )
    ctx.client.forget_cookies()  # the harness's other requests go on with its own credentials only
    return response


def run_user(ctx: RunContext) -> tuple[str, str]:
    creds = ctx.client.credentials
    if creds.token or not creds.user:
        raise NotRun("not applicable: the harness was given a bearer token; the OAuth login needs a password")
    return creds.user.rpartition("/")[2], creds.password or ""


def login(ctx: RunContext) -> tuple[str, str]:
    """A fresh session of the run's user: (access token, XSRF value), the cookies checked."""
    user, password = run_user(ctx)
    response = post_login(ctx, user, password, tenant_of(ctx))
    judge(response, answers.Expected(200), f"POST {OAUTH} with the run's credentials")
    cookies = set_cookies(response)
    token, xsrf = cookies.get("authorization", ""), cookies.get("XSRF-TOKEN", "")
    if not is_jwt(token) or not xsrf:
        raise ContractFailure(
            "LoginCookiesMissing",
            f"POST {OAUTH}: Set-Cookie authorization=<JWT> and XSRF-TOKEN=<value>",
            f"cookies {sorted(cookies)}; authorization {token[:40]!r}",
            request=response.request,
        )
    return token, xsrf


def with_cookie(ctx: RunContext, method: str, path: str, token: str, xsrf: str | None, **kw: Any) -> Response:
    headers = {"Cookie": f"authorization={token}", **({"X-XSRF-TOKEN": xsrf} if xsrf is not None else {})}
    return ctx.client.request(method, path, auth=False, headers=headers, **kw)


def logout(ctx: RunContext, token: str, xsrf: str) -> Response:
    response = with_cookie(ctx, "POST", LOGOUT, token, xsrf, content=b"")
    ctx.client.forget_cookies()
    return response


def expect_ok(response: Response, what: str, title: str, statuses: tuple[int, ...] = (200,)) -> None:
    if response.status not in statuses:
        raise ContractFailure(
            title, f"{what}: {' or '.join(map(str, statuses))}", repr(response), request=response.request
        )


@check("LOGIN-1")
def login_options_offer_basic_and_the_oauth_internal_login(ctx: RunContext) -> None:
    tenant = tenant_of(ctx)
    response = ctx.client.get(OPTIONS, params={"tenantId": tenant}, auth=False)
    expect_ok(response, f"GET {OPTIONS} without credentials", "LoginOptionsRefused")
    body = response.json()
    options = body.get("loginOptions") if isinstance(body, dict) else None
    types = [o.get("type") for o in options or [] if isinstance(o, dict)]
    if "BASIC" not in types or "OAUTH2_INTERNAL" not in types:
        raise ContractFailure(
            "LoginOptionMissing",
            f"GET {OPTIONS}: loginOptions with BASIC and OAUTH2_INTERNAL",
            f"types {types}",
            request=response.request,
        )
    oauth = next(o for o in options or [] if isinstance(o, dict) and o.get("type") == "OAUTH2_INTERNAL")
    init = str(oauth.get("initRequest", ""))
    parts = urlsplit(init)
    if not parts.scheme or parts.path != OAUTH or parse_qs(parts.query).get("tenant_id") != [tenant]:
        raise ContractFailure(
            "WrongInitRequest",
            f"initRequest <absolute URL>{OAUTH}?tenant_id={tenant}",
            repr(init),
            request=response.request,
        )
    both = ctx.client.get(OPTIONS, params={"tenantId": tenant, "management": "true"}, auth=False)
    if both.status != 400:
        raise ContractFailure(
            "ManagementWithTenantIdAccepted",
            f"GET {OPTIONS}?management=true&tenantId={tenant}: 400 (the two exclude each other)",
            f"HTTP {both.status}",
            request=both.request,
        )


@check("LOGIN-2")
def the_oauth_login_sets_the_cookies_and_refuses_a_wrong_password(ctx: RunContext) -> None:
    token, xsrf = login(ctx)
    try:
        user, password = run_user(ctx)
        wrong = post_login(ctx, user, password + "-wrong", tenant_of(ctx))
        judge(wrong, answers.error("security", 401), f"POST {OAUTH} with a wrong password")
        if set_cookies(wrong).get("authorization"):
            raise ContractFailure(
                "CookieSetForWrongPassword",
                f"POST {OAUTH} with a wrong password: no authorization cookie",
                "an authorization cookie",
                request=wrong.request,
            )
    finally:
        logout(ctx, token, xsrf)


@check("LOGIN-3")
def the_cookie_with_its_xsrf_header_authenticates_on_every_api(ctx: RunContext) -> None:
    token, xsrf = login(ctx)
    try:
        for path in (MO, MEAS, "/tenant/currentTenant", CURRENT_USER):
            answer = with_cookie(ctx, "GET", path, token, xsrf, params={"pageSize": "1"})
            expect_ok(answer, f"GET {path} with the cookie and X-XSRF-TOKEN", "CookieLoginRefused")
        created = with_cookie(ctx, "POST", MO, token, xsrf, json_body={"name": f"{ctx.prefix}-cookie"})
        expect_ok(created, f"POST {MO} with the cookie and X-XSRF-TOKEN", "CookieLoginRefused", (201,))
        mo_id = str((created.json() or {}).get("id", ""))
        gone = with_cookie(ctx, "DELETE", f"{MO}/{mo_id}", token, xsrf)
        expect_ok(gone, f"DELETE {MO}/{mo_id} with the cookie", "CookieLoginRefused", (204,))
        bearer = ctx.client.request("GET", MO, auth=False, headers={"Authorization": f"Bearer {token}"})
        expect_ok(bearer, f"GET {MO} with the access token as bearer token", "BearerTokenRefused")
    finally:
        logout(ctx, token, xsrf)


@check("LOGIN-4")
def the_cookie_without_its_xsrf_header_is_refused(ctx: RunContext) -> None:
    token, xsrf = login(ctx)
    try:
        for sent, label in ((None, "without X-XSRF-TOKEN"), (xsrf + "x", "with another X-XSRF-TOKEN")):
            answer = with_cookie(ctx, "GET", MO, token, sent)
            if 200 <= answer.status < 300:
                raise ContractFailure(
                    "CookieWithoutXsrfAccepted",
                    f"GET {MO} with the cookie {label}: 401",
                    repr(answer),
                    request=answer.request,
                )
            judge(answer, answers.error("security", 401), f"GET {MO} with the cookie {label}")
    finally:
        logout(ctx, token, xsrf)


def roles_problem(body: Any, user: str) -> str | None:
    if not isinstance(body, dict) or body.get("userName") != user:
        return f"userName {body.get('userName') if isinstance(body, dict) else body!r}, expected {user!r}"
    roles = body.get("effectiveRoles")
    if not isinstance(roles, list) or not all(
        isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("id", "name", "self")) for r in roles
    ):
        return f"effectiveRoles {roles!r} is not a list of {{id, name, self}}"
    return None


@check("LOGIN-5")
def the_current_user_is_the_logged_in_user_with_its_roles(ctx: RunContext) -> None:
    user, _ = run_user(ctx)
    basic = ctx.client.get(CURRENT_USER)
    expect_ok(basic, f"GET {CURRENT_USER}", "CurrentUserRefused")
    problem = roles_problem(basic.json(), user)
    if problem:
        raise ContractFailure(
            "WrongCurrentUser", f"GET {CURRENT_USER} of {user}", problem, request=basic.request
        )
    token, xsrf = login(ctx)
    try:
        by_cookie = with_cookie(ctx, "GET", CURRENT_USER, token, xsrf)
        expect_ok(by_cookie, f"GET {CURRENT_USER} with the cookie", "CookieLoginRefused")
        if (by_cookie.json() or {}).get("userName") != user:
            raise ContractFailure(
                "WrongCurrentUser",
                f"GET {CURRENT_USER} with the cookie: userName {user!r}",
                repr(by_cookie),
                request=by_cookie.request,
            )
    finally:
        logout(ctx, token, xsrf)
    try:
        readonly = reader(ctx)
    except NotRun:
        return  # the read-only part needs --readonly-user; the rest of the rule was checked
    answer = readonly.get(CURRENT_USER)
    expect_ok(answer, f"GET {CURRENT_USER} as the read-only user", "CurrentUserRefused")
    name = str(ctx.credentials_args.get("readonly_user"))
    problem = roles_problem(answer.json(), name)
    admin = [r["id"] for r in (answer.json() or {}).get("effectiveRoles", []) if r["id"].endswith("_ADMIN")]
    if problem or admin:
        raise ContractFailure(
            "ReadOnlyUserHasAdminRole" if admin else "WrongCurrentUser",
            f"GET {CURRENT_USER} of {name}: read roles only",
            problem or f"admin roles {admin}",
            request=answer.request,
        )


@check("LOGIN-6")
def logout_ends_that_login_only(ctx: RunContext) -> None:
    first, first_xsrf = login(ctx)
    second, second_xsrf = login(ctx)
    try:
        expect_ok(logout(ctx, first, first_xsrf), f"POST {LOGOUT} with the cookie", "LogoutRefused")
        for answer, form in (
            (with_cookie(ctx, "GET", CURRENT_USER, first, first_xsrf), "cookie"),
            (
                ctx.client.request(
                    "GET", CURRENT_USER, auth=False, headers={"Authorization": f"Bearer {first}"}
                ),
                "bearer token",
            ),
        ):
            if answer.status != 401:
                raise ContractFailure(
                    "LoggedOutTokenAccepted",
                    f"GET {CURRENT_USER} with the logged-out {form}: 401",
                    repr(answer),
                    request=answer.request,
                )
        still = with_cookie(ctx, "GET", CURRENT_USER, second, second_xsrf)
        expect_ok(still, f"GET {CURRENT_USER} with another login of the same user", "OtherLoginEnded")
    finally:
        logout(ctx, second, second_xsrf)
