"""A fourth client from the registries: ``pyc8y`` (PyPI, asyncio over aiohttp), unmodified.

It is driven as an application would drive it, against the mock served over a socket
(``mock_server_url``: ``python -m mockserver`` under uvicorn on a port chosen at run time).
Which of its calls reach which endpoints (read from its 4.1.0 source):

- ``CumulocityApi.authenticate(base_url, tenant, user, password)``:
  ``GET /tenant/loginOptions`` (it keeps the ``type`` of each option), then, as
  ``OAUTH2_INTERNAL`` is offered, ``POST /tenant/oauth?tenant_id=<tenant>`` with the form
  ``grant_type=PASSWORD&username=&password=``; it returns the ``authorization`` cookie's JWT as a
  ``BearerAuth`` and the ``XSRF-TOKEN`` cookie's value. Every later request sends
  ``Authorization: Bearer <jwt>`` (the client class takes no XSRF token). A 401 there raises
  ``UnauthorizedError`` carrying the body's ``message``.
- ``device_inventory.create(Device(...))``: ``POST /inventory/managedObjects`` (with
  ``c8y_IsDevice``); ``inventory.get(id)``: ``GET /inventory/managedObjects/<id>``.
- ``device_inventory.get_all(name=...)`` / ``get_by(name=...)``:
  ``GET /inventory/managedObjects?q=$filter=(has(c8y_IsDevice) and name eq '<name>')`` (the
  older ``q`` form; a bare word after ``eq`` for ``type``: ``type eq <type>``) with
  ``pageSize`` and ``currentPage``; ``inventory.get_all(name=..., fragments=[a, b])`` sends the
  same language as ``query=$filter=(has(a) and has(b) and name eq '<name>')``;
  ``order_by='name desc'`` appends ``+$orderby=name desc``. ``inventory.get_all(fragment=...)``
  alone sends plain ``fragmentType=``; ``inventory.get_count(type=...)`` sends ``type=`` with
  ``pageSize=1&withTotalPages=true`` and reads ``statistics.totalPages``.
- ``identity.create(external_id=, external_type=, managed_object_id=)``:
  ``POST /identity/globalIds/<id>/externalIds``; ``identity.get_id``:
  ``GET /identity/externalIds/<type>/<value>``; ``identity.get_all(id)``:
  ``GET /identity/globalIds/<id>/externalIds``; ``identity.delete``:
  ``DELETE /identity/externalIds/<type>/<value>``.
- ``measurements.create(Measurement(...))``: ``POST /measurement/measurements``;
  ``measurements.get_all(source=, value_fragment_type=, ...)``:
  ``GET /measurement/measurements?source=&valueFragmentType=&...``; ``get_last``: the same with
  ``revert=true``, ``dateFrom=1970-01-01T00:00:00...`` and ``pageSize=1``.
- ``device.delete()`` (a ``Device``): ``DELETE /inventory/managedObjects/<id>?withDeviceUser=true``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from pyc8y.client import CumulocityClient
from pyc8y.model.managed_object import Device, ManagedObject
from pyc8y.model.measurement import Measurement
from pyc8y.rest import UnauthorizedError

T = TypeVar("T")
TENANT = "t100"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """One coroutine on a fresh event loop (each test owns its loop and its client session)."""
    return asyncio.run(coroutine)


async def logged_in(base_url: str) -> CumulocityClient:
    auth, xsrf = await CumulocityClient.authenticate(base_url, TENANT, "admin", "admin")
    assert xsrf  # the XSRF-TOKEN cookie was set beside the authorization cookie
    return CumulocityClient(base_url=base_url, tenant_id=TENANT, auth=auth)


def test_authenticate_takes_the_oauth_internal_way_and_the_token_works(mock_server_url: str) -> None:
    async def scenario() -> dict[str, Any]:
        async with await logged_in(mock_server_url) as c8y:
            assert c8y.auth.build_auth_header().startswith("Bearer ")
            me: dict[str, Any] = await c8y.get("/user/currentUser")
            return me

    me = run(scenario())
    assert me["userName"] == "admin"


def test_authenticate_refuses_a_wrong_password(mock_server_url: str) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        run(CumulocityClient.authenticate(mock_server_url, TENANT, "admin", "wrong"))
    assert refused.value.code == 401


async def create_devices(c8y: CumulocityClient, prefix: str) -> list[Device]:
    devices = [
        Device(c8y, type="pyc8y_Sensor", name=f"{prefix}-a", c8y_Hardware={"model": "m1"}),
        Device(c8y, type="pyc8y_Sensor", name=f"{prefix}-b", c8y_Hardware={"model": "m2"}),
        Device(c8y, type="pyc8y_Gateway", name=f"{prefix}-c"),
    ]
    for device in devices:
        await device.create()
    await ManagedObject(c8y, type="pyc8y_Sensor", name=f"{prefix}-a").create()  # same name, no device
    return devices


def test_devices_are_found_through_the_query_language(mock_server_url: str) -> None:
    async def scenario() -> None:
        async with await logged_in(mock_server_url) as c8y:
            a, b, _ = await create_devices(c8y, "qlang")
            found = await c8y.device_inventory.get_by(name="qlang-a")  # q=$filter=(has(...) and name eq)
            assert found.id == a.id
            assert found.get("c8y_Hardware.model") == "m1"
            same_name = await c8y.inventory.get_all(name="qlang-a", limit=None)  # query=$filter=(...)
            assert len(same_name) == 2
            both = await c8y.inventory.get_all(
                name="qlang-a", fragments=["c8y_IsDevice", "c8y_Hardware"], limit=None
            )
            assert [x.id for x in both] == [a.id]
            sensors = await c8y.device_inventory.get_all(
                type="pyc8y_Sensor", name="qlang-*", order_by="name desc", limit=None
            )
            assert [x.name for x in sensors] == ["qlang-b", "qlang-a"]
            assert await c8y.inventory.get_count(type="pyc8y_Sensor") >= 3
            by_fragment = await c8y.inventory.get_all(fragment="c8y_Hardware", limit=None)
            assert {a.id, b.id} <= {x.id for x in by_fragment}
            with pytest.raises(ValueError, match="No matching object"):
                await c8y.device_inventory.get_by(name="qlang-nobody")

    run(scenario())


def test_external_ids_and_measurements_through_its_apis(mock_server_url: str) -> None:
    async def scenario() -> None:
        async with await logged_in(mock_server_url) as c8y:
            device = Device(c8y, type="pyc8y_Sensor", name="ident-1")
            await device.create()
            await c8y.identity.create(
                external_id="SN-pyc8y-1", external_type="c8y_Serial", managed_object_id=device.id
            )
            assert await c8y.identity.get_id("SN-pyc8y-1", "c8y_Serial") == device.id
            assert [x.external_id for x in await c8y.identity.get_all(device.id)] == ["SN-pyc8y-1"]
            await c8y.identity.create(
                external_id="IMEI-1", external_type="c8y_IMEI", managed_object_id=device.id
            )
            await c8y.identity.delete(external_id="IMEI-1", external_type="c8y_IMEI")
            assert [x.external_type for x in await c8y.identity.get_all(device.id)] == ["c8y_Serial"]
            for value in (20.5, 21.5):
                await Measurement(
                    c8y, type="c8y_Temperature", source=device.id,
                    time=f"2026-12-01T10:00:0{int(value) - 20}.000Z",
                    series=("c8y_Temperature.T", value, "C"),
                ).create()  # fmt: skip
            stored = await c8y.measurements.get_all(
                source=device.id, value_fragment_type="c8y_Temperature", limit=None
            )
            assert [m.get("c8y_Temperature.T.value") for m in stored] == [20.5, 21.5]
            last = await c8y.measurements.get_last(source=device.id)
            assert last.get("c8y_Temperature.T.value") == 21.5
            await device.delete()
            with pytest.raises(KeyError):
                await c8y.identity.get_id("SN-pyc8y-1", "c8y_Serial")  # deleted with its object

    run(scenario())
