"""The realtime suite's requirements (CometD and Notification 2.0), rows of the registry in
:mod:`contracts.requirements`. The rules are written in ``spec/asyncapi/realtime.yaml``
(channels, messages, delivery) and ``spec/notification2.yaml`` (subscriptions and tokens).
"""

from __future__ import annotations

_A = "asyncapi/realtime.yaml"
_N = "notification2.yaml"

ROWS: list[tuple[str, str, str, str, str]] = [
    (
        "RT-COMETD-1",
        "realtime-cometd",
        "A handshake with valid credentials answers successful, a clientId and long-polling among the "
        "supported connection types; wrong credentials are refused (successful false or 401).",
        _A,
        "/channels/~1meta~1handshake",
    ),
    (
        "RT-MODE-1",
        "realtime-cometd",
        "X-Cumulocity-Processing-Mode: a TRANSIENT measurement (not stored) reaches CometD subscribers "
        "like a PERSISTENT one; QUIESCENT and CEP ones reach none.",
        "measurement.yaml",
        "/info/description",
    ),
    (
        "RT-COMETD-2",
        "realtime-cometd",
        "A measurement created for a subscribed device arrives on /measurements/<sourceId>, within the "
        "connect's timeout, as {realtimeAction: CREATE, data: <the measurement as GET returns it>}, also "
        "to a connect already held when it was created.",
        _A,
        "/channels/~1measurements~1{sourceId}",
    ),
    (
        "RT-COMETD-3",
        "realtime-cometd",
        "A deleted measurement arrives as {realtimeAction: DELETE, data: <its id>}.",
        _A,
        "/channels/~1measurements~1{sourceId}",
    ),
    (
        "RT-COMETD-4",
        "realtime-cometd",
        "A device channel carries nothing of another device; /measurements/* carries every device, and "
        "each event reaches a client once however many of its subscriptions match.",
        _A,
        "/channels/~1measurements~1*",
    ),
    (
        "RT-COMETD-5",
        "realtime-cometd",
        "After /meta/unsubscribe nothing more arrives for that subscription; an unknown clientId is "
        "told to handshake again.",
        _A,
        "/channels/~1meta~1unsubscribe",
    ),
    (
        "SCHEMA-N2-1",
        "schema",
        "Every Notification 2.0 subscription and token operation answers with documented status codes, "
        "media types and bodies matching the schema, errors in the Cumulocity shape (Schemathesis, "
        "through the safety guard: subscriptions only of the run's names on its managed objects).",
        _N,
        "/paths",
    ),
    (
        "RT-COMETD-6",
        "realtime-cometd",
        "When the handshake lists websocket among the supported connection types, the websocket "
        "transport serves the same session: handshake, subscribe and connects as text-frame batches on "
        "ws(s)://host/notification/realtime, each created measurement of the subscribed device arriving "
        "once, in order, as {realtimeAction: CREATE, data: <the measurement>}, also on a held connect.",
        _A,
        "/info/description",
    ),
    (
        "RT-N2-1",
        "realtime-n2",
        "A consumer of an mo subscription receives each create and delete of that managed object's "
        "measurements, and nothing of another, as '<ackId>\\n/<tenant>/measurements/<sourceId>\\n<ACTION>"
        "\\n\\n<JSON>' frames.",
        _A,
        "/channels/~1notification2~1consumer~1",
    ),
    (
        "RT-N2-2",
        "realtime-n2",
        "Messages not acknowledged are delivered again, in order, when the subscriber reconnects; "
        "acknowledged ones are not, and messages published while it was disconnected wait for it.",
        _A,
        "/channels/~1notification2~1consumer~1",
    ),
    (
        "RT-N2-3",
        "realtime-n2",
        "After /notification2/unsubscribe the token is refused and nothing more is delivered.",
        _N,
        "/paths/~1notification2~1unsubscribe/post",
    ),
    (
        "RT-TENANT-1",
        "realtime-tenants",
        "No realtime subscriber hears another tenant's measurements: not a CometD client on "
        "/measurements/* or on the other tenant's device channel, not a Notification 2.0 consumer; a "
        "Notification 2.0 subscription to the other tenant's device is a 404 (needs --other-tenant).",
        _A,
        "/info/description",
    ),
    (
        "RT-N2-4",
        "realtime-n2",
        "GET /notification2/subscriptions lists the subscriptions oldest first, keeping those that match "
        "every given filter (context, source, subscription, typeFilter), paged with statistics and links.",
        _N,
        "/paths/~1notification2~1subscriptions/get",
    ),
]

SUITES = {"realtime-cometd": "realtime", "realtime-n2": "realtime", "realtime-tenants": "realtime"}
