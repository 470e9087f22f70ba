"""Hypothesis strategies over the whole range measurement.yaml allows, for what the run writes.

Times in every format the `time` pattern admits (with and without seconds, 0 to 6 fraction
digits, `Z`, `+hh:mm`, `+hhmm` and no offset at all), instants on both sides of day boundaries;
values of every sign and magnitude a 64-bit float or integer holds, repeated values; series with
and without units; custom fragments of every JSON kind. Invalid measurements break exactly one
documented rule each and say which field the 422 must name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

BASE = datetime(2021, 3, 4, 23, 0, tzinfo=UTC)
"""An hour before a UTC midnight, so date-only bounds and offsets cut through the data."""
ZONES = [
    None,  # no offset: UTC
    UTC,
    timezone(timedelta(hours=2)),
    timezone(timedelta(hours=-5, minutes=-30)),
    timezone(timedelta(hours=14)),
    timezone(timedelta(hours=-12)),
]


def fmt_time(moment: datetime, zone: Any, digits: int, compact: bool = False) -> str:
    """``moment`` written in one of the formats the spec's `time` pattern admits."""
    local = moment.astimezone(zone or UTC)
    text = local.strftime("%Y-%m-%dT%H:%M")
    if digits >= 0:
        text += local.strftime(":%S")
        if digits:
            text += "." + f"{local.microsecond:06d}"[:digits]
    if zone is None:
        return text
    if zone is UTC:
        return text + "Z"
    offset = local.strftime("%z")
    return text + (offset if compact else f"{offset[:3]}:{offset[3:]}")


def moments(span_minutes: int = 180) -> st.SearchStrategy[datetime]:
    """Whole milliseconds around BASE (the model compares instants; sub-ms digits are zero)."""
    return st.integers(-span_minutes * 60_000, span_minutes * 60_000).map(
        lambda ms: BASE + timedelta(milliseconds=ms)
    )


def times(moment: datetime) -> st.SearchStrategy[str]:
    """Every way of writing ``moment`` exactly (seconds dropped only when they are zero)."""
    digits = [3, 6] if moment.microsecond else [0, 3, 6]
    if not moment.second and not moment.microsecond:
        digits.append(-1)
    return st.builds(
        fmt_time, st.just(moment), st.sampled_from(ZONES), st.sampled_from(digits), st.booleans()
    )


NUMBERS = st.one_of(
    st.sampled_from([0, 1, -1, 0.5, -0.0, 2**53, -(2**53), 1e-300, -1e300, 1.7976931348623157e308, 42.42]),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
UNITS = st.one_of(st.none(), st.sampled_from(["C", "kWh", "%", "m/s²", "°F", "a unit with spaces"]))
SERIES_NAMES = st.sampled_from(["T", "P", "A+:1", "value_2", "Ümlaut"])
FRAGMENT_NAMES = st.sampled_from(["c8y_Temperature", "c8y_Pressure", "c8y_Energy", "x-fragment"])
CUSTOM = st.one_of(
    st.text(max_size=20),
    st.integers(-5, 5),
    st.booleans(),
    st.lists(st.integers(0, 3), max_size=3),
    st.fixed_dictionaries({"text": st.text(max_size=10)}),
)


INVALID_SERIES = st.sampled_from(
    [{"value": False, "unit": "t/f"}, {"value": [1, 2]}, {"value": "12.5"}, {"unit": "C"}, {"val": 42}, 42]
)
"""Invalid series as the platform's documentation lists them (never a 422)."""


@st.composite
def series_entry(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"value": draw(NUMBERS)}
    unit = draw(UNITS)
    if unit is not None:
        entry["unit"] = unit
    return entry


@st.composite
def measurements(draw: st.DrawFn, source: str, types: list[str]) -> dict[str, Any]:
    """One valid measurement of ``source``; ``source.id`` sent as a string or an integer."""
    moment = draw(moments())
    body: dict[str, Any] = {
        "source": {"id": int(source) if source.isdigit() and draw(st.booleans()) else source},
        "type": draw(st.sampled_from(types)),
        "time": draw(times(moment)),
    }
    for fragment in draw(st.lists(FRAGMENT_NAMES, max_size=3, unique=True)):
        members: dict[str, Any] = draw(st.dictionaries(SERIES_NAMES, series_entry(), min_size=1, max_size=3))
        if draw(st.integers(0, 4)) == 0:  # an invalid series: dropped from this fragment (leniency)
            members["note"] = draw(
                st.one_of(st.text(max_size=8), st.just({"value": True}), st.just({"unit": "C"}))
            )
        body[fragment] = members
    if draw(st.booleans()):
        body["c8y_Custom"] = draw(CUSTOM)
    if draw(st.integers(0, 5)) == 0:  # only invalid series: a plain property, kept whole
        body["c8y_Legacy"] = draw(st.dictionaries(SERIES_NAMES, INVALID_SERIES, min_size=1, max_size=2))
    return body


INVALID_KINDS = [
    "no time",
    "no type",
    "no source",
    "empty type",
    "unparseable time",
    "empty unit",
    "null unit",
    "space in fragment name",
    "forbidden character in fragment name",
    "forbidden character in series name",
]


def make_invalid(valid: dict[str, Any], kind: str, char: str) -> tuple[dict[str, Any], str]:
    """``valid`` broken by one documented rule, and the field the 422 must name."""
    body = {k: v for k, v in valid.items() if not k.startswith("c8y_") and k != "x-fragment"}
    body["c8y_Steam"] = {"Temperature": {"value": 1.5, "unit": "C"}}
    if kind.startswith("no ") and kind[3:] in ("time", "type", "source"):
        del body[kind[3:]]
        return body, kind[3:]
    if kind == "empty type":
        return {**body, "type": ""}, "type"
    if kind == "unparseable time":
        return {**body, "time": "2021-03-04 at noon"}, "time"
    entry = body["c8y_Steam"]["Temperature"]
    if kind == "empty unit":
        entry["unit"] = ""
        return body, "c8y_Steam.Temperature.unit"
    elif kind == "null unit":
        entry["unit"] = None
        return body, "c8y_Steam.Temperature.unit"
    elif kind == "space in fragment name":
        body["c8y Steam"] = body.pop("c8y_Steam")
        return body, "c8y Steam"
    elif kind == "forbidden character in fragment name":
        name = f"c8y{char}Steam"
        body[name] = body.pop("c8y_Steam")
        return body, name
    elif kind == "forbidden character in series name":
        name = f"Temp{char}erature"
        body["c8y_Steam"] = {name: entry}
        return body, name
    return body, "c8y_Steam.Temperature.value"


FORBIDDEN = st.sampled_from([*".,*[]()@$", "\t"])
