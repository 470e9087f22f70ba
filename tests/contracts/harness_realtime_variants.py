"""Broken realtime variants of the mock: each breaks one rule of spec/asyncapi/realtime.yaml in
the domain (``mockserver/realtime``), through pytest's monkeypatch, in the test process only."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from harness_faults import Fault

from mockserver.events import Event
from mockserver.realtime.bayeux import BayeuxEngine
from mockserver.realtime.channels import ChannelIndex
from mockserver.realtime.consumers import Subscriber
from mockserver.realtime.subscriptions import Subscription
from mockserver.realtime.tokens import TokenIssuer


def every_mode_on_cometd(monkeypatch: Any) -> None:
    # measurement.yaml, Processing mode: QUIESCENT and CEP send "no CometD realtime notification".
    from mockserver.realtime import hub

    monkeypatch.setattr(hub, "COMETD_MODES", frozenset({"PERSISTENT", "TRANSIENT", "QUIESCENT", "CEP"}))


def transient_not_published(monkeypatch: Any) -> None:
    # measurement.yaml, Processing mode: TRANSIENT is "sent to realtime subscribers".
    from mockserver.realtime import hub

    monkeypatch.setattr(hub, "COMETD_MODES", frozenset({"PERSISTENT"}))


def deletes_not_published(monkeypatch: Any) -> None:
    original = BayeuxEngine.publish

    def publish(self: BayeuxEngine, event: Event) -> int:
        return 0 if event.action == "DELETE" else original(self, event)

    monkeypatch.setattr(BayeuxEngine, "publish", publish)


def once_per_matching_subscription(monkeypatch: Any) -> None:
    def publish(self: BayeuxEngine, event: Event) -> int:
        count = 0
        for client_id in self.index.match(event.channel):
            client = self.clients[client_id]
            for pattern in self.index.patterns_of(client_id):
                if pattern == event.channel or pattern.endswith("*"):
                    client.queue.put(event)
                    count += 1
            client.signal.fire()
        return count

    monkeypatch.setattr(BayeuxEngine, "publish", publish)


def device_channel_hears_every_device(monkeypatch: Any) -> None:
    original = ChannelIndex.match

    def match(self: ChannelIndex[Any], channel: str) -> set[Any]:
        family = channel.rsplit("/", 1)[0]
        found = set(original(self, channel))
        for pattern in list(self._by_pattern):  # our own class, broken on purpose
            if pattern.startswith(family + "/"):
                found |= self._by_pattern[pattern]
        return found

    monkeypatch.setattr(ChannelIndex, "match", match)


def unsubscribe_ignored(monkeypatch: Any) -> None:
    monkeypatch.setattr(ChannelIndex, "discard", lambda self, pattern, key: None)


def no_redelivery(monkeypatch: Any) -> None:
    original = Subscriber.attach

    def attach(self: Subscriber, name: str | None) -> Any:
        self.pending.clear()
        return original(self, name)

    monkeypatch.setattr(Subscriber, "attach", attach)


def acks_ignored(monkeypatch: Any) -> None:
    monkeypatch.setattr(Subscriber, "ack", lambda self, ack_id: False)


def token_not_revoked(monkeypatch: Any) -> None:
    monkeypatch.setattr(TokenIssuer, "revoke", lambda self, claims: None)


def subscription_ignores_source(monkeypatch: Any) -> None:
    def matches(self: Subscription, event: Event, children_of: Any = None) -> bool:
        return event.channel.startswith("/measurements/")

    monkeypatch.setattr(Subscription, "matches", matches)


def cometd_hears_every_tenant(monkeypatch: Any) -> None:
    """Every matching client gets the event, whichever tenant it belongs to."""

    def publish(self: BayeuxEngine, event: Event) -> int:
        targets = self.index.match(event.channel)
        for client_id in targets:
            client = self.clients.get(client_id)
            if client is not None:
                client.queue.put(event)
                client.signal.fire()
        return len(targets)

    monkeypatch.setattr(BayeuxEngine, "publish", publish)


def n2_subscribes_any_tenants_device(monkeypatch: Any) -> None:
    """A subscription's source may be any tenant's managed object, and it then hears that tenant."""
    from mockserver.state import MockState

    def source_exists(self: MockState, source: str) -> bool:
        return any(self.world(tenant).inventory.exists(source) for tenant in ("t100", "t200"))

    monkeypatch.setattr(MockState, "_source_exists", source_exists)
    original = Subscription.matches

    def matches(self: Subscription, event: Event, children_of: Any = None) -> bool:
        return original(self, replace(event, tenant=None), children_of)

    monkeypatch.setattr(Subscription, "matches", matches)


REALTIME_FAULTS = [
    Fault("CometD deletes not notified", "RT-COMETD-3", "DeleteNotNotified", patch=deletes_not_published),
    Fault("QUIESCENT and CEP on CometD", "RT-MODE-1", "QuiescentNotified", patch=every_mode_on_cometd),
    Fault("TRANSIENT not on CometD", "RT-MODE-1", "TransientNotNotified", patch=transient_not_published),
    Fault(
        "CometD event sent once per matching subscription",
        "RT-COMETD-4",
        "NotificationDuplicated",
        patch=once_per_matching_subscription,
    ),
    Fault(
        "CometD device channel hears every device",
        "RT-COMETD-4",
        "NotificationFromAnotherDevice",
        patch=device_channel_hears_every_device,
    ),
    Fault(
        "CometD unsubscribe ignored", "RT-COMETD-5", "NotificationAfterUnsubscribe", patch=unsubscribe_ignored
    ),
    Fault(
        "Notification 2.0 device filter ignored",
        "RT-N2-1",
        "NotificationFromAnotherDevice",
        patch=subscription_ignores_source,
    ),
    Fault("Notification 2.0 no redelivery", "RT-N2-2", "UnacknowledgedNotRedelivered", patch=no_redelivery),
    Fault("Notification 2.0 acks ignored", "RT-N2-2", "AcknowledgedRedelivered", patch=acks_ignored),
    Fault(
        "CometD hears every tenant",
        "RT-TENANT-1",
        "ForeignMeasurementNotified",
        patch=cometd_hears_every_tenant,
    ),
    Fault(
        "Notification 2.0 subscribes another tenant's device",
        "RT-TENANT-1",
        "ForeignSourceSubscribed",
        patch=n2_subscribes_any_tenants_device,
    ),
    Fault(
        "Notification 2.0 token valid after unsubscribe",
        "RT-N2-3",
        "TokenValidAfterUnsubscribe",
        patch=token_not_revoked,
    ),
]


# CometD over its websocket (RT-COMETD-6): the handshake keeps offering "websocket" in every variant.
def websocket_upgrade_refused(monkeypatch: Any) -> None:
    """The handshake lists websocket, but the upgrade at /notification/realtime is refused."""
    from starlette.websockets import WebSocket

    from mockserver.http.cometd import CometdTransport

    async def refuse(self: CometdTransport, socket: WebSocket) -> None:
        await socket.close(code=1008)  # before accept: the server answers the upgrade with 403

    monkeypatch.setattr(CometdTransport, "websocket", refuse)


def rewrite_cometd_frames(monkeypatch: Any, rewrite: Callable[[list[Any]], list[Any]]) -> None:
    """Rewrite every batch the mock sends on a CometD websocket (long-polling is untouched)."""
    from starlette.websockets import WebSocket

    original = WebSocket.send_text

    async def send_text(self: WebSocket, data: str) -> None:
        if self.scope.get("path", "").startswith("/notification/realtime"):
            data = json.dumps(rewrite(json.loads(data)))
        await original(self, data)

    monkeypatch.setattr(WebSocket, "send_text", send_text)


def is_data(message: Any) -> bool:
    return isinstance(message, dict) and not str(message.get("channel", "")).startswith("/meta/")


def websocket_loses_data(monkeypatch: Any) -> None:
    rewrite_cometd_frames(monkeypatch, lambda batch: [m for m in batch if not is_data(m)])


def websocket_repeats_data(monkeypatch: Any) -> None:
    def twice(batch: list[Any]) -> list[Any]:
        return [n for m in batch for n in ([m, m] if is_data(m) else [m])]

    rewrite_cometd_frames(monkeypatch, twice)


def websocket_sends_the_bare_measurement(monkeypatch: Any) -> None:
    """Data messages over the websocket carry the measurement without its realtimeAction envelope."""

    def unwrap(batch: list[Any]) -> list[Any]:
        return [{**m, "data": m["data"].get("data")} if is_data(m) else m for m in batch]

    rewrite_cometd_frames(monkeypatch, unwrap)


WEBSOCKET_FAULTS = [
    Fault(
        "CometD websocket offered but refused",
        "RT-COMETD-6",
        "WebsocketTransportRefused",
        patch=websocket_upgrade_refused,
    ),
    Fault(
        "CometD websocket loses data messages",
        "RT-COMETD-6",
        "CreateNotNotifiedOverWebsocket",
        patch=websocket_loses_data,
    ),
    Fault(
        "CometD websocket repeats data messages",
        "RT-COMETD-6",
        "NotificationDuplicated",
        patch=websocket_repeats_data,
    ),
    Fault(
        "CometD websocket drops the realtimeAction envelope",
        "RT-COMETD-6",
        "WrongNotificationPayload",
        patch=websocket_sends_the_bare_measurement,
    ),
]
REALTIME_FAULTS += WEBSOCKET_FAULTS
