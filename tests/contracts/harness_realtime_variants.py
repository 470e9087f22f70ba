"""Broken realtime variants of the mock: each breaks one rule of spec/asyncapi/realtime.yaml in
the domain (``mockserver/realtime``), through pytest's monkeypatch, in the test process only."""

from __future__ import annotations

from typing import Any

from harness_faults import Fault

from mockserver.events import Event
from mockserver.realtime.bayeux import BayeuxEngine
from mockserver.realtime.channels import ChannelIndex
from mockserver.realtime.consumers import Subscriber
from mockserver.realtime.subscriptions import Subscription
from mockserver.realtime.tokens import TokenIssuer


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


REALTIME_FAULTS = [
    Fault("CometD deletes not notified", "RT-COMETD-3", "DeleteNotNotified", patch=deletes_not_published),
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
        "Notification 2.0 token valid after unsubscribe",
        "RT-N2-3",
        "TokenValidAfterUnsubscribe",
        patch=token_not_revoked,
    ),
]
