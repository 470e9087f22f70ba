"""What an alarm is, and the create and update rules, as pure functions over JSON values.

Rules (``spec/alarm.yaml``): ``source.id``, ``type``, ``text``, ``severity`` and ``time`` are
mandatory and every missing one is named at once; ``severity`` is CRITICAL, MAJOR, MINOR or
WARNING; ``status`` is ACTIVE (default), ACKNOWLEDGED or CLEARED; every other top-level key but
the server fields is a custom fragment. A PUT changes ``text``, ``status``, ``severity`` and
fragments; CLEARED is final; ``id`` and ``source`` may be sent when they are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from mockserver.errors import ValidationError
from mockserver.jsoncodec import dumps
from mockserver.timeutil import format_epoch_ms, parse_body_instant, to_epoch_us

RESOURCE: Final = "alarm"
SEVERITIES: Final = ("CRITICAL", "MAJOR", "MINOR", "WARNING")
STATUSES: Final = ("ACTIVE", "ACKNOWLEDGED", "CLEARED")
OPEN: Final = frozenset({"ACTIVE", "ACKNOWLEDGED"})
CLEARED: Final = "CLEARED"
# CLEARED is final: the statuses a cleared alarm may not take again.
REFUSED_AFTER_CLEARED: frozenset[str] = OPEN
MANDATORY: Final = ("source", "type", "text", "severity", "time")
SERVER_FIELDS: Final = frozenset(
    {"id", "self", "source", "type", "text", "severity", "status", "time", "count"}
    | {"firstOccurrenceTime", "creationTime", "lastUpdated"}
)
# Top-level keys every stored alarm answers with (``fragmentType`` matches them too).
ANSWER_FIELDS: Final = SERVER_FIELDS
IGNORED_ON_UPDATE: Final = frozenset(
    {"self", "type", "time", "count", "firstOccurrenceTime", "creationTime", "lastUpdated"}
)


def _problem(field_name: str, message: str) -> dict[str, str]:
    return {"field": field_name, "message": f"{field_name} {message}"}


def _raise(problems: list[dict[str, str]], what: str) -> None:
    if problems:
        listed = "; ".join(p["message"] for p in problems)
        raise ValidationError(f"{what}: {listed}.", resource=RESOURCE, details=problems)


@dataclass(frozen=True)
class NewAlarm:
    """A validated create body. ``time`` and ``first_occurrence`` are the strings as sent."""

    source: str
    type: str
    text: str
    severity: str
    status: str
    time: str
    time_us: int
    first_occurrence: str
    fragments: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class AlarmRecord:
    """One stored alarm. ``body`` caches its answer JSON after ``source`` (see :meth:`tail`)."""

    id: int
    source: str
    type: str
    text: str
    severity: str
    status: str
    time: str
    time_us: int
    first_occurrence: str
    count: int
    created_us: int
    updated_us: int
    fragments: dict[str, Any] | None
    body: bytes | None = None

    @property
    def order_key(self) -> tuple[int, int]:
        """``(time, id)``: the list order (newest first, ties by the larger id) is its descending order."""
        return (self.time_us, self.id)

    def tail(self) -> bytes:
        """The answer's JSON members after ``source``, ``,"type":...}``, cached until a change."""
        if self.body is None:
            head = {
                "type": self.type,
                "text": self.text,
                "severity": self.severity,
                "status": self.status,
                "time": self.time,
                "count": self.count,
                "firstOccurrenceTime": self.first_occurrence,
                "creationTime": format_epoch_ms(self.created_us // 1000),
                "lastUpdated": format_epoch_ms(self.updated_us // 1000),
            }
            if self.fragments:
                head.update(self.fragments)
            self.body = bytes(memoryview(dumps(head)))[1:]
        return self.body

    def document(self) -> dict[str, Any]:
        """The alarm as a plain dict (without ``self`` links)."""
        doc: dict[str, Any] = {
            "id": str(self.id),
            "source": {"id": self.source},
            "type": self.type,
            "text": self.text,
            "severity": self.severity,
            "status": self.status,
            "time": self.time,
            "count": self.count,
            "firstOccurrenceTime": self.first_occurrence,
            "creationTime": format_epoch_ms(self.created_us // 1000),
            "lastUpdated": format_epoch_ms(self.updated_us // 1000),
        }
        if self.fragments:
            doc.update(self.fragments)
        return doc


def _source_id(doc: Mapping[str, Any], problems: list[dict[str, str]]) -> str | None:
    source = doc.get("source")
    value = source.get("id") if isinstance(source, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        problems.append(_problem("source.id", "is missing or not a string or integer id"))
        return None
    return str(value)


def _text(doc: Mapping[str, Any], name: str, problems: list[dict[str, str]]) -> str:
    value = doc.get(name)
    if not isinstance(value, str) or not value:
        problems.append(_problem(name, f"must be a non-empty string, got {value!r}"))
        return ""
    return value


def _enum(doc: Mapping[str, Any], name: str, allowed: tuple[str, ...], problems: list[dict[str, str]]) -> str:
    value = doc.get(name)
    if value not in allowed:
        problems.append(_problem(name, f"has the value {value!r}; expected one of {', '.join(allowed)}"))
        return ""
    return str(value)


def _instant(doc: Mapping[str, Any], name: str, problems: list[dict[str, str]]) -> int:
    try:
        return to_epoch_us(parse_body_instant(doc.get(name), name))
    except ValidationError as exc:
        problems.extend(exc.details)
        return 0


def validate_new_alarm(doc: object) -> NewAlarm:
    """The create rules; a 422 naming every offending field (missing ones first, together)."""
    if not isinstance(doc, Mapping):
        raise ValidationError(f"An alarm must be a JSON object, got {type(doc).__name__}.", resource=RESOURCE)
    missing = [name for name in MANDATORY if doc.get(name) is None]
    if missing:
        raise ValidationError(
            f"Following mandatory fields should be included: {', '.join(missing)}.",
            resource=RESOURCE,
            details=[_problem(name, "is missing; it is required") for name in missing],
        )
    problems: list[dict[str, str]] = []
    source = _source_id(doc, problems)
    kind, text = _text(doc, "type", problems), _text(doc, "text", problems)
    severity = _enum(doc, "severity", SEVERITIES, problems)
    sent_status = doc.get("status")
    status = _enum({"status": "ACTIVE" if sent_status is None else sent_status}, "status", STATUSES, problems)
    time_us = _instant(doc, "time", problems)
    first = doc.get("firstOccurrenceTime")
    if first is not None:
        _instant(doc, "firstOccurrenceTime", problems)
    _raise(problems, "The alarm breaks the create rules")
    assert source is not None
    time_text = doc["time"] if isinstance(doc["time"], str) else format_epoch_ms(time_us // 1000)
    first_text = first if isinstance(first, str) else time_text
    fragments = {k: v for k, v in doc.items() if k not in SERVER_FIELDS and v is not None}
    return NewAlarm(source, kind, text, severity, status, time_text, time_us, first_text, fragments)


@dataclass(frozen=True)
class AlarmChanges:
    """A validated PUT body: the new values (None = unchanged) and fragments to set or drop."""

    text: str | None = None
    status: str | None = None
    severity: str | None = None
    fragments: dict[str, Any] = field(default_factory=dict)
    removed: frozenset[str] = frozenset()


def validate_changes(doc: object, record: AlarmRecord) -> AlarmChanges:
    """The update rules against the stored ``record``; a 422 naming every offending field."""
    if not isinstance(doc, Mapping):
        raise ValidationError(
            f"An alarm update must be a JSON object, got {type(doc).__name__}.", resource=RESOURCE
        )
    problems: list[dict[str, str]] = []
    if "id" in doc and str(doc["id"]) != str(record.id):
        problems.append(_problem("id", f"is {doc['id']!r}, but this is alarm {record.id}; ids cannot change"))
    if "source" in doc:
        sent = _source_id(doc, problems)
        if sent is not None and sent != record.source:
            problems.append(
                _problem(
                    "source.id", f"is {sent!r}, but the alarm's source is {record.source!r}; it cannot change"
                )
            )
    text = _text(doc, "text", problems) if "text" in doc else None
    severity = _enum(doc, "severity", SEVERITIES, problems) if "severity" in doc else None
    status = _enum(doc, "status", STATUSES, problems) if "status" in doc else None
    if status in REFUSED_AFTER_CLEARED and record.status == CLEARED:
        problems.append(
            _problem("status", f"cannot become {status}: alarm {record.id} is CLEARED, which is final")
        )
    _raise(problems, f"Alarm {record.id} cannot be updated")
    fragments = {
        k: v
        for k, v in doc.items()
        if k not in SERVER_FIELDS and k not in IGNORED_ON_UPDATE and v is not None
    }
    removed = frozenset(k for k, v in doc.items() if k not in SERVER_FIELDS and v is None)
    return AlarmChanges(text, status, severity, fragments, removed)


def validate_status_change(doc: object) -> str:
    """The bulk update body: only ``status`` counts, and it is required."""
    problems: list[dict[str, str]] = []
    status = _enum(doc if isinstance(doc, Mapping) else {}, "status", STATUSES, problems)
    _raise(problems, "A bulk alarm update needs a status")
    return status
