"""POST rules for a measurement: required fields, series values and units, names."""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import pytest
from hypothesis import find, given
from hypothesis import strategies as st

from mockserver.errors import ValidationError
from mockserver.measurements.validation import SeriesValue, validate_measurement, validate_measurements

VALID = {"time": "2024-01-02T03:04:05.678+02:00", "type": "c8y_Temp", "source": {"id": "7"}}


def with_(**changes: Any) -> dict[str, Any]:
    return {**VALID, **changes}


REQUIRED = ("time", "type", "source.id")


@pytest.mark.parametrize(
    "missing",
    [set(c) for n in (1, 2, 3) for c in combinations(REQUIRED, n)],
    ids=lambda m: "+".join(sorted(m)),
)
def test_missing_required_fields_are_all_named_in_one_422(missing: set[str]) -> None:
    doc = {
        k: v for k, v in VALID.items() if k not in missing and not (k == "source" and "source.id" in missing)
    }
    with pytest.raises(ValidationError) as raised:
        validate_measurement(doc)
    assert raised.value.status == 422
    for name in REQUIRED:
        assert (name in raised.value.message) == (name in missing)
    assert {d["field"] for d in raised.value.details} == missing


def test_bulk_messages_name_the_index() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_measurements([VALID, VALID, VALID, {"source": {"id": "1"}}])
    assert "measurements[3].time" in raised.value.message
    assert "measurements[3].type" in raised.value.message
    with pytest.raises(ValidationError) as raised:
        validate_measurements([VALID, with_(c8y_T={"T": {"value": 1, "unit": ""}})])
    assert "measurements[1].c8y_T.T.unit" in raised.value.message


def test_bulk_body_must_be_an_array() -> None:
    with pytest.raises(ValidationError, match="measurements"):
        validate_measurements({"measurements": []})


def test_integer_source_id_is_normalised_and_time_is_kept_as_sent() -> None:
    m = validate_measurement(
        with_(source={"id": 42, "name": "dropped"}, c8y_T={"T": {"value": 1, "unit": "C"}})
    )
    assert m.source_id == "42"
    assert m.document() == {
        "time": VALID["time"],
        "type": "c8y_Temp",
        "source": {"id": "42"},
        "c8y_T": {"T": {"value": 1, "unit": "C"}},
    }
    assert m.series == (SeriesValue("c8y_T", "T", 1.0, "C"),)


@pytest.mark.parametrize(
    ("fragment", "field"),
    [
        ({"T": {"value": float("nan")}}, "c8y_T.T.value"),
        ({"T": {"value": float("inf")}}, "c8y_T.T.value"),
        ({"T": {"value": 10**400}}, "c8y_T.T.value"),
        ({"T": {"value": 1, "unit": ""}}, "c8y_T.T.unit"),
        ({"T": {"value": 1, "unit": None}}, "c8y_T.T.unit"),
        ({"T": {"value": 1, "unit": 5}}, "c8y_T.T.unit"),
        ({"T": {"value": True}, "U": {"value": 1, "unit": ""}}, "c8y_T.U.unit"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_series_are_422_naming_fragment_series_field(fragment: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_measurement(with_(c8y_T=fragment))
    assert field in raised.value.message
    assert raised.value.details[0]["field"] == field


@pytest.mark.parametrize("char", [" ", "\t", ".", ",", "*", "[", "]", "(", ")", "@", "$"], ids=repr)
def test_forbidden_characters_in_fragment_and_series_names_are_422(char: str) -> None:
    with pytest.raises(ValidationError, match="Fragment name"):
        validate_measurement(with_(**{f"c8y{char}T": {"T": {"value": 1}}}))
    with pytest.raises(ValidationError, match="Series name"):
        validate_measurement(with_(c8y_T={f"T{char}1": {"value": 1}}))


def test_custom_properties_are_kept_as_sent_and_are_not_series() -> None:
    custom = {
        "note": "hi",
        "c8y_Position": {"lat": 1.5, "lng": 2, "alt": None},
        "tags": [1, "a"],
        "flag": False,
    }
    m = validate_measurement(with_(**custom))
    assert {k: m.document()[k] for k in custom} == custom
    assert m.series == ()


@pytest.mark.parametrize(
    ("key", "value"), [("type", ""), ("type", 5), ("source", {"id": True}), ("source", "7")]
)
def test_wrong_types_of_required_fields_are_422(key: str, value: object) -> None:
    with pytest.raises(ValidationError, match=key):
        validate_measurement(with_(**{key: value}))


# ------------------------------------------------------------------ generated documents vs a reference

VALID_TIMES = ["2024-01-02T03:04:05Z", "2024-01-02", "2024-01-02T03:04:05.5-03:30", "2024-01-02T03:04"]
NAMES = ["c8y_T", "T", "Temp_1", "é"] * 4 + ["a b", "x.y", "ok$", "", "p(1)"]
BAD_CHARS = set(" \t.,*[]()@$")
scalars = st.sampled_from([1, -2.5, "s", True, None, [1, "a"], 10**400] * 3 + [float("nan"), [float("inf")]])
series_bodies = st.fixed_dictionaries(
    {},
    optional={
        "value": st.sampled_from(
            [1, 2.5, -0.0, 2**70] * 5 + [True, "1", None, float("nan"), float("inf"), 10**400]
        ),
        "unit": st.sampled_from(["C"] * 6 + ["", None, 5]),
        "extra": st.sampled_from([1, "x", float("nan")]),
    },
)
fragment_values = scalars | st.dictionaries(st.sampled_from(NAMES), scalars | series_bodies, max_size=3)
MISSING = object()


def present(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if v is not MISSING}


# Valid values are repeated so that about a third of the documents pass every rule.
documents = st.fixed_dictionaries(
    {
        "time": st.sampled_from([*VALID_TIMES * 4, "nope", "2024-02-30", 17, None, MISSING]),
        "type": st.sampled_from(["c8y_T"] * 8 + ["", 5, None, MISSING]),
        "source": st.sampled_from(
            [{"id": "12"}] * 4
            + [{"id": 12}] * 4
            + [{"id": True}, {"id": ""}, {"id": None}, {}, "12", MISSING]
        ),
        "id": st.sampled_from(["99", MISSING]),
        "self": st.sampled_from(["http://x", MISSING]),
    },
).flatmap(
    lambda base: st.dictionaries(st.sampled_from(NAMES), fragment_values, max_size=3).map(
        lambda frags: present({**frags, **base})
    )
)


def good_name(name: str) -> bool:
    return name != "" and not (set(name) & BAD_CHARS)


def finite_json(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(finite_json(v) for v in value)
    if isinstance(value, dict):
        return all(finite_json(v) for v in value.values())
    return True


def good_series(body: dict[str, Any]) -> bool:
    value = body.get("value", "missing")
    number_ok = (isinstance(value, float) and math.isfinite(value)) or (
        type(value) is int and abs(value) < 10**308
    )
    unit_ok = "unit" not in body or (isinstance(body["unit"], str) and body["unit"] != "")
    return number_ok and unit_ok and finite_json(body.get("extra"))


def is_series(body: Any) -> bool:
    """The platform's valid series: an object whose value is a number, not a boolean."""
    return isinstance(body, dict) and type(body.get("value")) in (int, float)


def reference_accepts(doc: dict[str, Any]) -> bool:
    source = doc.get("source")
    sid = source.get("id") if isinstance(source, dict) else None
    if doc.get("time") not in VALID_TIMES or doc.get("type") != "c8y_T":
        return False
    if not ((isinstance(sid, str) and sid) or type(sid) is int):
        return False
    for name, value in doc.items():
        if name in ("id", "self", "time", "type", "source"):
            continue
        if not good_name(name):
            return False
        if isinstance(value, dict):
            series = {member: body for member, body in value.items() if is_series(body)}
            if not series and not all(finite_json(body) for body in value.values()):
                return False
            for member, body in series.items():
                if not (good_name(member) and good_series(body)):
                    return False
        elif not finite_json(value):
            return False
    return True


@given(documents)
def test_validation_accepts_exactly_what_the_reference_predicate_accepts(doc: dict[str, Any]) -> None:
    if not reference_accepts(doc):
        with pytest.raises(ValidationError) as raised:
            validate_measurement(doc)
        assert raised.value.status == 422
        return
    m = validate_measurement(doc)
    assert m.source_id == str(doc["source"]["id"])
    expected = [
        (frag, member, float(body["value"]))
        for frag, value in doc.items()
        if frag not in ("id", "self", "time", "type", "source") and isinstance(value, dict)
        for member, body in value.items()
        if is_series(body)
    ]
    assert [(s.fragment, s.series, s.value) for s in m.series] == expected
    assert "id" not in m.document()
    assert "self" not in m.document()


def test_generated_documents_reach_both_outcomes() -> None:
    accepted = find(
        documents, lambda d: reference_accepts(d) and any(isinstance(v, dict) for v in d.values())
    )
    validate_measurement(accepted)
    rejected = find(documents, lambda d: not reference_accepts(d))
    with pytest.raises(ValidationError):
        validate_measurement(rejected)


# The platform's own examples (cumulocity-measurement-openapi.yml, POST, "Legacy compatibility").
INVALID_MEMBERS = {
    "ignoredField_BOOLEAN": {"value": False, "unit": "t/f"},
    "ignoredField_LIST": {"value": [42, 43, 44]},
    "ignoredField_STRUCT": {"value": {"a": 1, "b": 2}, "unit": "C"},
    "ignoredField_STRING": {"value": "12.5"},
    "ignoredField_NULL": {"value": None},
    "ignoredField0": 42,
    "ignoredField2": {"unit": "C"},
    "ignoredField3": {"val": 42},
    "ignoredField4": {"subseries": {"value": 42}},
    "bad name": True,
}


def test_a_mixed_fragment_keeps_only_its_valid_series() -> None:
    valid = {
        "validSeries_DOUBLE": {"value": 3.141592653589793, "unit": "RAD"},
        "validSeries_INTEGER": {"value": 42},
    }
    m = validate_measurement(with_(c8y_Steam={**INVALID_MEMBERS, **valid}))
    assert m.document()["c8y_Steam"] == valid
    assert [s.series for s in m.series] == ["validSeries_DOUBLE", "validSeries_INTEGER"]


@pytest.mark.parametrize("member", sorted(INVALID_MEMBERS))
def test_a_fragment_of_only_invalid_series_is_kept_whole_without_series(member: str) -> None:
    fragment = {member: INVALID_MEMBERS[member], "other": {"value": True}}
    m = validate_measurement(with_(c8y_Steam=fragment))
    assert m.document()["c8y_Steam"] == fragment
    assert m.series == ()
