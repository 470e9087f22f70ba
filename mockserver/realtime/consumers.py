"""Notification 2.0 delivery: subscribers, their backlogs, acknowledgements and redelivery.

A *subscriber* is named by a token (tenant, subscription name, subscriber name) and exists
from its first consumer connection until ``/notification2/unsubscribe``. It keeps every
message it has not acknowledged, in order, in its backlog; a connected *consumer* (one
websocket) is sent each new message at once, and a consumer that connects is first sent the
whole backlog: what was published while nobody was connected, and what an earlier connection
received but did not acknowledge (at-least-once, in order). A message leaves the backlog when
its ``ackId`` comes back.

Bounds: a backlog holds :data:`BACKLOG_CAPACITY` messages; when full the oldest unacknowledged
message is dropped and counted (``dropped``). Publishing never waits for a consumer. A
subscriber of a non-persistent subscription keeps nothing while no consumer is connected.
Shared subscribers (``shared`` tokens) hand each message to one of their consumers in turn.

A frame is ``<ackId>\\n/<tenant>/<api>/<sourceId>\\n<ACTION>\\n\\n<one-line JSON>``; the JSON of a
deletion is ``{"id": "<id>"}``.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from mockserver.events import Event
from mockserver.realtime.bounded import Signal
from mockserver.realtime.channels import family, last_segment
from mockserver.realtime.subscriptions import Subscription

BACKLOG_CAPACITY = 10_000

Render = Callable[[Event, Subscription, str], str]


@dataclass(frozen=True)
class SubscriberKey:
    tenant: str
    subscription: str
    subscriber: str


@dataclass(eq=False)
class Frame:
    ack_id: str
    text: str
    owner: Consumer | None = None


@dataclass(eq=False)
class Consumer:
    """One websocket connection of a subscriber: frames to send, and a signal to send them."""

    subscriber: Subscriber
    name: str | None
    outbox: list[Frame] = field(default_factory=list)
    signal: Signal = field(default_factory=Signal)
    closed: bool = False

    def take(self) -> list[Frame]:
        """The frames to send now, still unacknowledged, oldest first."""
        with self.subscriber.lock:
            frames, self.outbox = self.outbox, []
            pending = self.subscriber.pending
            return [f for f in frames if pending.get(f.ack_id) is f]


@dataclass(eq=False)
class Subscriber:
    key: SubscriberKey
    base_url: str
    non_persistent: bool
    shared: bool
    pending: OrderedDict[str, Frame] = field(default_factory=OrderedDict)
    consumers: list[Consumer] = field(default_factory=list)
    dropped: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ack_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _turn: int = 0

    def next_ack_id(self) -> str:
        return str(next(self._ack_ids))

    def offer(self, ack_id: str, text: str) -> None:
        with self.lock:
            if self.non_persistent and not self.consumers:
                return
            frame = Frame(ack_id, text)
            if len(self.pending) >= BACKLOG_CAPACITY:
                self.pending.popitem(last=False)
                self.dropped += 1
            self.pending[ack_id] = frame
            if self.consumers:
                consumer = (
                    self.consumers[self._turn % len(self.consumers)] if self.shared else self.consumers[0]
                )
                self._turn += 1
                frame.owner = consumer
                consumer.outbox.append(frame)
                consumer.signal.fire()

    def attach(self, name: str | None) -> Consumer:
        with self.lock:
            consumer = Consumer(self, name)
            if not self.shared:
                for old in self.consumers:  # one consumer per unshared subscriber: the new one wins
                    old.closed = True
                    old.signal.fire()
                self.consumers = []
            live = set(map(id, self.consumers))
            for frame in self.pending.values():
                if frame.owner is None or id(frame.owner) not in live:
                    frame.owner = consumer
                    consumer.outbox.append(frame)
            self.consumers.append(consumer)
            consumer.signal.fire()
            return consumer

    def detach(self, consumer: Consumer) -> None:
        with self.lock:
            if consumer in self.consumers:
                self.consumers.remove(consumer)
            consumer.closed = True

    def ack(self, ack_id: str) -> bool:
        with self.lock:
            return self.pending.pop(ack_id.strip(), None) is not None

    def close(self) -> None:
        with self.lock:
            for consumer in self.consumers:
                consumer.closed = True
                consumer.signal.fire()
            self.consumers = []
            self.pending.clear()


def frame_text(ack_id: str, tenant: str, event: Event, body: str) -> str:
    """One Notification 2.0 frame (see the module docstring)."""
    source = last_segment(event.channel)
    return f"{ack_id}\n/{tenant}/{family(event.channel)}/{source}\n{event.action}\n\n{body}"


class Deliveries:
    """Every subscriber of one mock, keyed by (tenant, subscription, subscriber)."""

    def __init__(self) -> None:
        self.subscribers: dict[SubscriberKey, Subscriber] = {}
        self._lock = threading.RLock()

    def subscriber(
        self, key: SubscriberKey, *, base_url: str, non_persistent: bool, shared: bool
    ) -> Subscriber:
        with self._lock:
            found = self.subscribers.get(key)
            if found is None:
                found = self.subscribers[key] = Subscriber(key, base_url, non_persistent, shared)
            return found

    def publish(self, event: Event, matching: list[Subscription], render: Render) -> int:
        """Offer ``event`` once to each subscriber of a matching subscription; how many."""
        by_name: dict[tuple[str, str], Subscription] = {}
        for sub in matching:
            by_name.setdefault((sub.tenant, sub.name), sub)
        if not by_name:
            return 0
        with self._lock:
            targets = [
                (s, by_name[k])
                for key, s in self.subscribers.items()
                if (k := (key.tenant, key.subscription)) in by_name
            ]
        bodies: dict[tuple[int, str], str] = {}
        for subscriber, sub in targets:
            cache_key = (id(sub), subscriber.base_url)
            body = bodies.get(cache_key)
            if body is None:
                body = bodies[cache_key] = render(event, sub, subscriber.base_url)
            ack_id = subscriber.next_ack_id()
            subscriber.offer(ack_id, frame_text(ack_id, subscriber.key.tenant, event, body))
        return len(targets)

    def remove(self, key: SubscriberKey) -> bool:
        with self._lock:
            found = self.subscribers.pop(key, None)
        if found is not None:
            found.close()
        return found is not None

    def remove_subscription(self, tenant: str, name: str) -> None:
        with self._lock:
            keys = [k for k in self.subscribers if (k.tenant, k.subscription) == (tenant, name)]
        for key in keys:
            self.remove(key)

    def clear(self) -> None:
        for key in list(self.subscribers):
            self.remove(key)

    def stats(self) -> dict[str, int]:
        with self._lock:
            subscribers = list(self.subscribers.values())
        return {
            "subscribers": len(subscribers),
            "consumers": sum(len(s.consumers) for s in subscribers),
            "backlog": sum(len(s.pending) for s in subscribers),
            "dropped": sum(s.dropped for s in subscribers),
        }
