"""What a handler needs from the request besides its validated arguments, and media types.

Handlers read the current request through :func:`current_request`: the ASGI scope is kept in
a context variable, set by :class:`CurrentRequest` (the innermost middleware, so it sees the
scope Connexion hands the handler) or by the fast path (:func:`serving`), so nothing here is
global state and nothing reads Connexion's internals. It gives the scheme+host the client used, which
self links are built from; the raw query pairs in order with repeats, which paging links
echo; and the ``Accept`` / ``Content-Type`` headers, which decide the answer's media type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.jsoncodec import dumps

VENDOR = "application/vnd.com.nsn.cumulocity."
JSON = "application/json"


def vendor(name: str) -> str:
    """``vendor("measurement")`` -> ``application/vnd.com.nsn.cumulocity.measurement+json``."""
    return f"{VENDOR}{name}+json"


def mime_of(header: str | None) -> str:
    """The bare, lower-cased media type of a Content-Type / single Accept entry."""
    return (header or "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class RequestView:
    """The parts of the request handlers use (see the module docstring)."""

    base_url: str
    path: str
    query: list[tuple[str, str]]
    accept: str | None
    content_type: str | None
    headers: tuple[tuple[bytes, bytes], ...] = ()
    processing_mode: str | None = None
    """The ``X-Cumulocity-Processing-Mode`` header, as sent."""

    @property
    def has_accept(self) -> bool:
        """Whether the client sent an Accept header at all (POST/PUT answer a body only then)."""
        return self.accept is not None

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def answer_type(self, vendor_type: str) -> str:
        """The media type to answer with: the vendor type unless Accept asks for plain JSON.

        Accept naming a Cumulocity vendor type, ``*/*``, or nothing -> ``vendor_type``;
        Accept listing ``application/json`` (and no vendor type) -> ``application/json``.
        """
        if not self.accept:
            return vendor_type
        entries = [mime_of(part) for part in self.accept.split(",")]
        if any(e.startswith(VENDOR) for e in entries):
            return vendor_type
        if JSON in entries:
            return JSON
        return vendor_type


def request_view_from_scope(scope: Any) -> RequestView:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return RequestView(
        base_url=f"{scheme}://{host}",
        path=scope.get("path", "/"),
        query=query,
        accept=headers.get("accept"),
        content_type=headers.get("content-type"),
        headers=tuple(scope.get("headers", ())),
        processing_mode=headers.get("x-cumulocity-processing-mode"),
    )


_SCOPE: ContextVar[Scope] = ContextVar("mockserver_request_scope")


@contextmanager
def serving(scope: Scope) -> Iterator[None]:
    """Make ``scope`` the request :func:`current_request` describes, for the ``with`` block."""
    token = _SCOPE.set(scope)
    try:
        yield
    finally:
        _SCOPE.reset(token)


class CurrentRequest:
    """ASGI middleware: the request it passes on is the one :func:`current_request` describes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with serving(scope):
            await self.app(scope, receive, send)


def current_request() -> RequestView:
    """The request being served (only valid inside a handler)."""
    try:
        scope = _SCOPE.get()
    except LookupError:
        raise RuntimeError("current_request() was called outside a request.") from None
    return request_view_from_scope(scope)


def json_response(
    body: Any, status: int = 200, *, media_type: str = JSON, headers: dict[str, str] | None = None
) -> Response:
    """A JSON answer with an exact media type (Connexion would insist on the spec's list).

    ``body`` is a JSON value, JSON text already encoded (``bytes``, which is no JSON value), or
    None for an empty answer.
    """
    content = b"" if body is None else body if isinstance(body, bytes) else dumps(body)
    return Response(
        content, status_code=status, media_type=media_type if body is not None else None, headers=headers
    )
