"""The safety guard's realtime rules (contracts/guard_realtime.py), one test per rule."""

from __future__ import annotations

import base64
import json

import pytest

from contracts.guard_realtime import refusal

PREFIX = "ct1a2b-"


def check(method: str, path: str, body: object = None, query: tuple[tuple[str, str], ...] = ()) -> str | None:
    raw = None if body is None else json.dumps(body).encode()
    return refusal(method, path, query, raw, prefix=PREFIX, owns_managed_object=lambda id: id == "7")


def token_for(subscription: str) -> str:
    payload = (
        base64.urlsafe_b64encode(json.dumps({"subscription": subscription}).encode()).decode().rstrip("=")
    )
    return f"e30.{payload}.sig"


def test_bayeux_meta_messages_are_sent_and_a_publish_is_refused() -> None:
    assert check("POST", "/notification/realtime/connect", [{"channel": "/meta/connect"}]) is None
    assert check("POST", "/notification/realtime/", [{"channel": "/measurements/7", "data": {}}]) is not None


@pytest.mark.parametrize(
    ("body", "sent"),
    [
        ({"context": "mo", "source": {"id": "7"}}, True),
        ({"context": "mo", "source": {"id": "8"}}, False),
        ({"context": "tenant"}, False),
    ],
    ids=["own-source", "foreign-source", "tenant-context"],
)
def test_only_mo_subscriptions_on_the_runs_managed_objects_are_sent(body: object, sent: bool) -> None:
    assert (check("POST", "/notification2/subscriptions", body) is None) is sent


def test_tokens_and_unsubscribes_only_for_the_runs_subscriptions() -> None:
    assert check("POST", "/notification2/token", {"subscription": "ct1a2bn2a", "subscriber": "x"}) is None
    assert check("POST", "/notification2/token", {"subscription": "someone", "subscriber": "x"}) is not None
    assert check("POST", "/notification2/unsubscribe", {}, (("token", token_for("ct1a2bn2a")),)) is None
    assert check("POST", "/notification2/unsubscribe", {}, (("token", token_for("other")),)) is not None


def test_other_notification_writes_are_refused() -> None:
    assert check("DELETE", "/notification2/subscriptions") is not None
