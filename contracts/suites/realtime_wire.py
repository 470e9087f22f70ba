"""The realtime suite's two small clients, written from the spec (``spec/asyncapi/realtime.yaml``):
a CometD long-polling client over the run's HTTP client, and a Notification 2.0 consumer over
a websocket. Every wait is bounded by :data:`WAIT_S`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from contracts.checks import RunContext
from contracts.client import Response
from contracts.failures import ContractFailure
from contracts.suites.common import require_status

REALTIME = "/notification/realtime"
CONSUMER = "/notification2/consumer/"
WAIT_S = 5.0
HOLD_MS = 3000  # asked of every held connect (advice.timeout), below the client's request timeout


def ext_token(ctx: RunContext) -> str:
    """The handshake's ``ext`` token: base64 of the Basic credentials (``tenant/user:password``)."""
    header = ctx.client.credentials.header()
    return header.split(" ", 1)[1] if header.startswith("Basic ") else ""


class CometdClient:
    """One Bayeux client over long-polling; ``messages`` keeps every data message received."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.client_id = ""
        self.messages: list[dict[str, Any]] = []
        self.last: Response | None = None

    def post(self, path: str, *batch: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.ctx.client.post(f"{REALTIME}{path}", list(batch))
        self.last = response
        require_status(response, 200, "BayeuxRequestRefused")
        answer = response.json()
        if not isinstance(answer, list):
            raise ContractFailure("BayeuxAnswerNotABatch", "a JSON array", answer, request=response.request)
        self.messages += [m for m in answer if not str(m.get("channel", "")).startswith("/meta/")]
        return answer

    def handshake(self, token: str | None = None) -> dict[str, Any]:
        ext = {"com.cumulocity.authn": {"token": ext_token(self.ctx) if token is None else token}}
        message = {
            "channel": "/meta/handshake",
            "version": "1.0",
            "minimumVersion": "1.0",
            "supportedConnectionTypes": ["long-polling"],
            "advice": {"timeout": 60000, "interval": 0},
            "ext": ext,
        }
        reply: dict[str, Any] = self.post("/handshake", message)[0]
        self.client_id = str(reply.get("clientId", ""))
        return reply

    def subscribe(self, *channels: str, meta: str = "/meta/subscribe") -> list[dict[str, Any]]:
        batch = [{"channel": meta, "clientId": self.client_id, "subscription": c} for c in channels]
        return self.post("/", *batch)

    def connect(self) -> list[dict[str, Any]]:
        message = {
            "channel": "/meta/connect",
            "clientId": self.client_id,
            "connectionType": "long-polling",
            "advice": {"timeout": HOLD_MS},
        }
        return self.post("/connect", message)

    def until(self, count: int, title: str, expected: str) -> list[dict[str, Any]]:
        """Connect until ``count`` data messages arrived (at most ``WAIT_S / HOLD_MS`` rounds)."""
        for _ in range(int(WAIT_S * 1000 // HOLD_MS) + 1):
            if len(self.messages) >= count:
                break
            self.connect()
        if len(self.messages) < count:
            request = self.last.request if self.last else None
            raise ContractFailure(title, expected, f"{self.messages}", request=request)
        return self.messages

    def disconnect(self) -> None:
        if self.client_id:
            self.ctx.client.post(
                f"{REALTIME}/disconnect", [{"channel": "/meta/disconnect", "clientId": self.client_id}]
            )


def consumer_url(ctx: RunContext, token: str) -> str:
    base = ctx.client.base_url
    return ("wss" + base[5:] if base.startswith("https") else "ws" + base[4:]) + f"{CONSUMER}?token={token}"


@contextmanager
def consumer(ctx: RunContext, token: str) -> Iterator[ClientConnection]:
    """An open consumer websocket; a refused handshake is a failure naming the status."""
    try:
        socket = connect(consumer_url(ctx, token), open_timeout=WAIT_S, close_timeout=1)
    except InvalidStatus as exc:
        raise ContractFailure(
            "ConsumerRefused", "an open websocket", f"HTTP {exc.response.status_code}"
        ) from None
    with socket:
        yield socket


def frames(socket: ClientConnection, count: int, title: str) -> list[tuple[str, str, str, str]]:
    """The next ``count`` frames as (ackId, source, action, body); a failure after :data:`WAIT_S`."""
    out: list[tuple[str, str, str, str]] = []
    try:
        while len(out) < count:
            text = socket.recv(timeout=WAIT_S)
            lines = str(text).split("\n")
            if len(lines) < 4:
                raise ContractFailure(title, "'<ackId>\\n<source>\\n<ACTION>\\n\\n<JSON>'", text)
            out.append((lines[0], lines[1], lines[2], lines[-1]))
    except (TimeoutError, WebSocketException):
        raise ContractFailure(title, f"{count} frames within {WAIT_S} s", f"{len(out)}: {out}") from None
    return out


def refused(ctx: RunContext, token: str) -> int | None:
    """The HTTP status refusing a consumer handshake with ``token``, or None when it opened."""
    try:
        with connect(consumer_url(ctx, token), open_timeout=WAIT_S, close_timeout=1):
            return None
    except InvalidStatus as exc:
        return int(exc.response.status_code)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
