"""A generated mock's authentication: the spec's own security requirements, as ASGI middleware.

Placed right after Connexion's routing (the operationId is known) and before request
validation, like :mod:`mockserver.http.auth` for the hand-written mock. What counts as
satisfied is :func:`mockserver.generic.security.check`. Connexion's own security handlers are
not used: :func:`without_security` removes the requirements from the copy of the spec given to
Connexion, so its handlers (which need ``x-*InfoFunc`` entries in the spec) never run.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.generic.security import METHODS, Accepted, Requirement, check, requirements

ROUTING_CONTEXT = "connexion_routing"


def without_security(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with no security requirements (the schemes stay, for the docs)."""
    copied = copy.deepcopy(dict(document))
    copied.pop("security", None)
    for item in (copied.get("paths") or {}).values():
        for method in METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                item[method].pop("security", None)
    return copied


def _cookies(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


class SpecSecurityMiddleware:
    """Answers 401 (raised as :class:`~mockserver.errors.Unauthorized`) to requests lacking credentials."""

    def __init__(
        self, app: ASGIApp, *, document: Mapping[str, Any], accepted: Accepted | None = None
    ) -> None:
        self.app = app
        self.required: dict[str, tuple[Requirement, ...]] = requirements(document)
        self.accepted = accepted or Accepted()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            routing = scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
            alternatives = self.required.get(routing.get("operation_id") or "", ())
            if alternatives:
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
                query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
                check(
                    alternatives,
                    headers=headers,
                    query=query,
                    cookies=_cookies(headers.get("cookie", "")),
                    accepted=self.accepted,
                )
        await self.app(scope, receive, send)
