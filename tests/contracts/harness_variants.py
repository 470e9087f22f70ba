"""The catalogue of broken mocks: each breaks one decided rule in one observable way."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from harness_faults import Exchange, Fault

from contracts.oracle import instant, ts

MEAS = "/measurement/measurements"
SERIES = "/measurement/measurements/series"


def is_get_collection(ex: Exchange) -> bool:
    return ex.method == "GET" and ex.path == MEAS


def shift(ex: Exchange, name: str, delta: timedelta) -> None:
    value = ex.param(name)
    if value is not None:
        ex.set(name, ts(instant(value) + delta))


def drop_last_of_full_page(ex: Exchange) -> None:
    if is_get_collection(ex) and ex.status == 200:
        items = ex.answer["measurements"]
        if len(items) == ex.answer["statistics"]["pageSize"] and items:
            items.pop()


def totals_off_by_one(ex: Exchange) -> None:
    if is_get_collection(ex) and ex.status == 200 and "totalPages" in ex.answer["statistics"]:
        ex.answer["statistics"]["totalPages"] += 1


def echo_page_size(ex: Exchange) -> None:
    if is_get_collection(ex) and ex.status == 200 and ex.param("pageSize"):
        ex.answer["statistics"]["pageSize"] = int(ex.param("pageSize") or 0)


def add_accept(ex: Exchange) -> None:
    if ex.method == "POST" and ex.path == MEAS:
        ex.headers.setdefault("accept", "application/json")


def fill_missing_type(ex: Exchange) -> None:
    if ex.method == "POST" and ex.path == MEAS and ex.body:
        body = json.loads(ex.body)
        if isinstance(body, dict) and "source" in body and "time" in body:
            body.setdefault("type", "filled_in")
            ex.body = json.dumps(body).encode()


def drop_units(ex: Exchange) -> None:
    if (
        ex.method == "GET"
        and ex.path.startswith(MEAS + "/")
        and ex.status == 200
        and isinstance(ex.answer, dict)
    ):
        for value in ex.answer.values():
            if isinstance(value, dict):
                for entry in value.values():
                    if isinstance(entry, dict):
                        entry.pop("unit", None)


def answered_measurements(ex: Exchange) -> list[dict[str, Any]]:
    """The measurements in a GET-by-id or collection answer (none for anything else)."""
    if ex.method != "GET" or ex.status != 200 or not isinstance(ex.answer, dict):
        return []
    if ex.path == MEAS:
        return list(ex.answer["measurements"])
    if ex.path.startswith(MEAS + "/") and not ex.path.endswith("series"):
        return [ex.answer]
    return []


def relative_self_links(ex: Exchange) -> None:
    for m in answered_measurements(ex):
        m["self"] = f"{MEAS}/{m['id']}"


def source_self_names_the_measurement(ex: Exchange) -> None:
    for m in answered_measurements(ex):
        m["source"]["self"] = m["self"]


def deleted_still_readable(ex: Exchange) -> None:
    if (
        ex.method == "GET"
        and ex.path.startswith(MEAS + "/")
        and ex.status == 404
        and not ex.path.endswith("series")
    ):
        ex.status, ex.answer = 200, {"id": ex.path.rsplit("/", 1)[-1]}
        ex.answer_headers = [(b"content-type", b"application/json")]


def plain_error_body(ex: Exchange) -> None:
    if ex.status == 404 and isinstance(ex.answer, dict):
        ex.answer = {"detail": "not found"}
        ex.answer_headers = [(b"content-type", b"application/json")]


def no_challenge(ex: Exchange) -> None:
    if ex.status == 401 and ex.answer_headers is not None:
        ex.answer_headers = [h for h in ex.answer_headers if h[0].lower() != b"www-authenticate"]


def unscoped_delete_accepted(ex: Exchange) -> None:
    if ex.method == "DELETE" and ex.path == MEAS and ex.status == 422:
        ex.status, ex.answer = 204, None


def bump_first_max(ex: Exchange) -> None:
    if (
        ex.path == SERIES
        and ex.status == 200
        and (ex.param("aggregationType") or ex.param("aggregationInterval"))
    ):
        for row in ex.answer["values"].values():
            for entry in row:
                if entry and "max" in entry:
                    entry["max"] += 1
                    return


def stddev_samp_as_pop(ex: Exchange) -> None:
    functions = [v for k, v in ex.query if k == "aggregationFunction"]
    if ex.path != SERIES or "stdDevSamp" not in functions:
        return
    if ex.status == 0:  # before: ask for the population deviation too
        if "stdDevPop" not in functions:
            ex.query.append(("aggregationFunction", "stdDevPop"))
            ex.headers["x-fault-added-pop"] = "1"
        return
    if ex.status == 200:
        for row in ex.answer["values"].values():
            for entry in row:
                if entry:
                    entry["stdDevSamp"] = entry["stdDevPop"]
                    if ex.headers.get("x-fault-added-pop"):
                        del entry["stdDevPop"]


def never_truncated(ex: Exchange) -> None:
    if ex.path == SERIES and ex.status == 200:
        ex.answer["truncated"] = False


def nulls_as_zero(ex: Exchange) -> None:
    if ex.path == SERIES and ex.status == 200:
        for row in ex.answer["values"].values():
            row[:] = [entry if entry is not None else {"min": 0, "max": 0} for entry in row]


def function_without_interval(ex: Exchange) -> None:
    if ex.path == SERIES and ex.param("aggregationFunction") and not ex.param("aggregationInterval"):
        ex.drop("aggregationFunction")


def buckets_shifted(ex: Exchange) -> None:
    if ex.path == SERIES and ex.status == 200 and ex.param("aggregationType"):
        values = ex.answer["values"]
        ex.answer["values"] = {ts(instant(k) + timedelta(hours=1)): v for k, v in values.items()}


def when(predicate: Any, action: Any) -> Any:
    def rewrite(ex: Exchange) -> None:
        if predicate(ex):
            action(ex)

    return rewrite


MEASUREMENT_FAULTS = [
    Fault(
        "paging drops the last item of each page",
        "MEAS-PAGING-1",
        "ItemsSkippedByPaging",
        after=drop_last_of_full_page,
    ),
    Fault("totalPages off by one", "MEAS-PAGING-2", "WrongPageStatistics", after=totals_off_by_one),
    Fault("pageSize above 2000 not trimmed", "MEAS-PAGING-4", "PageSizeNotTrimmed", after=echo_page_size),
    Fault(
        "revert ignored",
        "MEAS-ORDER-2",
        "RevertIgnored",
        before=when(is_get_collection, lambda ex: ex.drop("revert")),
    ),
    Fault(
        "dateTo inclusive",
        "MEAS-DATE-2",
        "DateToBoundaryIncluded",
        before=when(is_get_collection, lambda ex: shift(ex, "dateTo", timedelta(milliseconds=1))),
    ),
    Fault(
        "dateFrom exclusive",
        "MEAS-DATE-1",
        "DateFromBoundaryExcluded",
        before=when(is_get_collection, lambda ex: shift(ex, "dateFrom", timedelta(milliseconds=1))),
    ),
    Fault(
        "type filter ignored",
        "MEAS-FILTER-2",
        "NonMatchingItemsReturned",
        before=when(is_get_collection, lambda ex: ex.drop("type")),
    ),
    Fault(
        "fragmentType filter ignored",
        "MEAS-FILTER-3",
        "NonMatchingItemsReturned",
        before=when(is_get_collection, lambda ex: ex.drop("fragmentType")),
    ),
    Fault(
        "valueFragmentSeries filter ignored",
        "MEAS-FILTER-5",
        "NonMatchingItemsReturned",
        before=when(is_get_collection, lambda ex: ex.drop("valueFragmentSeries")),
    ),
    Fault(
        "delete removes too much",
        "MEAS-DELETE-1",
        "DeleteRemovedTooMuch",
        before=when(
            lambda ex: ex.method == "DELETE" and ex.path == MEAS,
            lambda ex: ex.drop("type", "dateFrom", "dateTo"),
        ),
    ),
    Fault(
        "unscoped delete accepted", "MEAS-DELETE-2", "UnscopedDeleteAccepted", after=unscoped_delete_accepted
    ),
    Fault(
        "POST without Accept returns a body", "MEAS-CREATE-2", "BodyReturnedWithoutAccept", before=add_accept
    ),
    Fault("missing type accepted", "MEAS-CREATE-3", "MissingRequiredFieldAccepted", before=fill_missing_type),
    Fault("units dropped", "MEAS-CREATE-4", "FragmentNotKept", after=drop_units),
    Fault(
        "deleted measurement still readable",
        "MEAS-GET-2",
        "DeletedMeasurementStillReadable",
        after=deleted_still_readable,
    ),
    Fault("self links relative", "MEAS-GET-3", "WrongSelfLink", after=relative_self_links),
    Fault(
        "source.self names the measurement",
        "MEAS-GET-3",
        "WrongSelfLink",
        after=source_self_names_the_measurement,
    ),
    Fault("plain error body", "MEAS-ERROR-1", "MalformedErrorBody", after=plain_error_body),
    Fault("401 without challenge", "MEAS-AUTH-1", "MissingAuthChallenge", after=no_challenge),
]

SERIES_FAULTS = [
    Fault("bucket max wrong", "SERIES-AGG-1", "WrongAggregateValue", after=bump_first_max),
    Fault("bucket keys shifted by an hour", "SERIES-AGG-1", "WrongBucketKeys", after=buckets_shifted),
    Fault(
        "stdDevSamp computed as stdDevPop",
        "SERIES-INTERVAL-1",
        "WrongAggregateValue",
        before=stddev_samp_as_pop,
        after=stddev_samp_as_pop,
    ),
    Fault("no truncation flag", "SERIES-TRUNC-1", "SeriesNotTruncated", after=never_truncated),
    Fault(
        "series revert ignored",
        "SERIES-REVERT-1",
        "SeriesRevertIgnored",
        before=when(lambda ex: ex.path == SERIES, lambda ex: ex.drop("revert")),
    ),
    Fault("absent values not null", "SERIES-NULL-1", "MissingNullEntry", after=nulls_as_zero),
    Fault(
        "function without interval accepted",
        "SERIES-PARAM-1",
        "FunctionWithoutIntervalAccepted",
        before=function_without_interval,
    ),
    Fault(
        "series selection ignored",
        "SERIES-SELECT-1",
        "WrongSeriesSelection",
        before=when(lambda ex: ex.path == SERIES, lambda ex: ex.drop("series")),
    ),
]


# ---------------------------------------------------------------- DTM

MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"


def enum_not_enforced(monkeypatch: Any) -> None:
    import mockserver.dtm.instances as instances

    original = instances.check_value

    def lenient(prop: Any, value: Any, *args: Any) -> str | None:
        return None if prop.get("type") == "ENUM" else original(prop, value, *args)

    monkeypatch.setattr(instances, "check_value", lenient)


def csv_partially_imported(monkeypatch: Any) -> None:
    import mockserver.http.handlers.dtm as handlers
    from mockserver.errors import ValidationError

    original = handlers.import_csv

    def partial(store: Any, text: str, **kw: Any) -> Any:
        lines = text.splitlines()
        for _ in range(len(lines)):
            try:
                return original(store, "\n".join(lines) + "\n", **kw)
            except ValidationError as exc:
                bad = {d.get("row") for d in exc.details}
                kept = [
                    line for number, line in enumerate(lines, start=1) if number == 1 or number not in bad
                ]
                if len(kept) == len(lines) or len(kept) == 1:
                    raise
                lines = kept
        return original(store, text, **kw)

    monkeypatch.setattr(handlers, "import_csv", partial)


class StaleChildren:
    """Children lists that only ever grow: moves and deletes are not reflected."""

    def __init__(self) -> None:
        self.seen: dict[str, list[Any]] = {}

    def __call__(self, ex: Exchange) -> None:
        if ex.method == "GET" and ex.path.startswith(INSTANCES + "/") and ex.status == 200:
            key = ex.path.rsplit("/", 1)[-1]
            known = self.seen.setdefault(key, [])
            known += [c for c in ex.answer.get("children", []) if c not in known]
            ex.answer["children"] = list(known)


def only_exact_model(ex: Exchange) -> None:
    model = ex.param("model")
    if ex.method == "GET" and ex.path == INSTANCES and model and ex.status == 200:
        ex.answer["assetInstances"] = [i for i in ex.answer["assetInstances"] if i.get("modelId") == model]


def smart_total_off(ex: Exchange) -> None:
    if ex.method == "GET" and ex.path.startswith(INSTANCES + "/") and ex.status == 200:
        computed = ex.answer.get("computed", {})
        if isinstance(computed.get("total"), int | float):
            computed["total"] += 1


def model_delete_without_conflict(ex: Exchange) -> None:
    if ex.method == "DELETE" and ex.path.startswith(MODELS + "/") and ex.status == 409:
        ex.status, ex.answer = 204, None


class UniqueNames:
    """Model names made unique behind the client's back: duplicates are never detected."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, ex: Exchange) -> None:
        if ex.method == "POST" and ex.path == MODELS and ex.body:
            body = json.loads(ex.body)
            self.count += 1
            body["name"] = f"{body.get('name')}~{self.count}"
            ex.body = json.dumps(body).encode()


def drop_defaults(ex: Exchange) -> None:
    if ex.method == "GET" and ex.path.startswith(INSTANCES + "/") and ex.status == 200:
        ex.answer.get("properties", {}).pop("level", None)


def cascade_only_direct_children(monkeypatch: Any) -> None:
    from mockserver.dtm.store import DtmStore

    original = DtmStore.delete_instance

    def shallow(self: Any, instance_id: str, *, cascade: bool = False) -> None:
        if cascade and self.has_instance(instance_id):
            with self.atomic():  # grandchildren are cut loose as roots instead of being deleted
                for child in self.get_instance(instance_id)["children"]:
                    for grandchild in self.get_instance(child)["children"]:
                        self.update_instance(grandchild, {"parent": None})
        original(self, instance_id, cascade=cascade)

    monkeypatch.setattr(DtmStore, "delete_instance", shallow)


DTM_FAULTS = [
    Fault("ENUM not enforced", "DTM-PROP-1", "InvalidValueAccepted", patch=enum_not_enforced),
    Fault("children not updated on move", "DTM-TREE-1", "ChildrenNotUpdated", after=StaleChildren()),
    Fault(
        "submodels missing from the model filter",
        "DTM-FILTER-1",
        "SubmodelInstancesMissing",
        after=only_exact_model,
    ),
    Fault("CSV partially imported", "DTM-CSV-1", "PartialImportAccepted", patch=csv_partially_imported),
    Fault("smart function value wrong", "DTM-SMART-1", "SmartFunctionValueWrong", after=smart_total_off),
    Fault(
        "409 not returned for a model in use",
        "DTM-DELETE-1",
        "DeleteOfModelInUseAccepted",
        after=model_delete_without_conflict,
    ),
    Fault(
        "duplicate model names accepted", "DTM-MODEL-2", "DuplicateModelNameAccepted", before=UniqueNames()
    ),
    Fault("defaults not applied", "DTM-PROP-2", "DefaultNotApplied", after=drop_defaults),
    Fault(
        "cascade ignored",
        "DTM-DELETE-2",
        "CascadeDeleteRefused",
        before=lambda ex: ex.drop("cascade") if ex.method == "DELETE" else None,
    ),
    Fault(
        "cascade deletes only the direct children",
        "statemachine",
        "DeletedInstanceStillReadable",
        patch=cascade_only_direct_children,
    ),
]
