"""The inventory query language and the identity API over HTTP (spec/inventory.yaml, spec/identity.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
from mock_http import Mock, assert_error

MOS = "/inventory/managedObjects"
ACCEPT = {"Accept": "application/json"}


def names(mock: Mock, **params: Any) -> list[str]:
    response = mock.client.get(MOS, params={"pageSize": 100, **params}, auth=("t100/admin", "admin"))
    assert response.status_code == 200, response.text
    return [mo.get("name") for mo in response.json()["managedObjects"]]


@pytest.fixture
def fleet(mock: Mock) -> Mock:
    mock.device(name="Pump 1", type="c8y_Linux", c8y_IsDevice={}, c8y_Hardware={"model": "X1"}, n=3)
    mock.device(name="Pump 2", type="c8y_Linux", c8y_Hardware={"model": "X2"}, n=10)
    mock.device(name="Valve", type="c8y_Other", c8y_IsDevice={}, n=7)
    return mock


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("$filter=(name eq 'Pump 1')", ["Pump 1"]),
        ("$filter=(name eq 'Pump*')", ["Pump 1", "Pump 2"]),
        ("$filter=(c8y_Hardware.model eq 'X2')", ["Pump 2"]),
        ("$filter=(has(c8y_IsDevice) and type eq c8y_Linux)", ["Pump 1"]),
        ("$filter=(name eq 'Valve' or n gt 5)", ["Pump 2", "Valve"]),
        ("$filter=(not(has(c8y_Hardware)))", ["Valve"]),
        ("$filter=(n ge 3 and n le 7) $orderby=n desc", ["Valve", "Pump 1"]),
        ("$orderby=type desc,name desc", ["Valve", "Pump 2", "Pump 1"]),
    ],
    ids=["exact", "wildcard", "nested-path", "has-and-word", "or", "not", "range-orderby", "orderby-keys"],
)
def test_query_selects_and_orders_as_the_spec_says(fleet: Mock, query: str, expected: list[str]) -> None:
    assert names(fleet, query=query) == expected


def test_q_is_the_query_restricted_to_devices(fleet: Mock) -> None:
    assert names(fleet, q="$filter=(name eq 'Pump*')") == ["Pump 1"]


def test_query_is_anded_with_the_other_filters_and_counted_in_statistics(fleet: Mock) -> None:
    response = fleet.client.get(
        MOS,
        params={
            "query": "name eq 'Pump*'",
            "type": "c8y_Linux",
            "withTotalElements": "true",
            "text": "Pump 2",
        },
        auth=("t100/admin", "admin"),
    )
    assert [mo["name"] for mo in response.json()["managedObjects"]] == ["Pump 2"]
    assert response.json()["statistics"]["totalElements"] == 1


def test_bygroupid_selects_the_groups_child_assets(mock: Mock) -> None:
    child = mock.device(name="child")
    mock.device(name="other")
    group = mock.device(name="group", childAssets={"references": [{"managedObject": {"id": child}}]})
    assert names(mock, query=f"bygroupid({group})") == ["child"]


@pytest.mark.parametrize(
    ("query", "position"),
    [("$filter=(name eq 'x'", "21"), ("$filter=(name like 'x')", "15")],
    ids=["unclosed", "unknown-operator"],
)
def test_an_unreadable_query_is_a_400_naming_the_position(fleet: Mock, query: str, position: str) -> None:
    response = fleet.client.get(MOS, params={"query": query}, auth=("t100/admin", "admin"))
    assert_error(response, 400, "inventory/Bad Request", f"position {position}", "query")


def test_a_60k_character_query_is_refused_by_the_url_limit_before_parsing(fleet: Mock) -> None:
    response = fleet.client.get(MOS, params={"query": "x" * 60_000}, auth=("t100/admin", "admin"))
    assert_error(response, 414, "inventory/Request-URI Too Long", "8192 bytes")


def test_query_and_q_together_are_a_400(fleet: Mock) -> None:
    response = fleet.client.get(MOS, params={"query": "a eq 1", "q": "a eq 1"}, auth=("t100/admin", "admin"))
    assert_error(response, 400, "inventory/Bad Request", "query", "q")


def external_id(mock: Mock, mo: str, value: str, kind: str = "c8y_Serial") -> Any:
    return mock.json_post(
        f"/identity/globalIds/{mo}/externalIds", {"externalId": value, "type": kind}, headers=ACCEPT
    )


def test_an_external_id_is_created_listed_looked_up_and_deleted(mock: Mock) -> None:
    mo = mock.device()
    created = external_id(mock, mo, "SN 1")
    assert created.status_code == 201
    body = created.json()
    assert (
        body["self"]
        == created.headers["location"]
        == "http://testserver/identity/externalIds/c8y_Serial/SN%201"
    )
    assert body["managedObject"]["id"] == mo
    listed = mock.client.get(f"/identity/globalIds/{mo}/externalIds", auth=("t100/admin", "admin")).json()
    assert [e["externalId"] for e in listed["externalIds"]] == ["SN 1"]
    looked_up = mock.client.get("/identity/externalIds/c8y_Serial/SN 1", auth=("t100/admin", "admin"))
    assert looked_up.json() == body
    assert (
        mock.client.delete("/identity/externalIds/c8y_Serial/SN 1", auth=("t100/admin", "admin")).status_code
        == 204
    )
    gone = mock.client.get("/identity/externalIds/c8y_Serial/SN 1", auth=("t100/admin", "admin"))
    assert_error(gone, 404, "identity/Not Found", "SN 1")
    assert mock.client.get(f"{MOS}/{mo}", auth=("t100/admin", "admin")).status_code == 200


def test_duplicates_are_409_and_unknown_managed_objects_404(mock: Mock) -> None:
    first, second = mock.device(), mock.device()
    assert external_id(mock, first, "A").status_code == 201
    assert_error(external_id(mock, second, "A"), 409, "identity/Conflict", first)
    assert_error(external_id(mock, "999999", "B"), 404, "identity/Not Found", "999999")


def test_external_ids_are_deleted_with_their_managed_object(mock: Mock) -> None:
    mo = mock.device()
    assert external_id(mock, mo, "GONE").status_code == 201
    assert mock.client.delete(f"{MOS}/{mo}", auth=("t100/admin", "admin")).status_code == 204
    lookup = mock.client.get("/identity/externalIds/c8y_Serial/GONE", auth=("t100/admin", "admin"))
    assert_error(lookup, 404, "identity/Not Found")
    assert external_id(mock, mock.device(), "GONE").status_code == 201


def test_the_dtm_csv_device_column_resolves_an_external_id(mock: Mock) -> None:
    mo = mock.device()
    assert external_id(mock, mo, "SN-9", "c8y_IMEI").status_code == 201
    model = mock.json_post("/service/dtm/asset-models", {"name": "Pump"}, headers=ACCEPT).json()["id"]
    text = "model,name,managedObjectId,externalIdType\r\nPump,P-1,SN-9,c8y_IMEI\r\n"
    response = mock.client.post(
        "/service/dtm/asset-imports",
        content=text,
        headers={"Content-Type": "text/csv"},
        auth=("t100/admin", "admin"),
    )
    assert response.status_code == 201, response.text
    instance = response.json()["assetInstances"][0]
    got = mock.client.get(f"/service/dtm/asset-instances/{instance}", auth=("t100/admin", "admin")).json()
    assert (got["modelId"], got["managedObjectId"]) == (model, mo)


def test_the_asset_instances_list_takes_the_query_language(mock: Mock) -> None:
    model = mock.json_post(
        "/service/dtm/asset-models",
        {"name": "M", "properties": [{"key": "p", "type": "NUMBER"}]},
        headers=ACCEPT,
    ).json()["id"]
    for name, power in (("A", 1), ("B", 9), ("C", 5)):
        body = {"modelId": model, "name": name, "properties": {"p": power}}
        assert mock.json_post("/service/dtm/asset-instances", body).status_code == 201
    response = mock.client.get(
        "/service/dtm/asset-instances",
        params={"query": "$filter=(properties.p ge 5) $orderby=properties.p desc"},
        auth=("t100/admin", "admin"),
    )
    assert [i["name"] for i in response.json()["assetInstances"]] == ["B", "C"]
    bad = mock.client.get(
        "/service/dtm/asset-instances", params={"query": "p eq"}, auth=("t100/admin", "admin")
    )
    assert_error(bad, 400, "dtm/Bad Request", "position 5")
