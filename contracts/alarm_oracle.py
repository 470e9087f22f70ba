"""The harness's own model of the alarm rules (spec/alarm.yaml), from what the harness wrote.

Pure functions over plain dicts: what a raise does (a new alarm, or one more occurrence of the
open alarm of the same source and type), which status changes are allowed, which alarms a query
matches and in what order, and the active counts by severity. The checks compare the target's
answers with these, never with the target's own pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.oracle import instant

Alarm = Mapping[str, Any]
SEVERITIES = ("CRITICAL", "MAJOR", "MINOR", "WARNING")
STATUSES = ("ACTIVE", "ACKNOWLEDGED", "CLEARED")
OPEN = frozenset({"ACTIVE", "ACKNOWLEDGED"})
# (lower bound, upper bound, field): each range is half-open [lower, upper).
RANGES: tuple[tuple[str, str, str], ...] = (
    ("dateFrom", "dateTo", "time"),
    ("createdFrom", "createdTo", "creationTime"),
    ("lastUpdatedFrom", "lastUpdatedTo", "lastUpdated"),
)


@dataclass
class AlarmModel:
    """The alarms the run raised, as the rules say they must now be (by id)."""

    alarms: dict[str, dict[str, Any]] = field(default_factory=dict)

    def merge_target(self, body: Mapping[str, Any]) -> str | None:
        """The id of the open alarm a raise of ``body`` must be counted on, or None (a new alarm)."""
        if body.get("status", "ACTIVE") == "CLEARED":
            return None
        source, kind = str(body["source"]["id"]), body["type"]
        for id, alarm in self.alarms.items():
            if alarm["source"]["id"] == source and alarm["type"] == kind and alarm["status"] in OPEN:
                return id
        return None

    def raised(self, body: Mapping[str, Any], id: str) -> None:
        """Record a raise the target answered with ``id`` (:meth:`merge_target` says what it must be)."""
        target = self.merge_target(body)
        if target is not None:
            alarm = self.alarms[target]
            alarm["count"] += 1
            alarm["time"] = body["time"]
            return
        self.alarms[id] = {
            **{k: v for k, v in body.items() if k != "source"},
            "id": id,
            "source": {"id": str(body["source"]["id"])},
            "status": body.get("status", "ACTIVE"),
            "count": 1,
            "firstOccurrenceTime": body.get("firstOccurrenceTime", body["time"]),
        }

    @staticmethod
    def allowed(current: str, new: str) -> bool:
        """Whether a PUT may move an alarm from ``current`` to ``new`` (CLEARED is final)."""
        return not (current == "CLEARED" and new in OPEN)

    def set_status(self, id: str, status: str) -> None:
        if self.allowed(self.alarms[id]["status"], status):
            self.alarms[id]["status"] = status


def _values(query: Mapping[str, str], name: str) -> set[str] | None:
    value = query.get(name)
    return None if value is None else {part for part in value.split(",") if part}


def matches(alarm: Alarm, query: Mapping[str, str], sources: Iterable[str] | None = None) -> bool:
    """Whether ``alarm`` (as answered) matches the query; ``sources`` overrides ``source``."""
    wanted = set(sources) if sources is not None else _values(query, "source")
    if wanted is not None and str(alarm["source"]["id"]) not in wanted:
        return False
    statuses = _values(query, "status")
    if "resolved" in query:
        statuses = {"CLEARED"} if query["resolved"] == "true" else set(OPEN)
    for name, value in (("status", statuses), ("severity", _values(query, "severity"))):
        if value is not None and alarm[name] not in value:
            return False
    types = _values(query, "type")
    if types is not None and alarm["type"] not in types:
        return False
    if "fragmentType" in query and query["fragmentType"] not in alarm:
        return False
    for low, high, key in RANGES:
        moment = instant(alarm[key])
        if low in query and moment < instant(query[low]):
            return False
        if high in query and moment >= instant(query[high]):
            return False
    return True


def sort_key(alarm: Alarm) -> tuple[Any, int]:
    """Newest ``time`` first, then the larger id first (ascending sort on this key)."""
    moment = instant(alarm["time"])
    return (-moment.timestamp(), -int(alarm["id"]))


def select(
    alarms: Iterable[Alarm], query: Mapping[str, str], sources: Iterable[str] | None = None
) -> list[Alarm]:
    """The matches in list order."""
    chosen = list(sources) if sources is not None else None
    return sorted((a for a in alarms if matches(a, query, chosen)), key=sort_key)


def active_counts(alarms: Iterable[Alarm], sources: Iterable[str]) -> dict[str, int]:
    """Open alarms of ``sources`` by severity, as ``c8y_ActiveAlarmsStatus`` spells it."""
    wanted = set(sources)
    counts = {s.lower(): 0 for s in SEVERITIES}
    for alarm in alarms:
        if str(alarm["source"]["id"]) in wanted and alarm["status"] in OPEN:
            counts[alarm["severity"].lower()] += 1
    return counts
