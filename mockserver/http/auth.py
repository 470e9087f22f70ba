"""Authentication and role checks, as one ASGI middleware placed right after routing.

Why not Connexion's security handlers: they are wired through ``x-basicInfoFunc`` /
``x-bearerInfoFunc`` in the spec, and the specs are shared with vendors. This middleware runs
after Connexion's routing (so the operationId is known) and before request validation, in
place of Connexion's SecurityMiddleware:

* operations listed as public (the mock's ``/_mock/*`` hooks) and unknown routes pass through
  (unknown routes then answer 404);
* ``Authorization: Basic base64(tenant/user:password)`` or ``base64(user:password)``, or
  ``Authorization: Bearer <token>`` must name a configured user, else 401 with
  ``WWW-Authenticate: Basic realm="Cumulocity"`` (``XBasic`` when ``UseXBasic: true`` was sent);
* the user needs ANY of the roles the operation lists, else 403.

Required roles are declared beside the handlers: each handler class has a ``required_roles``
mapping ``operationId -> roles`` (any of them suffices; an empty tuple means "any
authenticated user") and may list ``public_operations``. An operation without an entry
requires authentication only. The authenticated :class:`~mockserver.users.User` is put in
the Connexion context as ``user`` (a handler declaring ``user`` receives it).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.errors import Forbidden, Unauthorized
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
            raise Unauthorized("The Bearer token is not known to this server.")
        return user
    raise Unauthorized(f"The authorization scheme {scheme!r} is not supported; use Basic or Bearer.")


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
                authorization = None
                for name, value in scope["headers"]:
                    if name == b"authorization":
                        authorization = value.decode("latin-1")
                        break
                user = credentials_user(authorization, self.users)
                roles = self.policy.required_roles.get(operation_id, ())
                if roles and not user.has_any_role(roles):
                    raise forbid(user, operation_id, roles)
                extensions.setdefault("connexion_context", {})["user"] = user
        await self.app(scope, receive, send)
