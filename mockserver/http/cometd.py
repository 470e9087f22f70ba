"""CometD transports at ``/notification/realtime``: long-polling POSTs and the websocket.

Both hand each batch to :class:`~mockserver.realtime.bayeux.BayeuxEngine` and send what it
answers; a held connect is awaited here (never blocking a publisher). Long-polling: a POST
whose body is a JSON array of messages (or one message), chunked bodies included, answered
``200`` with a JSON array; the request's ``Authorization`` authenticates a handshake that
carries no ``ext`` token. Several requests of one client may be in flight at once (a held
connect and a subscribe). Websocket: each text frame is a batch; the ``ext`` token is the
only credential, and a held connect is answered on the same socket when it completes.
"""

from __future__ import annotations

import asyncio
import contextlib

import orjson
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from mockserver.errors import BadRequest, MethodNotAllowed, MockError, PayloadTooLarge, Unauthorized
from mockserver.http.auth import RequestCredentials, request_user
from mockserver.http.media import request_view_from_scope
from mockserver.http.problems import error_response
from mockserver.jsoncodec import dumps
from mockserver.realtime import RealtimeHub
from mockserver.realtime.bayeux import Exchange, Message
from mockserver.users import User

COMETD_PATH = "/notification/realtime"
JSON = [(b"content-type", b"application/json"), (b"cache-control", b"no-cache")]


def parse_batch(body: bytes) -> list[object]:
    """A Bayeux batch: a JSON array of messages, or one message object."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The Bayeux request body is not JSON: {exc}.", resource="realtime") from None
    if isinstance(parsed, dict):
        return [parsed]
    if not isinstance(parsed, list) or not parsed:
        raise BadRequest(
            "A Bayeux request body must be a non-empty JSON array of messages.", resource="realtime"
        )
    return parsed


class CometdTransport:
    """The ASGI app of ``/notification/realtime`` (both transports)."""

    def __init__(self, hub: RealtimeHub, *, max_body_bytes: int) -> None:
        self.hub = hub
        self.engine = hub.bayeux
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.websocket(WebSocket(scope, receive, send))
            return
        try:
            if scope["method"] != "POST":
                raise MethodNotAllowed(
                    f"{scope['method']} {scope['path']} is not supported; Bayeux messages are POSTed.",
                    resource="realtime",
                )
            messages = parse_batch(await self._body(receive))
            answer = await self.exchange(messages, self._request_user(scope), scope)
        except MockError as exc:
            await error_response(exc, scope)(scope, receive, send)
            return
        body = dumps(answer)
        headers = [*JSON, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def exchange(self, messages: list[object], user: User | None, scope: Scope) -> list[Message]:
        exchange = self.engine.handle(messages, request_user=user, base_url=handshake_base(messages, scope))
        return await self.finish(exchange)

    async def finish(self, exchange: Exchange) -> list[Message]:
        """The replies, with a held connect's data and reply once it completes."""
        held = exchange.held
        if held is None:
            return exchange.replies
        await held.client.signal.wait(held.timeout_s)
        return [*exchange.replies, *self.engine.complete(held)]

    async def _body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadRequest("The client went away before its request body ended.", resource="realtime")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PayloadTooLarge(
                    f"The Bayeux request body exceeds {self.max_body_bytes} bytes.", resource="realtime"
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _request_user(self, scope: Scope) -> User | None:
        credentials = RequestCredentials.from_headers(scope["headers"])
        if credentials.authorization is None and credentials.cookie_token is None:
            return None
        with contextlib.suppress(Unauthorized):
            return request_user(credentials, self.hub.bayeux.users)
        return None

    async def websocket(self, socket: WebSocket) -> None:
        await socket.accept()
        lock = asyncio.Lock()
        pending: set[asyncio.Task[None]] = set()

        async def answer(exchange: Exchange) -> None:
            replies = await self.finish(exchange)
            async with lock:
                with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                    await socket.send_text(dumps(replies).decode("utf-8"))

        try:
            while True:
                text = await socket.receive_text()
                try:
                    messages = parse_batch(text.encode("utf-8"))
                except MockError as exc:
                    messages = [{"channel": "/meta/error", "error": exc.message}]
                base_url = handshake_base(messages, socket.scope)
                exchange = self.engine.handle(messages, request_user=None, base_url=base_url)
                task = asyncio.create_task(answer(exchange))
                pending.add(task)
                task.add_done_callback(pending.discard)
        except WebSocketDisconnect:
            pass
        finally:
            for task in pending:
                task.cancel()


def handshake_base(messages: list[object], scope: Scope) -> str:
    """The base URL the engine keeps for a new client: only a handshake reads it, so a batch
    without one (every connect of a long-polling client) skips working it out."""
    if any(isinstance(m, dict) and m.get("channel") == "/meta/handshake" for m in messages):
        return rest_base(scope)
    return ""


def rest_base(scope: Scope) -> str:
    """The REST base URL of a request or websocket (``ws://host`` -> ``http://host``): links in
    payloads are REST links."""
    base_url = request_view_from_scope(scope).base_url
    return "http" + base_url[2:] if base_url.startswith("ws") else base_url
