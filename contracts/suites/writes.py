"""Measurement write suites: every field of every create answer, single and bulk, valid and not.

Hypothesis draws the measurements (:mod:`contracts.suites.generated`) and the request headers
(Content-Type, Accept or none); :mod:`contracts.answers` says what status, Location, media type
and body each answer must have, and a later GET must agree with it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contracts import answers
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure
from contracts.suites import generated
from contracts.suites.common import MEAS, MEAS_COLLECTION_TYPE, fetch_all, new_source, run_property

SINGLE_TYPE = "application/vnd.com.nsn.cumulocity.measurement+json"
CONTENT_TYPES = ["application/json", SINGLE_TYPE]
ACCEPTS: list[str | None] = [None, "application/json", SINGLE_TYPE, "*/*"]


def accepted_media_types(accept: str | None) -> tuple[str, ...]:
    """measurement.yaml: the single media type, application/json when that is what Accept asks for."""
    if accept is None:
        return ()
    if accept == "application/json":
        return ("application/json",)
    if accept == SINGLE_TYPE:
        return (SINGLE_TYPE,)
    return (SINGLE_TYPE, "application/json")


def write_source(ctx: RunContext) -> str:
    source: str = ctx.fixture("write-source", lambda c: new_source(c, "writes"))
    return source


def write_types(ctx: RunContext) -> list[str]:
    return [f"{ctx.prefix}_w{i}" for i in range(2)]


@check("MEAS-WRITE-1")
def created_measurements_are_answered_as_stored(ctx: RunContext) -> None:
    src = write_source(ctx)
    case = st.tuples(
        generated.measurements(src, write_types(ctx)),
        st.sampled_from(CONTENT_TYPES),
        st.sampled_from(ACCEPTS),
    )

    def prop(value: tuple[dict[str, Any], str, str | None]) -> None:
        body, content_type, accept = value
        response = ctx.client.post(MEAS, body, headers={"Content-Type": content_type}, accept=accept)
        if response.status != 201:
            judge(response, Expected(201), f"POST of a valid measurement {body}")
        location = response.headers.get("location", "")
        mid = location.rsplit("/", 1)[-1]
        expected = answers.measurement_doc(body, mid, ctx.client.base_url)
        judge(
            response,
            Expected(
                201,
                accepted_media_types(accept),
                body=expected if accept else None,
                headers={"location": expected["self"]},
            ),
            f"POST with Content-Type {content_type} and Accept {accept}",
        )
        if not mid.isdigit():
            raise ContractFailure(
                "WrongLocationHeader", "Location ending in a digit id", location, request=response.request
            )
        read = ctx.client.get(f"{MEAS}/{mid}")
        judge(read, Expected(200, body=expected), f"GET of the measurement just created from {body}")

    run_property(ctx, case, prop, shrink=False)


@check("MEAS-WRITE-2")
def bulk_creates_are_all_or_nothing_and_answered_in_order(ctx: RunContext) -> None:
    src = new_source(ctx, "bulk-writes")
    items = st.lists(generated.measurements(src, write_types(ctx)), max_size=6)
    broken = st.one_of(
        st.none(),
        st.tuples(st.integers(0, 6), st.sampled_from(generated.INVALID_KINDS), generated.FORBIDDEN),
    )
    stored_count = [0]

    def prop(value: tuple[list[dict[str, Any]], Any]) -> None:
        body, bad = value
        body = list(body)
        naming: list[str] = []
        if bad is not None:
            index, kind, char = bad
            index = min(index, len(body))
            template = (
                body[0]
                if body
                else {"source": {"id": src}, "type": write_types(ctx)[0], "time": "2021-03-04T23:00:00Z"}
            )
            invalid, _field = generated.make_invalid(template, kind, char)
            body.insert(index, invalid)
            naming = [f"measurements[{index}]"]
        response = ctx.client.post(
            MEAS,
            {"measurements": body},
            headers={"Content-Type": MEAS_COLLECTION_TYPE},
            accept=MEAS_COLLECTION_TYPE,
        )
        if bad is not None:
            judge(
                response,
                answers.error("measurement", 422, naming=naming),
                f"bulk POST with {kind} at index {index}",
            )
        else:
            got = response.json() if response.status == 201 else None
            ids = (
                [str(m.get("id")) for m in (got or {}).get("measurements", [])]
                if isinstance(got, dict)
                else []
            )
            expected = {
                "measurements": [
                    answers.measurement_doc(m, i, ctx.client.base_url)
                    for m, i in zip(body, ids, strict=False)
                ]
            }
            collection = answers.origin(ctx.client.base_url) + MEAS
            judge(
                response,
                Expected(201, (MEAS_COLLECTION_TYPE,), body=expected, headers={"location": collection}),
                f"bulk POST of {len(body)} valid measurements",
            )
            stored_count[0] += len(body)
        stored, listing = fetch_all(ctx, {"source": src})
        if len(stored) != stored_count[0]:
            raise ContractFailure(
                "PartialBulkStored",
                f"{stored_count[0]} measurements stored by the accepted bulk requests",
                f"{len(stored)}",
                request=listing.request,
            )

    run_property(ctx, st.tuples(items, broken), prop, examples=(([], None),), shrink=False)


@check("MEAS-WRITE-3")
def every_validation_rule_is_a_422_naming_the_field(ctx: RunContext) -> None:
    src = write_source(ctx)
    valid = {"source": {"id": src}, "type": write_types(ctx)[0], "time": "2021-03-04T23:00:00.000Z"}
    cases = [(kind, char) for kind in generated.INVALID_KINDS for char in ("@",)]
    cases += [("forbidden character in fragment name", c) for c in ".,*[]()$ "]
    before, _ = fetch_all(ctx, {"source": src})
    for kind, char in cases:
        body, field = generated.make_invalid(valid, kind, char)
        response = ctx.client.post(MEAS, body)
        if 200 <= response.status < 300:
            raise ContractFailure(
                "InvalidMeasurementAccepted",
                f"422 naming {field} for a measurement with {kind}",
                repr(response),
                request=response.request,
            )
        judge(
            response, answers.error("measurement", 422, naming=[field]), f"POST of a measurement with {kind}"
        )
    after, listing = fetch_all(ctx, {"source": src})
    if len(after) != len(before):
        raise ContractFailure(
            "InvalidMeasurementAccepted",
            f"{len(before)} measurements, none added",
            f"{len(after)}",
            request=listing.request,
        )
