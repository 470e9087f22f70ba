"""Handlers of spec/tenant.yaml: login options, the OAuth internal login, the current user, logout."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from starlette.responses import Response

from mockserver.errors import BadRequest, Unauthorized
from mockserver.http.auth import RequestCredentials
from mockserver.http.media import current_request, json_response, vendor
from mockserver.state import MockState
from mockserver.users import DEFAULT_TENANT, User

LOGIN_OPTIONS = vendor("loginoptioncollection")
CURRENT_USER = vendor("currentuser")
COOKIE_PATH = "Path=/; SameSite=Lax"


def login_options(base_url: str, tenant: str) -> dict[str, Any]:
    """The tenant's login options as the platform lists them: BASIC, then OAUTH2_INTERNAL.

    The fields are those of the platform's ``LoginOption`` (Cumulocity OpenAPI, Tenant API >
    Login options: ``authenticationRestrictions`` for BASIC only, ``enforceStrength``,
    ``strengthValidity``, ``greenMinLength``, ``loginRedirectDomain``, ``grantType`` and
    ``initRequest`` for the OAuth login); the mock enforces no password strength and restricts
    no client, and its users have no two-factor authentication, so ``tfaStrategy`` is absent.
    """
    collection = f"{base_url}/tenant/loginOptions"
    common = {
        "userManagementSource": "INTERNAL",
        "visibleOnLoginPage": True,
        "enforceStrength": False,
        "strengthValidity": False,
        "greenMinLength": 8,
        "loginRedirectDomain": urlsplit(base_url).netloc,
    }
    return {
        "loginOptions": [
            {
                "id": "basic",
                "type": "BASIC",
                **common,
                "authenticationRestrictions": {"forbiddenClients": [], "trustedUserAgents": []},
                "self": f"{collection}/basic",
            },
            {
                "id": "oauth2_internal",
                "type": "OAUTH2_INTERNAL",
                "grantType": "PASSWORD",
                "initRequest": f"{base_url}/tenant/oauth?tenant_id={tenant}",
                **common,
                "self": f"{collection}/oauth2_internal",
            },
        ],
        "self": collection,
    }


def current_user(base_url: str, user: User) -> dict[str, Any]:
    """``GET /user/currentUser``: the user with every role once, as ``{id, name, self}``."""
    return {
        "id": user.username,
        "userName": user.username,
        "self": f"{base_url}/user/currentUser",
        "shouldResetPassword": False,
        "effectiveRoles": [
            {"id": role, "name": role, "self": f"{base_url}/user/roles/{role}"} for role in sorted(user.roles)
        ],
    }


class LoginHandlers:
    """Login and the current user over the app's :class:`~mockserver.users.UserDirectory`."""

    public_operations: ClassVar[frozenset[str]] = frozenset(
        {"getLoginOptionCollectionResource", "postTenantOauthResource"}
    )
    required_roles: ClassVar[dict[str, tuple[str, ...]]] = {
        "getCurrentUserResource": (),
        "postUserLogoutResource": (),
    }

    def __init__(self, state: MockState) -> None:
        self.users = state.users

    async def get_login_option_collection_resource(
        self, tenant_id: str | None = None, management: bool | None = None
    ) -> Response:
        request = current_request()
        if management is not None and tenant_id is not None:
            # The platform's Tenant API: tenantId must not be sent with management (a 400).
            raise BadRequest("The parameters management and tenantId exclude each other.", resource="tenant")
        body = login_options(request.base_url, tenant_id or DEFAULT_TENANT)
        return json_response(body, media_type=request.answer_type(LOGIN_OPTIONS))

    async def post_tenant_oauth_resource(self, body: Any = None, tenant_id: str | None = None) -> Response:
        form = body if isinstance(body, dict) else {}
        tenant = tenant_id or DEFAULT_TENANT
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        user = self.users.find(tenant, username)
        if user is None or user.password != password:
            raise Unauthorized(f"Invalid credentials for user {username!r} of tenant {tenant!r}.")
        session = self.users.sessions.open(user.tenant, user.username)
        response = Response(b"", status_code=200, media_type="text/plain")
        response.headers.append(
            "set-cookie", f"authorization={session.token}; {COOKIE_PATH}; Max-Age=86400; HttpOnly"
        )
        response.headers.append("set-cookie", f"XSRF-TOKEN={session.xsrf}; {COOKIE_PATH}; Max-Age=86400")
        return response

    async def get_current_user_resource(self, user: User) -> Response:
        request = current_request()
        return json_response(
            current_user(request.base_url, user), media_type=request.answer_type(CURRENT_USER)
        )

    async def post_user_logout_resource(self) -> Response:
        credentials = RequestCredentials.from_headers(current_request().headers)
        header = credentials.authorization or ""
        scheme, _, value = header.strip().partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else None if header else credentials.cookie_token
        if token:
            self.users.sessions.close(token)
        response = Response(b"", status_code=200, media_type="text/plain")
        response.headers.append("set-cookie", f"authorization=; {COOKIE_PATH}; Max-Age=0; HttpOnly")
        response.headers.append("set-cookie", f"XSRF-TOKEN=; {COOKIE_PATH}; Max-Age=0")
        return response
