"""The DTM alarm roll-up (spec/dtm.yaml extensions): /rollup/alarms of an asset instance lists the
alarms of its managed object and of every descendant's, with the alarm filters and paging, and
every instance answer carries activeAlarmsStatus for its subtree."""

from __future__ import annotations

from typing import Any

from mock_http import ADMIN, Mock, assert_error

MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"
ALARMS = "/alarm/alarms"


def created(mock: Mock, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = mock.json_post(path, body, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def tree(mock: Mock) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    """root -> child -> grandchild, and a managed object outside the tree."""
    model = created(mock, MODELS, {"name": "Node"})["id"]
    assert (
        mock.client.put(f"{MODELS}/{model}", json={"allowedSubtypes": [model]}, auth=ADMIN).status_code == 200
    )
    root = created(mock, INSTANCES, {"modelId": model, "name": "root"})
    child = created(mock, INSTANCES, {"modelId": model, "name": "child", "parent": root["id"]})
    grandchild = created(mock, INSTANCES, {"modelId": model, "name": "grandchild", "parent": child["id"]})
    return root, child, grandchild, mock.device()


def raise_alarm(mock: Mock, source: str, kind: str, severity: str, day: int) -> str:
    body = {
        "source": {"id": source},
        "type": kind,
        "text": "t",
        "severity": severity,
        "time": f"2024-05-0{day}T00:00:00Z",
    }
    return str(created(mock, ALARMS, body)["id"])


def test_rollup_lists_the_subtree_alarms_newest_first_with_filters_and_paging(mock: Mock) -> None:
    root, child, grandchild, outside = tree(mock)
    a = raise_alarm(mock, root["managedObjectId"], "a", "MAJOR", 1)
    b = raise_alarm(mock, child["managedObjectId"], "b", "CRITICAL", 2)
    c = raise_alarm(mock, grandchild["managedObjectId"], "c", "MINOR", 3)
    raise_alarm(mock, outside, "a", "MAJOR", 4)

    def rollup(instance: dict[str, Any], **params: str) -> dict[str, Any]:
        response = mock.client.get(f"{INSTANCES}/{instance['id']}/rollup/alarms", params=params, auth=ADMIN)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    assert [x["id"] for x in rollup(root, pageSize="10")["alarms"]] == [c, b, a]
    assert [x["id"] for x in rollup(child, pageSize="10")["alarms"]] == [c, b]
    assert [x["id"] for x in rollup(root, severity="CRITICAL,MAJOR", pageSize="10")["alarms"]] == [b, a]
    page = rollup(root, pageSize="2", currentPage="2", withTotalElements="true")
    assert [x["id"] for x in page["alarms"]] == [a]
    assert page["statistics"]["totalElements"] == 3
    assert "currentPage=1" in page["prev"]
    mock.client.put(ALARMS, params={"type": "c"}, json={"status": "CLEARED"}, auth=ADMIN)
    assert [x["id"] for x in rollup(root, resolved="true")["alarms"]] == [c]


def test_every_instance_answer_counts_the_unresolved_alarms_of_its_subtree(mock: Mock) -> None:
    root, child, grandchild, _ = tree(mock)
    raise_alarm(mock, root["managedObjectId"], "a", "MAJOR", 1)
    raise_alarm(mock, grandchild["managedObjectId"], "c", "MINOR", 3)
    cleared = raise_alarm(mock, child["managedObjectId"], "b", "CRITICAL", 2)
    mock.client.put(f"{ALARMS}/{cleared}", json={"status": "CLEARED"}, auth=ADMIN)

    def status(instance: dict[str, Any]) -> dict[str, int]:
        answer: dict[str, int] = mock.client.get(f"{INSTANCES}/{instance['id']}", auth=ADMIN).json()[
            "activeAlarmsStatus"
        ]
        return answer

    assert status(root) == {"critical": 0, "major": 1, "minor": 1, "warning": 0}
    assert status(child) == {"critical": 0, "major": 0, "minor": 1, "warning": 0}
    listed = mock.client.get(INSTANCES, params={"pageSize": "10"}, auth=ADMIN).json()["assetInstances"]
    assert {i["name"]: i["activeAlarmsStatus"]["minor"] for i in listed} == {
        "root": 1,
        "child": 1,
        "grandchild": 1,
    }


def test_rollup_of_an_unknown_instance_is_a_404_and_a_bad_filter_a_400(mock: Mock) -> None:
    assert_error(mock.client.get(f"{INSTANCES}/424242/rollup/alarms", auth=ADMIN), 404, "dtm/Not Found")
    root, *_ = tree(mock)
    response = mock.client.get(
        f"{INSTANCES}/{root['id']}/rollup/alarms", params={"status": "OPEN"}, auth=ADMIN
    )
    assert_error(response, 400, "dtm/Bad Request", "status")
