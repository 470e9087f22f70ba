"""Broken mocks invented from the specs, second half: series, errors, roles and the DTM API.

Same rules as ``harness_variants_spec.py``: each variant breaks one quoted sentence of
``spec/*.yaml`` the way a vendor might, and the ci profile must catch it.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from typing import Any

from harness_faults import Exchange, Fault
from harness_variants_spec import (
    INSTANCES,
    MEAS,
    MODELS,
    READER,
    SERIES,
    body_of,
    header,
    is_listing,
    set_header,
    user_of,
)

from contracts.oracle import instant, ts

# ------------------------------------------------------------------ series


def type_wins_over_interval(ex: Exchange) -> None:
    # aggregationInterval "wins over aggregationType when both are given".
    if ex.path == SERIES and ex.param("aggregationType") and ex.param("aggregationInterval"):
        ex.drop("aggregationInterval", "aggregationFunction")


def weeks_start_on_sunday(ex: Exchange) -> None:
    # "w buckets start on Mondays".
    interval = ex.param("aggregationInterval") or ""
    if ex.path == SERIES and ex.status == 200 and interval.endswith("w"):
        values = ex.answer["values"]
        ex.answer["values"] = {ts(instant(k) - timedelta(days=1)): v for k, v in values.items()}


def quarters_of_four_months(ex: Exchange) -> None:
    # "q is 3n months".
    interval = ex.param("aggregationInterval") or ""
    if ex.path == SERIES and interval.endswith("q"):
        ex.set("aggregationInterval", f"{4 * int(interval[:-1])}M")


def series_date_to_inclusive(ex: Exchange) -> None:
    # series: "Measurements of that source with time in [dateFrom, dateTo) are used."
    value = ex.param("dateTo")
    if ex.path == SERIES and value:
        ex.set("dateTo", ts(instant(value) + timedelta(milliseconds=1)))


def count_distinct_values(monkeypatch: Any) -> None:
    # aggregationFunction count: "Number of values" - repeated values count every time.
    import mockserver.measurements.series as series

    original = series.summarise

    def distinct(values: Any, functions: Any) -> Any:
        entry = original(values, functions)
        if "count" in entry:
            entry["count"] = len(set(values))
        return entry

    monkeypatch.setattr(series, "summarise", distinct)


# ------------------------------------------------------------------ errors and roles


def non_digit_id_is_400(ex: Exchange) -> None:
    # measurementId: "Any other value is simply an unknown id and gives 404."
    tail = ex.path.rsplit("/", 1)[-1]
    if ex.path.startswith(MEAS + "/") and tail != "series" and not tail.isdigit() and ex.status == 404:
        ex.status = 400
        ex.answer = {"error": "measurement/Bad Request", "message": f"{tail} is not an id.", "info": "x"}


def delete_404_as_json(ex: Exchange) -> None:
    # "Every error answer has the media type application/vnd.com.nsn.cumulocity.error+json".
    if ex.method == "DELETE" and ex.status == 404:
        set_header(ex, b"content-type", b"application/json")


def validation_named_bad_request(ex: Exchange) -> None:
    # UnprocessableEntity: "(measurement/validationError)".
    if (
        ex.status == 422
        and isinstance(ex.answer, dict)
        and str(ex.answer.get("error", "")).startswith("measurement/")
    ):
        ex.answer["error"] = "measurement/Bad Request"


def dtm_not_found_renamed(ex: Exchange) -> None:
    # dtm NotFound: "(dtm/Not Found)".
    if ex.path.startswith("/service/dtm") and ex.status == 404 and isinstance(ex.answer, dict):
        ex.answer["error"] = "dtm/notFound"


def reader_may_write_measurements(ex: Exchange) -> None:
    # "creating and deleting need ROLE_MEASUREMENT_ADMIN. An authenticated user without the role gets 403."
    if user_of(ex) == READER and ex.method in ("POST", "DELETE") and ex.path.startswith("/measurement"):
        ex.headers["authorization"] = "Basic " + base64.b64encode(b"admin:admin").decode()


def reader_refused_dtm_reads(ex: Exchange) -> None:
    # DTM: "all reads need ROLE_INVENTORY_READ" (and nothing more).
    if (
        user_of(ex) == READER
        and ex.method == "GET"
        and ex.path.startswith("/service/dtm")
        and ex.status == 200
    ):
        ex.status = 403
        ex.answer = {"error": "security/Forbidden", "message": "Access is denied.", "info": "x"}
        set_header(ex, b"content-type", b"application/vnd.com.nsn.cumulocity.error+json")


def dtm_401_without_challenge(ex: Exchange) -> None:
    # DTM: "Missing or wrong credentials answer 401 with the header WWW-Authenticate".
    if ex.path.startswith("/service/dtm") and ex.status == 401:
        ex.answer_headers = [h for h in ex.answer_headers or [] if h[0].lower() != b"www-authenticate"]


def xbasic_ignored(ex: Exchange) -> None:
    # "XBasic realm="Cumulocity" when the request carries UseXBasic: true".
    if ex.status == 401 and header(ex, b"www-authenticate").startswith("XBasic"):
        set_header(ex, b"www-authenticate", b'Basic realm="Cumulocity"')


# ------------------------------------------------------------------ DTM writes


def model_put_echoes_the_request(ex: Exchange) -> None:
    # PUT model: "The body (with an Accept header) is the stored model" - the merged one.
    sent = body_of(ex)
    if (
        ex.method == "PUT"
        and ex.path.startswith(MODELS + "/")
        and ex.status == 200
        and isinstance(sent, dict)
    ):
        ex.answer = {**sent, "id": ex.answer["id"], "self": ex.answer["self"]}


def instance_put_without_computed(ex: Exchange) -> None:
    # AssetInstance: computed "The value of every effective smart function by name".
    if ex.method == "PUT" and ex.path.startswith(INSTANCES + "/") and ex.status == 200:
        ex.answer["computed"] = {}


def null_fields_not_removed(ex: Exchange) -> None:
    # "an optional field sent as null is removed".
    sent = body_of(ex)
    if ex.method == "PUT" and ex.path.startswith(MODELS + "/") and isinstance(sent, dict):
        ex.body = json.dumps({k: v for k, v in sent.items() if v is not None}).encode()


def model_name_truncated(ex: Exchange) -> None:
    # name: "1 to 254 characters".
    sent = body_of(ex)
    if ex.method in ("POST", "PUT") and ex.path.startswith(MODELS) and isinstance(sent, dict):
        if isinstance(sent.get("name"), str) and len(sent["name"]) > 254:
            sent["name"] = sent["name"][:254]
            ex.body = json.dumps(sent).encode()


def properties_merged_on_put(monkeypatch: Any) -> None:
    # PUT instance: "properties, when present, replaces the whole map".
    import mockserver.dtm.instances as instances

    original = instances.merge_update

    def merging(existing: Any, body: Any) -> Any:
        merged = original(existing, body)
        if isinstance(body.get("properties"), dict):
            merged["properties"] = {**(existing.properties or {}), **body["properties"]}
        return merged

    monkeypatch.setattr(instances, "merge_update", merging)


def lenient_value(kind: str, accept: Any) -> Any:
    def patch(monkeypatch: Any) -> None:
        import mockserver.dtm.instances as instances

        original = instances.check_value

        def lenient(prop: Any, value: Any, *args: Any) -> str | None:
            if prop.get("type") == kind and accept(value):
                return None
            return original(prop, value, *args)

        monkeypatch.setattr(instances, "check_value", lenient)

    return patch


def null_property_not_defaulted(monkeypatch: Any) -> None:
    # properties: "null counts as absent";
    # default: "stored when an instance omits this property (or sends null)".
    import mockserver.dtm.instances as instances

    original = instances.normalise_properties

    def keep_null(raw: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(raw, dict):
            kw["unset"] = frozenset(kw.get("unset", frozenset())) | {k for k, v in raw.items() if v is None}
        return original(raw, *args, **kw)

    monkeypatch.setattr(instances, "normalise_properties", keep_null)


def two_levels_of_inheritance(monkeypatch: Any) -> None:
    # "The effective model is the chain merged from the root base down to the model" (any depth).
    import mockserver.dtm.registry as registry

    original_chain = registry.chain
    original_effective = registry.effective_model

    def short_chain(model_id: str, models: Any) -> list[str]:
        return original_chain(model_id, models)[:2]

    def shallow(model_id: str, models: Any) -> Any:
        monkeypatch.setattr(registry, "chain", short_chain)
        try:
            return original_effective(model_id, models)
        finally:
            monkeypatch.setattr(registry, "chain", original_chain)

    monkeypatch.setattr(registry, "effective_model", shallow)


# ------------------------------------------------------------------ DTM queries


def name_dropped_when_paged(ex: Exchange) -> None:
    # listAssetModels: "optionally only the one with exactly the given name".
    if ex.method == "GET" and ex.path == MODELS and ex.param("pageSize") and ex.param("name"):
        ex.drop("name")


def parent_dropped_with_model(ex: Exchange) -> None:
    # listAssetInstances: "The filters model, parent and name are combined with AND".
    if ex.method == "GET" and ex.path == INSTANCES and ex.param("model") and ex.param("parent"):
        ex.drop("parent")


def dtm_next_missing_on_last_page(ex: Exchange) -> None:
    # Paging: "self and next are always present".
    if is_listing(ex, INSTANCES) or is_listing(ex, MODELS):
        items = ex.answer.get("assetInstances", ex.answer.get("assetModels", []))
        if len(items) < ex.answer["statistics"]["pageSize"]:
            ex.answer.pop("next", None)


def dtm_total_elements_of_the_page(ex: Exchange) -> None:
    # "totalElements only with withTotalElements=true" - of all matching items.
    if is_listing(ex, INSTANCES) and "totalElements" in ex.answer["statistics"]:
        ex.answer["statistics"]["totalElements"] = len(ex.answer["assetInstances"])


SPEC_DTM_FAULTS = [
    Fault(
        "aggregationType wins over the interval",
        "SERIES-QUERY-1",
        "WrongSeriesAnswer",
        before=type_wins_over_interval,
    ),
    Fault("weeks start on Sunday", "SERIES-QUERY-1", "WrongSeriesAnswer", after=weeks_start_on_sunday),
    Fault("quarters of four months", "SERIES-QUERY-1", "WrongSeriesAnswer", before=quarters_of_four_months),
    Fault("series dateTo inclusive", "SERIES-QUERY-1", "WrongSeriesAnswer", before=series_date_to_inclusive),
    Fault("count counts distinct values", "SERIES-QUERY-1", "WrongSeriesAnswer", patch=count_distinct_values),
    Fault("non-digit measurement id answered 400", "MEAS-ERROR-2", "WrongStatus", after=non_digit_id_is_400),
    Fault(
        "DELETE 404 with a JSON media type", "MEAS-ERROR-2", "WrongErrorMediaType", after=delete_404_as_json
    ),
    Fault(
        "422 named measurement/Bad Request",
        "MEAS-ERROR-2",
        "WrongErrorName",
        after=validation_named_bad_request,
    ),
    Fault("DTM 404 named dtm/notFound", "DTM-ERROR-1", "WrongErrorName", after=dtm_not_found_renamed),
    Fault(
        "read-only user may write measurements",
        "MEAS-ROLE-2",
        "ForbiddenWriteAccepted",
        before=reader_may_write_measurements,
    ),
    Fault("read-only user refused DTM reads", "DTM-ROLE-2", "ReadRefused", after=reader_refused_dtm_reads),
    Fault("DTM 401 without challenge", "DTM-ROLE-1", "MissingAuthChallenge", after=dtm_401_without_challenge),
    Fault("UseXBasic ignored", "MEAS-ROLE-1", "MissingAuthChallenge", after=xbasic_ignored),
    Fault(
        "model PUT answers the request body",
        "DTM-WRITE-1",
        "WrongAnswerBody",
        after=model_put_echoes_the_request,
    ),
    Fault("null field kept on model PUT", "DTM-WRITE-1", "WrongAnswerBody", before=null_fields_not_removed),
    Fault(
        "model name of 255 characters accepted",
        "DTM-WRITE-1",
        "InvalidValueAccepted",
        before=model_name_truncated,
    ),
    Fault(
        "instance PUT answer without computed values",
        "STATE-DTM-2",
        "WrongAnswerBody",
        after=instance_put_without_computed,
    ),
    Fault("instance PUT merges properties", "STATE-DTM-2", "WrongAnswerBody", patch=properties_merged_on_put),
    Fault(
        "numeric strings accepted for NUMBER",
        "STATE-DTM-2",
        "InvalidValueAccepted",
        patch=lenient_value(
            "NUMBER", lambda v: isinstance(v, str) and v.replace(".", "", 1).lstrip("-").isdigit()
        ),
    ),
    Fault(
        "impossible calendar dates accepted",
        "STATE-DTM-2",
        "InvalidValueAccepted",
        patch=lenient_value(
            "DATE", lambda v: isinstance(v, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v))
        ),
    ),
    Fault(
        "TEXT over 10,000 characters accepted",
        "STATE-DTM-2",
        "InvalidValueAccepted",
        patch=lenient_value("TEXT", lambda v: isinstance(v, str)),
    ),
    Fault(
        "null property value not defaulted",
        "STATE-DTM-2",
        "ValidValueRefused|WrongAnswerBody",
        patch=null_property_not_defaulted,
    ),
    Fault(
        "inheritance only two levels deep",
        "STATE-DTM-2",
        "WrongAnswerBody|ValidValueRefused",
        patch=two_levels_of_inheritance,
    ),
    Fault(
        "name filter dropped on paged model lists",
        "DTM-QUERY-1",
        "WrongPageItems|WrongPagingLink",
        before=name_dropped_when_paged,
    ),
    Fault(
        "parent filter dropped next to model",
        "DTM-QUERY-1",
        "WrongPageItems|WrongPagingLink",
        before=parent_dropped_with_model,
    ),
    Fault(
        "DTM next link missing on the last page",
        "DTM-QUERY-1",
        "WrongPagingLink",
        after=dtm_next_missing_on_last_page,
    ),
    Fault(
        "DTM totalElements of the page",
        "DTM-QUERY-1",
        "WrongPageStatistics",
        after=dtm_total_elements_of_the_page,
    ),
]
