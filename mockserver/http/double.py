"""The test-double layer: the outermost ASGI middleware of the mock.

In this order, for every HTTP request (and every websocket connect, for the realtime rooms):

1. a URL longer than ``max_url_bytes`` answers 414 in Cumulocity's error shape;
2. ``GET /`` answers the landing document (the APIs, their Swagger UIs, the admin hooks);
3. ``/_mock/*`` needs the admin token when one is configured (``X-Mock-Admin-Token: T`` or
   ``Authorization: Bearer T``), else 401; the hooks are never subject to fault rules;
4. the global latency (``--latency``) and the first fault rule that fires
   (:mod:`mockserver.http.faults`) delay, replace, drop or corrupt the answer (a websocket
   connect refused by a rule or an error gets its HTTP status and body where the server offers
   the ``websocket.http.response`` extension, as uvicorn does; else a close);
5. the request and its answer are recorded in the journal (:mod:`mockserver.http.journal`)
   and, with ``--access-log``, logged as one line on ``mockserver.access``.

It sits outside Connexion's server-error middleware so that even a 500 is journalled.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.errors import MockError, Unauthorized, error_for_status
from mockserver.http.faults import Action, FaultBook
from mockserver.http.journal import Journal, JournalEntry, api_of, mask_headers
from mockserver.http.media import json_response, request_view_from_scope
from mockserver.http.problems import error_response, resource_for_path
from mockserver.jsoncodec import dumps

access_log = logging.getLogger("mockserver.access")
ADMIN_PREFIX = "/_mock"
ADMIN_TOKEN_HEADER = b"x-mock-admin-token"
ADMIN_ENDPOINTS = (
    "POST /_mock/reset",
    "POST /_mock/seed",
    "GET /_mock/state",
    "GET|DELETE /_mock/journal",
    "GET /_mock/journal/count",
    "GET|POST|DELETE /_mock/faults",
    "GET|DELETE /_mock/faults/{id}",
)
DEFAULT_MAX_URL_BYTES = 8192
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class AllowTable:
    """Which methods each spec path template has, for the ``Allow`` header of a 405."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], list[str], int]] = []

    def add(self, document: Mapping[str, Any]) -> None:
        for template, item in document.get("paths", {}).items():
            methods = [m.upper() for m in HTTP_METHODS if isinstance(item, Mapping) and m in item]
            pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(pattern), methods, template.count("{")))

    def methods(self, path: str) -> list[str]:
        # The most literal template wins, as in routing (/series before /{id}).
        matching = [(params, methods) for pattern, methods, params in self._routes if pattern.fullmatch(path)]
        return min(matching, key=lambda match: match[0])[1] if matching else []


@dataclass
class DoubleSettings:
    """What the layer needs from the app: the shared journal and rules, and its options."""

    journal: Journal = field(default_factory=Journal)
    faults: FaultBook = field(default_factory=FaultBook)
    admin_token: str | None = None
    latency_ms: tuple[int, int] | None = None
    access_log: bool = False
    max_url_bytes: int = DEFAULT_MAX_URL_BYTES
    served: Callable[[], list[str]] = list
    allow: AllowTable = field(default_factory=AllowTable)


def landing(settings: DoubleSettings) -> dict[str, Any]:
    """The document ``GET /`` answers."""
    apis = [
        {"name": name, "swaggerUi": f"/{name}-ui/", "openapi": f"/{name}-openapi.json"}
        for name in settings.served()
    ]
    return {
        "name": "c8y mock",
        "apis": apis,
        "admin": {
            "swaggerUi": "/mock-ui/",
            "openapi": "/mock-openapi.json",
            "endpoints": list(ADMIN_ENDPOINTS),
            "tokenRequired": settings.admin_token is not None,
        },
    }


def _admin_token_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == ADMIN_TOKEN_HEADER:
            return str(value.decode("latin-1"))
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return str(token.strip())
    return None


class TestDouble:
    """ASGI middleware: URL limit, landing, admin token, faults, latency, journal (see above)."""

    __test__ = False  # not a pytest test class

    def __init__(self, app: ASGIApp, *, settings: DoubleSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = _Recorder(self.settings.journal, scope, started)
        try:
            await self._handle(scope, record.receive(receive), record.send(self._allowing(scope, send)))
        finally:
            self._finish(record)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
            > self.settings.max_url_bytes
        ):
            limit = self.settings.max_url_bytes
            await self._error(
                error_for_status(414, f"The request URL is longer than {limit} bytes."), scope, receive, send
            )
            return
        if path == "/" and scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            await json_response(landing(self.settings))(scope, receive, send)
            return
        if path.endswith("-openapi.json") and scope["type"] == "http":
            await self.app(scope, receive, _with_server(scope, send))
            return
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            token = self.settings.admin_token
            given = _admin_token_of(scope)
            if token is not None and (given is None or not hmac.compare_digest(given, token)):
                await self._error(
                    Unauthorized(
                        "The /_mock hooks need the admin token printed at start-up: send X-Mock-Admin-Token."
                    ),
                    scope,
                    receive,
                    send,
                )
                return
            await self.app(scope, receive, send)
            return
        if self.settings.latency_ms:
            await asyncio.sleep(random.uniform(*self.settings.latency_ms) / 1000)
        action = self.settings.faults.decide(
            scope.get("method", "GET"),
            path,
            parse_qs(scope.get("query_string", b"").decode("latin-1")),
            {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])},
        )
        if action is None:
            await self.app(scope, receive, send)
        else:
            await self._apply(action, scope, receive, send)

    def _allowing(self, scope: Scope, send: Send) -> Send:
        """``send`` that adds ``Allow`` (the spec's methods for the path) to a 405."""

        async def allowing(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"allow" for name, _ in headers):
                    allowed = ", ".join(self.settings.allow.methods(scope.get("path", "")))
                    message = {**message, "headers": [*headers, (b"allow", allowed.encode("latin-1"))]}
            await send(message)

        return allowing

    async def _error(self, exc: MockError, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not _can_deny(scope):
            await send({"type": "websocket.close", "code": 1008, "reason": exc.message[:120]})
            return
        exc.resource = (
            resource_for_path(scope.get("path", "")) if exc.resource == "undefined" else exc.resource
        )
        await error_response(exc, scope)(scope, receive, send)

    async def _apply(self, action: Action, scope: Scope, receive: Receive, send: Send) -> None:
        if action.delay_ms:
            await asyncio.sleep(action.delay_ms / 1000)
        if action.drop:
            await _drop(scope, send)
        elif action.status is not None:
            if action.body is None:
                message = f"Fault rule {action.rule_id} answers {action.status}."
                await self._error(error_for_status(action.status, message), scope, receive, send)
            elif scope["type"] == "websocket" and not _can_deny(scope):
                await send(
                    {"type": "websocket.close", "code": 1011, "reason": f"fault rule {action.rule_id}"}
                )
            else:
                body = action.body.encode() if isinstance(action.body, str) else dumps(action.body)
                media = "text/plain" if isinstance(action.body, str) else "application/json"
                await json_response(body, action.status, media_type=media)(scope, receive, send)
        elif action.malformed and scope["type"] == "http":
            await self.app(scope, receive, _malformed(send))
        else:
            await self.app(scope, receive, send)

    def _finish(self, record: _Recorder) -> None:
        entry = record.entry()
        self.settings.journal.record(entry)
        if self.settings.access_log:
            query = f"?{entry['query']}" if entry["query"] else ""
            access_log.info(
                "%s %s%s %s %.1fms",
                entry["method"],
                entry["path"],
                query,
                entry["status"],
                entry["durationMs"],
            )


def _can_deny(scope: Scope) -> bool:
    """Whether the server lets a websocket connect be refused with an HTTP answer (the ASGI
    ``websocket.http.response`` extension, which uvicorn offers): then a fault's status and body
    reach the client as they would over HTTP, not as the 403 of a bare close."""
    return "websocket.http.response" in scope.get("extensions", {})


async def _drop(scope: Scope, send: Send) -> None:
    """Start an answer and leave it unfinished: the server closes the connection."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1006})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"dropped', "more_body": True})


def _malformed(send: Send) -> Send:
    """A ``send`` that cuts the answer's body in half (Content-Length made to fit)."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def cut(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        whole = b"".join(chunks)
        body = whole[: len(whole) // 2] or b"{"
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return cut


def _with_server(scope: Scope, send: Send) -> Send:
    """A ``send`` that names the server a spec document is served from in its ``servers``
    (Connexion writes its base path, ``""``, so the Swagger UI's Servers list is empty)."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def rewrite(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start" and message["status"] == 200:
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        document = json.loads(b"".join(chunks))
        document["servers"] = [{"url": request_view_from_scope(scope).base_url, "description": "this mock"}]
        body = dumps(document)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return rewrite


class _Recorder:
    """Watches one request's messages to fill its journal entry."""

    def __init__(self, journal: Journal, scope: Scope, started: float) -> None:
        self.journal = journal
        self.scope = scope
        self.started = started
        self.seq = journal.next_seq()
        self.when = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.status = 0
        self.body = bytearray()

    def receive(self, receive: Receive) -> Receive:
        limit = self.journal.body_limit + 1

        async def watched() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(self.body) < limit:
                self.body += message.get("body", b"")[: limit - len(self.body)]
            return message

        return watched

    def send(self, send: Send) -> Send:
        async def watched(message: Message) -> None:
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                self.status = int(message["status"])
            elif kind == "websocket.accept":
                self.status = 101
            elif kind == "websocket.close" and not self.status:
                self.status = 403
            await send(message)

        return watched

    def entry(self) -> JournalEntry:
        body, cut = self.journal.body_text(bytes(self.body))
        scope = self.scope
        return {
            "seq": self.seq,
            "time": self.when,
            "method": scope.get("method", "WEBSOCKET"),
            "path": scope.get("path", ""),
            "query": scope.get("query_string", b"").decode("latin-1"),
            "headers": mask_headers(scope.get("headers", [])),
            "body": body,
            "bodyTruncated": cut,
            "status": self.status,
            "durationMs": round((time.perf_counter() - self.started) * 1000, 3),
            "api": api_of(scope.get("path", "")),
        }
