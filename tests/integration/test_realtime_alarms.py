"""Alarm changes as realtime notifications (issue 13): an alarm created, de-duplicated or
updated through ``/alarm/alarms`` reaches CometD subscribers of ``/alarms/<deviceId>`` and
``/alarms/*`` and Notification 2.0 subscribers of the ``alarms`` API (``alarmsWithChildren``
for a device's child devices), as the platform shapes them (``realtimeAction``, ``data``).
In-process (httpx over ASGI); the official Python client is in test_official_python_realtime.py.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from test_realtime_http import bayeux, device, in_process, run, subscribed_client

from mockserver.realtime.consumers import SubscriberKey

ALARM = {"type": "rt_Overheat", "text": "Too hot", "severity": "MAJOR", "time": "2024-05-01T10:00:00Z"}


async def raise_alarm(client: httpx.AsyncClient, source: str, **changes: Any) -> dict[str, Any]:
    body = {**ALARM, "source": {"id": source}, **changes}
    response = await client.post("/alarm/alarms", json=body, headers={"Accept": "*/*"})
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


async def held_answer(client: httpx.AsyncClient, client_id: str, act: Any) -> list[dict[str, Any]]:
    """The answer of a held connect, sent while ``act()`` changes an alarm."""
    held = asyncio.create_task(
        bayeux(client, "/connect", {"channel": "/meta/connect", "clientId": client_id})
    )
    await asyncio.sleep(0)  # let the connect reach the server before the change
    await act()
    return await held


def test_cometd_subscribers_of_the_device_and_of_every_device_get_create_and_update() -> None:
    async def scenario() -> tuple[str, dict[str, Any], list[list[dict[str, Any]]]]:
        client, _ = in_process()
        async with client:
            source = await device(client)
            own = await subscribed_client(client, f"/alarms/{source}")
            every = await subscribed_client(client, "/alarms/*")
            created: dict[str, Any] = {}

            async def create() -> None:
                created.update(await raise_alarm(client, source))

            answers = await asyncio.gather(
                held_answer(client, own, create), held_answer(client, every, _noop)
            )
            acknowledged = asyncio.gather(
                held_answer(client, own, _noop),
                held_answer(client, every, _noop),
            )
            await asyncio.sleep(0)
            await client.put(
                f"/alarm/alarms/{created['id']}", json={"status": "ACKNOWLEDGED"}, headers={"Accept": "*/*"}
            )
            return source, created, [*answers, *(await acknowledged)]

    source, created, answers = run(scenario())
    for answer, action in zip(answers, ["CREATE", "CREATE", "UPDATE", "UPDATE"], strict=True):
        (data, reply) = answer
        assert reply["channel"] == "/meta/connect"
        assert data["channel"] == f"/alarms/{source}"
        assert data["data"]["realtimeAction"] == action
        alarm = data["data"]["data"]
        assert alarm["id"] == created["id"]
        assert alarm["self"] == created["self"]
        assert alarm["source"] == {"id": source, "self": created["source"]["self"]}
        assert alarm["status"] == ("ACTIVE" if action == "CREATE" else "ACKNOWLEDGED")


async def _noop() -> None:
    return None


def test_a_de_duplicated_alarm_is_notified_as_an_update_with_its_count() -> None:
    async def scenario() -> list[dict[str, Any]]:
        client, _ = in_process()
        async with client:
            source = await device(client)
            await raise_alarm(client, source)
            client_id = await subscribed_client(client, f"/alarms/{source}")

            async def again() -> None:
                await raise_alarm(client, source, time="2024-05-01T11:00:00Z")

            return await held_answer(client, client_id, again)

    data, _ = run(scenario())
    assert data["data"]["realtimeAction"] == "UPDATE"
    assert data["data"]["data"]["count"] == 2


def test_notification2_alarms_and_alarms_with_children_subscribers_get_the_platform_frame() -> None:
    async def scenario() -> tuple[str, str, list[str], list[str]]:
        client, state = in_process()
        async with client:
            child = await device(client)
            family_of = {"name": "parent", "childDevices": {"references": [{"managedObject": {"id": child}}]}}
            created = await client.post(
                "/inventory/managedObjects", json=family_of, headers={"Accept": "*/*"}
            )
            parent = str(created.json()["id"])
            for name, apis in (("own", ["alarms"]), ("family", ["alarmsWithChildren"])):
                body = {
                    "subscription": name,
                    "context": "mo",
                    "source": {"id": parent},
                    "subscriptionFilter": {"apis": apis},
                }
                assert (await client.post("/notification2/subscriptions", json=body)).status_code == 201
            frames = {}
            for name in ("own", "family"):
                subscriber = state.realtime.deliveries.subscriber(
                    SubscriberKey("t100", name, "me"),
                    base_url="http://mock",
                    non_persistent=False,
                    shared=False,
                )
                frames[name] = subscriber.attach(None)
            await raise_alarm(client, parent)
            await raise_alarm(client, child)
            return (
                parent,
                child,
                [f.text for f in frames["own"].take()],
                [f.text for f in frames["family"].take()],
            )

    parent, child, own, family = run(scenario())
    assert [f.split("\n")[1:3] for f in own] == [[f"/t100/alarms/{parent}", "CREATE"]]
    assert [f.split("\n")[1:3] for f in family] == [
        [f"/t100/alarms/{parent}", "CREATE"],
        [f"/t100/alarms/{child}", "CREATE"],
    ]
    alarm = json.loads(family[1].split("\n")[-1])
    assert (alarm["source"]["id"], alarm["severity"], alarm["status"]) == (child, "MAJOR", "ACTIVE")
    assert alarm["self"].startswith("http://mock/alarm/alarms/")
