"""Each tenant's data is its own (spec/tenant.yaml, "Tenants"): t200's objects answer 404 to t100,
lists show only the caller's tenant's data, and realtime carries only the tenant's own changes."""

from __future__ import annotations

from typing import Any

import pytest
from mock_http import ADMIN, Mock, assert_error, measurement

OTHER = ("t200/admin", "pw200")
MO = "/inventory/managedObjects"


def create(mock: Mock, path: str, body: dict[str, Any], auth: tuple[str, str] = OTHER) -> str:
    response = mock.client.post(path, json=body, auth=auth, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def device(mock: Mock, auth: tuple[str, str] = OTHER) -> str:
    return create(mock, MO, {"name": "theirs", "type": "t_dev", "c8y_IsDevice": {}}, auth)


def test_another_tenants_managed_object_answers_404_and_is_in_no_list(mock: Mock) -> None:
    theirs = device(mock)
    assert_error(mock.client.get(f"{MO}/{theirs}", auth=ADMIN), 404, "inventory/Not Found")
    assert mock.client.put(f"{MO}/{theirs}", json={"name": "mine"}, auth=ADMIN).status_code == 404
    assert mock.client.delete(f"{MO}/{theirs}", auth=ADMIN).status_code == 404
    assert mock.client.get(MO, auth=ADMIN).json()["managedObjects"] == []
    assert mock.client.get(f"{MO}/{theirs}", auth=OTHER).json()["name"] == "theirs"


def test_managed_object_ids_are_unique_across_tenants(mock: Mock) -> None:
    ids = {device(mock), device(mock, ADMIN), device(mock), device(mock, ADMIN)}
    assert len(ids) == 4


def test_another_tenants_measurements_are_in_no_list_and_its_device_is_no_source(mock: Mock) -> None:
    theirs = device(mock)
    create(mock, "/measurement/measurements", measurement(theirs))
    assert mock.client.get("/measurement/measurements", auth=ADMIN).json()["measurements"] == []
    assert (
        mock.client.get(f"/measurement/measurements?source={theirs}", auth=ADMIN).json()["measurements"] == []
    )
    refused = mock.client.post("/measurement/measurements", json=measurement(theirs), auth=ADMIN)
    assert refused.status_code == 422, refused.text
    assert len(mock.client.get("/measurement/measurements", auth=OTHER).json()["measurements"]) == 1


def test_another_tenants_alarms_and_asset_models_answer_404(mock: Mock) -> None:
    theirs = device(mock)
    alarm = {
        "source": {"id": theirs},
        "type": "t_al",
        "text": "hot",
        "severity": "MAJOR",
        "time": "2024-01-01T00:00:00Z",
    }
    alarm_id = create(mock, "/alarm/alarms", alarm)
    model_id = create(mock, "/service/dtm/asset-models", {"name": "their model"})
    assert mock.client.get(f"/alarm/alarms/{alarm_id}", auth=ADMIN).status_code == 404
    assert mock.client.get("/alarm/alarms", auth=ADMIN).json()["alarms"] == []
    assert mock.client.get(f"/service/dtm/asset-models/{model_id}", auth=ADMIN).status_code == 404
    assert mock.client.get("/service/dtm/asset-models", auth=ADMIN).json()["assetModels"] == []
    assert mock.client.get(f"/service/dtm/asset-models/{model_id}", auth=OTHER).status_code == 200


def test_another_tenants_subscription_answers_404(mock: Mock) -> None:
    theirs = device(mock)
    body = {
        "subscription": "theirs",
        "context": "mo",
        "source": {"id": theirs},
        "subscriptionFilter": {"apis": ["*"]},
    }
    sub = create(mock, "/notification2/subscriptions", body)
    assert mock.client.get(f"/notification2/subscriptions/{sub}", auth=ADMIN).status_code == 404
    assert mock.client.delete(f"/notification2/subscriptions/{sub}", auth=ADMIN).status_code == 404
    assert mock.client.get(f"/notification2/subscriptions/{sub}", auth=OTHER).status_code == 200
    mine = mock.client.post("/notification2/subscriptions", json=body, auth=ADMIN)
    assert_error(mine, 404, "notification2/Not Found", theirs)  # t200's device is none of t100's


def cometd_client(mock: Mock, auth: tuple[str, str], *channels: str) -> str:
    handshake = [
        {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
    ]
    client_id = str(
        mock.client.post("/notification/realtime", json=handshake, auth=auth).json()[0]["clientId"]
    )
    subscribe = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": c} for c in channels]
    answers = mock.client.post("/notification/realtime", json=subscribe, auth=auth).json()
    assert all(answer["successful"] for answer in answers), answers
    return client_id


def test_no_cometd_subscriber_hears_another_tenants_measurements(mock: Mock) -> None:
    ours, theirs = device(mock, ADMIN), device(mock, OTHER)
    listening = cometd_client(mock, OTHER, "/measurements/*", f"/measurements/{ours}")
    create(mock, "/measurement/measurements", measurement(ours), ADMIN)
    own = create(mock, "/measurement/measurements", measurement(theirs))
    queued = mock.state.realtime.bayeux.clients[listening].queue.drain()
    assert [(event.tenant, event.channel) for event in queued] == [("t200", f"/measurements/{theirs}")]
    assert [str(event.payload["id"]) for event in queued] == [own]


@pytest.mark.parametrize("auth", [ADMIN, OTHER], ids=["t100", "t200"])
def test_a_cometd_client_hears_only_its_own_tenants_changes(mock: Mock, auth: tuple[str, str]) -> None:
    handshake = [
        {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": ["long-polling"]}
    ]
    client_id = mock.client.post("/notification/realtime", json=handshake, auth=auth).json()[0]["clientId"]
    subscribe = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/managedobjects/*"}]
    assert mock.client.post("/notification/realtime", json=subscribe, auth=auth).json()[0]["successful"]
    device(mock, ADMIN)
    device(mock, OTHER)
    tenant = auth[0].split("/")[0]
    bayeux = mock.state.realtime.bayeux
    queued = bayeux.clients[client_id].queue.drain()
    assert [event.tenant for event in queued] == [tenant]


def test_a_seed_fills_each_tenant_its_own_stores(mock: Mock) -> None:
    seed = {
        "managedObjects": [{"name": "ours"}],
        "tenants": {"t200": {"managedObjects": [{"name": "a"}, {"name": "b"}]}},
    }
    assert mock.client.post("/_mock/reset", json=seed).json()["loaded"]["managedObjects"] == 3
    assert [m["name"] for m in mock.client.get(MO, auth=ADMIN).json()["managedObjects"]] == ["ours"]
    assert len(mock.client.get(MO, auth=OTHER).json()["managedObjects"]) == 2
