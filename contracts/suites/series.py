"""Series suite: raw values, nulls, selection, truncation, buckets and functions vs the oracle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from contracts import oracle
from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure, expect
from contracts.suites.common import SERIES, create_bulk, new_source, require_status, run_property

START = datetime(2022, 5, 1, 22, 50, tzinfo=UTC)
FROM, TO = "2022-05-01T00:00:00Z", "2022-05-05T00:00:00Z"
ALL = ["c8y_Pressure.P", "c8y_Temperature.T"]
FUNCTIONS = ["min", "max", "avg", "sum", "count", "stdDevPop", "stdDevSamp"]


def build(ctx: RunContext) -> dict[str, Any]:
    src = new_source(ctx, "series")
    rnd = ctx.random
    written = []
    offsets = [0, 1, 2, 9, 11, 30, 61, 62, 125, 600, 1441, 1500, 2900, 2901, 3000]
    for i, minutes in enumerate(offsets):
        moment = START + timedelta(minutes=minutes, seconds=rnd.choice([0, 15, 30]))
        body: dict[str, Any] = {
            "source": {"id": src},
            "type": f"{ctx.prefix}_series",
            "time": moment.isoformat().replace("+00:00", "Z"),
        }
        if i % 3 != 2:
            body["c8y_Temperature"] = {"T": {"value": round(rnd.uniform(-20, 40), 2), "unit": "C"}}
        if i % 3 != 0:
            body["c8y_Pressure"] = {"P": {"value": round(rnd.uniform(900, 1100), 1), "unit": "hPa"}}
        written.append(body)
    # two measurements at the same instant: min/max over both
    written.append({**written[4], "c8y_Temperature": {"T": {"value": -99.5, "unit": "C"}}})
    return {"source": src, "items": create_bulk(ctx, written)}


def data(ctx: RunContext) -> dict[str, Any]:
    result: dict[str, Any] = ctx.fixture("series", build)
    return result


def fetch(ctx: RunContext, params: list[tuple[str, str]]) -> tuple[dict[str, Any], Response]:
    response = ctx.client.get(SERIES, params=params)
    require_status(response, 200, "SeriesRefused")
    return response.json(), response


def params_for(source: str, series: list[str], **extra: Any) -> list[tuple[str, str]]:
    out = [("source", source), ("dateFrom", FROM), ("dateTo", TO)] + [("series", s) for s in series]
    for key, value in extra.items():
        for v in value if isinstance(value, list) else [value]:
            out.append((key, v))
    return out


def normalised(values: dict[str, Any]) -> dict[str, Any]:
    return {oracle.ts(oracle.instant(k)): v for k, v in values.items()}


def compare(expected: dict[str, Any], got: dict[str, Any], response: Response, aggregated: bool) -> None:
    want, have = expected["values"], normalised(got.get("values", {}))
    if list(want) != list(have):
        if sorted(want) == sorted(have):
            title = "SeriesOrderWrong"
        else:
            title = "WrongBucketKeys" if aggregated else "SeriesTimestampsWrong"
        raise ContractFailure(title, list(want)[:20], list(have)[:20], request=response.request)
    for key, row in want.items():
        other = have[key]
        if len(row) != len(other) or any(
            (a is None) != (b is None) for a, b in zip(row, other, strict=False)
        ):
            raise ContractFailure("MissingNullEntry", {key: row}, {key: other}, request=response.request)
        if not oracle.close(row, other):
            title = "WrongAggregateValue" if aggregated else "SeriesValuesWrong"
            raise ContractFailure(title, {key: row}, {key: other}, request=response.request)


@check("SERIES-RAW-1")
def raw_series_match_what_was_written(ctx: RunContext) -> None:
    d = data(ctx)
    got, response = fetch(ctx, params_for(d["source"], ALL))
    expected = oracle.series_answer(d["items"], source=d["source"], date_from=FROM, date_to=TO, series=ALL)
    compare(expected, got, response, aggregated=False)
    expect(
        got.get("series") == expected["series"],
        "WrongSeriesDescriptors",
        expected["series"],
        got.get("series"),
        response.request,
    )
    expect(
        got.get("truncated") is False,
        "UnexpectedTruncation",
        "truncated: false",
        got.get("truncated"),
        response.request,
    )


@check("SERIES-NULL-1")
def absent_values_are_null(ctx: RunContext) -> None:
    d = data(ctx)
    got, response = fetch(
        ctx, params_for(d["source"], ["c8y_Temperature.T", "c8y_Pressure.P", "c8y_Nothing.here"])
    )
    expected = oracle.series_answer(
        d["items"],
        source=d["source"],
        date_from=FROM,
        date_to=TO,
        series=["c8y_Temperature.T", "c8y_Pressure.P", "c8y_Nothing.here"],
    )
    compare(expected, got, response, aggregated=False)


@check("SERIES-SELECT-1")
def series_parameter_selects_the_series(ctx: RunContext) -> None:
    d = data(ctx)
    for selection in (["c8y_Temperature.T"], []):
        got, response = fetch(ctx, params_for(d["source"], selection))
        expected = oracle.series_answer(
            d["items"], source=d["source"], date_from=FROM, date_to=TO, series=selection
        )
        names = [f"{s.get('type')}.{s.get('name')}" for s in got.get("series", [])]
        want = [f"{s['type']}.{s['name']}" for s in expected["series"]]
        expect(names == want, "WrongSeriesSelection", want, names, response.request)
        compare(expected, got, response, aggregated=False)


@check("SERIES-REVERT-1")
def revert_orders_series_newest_first(ctx: RunContext) -> None:
    d = data(ctx)
    got, response = fetch(ctx, params_for(d["source"], ALL, revert="true"))
    expected = oracle.series_answer(
        d["items"], source=d["source"], date_from=FROM, date_to=TO, series=ALL, revert=True
    )
    if list(normalised(got.get("values", {}))) == list(reversed(list(expected["values"]))):
        raise ContractFailure("SeriesRevertIgnored", "newest first", "oldest first", request=response.request)
    compare(expected, got, response, aggregated=False)


@check("SERIES-TRUNC-1")
def series_are_truncated_at_5000(ctx: RunContext) -> None:
    src = new_source(ctx, "truncation")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    written = [
        {
            "source": {"id": src},
            "type": f"{ctx.prefix}_trunc",
            "time": (start + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            "c8y_Counter": {"n": {"value": i}},
        }
        for i in range(5001)
    ]
    create_bulk(ctx, written, chunk=2000)
    response = ctx.client.get(
        SERIES, params=[("source", src), ("dateFrom", "2020-01-01"), ("dateTo", "2020-01-02")]
    )
    require_status(response, 200, "SeriesRefused")
    got = response.json()
    keys = list(normalised(got.get("values", {})))
    want = [oracle.ts(start + timedelta(seconds=i)) for i in range(5000)]
    expect(
        got.get("truncated") is True and keys == want,
        "SeriesNotTruncated",
        "the first 5000 timestamps and truncated: true",
        f"{len(keys)} timestamps, truncated: {got.get('truncated')}",
        response.request,
    )


@check("SERIES-AGG-1")
def aggregation_types_bucket_by_utc_periods(ctx: RunContext) -> None:
    d = data(ctx)
    for kind in ("DAILY", "HOURLY", "MINUTELY"):
        got, response = fetch(ctx, params_for(d["source"], ALL, aggregationType=kind))
        expected = oracle.series_answer(
            d["items"], source=d["source"], date_from=FROM, date_to=TO, series=ALL, aggregation_type=kind
        )
        compare(expected, got, response, aggregated=True)


@check("SERIES-INTERVAL-1")
def intervals_and_functions_match_the_oracle(ctx: RunContext) -> None:
    d = data(ctx)
    strategy = st.tuples(
        st.sampled_from(["1m", "7m", "1h", "2h", "1d", "90s", "1w", "1M"]),
        st.lists(st.sampled_from(FUNCTIONS), min_size=0, max_size=7, unique=True),
    )

    def prop(case: tuple[str, list[str]]) -> None:
        interval, functions = case
        extra: dict[str, Any] = {"aggregationInterval": interval}
        if functions:
            extra["aggregationFunction"] = functions
        got, response = fetch(ctx, params_for(d["source"], ALL, **extra))
        expected = oracle.series_answer(
            d["items"],
            source=d["source"],
            date_from=FROM,
            date_to=TO,
            series=ALL,
            interval=interval,
            functions=functions,
        )
        compare(expected, got, response, aggregated=True)

    run_property(ctx, strategy, prop, examples=(("1h", FUNCTIONS), ("1d", ["stdDevSamp", "count"])))


@check("SERIES-PARAM-1")
def invalid_aggregation_parameters_are_400(ctx: RunContext) -> None:
    d = data(ctx)
    cases = [
        ("FunctionWithoutIntervalAccepted", {"aggregationFunction": "avg"}),
        ("UnknownFunctionAccepted", {"aggregationInterval": "1h", "aggregationFunction": "median"}),
        ("InvalidIntervalAccepted", {"aggregationInterval": "0h"}),
        ("InvalidIntervalAccepted", {"aggregationInterval": "1000d"}),
    ]
    for title, extra in cases:
        response = ctx.client.get(SERIES, params=params_for(d["source"], ALL, **extra))
        expect(response.status == 400, title, f"400 for {extra}", repr(response), response.request)


@check("SERIES-PARAM-2")
def mandatory_series_parameters_are_400(ctx: RunContext) -> None:
    d = data(ctx)
    full = {"source": d["source"], "dateFrom": FROM, "dateTo": TO}
    for missing in full:
        response = ctx.client.get(SERIES, params={k: v for k, v in full.items() if k != missing})
        expect(
            response.status == 400,
            "MissingMandatoryParameterAccepted",
            f"400 without {missing}",
            repr(response),
            response.request,
        )
        message = str((response.json() or {}).get("message", ""))
        expect(
            missing in message,
            "ErrorDoesNotNameParameter",
            f"a message naming {missing}",
            message,
            response.request,
        )
