"""The alarm API over HTTP (spec/alarm.yaml), through Connexion with answers validated and through
the fast path: create, de-duplicate, filter, page, count, update, bulk update and delete, the
clients' extra slashes, errors, and the source's c8y_ActiveAlarmsStatus."""

from __future__ import annotations

from typing import Any

import pytest
from mock_http import ADMIN, VND, Mock, assert_error, basic

ALARMS = "/alarm/alarms"
ALARM = VND + "alarm+json"
ALARM_COLLECTION = VND + "alarmcollection+json"


def alarm(source: str, kind: str = "c8y_Overheat", severity: str = "MAJOR", **extra: Any) -> dict[str, Any]:
    body = {"source": {"id": source}, "type": kind, "text": "Too hot", "severity": severity}
    return {"time": "2024-05-01T10:00:00.000Z", **body, **extra}


def raise_alarm(mock: Mock, body: dict[str, Any], path: str = ALARMS) -> dict[str, Any]:
    response = mock.json_post(path, body, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers["Location"] == created["self"]
    return created


def listed(mock: Mock, **params: str) -> list[dict[str, Any]]:
    response = mock.client.get(ALARMS, params={"pageSize": "2000", **params}, auth=ADMIN)
    assert response.status_code == 200, response.text
    return list(response.json()["alarms"])


def active_status(mock: Mock, source: str) -> dict[str, int]:
    response = mock.client.get(f"/inventory/managedObjects/{source}", auth=ADMIN)
    status: dict[str, int] = response.json()["c8y_ActiveAlarmsStatus"]
    return status


def test_create_answers_201_with_the_stored_alarm_its_links_and_server_fields(mock: Mock) -> None:
    source = mock.device()
    created = raise_alarm(mock, alarm(source, c8y_Detail={"sensor": 3}))

    assert created["id"].isdigit()
    assert created["self"].endswith(f"{ALARMS}/{created['id']}")
    assert created["source"] == {"id": source, "self": f"http://testserver/inventory/managedObjects/{source}"}
    assert (created["status"], created["count"], created["c8y_Detail"]) == ("ACTIVE", 1, {"sensor": 3})
    assert created["firstOccurrenceTime"] == created["time"] == "2024-05-01T10:00:00.000Z"
    read = mock.client.get(created["self"].removeprefix("http://testserver"), auth=ADMIN)
    assert read.json() == created
    assert read.headers["content-type"] == ALARM


def test_create_without_accept_answers_an_empty_201_with_location(mock: Mock) -> None:
    source = mock.device()
    response = mock.without_accept("POST", ALARMS, json=alarm(source), headers=basic(*ADMIN))
    assert response.status_code == 201
    assert response.content == b""
    assert response.headers["Location"].startswith(f"http://testserver{ALARMS}/")


def test_a_duplicate_counts_up_on_the_open_alarm_and_a_cleared_one_is_never_merged(mock: Mock) -> None:
    source = mock.device()
    first = raise_alarm(mock, alarm(source))
    again = raise_alarm(
        mock, alarm(source, severity="CRITICAL", time="2024-05-01T11:00:00.000Z", text="Hotter")
    )

    assert again["id"] == first["id"]
    assert (again["count"], again["time"], again["firstOccurrenceTime"]) == (
        2,
        "2024-05-01T11:00:00.000Z",
        first["time"],
    )
    assert (again["text"], again["severity"]) == ("Too hot", "MAJOR")
    mock.client.put(f"{ALARMS}/{first['id']}", json={"status": "CLEARED"}, auth=ADMIN)
    third = raise_alarm(mock, alarm(source))
    assert third["id"] != first["id"]
    assert third["count"] == 1


def test_missing_mandatory_fields_are_a_422_naming_each(mock: Mock) -> None:
    response = mock.json_post(ALARMS, {"source": {"id": mock.device()}, "severity": "MAJOR"})
    body = assert_error(response, 422, "alarm/validationError", "type", "text", "time")
    assert {e["field"] for e in body["errors"]} == {"type", "text", "time"}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"severity": "SEVERE"}, "severity"), ({"status": "OPEN"}, "status"), ({"time": "yesterday"}, "time")],
    ids=["unknown severity", "unknown status", "bad time"],
)
def test_a_value_outside_the_rules_is_a_422_naming_the_field(
    mock: Mock, change: dict[str, Any], field: str
) -> None:
    response = mock.json_post(ALARMS, alarm(mock.device(), **change))
    assert_error(response, 422, "alarm/validationError", field)


def test_an_unknown_source_is_a_422(mock: Mock) -> None:
    assert_error(mock.json_post(ALARMS, alarm("987654")), 422, "alarm/validationError", "987654")


def test_the_list_is_newest_first_with_ties_by_the_larger_id_and_pages_never_repeat(mock: Mock) -> None:
    source = mock.device()
    ids = [
        raise_alarm(mock, alarm(source, kind=f"t{i}", time=f"2024-05-0{1 + i % 3}T00:00:00Z"))["id"]
        for i in range(7)
    ]
    # days 1,2,3,1,2,3,1: newest day first, and within a day the later (larger) id first
    expected = [ids[5], ids[2], ids[4], ids[1], ids[6], ids[3], ids[0]]
    seen = []
    for page in (1, 2, 3):
        response = mock.client.get(
            ALARMS,
            params={"source": source, "pageSize": "3", "currentPage": str(page), "withTotalPages": "true"},
            auth=ADMIN,
        )
        body = response.json()
        assert body["statistics"]["totalPages"] == 3
        seen += [a["id"] for a in body["alarms"]]
    assert seen == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "ACTIVE,ACKNOWLEDGED"}, ["active", "acked"]),
        ({"resolved": "true", "status": "ACTIVE"}, ["cleared"]),
        ({"resolved": "false"}, ["active", "acked"]),
        ({"severity": "CRITICAL,MINOR"}, ["active", "cleared"]),
        ({"type": "t_acked,t_cleared"}, ["acked", "cleared"]),
        ({"fragmentType": "c8y_Mark"}, ["acked"]),
        ({"dateFrom": "2024-05-02", "dateTo": "2024-05-03"}, ["acked"]),
        ({"dateTo": "2024-05-02T00:00:00Z"}, ["active"]),
    ],
    ids=[
        "status list",
        "resolved wins",
        "unresolved",
        "severity list",
        "type list",
        "fragmentType",
        "half-open dates",
        "dateTo exclusive",
    ],
)
def test_filters_select_exactly_the_matches(mock: Mock, params: dict[str, str], expected: list[str]) -> None:
    source = mock.device()
    names = {}
    for name, severity, day, extra in (
        ("active", "CRITICAL", "01", {}),
        ("acked", "MAJOR", "02", {"c8y_Mark": {}}),
        ("cleared", "MINOR", "03", {}),
    ):
        created = raise_alarm(
            mock, alarm(source, kind=f"t_{name}", severity=severity, time=f"2024-05-{day}T00:00:00Z", **extra)
        )
        names[created["id"]] = name
    ids = {v: k for k, v in names.items()}
    mock.client.put(f"{ALARMS}/{ids['acked']}", json={"status": "ACKNOWLEDGED"}, auth=ADMIN)
    mock.client.put(f"{ALARMS}/{ids['cleared']}", json={"status": "CLEARED"}, auth=ADMIN)

    assert sorted(names[a["id"]] for a in listed(mock, source=source, **params)) == sorted(expected)
    count = mock.client.get(f"{ALARMS}/count", params={"source": source, **params}, auth=ADMIN)
    assert count.json() == len(expected)


def test_a_malformed_query_value_is_a_400_naming_the_parameter(mock: Mock) -> None:
    for name, value in (("status", "OPEN"), ("severity", "major"), ("dateFrom", "soon"), ("pageSize", "0")):
        response = mock.client.get(ALARMS, params={name: value}, auth=ADMIN)
        assert_error(response, 400, "alarm/Bad Request", name)


def test_unknown_query_parameters_and_the_clients_extra_slashes_are_served(mock: Mock) -> None:
    source = mock.device()
    created = raise_alarm(mock, alarm(source), path=ALARMS + "/")
    assert mock.client.get(f"{ALARMS}/", params={"source": source, "filter": ""}, auth=ADMIN).json()["alarms"]
    assert mock.client.get(f"{ALARMS}//count", params={"source": source}, auth=ADMIN).json() == 1
    response = mock.client.put(
        f"{ALARMS}//{created['id']}", json={"status": "ACKNOWLEDGED", "source": {"id": source}}, auth=ADMIN
    )
    assert response.status_code == 200
    assert response.json()["status"] == "ACKNOWLEDGED"


def test_update_changes_text_status_severity_and_fragments_and_ignores_server_fields(mock: Mock) -> None:
    created = raise_alarm(mock, alarm(mock.device(), c8y_Old={"a": 1}))
    response = mock.client.put(
        f"{ALARMS}/{created['id']}",
        json={
            "id": created["id"],
            "text": "New",
            "severity": "WARNING",
            "status": "ACKNOWLEDGED",
            "c8y_Old": None,
            "c8y_New": 5,
            "count": 40,
            "time": "2030-01-01T00:00:00Z",
        },
        auth=ADMIN,
    )
    body = response.json()
    assert response.headers["content-type"] == ALARM
    assert (body["text"], body["severity"], body["status"], body["c8y_New"]) == (
        "New",
        "WARNING",
        "ACKNOWLEDGED",
        5,
    )
    assert "c8y_Old" not in body
    assert (body["count"], body["time"]) == (1, created["time"])
    assert body["lastUpdated"] >= created["lastUpdated"]


def test_reopening_a_cleared_alarm_or_changing_its_source_is_a_422(mock: Mock) -> None:
    created = raise_alarm(mock, alarm(mock.device()))
    path = f"{ALARMS}/{created['id']}"
    mock.client.put(path, json={"status": "CLEARED"}, auth=ADMIN)
    assert_error(
        mock.client.put(path, json={"status": "ACTIVE"}, auth=ADMIN), 422, "alarm/validationError", "status"
    )
    other = mock.device()
    assert_error(
        mock.client.put(path, json={"source": {"id": other}}, auth=ADMIN),
        422,
        "alarm/validationError",
        "source.id",
    )
    assert_error(
        mock.client.put(f"{ALARMS}/99999", json={"text": "x"}, auth=ADMIN), 404, "alarm/Not Found", "99999"
    )


def test_bulk_update_and_delete_change_exactly_the_matches_and_refuse_no_filter(mock: Mock) -> None:
    mine, theirs = mock.device(), mock.device()
    raise_alarm(mock, alarm(mine, kind="a"))
    raise_alarm(mock, alarm(mine, kind="b", severity="MINOR"))
    raise_alarm(mock, alarm(theirs, kind="a"))

    response = mock.client.put(
        ALARMS, params={"source": mine, "severity": "MAJOR"}, json={"status": "CLEARED"}, auth=ADMIN
    )
    assert response.status_code == 204
    assert sorted(a["status"] for a in listed(mock, source=mine)) == ["ACTIVE", "CLEARED"]
    assert [a["status"] for a in listed(mock, source=theirs)] == ["ACTIVE"]
    for method in ("PUT", "DELETE"):
        refused = mock.client.request(method, ALARMS, json={"status": "CLEARED"}, auth=ADMIN)
        assert_error(refused, 422, "alarm/validationError", "at least one filter")
    assert (
        mock.client.delete(ALARMS, params={"source": mine, "resolved": "true"}, auth=ADMIN).status_code == 204
    )
    assert [a["type"] for a in listed(mock, source=mine)] == ["b"]
    assert len(listed(mock, source=theirs)) == 1


def test_the_source_carries_its_unresolved_alarms_by_severity_through_every_change(mock: Mock) -> None:
    source = mock.device()
    first = raise_alarm(mock, alarm(source, kind="a", severity="CRITICAL"))
    raise_alarm(mock, alarm(source, kind="a"))  # a duplicate: still one CRITICAL
    raise_alarm(mock, alarm(source, kind="b", severity="MINOR"))
    assert active_status(mock, source) == {"critical": 1, "major": 0, "minor": 1, "warning": 0}
    mock.client.put(
        f"{ALARMS}/{first['id']}", json={"status": "ACKNOWLEDGED", "severity": "WARNING"}, auth=ADMIN
    )
    assert active_status(mock, source) == {"critical": 0, "major": 0, "minor": 1, "warning": 1}
    mock.client.put(ALARMS, params={"source": source, "type": "b"}, json={"status": "CLEARED"}, auth=ADMIN)
    assert active_status(mock, source) == {"critical": 0, "major": 0, "minor": 0, "warning": 1}
    mock.client.delete(ALARMS, params={"source": source}, auth=ADMIN)
    assert active_status(mock, source) == {"critical": 0, "major": 0, "minor": 0, "warning": 0}


def test_reading_needs_alarm_read_and_writing_alarm_admin(mock: Mock) -> None:
    source = mock.device()
    assert_error(mock.client.get(ALARMS, headers=basic("t100/mreader", "pw")), 403, "security/Forbidden")
    assert_error(
        mock.client.post(ALARMS, json=alarm(source), headers=basic("t100/nobody", "pw")),
        403,
        "security/Forbidden",
    )
    response = mock.client.get(ALARMS)
    assert_error(response, 401, "security/Unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Cumulocity"'


def test_alarms_load_from_a_seed_and_reset_empties_them(mock: Mock) -> None:
    seed = {
        "managedObjects": [{"id": "500", "name": "seeded"}],
        "alarms": [alarm("500"), alarm("500", time="2024-05-02T00:00:00Z")],
    }
    response = mock.client.post("/_mock/reset", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["alarms"] == 1  # the second entry was counted on the first
    assert listed(mock, source="500")[0]["count"] == 2
    assert mock.client.post("/_mock/reset").json()["counts"]["alarms"] == 0
