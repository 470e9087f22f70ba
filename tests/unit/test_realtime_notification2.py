"""Notification 2.0 without a server: subscriptions, tokens, backlogs, acks and redelivery."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import Conflict, NotFound, Unauthorized, ValidationError
from mockserver.events import Event
from mockserver.realtime.consumers import DeliverySettings, SubscriberKey
from mockserver.realtime.deliveries import Deliveries
from mockserver.realtime.subscriptions import SubscriptionQuery, SubscriptionStore, parse_type_filter
from mockserver.realtime.tokens import TokenIssuer, TokenRequest
from mockserver.state import MockState


def store() -> SubscriptionStore:
    return SubscriptionStore(lambda id: id in {"1", "2"})


def mo(name: str = "s1", source: str = "1", **extra: Any) -> dict[str, Any]:
    return {"subscription": name, "context": "mo", "source": {"id": source}, **extra}


def measurement(source: str, id: str = "9", type: str = "t") -> Event:
    return Event(
        f"/measurements/{source}", "CREATE", {"id": id, "type": type, "source": {"id": source}, "f": {}}
    )


def test_the_same_name_context_and_source_twice_is_a_conflict() -> None:
    subs = store()
    subs.create(mo(), tenant="t100")
    subs.create(mo(source="2"), tenant="t100")

    with pytest.raises(Conflict):
        subs.create(mo(), tenant="t100")


@pytest.mark.parametrize(
    "doc",
    [
        mo(name="has space"),
        {"subscription": "s", "context": "device"},
        {"subscription": "s", "context": "mo"},
        {"subscription": "s", "context": "tenant", "subscriptionFilter": {"apis": ["measurements"]}},
        mo(subscriptionFilter={"apis": ["nothing"]}),
        mo(subscriptionFilter={"apis": []}),
        mo(subscriptionFilter={"typeFilter": 5}),
        mo(fragmentsToCopy="f"),
        mo(nonPersistent="yes"),
        [],
    ],
    ids=[
        "bad-name",
        "bad-context",
        "no-source",
        "tenant-measurements",
        "unknown-api",
        "no-apis",
        "type-not-string",
        "fragments-not-list",
        "non-persistent-not-bool",
        "not-an-object",
    ],
)
def test_a_subscription_breaking_a_rule_is_a_422(doc: Any) -> None:
    with pytest.raises(ValidationError):
        store().create(doc, tenant="t100")


def test_a_source_that_names_no_managed_object_of_the_tenant_is_a_404() -> None:
    with pytest.raises(NotFound):
        store().create(mo(source="404"), tenant="t100")


def test_a_mo_subscription_matches_its_source_its_apis_and_its_types() -> None:
    subs = store()
    sub = subs.create(
        mo(subscriptionFilter={"apis": ["measurements"], "typeFilter": "'a' or 'b'"}), tenant="t"
    )

    assert sub.matches(measurement("1", type="a"))
    assert not sub.matches(measurement("1", type="c"))
    assert not sub.matches(measurement("2", type="a"))
    assert not sub.matches(Event("/managedobjects/1", "UPDATE", {"id": "1", "type": "a"}))
    assert sub.matches(Event("/measurements/1", "DELETE", {"id": "9"}))


def test_a_tenant_subscription_matches_every_source_and_answers_the_tenant_as_source() -> None:
    sub = store().create({"subscription": "all", "context": "tenant"}, tenant="t100")

    assert sub.matches(Event("/managedobjects/77", "CREATE", {"id": "77"}))
    assert sub.document()["source"] == {"id": "t100"}


def test_fragments_to_copy_keep_only_the_standard_properties_and_those_fragments() -> None:
    sub = store().create(mo(fragmentsToCopy=["keep"]), tenant="t")

    copy = sub.copy_of({"id": "1", "type": "x", "time": "t", "keep": 1, "drop": 2})
    assert copy == {"id": "1", "type": "x", "time": "t", "keep": 1}


@given(st.lists(st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=4))
def test_an_odata_or_of_quoted_types_admits_exactly_those_types(types: list[str]) -> None:
    assert parse_type_filter(" or ".join(f"'{t}'" for t in types)) == frozenset(types)


def test_list_filters_and_delete_by_context_and_source() -> None:
    subs = store()
    subs.create(mo("a", "1"), tenant="t")
    subs.create(mo("b", "2"), tenant="t")
    subs.create({"subscription": "c", "context": "tenant"}, tenant="t")

    assert [s.name for s in subs.select(SubscriptionQuery(context="mo"))] == ["a", "b"]
    assert [s.name for s in subs.select(SubscriptionQuery(source="2"))] == ["b"]
    assert [s.name for s in subs.delete_where(SubscriptionQuery(context="mo", source="1"))] == ["a"]
    with pytest.raises(NotFound):
        subs.get("1")


def test_a_token_is_a_jwt_with_exp_that_the_official_client_can_decode() -> None:
    issuer = TokenIssuer(clock=lambda: 1_000_000.0)
    request = TokenRequest.parse({"subscriber": "sub_1", "subscription": "s1", "expiresInMinutes": 30})
    for _ in range(50):
        token = issuer.issue(request, tenant="t100", user="admin")
        _, payload, _ = token.split(".")
        claims = json.loads(base64.b64decode(payload + "=="))  # as c8y_api._jwt.JWT decodes it
        assert claims["exp"] == 1_000_000 + 30 * 60
        assert (claims["ten"], claims["sub"]) == ("t100", "admin")


def test_an_expired_forged_or_revoked_token_is_refused() -> None:
    now = [1_000_000.0]
    issuer = TokenIssuer(clock=lambda: now[0])
    token = issuer.issue(TokenRequest.parse({"subscriber": "x", "subscription": "s"}), tenant="t", user="u")
    claims = issuer.verify(token)

    with pytest.raises(Unauthorized):
        TokenIssuer().verify(token)  # another secret
    issuer.revoke(claims)
    with pytest.raises(Unauthorized):
        issuer.verify(token)
    assert issuer.verify(token, revoked_ok=True) == claims
    now[0] += 24 * 60 * 60
    with pytest.raises(Unauthorized, match="expired"):
        issuer.verify(token, revoked_ok=True)


@pytest.mark.parametrize(
    "doc",
    [
        {"subscriber": "a b", "subscription": "s"},
        {"subscriber": "a", "subscription": "s", "expiresInMinutes": 0},
        {"subscriber": "a", "subscription": "s", "shared": "no"},
        "x",
    ],
    ids=["bad-subscriber", "zero-minutes", "shared-not-bool", "not-an-object"],
)
def test_a_bad_token_request_is_a_422(doc: Any) -> None:
    with pytest.raises(ValidationError):
        TokenRequest.parse(doc)


def deliveries_with_subscriber(
    non_persistent: bool = False, settings: DeliverySettings | None = None
) -> tuple[Deliveries, Any, Any]:
    subs = store()
    sub = subs.create(mo(), tenant="t")
    deliveries = Deliveries(settings)
    subscriber = deliveries.subscriber(
        SubscriberKey("t", "s1", "me"), base_url="http://h", non_persistent=non_persistent, shared=False
    )
    return deliveries, subscriber, sub


def render(event: Event, sub: Any, base_url: str) -> str:
    return json.dumps(dict(event.payload), separators=(",", ":"))


def test_messages_wait_in_the_backlog_and_arrive_in_order_on_connect() -> None:
    deliveries, subscriber, sub = deliveries_with_subscriber()
    for i in range(3):
        deliveries.publish(measurement("1", id=str(i)), [sub], render)

    frames = subscriber.attach(None).take()
    assert [f.text.split("\n")[:3] for f in frames] == [
        [str(i + 1), "/t/measurements/1", "CREATE"] for i in range(3)
    ]
    assert [json.loads(f.text.split("\n")[-1])["id"] for f in frames] == ["0", "1", "2"]


def test_what_was_not_acknowledged_is_sent_again_after_a_reconnect() -> None:
    deliveries, subscriber, sub = deliveries_with_subscriber()
    consumer = subscriber.attach(None)
    deliveries.publish(measurement("1", id="a"), [sub], render)
    deliveries.publish(measurement("1", id="b"), [sub], render)
    first, second = consumer.take()
    assert subscriber.ack(first.ack_id)
    subscriber.detach(consumer)

    again = subscriber.attach(None).take()
    assert [f.ack_id for f in again] == [second.ack_id]


def test_a_full_backlog_drops_the_oldest_message() -> None:
    deliveries, subscriber, sub = deliveries_with_subscriber(settings=DeliverySettings(backlog_capacity=2))
    for i in range(4):
        deliveries.publish(measurement("1", id=str(i)), [sub], render)

    assert [json.loads(f.text.split("\n")[-1])["id"] for f in subscriber.attach(None).take()] == ["2", "3"]
    assert subscriber.dropped == 2


def test_a_non_persistent_subscriber_keeps_nothing_while_disconnected() -> None:
    deliveries, subscriber, sub = deliveries_with_subscriber(non_persistent=True)
    deliveries.publish(measurement("1"), [sub], render)

    assert subscriber.attach(None).take() == []


def test_deleting_a_managed_object_deletes_its_subscriptions_and_unsubscribing_drops_the_backlog() -> None:
    state = MockState()
    device = state.inventory.create({"name": "d"}, owner="admin")
    hub = state.realtime
    hub.subscriptions.create(mo(source=device["id"]), tenant="t100")
    subscriber = hub.deliveries.subscriber(
        SubscriberKey("t100", "s1", "me"), base_url="", non_persistent=False, shared=False
    )
    state.measurements.create({"source": {"id": device["id"]}, "time": "2024-01-01T00:00:00Z", "type": "t"})
    assert len(subscriber.pending) == 1

    state.inventory.delete(device["id"])
    assert len(hub.subscriptions) == 0
    assert hub.deliveries.subscribers == {}
