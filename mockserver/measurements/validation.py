"""The POST rules for one measurement, as a pure function from a JSON value to a normal form.

Rules (spec/measurement.yaml, POST): ``time``, ``type`` and ``source.id`` are required and a
missing one is reported together with every other missing one; ``source.id`` may be a string or
an integer (normalised to a string). Every top-level key other than id/self/time/type/source is
a fragment; fragment names must be non-empty and contain no whitespace nor any of
``. , * [ ] ( ) @ $``. A member of an object fragment is a *valid series* when it is an object
whose ``value`` is a JSON number (not a boolean): its value must be finite, its optional unit a
non-empty string, its name valid. Every other member is an *invalid series* and never refused
(the platform's legacy leniency): a fragment with at least one valid series keeps only those,
a fragment with none is kept whole as a plain property. Kept content must be plain JSON (no NaN).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.errors import ValidationError
from mockserver.timeutil import format_utc_millis, parse_body_instant, to_epoch_us

RESOURCE = "measurement"
RESERVED = frozenset({"id", "self", "time", "type", "source"})
FORBIDDEN_NAME_CHARS = ".,*[]()@$"
_BAD_NAME = re.compile(r"[\s.,*\[\]()@$]")


def is_valid_name(name: str) -> bool:
    """Whether ``name`` may be a fragment or series name."""
    return bool(name) and _BAD_NAME.search(name) is None


@dataclass(frozen=True)
class SeriesValue:
    """One numeric series value of a measurement: ``fragment.series = value [unit]``."""

    fragment: str
    series: str
    value: float
    unit: str | None


@dataclass(frozen=True)
class NormalisedMeasurement:
    """A validated measurement, ready to store. ``time_text`` is ``time`` exactly as sent."""

    time_text: str
    instant: datetime
    type: str
    source_id: str
    fragments: dict[str, Any] = field(default_factory=dict)
    series: tuple[SeriesValue, ...] = ()

    @property
    def epoch_us(self) -> int:
        return to_epoch_us(self.instant)

    def document(self) -> dict[str, Any]:
        """The stored document without ``id`` and ``self``."""
        return {"time": self.time_text, "type": self.type, "source": {"id": self.source_id}, **self.fragments}


def _fail(field_name: str, message: str) -> ValidationError:
    return ValidationError(message, resource=RESOURCE, details=[{"field": field_name, "message": message}])


def unknown_source(source_id: str, field: str) -> ValidationError:
    """The 422 for a measurement whose ``source.id`` names no managed object."""
    return ValidationError(
        f"Field {field} refers to managed object {source_id!r}, which does not exist; "
        "expected the id of an existing managed object.",
        resource=RESOURCE,
        details=[{"field": field, "message": f"No managed object with id {source_id!r}."}],
    )


def _check_plain_json(value: Any, path: str) -> None:
    """Custom content is kept as sent, so it must be JSON: no NaN/Infinity, no foreign types."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if item is None or isinstance(item, (bool, str, int)):
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise _fail(where, f"Field {where} holds {item!r}; expected a finite JSON number.")
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(k, str):
                    raise _fail(where, f"Field {where} has the key {k!r}; expected string keys only.")
                stack.append((v, f"{where}.{k}"))
        else:
            raise _fail(where, f"Field {where} holds a {type(item).__name__}; expected a JSON value.")


def _series_value(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise _fail(where, f"Series value {where} is {raw!r}; expected a JSON number (not a boolean).")
    try:
        number = float(raw)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _fail(where, f"Series value {where} is not a finite number; expected a finite JSON number.")
    return number


def is_valid_series(member: object) -> bool:
    """Whether a fragment member is a series: an object with a numeric (not boolean) ``value``."""
    if not isinstance(member, dict):
        return False
    value = member.get("value")
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_series(fragment: str, name: str, member: dict[str, Any], prefix: str) -> SeriesValue:
    where = f"{prefix}{fragment}.{name}"
    if not is_valid_name(name):
        raise _fail(
            where,
            f"Series name {name!r} in fragment {fragment!r} is invalid; names must be non-empty and "
            f"contain no whitespace nor any of {' '.join(FORBIDDEN_NAME_CHARS)}.",
        )
    value = _series_value(member["value"], f"{where}.value")
    unit = None
    if "unit" in member:
        unit = member["unit"]
        if not isinstance(unit, str) or not unit:
            raise _fail(
                f"{where}.unit", f"Series unit {where}.unit is {unit!r}; expected a non-empty string."
            )
    for extra_key, extra in member.items():
        if extra_key not in ("value", "unit"):
            _check_plain_json(extra, f"{where}.{extra_key}")
    return SeriesValue(fragment, name, value, unit)


def _fragment_series(fragment: str, body: Mapping[str, Any], prefix: str) -> tuple[Any, list[SeriesValue]]:
    """The fragment as stored and its series: only the valid series when there is one,
    otherwise the whole fragment as sent (a plain property, no series)."""
    valid = {name: member for name, member in body.items() if is_valid_series(member)}
    if not valid:
        _check_plain_json(body, f"{prefix}{fragment}")
        return body, []
    found = [_check_series(fragment, name, member, prefix) for name, member in valid.items()]
    return (body if len(valid) == len(body) else valid), found


def validate_measurement(doc: object, *, index: int | None = None) -> NormalisedMeasurement:
    """Check one POSTed measurement; 422 naming the field (``measurements[3].time`` in bulk)."""
    prefix = "" if index is None else f"measurements[{index}]."
    if not isinstance(doc, dict):
        where = "measurement" if index is None else f"measurements[{index}]"
        raise _fail(where, f"{where} is a {type(doc).__name__}; expected a JSON object.")

    source = doc.get("source")
    source_id = source.get("id") if isinstance(source, dict) else None
    missing = [
        name
        for name, value in (("time", doc.get("time")), ("type", doc.get("type")), ("source.id", source_id))
        if value is None
    ]
    if missing:
        names = [prefix + m for m in missing]
        raise ValidationError(
            f"The measurement is missing the required field(s) {', '.join(names)}.",
            resource=RESOURCE,
            details=[{"field": n, "message": f"{n} is required."} for n in names],
        )

    instant = parse_body_instant(doc["time"], prefix + "time")
    time_text = doc["time"] if isinstance(doc["time"], str) else format_utc_millis(instant)
    mtype = doc["type"]
    if not isinstance(mtype, str) or not mtype:
        raise _fail(prefix + "type", f"Field {prefix}type is {mtype!r}; expected a non-empty string.")
    if isinstance(source_id, bool) or not isinstance(source_id, (str, int)) or source_id == "":
        raise _fail(
            prefix + "source.id",
            f"Field {prefix}source.id is {source_id!r}; expected a managed object id (string or integer).",
        )

    fragments: dict[str, Any] = {}
    series: list[SeriesValue] = []
    for name, value in doc.items():
        if name in RESERVED:
            continue
        if not isinstance(name, str) or not is_valid_name(name):
            raise _fail(
                prefix + str(name),
                f"Fragment name {name!r} is invalid; names must be non-empty and contain no whitespace "
                f"nor any of {' '.join(FORBIDDEN_NAME_CHARS)}.",
            )
        if isinstance(value, dict):
            value, found = _fragment_series(name, value, prefix)
            series.extend(found)
        else:
            _check_plain_json(value, prefix + name)
        fragments[name] = value
    return NormalisedMeasurement(
        time_text=time_text,
        instant=instant,
        type=mtype,
        source_id=str(source_id),
        fragments=fragments,
        series=tuple(series),
    )


def validate_measurements(docs: object) -> list[NormalisedMeasurement]:
    """Check a bulk POST's ``measurements`` array; the first invalid item fails the whole batch."""
    if not isinstance(docs, list):
        raise _fail("measurements", f"measurements is a {type(docs).__name__}; expected a JSON array.")
    return [validate_measurement(doc, index=i) for i, doc in enumerate(docs)]
