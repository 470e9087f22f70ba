"""How Schemathesis's requests reach the target: an in-process ASGI app that sends them with our client.

Schemathesis is given this app (``schema.app``), so every phase (examples, coverage, fuzzing,
stateful) calls it in-process instead of opening its own connections, and every request it makes
passes the same :class:`contracts.transport.GuardTransport` as the semantic suites. Nothing of
Schemathesis's reaches the network otherwise: its base URL is left unset, so its probes have no
host to talk to and are skipped.

A refused request is answered here, never sent: ``403`` with ``X-Contracts-Guard: refused`` and a
Cumulocity error body naming the reason; the schema suite drops Schemathesis's findings on such
answers. A timeout is answered ``504`` with ``X-Contracts-Guard: timeout``. When the target is
gone or the run is interrupted, everything is answered ``503`` (``stopped``) without being sent,
the suite stops Schemathesis's engine and raises what stopped it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import anyio.to_thread

from contracts.client import Client
from contracts.failures import CouldNotTest, RecordedRequest, RefusedByGuard, RequestTimedOut
from contracts.transport import STOP

MARKER = "X-Contracts-Guard"
ERROR_TYPE = "application/vnd.com.nsn.cumulocity.error+json"
NOT_FORWARDED = frozenset({"host", "content-length", "connection", "transfer-encoding"})
NOT_RETURNED = frozenset(
    {"content-length", "connection", "transfer-encoding", "content-encoding", "keep-alive"}
)

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Relay:
    """The ASGI app Schemathesis sends to; ``stopped_by`` holds what ended the target's test."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.stopped_by: BaseException | None = None
        self.requests = 0

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = str(message["type"])
                await send({"type": kind + ".complete"})
                if kind == "lifespan.shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        query = scope.get("query_string", b"").decode("latin-1")
        raw_path = scope.get("raw_path") or quote(str(scope["path"])).encode()
        target = raw_path.decode("latin-1") + (f"?{query}" if query else "")
        status, answer_headers, content = await anyio.to_thread.run_sync(
            self.forward, str(scope["method"]).upper(), target, headers, body
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer_headers],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request through the client (and so the guard); the answer as status, headers, body."""
        if self.stopped_by is not None or STOP.is_set():
            return synthetic(503, "stopped", "the run is stopping; nothing more is sent")
        sent = {k.lower(): v for k, v in headers if k.lower() not in NOT_FORWARDED}
        request = self.client.build(method, self.client.base_url + target, sent, body or None)
        recorded = RecordedRequest(method, str(request.url), dict(request.headers), body or None)
        self.requests += 1
        try:
            answer = self.client.send(request, recorded)
        except RefusedByGuard as refused:
            return synthetic(403, "refused", refused.reason)
        except RequestTimedOut as timeout:
            return synthetic(504, "timeout", str(timeout))
        except (CouldNotTest, KeyboardInterrupt) as exc:
            self.stopped_by = exc
            return synthetic(503, "stopped", str(exc))
        returned = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in NOT_RETURNED]
        return answer.status_code, returned, answer.content


def synthetic(status: int, kind: str, reason: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """An answer of the relay's own, marked so the schema suite never judges it as the target's."""
    body = json.dumps({"error": f"contracts/{kind}", "message": reason, "info": "not the target's answer"})
    return status, [("content-type", ERROR_TYPE), (MARKER.lower(), kind)], body.encode()
