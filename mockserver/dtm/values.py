"""Property values and widgets: the type matrix shared by models, instances and the CSV import.

Pure functions that answer "is this value acceptable for this property?" with an error
sentence, or ``None`` when it is. REFERENCE values need the instance store, so their
check takes a ``resolve`` callback returning the referenced instance's model id.

The constants restate what ``spec/dtm.yaml`` states (key pattern, name length, property types,
widget fields and limits); ``tests/unit/test_dtm_rules_match_spec.py`` holds them equal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from mockserver.ids import is_server_id

PROPERTY_TYPES = ("TEXT", "NUMBER", "BOOLEAN", "DATE", "ENUM", "REFERENCE")
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_TEXT_LENGTH = 10_000
MAX_NAME_LENGTH = 254

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)

WIDGET_KINDS = ("value", "gauge", "linearGauge", "toggle", "badge", "date", "link", "chart")
WIDGET_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
WIDGET_FIELDS = frozenset({"kind", "label", "unit", "format", "min", "max", "decimals", "color"})
#: The widget's text fields and their maximum lengths.
WIDGET_TEXT_LIMITS = (("label", 254), ("unit", 32), ("format", 64))
WIDGET_DECIMALS = range(11)


def is_number(value: object) -> bool:
    """A JSON number: int or finite float, never a boolean."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def json_kind(value: object) -> str:
    """A JSON type name for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_calendar_date(text: str) -> bool:
    """``YYYY-MM-DD`` or an RFC 3339 date-time with offset or Z, naming a real calendar instant."""
    match = _DATE.match(text)
    try:
        if match:
            date(int(match[1]), int(match[2]), int(match[3]))
            return True
        match = _DATE_TIME.match(text)
        if not match:
            return False
        offset = match[8]
        if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
            return False
        datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]), int(match[6]))
        return True
    except ValueError:
        return False


def check_value(
    prop: Mapping[str, Any],
    value: Any,
    resolve: Callable[[str], str | None] | None = None,
    is_submodel: Callable[[str, str], bool] | None = None,
) -> str | None:
    """Why ``value`` is not acceptable for ``prop`` (a sentence), or None when it is.

    For REFERENCE, ``resolve(id)`` returns the model id of instance ``id`` (None when it
    does not exist) and ``is_submodel(model, target)`` says whether ``model`` is ``target``
    or extends it. Without them a REFERENCE value is only checked to be an id string.
    """
    kind = prop["type"]
    if kind == "TEXT":
        if not isinstance(value, str):
            return f"expected a string, got {json_kind(value)}"
        if len(value) > MAX_TEXT_LENGTH:
            return f"the text is {len(value)} characters long; at most {MAX_TEXT_LENGTH} are allowed"
        return None
    if kind == "NUMBER":
        return None if is_number(value) else f"expected a finite JSON number, got {json_kind(value)}"
    if kind == "BOOLEAN":
        return None if isinstance(value, bool) else f"expected true or false, got {json_kind(value)}"
    if kind == "DATE":
        if isinstance(value, str) and is_calendar_date(value):
            return None
        return f"expected a date YYYY-MM-DD or an RFC 3339 date-time with offset, got {_short(value)}"
    if kind == "ENUM":
        values = prop.get("values") or []
        if isinstance(value, str) and value in values:
            return None
        return f"expected one of {', '.join(map(repr, values))}, got {_short(value)}"
    if kind == "REFERENCE":
        if not is_server_id(value):
            return f"expected the id of an asset instance, got {_short(value)}"
        if resolve is None or is_submodel is None:
            return None
        model_id = resolve(value)
        if model_id is None:
            return f"no asset instance has the id {value!r}"
        target = prop.get("target")
        if target is not None and not is_submodel(model_id, str(target)):
            return f"asset instance {value} has model {model_id}, expected model {target} or a submodel of it"
        return None
    return f"unknown property type {kind!r}"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json_kind(value)
    return text if len(text) <= 80 else text[:77] + "..."


def widget_problems(widget: Any, path: str) -> list[tuple[str, str]]:
    """Every (path, message) problem of a property's display widget."""
    if not isinstance(widget, dict):
        return [(path, f"A widget must be an object, not {json_kind(widget)}.")]
    problems: list[tuple[str, str]] = []
    for name in sorted(set(widget) - WIDGET_FIELDS):
        problems.append(
            (
                f"{path}.{name}",
                f"The widget field {name!r} is unknown; allowed: {', '.join(sorted(WIDGET_FIELDS))}.",
            )
        )
    kind = widget.get("kind")
    if kind not in WIDGET_KINDS:
        problems.append(
            (f"{path}.kind", f"The widget kind must be one of {', '.join(WIDGET_KINDS)}, got {_short(kind)}.")
        )
    for name, limit in WIDGET_TEXT_LIMITS:
        if name in widget and not (isinstance(widget[name], str) and len(widget[name]) <= limit):
            problems.append(
                (f"{path}.{name}", f"The widget {name} must be a string of at most {limit} characters.")
            )
    for name in ("min", "max"):
        if name in widget and not is_number(widget[name]):
            problems.append(
                (f"{path}.{name}", f"The widget {name} must be a number, got {_short(widget[name])}.")
            )
    if is_number(widget.get("min")) and is_number(widget.get("max")) and widget["max"] < widget["min"]:
        problems.append((f"{path}.max", f"The widget max {widget['max']} is below its min {widget['min']}."))
    if "decimals" in widget:
        decimals = widget["decimals"]
        if not (isinstance(decimals, int) and not isinstance(decimals, bool) and decimals in WIDGET_DECIMALS):
            low, high = WIDGET_DECIMALS[0], WIDGET_DECIMALS[-1]
            problems.append(
                (
                    f"{path}.decimals",
                    f"The widget decimals must be an integer {low}-{high}, got {_short(decimals)}.",
                )
            )
    if "color" in widget and not (isinstance(widget["color"], str) and WIDGET_COLOR.match(widget["color"])):
        problems.append(
            (f"{path}.color", f"The widget color must look like '#1a2b3c', got {_short(widget['color'])}.")
        )
    return problems
