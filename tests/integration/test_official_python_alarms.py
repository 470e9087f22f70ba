"""The official Python client (PyPI ``c8y-api``) raises, merges, lists, counts, acknowledges,
clears and deletes alarms against the mock, as an application would (``c8y.alarms``, ``Alarm``).

``c8y-api`` spells the alarm paths its own way (``/alarm/alarms/``, ``/alarm/alarms//<id>``,
``/alarm/alarms//count``), so these tests also prove the mock serves those spellings.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from c8y_api import CumulocityApi
from c8y_api.model import Alarm, Device


@pytest.fixture(scope="module")
def c8y(mock_server_url: str) -> CumulocityApi:
    return CumulocityApi(mock_server_url, tenant_id="t100", username="admin", password="admin")


@pytest.fixture
def device(c8y: CumulocityApi) -> Iterator[str]:
    created = Device(c8y, type="py_AlarmDevice", name="python-alarm-device").create()
    yield str(created.id)
    c8y.alarms.delete_by(source=str(created.id))
    created.delete()


def overheat(
    c8y: CumulocityApi, source: str, severity: str = Alarm.Severity.MAJOR, **fragments: object
) -> Alarm:
    return Alarm(
        c8y,
        type="py_Overheat",
        source=source,
        text="Too hot",
        severity=severity,
        time="2024-05-01T10:00:00.000Z",
        **fragments,
    )


def test_create_returns_the_stored_alarm_and_get_reads_it_back(c8y: CumulocityApi, device: str) -> None:
    created = overheat(c8y, device, py_Sensor={"id": 3}).create()

    assert str(created.id).isdigit()
    assert (created.source, created.status, created.severity) == (
        device,
        Alarm.Status.ACTIVE,
        Alarm.Severity.MAJOR,
    )
    fetched = c8y.alarms.get(created.id)
    assert (fetched.text, fetched.type, fetched.fragments["py_Sensor"]) == (
        "Too hot",
        "py_Overheat",
        {"id": 3},
    )
    assert fetched.first_occurrence == fetched.time  # the parsed field (c8y-api 3.7.3)


def test_a_second_raise_is_merged_into_the_open_alarm(c8y: CumulocityApi, device: str) -> None:
    first = overheat(c8y, device).create()
    again = Alarm(
        c8y,
        type="py_Overheat",
        source=device,
        text="Hotter",
        severity=Alarm.Severity.CRITICAL,
        time="2024-05-01T11:00:00.000Z",
    ).create()

    assert again.id == first.id
    merged = c8y.alarms.get(first.id)
    assert (merged.count, merged.text, merged.severity) == (2, "Too hot", Alarm.Severity.MAJOR)
    assert merged.time == "2024-05-01T11:00:00.000Z"
    assert merged.first_occurrence == "2024-05-01T10:00:00.000Z"


def test_select_and_count_filter_by_status_severity_and_type(c8y: CumulocityApi, device: str) -> None:
    overheat(c8y, device).create()
    Alarm(
        c8y,
        type="py_Door",
        source=device,
        text="Open",
        severity=Alarm.Severity.MINOR,
        time="2024-05-01T12:00:00.000Z",
    ).create()

    assert [a.type for a in c8y.alarms.select(source=device)] == ["py_Door", "py_Overheat"]
    assert [a.type for a in c8y.alarms.select(source=device, severity=Alarm.Severity.MINOR)] == ["py_Door"]
    assert c8y.alarms.count(source=device, status=Alarm.Status.ACTIVE) == 2
    assert c8y.alarms.count(source=device, type="py_Door") == 1
    assert len(c8y.alarms.get_all(source=device, page_size=1)) == 2


def test_acknowledge_then_clear_updates_the_alarm_and_the_device_status(
    c8y: CumulocityApi, device: str
) -> None:
    alarm = c8y.alarms.get(overheat(c8y, device).create().id)
    alarm.status = Alarm.Status.ACKNOWLEDGED
    acknowledged = alarm.update()
    assert acknowledged.status == Alarm.Status.ACKNOWLEDGED
    assert c8y.inventory.get(device).c8y_ActiveAlarmsStatus == {
        "critical": 0,
        "major": 1,
        "minor": 0,
        "warning": 0,
    }

    c8y.alarms.apply_by(Alarm(c8y, status=Alarm.Status.CLEARED), source=device, type="py_Overheat")
    assert c8y.alarms.get(alarm.id).status == Alarm.Status.CLEARED
    assert c8y.alarms.count(source=device, resolved=True) == 1
    assert c8y.inventory.get(device).c8y_ActiveAlarmsStatus == {
        "critical": 0,
        "major": 0,
        "minor": 0,
        "warning": 0,
    }


def test_delete_by_filter_and_the_alarm_delete_remove_exactly_the_matches(
    c8y: CumulocityApi, device: str
) -> None:
    keep = overheat(c8y, device).create()
    door = Alarm(
        c8y,
        type="py_Door",
        source=device,
        text="Open",
        severity=Alarm.Severity.MINOR,
        time="2024-05-01T12:00:00.000Z",
    ).create()

    c8y.alarms.get(door.id).delete()  # c8y-api deletes by source and type
    assert [a.id for a in c8y.alarms.select(source=device)] == [keep.id]
    c8y.alarms.delete_by(source=device, severity=Alarm.Severity.MAJOR)
    assert c8y.alarms.count(source=device) == 0
    with pytest.raises(KeyError):
        c8y.alarms.get(keep.id)
