"""Realtime suites: CometD at /notification/realtime and Notification 2.0, for any target.

Each check works on managed objects the run created, so other traffic on the target cannot
confuse it. Absence is never waited for: "nothing from another device" and "nothing after
unsubscribing" are checked by publishing the unwanted event first and a wanted one after it;
delivery is in order, so once the wanted one arrived the unwanted one is not coming.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contracts.checks import RunContext, check
from contracts.failures import expect
from contracts.suites.common import MEAS, new_source, require_status
from contracts.suites.realtime_wire import CometdClient, b64, consumer, frames, refused

SUBSCRIPTIONS = "/notification2/subscriptions"


def reading(ctx: RunContext, source: str, value: int) -> dict[str, Any]:
    """POST one measurement of the run; returns it as the target answered."""
    body = {
        "source": {"id": source},
        "time": "2024-02-01T10:00:00.000Z",
        "type": f"{ctx.prefix}_rt",
        "ct_Realtime": {"v": {"value": value, "unit": "u"}},
    }
    response = ctx.client.post(MEAS, body)
    require_status(response, 201, "MeasurementNotCreated")
    created: dict[str, Any] = response.json()
    return created


def data_of(messages: list[dict[str, Any]], channel: str) -> list[dict[str, Any]]:
    return [m.get("data", {}) for m in messages if m.get("channel") == channel]


@check("RT-COMETD-1")
def handshake_accepts_credentials_and_offers_long_polling(ctx: RunContext) -> None:
    client = CometdClient(ctx)
    reply = client.handshake()
    ok = reply.get("successful") is True and reply.get("clientId")
    expect(
        bool(ok),
        "HandshakeRefused",
        "successful: true and a clientId",
        reply,
        client.last.request if client.last else None,
    )
    types = reply.get("supportedConnectionTypes", [])
    expect("long-polling" in types, "LongPollingNotOffered", "long-polling", types, None)
    client.disconnect()
    wrong = CometdClient(ctx)
    response = ctx.client.post(
        "/notification/realtime/handshake",
        [
            {
                "channel": "/meta/handshake",
                "version": "1.0",
                "ext": {"com.cumulocity.authn": {"token": b64("x/nobody:wrong")}},
            }
        ],
        auth=False,
    )
    if response.status == 200:
        answer = response.json()
        accepted = isinstance(answer, list) and any(m.get("successful") is True for m in answer)
        expect(not accepted, "WrongCredentialsAccepted", "successful: false", answer, response.request)
    else:
        expect(
            response.status == 401,
            "WrongCredentialsAccepted",
            "successful: false or 401",
            repr(response),
            response.request,
        )
    del wrong


@check("RT-COMETD-2")
def a_created_measurement_is_notified_on_its_device_channel(ctx: RunContext) -> None:
    source = new_source(ctx, "rt-create")
    client = CometdClient(ctx)
    client.handshake()
    client.subscribe(f"/measurements/{source}")
    client.connect()
    created = reading(ctx, source, 1)
    messages = client.until(1, "CreateNotNotified", f"a CREATE on /measurements/{source}")
    (data,) = data_of(messages, f"/measurements/{source}")[:1] or [{}]
    expect(data.get("realtimeAction") == "CREATE", "WrongRealtimeAction", "CREATE", data, None)
    body = data.get("data", {})
    stored = ctx.client.get(f"{MEAS}/{created['id']}").json()
    same = isinstance(body, dict) and all(
        body.get(k) == stored.get(k) for k in ("id", "type", "time", "ct_Realtime")
    )
    expect(
        same and str(body.get("source", {}).get("id")) == source,
        "WrongNotificationPayload",
        stored,
        body,
        None,
    )
    with ThreadPoolExecutor(1) as pool:  # a connect already held when the measurement is created
        held = pool.submit(client.until, 2, "HeldConnectNotAnswered", "the second CREATE on the held connect")
        second = reading(ctx, source, 2)
        ids = [str(d.get("data", {}).get("id")) for d in data_of(held.result(), f"/measurements/{source}")]
    expect(
        ids[:2] == [str(created["id"]), str(second["id"])],
        "CreateNotNotified",
        [created["id"], second["id"]],
        ids,
        None,
    )
    client.disconnect()


@check("RT-COMETD-3")
def a_deleted_measurement_is_notified_with_its_id(ctx: RunContext) -> None:
    source = new_source(ctx, "rt-delete")
    created = reading(ctx, source, 1)
    client = CometdClient(ctx)
    client.handshake()
    client.subscribe(f"/measurements/{source}")
    client.connect()
    response = ctx.client.delete(f"{MEAS}/{created['id']}")
    require_status(response, 204, "MeasurementNotDeleted")
    (data,) = data_of(
        client.until(1, "DeleteNotNotified", "a DELETE notification"), f"/measurements/{source}"
    )[:1]
    expected = {"realtimeAction": "DELETE", "data": str(created["id"])}
    received = {"realtimeAction": data.get("realtimeAction"), "data": str(data.get("data"))}
    expect(received == expected, "WrongDeleteNotification", expected, data, response.request)
    client.disconnect()


@check("RT-COMETD-4")
def device_channels_are_isolated_and_each_event_arrives_once(ctx: RunContext) -> None:
    mine, other = new_source(ctx, "rt-mine"), new_source(ctx, "rt-other")
    client = CometdClient(ctx)
    client.handshake()
    client.subscribe(f"/measurements/{mine}", "/measurements/*")
    client.connect()
    foreign = reading(ctx, other, 1)
    own = reading(ctx, mine, 2)
    messages = client.until(2, "NotificationMissing", "both creates on /measurements/*")
    seen = [(m.get("channel"), str(m.get("data", {}).get("data", {}).get("id"))) for m in messages]
    mine_seen = [s for s in seen if s[1] == str(own["id"])]
    expect(len(mine_seen) == 1, "NotificationDuplicated", f"the create of {own['id']} once", seen, None)
    expect(
        (f"/measurements/{other}", str(foreign["id"])) in seen
        and all(c in (f"/measurements/{mine}", f"/measurements/{other}") for c, _ in seen),
        "NotificationOnWrongChannel",
        "each event on its device's concrete channel",
        seen,
        None,
    )
    client.disconnect()
    narrow = CometdClient(ctx)
    narrow.handshake()
    narrow.subscribe(f"/measurements/{mine}")
    narrow.connect()
    reading(ctx, other, 3)
    last = reading(ctx, mine, 4)
    messages = narrow.until(1, "NotificationMissing", "the create")
    got = [str(m.get("data", {}).get("data", {}).get("id")) for m in messages]
    expect(got[:1] == [str(last["id"])], "NotificationFromAnotherDevice", [last["id"]], got, None)
    narrow.disconnect()


@check("RT-COMETD-5")
def nothing_arrives_after_unsubscribing(ctx: RunContext) -> None:
    gone, kept = new_source(ctx, "rt-gone"), new_source(ctx, "rt-kept")
    client = CometdClient(ctx)
    client.handshake()
    client.subscribe(f"/measurements/{gone}", f"/measurements/{kept}")
    client.connect()
    replies = client.subscribe(f"/measurements/{gone}", meta="/meta/unsubscribe")
    expect(
        bool(replies) and replies[0].get("successful") is True,
        "UnsubscribeRefused",
        "successful",
        replies,
        None,
    )
    reading(ctx, gone, 1)
    last = reading(ctx, kept, 2)
    channels = [m.get("channel") for m in client.until(1, "NotificationMissing", "the kept channel's create")]
    expect(
        f"/measurements/{gone}" not in channels,
        "NotificationAfterUnsubscribe",
        [f"/measurements/{kept}"],
        channels,
        None,
    )
    expect(
        str(client.messages[0].get("data", {}).get("data", {}).get("id")) == str(last["id"]),
        "NotificationMissing",
        last["id"],
        client.messages,
        None,
    )
    client.disconnect()
    answer = client.connect()
    advice = answer[-1].get("advice", {}) if answer else {}
    expect(
        answer[-1].get("successful") is False and advice.get("reconnect") == "handshake",
        "UnknownClientNotToldToHandshake",
        "successful: false, advice.reconnect: handshake",
        answer,
        client.last.request if client.last else None,
    )


def n2_subscription(ctx: RunContext, source: str, name: str) -> str:
    body = {
        "subscription": name,
        "context": "mo",
        "source": {"id": source},
        "subscriptionFilter": {"apis": ["measurements"], "typeFilter": None},
    }
    response = ctx.client.post(
        SUBSCRIPTIONS, body, headers={"Content-Type": "application/vnd.com.nsn.cumulocity.subscription+json"}
    )
    require_status(response, 201, "SubscriptionNotCreated")
    return str(response.json()["id"])


def n2_token(ctx: RunContext, name: str, subscriber: str) -> str:
    response = ctx.client.post(
        "/notification2/token", {"subscriber": subscriber, "subscription": name, "expiresInMinutes": 10}
    )
    require_status(response, 200, "TokenNotIssued")
    token: str = response.json()["token"]
    return token


def ids_of(got: list[tuple[str, str, str, str]]) -> list[str]:
    out = []
    for _, _, _, body in got:
        try:
            out.append(str(json.loads(body).get("id")))
        except (ValueError, AttributeError):
            out.append(body)
    return out


@check("RT-N2-1")
def a_consumer_receives_creates_and_deletes_of_its_device_only(ctx: RunContext) -> None:
    mine, other = new_source(ctx, "n2-mine"), new_source(ctx, "n2-other")
    name = f"{ctx.prefix.replace('-', '')}n2a"
    sub = n2_subscription(ctx, mine, name)
    token = n2_token(ctx, name, "ctharness")
    try:
        with consumer(ctx, token) as socket:
            reading(ctx, other, 0)
            created = reading(ctx, mine, 1)
            ctx.client.delete(f"{MEAS}/{created['id']}")
            got = frames(socket, 2, "NotificationNotDelivered")
            for ack, *_ in got:
                socket.send(ack)
    finally:
        ctx.client.post(f"/notification2/unsubscribe?token={token}", {})
        del sub  # deleted with its managed object by the run's cleanup (spec/notification2.yaml)
    expect(ids_of(got)[0] == str(created["id"]), "NotificationFromAnotherDevice", created["id"], got, None)
    sources = [g[1] for g in got]
    expect(
        all(s.endswith(f"/measurements/{mine}") for s in sources),
        "WrongFrameSource",
        f"/<tenant>/measurements/{mine}",
        sources,
        None,
    )
    expect(
        [g[2] for g in got] == ["CREATE", "DELETE"],
        "WrongFrameAction",
        ["CREATE", "DELETE"],
        [g[2] for g in got],
        None,
    )
    body = json.loads(got[0][3])
    expect(
        body.get("ct_Realtime") == {"v": {"value": 1, "unit": "u"}},
        "WrongNotificationPayload",
        "the created measurement",
        body,
        None,
    )


@check("RT-N2-2")
def unacknowledged_messages_are_redelivered_and_backlogged(ctx: RunContext) -> None:
    source = new_source(ctx, "n2-redeliver")
    name = f"{ctx.prefix.replace('-', '')}n2b"
    sub = n2_subscription(ctx, source, name)
    token = n2_token(ctx, name, "ctredeliver")
    try:
        with consumer(ctx, token) as socket:
            first, second = reading(ctx, source, 1), reading(ctx, source, 2)
            got = frames(socket, 2, "NotificationNotDelivered")
            socket.send(got[0][0])  # acknowledge the first only
            # one more round trip (POST, then its frame) lets the acknowledgement land first
            reading(ctx, source, 3)
            frames(socket, 1, "NotificationNotDelivered")
        third_while_away = reading(ctx, source, 4)
        with consumer(ctx, n2_token(ctx, name, "ctredeliver")) as socket:
            again = frames(socket, 3, "UnacknowledgedNotRedelivered")
    finally:
        ctx.client.post(f"/notification2/unsubscribe?token={token}", {})
        del sub  # deleted with its managed object by the run's cleanup (spec/notification2.yaml)
    redelivered = ids_of(again)
    expect(
        str(first["id"]) not in redelivered,
        "AcknowledgedRedelivered",
        "not " + str(first["id"]),
        redelivered,
        None,
    )
    expect(
        redelivered[0] == str(second["id"]), "UnacknowledgedNotRedelivered", second["id"], redelivered, None
    )
    expect(
        str(third_while_away["id"]) in redelivered, "BacklogLost", third_while_away["id"], redelivered, None
    )


@check("RT-N2-3")
def nothing_is_delivered_after_unsubscribe(ctx: RunContext) -> None:
    source = new_source(ctx, "n2-unsub")
    name = f"{ctx.prefix.replace('-', '')}n2c"
    sub = n2_subscription(ctx, source, name)
    token = n2_token(ctx, name, "ctunsub")
    try:
        with consumer(ctx, token) as socket:
            reading(ctx, source, 1)
            frames(socket, 1, "NotificationNotDelivered")
        response = ctx.client.post(f"/notification2/unsubscribe?token={token}", {})
        require_status(response, 200, "UnsubscribeRefused")
        expect(
            response.json() == {"result": "DONE"},
            "UnsubscribeRefused",
            {"result": "DONE"},
            response.json(),
            response.request,
        )
        status = refused(ctx, token)
        expect(status in (401, 403), "TokenValidAfterUnsubscribe", "401 or 403", status, None)
    finally:
        del sub  # deleted with its managed object by the run's cleanup (spec/notification2.yaml)


@check("RT-MODE-1")
def processing_modes_decide_who_hears_of_a_measurement(ctx: RunContext) -> None:
    source = new_source(ctx, "rt-modes")
    client = CometdClient(ctx)
    client.handshake()
    client.subscribe(f"/measurements/{source}")
    client.connect()
    sent: dict[str, str] = {}
    for value, mode in enumerate(("QUIESCENT", "CEP", "TRANSIENT", "PERSISTENT")):
        body = {
            "source": {"id": source},
            "time": "2024-02-01T10:00:00.000Z",
            "type": f"{ctx.prefix}_rt",
            "ct_Realtime": {"v": {"value": value, "unit": "u"}},
        }
        response = ctx.client.post(MEAS, body, headers={"X-Cumulocity-Processing-Mode": mode})
        require_status(response, 201, "MeasurementNotCreated")
        sent[mode] = str(response.json()["id"])
    # QUIESCENT and CEP were sent first: once TRANSIENT and PERSISTENT arrived, they are not coming.
    messages = client.until(2, "TransientNotNotified", "CREATEs of the TRANSIENT and PERSISTENT measurements")
    ids = [str(d.get("data", {}).get("id")) for d in data_of(messages, f"/measurements/{source}")]
    expect(
        ids[:2] == [sent["TRANSIENT"], sent["PERSISTENT"]] and len(ids) == 2,
        "QuiescentNotified" if sent["QUIESCENT"] in ids or sent["CEP"] in ids else "TransientNotNotified",
        f"only TRANSIENT {sent['TRANSIENT']} and PERSISTENT {sent['PERSISTENT']}, in order",
        ids,
        None,
    )
    client.disconnect()
