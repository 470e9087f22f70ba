"""SERIES-QUERY-1: every combination of the series parameters against the model's whole answer.

The data spans half a year (so weeks, months, quarters and years bucket differently), holds
repeated instants and repeated values, and series that are absent from some measurements.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from contracts import oracle
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure
from contracts.suites import generated
from contracts.suites.common import SERIES, create_bulk, new_source, run_property

START = datetime(2023, 1, 30, 23, 30, tzinfo=UTC)
SERIES_NAMES = ["c8y_Power.P", "c8y_Temperature.T", "c8y_Temperature.T2", "c8y_None.x"]
INTERVALS = ["1s", "90s", "15m", "1h", "7h", "1d", "3d", "1w", "2w", "1M", "2M", "1q", "1y"]
FUNCTIONS = ["min", "max", "avg", "sum", "count", "stdDevPop", "stdDevSamp"]
BOUNDS = ["2023-01-01", "2023-01-31", "2023-02-06T00:00:00Z", "2023-04-01T01:00:00+01:00", "2023-08-01"]


def build(ctx: RunContext) -> dict[str, Any]:
    src = new_source(ctx, "series-queries")
    rnd = ctx.random
    offsets = [
        0,
        0,
        1,
        2,
        30,
        60,
        61,
        1440,
        1441,
        10080,
        10110,
        20160,
        30000,
        44640,
        60000,
        90000,
        130000,
        200000,
    ]
    written = []
    for i, minutes in enumerate(offsets):
        moment = START + timedelta(minutes=minutes)
        body: dict[str, Any] = {
            "source": {"id": src},
            "type": f"{ctx.prefix}_sq",
            "time": generated.fmt_time(moment, generated.ZONES[i % len(generated.ZONES)], 3),
        }
        if i % 4 != 1:
            body["c8y_Power"] = {"P": {"value": rnd.choice([2.5, 2.5, -7, 1e6]), "unit": "kW"}}
        if i % 3 != 2:
            body["c8y_Temperature"] = {"T": {"value": rnd.choice([20, 20, 21.25])}, "T2": {"value": float(i)}}
        written.append(body)
    return {"source": src, "items": create_bulk(ctx, written)}


def cases(ctx: RunContext) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "bounds": st.lists(st.sampled_from(BOUNDS), min_size=2, max_size=2, unique=True).map(sorted),
            "series": st.one_of(
                st.just([]), st.lists(st.sampled_from(SERIES_NAMES), min_size=1, max_size=3, unique=True)
            ),
            "type": st.one_of(st.none(), st.sampled_from(["DAILY", "HOURLY", "MINUTELY"])),
            "interval": st.one_of(st.none(), st.sampled_from(INTERVALS)),
            "functions": st.lists(st.sampled_from(FUNCTIONS), max_size=3, unique=True),
            "revert": st.sampled_from([None, "true", "false"]),
        }
    )


def check_case(ctx: RunContext, case: dict[str, Any]) -> None:
    d: dict[str, Any] = ctx.fixture("series-queries", build)
    date_from, date_to = case["bounds"]
    params = [("source", d["source"]), ("dateFrom", date_from), ("dateTo", date_to)]
    params += [("series", s) for s in case["series"]]
    if case["type"]:
        params.append(("aggregationType", case["type"]))
    if case["interval"]:
        params.append(("aggregationInterval", case["interval"]))
        params += [("aggregationFunction", f) for f in case["functions"]]
    if case["revert"]:
        params.append(("revert", case["revert"]))
    response = ctx.client.get(SERIES, params=params)
    judge(response, Expected(200, ("application/json",)), f"GET series {params}")
    expected = oracle.series_answer(
        d["items"],
        source=d["source"],
        date_from=date_from,
        date_to=date_to,
        series=case["series"],
        aggregation_type=case["type"],
        interval=case["interval"],
        functions=case["functions"] if case["interval"] else (),
        revert=case["revert"] == "true",
    )
    got = response.json()
    if isinstance(got, dict) and isinstance(got.get("values"), dict):
        got = {**got, "values": {oracle.ts(oracle.instant(k)): v for k, v in got["values"].items()}}
    if (
        not isinstance(got, dict)
        or list(got.get("values", {})) != list(expected["values"])
        or not oracle.close(expected, got)
    ):
        raise ContractFailure(
            "WrongSeriesAnswer", f"for {params}: {expected}", repr(got)[:1500], request=response.request
        )


@check("SERIES-QUERY-1")
def every_series_parameter_combination_matches_the_model(ctx: RunContext) -> None:
    examples = (
        {
            "bounds": ["2023-01-01", "2023-08-01"],
            "series": [],
            "type": "DAILY",
            "interval": "1w",
            "functions": ["count", "avg"],
            "revert": None,
        },
        {
            "bounds": ["2023-01-01", "2023-08-01"],
            "series": ["c8y_Power.P"],
            "type": None,
            "interval": "1q",
            "functions": [],
            "revert": "true",
        },
        {
            "bounds": ["2023-01-31", "2023-02-06T00:00:00Z"],
            "series": [],
            "type": None,
            "interval": None,
            "functions": [],
            "revert": None,
        },
    )
    run_property(ctx, cases(ctx), lambda case: check_case(ctx, case), examples=examples, shrink=False)
