"""Notification 2.0 delivery bounds without a server: reaping by an injected clock, the total
of all backlogs, the number of subscribers, shared consumers and slow consumers."""

from __future__ import annotations

import json
from pathlib import Path

from mockserver.events import Event
from mockserver.realtime.consumers import ACK_TIMEOUT_REASON, DeliverySettings, Subscriber, SubscriberKey
from mockserver.realtime.deliveries import Deliveries
from mockserver.realtime.subscriptions import Subscription, SubscriptionStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def subscription(name: str = "s1") -> Subscription:
    store = SubscriptionStore(lambda id: True)
    return store.create({"subscription": name, "context": "mo", "source": {"id": "1"}}, tenant="t")


def measurement(id: str) -> Event:
    return Event("/measurements/1", "CREATE", {"id": id, "type": "t", "source": {"id": "1"}})


def render(event: Event, sub: Subscription, base_url: str) -> str:
    return json.dumps(dict(event.payload), separators=(",", ":"))


def ids(frames: list[object]) -> list[str]:
    return [json.loads(f.text.split("\n")[-1])["id"] for f in frames]  # type: ignore[attr-defined]


def subscriber(deliveries: Deliveries, name: str = "me", *, shared: bool = False) -> Subscriber:
    key = SubscriberKey("t", "s1", name)
    return deliveries.subscriber(key, base_url="http://h", non_persistent=False, shared=shared)


SETTINGS = DeliverySettings(ack_timeout_s=60, detached_ttl_s=3600)


def test_a_consumer_that_stops_acknowledging_is_closed_after_the_ack_timeout() -> None:
    clock = Clock()
    deliveries = Deliveries(SETTINGS, clock)
    sub, one = subscription(), subscriber(deliveries)
    consumer = one.attach(None)
    deliveries.publish(measurement("a"), [sub], render)
    assert ids(consumer.take()) == ["a"]

    clock.now += 59.9
    deliveries.reap()
    assert not consumer.closed

    clock.now += 0.2
    deliveries.reap()
    assert consumer.closed
    assert consumer.close_reason == ACK_TIMEOUT_REASON
    assert one.consumers == []
    assert ids(one.attach(None).take()) == ["a"]  # the message waited for the next connection


def test_a_consumer_that_acknowledges_in_time_stays() -> None:
    clock = Clock()
    deliveries = Deliveries(SETTINGS, clock)
    sub, one = subscription(), subscriber(deliveries)
    consumer = one.attach(None)
    for i in range(3):
        deliveries.publish(measurement(str(i)), [sub], render)
        clock.now += 50
        for frame in consumer.take():
            assert one.ack(frame.ack_id)
        deliveries.reap()
    assert not consumer.closed
    assert len(one.pending) == 0
    assert deliveries.budget.used == 0


def test_a_subscriber_without_a_consumer_is_forgotten_after_the_detached_ttl() -> None:
    clock = Clock()
    deliveries = Deliveries(SETTINGS, clock)
    sub, one = subscription(), subscriber(deliveries)
    one.detach(one.attach(None))
    deliveries.publish(measurement("a"), [sub], render)

    clock.now += 3599
    assert deliveries.reap() == 0
    assert len(one.pending) == 1

    clock.now += 1
    assert deliveries.reap() == 1
    assert deliveries.subscribers == {}
    assert deliveries.budget.used == 0
    assert subscriber(deliveries).attach(None).take() == []  # a new, empty subscriber


def test_reaping_runs_on_a_publish_at_most_once_a_second() -> None:
    clock = Clock()
    deliveries = Deliveries(SETTINGS, clock)
    sub, one = subscription(), subscriber(deliveries)
    consumer = one.attach(None)
    deliveries.publish(measurement("a"), [sub], render)
    clock.now += 61
    deliveries.publish(measurement("b"), [sub], render)
    assert consumer.closed


def test_all_backlogs_together_hold_at_most_the_total_capacity() -> None:
    deliveries = Deliveries(DeliverySettings(backlog_capacity=10, total_capacity=6))
    sub = subscription()
    first, second = subscriber(deliveries, "first"), subscriber(deliveries, "second")
    for i in range(5):
        deliveries.publish(measurement(str(i)), [sub], render)

    assert deliveries.budget.used == sum(len(s.pending) for s in (first, second)) <= 6
    # The oldest messages of the longest backlogs made room; the newest are kept by both.
    assert ids(first.attach(None).take())[-1] == ids(second.attach(None).take())[-1] == "4"
    assert first.dropped + second.dropped == 4


def test_the_number_of_subscribers_is_bounded_by_forgetting_the_longest_idle() -> None:
    clock = Clock()
    deliveries = Deliveries(DeliverySettings(max_subscribers=2), clock)
    oldest = subscriber(deliveries, "oldest")
    clock.now += 1
    connected = subscriber(deliveries, "connected")
    connected.attach(None)
    clock.now += 1
    subscriber(deliveries, "newest")
    assert {k.subscriber for k in deliveries.subscribers} == {"connected", "newest"}
    assert oldest.pending == {}


def test_two_consumers_of_a_shared_subscriber_each_receive_a_disjoint_part() -> None:
    deliveries = Deliveries()
    sub, shared = subscription(), subscriber(deliveries, shared=True)
    left, right = shared.attach("left"), shared.attach("right")
    for i in range(10):
        deliveries.publish(measurement(str(i)), [sub], render)

    got_left, got_right = ids(left.take()), ids(right.take())
    assert got_left
    assert got_right
    assert set(got_left).isdisjoint(got_right)
    assert sorted(got_left + got_right, key=int) == [str(i) for i in range(10)]


def test_what_a_shared_consumer_leaves_unacknowledged_goes_to_the_other() -> None:
    deliveries = Deliveries()
    sub, shared = subscription(), subscriber(deliveries, shared=True)
    left, right = shared.attach("left"), shared.attach("right")
    for i in range(4):
        deliveries.publish(measurement(str(i)), [sub], render)
    left_frames = left.take()
    right.take()
    shared.detach(left)

    assert ids(right.take()) == ids(left_frames)
    deliveries.publish(measurement("4"), [sub], render)
    assert ids(right.take()) == ["4"]


def test_a_consumer_that_does_not_read_holds_a_bounded_outbox_and_delays_nobody() -> None:
    deliveries = Deliveries(DeliverySettings(backlog_capacity=5, total_capacity=100))
    sub = subscription()
    stalled, reader = subscriber(deliveries, "stalled"), subscriber(deliveries, "reader")
    stalled_consumer, reading = stalled.attach(None), reader.attach(None)
    for i in range(50):
        assert deliveries.publish(measurement(str(i)), [sub], render) == 2  # never waits for anyone
        for frame in reading.take():
            reader.ack(frame.ack_id)

    assert len(stalled_consumer.outbox) <= 5
    assert len(stalled.pending) == 5
    assert stalled.dropped == 45
    assert ids(stalled_consumer.take()) == [str(i) for i in range(45, 50)]
    assert len(reader.pending) == 0


def test_the_default_bounds_are_the_ones_the_asyncapi_document_states() -> None:
    text = " ".join((Path(__file__).parents[2] / "spec" / "asyncapi" / "realtime.yaml").read_text().split())
    defaults = DeliverySettings()
    assert f"A backlog holds {defaults.backlog_capacity:,} unacknowledged messages" in text
    assert f"all backlogs of a server together {defaults.total_capacity:,}" in text
    assert f"unacknowledged for {defaults.ack_timeout_s:g} s" in text
    assert defaults.detached_ttl_s == 3600
    assert "no consumer connected for 1 hour" in text
    assert f"at most {defaults.max_subscribers:,} subscribers" in text
    assert f"reason `{ACK_TIMEOUT_REASON}`" in text
