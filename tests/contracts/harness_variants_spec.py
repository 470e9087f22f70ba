"""Broken mocks invented from what the specs and seed documents state, one rule each.

Each variant below breaks one sentence of ``spec/*.yaml`` (quoted in its comment) in a way a
vendor might: an answer to a write that differs from what was stored, a parameter ignored only in
combination with another, statistics wrong only past the first page, an error with the wrong
media type, a role not enforced. They were written from the specs, not from the harness's checks;
the ci profile must catch every one (``test_contracts_variants.py``, ``bench/harness_detection.py``).
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness_faults import Exchange, Fault

from contracts.oracle import instant, ts

MEAS = "/measurement/measurements"
SERIES = "/measurement/measurements/series"
MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"
COLLECTION_TYPE = "application/vnd.com.nsn.cumulocity.measurementcollection+json"
SINGLE_TYPE = "application/vnd.com.nsn.cumulocity.measurement+json"
READER = "reader"
"""The read-only user the variant tests configure (``reader:reader``, read roles only)."""


def body_of(ex: Exchange) -> Any:
    return json.loads(ex.body) if ex.body else None


def set_header(ex: Exchange, name: bytes, value: bytes) -> None:
    ex.answer_headers = [h for h in ex.answer_headers or [] if h[0].lower() != name] + [(name, value)]


def header(ex: Exchange, name: bytes) -> str:
    return next((v.decode() for k, v in ex.answer_headers or [] if k.lower() == name), "")


def is_single_post(ex: Exchange) -> bool:
    return (
        ex.method == "POST"
        and ex.path == MEAS
        and ex.status == 201
        and isinstance(ex.answer, dict)
        and ("measurements" not in ex.answer)
    )


def is_bulk_post(ex: Exchange) -> bool:
    return (
        ex.method == "POST"
        and ex.path == MEAS
        and ex.status == 201
        and isinstance(ex.answer, dict)
        and ("measurements" in ex.answer)
    )


def is_listing(ex: Exchange, path: str) -> bool:
    return ex.method == "GET" and ex.path == path and ex.status == 200 and isinstance(ex.answer, dict)


def user_of(ex: Exchange) -> str:
    auth = ex.headers.get("authorization", "")
    if not auth.startswith("Basic "):
        return ""
    login = base64.b64decode(auth[6:]).decode("utf-8", "replace").split(":", 1)[0]
    return login.rsplit("/", 1)[-1]


# ------------------------------------------------------------------ measurement create answers


def answer_time_in_utc(ex: Exchange) -> None:
    # "`time` is returned exactly as it was sent" (info.description, Times).
    if is_single_post(ex):
        ex.answer["time"] = ts(instant(ex.answer["time"]))


def answer_without_custom_fragments(ex: Exchange) -> None:
    # "Fragments whose value is not an object are custom properties and are kept unchanged."
    if is_single_post(ex):
        for key in [
            k
            for k, v in ex.answer.items()
            if k not in ("time", "type", "id", "self") and not isinstance(v, dict)
        ]:
            del ex.answer[key]


def answer_self_off_by_one(ex: Exchange) -> None:
    # "Links in answers ... a measurement's self" leads to that measurement.
    if is_single_post(ex):
        ex.answer["self"] = ex.answer["self"].rsplit("/", 1)[0] + f"/{int(ex.answer['id']) - 1}"


def answer_keeps_integer_source(ex: Exchange) -> None:
    # SourceReference.id: "Sent as a string or an integer (normalised to a string);
    # always a string in answers."
    sent = body_of(ex)
    if is_single_post(ex) and isinstance(sent, dict) and isinstance(sent.get("source", {}).get("id"), int):
        ex.answer["source"]["id"] = int(ex.answer["source"]["id"])


def bulk_location_first_item(ex: Exchange) -> None:
    # "Answer: 201 with Location: ... for a bulk request the URL of the measurement collection."
    if is_bulk_post(ex) and ex.answer["measurements"]:
        set_header(ex, b"location", ex.answer["measurements"][0]["self"].encode())


def bulk_single_media_type(ex: Exchange) -> None:
    # Bulk: "The answer has the collection media type."
    if is_bulk_post(ex):
        set_header(ex, b"content-type", SINGLE_TYPE.encode())


def json_accept_answered_vendor_type(ex: Exchange) -> None:
    # Single: "(application/json when that is what Accept asks for)".
    if is_single_post(ex) and ex.headers.get("accept") == "application/json":
        set_header(ex, b"content-type", SINGLE_TYPE.encode())


def empty_bulk_refused(ex: Exchange) -> None:
    # "An empty list stores nothing and answers 201 with an empty list."
    if is_bulk_post(ex) and not ex.answer["measurements"]:
        ex.status = 422
        ex.answer = {"error": "measurement/validationError", "message": "measurements is empty.", "info": "x"}
        set_header(ex, b"content-type", b"application/vnd.com.nsn.cumulocity.error+json")


def bulk_error_wrong_index(ex: Exchange) -> None:
    # "the answer is 422 naming its index (for example measurements[3].time)".
    if ex.method == "POST" and ex.path == MEAS and ex.status == 422 and isinstance(ex.answer, dict):

        def bump(match: re.Match[str]) -> str:
            return f"measurements[{int(match.group(1)) + 1}]"

        text = json.dumps(ex.answer)
        ex.answer = json.loads(re.sub(r"measurements\[(\d+)\]", bump, text))


def rewrite_measurements(ex: Exchange, fix: Any) -> None:
    body = body_of(ex)
    if ex.method != "POST" or ex.path != MEAS or not isinstance(body, dict):
        return
    items = body["measurements"] if isinstance(body.get("measurements"), list) else [body]
    for item in items:
        if isinstance(item, dict):
            fix(item)
    ex.body = json.dumps(body).encode()


def drop_empty_units(ex: Exchange) -> None:
    # MeasurementValue.unit: "when present a non-empty string".
    def fix(item: dict[str, Any]) -> None:
        for value in item.values():
            if isinstance(value, dict):
                for entry in value.values():
                    if isinstance(entry, dict) and entry.get("unit") == "":
                        del entry["unit"]

    rewrite_measurements(ex, fix)


def sanitise_names(ex: Exchange) -> None:
    # "Fragment and series names must not contain whitespace or any of . , * [ ] ( ) @ $".
    def clean(name: str) -> str:
        return re.sub(r"[\s.,*\[\]()@$]", "_", name)

    def fix(item: dict[str, Any]) -> None:
        for key in list(item):
            value = item.pop(key)
            if isinstance(value, dict) and key not in ("source",):
                value = {clean(k): v for k, v in value.items()}
            item[clean(key) if key not in ("source", "time", "type") else key] = value

    rewrite_measurements(ex, fix)


# ------------------------------------------------------------------ measurement queries


def rest_counted_from_this_page(ex: Exchange) -> None:
    # "totalElements only with withTotalElements=true" - the number of matching items, on every page.
    if is_listing(ex, MEAS):
        stats = ex.answer["statistics"]
        if "totalElements" in stats and stats["currentPage"] > 1:
            stats["totalElements"] = max(
                0, stats["totalElements"] - (stats["currentPage"] - 1) * stats["pageSize"]
            )


def next_link_without_dates(ex: Exchange) -> None:
    # "self and next ... All three repeat every query parameter of the request".
    if is_listing(ex, MEAS) and "next" in ex.answer:
        parts = urlsplit(ex.answer["next"])
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("dateFrom", "dateTo")]
        ex.answer["next"] = urlunsplit(parts._replace(query=urlencode(query)))


def default_page_size_ten(ex: Exchange) -> None:
    # pageSize: "Default 5".
    if ex.method == "GET" and ex.path in (MEAS, MODELS, INSTANCES) and ex.param("pageSize") is None:
        ex.set("pageSize", "10")


def date_only_at_plus_one(ex: Exchange) -> None:
    # dateFrom: "Either a date YYYY-MM-DD (midnight UTC of that day)".
    if ex.method == "GET" and ex.path == MEAS:
        for name in ("dateFrom", "dateTo"):
            value = ex.param(name)
            if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                ex.set(name, value + "T00:00:00+01:00")


def offsetless_as_local(ex: Exchange) -> None:
    # "A date-time without an offset is read as UTC."
    if ex.method == "GET" and ex.path == MEAS:
        for name in ("dateFrom", "dateTo"):
            value = ex.param(name)
            if value and "T" in value and not re.search(r"(Z|[+-]\d{2}:?\d{2})$", value):
                ex.set(name, value + "+01:00")


class PagesReversedOneByOne:
    """revert=true reverses each page of the ascending order instead of the whole order."""

    def before(self, ex: Exchange) -> None:
        if ex.method == "GET" and ex.path == MEAS and ex.param("revert") == "true":
            ex.drop("revert")
            ex.headers["x-fault-revert"] = "1"

    def after(self, ex: Exchange) -> None:
        if ex.headers.get("x-fault-revert") and is_listing(ex, MEAS):
            ex.answer["measurements"].reverse()


def fragment_type_dropped_with_type(ex: Exchange) -> None:
    # "filters are AND-ed".
    if ex.method == "GET" and ex.path == MEAS and ex.param("type") and ex.param("fragmentType"):
        ex.drop("fragmentType")


def date_to_needs_date_from(ex: Exchange) -> None:
    # "an absent filter does not restrict" - and a present one does, alone too.
    if ex.method == "GET" and ex.path == MEAS and ex.param("dateTo") and not ex.param("dateFrom"):
        ex.drop("dateTo")


def delete_ignores_value_fragment(ex: Exchange) -> None:
    # DELETE: "valueFragmentType and valueFragmentSeries narrow the deletion too".
    if ex.method == "DELETE" and ex.path == MEAS:
        ex.drop("valueFragmentType", "valueFragmentSeries")


def delete_date_to_inclusive(ex: Exchange) -> None:
    # DELETE: "including the half-open [dateFrom, dateTo) range".
    value = ex.param("dateTo")
    if ex.method == "DELETE" and ex.path == MEAS and value:
        ex.set("dateTo", ts(instant(value) + timedelta(milliseconds=1)))


_REVERSED = PagesReversedOneByOne()

SPEC_FAULTS = [
    Fault("POST answer time normalised to UTC", "MEAS-WRITE-1", "WrongAnswerBody", after=answer_time_in_utc),
    Fault(
        "POST answer drops custom fragments",
        "MEAS-WRITE-1",
        "WrongAnswerBody",
        after=answer_without_custom_fragments,
    ),
    Fault(
        "POST answer self names the previous id",
        "MEAS-WRITE-1",
        "WrongAnswerBody",
        after=answer_self_off_by_one,
    ),
    Fault(
        "POST answer keeps an integer source.id",
        "MEAS-WRITE-1",
        "WrongAnswerBody",
        after=answer_keeps_integer_source,
    ),
    Fault(
        "JSON Accept answered with the vendor type",
        "MEAS-WRITE-1",
        "WrongMediaType",
        after=json_accept_answered_vendor_type,
    ),
    Fault(
        "bulk Location names the first item",
        "MEAS-WRITE-2",
        "WrongLocationHeader",
        after=bulk_location_first_item,
    ),
    Fault(
        "bulk answer has the single media type",
        "MEAS-WRITE-2",
        "WrongMediaType",
        after=bulk_single_media_type,
    ),
    Fault("empty bulk refused", "MEAS-WRITE-2", "WrongStatus", after=empty_bulk_refused),
    Fault(
        "bulk error names the wrong index",
        "MEAS-WRITE-2",
        "ErrorDoesNotNameField",
        after=bulk_error_wrong_index,
    ),
    Fault("empty unit accepted", "MEAS-WRITE-3", "InvalidMeasurementAccepted", before=drop_empty_units),
    Fault(
        "forbidden characters in names accepted",
        "MEAS-WRITE-3",
        "InvalidMeasurementAccepted",
        before=sanitise_names,
    ),
    Fault(
        "totalElements counted from the current page",
        "MEAS-QUERY-1",
        "WrongPageStatistics",
        after=rest_counted_from_this_page,
    ),
    Fault("next link drops the date range", "MEAS-QUERY-1", "WrongPagingLink", after=next_link_without_dates),
    Fault(
        "default pageSize 10",
        "MEAS-QUERY-1",
        "WrongPageItems|WrongPageStatistics",
        before=default_page_size_ten,
    ),
    Fault(
        "date-only bounds read at +01:00",
        "MEAS-QUERY-1",
        "WrongPageItems|WrongPageStatistics",
        before=date_only_at_plus_one,
    ),
    Fault("offset-less bounds read as +01:00", "MEAS-QUERY-1", "WrongPageItems", before=offsetless_as_local),
    Fault(
        "revert reverses each page",
        "MEAS-QUERY-1",
        "WrongPageItems",
        before=_REVERSED.before,
        after=_REVERSED.after,
    ),
    Fault(
        "fragmentType dropped next to type",
        "MEAS-QUERY-1",
        "WrongPageItems",
        before=fragment_type_dropped_with_type,
    ),
    Fault(
        "dateTo ignored without dateFrom", "MEAS-QUERY-1", "WrongPageItems", before=date_to_needs_date_from
    ),
    Fault(
        "DELETE ignores valueFragmentType",
        "MEAS-QUERY-2",
        "DeleteRemovedTooMuch",
        before=delete_ignores_value_fragment,
    ),
    Fault("DELETE dateTo inclusive", "MEAS-QUERY-2", "DeleteRemovedTooMuch", before=delete_date_to_inclusive),
]


# ------------------------------------------------------------------ issue 14: what real tenants do


def mixed_fragment_refused(monkeypatch: Any) -> None:
    # POST: "a fragment holding at least one valid series keeps only its valid series ... (201)".
    from mockserver.measurements import validation

    lenient = validation._fragment_series

    def strict(fragment: str, body: Any, prefix: str) -> tuple[Any, list[Any]]:
        for name, member in body.items():
            if isinstance(member, dict) and not validation.is_valid_series(member):
                raise validation._fail(
                    f"{prefix}{fragment}.{name}.value", f"{fragment}.{name} has no number."
                )
        return lenient(fragment, body, prefix)

    monkeypatch.setattr(validation, "_fragment_series", strict)


def invalid_series_kept(monkeypatch: Any) -> None:
    # POST: "every invalid member is silently dropped, and the answer ... shows the fragment without them".
    from mockserver.measurements import validation

    lenient = validation._fragment_series

    def keep_all(fragment: str, body: Any, prefix: str) -> tuple[Any, list[Any]]:
        return body, lenient(fragment, body, prefix)[1]

    monkeypatch.setattr(validation, "_fragment_series", keep_all)


def only_invalid_made_series(monkeypatch: Any) -> None:
    # POST: "a fragment holding no valid series is kept whole ... it is not a series fragment".
    from mockserver.measurements import validation

    lenient = validation._fragment_series

    def booleans_count(fragment: str, body: Any, prefix: str) -> tuple[Any, list[Any]]:
        kept, found = lenient(fragment, body, prefix)
        if not found:
            found = [
                validation.SeriesValue(fragment, name, float(m["value"]), None)
                for name, m in body.items()
                if isinstance(m, dict) and isinstance(m.get("value"), bool)
            ]
        return kept, found

    monkeypatch.setattr(validation, "_fragment_series", booleans_count)


def transient_stored(monkeypatch: Any) -> None:
    # "TRANSIENT: sent to realtime subscribers ... but not stored".
    from mockserver.measurements import store

    monkeypatch.setattr(store, "STORED_MODES", frozenset({"PERSISTENT", "QUIESCENT", "TRANSIENT", "CEP"}))


def unknown_mode_accepted(ex: Exchange) -> None:
    # "any other value ... is a 400 whose message names X-Cumulocity-Processing-Mode".
    mode = ex.headers.get("x-cumulocity-processing-mode")
    if mode is not None and mode not in ("PERSISTENT", "TRANSIENT", "QUIESCENT", "CEP"):
        del ex.headers["x-cumulocity-processing-mode"]


def total_pages_missing(ex: Exchange) -> None:
    # "`totalPages` is sent by default, except for a range query".
    if is_listing(ex, MEAS) and ex.param("withTotalPages") is None:
        ex.answer.get("statistics", {}).pop("totalPages", None)


def csv_row_lost(ex: Exchange) -> None:
    # Exports: "one row per series value of each measurement".
    if (
        ex.method == "GET"
        and ex.path == MEAS
        and isinstance(ex.answer, bytes)
        and ex.answer.startswith(b"time,")
    ):
        ex.answer = b"\r\n".join(ex.answer.split(b"\r\n")[:-2]) + b"\r\n"


def series_keys_in_utc(ex: Exchange) -> None:
    # Series: "that instant written in the offset the measurement's `time` was written with".
    if (
        is_listing(ex, SERIES)
        and ex.param("aggregationType") is None
        and ex.param("aggregationInterval") is None
    ):
        ex.answer["values"] = {ts(instant(k)): v for k, v in ex.answer["values"].items()}


def platform_templates_missing(ex: Exchange) -> None:
    # GET /measurement: "plus the two the platform adds ... 17 in all".
    if is_listing(ex, "/measurement"):
        ex.answer.pop("measurementsForSourceAndValueFragmentTypeAndValueFragmentSeries", None)


FIDELITY_FAULTS = [
    Fault(
        "mixed fragment refused", "MEAS-CREATE-5", "LenientMeasurementRefused", patch=mixed_fragment_refused
    ),
    Fault("invalid series kept", "MEAS-CREATE-5", "WrongAnswerBody", patch=invalid_series_kept),
    Fault(
        "only-invalid fragment made a series",
        "MEAS-CREATE-5",
        "InvalidSeriesAggregated",
        patch=only_invalid_made_series,
    ),
    Fault("TRANSIENT stored", "MEAS-MODE-1", "TransientMeasurementStored", patch=transient_stored),
    Fault(
        "unknown mode accepted", "MEAS-MODE-1", "UnknownProcessingModeAccepted", before=unknown_mode_accepted
    ),
    Fault("totalPages missing by default", "MEAS-QUERY-1", "WrongPageStatistics", after=total_pages_missing),
    Fault("CSV export loses its last row", "MEAS-EXPORT-1", "WrongExportRows", after=csv_row_lost),
    Fault("series keys rewritten to UTC", "SERIES-OFFSET-1", "SeriesKeyLostOffset", after=series_keys_in_utc),
    Fault("platform template missing", "MEAS-API-1", "MissingUriTemplate", after=platform_templates_missing),
]
SPEC_FAULTS += FIDELITY_FAULTS
