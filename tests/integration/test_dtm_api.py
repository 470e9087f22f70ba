"""The DTM API of the mock over HTTP, in-process (dtm-rules.md, one test or more per rule)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from mock_http import ADMIN, Mock, assert_error, basic, make_mock

MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"


@pytest.fixture(scope="module")
def module_mock() -> Iterator[Mock]:
    yield from make_mock()


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def model(mock: Mock, **body: Any) -> str:
    return str(ok(mock.json_post(MODELS, body), 201)["id"])


def instance(mock: Mock, model_id: str, name: str = "i", **body: Any) -> dict[str, Any]:
    return dict(ok(mock.json_post(INSTANCES, {"modelId": model_id, "name": name, **body}), 201))


def put(mock: Mock, path: str, body: Any) -> httpx.Response:
    return mock.client.put(path, json=body, auth=ADMIN)


def get(mock: Mock, path: str, **params: Any) -> httpx.Response:
    return mock.client.get(path, params=params, auth=ADMIN)


def delete(mock: Mock, path: str, **params: Any) -> httpx.Response:
    return mock.client.delete(path, params=params, auth=ADMIN)


def fields(response: httpx.Response) -> list[str]:
    body = assert_error(response, 422, "dtm/validationError")
    return [e.get("field") for e in body.get("errors", [])]


# --- models ---------------------------------------------------------------------------------


def test_model_crud_round_trips_with_self_location_and_widgets(mock: Mock) -> None:
    widget = {
        "kind": "gauge",
        "label": "Power",
        "unit": "kW",
        "min": 0,
        "max": 20,
        "decimals": 1,
        "color": "#1776bf",
    }
    body = {
        "name": "Pump",
        "description": "d",
        "icon": "pump",
        "properties": [{"key": "p", "type": "NUMBER", "default": 5.5, "widget": widget}],
    }
    response = mock.json_post(MODELS, body)
    created = ok(response, 201)
    assert response.headers["location"] == created["self"] == f"http://testserver{MODELS}/{created['id']}"
    fetched = ok(get(mock, f"{MODELS}/{created['id']}"))
    assert fetched == created
    assert fetched["properties"][0]["widget"] == widget
    updated = ok(put(mock, f"{MODELS}/{created['id']}", {"icon": None, "allowedSubtypes": [created["id"]]}))
    assert "icon" not in updated
    assert updated["name"] == "Pump"
    assert updated["allowedSubtypes"] == [created["id"]]
    assert delete(mock, f"{MODELS}/{created['id']}").status_code == 204
    assert_error(get(mock, f"{MODELS}/{created['id']}"), 404, "dtm/Not Found", created["id"])


def test_post_without_accept_answers_an_empty_201_with_location(mock: Mock) -> None:
    response = mock.without_accept("POST", MODELS, json={"name": "Quiet"}, headers=basic(*ADMIN))
    assert response.status_code == 201
    assert response.content == b""
    assert response.headers["location"].startswith(f"http://testserver{MODELS}/")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "M", "properties": [{"key": "a", "type": "ENUM", "values": []}]}, "properties[0].values"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "NUMBER", "default": "x"}]},
            "properties[0].default",
        ),
        ({"name": "M", "allowedSubtypes": ["404"]}, "allowedSubtypes[0]"),
        (
            {"name": "M", "smartFunctions": [{"name": "f", "expression": "x.__class__"}]},
            "smartFunctions[0].expression",
        ),
        (
            {"name": "M", "smartFunctions": [{"name": "f", "expression": "9**9**9 if (" + "(" * 40 + ")"}]},
            "smartFunctions[0].expression",
        ),
        (
            {
                "name": "M",
                "properties": [{"key": "a", "type": "TEXT", "widget": {"kind": "gauge", "color": "blue"}}],
            },
            "properties[0].widget.color",
        ),
        ({"name": "M", "extends": "404"}, "extends"),
        (
            {"name": "M", "properties": [{"key": "a", "type": "REFERENCE", "target": "404"}]},
            "properties[0].target",
        ),
    ],
)
def test_model_rule_violations_are_422_naming_the_path(mock: Mock, body: dict[str, Any], field: str) -> None:
    assert field in fields(mock.json_post(MODELS, body))


def test_duplicate_model_names_conflict(mock: Mock) -> None:
    model(mock, name="Pump")
    assert_error(mock.json_post(MODELS, {"name": "Pump"}), 409, "dtm/Conflict", "Pump")


def test_inheritance_cycle_and_type_change_are_422(mock: Mock) -> None:
    base = model(mock, name="Base", properties=[{"key": "a", "type": "TEXT"}])
    sub = model(mock, name="Sub", extends=base)
    assert fields(put(mock, f"{MODELS}/{base}", {"extends": sub})) == ["extends"]
    assert fields(
        mock.json_post(
            MODELS, {"name": "S2", "extends": base, "properties": [{"key": "a", "type": "NUMBER"}]}
        )
    ) == ["properties[0].type"]


@pytest.mark.parametrize("use", ["instance", "extends", "allowedSubtypes", "reference"])
def test_deleting_a_model_in_use_is_409(mock: Mock, use: str) -> None:
    used = model(mock, name="Used")
    if use == "instance":
        instance(mock, used)
    elif use == "extends":
        model(mock, name="U", extends=used)
    elif use == "allowedSubtypes":
        model(mock, name="U", allowedSubtypes=[used])
    else:
        model(mock, name="U", properties=[{"key": "r", "type": "REFERENCE", "target": used}])
    assert_error(delete(mock, f"{MODELS}/{used}"), 409, "dtm/Conflict", used)


def test_model_listing_filters_by_name_and_pages(mock: Mock) -> None:
    for index in range(3):
        model(mock, name=f"m{index}")
    page = ok(get(mock, MODELS, pageSize=2, withTotalElements="true"))
    assert [m["name"] for m in page["assetModels"]] == ["m0", "m1"]
    assert page["statistics"] == {"currentPage": 1, "pageSize": 2, "totalElements": 3}
    assert [m["name"] for m in ok(get(mock, MODELS, name="m2"))["assetModels"]] == ["m2"]


# --- instances --------------------------------------------------------------------------------


@pytest.fixture
def pump_models(mock: Mock) -> dict[str, str]:
    site = model(mock, name="Site")
    pump = model(
        mock,
        name="Pump",
        properties=[
            {"key": "serial", "type": "TEXT", "required": True},
            {"key": "power", "type": "NUMBER", "default": 4},
            {"key": "running", "type": "BOOLEAN"},
            {"key": "installed", "type": "DATE"},
            {"key": "status", "type": "ENUM", "values": ["ok", "fault"]},
            {"key": "site", "type": "REFERENCE", "target": site},
        ],
        smartFunctions=[
            {"name": "half", "expression": "power / 2"},
            {"name": "bad", "expression": "serial * 2"},
            {"name": "total", "expression": 'sum("c8y_P.P")'},
            {"name": "last", "expression": 'latest("c8y_P.P")'},
            {"name": "hourly", "expression": 'avg("c8y_P.P", "1h")'},
        ],
    )
    booster = model(mock, name="Booster", extends=pump)
    ok(put(mock, f"{MODELS}/{site}", {"allowedSubtypes": [site, pump]}))
    ok(put(mock, f"{MODELS}/{pump}", {"allowedSubtypes": [pump]}))
    return {"site": site, "pump": pump, "booster": booster}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("serial", 5),
        ("power", "5"),
        ("power", True),
        ("running", "true"),
        ("installed", "2023-02-29"),
        ("installed", "2024-01-01T10:00"),
        ("status", "OK"),
        ("site", "999"),
    ],
)
def test_the_property_type_matrix_is_enforced(
    mock: Mock, pump_models: dict[str, str], key: str, value: Any
) -> None:
    properties = {"serial": "s", key: value}
    response = mock.json_post(
        INSTANCES, {"modelId": pump_models["pump"], "name": "p", "properties": properties}
    )
    assert fields(response) == [f"properties.{key}"]


def test_required_default_and_unknown_properties(mock: Mock, pump_models: dict[str, str]) -> None:
    pump = pump_models["pump"]
    assert fields(mock.json_post(INSTANCES, {"modelId": pump, "name": "p"})) == ["properties.serial"]
    assert fields(
        mock.json_post(INSTANCES, {"modelId": pump, "name": "p", "properties": {"serial": "s", "x": 1}})
    ) == ["properties.x"]
    assert fields(mock.json_post(INSTANCES, {"modelId": "404", "name": "p"})) == ["modelId"]
    created = instance(
        mock,
        pump,
        properties={
            "serial": "s",
            "power": None,
            "running": True,
            "installed": "2024-02-29T12:00:00Z",
            "status": "ok",
        },
    )
    assert created["properties"] == {
        "serial": "s",
        "power": 4,
        "running": True,
        "installed": "2024-02-29T12:00:00Z",
        "status": "ok",
    }


def test_a_managed_object_is_created_linked_and_protected(mock: Mock, pump_models: dict[str, str]) -> None:
    created = instance(mock, pump_models["site"], name="Hall")
    mo_path = f"/inventory/managedObjects/{created['managedObjectId']}"
    mo = ok(get(mock, mo_path))
    assert (mo["name"], mo["type"], mo["c8y_IsAsset"]) == ("Hall", "c8y_DtmAsset", {})
    assert_error(delete(mock, mo_path), 409, "inventory/Conflict", created["id"])
    device = mock.device()
    linked = instance(mock, pump_models["site"], managedObjectId=device)
    assert_error(
        mock.json_post(INSTANCES, {"modelId": pump_models["site"], "name": "x", "managedObjectId": device}),
        409,
        "dtm/Conflict",
        device,
    )
    assert fields(
        mock.json_post(INSTANCES, {"modelId": pump_models["site"], "name": "x", "managedObjectId": "9999"})
    ) == ["managedObjectId"]
    assert delete(mock, f"{INSTANCES}/{created['id']}").status_code == 204
    assert get(mock, mo_path).status_code == 404
    assert delete(mock, f"{INSTANCES}/{linked['id']}").status_code == 204
    assert get(mock, f"/inventory/managedObjects/{device}").status_code == 200


def test_hierarchy_children_moves_cycles_and_cascade(mock: Mock, pump_models: dict[str, str]) -> None:
    site, pump = pump_models["site"], pump_models["pump"]
    hall = instance(mock, site, "hall")["id"]
    p1 = instance(mock, pump, "p1", parent=hall, properties={"serial": "1"})["id"]
    booster = instance(mock, pump_models["booster"], "b", parent=p1, properties={"serial": "2"})["id"]
    assert fields(mock.json_post(INSTANCES, {"modelId": site, "name": "x", "parent": p1})) == ["parent"]
    assert fields(mock.json_post(INSTANCES, {"modelId": site, "name": "x", "parent": "999"})) == ["parent"]
    assert fields(put(mock, f"{INSTANCES}/{p1}", {"parent": booster})) == ["parent"]
    ok(put(mock, f"{INSTANCES}/{booster}", {"parent": hall}))
    assert ok(get(mock, f"{INSTANCES}/{hall}"))["children"] == [p1, booster]
    assert ok(get(mock, f"{INSTANCES}/{p1}"))["children"] == []
    assert "parent" not in ok(put(mock, f"{INSTANCES}/{p1}", {"parent": None}))
    ok(put(mock, f"{INSTANCES}/{p1}", {"parent": hall}))
    assert ok(get(mock, f"{INSTANCES}/{hall}"))["children"] == [booster, p1]
    assert_error(delete(mock, f"{INSTANCES}/{hall}"), 409, "dtm/Conflict", "cascade=true")
    assert delete(mock, f"{INSTANCES}/{hall}", cascade="true").status_code == 204
    assert ok(get(mock, INSTANCES))["assetInstances"] == []


def test_a_referenced_instance_cannot_be_deleted(mock: Mock, pump_models: dict[str, str]) -> None:
    hall = instance(mock, pump_models["site"], "hall")["id"]
    instance(mock, pump_models["pump"], properties={"serial": "s", "site": hall})
    assert_error(delete(mock, f"{INSTANCES}/{hall}"), 409, "dtm/Conflict", "referenced")


def test_listing_by_model_includes_submodels_and_filters_parent_and_name(
    mock: Mock, pump_models: dict[str, str]
) -> None:
    hall = instance(mock, pump_models["site"], "hall")["id"]
    p = instance(mock, pump_models["pump"], "p", parent=hall, properties={"serial": "1"})["id"]
    b = instance(mock, pump_models["booster"], "p", properties={"serial": "2"})["id"]

    def ids(**params: Any) -> list[str]:
        return [i["id"] for i in ok(get(mock, INSTANCES, pageSize=100, **params))["assetInstances"]]

    assert ids(model=pump_models["pump"]) == [p, b]
    assert ids(model=pump_models["booster"]) == [b]
    assert ids(parent=hall) == [p]
    assert ids(name="p") == [p, b]
    assert ids(model="999") == []


def test_put_keeps_model_and_managed_object_and_revalidates(mock: Mock, pump_models: dict[str, str]) -> None:
    created = instance(mock, pump_models["pump"], properties={"serial": "s", "status": "ok"})
    path = f"{INSTANCES}/{created['id']}"
    assert fields(put(mock, path, {"modelId": pump_models["site"]})) == ["modelId"]
    assert fields(put(mock, path, {"managedObjectId": mock.device()})) == ["managedObjectId"]
    replaced = ok(put(mock, path, {"properties": {"serial": "t"}, "id": "1", "children": ["9"]}))
    assert replaced["properties"] == {"serial": "t", "power": 4}
    assert replaced["id"] == created["id"]
    assert replaced["children"] == []


def test_smart_functions_compute_values_errors_and_rollups(mock: Mock, pump_models: dict[str, str]) -> None:
    hall = instance(mock, pump_models["site"], "hall")
    pump = instance(mock, pump_models["pump"], "p", parent=hall["id"], properties={"serial": "s"})
    child = instance(
        mock, pump_models["booster"], "b", parent=pump["id"], properties={"serial": "t", "power": 10}
    )
    assert pump["computed"] == {"half": 2, "bad": None, "total": 0, "last": None, "hourly": None}
    assert list(pump["computedErrors"]) == ["bad"]
    assert "Type mismatch" in pump["computedErrors"]["bad"]
    now = datetime.now(UTC)
    for hours, value, source in ((5, 1.0, pump), (0.1, 3.0, child), (0.2, 2.0, hall)):
        stamp = (now - timedelta(hours=hours)).isoformat().replace("+00:00", "Z")
        body = {
            "time": stamp,
            "type": "power",
            "source": {"id": source["managedObjectId"]},
            "c8y_P": {"P": {"value": value, "unit": "kW"}},
        }
        ok(mock.json_post("/measurement/measurements", body), 201)
    computed = ok(get(mock, f"{INSTANCES}/{pump['id']}"))["computed"]
    assert computed == {"half": 2, "bad": None, "total": 4.0, "last": 3.0, "hourly": 3.0}
    assert ok(get(mock, f"{INSTANCES}/{child['id']}"))["computed"]["half"] == 5

    rolled = ok(get(mock, f"{INSTANCES}/{pump['id']}/rollup/measurements", pageSize=10, revert="true"))
    assert [m["c8y_P"]["P"]["value"] for m in rolled["measurements"]] == [3.0, 1.0]
    assert (
        ok(get(mock, f"{INSTANCES}/{hall['id']}/rollup/measurements", withTotalElements="true"))[
            "statistics"
        ]["totalElements"]
        == 3
    )
    day = (now - timedelta(days=1)).date().isoformat()
    tomorrow = (now + timedelta(days=1)).date().isoformat()
    series = ok(
        get(
            mock,
            f"{INSTANCES}/{pump['id']}/rollup/series",
            dateFrom=day,
            dateTo=tomorrow,
            aggregationInterval="1d",
            aggregationFunction="sum",
        )
    )
    assert series["series"] == [{"name": "P", "type": "c8y_P", "unit": "kW"}]
    assert sum(entry[0]["sum"] for entry in series["values"].values()) == 4.0
    assert get(mock, f"{INSTANCES}/{pump['id']}/rollup/series", dateFrom=day).status_code == 400
    assert_error(get(mock, f"{INSTANCES}/999/rollup/measurements"), 404, "dtm/Not Found", "999")


def test_roles_are_enforced_on_dtm_operations(mock: Mock) -> None:
    reader = ("t100/ireader", "pw")
    assert mock.client.get(MODELS, auth=reader).status_code == 200
    assert mock.client.post(MODELS, json={"name": "x"}, auth=reader).status_code == 403
    assert mock.client.get(MODELS, auth=("t100/nobody", "pw")).status_code == 403
    assert mock.client.get(MODELS).status_code == 401


def test_seeds_and_reset_load_and_empty_the_dtm_store(mock: Mock) -> None:
    seed = {
        "assetModels": [{"id": "500", "name": "Site"}],
        "assetInstances": [{"id": "600", "modelId": "500", "name": "Hall"}],
    }
    loaded = ok(mock.client.post("/_mock/reset", json=seed))
    assert loaded["counts"]["assetModels"] == 1
    assert ok(get(mock, f"{INSTANCES}/600"))["modelId"] == "500"
    assert int(model(mock, name="Next")) > 600
    ok(mock.client.post("/_mock/reset"))
    assert ok(get(mock, MODELS))["assetModels"] == []
