"""Query suites: every documented parameter of the measurement collection, alone and combined.

Hypothesis draws a query over every parameter GET /measurement/measurements documents (filters,
date bounds written in every format the spec admits, revert, pageSize on both sides of its limits,
currentPage, withTotalPages, withTotalElements) and the check walks every page of the answer,
comparing each page whole (items, statistics, links, media type) with :mod:`contracts.answers` over
:mod:`contracts.oracle`'s selection of what the run wrote. Every query names a source or a type of
the run's own, so foreign data never enters an answer. DELETE gets the same treatment.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from contracts import answers, oracle
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure
from contracts.suites import generated
from contracts.suites.common import (
    MEAS,
    MEAS_COLLECTION_TYPE,
    create_bulk,
    fetch_all,
    ids,
    new_source,
    run_property,
)

LIST_TYPES = (MEAS_COLLECTION_TYPE, "application/json")
FRAGMENTS = ["c8y_Temperature", "c8y_Pressure", "c8y_Custom", "c8y_Energy", "c8y_Legacy"]
MAX_PAGES = 8


def query_types(ctx: RunContext) -> list[str]:
    return [f"{ctx.prefix}_q{i}" for i in range(3)]


def build(ctx: RunContext) -> dict[str, Any]:
    """Two sources; instants on both sides of midnight, repeated instants, every time format."""
    a, b = new_source(ctx, "query-a"), new_source(ctx, "query-b")
    rnd = ctx.random
    written = []
    for i in range(26):
        minutes = rnd.choice([-61, -60, -1, 0, 0, 1, 59, 60, 61, 90]) + (i % 5)
        moment = generated.BASE + timedelta(minutes=60 + minutes, milliseconds=rnd.choice([0, 0, 1, 999]))
        zone = generated.ZONES[i % len(generated.ZONES)]
        body: dict[str, Any] = {
            "source": {"id": a if i % 3 else b},
            "type": query_types(ctx)[i % 3],
            "time": generated.fmt_time(moment, zone, 3 if moment.microsecond else i % 2 * 3, i % 4 == 0),
        }
        if i % 4 != 3:
            body["c8y_Temperature"] = {"T": {"value": rnd.choice([-40, 0, 21.5, 21.5]), "unit": "C"}}
        if i % 2:
            body["c8y_Pressure"] = {"P": {"value": 1013.25}, "T": {"value": 3}}
        if i % 5 == 0:
            body["c8y_Custom"] = "kept as sent"
        written.append(body)
    stored = create_bulk(ctx, written)
    base = ctx.client.base_url
    return {
        "a": a,
        "b": b,
        "items": stored,
        "docs": {m["id"]: answers.measurement_doc(m, m["id"], base) for m in stored},
    }


def data(ctx: RunContext) -> dict[str, Any]:
    result: dict[str, Any] = ctx.fixture("query-data", build)
    return result


def bound(ctx: RunContext) -> st.SearchStrategy[str]:
    """A date bound: an instant of the data (or 1 ms off it) in any format, or a date."""
    instants = sorted({oracle.instant(m["time"]) for m in data(ctx)["items"]})
    exact = st.builds(
        lambda moment, shift, zone, compact: generated.fmt_time(
            moment + timedelta(milliseconds=shift), zone, 3, compact
        ),
        st.sampled_from(instants),
        st.sampled_from([0, 0, -1, 1]),
        st.sampled_from(generated.ZONES),
        st.booleans(),
    )
    return st.one_of(exact, st.sampled_from(["2021-03-04", "2021-03-05", "2021-03-06"]))


def queries(ctx: RunContext) -> st.SearchStrategy[dict[str, str]]:
    d = data(ctx)
    owner = st.one_of(
        st.fixed_dictionaries({"source": st.sampled_from([d["a"], d["b"]])}),
        st.fixed_dictionaries({"type": st.sampled_from(query_types(ctx))}),
    )
    optional = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(query_types(ctx)),
            "fragmentType": st.sampled_from(FRAGMENTS),
            "valueFragmentType": st.sampled_from(FRAGMENTS),
            "valueFragmentSeries": st.sampled_from(["T", "P"]),
            "dateFrom": bound(ctx),
            "dateTo": bound(ctx),
            "revert": st.sampled_from(["true", "false"]),
            "pageSize": st.sampled_from(["1", "2", "3", "7", "2000", "2001", "100000"]),
            "currentPage": st.sampled_from(["1", "2", "3"]),
            "withTotalPages": st.sampled_from(["true", "false"]),
            "withTotalElements": st.sampled_from(["true", "false"]),
        },
    )
    return st.builds(lambda o, rest: {**rest, **o}, owner, optional)


def expected_page(ctx: RunContext, query: dict[str, str], selected: list[Any]) -> dict[str, Any]:
    docs = data(ctx)["docs"]
    return {
        "measurements": [docs[m["id"]] for m in answers.page_slice(selected, query)],
        "statistics": answers.expected_statistics(query, len(selected), total_pages_by_default=True),
    }


def check_pages(ctx: RunContext, query: dict[str, str]) -> None:
    selected = oracle.select(data(ctx)["items"], query)
    first, size = answers.page_params(query)
    last = first + -(-max(0, len(selected) - (first - 1) * size) // size)
    url = answers.origin(ctx.client.base_url) + MEAS
    for page in range(first, min(last, first + MAX_PAGES - 1) + 1):
        asked = {**query, "currentPage": str(page)} if page != first else query
        response = ctx.client.get(MEAS, params=asked)
        judge(response, Expected(200, LIST_TYPES), f"GET {asked}")
        body = response.json()
        want = expected_page(ctx, asked, selected)
        got_ids, want_ids = ids(body.get("measurements", [])), ids(want["measurements"])
        if got_ids != want_ids:
            raise ContractFailure(
                "WrongPageItems",
                f"page {page} of {asked}: ids {want_ids}",
                f"ids {got_ids}",
                request=response.request,
            )
        if body.get("statistics") != want["statistics"]:
            raise ContractFailure(
                "WrongPageStatistics", want["statistics"], body.get("statistics"), request=response.request
            )
        judge(
            response,
            Expected(200, body={**want, **{k: body[k] for k in ("self", "next", "prev") if k in body}}),
            f"page {page} of {asked}",
        )
        problems = answers.link_problems(body, asked, url)
        if problems:
            raise ContractFailure(
                "WrongPagingLink",
                f"links of page {page} repeating {asked}",
                "; ".join(problems),
                request=response.request,
            )


@check("MEAS-QUERY-1")
def every_parameter_combination_pages_as_the_model_says(ctx: RunContext) -> None:
    d = data(ctx)
    examples = (
        {"source": d["a"]},
        {
            "source": d["a"],
            "dateFrom": "2021-03-05",
            "revert": "true",
            "pageSize": "3",
            "withTotalElements": "true",
        },
        {
            "type": query_types(ctx)[1],
            "fragmentType": "c8y_Custom",
            "withTotalPages": "true",
            "pageSize": "1",
        },
        {"source": d["b"], "dateTo": "2021-03-05T00:00:00.000", "currentPage": "2", "pageSize": "2"},
    )
    run_property(ctx, queries(ctx), lambda query: check_pages(ctx, query), examples=examples, shrink=False)


def delete_filters(ctx: RunContext, source: str) -> st.SearchStrategy[dict[str, str]]:
    instants = [generated.BASE + timedelta(minutes=m) for m in (-30, 0, 30, 60, 61)]
    date = st.builds(
        lambda m, z: generated.fmt_time(m, z, 3), st.sampled_from(instants), st.sampled_from(generated.ZONES)
    )
    return st.fixed_dictionaries(
        {"source": st.just(source)},
        optional={
            "type": st.sampled_from(query_types(ctx)[:2]),
            "fragmentType": st.sampled_from(FRAGMENTS),
            "valueFragmentType": st.sampled_from(FRAGMENTS),
            "valueFragmentSeries": st.sampled_from(["T", "P"]),
            "dateFrom": st.one_of(date, st.just("2021-03-05")),
            "dateTo": st.one_of(date, st.just("2021-03-05")),
        },
    )


@check("MEAS-QUERY-2")
def delete_with_any_filter_removes_exactly_what_get_lists(ctx: RunContext) -> None:
    src = new_source(ctx, "query-delete")
    written = []
    for i in range(12):
        moment = generated.BASE + timedelta(minutes=[-30, 0, 30, 60, 61, 90][i % 6])
        body: dict[str, Any] = {
            "source": {"id": src},
            "type": query_types(ctx)[i % 2],
            "time": generated.fmt_time(moment, generated.ZONES[i % 6], 3),
        }
        if i % 3:
            body["c8y_Temperature"] = {"T": {"value": i}}
        if i % 4 == 1:
            body["c8y_Pressure"] = {"P": {"value": -i}}
        if i % 5 == 0:
            body["c8y_Custom"] = {"note": "no series"}
        written.append(body)

    def prop(query: dict[str, str]) -> None:
        ctx.client.delete(MEAS, params={"source": src})
        stored = create_bulk(ctx, written)
        response = ctx.client.delete(MEAS, params=query)
        judge(response, Expected(204, ()), f"DELETE {query}")
        kept = [m for m in stored if not oracle.matches(m, query)]
        after, _ = fetch_all(ctx, {"source": src})
        gone, left = set(ids(kept)) - set(ids(after)), set(ids(after)) - set(ids(kept))
        if gone:
            raise ContractFailure(
                "DeleteRemovedTooMuch",
                f"{len(kept)} left after DELETE {query}",
                f"also removed {sorted(gone)}",
                request=response.request,
            )
        if left:
            raise ContractFailure(
                "DeleteRemovedTooLittle",
                f"the measurements matching {query} removed",
                f"still present {sorted(left)}",
                request=response.request,
            )

    examples = (
        {"source": src, "dateTo": "2021-03-05"},
        {"source": src, "dateFrom": "2021-03-05", "valueFragmentType": "c8y_Temperature"},
        {"source": src, "type": query_types(ctx)[1], "valueFragmentSeries": "P"},
    )
    run_property(ctx, delete_filters(ctx, src), prop, examples=examples, shrink=False)
