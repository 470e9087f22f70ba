"""The Notification 2.0 consumer: a websocket at ``/notification2/consumer/?token=<JWT>``.

The token is the only credential. A missing, forged, expired or revoked token, or one whose
subscription no longer exists, refuses the websocket handshake with HTTP 401 (or, on a server
without the ASGI denial-response extension, a close before accept, which clients see as 403).
Once open, the socket is sent the subscriber's backlog and then each new message as a text
frame (format in :mod:`mockserver.realtime.consumers`); every text frame the client sends is
an ``ackId``. ``&consumer=<name>`` names a consumer of a shared subscriber. A consumer that
leaves a message unacknowledged past the acknowledgement timeout is closed with code 1008
(``acknowledgement timeout``); see :mod:`mockserver.realtime.consumers`.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from mockserver.errors import ERROR_MEDIA_TYPE, MockError, Unauthorized
from mockserver.http.cometd import rest_base
from mockserver.jsoncodec import dumps
from mockserver.realtime import RealtimeHub
from mockserver.realtime.consumers import Consumer, SubscriberKey

CONSUMER_PATH = "/notification2/consumer"
IDLE_WAKE_S = 30.0  # a sender wakes at least this often to notice a closed consumer
POLICY_CLOSE = 1008  # the close code of a consumer reaped for not acknowledging


class ConsumerTransport:
    """The ASGI app of the consumer websocket."""

    def __init__(self, hub: RealtimeHub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        socket = WebSocket(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        try:
            consumer = self.attach(query.get("token", [""])[0], query.get("consumer", [None])[0], scope)
        except MockError as exc:
            await self.refuse(socket, exc)
            return
        await socket.accept()
        sender = asyncio.create_task(self.send_frames(socket, consumer))
        try:
            while not consumer.closed:
                ack_id = await socket.receive_text()
                consumer.subscriber.ack(ack_id)
        except WebSocketDisconnect:
            pass
        finally:
            consumer.subscriber.detach(consumer)
            consumer.signal.fire()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError, WebSocketDisconnect):
                await sender

    def attach(self, token: str, name: str | None, scope: Scope) -> Consumer:
        if not token:
            raise Unauthorized(
                "The consumer needs a Notification 2.0 token: /notification2/consumer/?token=..."
            )
        claims = self.hub.tokens.verify(token)
        if not self.hub.subscriptions.named(claims.tenant, claims.subscription):
            raise Unauthorized(
                f"The token names subscription {claims.subscription!r}, which no longer exists.",
            )
        key = SubscriberKey(claims.tenant, claims.subscription, claims.subscriber)
        subscriber = self.hub.deliveries.subscriber(
            key, base_url=rest_base(scope), non_persistent=claims.non_persistent, shared=claims.shared
        )
        return subscriber.attach(name)

    async def send_frames(self, socket: WebSocket, consumer: Consumer) -> None:
        """Write the consumer's frames as they come. A slow reader only makes this task wait
        (the transport's flow control); the publisher and other consumers never do."""
        while not consumer.closed:
            for frame in consumer.take():
                await socket.send_text(frame.text)
            if consumer.closed:
                break
            if not await consumer.signal.wait(IDLE_WAKE_S):
                self.hub.deliveries.maybe_reap()  # reaping also runs when nothing is published
        code, reason = (POLICY_CLOSE, consumer.close_reason) if consumer.close_reason else (1000, "")
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await socket.close(code=code, reason=reason)

    async def refuse(self, socket: WebSocket, exc: MockError) -> None:
        if "websocket.http.response" in socket.scope.get("extensions", {}):
            response = Response(dumps(exc.to_body()), status_code=exc.status, media_type=ERROR_MEDIA_TYPE)
            await socket.send_denial_response(response)
        else:
            await socket.close(code=1008)
