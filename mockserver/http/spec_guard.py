"""What a generated mock checks before Connexion sees a request, and the ``Allow`` of a 405.

* A request that carries a body but no ``Content-Type`` to an operation that takes a body gets
  415 naming the media types the spec offers (Connexion would otherwise read it as absent, or
  fail on a multipart body without a boundary).
* A request to a path the spec also names with a query (openai's ``POST /responses?beta=true``
  beside ``POST /responses``) is routed to the operation of that query when it carries the
  query's parameters: Connexion routes by path alone (the generator puts such paths first in
  the served copy, so that a templated path does not take them). A newline in a path segment is
  percent-encoded again before routing (:class:`RoutablePathMiddleware`).
* :func:`allowed_methods` lists the methods the spec documents for a path, for the ``Allow``
  header of a 405 (Starlette's own lists only one route's methods).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

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
        # (pattern of the path before `?`, its methods, the query's pairs, the query as written)
        self.queried: list[tuple[re.Pattern[str], tuple[str, ...], set[tuple[str, str]], str]] = []
        for path, item in (document.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            ops = {m: item[m] for m in METHODS if isinstance(item.get(m), dict)}
            self.methods.append((_template(path), tuple(m.upper() for m in ops)))
            base, _, query = path.partition("?")
            if query and "#" not in query:
                pairs = set(parse_qsl(query, keep_blank_values=True))
                self.queried.append((_template(base), tuple(m.upper() for m in ops), pairs, query))
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

    def queried_path(self, method: str, path: str, query_string: bytes) -> str | None:
        """The spec path (with its query) a request names, when the spec writes one so."""
        if not self.queried:
            return None
        sent = set(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
        for pattern, methods, pairs, query in self.queried:
            if method in methods and pairs <= sent and pattern.fullmatch(path):
                return f"{path}?{query}"
        return None


class RoutablePathMiddleware:
    """Paths Connexion's router can match: to the operation whose spec path carries the request's
    query (module docstring), and with a newline in a segment percent-encoded again (Starlette's
    mount matches ``.*``, which stops at a newline: ``/calls/a%0Ab`` answered 404 on any route)."""

    def __init__(self, app: ASGIApp, *, routes: SpecRoutes) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            named = self.routes.queried_path(scope["method"], path, scope.get("query_string", b""))
            if named is not None:
                path = named
            if "\n" in path:
                path = path.replace("\n", "%0A")
            if path != scope["path"]:
                scope = {**scope, "path": path}
        await self.app(scope, receive, send)


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
