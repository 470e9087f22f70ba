"""CometD over its websocket transport (``RT-COMETD-6``), written from ``spec/asyncapi/realtime.yaml``.

A target whose handshake does not list ``websocket`` among its connection types need not serve
it: the requirement is then ``not run`` (not applicable), never ``passed``. One that lists it
must serve the whole session over ``ws(s)://host/notification/realtime``: handshake (``ext``
token), subscribe and connects as text-frame batches, and the data messages on the same socket.

Every batch sent on the socket passes the run's guard first, like every HTTP request (only meta
messages are allowed: they change no data). Every wait is bounded by :data:`WAIT_S`.
"""

from __future__ import annotations

import json
from typing import Any

from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, NotRun, RefusedByGuard, expect
from contracts.guard import Outgoing
from contracts.suites.common import MEAS, new_source
from contracts.suites.realtime import data_of, reading
from contracts.suites.realtime_wire import HOLD_MS, REALTIME, WAIT_S, CometdClient, ext_token

ROUNDS = 2
"""Connects sent while waiting for data messages (each held at most HOLD_MS)."""


def websocket_url(base_url: str, path: str) -> str:
    return ("wss" + base_url[5:] if base_url.startswith("https") else "ws" + base_url[4:]) + path


def offered_connection_types(ctx: RunContext) -> list[str]:
    """The handshake's ``supportedConnectionTypes`` over long-polling (not run without CometD)."""
    probe = CometdClient(ctx)
    try:
        reply = probe.handshake()
    except ContractFailure:
        if probe.last is not None and probe.last.status == 404:
            raise NotRun(
                "not applicable: the target does not serve CometD (the handshake answered 404)"
            ) from None
        raise
    probe.disconnect()
    types = reply.get("supportedConnectionTypes")
    return [str(t) for t in types] if isinstance(types, list) else []


class CometdSocket:
    """One Bayeux session over a websocket; ``messages`` keeps every data message received."""

    def __init__(self, ctx: RunContext, socket: ClientConnection) -> None:
        self.ctx = ctx
        self.socket = socket
        self.client_id = ""
        self.messages: list[dict[str, Any]] = []

    def send(self, *batch: dict[str, Any]) -> None:
        body = json.dumps(list(batch)).encode()
        reason = self.ctx.client.guard.check(Outgoing.of("POST", REALTIME, "", body))
        if reason is not None:
            raise RefusedByGuard(reason)
        self.socket.send(body.decode())

    def reply_to(self, channel: str, title: str) -> dict[str, Any]:
        """Frames until the reply on ``channel`` (a meta channel); data messages are kept."""
        received: list[Any] = []
        try:
            while True:
                frame = json.loads(self.socket.recv(timeout=WAIT_S + HOLD_MS / 1000))
                batch = frame if isinstance(frame, list) else [frame]
                received += batch
                self.messages += [m for m in batch if not str(m.get("channel", "")).startswith("/meta/")]
                replies = [m for m in batch if m.get("channel") == channel]
                if replies:
                    reply: dict[str, Any] = replies[-1]
                    return reply
        except (TimeoutError, WebSocketException, ValueError, AttributeError):
            expected = f"a {channel} reply on the websocket within {WAIT_S + HOLD_MS / 1000:g} s"
            raise ContractFailure(title, expected, received) from None

    def handshake(self) -> dict[str, Any]:
        self.send(
            {
                "channel": "/meta/handshake",
                "version": "1.0",
                "minimumVersion": "1.0",
                "supportedConnectionTypes": ["websocket"],
                "ext": {"com.cumulocity.authn": {"token": ext_token(self.ctx)}},
            }
        )
        reply = self.reply_to("/meta/handshake", "HandshakeRefused")
        expect(
            reply.get("successful") is True and bool(reply.get("clientId")),
            "HandshakeRefused",
            "successful: true and a clientId over the websocket",
            reply,
            None,
        )
        self.client_id = str(reply["clientId"])
        return reply

    def subscribe(self, channel: str) -> None:
        self.send({"channel": "/meta/subscribe", "clientId": self.client_id, "subscription": channel})
        reply = self.reply_to("/meta/subscribe", "SubscribeRefused")
        expect(reply.get("successful") is True, "SubscribeRefused", "successful: true", reply, None)

    def connect(self) -> None:
        """Send one connect (``connectionType: websocket``); its answer is read by :meth:`until`."""
        self.send(
            {
                "channel": "/meta/connect",
                "clientId": self.client_id,
                "connectionType": "websocket",
                "advice": {"timeout": HOLD_MS},
            }
        )

    def until(self, wanted: list[str], held: bool) -> list[dict[str, Any]]:
        """Connect (unless one is ``held`` already) until a data message of every wanted id arrived."""
        for _ in range(ROUNDS):
            if set(wanted) <= {notified_id(m) for m in self.messages}:
                return self.messages
            if not held:
                self.connect()
            held = False
            self.reply_to("/meta/connect", "ConnectNotAnsweredOverWebsocket")
        if not set(wanted) <= {notified_id(m) for m in self.messages}:
            raise ContractFailure(
                "CreateNotNotifiedOverWebsocket",
                f"data messages of the measurements {wanted} on the websocket",
                self.messages,
            )
        return self.messages


def notified_id(message: dict[str, Any]) -> str | None:
    """The measurement id a data message is about (its ``data.data.id``, or a bare ``data.id``)."""
    data = message.get("data")
    inner = data.get("data") if isinstance(data, dict) else None
    found = inner.get("id") if isinstance(inner, dict) else data.get("id") if isinstance(data, dict) else None
    return None if found is None else str(found)


@check("RT-COMETD-6")
def the_websocket_transport_delivers_what_long_polling_does(ctx: RunContext) -> None:
    types = offered_connection_types(ctx)
    if "websocket" not in types:
        raise NotRun(
            f"not applicable: the handshake does not offer the websocket transport (it offers {types})"
        )
    if not ext_token(ctx):
        raise NotRun(
            "not applicable: a websocket handshake authenticates by the ext token, which needs Basic "
            "credentials (--user/--password), not --token"
        )
    source = new_source(ctx, "rt-websocket")
    url = websocket_url(ctx.client.base_url, REALTIME)
    try:
        socket = connect(url, open_timeout=WAIT_S, close_timeout=1)
    except (InvalidStatus, WebSocketException, OSError, TimeoutError) as exc:
        received = f"HTTP {exc.response.status_code}" if isinstance(exc, InvalidStatus) else repr(exc)
        raise ContractFailure("WebsocketTransportRefused", f"an open websocket at {url}", received) from None
    with socket:
        session = CometdSocket(ctx, socket)
        session.handshake()
        session.subscribe(f"/measurements/{source}")
        session.connect()  # the first connect is answered at once
        session.reply_to("/meta/connect", "ConnectNotAnsweredOverWebsocket")
        session.connect()  # held until data arrives
        first = reading(ctx, source, 1)
        session.until([str(first["id"])], held=True)
        second = reading(ctx, source, 2)
        messages = session.until([str(first["id"]), str(second["id"])], held=False)
        session.send({"channel": "/meta/disconnect", "clientId": session.client_id})
    judge_deliveries(ctx, source, [first, second], messages)


def judge_deliveries(
    ctx: RunContext, source: str, created: list[dict[str, Any]], messages: list[dict[str, Any]]
) -> None:
    """Every message on the device's channel, each measurement once and in order, as GET returns it."""
    channel = f"/measurements/{source}"
    delivered = data_of(messages, channel)
    on_channel = len(delivered) == len(messages)
    expect(on_channel, "NotificationOnWrongChannel", f"every message on {channel}", messages, None)
    ids = [notified_id(m) for m in messages]
    wanted = [str(m["id"]) for m in created]
    expect(len(ids) == len(set(ids)), "NotificationDuplicated", f"each of {wanted} once", ids, None)
    expect(ids == wanted, "NotificationsOutOfOrder", wanted, ids, None)
    for data, made in zip(delivered, created, strict=True):
        stored = ctx.client.get(f"{MEAS}/{made['id']}").json()
        body = data.get("data")
        body = body if isinstance(body, dict) else {}
        same = all(body.get(k) == stored.get(k) for k in ("id", "type", "time", "ct_Realtime"))
        own_source = str(body.get("source", {}).get("id")) == source
        expect(
            data.get("realtimeAction") == "CREATE" and same and own_source,
            "WrongNotificationPayload",
            {"realtimeAction": "CREATE", "data": stored},
            data,
            None,
        )
