"""A pure ASGI middleware in front of Connexion that refuses bodies Connexion would choke on.

Connexion 3.3 answers a non-UTF-8 JSON body, a number like ``1e400`` turned into ``inf`` or
an integer of 5000 digits with a 500, and recursion in a 100,000-deep array crashes its
validator. This guard reads the body once, before routing, and answers in Cumulocity's error
shape:

* a body cut short (the client disconnected, or fewer bytes than ``Content-Length``) -> 400,
  and nothing reaches a handler, so nothing is stored;
* more than ``max_body_bytes`` -> 413 (``Content-Length`` checked first, then while reading);
* a JSON media type whose body is not UTF-8 -> 400;
* unparseable JSON, ``NaN`` / ``Infinity``, a float that overflows, an integer longer than
  4000 digits, or nesting deeper than ``max_depth`` -> 400.

A body that passes is parsed exactly once: the value is left in the Connexion context under
``payload`` (handlers that declare a ``payload`` argument receive it; ``raw_body`` holds the
bytes, for the seed hooks' YAML), and the raw bytes are
replayed to the app with an exact ``Content-Length`` (a chunked body would otherwise look
missing to Connexion).
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.errors import BadRequest, MockError, PayloadTooLarge
from mockserver.http.offload import off_loop
from mockserver.http.problems import error_response, resource_for_path

MAX_INT_DIGITS = 4000
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PAYLOAD_KEY = "payload"
RAW_BODY_KEY = "raw_body"
"""The body's bytes, for a handler that parses a text body itself (declaring ``body`` instead
would make Connexion parse a JSON body a second time, on the event loop)."""
INLINE_PARSE_BYTES = 64 * 1024
"""Bodies up to this size are parsed on the event loop (a few ms at most); larger ones in a thread."""


class _Reject(Exception):
    """A malformed JSON value, raised from inside json.loads hooks."""


def _parse_constant(name: str) -> Any:
    raise _Reject(f"{name} is not a JSON number; send finite numbers only.")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Reject(f"The number {text[:40]} is out of the range of a 64-bit float.")
    return value


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Reject(f"An integer with {digits} digits is too long; at most {MAX_INT_DIGITS} are accepted.")
    return int(text)


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True if arrays/objects nest deeper than ``limit`` levels (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json_body(raw: bytes, *, max_depth: int) -> Any:
    """The JSON value of ``raw``, or :class:`BadRequest` naming what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            f"The request body is not valid UTF-8 (byte {exc.start}); JSON bodies must be UTF-8 encoded."
        ) from None
    try:
        value = json.loads(
            text, parse_constant=_parse_constant, parse_float=_parse_float, parse_int=_parse_int
        )
    except _Reject as exc:
        raise BadRequest(f"The request body holds an unacceptable number: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}.") from None
    except RecursionError:
        raise BadRequest(_too_deep(max_depth)) from None
    except ValueError as exc:
        raise BadRequest(f"The request body cannot be parsed as JSON: {exc}.") from None
    if json_depth_exceeds(value, max_depth):
        raise BadRequest(_too_deep(max_depth))
    return value


def _too_deep(limit: int) -> str:
    return f"The request body nests arrays/objects deeper than {limit} levels; at most {limit} are accepted."


def is_json_media_type(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or mime.endswith("+json")


class BodyGuard:
    """ASGI middleware: size limit and JSON sanity before Connexion (see module docstring)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            raw = await self._read_body(scope, receive)
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            context = scope.setdefault("extensions", {}).setdefault("connexion_context", {})
            context[RAW_BODY_KEY] = raw
            if raw and is_json_media_type(content_type):
                context[PAYLOAD_KEY] = await self._parse(raw)
        except MockError as exc:
            exc.resource = resource_for_path(scope.get("path", ""))
            await error_response(exc, scope)(scope, receive, send)
            return

        # A chunked body has no Content-Length; Connexion would take it for a missing body.
        headers_list = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-length", b"transfer-encoding")
        ]
        scope["headers"] = [*headers_list, (b"content-length", str(len(raw)).encode("ascii"))]
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _parse(self, raw: bytes) -> Any:
        """The body's JSON value; a large body is parsed in a worker thread (issue 15: about
        1 s of CPU for 12 MB, which would hold the event loop; see mockserver/http/offload.py)."""
        if len(raw) <= INLINE_PARSE_BYTES:
            return parse_json_body(raw, max_depth=self.max_depth)
        return await off_loop(lambda: parse_json_body(raw, max_depth=self.max_depth))

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.max_body_bytes
        declared: int | None = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                text = value.decode("latin-1")
                if not (text.isascii() and text.isdigit() and len(text) <= 20):
                    raise BadRequest(f"Content-Length {text[:40]!r} is not a number.") from None
                declared = int(text)
                if declared > limit:
                    raise PayloadTooLarge(_too_large(declared, limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadRequest(_cut_short(size, declared))
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(_too_large(size, limit))
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if declared is not None and size != declared:
            raise BadRequest(_cut_short(size, declared))
        return joined(chunks)


def joined(chunks: list[bytes]) -> bytes:
    """The chunks as one bytes object; a body that came in one chunk is not copied (16 MiB: ~10 ms)."""
    parts = [chunk for chunk in chunks if chunk]
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _cut_short(size: int, declared: int | None) -> str:
    expected = f"the {declared} bytes its Content-Length declares" if declared is not None else "its end"
    return f"The request body was cut short after {size} bytes, before {expected}; nothing was stored."


def _too_large(size: int, limit: int) -> str:
    return f"The request body has {size} bytes or more; this server accepts at most {limit} bytes."
