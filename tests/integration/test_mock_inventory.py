"""Managed objects and the current tenant over HTTP (platform-rules.md, "Inventory and tenant")."""

from __future__ import annotations

import pytest
from mock_http import ADMIN, MANAGED_OBJECT, Mock, assert_error, basic, measurement

COLLECTION = "application/vnd.com.nsn.cumulocity.managedobjectcollection+json"


def test_post_returns_the_managed_object_with_server_fields(mock: Mock) -> None:
    response = mock.json_post(
        "/inventory/managedObjects",
        {"name": "Pump 1", "type": "c8y_Pump", "c8y_IsDevice": {}, "owner": "mallory", "id": "99"},
        headers={"Accept": MANAGED_OBJECT},
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == MANAGED_OBJECT
    body = response.json()
    assert body["name"] == "Pump 1"
    assert body["c8y_IsDevice"] == {}
    assert body["owner"] == "admin"
    assert body["id"] != "99"
    assert (
        body["self"]
        == response.headers["location"]
        == f"http://testserver/inventory/managedObjects/{body['id']}"
    )
    assert body["creationTime"] == body["lastUpdated"]


def test_post_without_accept_has_an_empty_body(mock: Mock) -> None:
    response = mock.without_accept(
        "POST", "/inventory/managedObjects", json={"name": "x"}, headers=basic("t100/admin", "admin")
    )
    assert response.status_code == 201
    assert response.content == b""
    assert "/inventory/managedObjects/" in response.headers["location"]


def test_put_merges_fragments_and_null_removes_one(mock: Mock) -> None:
    mo = mock.device(c8y_A={"x": 1}, c8y_B={"y": 2})
    response = mock.client.put(
        f"/inventory/managedObjects/{mo}", json={"c8y_A": None, "c8y_C": [1], "name": "renamed"}, auth=ADMIN
    )
    assert response.status_code == 200
    body = mock.client.get(f"/inventory/managedObjects/{mo}", auth=ADMIN).json()
    assert "c8y_A" not in body
    assert body["c8y_B"] == {"y": 2}
    assert body["c8y_C"] == [1]
    assert body["name"] == "renamed"


def test_put_without_accept_answers_200_with_an_empty_body(mock: Mock) -> None:
    mo = mock.device()
    response = mock.without_accept(
        "PUT", f"/inventory/managedObjects/{mo}", json={"name": "y"}, headers=basic("t100/admin", "admin")
    )
    assert response.status_code == 200
    assert response.content == b""


def test_wrong_field_type_answers_422_naming_it(mock: Mock) -> None:
    assert_error(
        mock.json_post("/inventory/managedObjects", {"name": 5}), 422, "inventory/validationError", "name"
    )


def test_delete_then_get_returns_404_and_keeps_the_measurements(mock: Mock) -> None:
    mo = mock.device()
    mid = mock.json_post("/measurement/measurements", measurement(mo)).json()["id"]
    assert mock.client.delete(f"/inventory/managedObjects/{mo}", auth=ADMIN).status_code == 204
    assert_error(
        mock.client.get(f"/inventory/managedObjects/{mo}", auth=ADMIN), 404, "inventory/Not Found", mo
    )
    assert_error(
        mock.client.put(f"/inventory/managedObjects/{mo}", json={}, auth=ADMIN), 404, "inventory/Not Found"
    )
    assert_error(
        mock.client.delete(f"/inventory/managedObjects/{mo}", auth=ADMIN), 404, "inventory/Not Found"
    )
    assert mock.client.get(f"/measurement/measurements/{mid}", auth=ADMIN).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=c8y_Pump", ["p1", "p2"]),
        ("fragmentType=c8y_IsDevice", ["p1", "s1"]),
        ("text=Pump%20A", ["p1", "s1"]),  # any string value, at any depth, equal to the text
        ("text=Pump", []),  # a part of a value is not equal to it
        ("text=7.25", []),  # numbers are not string values
        ("ids={p2},{s1}", ["p2", "s1"]),
        ("owner=icreator", ["s1"]),
        ("type=c8y_Pump&fragmentType=c8y_IsDevice", ["p1"]),
    ],
)
def test_collection_filters(mock: Mock, query: str, expected: list[str]) -> None:
    made = {
        "p1": mock.device(type="c8y_Pump", name="Pump A", c8y_IsDevice={}),
        "p2": mock.device(type="c8y_Pump", name="Pump B"),
        "s1": mock.client.post(
            "/inventory/managedObjects",
            json={"name": "Sensor", "c8y_IsDevice": {}, "c8y_Hardware": {"serial": ["Pump A"], "rev": 7.25}},
            headers=basic("icreator", "pw"),
        ).json()["id"],
    }
    response = mock.client.get(f"/inventory/managedObjects?pageSize=50&{query.format(**made)}", auth=ADMIN)
    assert response.headers["content-type"] == COLLECTION
    assert [mo["id"] for mo in response.json()["managedObjects"]] == [made[k] for k in expected]


def test_collection_pages_with_statistics_and_links(mock: Mock) -> None:
    made = [mock.device() for _ in range(3)]
    body = mock.client.get(
        "/inventory/managedObjects?pageSize=2&currentPage=2&withTotalPages=true", auth=ADMIN
    ).json()
    assert [mo["id"] for mo in body["managedObjects"]] == made[2:]
    assert body["statistics"] == {"currentPage": 2, "pageSize": 2, "totalPages": 2}
    assert body["prev"].endswith("pageSize=2&currentPage=1")
    assert body["next"].endswith("currentPage=3")
    assert all(mo["self"].endswith(f"/inventory/managedObjects/{mo['id']}") for mo in body["managedObjects"])


def test_current_tenant_describes_the_callers_tenant_and_host(mock: Mock) -> None:
    response = mock.client.get("/tenant/currentTenant", auth=ADMIN, headers={"Host": "mock.local:8080"})
    assert response.status_code == 200
    assert response.json() == {
        "name": "t100",
        "domainName": "mock.local",
        "self": "http://mock.local:8080/tenant/currentTenant",
        "allowCreateTenants": False,
    }
