"""The safety guard's realtime rules (contracts/guard_realtime.py), one test per rule."""

from __future__ import annotations

import base64
import json

import pytest

from contracts.guard_realtime import refusal

PREFIX = "ct1a2b-"


def check(method: str, path: str, body: object = None, query: tuple[tuple[str, str], ...] = ()) -> str | None:
    raw = None if body is None else json.dumps(body).encode()
    return refusal(
        method,
        path,
        query,
        raw,
        prefix=PREFIX,
        owns_managed_object=lambda id: id == "7",
        owns_subscription=lambda id: id == "5",
    )


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
        ({"subscription": "ct1a2bx", "context": "mo", "source": {"id": "7"}}, True),
        ({"subscription": "ct1a2bx", "context": "mo", "source": {"id": "8"}}, False),
        ({"subscription": "ct1a2bx", "context": "tenant"}, True),
        ({"subscription": "theirs", "context": "mo", "source": {"id": "7"}}, False),
    ],
    ids=["own-source", "foreign-source", "tenant-context-own-name", "foreign-name"],
)
def test_only_the_runs_subscriptions_on_its_managed_objects_or_tenant_are_sent(
    body: object, sent: bool
) -> None:
    assert (check("POST", "/notification2/subscriptions", body) is None) is sent


def test_tokens_and_unsubscribes_only_for_the_runs_subscriptions() -> None:
    assert check("POST", "/notification2/token", {"subscription": "ct1a2bn2a", "subscriber": "x"}) is None
    assert check("POST", "/notification2/token", {"subscription": "someone", "subscriber": "x"}) is not None
    assert check("POST", "/notification2/unsubscribe", {}, (("token", token_for("ct1a2bn2a")),)) is None
    assert check("POST", "/notification2/unsubscribe", {}, (("token", token_for("other")),)) is not None


def test_other_notification_writes_are_refused() -> None:
    assert check("DELETE", "/notification2/subscriptions") is not None
    assert check("DELETE", "/notification2/subscriptions/6") is not None
    assert check("DELETE", "/notification2/subscriptions/5") is None
