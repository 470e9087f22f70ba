"""The CometD engine (mockserver/realtime/bayeux.py) without a server: batches in, replies out."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from mockserver.events import Event
from mockserver.jsoncodec import dumps
from mockserver.realtime.bayeux import BayeuxEngine, BayeuxSettings, Message
from mockserver.users import DEFAULT_USER, UserDirectory

TOKEN = base64.b64encode(b"t100/admin:admin").decode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def engine(**settings: Any) -> tuple[BayeuxEngine, Clock]:
    clock = Clock()
    return BayeuxEngine(UserDirectory(), BayeuxSettings(**settings), clock=clock), clock


def handshake(bayeux: BayeuxEngine, token: str | None = TOKEN, **kwargs: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"channel": "/meta/handshake", "id": "1", "version": "1.0"}
    if token is not None:
        message["ext"] = {"com.cumulocity.authn": {"token": token}}
    kwargs.setdefault("request_user", None)
    return bayeux.handle([message], base_url="http://h", **kwargs).replies[0]


def connected(bayeux: BayeuxEngine, *patterns: str) -> str:
    """A handshaken, subscribed client past its first (immediate) connect."""
    client_id = handshake(bayeux)["clientId"]
    batch = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": p} for p in patterns]
    bayeux.handle(
        [*batch, {"channel": "/meta/connect", "clientId": client_id}], request_user=None, base_url=""
    )
    return str(client_id)


def connect(bayeux: BayeuxEngine, client_id: str) -> Any:
    return bayeux.handle(
        [{"channel": "/meta/connect", "clientId": client_id}], request_user=None, base_url=""
    )


def created(source: str, id: str = "1") -> Event:
    return Event(f"/measurements/{source}", "CREATE", {"id": id, "source": {"id": source}})


def test_a_handshake_with_the_ext_token_answers_a_client_id_and_long_polling() -> None:
    bayeux, _ = engine()
    reply = handshake(bayeux)

    assert reply["successful"] is True
    assert reply["id"] == "1"
    assert "long-polling" in reply["supportedConnectionTypes"]
    assert reply["clientId"] in bayeux.clients


def test_a_handshake_without_token_uses_the_request_credentials() -> None:
    bayeux, _ = engine()

    assert handshake(bayeux, token=None, request_user=DEFAULT_USER)["successful"] is True


def test_wrong_credentials_are_refused_the_bayeux_way() -> None:
    bayeux, _ = engine()
    wrong = base64.b64encode(b"t100/admin:nope").decode()

    for reply in (handshake(bayeux, wrong), handshake(bayeux, None), handshake(bayeux, "%%%")):
        assert reply["successful"] is False
        assert reply["error"].startswith("401::")
        assert reply["advice"] == {"reconnect": "none"}
    assert bayeux.clients == {}


def test_an_unknown_client_is_told_to_handshake_again() -> None:
    bayeux, _ = engine()
    reply = connect(bayeux, "nobody").replies[0]

    assert reply["successful"] is False
    assert reply["error"].startswith("402::")
    assert reply["advice"]["reconnect"] == "handshake"


def test_the_first_connect_is_answered_at_once_and_a_later_one_is_held() -> None:
    bayeux, _ = engine()
    client_id = handshake(bayeux)["clientId"]

    first = connect(bayeux, client_id)
    second = connect(bayeux, client_id)

    assert first.held is None
    assert first.replies[0]["successful"] is True
    assert second.held is not None
    assert second.replies == []


def test_a_held_connect_answers_the_data_then_the_connect_reply() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/7")
    held = connect(bayeux, client_id).held
    assert held is not None

    bayeux.publish(created("7"))
    answer = bayeux.complete(held)

    assert [m["channel"] for m in answer] == ["/measurements/7", "/meta/connect"]
    assert answer[0]["data"]["realtimeAction"] == "CREATE"
    assert held.client.signal.fired


def test_data_waiting_before_a_connect_is_answered_without_holding() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/*")
    bayeux.publish(created("3"))

    exchange = connect(bayeux, client_id)

    assert exchange.held is None
    assert [m["channel"] for m in exchange.replies] == ["/measurements/3", "/meta/connect"]


def test_a_delete_carries_only_the_id() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/3")
    bayeux.publish(Event("/measurements/3", "DELETE", {"id": "42", "source": {"id": "3"}}))

    assert connect(bayeux, client_id).replies[0]["data"] == {"realtimeAction": "DELETE", "data": "42"}


@given(st.sets(st.sampled_from(["/measurements/5", "/measurements/*", "/**", "/measurements/6"]), min_size=1))
def test_an_event_reaches_a_client_once_however_many_subscriptions_match(patterns: set[str]) -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, *patterns)
    bayeux.publish(created("5"))

    data = [m for m in connect(bayeux, client_id).replies if m["channel"] != "/meta/connect"]
    expected = 1 if patterns - {"/measurements/6"} else 0
    assert len(data) == expected


def test_nothing_arrives_from_another_device_or_after_unsubscribing() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/1")
    bayeux.publish(created("2"))
    unsubscribe = {"channel": "/meta/unsubscribe", "clientId": client_id, "subscription": "/measurements/1"}
    reply = bayeux.handle([unsubscribe], request_user=None, base_url="").replies[0]
    bayeux.publish(created("1"))

    assert reply == {
        "channel": "/meta/unsubscribe",
        "successful": True,
        "clientId": client_id,
        "subscription": "/measurements/1",
    }
    assert connect(bayeux, client_id).held is not None


def test_a_full_queue_drops_the_oldest_message_and_counts_it() -> None:
    bayeux, _ = engine(queue_capacity=3)
    client_id = connected(bayeux, "/measurements/1")
    for i in range(5):
        bayeux.publish(created("1", id=str(i)))

    replies = connect(bayeux, client_id).replies
    assert [m["data"]["data"]["id"] for m in replies[:-1]] == ["2", "3", "4"]
    assert bayeux.clients[client_id].queue.dropped == 2


def test_a_client_that_stops_connecting_is_reaped_and_must_handshake_again() -> None:
    bayeux, clock = engine(max_interval_s=10)
    client_id = connected(bayeux, "/measurements/1")
    clock.now += 11

    assert bayeux.reap() == 1
    assert bayeux.publish(created("1")) == 0
    assert connect(bayeux, client_id).replies[0]["advice"]["reconnect"] == "handshake"


def test_a_client_holding_a_connect_is_not_reaped() -> None:
    bayeux, clock = engine(max_interval_s=10)
    client_id = connected(bayeux, "/measurements/1")
    assert connect(bayeux, client_id).held is not None
    clock.now += 11

    assert bayeux.reap() == 0


def test_the_number_of_clients_is_bounded_by_reaping_the_longest_idle() -> None:
    bayeux, clock = engine(max_clients=2)
    first = handshake(bayeux)["clientId"]
    clock.now += 1
    handshake(bayeux)
    clock.now += 1
    handshake(bayeux)

    assert len(bayeux.clients) == 2
    assert first not in bayeux.clients


def test_meta_subscribe_refuses_a_meta_channel_and_publishing_is_refused() -> None:
    bayeux, _ = engine()
    client_id = handshake(bayeux)["clientId"]
    batch = [
        {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/meta/connect"},
        {"channel": "/measurements/1", "clientId": client_id, "data": {}},
        "not a message",
    ]
    replies = bayeux.handle(batch, request_user=None, base_url="").replies

    assert [r["successful"] for r in replies] == [False, False, False]
    assert [r["error"][:4] for r in replies] == ["400:", "403:", "400:"]


def test_disconnect_forgets_the_client_and_releases_its_held_connect() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/1")
    held = connect(bayeux, client_id).held
    assert held is not None
    bayeux.handle([{"channel": "/meta/disconnect", "clientId": client_id}], request_user=None, base_url="")

    assert client_id not in bayeux.clients
    assert bayeux.complete(held)[-1]["advice"]["reconnect"] == "handshake"


def test_the_signal_wakes_a_waiter_from_another_thread() -> None:
    bayeux, _ = engine()
    client_id = connected(bayeux, "/measurements/1")
    held = connect(bayeux, client_id).held
    assert held is not None

    async def wait_while_another_thread_publishes() -> bool:
        waiter = asyncio.create_task(held.client.signal.wait(5.0))
        await asyncio.sleep(0)  # let the waiter register before the publisher runs
        await asyncio.to_thread(bayeux.publish, created("1"))
        return await waiter

    assert asyncio.run(wait_while_another_thread_publishes()) is True


def test_a_vanished_client_is_reaped_by_the_next_batch_of_anyone() -> None:
    bayeux, clock = engine(max_interval_s=10)
    gone = connected(bayeux, "/measurements/1")
    clock.now += 11
    handshake(bayeux)

    assert gone not in bayeux.clients


def as_sent(message: Message) -> Message:
    """A message as the transport sends it: the hub hands over its data encoded once per event."""
    decoded: Message = orjson.loads(dumps(message))
    return decoded


def test_managed_object_changes_are_published_on_their_channel() -> None:
    from mockserver.state import MockState

    state = MockState()
    device = state.inventory.create({"name": "d"}, owner="admin")
    bayeux = state.realtime.bayeux
    client_id = connected(bayeux, f"/managedobjects/{device['id']}")
    state.inventory.update(device["id"], {"name": "renamed"})
    state.inventory.delete(device["id"])

    data = [as_sent(m)["data"] for m in connect(bayeux, client_id).replies[:-1]]
    assert [d["realtimeAction"] for d in data] == ["UPDATE", "DELETE"]
    assert data[0]["data"]["name"] == "renamed"
    assert data[1]["data"] == device["id"]


def test_the_hub_encodes_an_event_once_for_every_client() -> None:
    from mockserver.state import MockState

    state = MockState()
    device = state.inventory.create({"name": "d"}, owner="admin")
    bayeux = state.realtime.bayeux
    clients = [connected(bayeux, f"/measurements/{device['id']}") for _ in range(3)]
    state.measurements.create({"source": {"id": device["id"]}, "time": "2024-01-01T00:00:00Z", "type": "t"})

    first, *others = [connect(bayeux, c).replies[0] for c in clients]
    assert isinstance(first["data"], orjson.Fragment)
    assert all(m["data"] is first["data"] for m in others)
    assert as_sent(first)["data"]["data"]["source"]["id"] == device["id"]


def test_a_collection_delete_notifies_each_measurement_it_removes() -> None:
    from mockserver.measurements.filters import MeasurementFilter
    from mockserver.state import MockState

    state = MockState()
    device = state.inventory.create({"name": "d"}, owner="admin")
    bayeux = state.realtime.bayeux
    client_id = connected(bayeux, "/measurements/*")
    for minute in range(3):
        state.measurements.create(
            {"source": {"id": device["id"]}, "time": f"2024-01-01T00:0{minute}:00Z", "type": "t"}
        )
    state.measurements.delete_matching(MeasurementFilter(sources=frozenset({device["id"]})))

    actions = [as_sent(m)["data"]["realtimeAction"] for m in connect(bayeux, client_id).replies[:-1]]
    assert actions == ["CREATE"] * 3 + ["DELETE"] * 3
