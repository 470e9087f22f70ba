"""Shared fixtures of the suites: isolated sources and measurements the run itself created.

Every managed object is named ``<prefix>-<label>`` with type ``<prefix>_source`` and registered
with the tracker before anything else happens, so cleanup finds it even after a failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from contracts.checks import RunContext
from contracts.client import Response
from contracts.failures import ContractFailure

MO = "/inventory/managedObjects"
MEAS = "/measurement/measurements"
SERIES = "/measurement/measurements/series"
MEAS_COLLECTION_TYPE = "application/vnd.com.nsn.cumulocity.measurementcollection+json"
ERROR_TYPE = "application/vnd.com.nsn.cumulocity.error+json"


def require_status(
    response: Response, expected: int | tuple[int, ...], title: str = "UnexpectedStatus"
) -> None:
    allowed = expected if isinstance(expected, tuple) else (expected,)
    if response.status not in allowed:
        raise ContractFailure(
            title, f"status {' or '.join(map(str, allowed))}", repr(response), request=response.request
        )


def new_source(ctx: RunContext, label: str) -> str:
    """Create a managed object of the run's own to use as a measurement source."""
    response = ctx.client.post(
        MO, {"name": f"{ctx.prefix}-{label}", "type": f"{ctx.prefix}_source", "c8y_IsDevice": {}}
    )
    require_status(response, 201, "SourceNotCreated")
    body = response.json()
    ctx.tracker.managed_objects.append(str(body["id"]))
    return str(body["id"])


def create(ctx: RunContext, measurement: dict[str, Any]) -> dict[str, Any]:
    """POST one measurement; returns the stored copy (what was sent plus the server's id)."""
    response = ctx.client.post(MEAS, measurement)
    require_status(response, 201, "MeasurementNotCreated")
    body = response.json()
    return {**measurement, "id": str(body["id"])}


def create_bulk(
    ctx: RunContext, measurements: list[dict[str, Any]], chunk: int = 1000
) -> list[dict[str, Any]]:
    """POST measurements as bulk collections; returns them with their ids, in order."""
    stored: list[dict[str, Any]] = []
    for start in range(0, len(measurements), chunk):
        part = measurements[start : start + chunk]
        response = ctx.client.post(
            MEAS,
            {"measurements": part},
            headers={"Content-Type": MEAS_COLLECTION_TYPE},
            accept=MEAS_COLLECTION_TYPE,
        )
        require_status(response, 201, "BulkNotCreated")
        items = response.json()["measurements"]
        if len(items) != len(part):
            raise ContractFailure(
                "BulkNotCreated",
                f"{len(part)} measurements in the 201 answer",
                f"{len(items)}",
                request=response.request,
            )
        stored += [{**m, "id": str(item["id"])} for m, item in zip(part, items, strict=True)]
    return stored


def fetch_all(ctx: RunContext, query: dict[str, str]) -> tuple[list[dict[str, Any]], Response]:
    """One page of 2000: every matching item when the run created fewer than that."""
    response = ctx.client.get(MEAS, params={**query, "pageSize": "2000"})
    require_status(response, 200)
    return list(response.json()["measurements"]), response


def ids(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(i["id"]) for i in items]


def run_property(
    ctx: RunContext,
    strategy: Any,
    test: Any,
    *,
    max_examples: int | None = None,
    examples: tuple[Any, ...] = (),
    shrink: bool = True,
) -> None:
    """Run ``test`` on values drawn from ``strategy`` under the profile (seeded by ``--seed``).

    Hypothesis shrinks a failing value before the :class:`ContractFailure` reaches the runner.
    """
    from hypothesis import example, given, seed

    wrapped: Any = given(strategy)(test)  # type: ignore[no-untyped-call]
    for value in examples:
        wrapped = example(value)(wrapped)
    chosen = ctx.hypothesis(max_examples)
    if not shrink:  # each replay of these examples costs many requests; the report shows the first failure
        from hypothesis import Phase

        chosen = type(chosen)(chosen, phases=[p for p in chosen.phases if p is not Phase.shrink])
    wrapped = chosen(wrapped)
    if not ctx.profile.derandomize:
        wrapped = seed(ctx.seed)(wrapped)
    wrapped()


def compare_sets(
    expected: Sequence[Mapping[str, Any]],
    received: list[dict[str, Any]],
    response: Response,
    query: dict[str, str],
) -> None:
    """Raise when the received ids differ from the expected set (titles: date boundaries first)."""
    from contracts import oracle

    want, got = set(ids(expected)), set(ids(received))
    extra, missing = got - want, want - got
    if not extra and not missing:
        return
    by_id = {str(m["id"]): m for m in expected}
    received_by_id = {str(m["id"]): m for m in received}
    if "dateTo" in query and any(
        oracle.instant(received_by_id[i]["time"]) == oracle.instant(query["dateTo"])
        for i in extra
        if "time" in received_by_id[i]
    ):
        title = "DateToBoundaryIncluded"
    elif "dateFrom" in query and any(
        oracle.instant(by_id[i]["time"]) == oracle.instant(query["dateFrom"]) for i in missing
    ):
        title = "DateFromBoundaryExcluded"
    elif extra:
        title = "NonMatchingItemsReturned"
    else:
        title = "MatchingItemsMissing"
    raise ContractFailure(
        title,
        f"exactly the {len(want)} measurements the run created that match {query}",
        f"{len(got)} measurements; unexpected ids {sorted(extra)[:10]}, missing ids {sorted(missing)[:10]}",
        request=response.request,
    )
