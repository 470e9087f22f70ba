"""Measurement suites: create, get, errors, filters, date ranges, order, delete, API resource.

Data comes from :func:`dataset`: two sources of the run's own with measurements of the run's own
types, so every query is isolated from whatever else the tenant holds, and the expected answer is
computed by :mod:`contracts.oracle` from what was written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from hypothesis import strategies as st

from contracts import oracle
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, expect
from contracts.suites.common import (
    ERROR_TYPE,
    MEAS,
    compare_sets,
    create,
    create_bulk,
    fetch_all,
    ids,
    new_source,
    require_status,
    run_property,
)

BASE = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
FRAGMENTS = ["c8y_Temperature", "c8y_Pressure", "c8y_Note"]


def fmt(moment: datetime, zone: Any = UTC) -> str:
    text = moment.astimezone(zone).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def measurement(
    ctx: RunContext, source: str, kind: int, moment: datetime, value: float, type_: str, zone: Any = UTC
) -> dict[str, Any]:
    body: dict[str, Any] = {"source": {"id": source}, "type": type_, "time": fmt(moment, zone)}
    if kind == 0:
        body["c8y_Temperature"] = {"T": {"value": value, "unit": "C"}}
    elif kind == 1:
        body["c8y_Pressure"] = {"P": {"value": value, "unit": "hPa"}, "T": {"value": value / 2}}
    elif kind == 2:
        body["c8y_Temperature"] = {"T": {"value": value, "unit": "C"}}
        body["c8y_Note"] = "kept as sent"
    else:
        body["c8y_Note"] = {"text": "no series here"}
    return body


def types(ctx: RunContext) -> list[str]:
    return [f"{ctx.prefix}_t{i}" for i in range(3)]


def build_dataset(ctx: RunContext) -> dict[str, Any]:
    a, b = new_source(ctx, "a"), new_source(ctx, "b")
    rnd = ctx.random
    written = []
    for i in range(24):
        moment = BASE + timedelta(minutes=7 * i + rnd.choice([0, 0, 1]))
        if i in (6, 7):  # a tie: two measurements at the same instant, ordered by id
            moment = BASE + timedelta(minutes=42)
        src = a if i % 3 else b
        written.append(
            measurement(
                ctx, src, i % 4, moment, round(rnd.uniform(-50, 50), 3), types(ctx)[i % 3], ZONES[i % 3]
            )
        )
    stored = [create(ctx, m) for m in written[:4]] + create_bulk(ctx, written[4:])
    return {"a": a, "b": b, "items": stored}


def dataset(ctx: RunContext) -> dict[str, Any]:
    data: dict[str, Any] = ctx.fixture("measurements", build_dataset)
    return data


def scratch_source(ctx: RunContext) -> str:
    """A source for checks that write outside the filter dataset."""
    source: str = ctx.fixture("scratch-source", lambda c: new_source(c, "scratch"))
    return source


def query_and_compare(ctx: RunContext, query: dict[str, str]) -> None:
    data = dataset(ctx)
    received, response = fetch_all(ctx, query)
    compare_sets(oracle.select(data["items"], query), received, response, query)


# ------------------------------------------------------------------ create / get / errors


@check("MEAS-AUTH-1")
def unauthenticated_requests_are_challenged(ctx: RunContext) -> None:
    response = ctx.client.get(MEAS, auth=False)
    expect(
        response.status == 401,
        "UnauthenticatedRequestAccepted",
        "status 401",
        repr(response),
        response.request,
    )
    challenge = response.headers.get("www-authenticate", "")
    expect(
        'realm="Cumulocity"' in challenge and challenge.startswith("Basic"),
        "MissingAuthChallenge",
        'WWW-Authenticate: Basic realm="Cumulocity"',
        challenge or "(no header)",
        response.request,
    )


@check("MEAS-ERROR-1")
def errors_have_the_cumulocity_shape(ctx: RunContext) -> None:
    response = ctx.client.get(f"{MEAS}/999999999999")
    require_status(response, 404, "UnknownIdFound")
    body = response.json()
    ok = isinstance(body, dict) and all(isinstance(body.get(k), str) for k in ("error", "message", "info"))
    expect(
        ok and str(body["error"]).startswith("measurement/"),
        "MalformedErrorBody",
        '{"error": "measurement/Not Found", "message": ..., "info": ...}',
        repr(response),
        response.request,
    )
    expect(
        response.media_type == ERROR_TYPE,
        "WrongErrorMediaType",
        ERROR_TYPE,
        response.media_type,
        response.request,
    )


@check("MEAS-CREATE-1")
def post_with_accept_returns_the_resource(ctx: RunContext) -> None:
    src = scratch_source(ctx)
    body = measurement(ctx, src, 0, BASE - timedelta(days=400), 1.5, f"{ctx.prefix}_create")
    response = ctx.client.post(MEAS, body)
    require_status(response, 201, "MeasurementNotCreated")
    got = response.json() or {}
    expect(
        str(got.get("id", "")).isdigit() and "self" in got,
        "CreatedResourceNotReturned",
        "the stored measurement with a digit id and self",
        repr(response),
        response.request,
    )
    location = response.headers.get("location", "")
    expect(
        location.endswith(f"/measurement/measurements/{got['id']}"),
        "MissingLocationHeader",
        f"Location ending in /measurement/measurements/{got['id']}",
        location or "(none)",
        response.request,
    )


@check("MEAS-CREATE-2")
def post_without_accept_returns_an_empty_body(ctx: RunContext) -> None:
    src = scratch_source(ctx)
    body = measurement(ctx, src, 0, BASE - timedelta(days=401), 2.5, f"{ctx.prefix}_create")
    response = ctx.client.post(MEAS, body, accept=None)
    require_status(response, 201, "MeasurementNotCreated")
    expect(
        response.content.strip() == b"",
        "BodyReturnedWithoutAccept",
        "an empty 201 body",
        repr(response),
        response.request,
    )


@check("MEAS-CREATE-3")
def missing_required_fields_are_named(ctx: RunContext) -> None:
    src = scratch_source(ctx)
    full = measurement(ctx, src, 0, BASE, 1.0, f"{ctx.prefix}_never")
    for field in ("time", "type", "source"):
        body = {k: v for k, v in full.items() if k != field}
        response = ctx.client.post(MEAS, body)
        expect(
            response.status == 422,
            "MissingRequiredFieldAccepted" if response.status < 300 else "WrongStatusForMissingField",
            f"422 for a measurement without {field}",
            repr(response),
            response.request,
        )
        message = str((response.json() or {}).get("message", "")) + str(
            (response.json() or {}).get("errors", "")
        )
        expect(
            field in message, "ErrorDoesNotNameField", f"a message naming {field}", message, response.request
        )


@check("MEAS-CREATE-4")
def fragments_units_and_time_are_kept(ctx: RunContext) -> None:
    data = dataset(ctx)
    for m in data["items"][:6]:
        response = ctx.client.get(f"{MEAS}/{m['id']}")
        require_status(response, 200, "MeasurementNotReadable")
        got = response.json()
        expect(
            got.get("time") == m["time"],
            "TimeNotReturnedAsSent",
            m["time"],
            got.get("time"),
            response.request,
        )
        for key, value in m.items():
            if key in oracle.META_KEYS:
                continue
            expect(
                got.get(key) == value, "FragmentNotKept", {key: value}, {key: got.get(key)}, response.request
            )


@check("MEAS-BULK-1")
def bulk_post_is_all_or_nothing(ctx: RunContext) -> None:
    src = new_source(ctx, "bulk")
    good = measurement(ctx, src, 0, BASE, 1.0, f"{ctx.prefix}_bulk")
    bad = {"source": {"id": src}, "time": fmt(BASE)}
    response = ctx.client.post(
        MEAS,
        {"measurements": [good, good, bad]},
        headers={"Content-Type": "application/vnd.com.nsn.cumulocity.measurementcollection+json"},
    )
    expect(
        response.status == 422, "InvalidBulkAccepted", "422 naming index 2", repr(response), response.request
    )
    stored, listing = fetch_all(ctx, {"source": src})
    expect(
        not stored,
        "PartialBulkStored",
        "nothing stored after a refused bulk",
        f"{len(stored)} stored",
        listing.request,
    )


@check("MEAS-GET-1")
def get_by_id_returns_the_measurement(ctx: RunContext) -> None:
    m = dataset(ctx)["items"][-1]
    response = ctx.client.get(f"{MEAS}/{m['id']}")
    require_status(response, 200, "MeasurementNotReadable")
    got = response.json()
    expect(
        str(got.get("id")) == m["id"] and got.get("type") == m["type"],
        "WrongMeasurementReturned",
        {"id": m["id"], "type": m["type"]},
        {"id": got.get("id"), "type": got.get("type")},
        response.request,
    )


def link_problem(link: Any, base_url: str, path: str) -> str | None:
    """Why ``link`` is not the absolute URL of ``path`` on the host of ``base_url`` (None: it is)."""
    if not isinstance(link, str):
        return f"no link (got {link!r})"
    got, base = urlsplit(link), urlsplit(base_url)
    if not got.scheme or not got.netloc:
        return f"{link!r} is not an absolute URL"
    if (got.scheme, got.netloc) != (base.scheme, base.netloc):
        return f"{link!r} is not on the host of the request, {base.scheme}://{base.netloc}"
    if not got.path.endswith(path):
        return f"{link!r} does not end with {path}"
    return None


@check("MEAS-GET-3")
def self_links_lead_to_the_resources(ctx: RunContext) -> None:
    data = dataset(ctx)
    m = data["items"][0]
    by_id = ctx.client.get(f"{MEAS}/{m['id']}")
    require_status(by_id, 200, "MeasurementNotReadable")
    page = ctx.client.get(MEAS, params={"source": data["a"], "pageSize": "3"})
    require_status(page, 200)
    answers = [(by_id, by_id.json())] + [(page, item) for item in page.json()["measurements"]]
    for response, got in answers:
        source = got.get("source") if isinstance(got.get("source"), dict) else {}
        links = [("self", got.get("self"), f"{MEAS}/{got.get('id')}")]
        if "self" in source:  # optional in the schema; checked when sent
            links.append(("source.self", source["self"], f"/inventory/managedObjects/{source.get('id')}"))
        for name, link, path in links:
            problem = link_problem(link, ctx.client.base_url, path)
            expect(
                problem is None,
                "WrongSelfLink",
                f"{name} = the absolute URL of {path} on the host of the request",
                problem,
                response.request,
            )
    followed = ctx.client.get(by_id.json()["self"])
    require_status(followed, 200, "SelfLinkNotFollowable")
    expect(
        str(followed.json().get("id")) == m["id"],
        "WrongSelfLink",
        f"following self answers measurement {m['id']}",
        {"id": followed.json().get("id")},
        followed.request,
    )
    source = by_id.json()["source"]
    if "self" in source:
        owner = ctx.client.get(source["self"])
        require_status(owner, 200, "SelfLinkNotFollowable")
        expect(
            str(owner.json().get("id")) == str(source["id"]),
            "WrongSelfLink",
            f"following source.self answers managed object {source['id']}",
            {"id": owner.json().get("id")},
            owner.request,
        )


@check("MEAS-GET-2")
def deleted_measurements_answer_404(ctx: RunContext) -> None:
    src = scratch_source(ctx)
    m = create(ctx, measurement(ctx, src, 0, BASE - timedelta(days=500), 3.0, f"{ctx.prefix}_gone"))
    response = ctx.client.delete(f"{MEAS}/{m['id']}")
    require_status(response, 204, "DeleteByIdRefused")
    response = ctx.client.get(f"{MEAS}/{m['id']}")
    expect(
        response.status == 404,
        "DeletedMeasurementStillReadable",
        "404 after DELETE",
        repr(response),
        response.request,
    )
    message = str((response.json() or {}).get("message", ""))
    expect(
        m["id"] in message, "ErrorDoesNotNameId", f"a message naming id {m['id']}", message, response.request
    )


# ------------------------------------------------------------------ filters and dates


@check("MEAS-FILTER-1")
def source_filter_returns_exactly_its_measurements(ctx: RunContext) -> None:
    data = dataset(ctx)
    for src in (data["a"], data["b"]):
        query_and_compare(ctx, {"source": src})


@check("MEAS-FILTER-2")
def type_filter_returns_exactly_that_type(ctx: RunContext) -> None:
    for type_ in types(ctx):
        query_and_compare(ctx, {"type": type_})


@check("MEAS-FILTER-3")
def fragment_type_filter_returns_exactly_matching(ctx: RunContext) -> None:
    data = dataset(ctx)
    for fragment in FRAGMENTS:
        query_and_compare(ctx, {"source": data["a"], "fragmentType": fragment})


@check("MEAS-FILTER-4")
def value_fragment_type_filter_returns_exactly_matching(ctx: RunContext) -> None:
    data = dataset(ctx)
    for fragment in FRAGMENTS:
        query_and_compare(ctx, {"source": data["a"], "valueFragmentType": fragment})


@check("MEAS-FILTER-5")
def value_fragment_series_filter_returns_exactly_matching(ctx: RunContext) -> None:
    data = dataset(ctx)
    for query in (
        {"valueFragmentSeries": "T"},
        {"valueFragmentSeries": "P"},
        {"valueFragmentType": "c8y_Pressure", "valueFragmentSeries": "T"},
        {"valueFragmentType": "c8y_Temperature", "valueFragmentSeries": "P"},
    ):
        query_and_compare(ctx, {"source": data["a"], **query})


def queries(ctx: RunContext) -> Any:
    data = dataset(ctx)
    times = [m["time"] for m in data["items"]]
    return st.fixed_dictionaries(
        {"source": st.sampled_from([data["a"], data["b"]])},
        optional={
            "type": st.sampled_from(types(ctx)),
            "fragmentType": st.sampled_from(FRAGMENTS),
            "valueFragmentType": st.sampled_from(FRAGMENTS[:2]),
            "valueFragmentSeries": st.sampled_from(["T", "P"]),
            "dateFrom": st.sampled_from(times),
            "dateTo": st.sampled_from(times),
        },
    )


@check("MEAS-FILTER-6")
def filter_combinations_return_exactly_matching(ctx: RunContext) -> None:
    run_property(ctx, queries(ctx), lambda query: query_and_compare(ctx, query))


@check("MEAS-DATE-1")
def date_from_is_inclusive(ctx: RunContext) -> None:
    data = dataset(ctx)
    for m in data["items"][:6]:
        query_and_compare(ctx, {"source": str(m["source"]["id"]), "dateFrom": m["time"]})


@check("MEAS-DATE-2")
def date_to_is_exclusive(ctx: RunContext) -> None:
    data = dataset(ctx)
    for m in data["items"][:6]:
        query_and_compare(ctx, {"source": str(m["source"]["id"]), "dateTo": m["time"]})


@check("MEAS-DATE-3")
def date_bounds_compare_instants_in_any_offset(ctx: RunContext) -> None:
    data = dataset(ctx)
    moments = [oracle.instant(m["time"]) for m in data["items"]]
    bounds = st.builds(
        lambda moment, shift, zone: fmt(moment + timedelta(seconds=shift), zone),
        st.sampled_from(moments),
        st.sampled_from([0, 0, -1, 1, 60]),
        st.sampled_from([*ZONES, timezone(timedelta(hours=9, minutes=45))]),
    )
    day = st.sampled_from(["2021-03-04", "2021-03-05", "2021-03-03"])
    strategy = st.fixed_dictionaries(
        {"source": st.sampled_from([data["a"], data["b"]])},
        optional={"dateFrom": st.one_of(bounds, day), "dateTo": st.one_of(bounds, day)},
    )
    run_property(ctx, strategy, lambda query: query_and_compare(ctx, query))


# ------------------------------------------------------------------ order


@check("MEAS-ORDER-1")
def collections_are_oldest_first_with_ties_by_id(ctx: RunContext) -> None:
    data = dataset(ctx)
    for src in (data["a"], data["b"]):
        received, response = fetch_all(ctx, {"source": src})
        want = ids(oracle.select(data["items"], {"source": src}))
        expect(ids(received) == want, "WrongOrder", want, ids(received), response.request)


@check("MEAS-ORDER-2")
def revert_returns_newest_first(ctx: RunContext) -> None:
    data = dataset(ctx)
    for src in (data["a"], data["b"]):
        query = {"source": src, "revert": "true", "dateFrom": "2000-01-01"}
        received, response = fetch_all(ctx, query)
        want = ids(oracle.select(data["items"], query))
        if ids(received) == list(reversed(want)):
            raise ContractFailure("RevertIgnored", want, ids(received), request=response.request)
        expect(ids(received) == want, "WrongOrder", want, ids(received), response.request)


# ------------------------------------------------------------------ delete and API resource


@check("MEAS-DELETE-1")
def delete_by_filter_removes_exactly_the_matching_set(ctx: RunContext) -> None:
    data = dataset(ctx)
    src = new_source(ctx, "delete")
    written = [
        measurement(ctx, src, i % 4, BASE + timedelta(minutes=5 * i), float(i), types(ctx)[i % 2])
        for i in range(10)
    ]
    stored = create_bulk(ctx, written)
    before_a, _ = fetch_all(ctx, {"source": data["a"]})
    remaining = list(stored)
    for query in (
        {"source": src, "type": types(ctx)[0]},
        {"source": src, "dateFrom": stored[5]["time"], "dateTo": stored[8]["time"]},
    ):
        response = ctx.client.delete(MEAS, params=query)
        require_status(response, 204, "DeleteByFilterRefused")
        remaining = [m for m in remaining if not oracle.matches(m, query)]
        after, listing = fetch_all(ctx, {"source": src})
        gone = set(ids(remaining)) - set(ids(after))
        kept = set(ids(after)) - set(ids(remaining))
        if gone:
            raise ContractFailure(
                "DeleteRemovedTooMuch",
                f"{len(remaining)} measurements left after {query}",
                f"also removed {sorted(gone)}",
                request=response.request,
            )
        if kept:
            raise ContractFailure(
                "DeleteRemovedTooLittle",
                f"the measurements matching {query} removed",
                f"still present {sorted(kept)}",
                request=response.request,
            )
    after_a, listing = fetch_all(ctx, {"source": data["a"]})
    expect(
        ids(after_a) == ids(before_a),
        "DeleteRemovedTooMuch",
        f"the {len(before_a)} measurements of another source untouched",
        f"{len(after_a)} left",
        listing.request,
    )


@check("MEAS-DELETE-2")
def unscoped_delete_is_refused(ctx: RunContext) -> None:
    src = new_source(ctx, "unscoped")
    only_type = f"{ctx.prefix}_unscoped"  # used by nothing else: even a wrong answer touches only our data
    create(ctx, measurement(ctx, src, 0, BASE, 1.0, only_type))
    response = ctx.client.delete(MEAS, params={"type": only_type})
    expect(
        response.status == 422,
        "UnscopedDeleteAccepted",
        "422 for a DELETE without source/dateFrom/dateTo",
        repr(response),
        response.request,
    )
    left, listing = fetch_all(ctx, {"source": src})
    expect(
        len(left) == 1, "DeleteWithoutScopeRemovedData", "1 measurement left", f"{len(left)}", listing.request
    )


TEMPLATES = [
    "measurementsForSource",
    "measurementsForDate",
    "measurementsForFragmentType",
    "measurementsForType",
    "measurementsForSourceAndDate",
    "measurementsForSourceAndFragmentType",
    "measurementsForSourceAndType",
    "measurementsForDateAndFragmentType",
    "measurementsForDateAndType",
    "measurementsForFragmentTypeAndType",
    "measurementsForSourceAndDateAndFragmentType",
    "measurementsForSourceAndDateAndType",
    "measurementsForSourceAndFragmentTypeAndType",
    "measurementsForDateAndFragmentTypeAndType",
    "measurementsForSourceAndDateAndFragmentTypeAndType",
    "measurementsForValueFragmentType",
    "measurementsForSourceAndValueFragmentTypeAndValueFragmentSeries",
]


@check("MEAS-API-1")
def api_resource_lists_every_template(ctx: RunContext) -> None:
    response = ctx.client.get("/measurement")
    require_status(response, 200)
    body = response.json()
    missing = [t for t in TEMPLATES if "{" not in str(body.get(t, ""))]
    expect(
        not missing and "self" in body and "self" in body.get("measurements", {}),
        "MissingUriTemplate",
        f"self, measurements.self and {len(TEMPLATES)} URI templates",
        f"missing {missing}",
        response.request,
    )
