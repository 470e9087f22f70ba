"""Every Notification 2.0 subscriber of one mock, with the bounds that hold them all.

:class:`Deliveries` finds or creates a subscriber for a consumer connection, offers each
published event once to every subscriber of a matching subscription, and keeps the bounds of
:class:`~mockserver.realtime.consumers.DeliverySettings`: the total of all backlogs, the
number of subscribers, and the reaping of late consumers and long-detached subscribers. It
takes time from an injected ``clock`` (tests move it by hand).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mockserver.events import Event
from mockserver.realtime.consumers import (
    ACK_TIMEOUT_REASON,
    REAP_EVERY_S,
    Budget,
    DeliverySettings,
    Render,
    Subscriber,
    SubscriberKey,
    frame_text,
)
from mockserver.realtime.subscriptions import Subscription


class Deliveries:
    """Every subscriber of one mock, keyed by (tenant, subscription, subscriber)."""

    def __init__(
        self, settings: DeliverySettings | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings or DeliverySettings()
        self.clock = clock
        self.subscribers: dict[SubscriberKey, Subscriber] = {}
        self.budget = Budget(self.settings.total_capacity)
        self._lock = threading.RLock()
        self._last_reap = clock()

    def subscriber(
        self, key: SubscriberKey, *, base_url: str, non_persistent: bool, shared: bool
    ) -> Subscriber:
        self.maybe_reap()
        with self._lock:
            found = self.subscribers.get(key)
            if found is None:
                if len(self.subscribers) >= self.settings.max_subscribers:
                    self._make_room()
                found = self.subscribers[key] = Subscriber(
                    key,
                    base_url,
                    non_persistent,
                    shared,
                    budget=self.budget,
                    capacity=self.settings.backlog_capacity,
                    clock=self.clock,
                    idle_since=self.clock(),
                )
            return found

    def _make_room(self) -> None:
        """Forget the longest idle subscriber: without consumers first, by how long."""
        victim = min(self.subscribers.values(), key=lambda s: (bool(s.consumers), s.idle_since))
        self.remove(victim.key)

    def publish(self, event: Event, matching: list[Subscription], render: Render) -> int:
        """Offer ``event`` once to each subscriber of a matching subscription; how many."""
        self.maybe_reap()
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
        self._keep_total_bound(len(targets))
        bodies: dict[tuple[int, str], str] = {}
        for subscriber, sub in targets:
            cache_key = (id(sub), subscriber.base_url)
            body = bodies.get(cache_key)
            if body is None:
                body = bodies[cache_key] = render(event, sub, subscriber.base_url)
            ack_id = subscriber.next_ack_id()
            subscriber.offer(ack_id, frame_text(ack_id, subscriber.key.tenant, event, body))
        return len(targets)

    def _keep_total_bound(self, coming: int) -> None:
        """Drop the oldest messages of the longest backlogs until ``coming`` more fit."""
        excess = self.budget.used + coming - self.budget.capacity
        if excess <= 0:
            return
        with self._lock:
            longest = sorted(self.subscribers.values(), key=lambda s: len(s.pending), reverse=True)
        for subscriber in longest:
            excess -= subscriber.drop_oldest(excess)
            if excess <= 0:
                return

    def maybe_reap(self) -> None:
        now = self.clock()
        if now - self._last_reap >= REAP_EVERY_S:
            self._last_reap = now
            self.reap()

    def reap(self) -> int:
        """Close late consumers and forget long-detached subscribers; how many were forgotten."""
        now = self.clock()
        with self._lock:
            subscribers = list(self.subscribers.values())
        forgotten = 0
        for subscriber in subscribers:
            for consumer in subscriber.late_consumers(now - self.settings.ack_timeout_s):
                subscriber.detach(consumer, reason=ACK_TIMEOUT_REASON)
            if not subscriber.consumers and now - subscriber.idle_since >= self.settings.detached_ttl_s:
                forgotten += self.remove(subscriber.key)
        return forgotten

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
