"""The login and tenant requirements, rows of the registry in :mod:`contracts.requirements`.

The rules are written in ``spec/tenant.yaml`` (its description states the authentication rules
for every API of the server, and the tenant isolation rule).
"""

from __future__ import annotations

_T = "tenant.yaml"

ROWS: list[tuple[str, str, str, str, str]] = [
    (
        "LOGIN-1",
        "login",
        "GET /tenant/loginOptions needs no credentials and lists BASIC and OAUTH2_INTERNAL; the "
        "OAUTH2_INTERNAL option's initRequest is the absolute URL of /tenant/oauth?tenant_id=<tenant>; "
        "management together with tenantId is a 400.",
        _T,
        "/paths/~1tenant~1loginOptions/get",
    ),
    (
        "LOGIN-2",
        "login",
        "POST /tenant/oauth with the form grant_type=PASSWORD, username, password answers 200 and sets "
        "the cookies authorization (a JWT) and XSRF-TOKEN; a wrong password answers 401 and sets no "
        "authorization cookie.",
        _T,
        "/paths/~1tenant~1oauth/post",
    ),
    (
        "LOGIN-3",
        "login",
        "The authorization cookie with X-XSRF-TOKEN authenticates on every API (inventory, measurement, "
        "current tenant, current user), reads and writes alike; the token is also accepted as a bearer "
        "token.",
        _T,
        "/info/description",
    ),
    (
        "LOGIN-4",
        "login",
        "The authorization cookie without X-XSRF-TOKEN, or with another value in it, answers 401 "
        "security/Unauthorized.",
        _T,
        "/info/description",
    ),
    (
        "LOGIN-5",
        "login",
        "GET /user/currentUser answers the user the credentials name (userName without the tenant) with "
        "effectiveRoles as {id, name, self}; the read-only user (--readonly-user) has no admin role.",
        _T,
        "/paths/~1user~1currentUser/get",
    ),
    (
        "LOGIN-6",
        "login",
        "After POST /user/logout the access token answers 401, as cookie and as bearer token; another "
        "login of the same user keeps working.",
        _T,
        "/paths/~1user~1logout/post",
    ),
    (
        "TENANT-1",
        "tenants",
        "Another tenant's managed object answers 404 to a read, an update and a delete, and is in no "
        "list of the caller's; the other tenant still reads it unchanged (needs --other-tenant).",
        _T,
        "/info/description",
    ),
    (
        "TENANT-2",
        "tenants",
        "Another tenant's measurements are in no list of the caller's and never answered by id; a "
        "measurement naming the other tenant's device as source is refused (needs --other-tenant).",
        _T,
        "/info/description",
    ),
    (
        "TENANT-3",
        "tenants",
        "Another tenant's alarm and asset model answer 404 and are in no list of the caller's; the "
        "other tenant still reads them (needs --other-tenant).",
        _T,
        "/info/description",
    ),
]

SUITES = {"login": "tenant", "tenants": "tenant"}
