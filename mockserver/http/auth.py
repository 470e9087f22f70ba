"""Authentication and role checks, as one ASGI middleware placed right after routing.

Why not Connexion's security handlers: they are wired through ``x-basicInfoFunc`` /
``x-bearerInfoFunc`` in the spec, and the specs are shared with vendors. This middleware runs
after Connexion's routing (so the operationId is known) and before request validation, in
place of Connexion's SecurityMiddleware:

* operations listed as public (the mock's ``/_mock/*`` hooks) and unknown routes pass through
  (unknown routes then answer 404);
* ``Authorization: Basic base64(tenant/user:password)`` or ``base64(user:password)``,
  ``Authorization: Bearer <token>`` (a configured token or an access token of the OAuth internal
  login), or the ``authorization`` cookie of that login together with ``X-XSRF-TOKEN`` must name
  a configured user, else 401 with ``WWW-Authenticate: Basic realm="Cumulocity"`` (``XBasic``
  when ``UseXBasic: true`` was sent); the header decides when both are sent
  (:func:`request_user`, shared with the fast path);
* the user needs ANY of the roles the operation lists, else 403.

Required roles are declared beside the handlers: each handler class has a ``required_roles``
mapping ``operationId -> roles`` (any of them suffices; an empty tuple means "any
authenticated user") and may list ``public_operations``. An operation without an entry
requires authentication only. The authenticated :class:`~mockserver.users.User` is put in
the Connexion context as ``user`` (a handler declaring ``user`` receives it), and its tenant is
the one whose stores the request reaches (:func:`mockserver.tenancy.acting_for`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.errors import Forbidden, Unauthorized
from mockserver.tenancy import acting_for
from mockserver.users import User, UserDirectory

ROUTING_CONTEXT = "connexion_routing"


@dataclass
class AccessPolicy:
    """Which roles each operation needs, and which operations need no credentials."""

    required_roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    public_operations: set[str] = field(default_factory=set)

    @classmethod
    def from_handlers(cls, handlers: Iterable[object]) -> AccessPolicy:
        policy = cls()
        for handler in handlers:
            roles: Mapping[str, Iterable[str]] = getattr(handler, "required_roles", {})
            policy.required_roles.update({op: tuple(r) for op, r in roles.items()})
            policy.public_operations.update(getattr(handler, "public_operations", ()))
        return policy


def credentials_user(authorization: str | None, users: UserDirectory) -> User:
    """The user an ``Authorization`` header names, or :class:`Unauthorized` saying why not."""
    if not authorization:
        raise Unauthorized("Authentication is required: send Basic credentials or a Bearer token.")
    scheme, _, value = authorization.strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise Unauthorized("The Basic credentials are not valid base64 of 'user:password'.") from None
        login, sep, password = decoded.partition(":")
        if not sep:
            raise Unauthorized(
                "The Basic credentials must have the form 'tenant/user:password' or 'user:password'."
            )
        user = users.authenticate(login, password)
        if user is None:
            raise Unauthorized(f"Invalid credentials for user {login!r}.")
        return user
    if scheme == "bearer":
        user = users.authenticate_token(value)
        if user is None:
            return users.session_user(value, xsrf=None)
        return user
    raise Unauthorized(f"The authorization scheme {scheme!r} is not supported; use Basic or Bearer.")


@dataclass(frozen=True)
class RequestCredentials:
    """What a request offers to prove who sent it: the first ``Authorization`` header, the
    ``authorization`` cookie and the ``X-XSRF-TOKEN`` header."""

    authorization: str | None = None
    cookie_token: str | None = None
    xsrf: str | None = None

    @classmethod
    def from_headers(cls, headers: Iterable[tuple[bytes, bytes]]) -> RequestCredentials:
        authorization = cookie = xsrf = None
        for name, value in headers:
            if name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
            elif name == b"cookie" and cookie is None:
                cookie = cookie_value(value.decode("latin-1"), "authorization")
            elif name == b"x-xsrf-token" and xsrf is None:
                xsrf = value.decode("latin-1").strip()
        return cls(authorization, cookie, xsrf)


def cookie_value(header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a ``Cookie`` header, or None (also for an unreadable one)."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel is not None and morsel.value else None


def request_user(credentials: RequestCredentials, users: UserDirectory) -> User:
    """The user a request's credentials name (see the module docstring), else Unauthorized."""
    if credentials.authorization or not credentials.cookie_token:
        return credentials_user(credentials.authorization, users)
    if not credentials.xsrf:
        raise Unauthorized(
            "The authorization cookie is accepted only with the header X-XSRF-TOKEN carrying the "
            "value of the XSRF-TOKEN cookie of the same login."
        )
    return users.session_user(credentials.cookie_token, xsrf=credentials.xsrf)


def forbid(user: User, operation_id: str, roles: tuple[str, ...]) -> Forbidden:
    """The refusal of ``operation_id`` to ``user``, who has none of ``roles``."""
    return Forbidden(
        f"User {user.tenant}/{user.username} may not call {operation_id}: "
        f"it needs one of the roles {', '.join(roles)}."
    )


class AuthMiddleware:
    """ASGI middleware enforcing :class:`AccessPolicy` (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, users: UserDirectory, policy: AccessPolicy) -> None:
        self.app = app
        self.users = users
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            extensions = scope.setdefault("extensions", {})
            operation_id = extensions.get(ROUTING_CONTEXT, {}).get("operation_id")
            if operation_id is not None and operation_id not in self.policy.public_operations:
                user = request_user(RequestCredentials.from_headers(scope["headers"]), self.users)
                roles = self.policy.required_roles.get(operation_id, ())
                if roles and not user.has_any_role(roles):
                    raise forbid(user, operation_id, roles)
                extensions.setdefault("connexion_context", {})["user"] = user
                with acting_for(user.tenant):
                    await self.app(scope, receive, send)
                return
        await self.app(scope, receive, send)
