"""Broken variants written from the specs' descriptions alone, without reading the harness.

Issue 10 measures the harness on faults kept outside this repository; these stand in for them.
Each was written from one sentence of ``spec/*.yaml`` (quoted in its docstring), in areas the
other catalogues leave thin (alarm filters, paging links and statistics, de-duplication, the
active alarm status, error media types, identity lists and Location headers), before running
the ci profile against it (``harness_variants_unseen_apis.py`` holds those of the inventory, DTM
and Notification 2.0). A miss was a harness gap, closed in ``contracts/`` by a generated
scenario judged against the oracle, never by a check aimed at the one variant.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from harness_faults import Exchange, Fault

ALARMS = "/alarm/alarms"
MEASUREMENTS = "/measurement/measurements"
ERROR = "application/vnd.com.nsn.cumulocity.error+json"


def listing(ex: Exchange) -> bool:
    return ex.method == "GET" and ex.path in (ALARMS, ALARMS + "/count")


def severity_first_only(ex: Exchange) -> None:
    """alarm.yaml: `severity` takes one value or several separated by commas."""
    value = ex.param("severity")
    if listing(ex) and value and "," in value:
        ex.set("severity", value.split(",")[0])


def drop_when_listing(*names: str) -> Any:
    def rewrite(ex: Exchange) -> None:
        if listing(ex):
            ex.drop(*names)

    return rewrite


def status_beats_resolved(ex: Exchange) -> None:
    """alarm.yaml: `resolved`, when given, wins over `status` (which is then ignored)."""
    if listing(ex) and ex.param("resolved") is not None and ex.param("status") is not None:
        ex.drop("resolved")


def alarm_page(ex: Exchange) -> dict[str, Any] | None:
    if ex.method == "GET" and ex.path == ALARMS and ex.status == 200 and isinstance(ex.answer, dict):
        return ex.answer
    return None


def page_total_elements(ex: Exchange) -> None:
    """alarm.yaml: `totalElements` is the number of matching alarms (with withTotalElements=true)."""
    page = alarm_page(ex)
    if page and "totalElements" in page.get("statistics", {}) and page["alarms"]:
        page["statistics"]["totalElements"] = len(page["alarms"])


def prev_on_first_page(ex: Exchange) -> None:
    """alarm.yaml: `prev` from page 2 on."""
    page = alarm_page(ex)
    if page and page["statistics"].get("currentPage") == 1 and "prev" not in page:
        page["prev"] = page["self"].replace("currentPage=1", "currentPage=0")


def next_without_filters(ex: Exchange) -> None:
    """alarm.yaml: `self` and `next` always, all repeating every query parameter of the request."""
    page = alarm_page(ex)
    if page and "next" in page:
        url = urlsplit(page["next"])
        kept = [(k, v) for k, v in parse_qsl(url.query) if k in ("pageSize", "currentPage")]
        page["next"] = url._replace(query=urlencode(kept)).geturl()


def dedup_without_location(ex: Exchange) -> None:
    """alarm.yaml: a de-duplicated raise answers as a new alarm does (201, Location)."""
    if ex.method == "POST" and ex.path == ALARMS and ex.status == 201 and isinstance(ex.answer, dict):
        if ex.answer.get("count", 1) > 1 and ex.answer_headers is not None:
            ex.answer_headers = [h for h in ex.answer_headers if h[0].lower() != b"location"]


def body_without_accept(ex: Exchange) -> None:
    """alarm.yaml: without an `Accept` header the body of a POST or PUT of one alarm is empty."""
    if ex.method in ("POST", "PUT") and ex.path.startswith(ALARMS) and ex.status in (200, 201):
        if "accept" not in ex.headers and ex.answer is None and ex.answer_headers is not None:
            location = dict(ex.answer_headers).get(b"location", b"").decode()
            ex.answer = {"id": location.rsplit("/", 1)[-1] or ex.path.rsplit("/", 1)[-1]}
            ex.answer_headers.append((b"content-type", b"application/vnd.com.nsn.cumulocity.alarm+json"))


def plain_json_errors(prefix: str) -> Any:
    """Every error answer has the error media type (alarm.yaml, identity.yaml, inventory.yaml)."""

    def rewrite(ex: Exchange) -> None:
        if ex.path.startswith(prefix) and ex.status in (404, 422) and ex.answer_headers is not None:
            ex.answer_headers = [
                (k, b"application/json" if k.lower() == b"content-type" else v) for k, v in ex.answer_headers
            ]

    return rewrite


def fragment_gone_at_zero(ex: Exchange) -> None:
    """alarm.yaml: counts of c8y_ActiveAlarmsStatus may drop to 0; the fragment stays."""
    if ex.method == "GET" and ex.path.startswith("/inventory/managedObjects") and isinstance(ex.answer, dict):
        for mo in ex.answer.get("managedObjects", [ex.answer]):
            status = mo.get("c8y_ActiveAlarmsStatus") if isinstance(mo, dict) else None
            if isinstance(status, dict) and not any(status.values()):
                del mo["c8y_ActiveAlarmsStatus"]


def external_ids_newest_first(ex: Exchange) -> None:
    """identity.yaml: every external id naming the managed object, in creation order."""
    if ex.method == "GET" and ex.path.startswith("/identity/globalIds/") and isinstance(ex.answer, dict):
        ex.answer.get("externalIds", []).reverse()


def external_id_without_location(ex: Exchange) -> None:
    """identity.yaml: `201` always carries `Location: <self url>`."""
    if ex.method == "POST" and ex.path.startswith("/identity/") and ex.status == 201 and ex.answer_headers:
        ex.answer_headers = [h for h in ex.answer_headers if h[0].lower() != b"location"]


def past_the_end_is_404(ex: Exchange) -> None:
    """measurement.yaml: a page past the end is a `200` with an empty `measurements` list."""
    if ex.method == "GET" and ex.path == MEASUREMENTS and isinstance(ex.answer, dict):
        if not ex.answer.get("measurements") and int(ex.param("currentPage") or 1) > 1:
            ex.status = 404
            ex.answer = {"error": "measurement/Not Found", "message": "No such page.", "info": "-"}
            ex.answer_headers = [(b"content-type", ERROR.encode())]


def measurement_page(ex: Exchange) -> dict[str, Any] | None:
    if ex.method == "GET" and ex.path == MEASUREMENTS and ex.status == 200 and isinstance(ex.answer, dict):
        if isinstance(ex.answer.get("measurements"), list):
            return ex.answer
    return None


def reverted_ties_ascending(ex: Exchange) -> None:
    """measurement.yaml: same instant ordered by id descending under `revert=true`."""
    page = measurement_page(ex)
    if page and ex.param("revert") == "true":
        from contracts.oracle import instant

        items = page["measurements"]
        items.sort(key=lambda m: (-instant(m["time"]).timestamp(), int(m["id"])))


def total_pages_despite_false(ex: Exchange) -> None:
    """measurement.yaml: an explicit `withTotalPages=false` leaves totalPages out of any query."""
    page = measurement_page(ex)
    if page and ex.param("withTotalPages") == "false" and "totalPages" not in page["statistics"]:
        page["statistics"]["totalPages"] = 1


def no_prev_link(ex: Exchange) -> None:
    """measurement.yaml: `prev` is present from page 2 on."""
    page = measurement_page(ex)
    if page and int(ex.param("currentPage") or 1) >= 2:
        page.pop("prev", None)


def dedup_keeps_old_time(monkeypatch: Any) -> None:
    """alarm.yaml: on de-duplication the alarm's `time` becomes the `time` sent."""
    from mockserver.alarms import store

    original = store.AlarmStore._insert

    def insert(self: Any, new: Any) -> Any:
        open_id = self._open_target(new)
        old = self._records.get(open_id) if open_id is not None else None
        kept = (old.time, old.time_us) if old is not None else None
        record, created = original(self, new)
        if not created and kept is not None:
            self._change(record, lambda r: (setattr(r, "time", kept[0]), setattr(r, "time_us", kept[1])))
        return record, created

    monkeypatch.setattr(store.AlarmStore, "_insert", insert)


def severity_change_not_counted(monkeypatch: Any) -> None:
    """alarm.yaml: the source's `c8y_ActiveAlarmsStatus` follows status and severity."""
    from mockserver.alarms import store

    original = store.AlarmStore.update

    def update(self: Any, id: str, doc: object) -> Any:
        record = self._records.get(int(id)) if id.isdigit() else None
        before = (record.severity, record.status) if record is not None else None
        answer = original(self, id, doc)
        if record is not None and before and before[0] != record.severity and record.status in store.OPEN:
            counts = self._active[record.source]
            counts[store.SEVERITIES.index(record.severity)] -= 1
            counts[store.SEVERITIES.index(before[0])] += 1
            self._write_active_status([record.source])
        return answer

    monkeypatch.setattr(store.AlarmStore, "update", update)


def bulk_reopens_cleared(monkeypatch: Any) -> None:
    """alarm.yaml: a bulk PUT leaves a `CLEARED` match as it is when the new status is not `CLEARED`."""
    from mockserver.alarms import store

    def update_matching(self: Any, f: Any, doc: object) -> int:
        status = store.validate_status_change(doc)
        self._refuse_unbounded(f, "Updating")
        with self._lock:
            changed = [r for r in self._matching(f) if r.status != status]
            for record in changed:
                self._change(record, lambda r: setattr(r, "status", status))
            self._write_active_status(r.source for r in changed)
        return len(changed)

    monkeypatch.setattr(store.AlarmStore, "update_matching", update_matching)


def fault(name: str, only: str, title: str, **how: Any) -> Fault:
    return Fault(name, only, title, **how)


# Cheap enough for make test (one short requirement each, a few seconds).
QUICK_UNSEEN_FAULTS = [
    fault("external ids newest first", "ID-EXT-1", "ExternalIdNotListed", after=external_ids_newest_first),
    fault(
        "external id without Location", "ID-EXT-1", "WrongLocationHeader", after=external_id_without_location
    ),
    fault(
        "identity errors as plain JSON",
        "ID-EXT-1",
        "DeletedExternalIdStillFound",
        after=plain_json_errors("/identity"),
    ),
]

# Behind `make variants`: each builds the alarm dataset (about 15 s with the ci profile).
SLOW_UNSEEN_FAULTS = [
    fault(
        "alarm severity list read as its first value",
        "ALARM-FILTER-1",
        "MatchingItemsMissing",
        before=severity_first_only,
    ),
    fault(
        "alarm createdFrom ignored",
        "ALARM-FILTER-1",
        "NonMatchingItemsReturned",
        before=drop_when_listing("createdFrom"),
    ),
    fault(
        "alarm lastUpdatedTo ignored",
        "ALARM-FILTER-1",
        "DateToBoundaryIncluded|NonMatchingItemsReturned",
        before=drop_when_listing("lastUpdatedTo"),
    ),
    fault(
        "alarm resolved loses to status",
        "ALARM-FILTER-1",
        "NonMatchingItemsReturned|MatchingItemsMissing",
        before=status_beats_resolved,
    ),
    fault(
        "alarm totalElements of the page", "ALARM-PAGING-1", "WrongPageStatistics", after=page_total_elements
    ),
    fault("alarm prev link on the first page", "ALARM-PAGING-1", "WrongPagingLink", after=prev_on_first_page),
    fault(
        "alarm next link drops the filters", "ALARM-PAGING-1", "WrongPagingLink", after=next_without_filters
    ),
    fault(
        "alarm de-duplication without Location",
        "ALARM-DEDUP-1",
        "WrongLocation",
        after=dedup_without_location,
    ),
    fault(
        "alarm body without Accept", "ALARM-CREATE-1", "BodyReturnedWithoutAccept", after=body_without_accept
    ),
    fault(
        "alarm errors as plain JSON", "ALARM-ERROR-1", "MalformedErrorBody", after=plain_json_errors(ALARMS)
    ),
    fault(
        "active alarm status dropped at zero",
        "ALARM-ACTIVE-1",
        "WrongActiveAlarmsStatus",
        after=fragment_gone_at_zero,
    ),
    fault(
        "alarm de-duplication keeps the old time",
        "ALARM-DEDUP-1",
        "WrongMergedAlarm",
        patch=dedup_keeps_old_time,
    ),
    fault(
        "alarm severity change not counted",
        "ALARM-ACTIVE-1",
        "WrongActiveAlarmsStatus|SeverityNotChanged",
        patch=severity_change_not_counted,
    ),
    fault(
        "alarm bulk update reopens cleared alarms",
        "ALARM-BULK-1",
        "BulkUpdateChangedTooMuch",
        patch=bulk_reopens_cleared,
    ),
    fault(
        "measurement ties under revert by id ascending",
        "MEAS-QUERY-1",
        "WrongPageItems",
        after=reverted_ties_ascending,
    ),
    fault(
        "measurement totalPages despite withTotalPages=false",
        "MEAS-QUERY-1",
        "WrongPageStatistics",
        after=total_pages_despite_false,
    ),
    fault("measurement prev link missing", "MEAS-QUERY-1", "WrongPagingLink", after=no_prev_link),
    fault(
        "measurement page past the end is 404",
        "MEAS-PAGING-5",
        "PagePastTheEndRefused",
        after=past_the_end_is_404,
    ),
]
