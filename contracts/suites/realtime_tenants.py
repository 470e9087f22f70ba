"""Tenant isolation over realtime (``spec/asyncapi/realtime.yaml``, "Tenants";
``spec/notification2.yaml``, creating a subscription): the run's subscribers never hear of the
other tenant's measurements.

Runs only with a second tenant's credentials (``--other-tenant``, as the ``TENANT-*``
requirements, :func:`contracts.suites.tenants.other_tenant`); otherwise it is *not run*, never
passed. Absence is never waited for: the other tenant's measurement is created first and the
run's own after it; delivery is in order, so once the run's own arrived the foreign one is not
coming. Messages are told apart by their source (managed object ids are the server's, measurement
ids may repeat across tenants).
"""

from __future__ import annotations

from typing import Any

from contracts.checks import RunContext, check
from contracts.client import Client
from contracts.failures import ContractFailure, expect
from contracts.suites.common import MEAS, MO, new_source
from contracts.suites.realtime import SUBSCRIPTIONS, ids_of, n2_subscription, n2_token, reading
from contracts.suites.realtime_wire import CometdClient, consumer, frames
from contracts.suites.tenants import created_id, hidden, others_device

SUBSCRIPTION_JSON = {"Content-Type": "application/vnd.com.nsn.cumulocity.subscription+json"}


def foreign_reading(other: Client, source: str) -> str:
    """A measurement of the other tenant's device, created as the other tenant."""
    body = {
        "source": {"id": source},
        "time": "2024-02-01T10:00:00.000Z",
        "type": "ct_foreign",
        "ct_Realtime": {"v": {"value": 666, "unit": "u"}},
    }
    return created_id(other.post(MEAS, body), f"POST {MEAS}")


def refuses_a_subscription_to(ctx: RunContext, theirs: str) -> None:
    """A Notification 2.0 subscription of the run's tenant to the other tenant's device: 404."""
    hidden(ctx.client.get(f"{MO}/{theirs}"), f"GET {MO}/{theirs}")
    ctx.client.guard.ownership.add("managed object", theirs)  # 404 above: it names nothing of ours
    name = f"{ctx.prefix.replace('-', '')}foreign"
    body = {"subscription": name, "context": "mo", "source": {"id": theirs}}
    response = ctx.client.post(SUBSCRIPTIONS, {**body, "subscriptionFilter": {"apis": ["measurements"]}},
                               headers=SUBSCRIPTION_JSON)  # fmt: skip
    if response.status != 404:
        if 200 <= response.status < 300:
            ctx.client.delete(f"{SUBSCRIPTIONS}/{response.json().get('id')}")
        raise ContractFailure(
            "ForeignSourceSubscribed",
            f"POST {SUBSCRIPTIONS} on the other tenant's device {theirs}: 404 (managed object not found)",
            repr(response),
            request=response.request,
        )


def cometd_sources(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(channel, source id) of each data message."""
    out = []
    for message in messages:
        data = message.get("data", {}).get("data", {})
        source = data.get("source", {}) if isinstance(data, dict) else {}
        out.append((str(message.get("channel")), str(source.get("id") if isinstance(source, dict) else "")))
    return out


@check("RT-TENANT-1")
def another_tenants_measurements_reach_none_of_the_runs_subscribers(ctx: RunContext) -> None:
    with others_device(ctx) as (other, theirs, _):
        mine = new_source(ctx, "rt-tenant")
        client = CometdClient(ctx)
        client.handshake()
        client.subscribe("/measurements/*", f"/measurements/{theirs}")
        client.connect()
        refuses_a_subscription_to(ctx, theirs)
        name = f"{ctx.prefix.replace('-', '')}n2t"
        n2_subscription(ctx, mine, name)
        token = n2_token(ctx, name, "ctharness")
        try:
            with consumer(ctx, token) as socket:
                foreign_reading(other, theirs)
                own = reading(ctx, mine, 1)
                got = frames(socket, 1, "NotificationNotDelivered")
                messages = client.until(1, "NotificationMissing", f"the create of {own['id']}")
        finally:
            ctx.client.post(f"/notification2/unsubscribe?token={token}", {})
            client.disconnect()
    seen = cometd_sources(messages)
    expect(
        seen[:1] == [(f"/measurements/{mine}", mine)],
        "ForeignMeasurementNotified",
        f"only the run's own measurement (on /measurements/{mine}), nothing of device {theirs}",
        seen,
        None,
    )
    expect(
        ids_of(got) == [str(own["id"])] and got[0][1].endswith(f"/measurements/{mine}"),
        "ForeignMeasurementNotified",
        f"the Notification 2.0 frame of {own['id']} on device {mine}",
        got,
        None,
    )
