"""What a generated mock checks before Connexion sees a request, and the ``Allow`` of a 405.

* A request that carries a body but no ``Content-Type`` to an operation that takes a body gets
  415 naming the media types the spec offers (Connexion would otherwise read it as absent, or
  fail on a multipart body without a boundary).
* :func:`allowed_methods` lists the methods the spec documents for a path, for the ``Allow``
  header of a 405 (Starlette's own lists only one route's methods).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.errors import UnsupportedMediaType
from mockserver.generic.security import METHODS

ROUTING_CONTEXT = "connexion_routing"


def _template(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?")


class SpecRoutes:
    """The spec's paths and request bodies, for lookups by request path and operationId."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.methods: list[tuple[re.Pattern[str], tuple[str, ...]]] = []
        self.bodies: dict[str, tuple[str, ...]] = {}
        for path, item in (document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            ops = {m: item[m] for m in METHODS if isinstance(item.get(m), dict)}
            self.methods.append((_template(path), tuple(m.upper() for m in ops)))
            for op in ops.values():
                content = (op.get("requestBody") or {}).get("content") or {}
                if "operationId" in op and content:
                    self.bodies[str(op["operationId"])] = tuple(content)

    def allowed_methods(self, path: str) -> tuple[str, ...]:
        """The methods documented for the first spec path matching ``path`` (HEAD with GET)."""
        for pattern, methods in self.methods:
            if pattern.fullmatch(path):
                return (*methods, "HEAD") if "GET" in methods and "HEAD" not in methods else methods
        return ()


class ContentTypeGuardMiddleware:
    """415 for a body without ``Content-Type`` (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, routes: SpecRoutes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            routing = scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
            offered = self.routes.bodies.get(routing.get("operation_id") or "")
            if offered:
                headers = {k.lower(): v for k, v in scope["headers"]}
                has_body = headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
                if has_body and not headers.get(b"content-type"):
                    raise UnsupportedMediaType(
                        f"The request has a body but no Content-Type; send one of {', '.join(offered)}."
                    )
        await self.app(scope, receive, send)
