"""Broken alarm mocks: each breaks one rule of spec/alarm.yaml (or the DTM alarm roll-up) in one
observable way, and the alarm suites must report it with the expected failure title."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from harness_faults import Exchange, Fault

from contracts.oracle import instant, ts

ALARMS = "/alarm/alarms"
INSTANCES = "/service/dtm/asset-instances"


def when(predicate: Any, action: Any) -> Any:
    def rewrite(ex: Exchange) -> None:
        if predicate(ex):
            action(ex)

    return rewrite


def listing(ex: Exchange) -> bool:
    return ex.method == "GET" and ex.path == ALARMS


def shift_date_to(ex: Exchange) -> None:
    for name in ("dateTo", "createdTo", "lastUpdatedTo"):
        value = ex.param(name)
        if value is not None:
            ex.set(name, ts(instant(value) + timedelta(milliseconds=1)))


def first_status_only(ex: Exchange) -> None:
    value = ex.param("status")
    if value and "," in value:
        ex.set("status", value.split(",")[0])


def oldest_first(ex: Exchange) -> None:
    if listing(ex) and ex.status == 200:
        ex.answer["alarms"].reverse()


def drop_last_of_full_page(ex: Exchange) -> None:
    if listing(ex) and ex.status == 200:
        items = ex.answer["alarms"]
        if items and len(items) == ex.answer["statistics"]["pageSize"]:
            items.pop()


def count_off_by_one(ex: Exchange) -> None:
    if ex.method == "GET" and ex.path == ALARMS + "/count" and ex.status == 200:
        ex.answer += 1


def stale_active_status(ex: Exchange) -> None:
    if (
        ex.method == "GET"
        and ex.path.startswith("/inventory/managedObjects/")
        and isinstance(ex.answer, dict)
    ):
        status = ex.answer.get("c8y_ActiveAlarmsStatus")
        if isinstance(status, dict) and status.get("major"):
            status["major"] = 0


def refuse_trailing_slash(ex: Exchange) -> None:
    if ex.path.startswith(ALARMS) and (ex.path.endswith("/") or "//" in ex.path):
        ex.status = 404
        ex.answer = {"error": "alarm/Not Found", "message": "No such path.", "info": "https://x"}


def fill_missing_text(ex: Exchange) -> None:
    if ex.method == "POST" and ex.path == ALARMS and ex.body:
        body = json.loads(ex.body)
        if isinstance(body, dict) and "source" in body:
            body.setdefault("text", "filled in")
            ex.body = json.dumps(body).encode()


def instance_counts_zero(ex: Exchange) -> None:
    if ex.method == "GET" and ex.path.startswith(INSTANCES + "/") and isinstance(ex.answer, dict):
        if isinstance(ex.answer.get("activeAlarmsStatus"), dict):
            ex.answer["activeAlarmsStatus"] = {"critical": 0, "major": 0, "minor": 0, "warning": 0}


def never_merge(monkeypatch: Any) -> None:
    from mockserver.alarms import store

    monkeypatch.setattr(store.AlarmStore, "_open_target", lambda self, new: None)


def merge_cleared(monkeypatch: Any) -> None:
    """The open-alarm index forgets nothing: a cleared alarm keeps taking duplicates."""
    from mockserver.alarms import store

    original = store.AlarmStore._open_target

    def target(self: Any, new: Any) -> Any:
        found = original(self, new)
        if found is not None or new.status == "CLEARED":
            return found
        matches = [r for r in self._records.values() if (r.source, r.type) == (new.source, new.type)]
        return matches[-1].id if matches else None

    monkeypatch.setattr(store.AlarmStore, "_open_target", target)


def reopen_cleared(monkeypatch: Any) -> None:
    from mockserver.alarms import model

    monkeypatch.setattr(model, "REFUSED_AFTER_CLEARED", frozenset())


def rollup_own_object_only(monkeypatch: Any) -> None:
    """The roll-up scope forgets the descendants: only the instance's own managed object."""
    from mockserver.dtm import store

    monkeypatch.setattr(
        store, "_scope", lambda records, instance_id: frozenset({records[instance_id].managed_object_id})
    )


ALARM_FAULTS = [
    Fault(
        "missing text accepted", "ALARM-CREATE-2", "MissingRequiredFieldAccepted", before=fill_missing_text
    ),
    Fault("duplicates never merged", "ALARM-DEDUP-1", "DuplicateNotMerged", patch=never_merge),
    Fault("cleared alarms merged", "ALARM-DEDUP-1", "ClearedAlarmMerged", patch=merge_cleared),
    Fault("cleared alarms reopened", "ALARM-STATUS-1", "ClearedAlarmReopened", patch=reopen_cleared),
    Fault(
        "resolved ignored",
        "ALARM-FILTER-1",
        "NonMatchingItemsReturned",
        before=when(listing, lambda ex: ex.drop("resolved")),
    ),
    Fault(
        "status list read as its first value",
        "ALARM-FILTER-1",
        "MatchingItemsMissing",
        before=when(listing, first_status_only),
    ),
    Fault(
        "time ranges inclusive",
        "ALARM-FILTER-1",
        "DateToBoundaryIncluded",
        before=when(listing, shift_date_to),
    ),
    Fault("count off by one", "ALARM-FILTER-1", "WrongCount", after=count_off_by_one),
    Fault("oldest first", "ALARM-ORDER-1", "WrongOrder", after=oldest_first),
    Fault(
        "paging drops the last item", "ALARM-PAGING-1", "ItemsSkippedByPaging", after=drop_last_of_full_page
    ),
    Fault(
        "bulk update ignores type",
        "ALARM-BULK-1",
        "BulkUpdateChangedTooMuch",
        before=when(lambda ex: ex.method == "PUT" and ex.path == ALARMS, lambda ex: ex.drop("type")),
    ),
    Fault(
        "delete ignores severity",
        "ALARM-DELETE-1",
        "DeleteRemovedTooMuch",
        before=when(lambda ex: ex.method == "DELETE" and ex.path == ALARMS, lambda ex: ex.drop("severity")),
    ),
    Fault("active status stale", "ALARM-ACTIVE-1", "WrongActiveAlarmsStatus", after=stale_active_status),
    Fault("client spellings refused", "ALARM-QUIRK-1", "ClientSpellingRefused", after=refuse_trailing_slash),
    Fault("rollup without descendants", "DTM-ALARM-1", "RollupAlarmsWrong", patch=rollup_own_object_only),
    Fault("instance alarm counts zero", "DTM-ALARM-2", "WrongActiveAlarmsStatus", after=instance_counts_zero),
]
