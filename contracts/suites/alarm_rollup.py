"""The DTM alarm roll-up (spec/dtm.yaml extensions): ``/rollup/alarms`` of an asset instance and
its ``activeAlarmsStatus``, against the alarm oracle over the alarms the run raised on the
managed objects of its own instances."""

from __future__ import annotations

from typing import Any

from contracts import alarm_oracle as oracle
from contracts.checks import RunContext, check
from contracts.failures import expect
from contracts.suites.alarms import alarm_body, raise_alarm
from contracts.suites.common import ids, require_status
from contracts.suites.dtm import INSTANCES, MODELS, get, new_instance, new_model

ALARMS = "/alarm/alarms"


def build_tree(ctx: RunContext) -> dict[str, Any]:
    """root -> child -> grandchild of one model, with alarms on each instance's managed object."""
    model = new_model(ctx, "alarm-node")
    require_status(ctx.client.put(f"{MODELS}/{model['id']}", {"allowedSubtypes": [model["id"]]}), 200)
    root = new_instance(ctx, model["id"], "alarm-root")
    child = new_instance(ctx, model["id"], "alarm-child", parent=root["id"])
    grandchild = new_instance(ctx, model["id"], "alarm-grandchild", parent=child["id"])
    nodes = [root, child, grandchild]
    kinds = [f"{ctx.prefix}_rollup{i}" for i in range(2)]
    for i in range(9):
        node = nodes[i % 3]
        raise_alarm(ctx, alarm_body(node["managedObjectId"], kinds[i % 2], oracle.SEVERITIES[i % 4], i))
    alarms = []
    for node in nodes:
        response = ctx.client.get(ALARMS, params={"source": node["managedObjectId"], "pageSize": "2000"})
        require_status(response, 200)
        alarms += response.json()["alarms"]
    first = alarms[0]
    require_status(ctx.client.put(f"{ALARMS}/{first['id']}", {"status": "CLEARED"}), 200)
    first["status"] = "CLEARED"
    return {"nodes": nodes, "alarms": alarms, "kinds": kinds}


def tree(ctx: RunContext) -> dict[str, Any]:
    data: dict[str, Any] = ctx.fixture("alarm-tree", build_tree)
    return data


def scope(nodes: list[dict[str, Any]], start: int) -> list[str]:
    return [str(n["managedObjectId"]) for n in nodes[start:]]


@check("DTM-ALARM-1")
def rollup_lists_the_alarms_of_the_subtree(ctx: RunContext) -> None:
    data = tree(ctx)
    queries: list[dict[str, str]] = [
        {},
        {"severity": "CRITICAL,MINOR"},
        {"resolved": "false"},
        {"type": data["kinds"][0]},
    ]
    for start, node in enumerate(data["nodes"]):
        for query in queries:
            path = f"{INSTANCES}/{node['id']}/rollup/alarms"
            response = ctx.client.get(path, params={**query, "pageSize": "2000"})
            require_status(response, 200)
            expected = ids(oracle.select(data["alarms"], query, scope(data["nodes"], start)))
            received = ids(response.json()["alarms"])
            expect(
                received == expected,
                "RollupAlarmsWrong",
                f"{expected} for {query}",
                received,
                response.request,
            )
    path = f"{INSTANCES}/{data['nodes'][0]['id']}/rollup/alarms"
    response = ctx.client.get(path, params={"pageSize": "4", "currentPage": "2", "withTotalElements": "true"})
    expected = ids(oracle.select(data["alarms"], {}, scope(data["nodes"], 0)))
    body = response.json()
    expect(
        ids(body["alarms"]) == expected[4:8] and body["statistics"].get("totalElements") == len(expected),
        "RollupAlarmsWrong",
        f"page 2 of 4: {expected[4:8]} of {len(expected)}",
        f"{ids(body['alarms'])}, statistics {body['statistics']}",
        response.request,
    )


@check("DTM-ALARM-2")
def instances_count_the_unresolved_alarms_of_their_subtree(ctx: RunContext) -> None:
    data = tree(ctx)
    for start, node in enumerate(data["nodes"]):
        answer = get(ctx, f"{INSTANCES}/{node['id']}")
        expected = oracle.active_counts(data["alarms"], scope(data["nodes"], start))
        expect(
            answer.get("activeAlarmsStatus") == expected,
            "WrongActiveAlarmsStatus",
            expected,
            answer.get("activeAlarmsStatus"),
            None,
        )
