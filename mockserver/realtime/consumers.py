"""Notification 2.0 delivery: subscribers, their backlogs, acknowledgements and redelivery.

A *subscriber* is named by a token (tenant, subscription name, subscriber name) and exists
from its first consumer connection until ``/notification2/unsubscribe`` (or until it is
reaped, below). It keeps every message it has not acknowledged, in order, in its backlog; a
connected *consumer* (one websocket) is sent each new message at once, and a consumer that
connects is first sent the whole backlog: what was published while nobody was connected, and
what an earlier connection received but did not acknowledge (at-least-once, in order). A
message leaves the backlog when its ``ackId`` comes back. Shared subscribers (``shared``
tokens) deal each message to one of their consumers in turn; what a consumer that leaves did
not acknowledge is dealt to the others.

Bounds (:class:`DeliverySettings`, written in ``spec/asyncapi/realtime.yaml``): a backlog
holds ``backlog_capacity`` messages and all backlogs together ``total_capacity``; when full,
the oldest message (of this backlog, or of the longest one) is dropped and counted
(``dropped``). A consumer's outbox (written, not yet sent) is bounded the same way, so a
consumer that reads slowly only falls behind itself. Publishing never waits for a consumer.
A subscriber of a non-persistent subscription keeps nothing while no consumer is connected.

Reaping (:meth:`Deliveries.reap`, at most every :data:`REAP_EVERY_S` on any publish or
connection): a consumer holding a message unacknowledged for ``ack_timeout_s`` is closed
(its messages stay in the backlog, for the next connection or the other shared consumers); a
subscriber without a consumer for ``detached_ttl_s`` is forgotten with its backlog; at most
``max_subscribers`` exist (the longest idle is forgotten to make room).

A frame is ``<ackId>\\n/<tenant>/<api>/<sourceId>\\n<ACTION>\\n\\n<one-line JSON>``; the JSON of a
deletion is ``{"id": "<id>"}``.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from mockserver.events import Event
from mockserver.realtime.bounded import Signal
from mockserver.realtime.channels import family, last_segment
from mockserver.realtime.subscriptions import Subscription

REAP_EVERY_S = 1.0
ACK_TIMEOUT_REASON = "acknowledgement timeout"

Render = Callable[[Event, Subscription, str], str]


@dataclass(frozen=True)
class DeliverySettings:
    """The bounds of Notification 2.0 delivery (see the module docstring)."""

    backlog_capacity: int = 10_000
    total_capacity: int = 100_000
    ack_timeout_s: float = 60.0
    detached_ttl_s: float = 3600.0
    max_subscribers: int = 10_000


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
    sent_at: float = 0.0


class Budget:
    """How many messages all backlogs hold together (thread-safe; the innermost lock)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._lock = threading.Lock()

    def add(self, count: int) -> None:
        with self._lock:
            self.used += count


@dataclass(eq=False)
class Consumer:
    """One websocket connection of a subscriber: frames to send, and a signal to send them."""

    subscriber: Subscriber
    name: str | None
    outbox: deque[Frame]
    signal: Signal = field(default_factory=Signal)
    closed: bool = False
    close_reason: str | None = None

    def take(self) -> list[Frame]:
        """The frames to send now, still unacknowledged, oldest first."""
        with self.subscriber.lock:
            frames = list(self.outbox)
            self.outbox.clear()
            pending = self.subscriber.pending
            return [f for f in frames if pending.get(f.ack_id) is f]


@dataclass(eq=False)
class Subscriber:
    key: SubscriberKey
    base_url: str
    non_persistent: bool
    shared: bool
    budget: Budget
    capacity: int
    clock: Callable[[], float]
    idle_since: float
    pending: OrderedDict[str, Frame] = field(default_factory=OrderedDict)
    consumers: list[Consumer] = field(default_factory=list)
    dropped: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ack_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _turn: int = 0

    def next_ack_id(self) -> str:
        return str(next(self._ack_ids))

    def offer(self, ack_id: str, text: str) -> None:
        now = self.clock()
        with self.lock:
            if self.non_persistent and not self.consumers:
                return
            frame = Frame(ack_id, text)
            if len(self.pending) >= self.capacity:
                self.pending.popitem(last=False)
                self.dropped += 1
            else:
                self.budget.add(1)
            self.pending[ack_id] = frame
            if self.consumers:
                consumer = (
                    self.consumers[self._turn % len(self.consumers)] if self.shared else self.consumers[0]
                )
                self._turn += 1
                self._hand(frame, consumer, now)
                consumer.signal.fire()

    def _hand(self, frame: Frame, consumer: Consumer, now: float) -> None:
        frame.owner, frame.sent_at = consumer, now
        consumer.outbox.append(frame)

    def attach(self, name: str | None) -> Consumer:
        now = self.clock()
        with self.lock:
            consumer = Consumer(self, name, deque(maxlen=self.capacity))
            if not self.shared:
                for old in self.consumers:  # one consumer per unshared subscriber: the new one wins
                    old.closed = True
                    old.signal.fire()
                self.consumers = []
            live = set(map(id, self.consumers))
            for frame in self.pending.values():
                if frame.owner is None or id(frame.owner) not in live:
                    self._hand(frame, consumer, now)
            self.consumers.append(consumer)
            consumer.signal.fire()
            return consumer

    def detach(self, consumer: Consumer, reason: str | None = None) -> None:
        """``consumer`` leaves; what it did not acknowledge goes to the other consumers, if any."""
        now = self.clock()
        with self.lock:
            if consumer in self.consumers:
                self.consumers.remove(consumer)
            consumer.closed = True
            consumer.close_reason = consumer.close_reason or reason
            consumer.signal.fire()
            for frame in self.pending.values():
                if frame.owner is consumer:
                    frame.owner = None
                    if self.consumers:
                        heir = self.consumers[self._turn % len(self.consumers)]
                        self._turn += 1
                        self._hand(frame, heir, now)
                        heir.signal.fire()
            if not self.consumers:
                self.idle_since = now

    def late_consumers(self, deadline: float) -> list[Consumer]:
        """The consumers holding a message handed to them before ``deadline``, unacknowledged."""
        with self.lock:
            live = {id(c): c for c in self.consumers}
            late = {
                id(f.owner) for f in self.pending.values() if f.owner is not None and f.sent_at < deadline
            }
            return [consumer for key, consumer in live.items() if key in late]

    def ack(self, ack_id: str) -> bool:
        with self.lock:
            found = self.pending.pop(ack_id.strip(), None) is not None
        if found:
            self.budget.add(-1)
        return found

    def drop_oldest(self, count: int) -> int:
        """Drop up to ``count`` of the oldest waiting messages (the total bound); how many."""
        with self.lock:
            gone = 0
            while self.pending and gone < count:
                self.pending.popitem(last=False)
                gone += 1
            self.dropped += gone
        self.budget.add(-gone)
        return gone

    def close(self) -> None:
        with self.lock:
            for consumer in self.consumers:
                consumer.closed = True
                consumer.signal.fire()
            self.consumers = []
            held = len(self.pending)
            self.pending.clear()
        self.budget.add(-held)


def frame_text(ack_id: str, tenant: str, event: Event, body: str) -> str:
    """One Notification 2.0 frame (see the module docstring)."""
    source = last_segment(event.channel)
    return f"{ack_id}\n/{tenant}/{family(event.channel)}/{source}\n{event.action}\n\n{body}"
