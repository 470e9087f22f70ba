"""The official Python client's Notification 2.0 toolkit (``c8y_tk.notification2`` from the
pinned ``c8y-api``) against the mock, as an application uses it: create a subscription with
``c8y.notification2_subscriptions``, listen with ``Listener`` (threaded) or ``AsyncListener``,
receive creates and deletes, acknowledge, unsubscribe.
"""

from __future__ import annotations

import asyncio
import queue
import time
from collections.abc import Iterator

import httpx
import pytest
from c8y_api import CumulocityApi
from c8y_api.model import Alarm, Device, Measurement, Subscription
from c8y_tk.notification2 import AsyncListener, Listener

WAIT_S = 10.0  # upper bound of every wait for a notification; normally milliseconds


@pytest.fixture(scope="module")
def c8y(mock_server_url: str) -> CumulocityApi:
    return CumulocityApi(mock_server_url, tenant_id="t100", username="admin", password="admin")


@pytest.fixture
def device(c8y: CumulocityApi) -> Iterator[Device]:
    created = Device(c8y, type="py_RealtimeDevice", name="py-realtime").create()
    yield created
    created.delete()


def consumers_connected(base_url: str, count: int) -> None:
    """Return once the mock reports ``count`` connected consumers (``GET /_mock/state``); the
    listeners offer no public "connected" signal. Bounded by :data:`WAIT_S`."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        counts = httpx.get(f"{base_url}/_mock/state").json()["counts"]
        if counts.get("notificationConsumers", 0) >= count:
            return
        time.sleep(0.02)  # polling interval of a bounded readiness probe, not synchronisation
    pytest.fail(f"Expected {count} connected Notification 2.0 consumers within {WAIT_S} s.")


def reading(c8y: CumulocityApi, source: str, value: int) -> Measurement:
    return Measurement(c8y, type="py_Reading", source=source, py_T={"T": {"value": value, "unit": "C"}})


def test_listener_receives_a_create_and_a_delete_of_its_device_only(
    c8y: CumulocityApi, device: Device, mock_server_url: str
) -> None:
    other = Device(c8y, type="py_RealtimeDevice", name="py-other").create()
    subscription = Subscription(
        c8y, name="pyListener", context="mo", source_id=device.id, api_filter=["measurements"]
    )
    subscription.create()
    received: queue.Queue[Listener.Message] = queue.Queue()
    listener = Listener(c8y, "pyListener")  # auto_ack and auto_unsubscribe, the defaults
    listener.start(received.put)
    try:
        consumers_connected(mock_server_url, 1)
        reading(c8y, str(other.id), 0).create()
        created = reading(c8y, str(device.id), 1).create()
        message = received.get(timeout=WAIT_S)
        assert (message.source, message.action) == (f"/t100/measurements/{device.id}", "CREATE")
        assert message.json["id"] == created.id
        assert message.json["py_T"] == {"T": {"value": 1, "unit": "C"}}
        created.delete()
        deleted = received.get(timeout=WAIT_S)
        assert (deleted.action, deleted.json) == ("DELETE", {"id": created.id})
        assert received.empty()
    finally:
        listener.stop()
        other.delete()
    assert listener.wait(timeout=WAIT_S)
    # Stopping unsubscribed the subscriber (auto_unsubscribe): the mock holds none any more.
    assert httpx.get(f"{mock_server_url}/_mock/state").json()["counts"]["notificationSubscribers"] == 0
    c8y.notification2_subscriptions.delete_by(context="mo", source=str(device.id))
    assert c8y.notification2_subscriptions.get_all(source=str(device.id)) == []


def test_async_listener_gets_again_what_it_did_not_acknowledge(
    c8y: CumulocityApi, device: Device, mock_server_url: str
) -> None:
    Subscription(c8y, name="pyAsync", context="mo", source_id=device.id, api_filter=["measurements"]).create()

    async def first_message(listener: AsyncListener) -> AsyncListener.Message:
        got: asyncio.Queue[AsyncListener.Message] = asyncio.Queue()

        async def keep(message: AsyncListener.Message) -> None:
            await got.put(message)

        listener.start(keep)
        try:
            return await asyncio.wait_for(got.get(), WAIT_S)
        finally:
            listener.stop()
            await listener.wait(timeout=WAIT_S)

    async def scenario() -> tuple[AsyncListener.Message, AsyncListener.Message]:
        listener = AsyncListener(
            c8y, "pyAsync", subscriber_name="pyAsyncSubscriber", auto_ack=False, auto_unsubscribe=False
        )
        created = reading(c8y, str(device.id), 7)

        async def create_when_connected() -> None:
            await asyncio.to_thread(consumers_connected, mock_server_url, 1)
            await asyncio.to_thread(created.create)

        creator = asyncio.create_task(create_when_connected())
        unacknowledged = await first_message(listener)
        await creator
        again = await first_message(
            AsyncListener(c8y, "pyAsync", subscriber_name="pyAsyncSubscriber", auto_ack=True)
        )
        return unacknowledged, again

    first, again = asyncio.run(scenario())
    assert first.action == again.action == "CREATE"
    assert first.json == again.json
    c8y.notification2_subscriptions.delete_by(context="mo", source=str(device.id))


def test_listener_receives_an_alarm_created_and_acknowledged_through_the_alarm_api(
    c8y: CumulocityApi, device: Device, mock_server_url: str
) -> None:
    Subscription(c8y, name="pyAlarms", context="mo", source_id=device.id, api_filter=["alarms"]).create()
    received: queue.Queue[Listener.Message] = queue.Queue()
    listener = Listener(c8y, "pyAlarms")
    listener.start(received.put)
    try:
        consumers_connected(mock_server_url, 1)
        alarm = Alarm(
            c8y,
            type="py_Overheat",
            source=str(device.id),
            text="Too hot",
            severity=Alarm.Severity.MAJOR,
            time="2024-05-01T10:00:00.000Z",
        ).create()
        created = received.get(timeout=WAIT_S)
        assert (created.source, created.action) == (f"/t100/alarms/{device.id}", "CREATE")
        assert (created.json["id"], created.json["status"], created.json["text"]) == (
            alarm.id,
            "ACTIVE",
            "Too hot",
        )
        alarm.status = Alarm.Status.ACKNOWLEDGED
        alarm.update()
        updated = received.get(timeout=WAIT_S)
        assert (updated.action, updated.json["id"], updated.json["status"]) == (
            "UPDATE",
            alarm.id,
            "ACKNOWLEDGED",
        )
        assert received.empty()
    finally:
        listener.stop()
    assert listener.wait(timeout=WAIT_S)
    c8y.alarms.delete_by(source=str(device.id))
    c8y.notification2_subscriptions.delete_by(context="mo", source=str(device.id))
