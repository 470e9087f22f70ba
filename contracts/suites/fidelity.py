"""What everyday clients meet on a real tenant: leniency, processing modes, exports, series offsets.

Each check writes data of the run's own (a scratch source), states what measurement.yaml says
the target must answer, and reads it back: the lenient series (POST), the processing modes
(``X-Cumulocity-Processing-Mode``), the CSV and Excel exports of a collection query (read back
with the csv module and openpyxl), and the written offset of unaggregated series keys.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from contracts import oracle
from contracts.answers import Expected, judge, measurement_doc
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.common import MEAS, SERIES, fetch_all, new_source, require_status

MODE = "X-Cumulocity-Processing-Mode"
EXPORT_COLUMNS = ["time", "source", "device_name", "fragment.series", "value", "unit"]
EXCEL_TYPES = ("application/vnd.ms-excel", "application/xlsx")
VALID = {
    "validSeries_DOUBLE": {"value": 3.141592653589793, "unit": "RAD"},
    "validSeries_INTEGER": {"value": 42},
}
INVALID = {
    "ignoredField_BOOLEAN": {"value": False, "unit": "t/f"},
    "ignoredField_LIST": {"value": [42, 43, 44]},
    "ignoredField_STRUCT": {"value": {"a": 1, "b": 2}, "unit": "C"},
    "ignoredField0": 42,
    "ignoredField2": {"unit": "C"},
    "ignoredField3": {"val": 42},
    "ignoredField4": {"subseries": {"value": 42}},
}
"""The platform's own example of a mixed fragment (its POST description, "Legacy compatibility")."""


def body(ctx: RunContext, source: str, time: str, **fragments: Any) -> dict[str, Any]:
    return {"source": {"id": source}, "type": f"{ctx.prefix}_fidelity", "time": time, **fragments}


@check("MEAS-CREATE-5")
def invalid_series_are_dropped_or_kept_as_plain_properties(ctx: RunContext) -> None:
    src = new_source(ctx, "lenient")
    mixed = body(ctx, src, "2021-05-01T10:00:00.000Z", c8y_Steam={**INVALID, **VALID})
    only = body(ctx, src, "2021-05-01T10:01:00.000Z", c8y_Legacy=dict(INVALID))
    for sent, what in (
        (mixed, "a fragment mixing valid and invalid series"),
        (only, "a fragment of only invalid series"),
    ):
        response = ctx.client.post(MEAS, sent)
        require_status(response, 201, "LenientMeasurementRefused")
        mid = str((response.json() or {}).get("id", ""))
        expected = measurement_doc(sent, mid, ctx.client.base_url)
        judge(response, Expected(201, body=expected), f"POST of {what}")
        judge(ctx.client.get(f"{MEAS}/{mid}"), Expected(200, body=expected), f"GET of {what}")
    window = {"source": src, "dateFrom": "2021-05-01T00:00:00.000Z", "dateTo": "2021-05-02T00:00:00.000Z"}
    series = ctx.client.get(SERIES, params=window)
    require_status(series, 200)
    names = sorted(f"{s.get('type')}.{s.get('name')}" for s in series.json().get("series", []))
    expect(
        names == ["c8y_Steam.validSeries_DOUBLE", "c8y_Steam.validSeries_INTEGER"],
        "InvalidSeriesAggregated",
        "the two valid series only (a fragment of only invalid series is no series)",
        names,
        series.request,
    )
    for query, count in (({"valueFragmentType": "c8y_Legacy"}, 0), ({"fragmentType": "c8y_Legacy"}, 1)):
        got, listing = fetch_all(ctx, {"source": src, **query})
        expect(
            len(got) == count,
            "PlainPropertyTreatedAsSeries" if count == 0 else "PlainPropertyLost",
            f"{count} measurement(s) for {query}",
            f"{len(got)}",
            listing.request,
        )


@check("MEAS-MODE-1")
def processing_modes_decide_what_is_stored(ctx: RunContext) -> None:
    src = new_source(ctx, "modes")
    stored: list[str] = []
    for minute, mode in enumerate(("PERSISTENT", "TRANSIENT", "QUIESCENT", "CEP", None)):
        sent = body(ctx, src, f"2021-05-02T10:0{minute}:00.000Z", c8y_T={"T": {"value": minute}})
        headers = {MODE: mode} if mode else {}
        response = ctx.client.post(MEAS, sent, headers=headers)
        mid = str((response.json() or {}).get("id", "")) if response.status == 201 else ""
        expected = measurement_doc(sent, mid, ctx.client.base_url)
        judge(
            response,
            Expected(201, body=expected, headers={"location": expected["self"]}),
            f"POST with {mode}",
        )
        read = ctx.client.get(f"{MEAS}/{mid}")
        keeps = mode in ("PERSISTENT", "QUIESCENT", None)
        expect(
            read.status == (200 if keeps else 404),
            "TransientMeasurementStored" if not keeps else "MeasurementNotStored",
            f"GET of a {mode or 'default'}-mode measurement: {200 if keeps else 404}",
            repr(read),
            read.request,
        )
        if keeps:
            stored.append(mid)
    refused = ctx.client.post(
        MEAS, body(ctx, src, "2021-05-02T11:00:00Z", c8y_T={"T": {"value": 1}}), headers={MODE: "FAST"}
    )
    expect(
        400 <= refused.status < 500 and MODE.lower() in refused.content.decode("utf-8", "replace").lower(),
        "UnknownProcessingModeAccepted",
        f"a 4xx naming {MODE} for the mode FAST",
        repr(refused),
        refused.request,
    )
    listed, listing = fetch_all(ctx, {"source": src})
    expect(
        sorted(str(m["id"]) for m in listed) == sorted(stored),
        "TransientMeasurementStored",
        f"exactly the stored measurements {sorted(stored)}",
        sorted(str(m["id"]) for m in listed),
        listing.request,
    )
    victim = stored[0]
    for mode, gone in (("TRANSIENT", False), ("CEP", False), ("QUIESCENT", True)):
        deleted = ctx.client.delete(f"{MEAS}/{victim}", headers={MODE: mode})
        require_status(deleted, 204, "DeleteRefused")
        read = ctx.client.get(f"{MEAS}/{victim}")
        expect(
            read.status == (404 if gone else 200),
            "TransientDeleteRemoved" if not gone else "DeleteKeptMeasurement",
            f"GET after a {mode} DELETE: {404 if gone else 200}",
            repr(read),
            read.request,
        )


def expected_rows(ctx: RunContext, items: Sequence[Mapping[str, Any]], name: str) -> list[list[str]]:
    return [
        [
            m["time"],
            str(m["source"]["id"]),
            name,
            f"{fragment}.{series}",
            repr(entry["value"]),
            entry.get("unit", ""),
        ]
        for m in items
        for fragment, series, entry in oracle.series_of(m)
    ]


def same_rows(got: list[list[str]], want: list[list[str]]) -> bool:
    if len(got) != len(want):
        return False
    for g, w in zip(got, want, strict=True):
        if g[:4] != w[:4] or g[5] != w[5] or not oracle.close(float(g[4]), float(w[4])):
            return False
    return True


@check("MEAS-EXPORT-1")
def exports_hold_one_row_per_series_value_of_the_page(ctx: RunContext) -> None:
    src = new_source(ctx, "export")
    name = f"{ctx.prefix}-export"
    written = [
        body(ctx, src, "2021-05-03T10:00:00.000+02:00", c8y_T={"T": {"value": 1.5, "unit": "C"}}, note="x"),
        body(
            ctx,
            src,
            "2021-05-03T09:00:00.000Z",
            c8y_P={"P": {"value": 2}, "Q": {"value": -3.25, "unit": "bar"}},
        ),
        body(ctx, src, "2021-05-03T08:30:00Z", c8y_Legacy={"flag": {"value": True}}),
        body(ctx, src, "2021-05-03T11:00:00Z", c8y_T={"T": {"value": 7}}),
    ]
    items = []
    for sent in written:
        response = ctx.client.post(MEAS, sent)
        require_status(response, 201, "MeasurementNotCreated")
        items.append({**oracle.as_stored(sent), "id": str(response.json()["id"])})
    query = {"source": src, "pageSize": "3"}
    page = oracle.select(items, query)[:3]
    want = expected_rows(ctx, page, name)
    for accept in ("text/csv", *EXCEL_TYPES):
        response = ctx.client.get(MEAS, params=query, accept=accept)
        judge(response, Expected(200, (accept,)), f"GET with Accept: {accept}")
        if accept == "text/csv":
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        else:
            from openpyxl import load_workbook

            try:
                sheet = load_workbook(io.BytesIO(response.content), read_only=True)["measurements"]
            except Exception as exc:  # any unreadable workbook is the target's fault
                raise ContractFailure(
                    "UnreadableExport",
                    "an xlsx workbook with a sheet measurements",
                    str(exc),
                    request=response.request,
                ) from None
            rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        expect(
            bool(rows) and rows[0] == EXPORT_COLUMNS and same_rows(rows[1:], want),
            "WrongExportRows",
            [EXPORT_COLUMNS, *want],
            rows,
            response.request,
        )


@check("SERIES-OFFSET-1")
def raw_series_keys_keep_the_written_offset(ctx: RunContext) -> None:
    src = new_source(ctx, "offsets")
    times = [
        "2021-05-04T12:00:00.250+01:00",
        "2021-05-04T11:30:00.000-05:30",
        "2021-05-04T11:45:00Z",
        "2021-05-04T11:50:00.000+00:00",
    ]
    for i, time in enumerate(times):
        require_status(
            ctx.client.post(MEAS, body(ctx, src, time, c8y_T={"T": {"value": i}})),
            201,
            "MeasurementNotCreated",
        )
    want = sorted(
        (oracle.instant(t), t if not t.endswith("Z") else oracle.ts(oracle.instant(t))) for t in times
    )
    window = {"source": src, "dateFrom": "2021-05-04T00:00:00Z", "dateTo": "2021-05-06T00:00:00Z"}
    response = ctx.client.get(SERIES, params=window)
    require_status(response, 200)
    keys = list(response.json().get("values", {}))
    expect(
        keys == [key for _, key in want],
        "SeriesKeyLostOffset",
        [key for _, key in want],
        keys,
        response.request,
    )
