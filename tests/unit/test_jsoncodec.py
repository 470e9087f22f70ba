"""The hot-path JSON codec never changes a value, including values orjson refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.jsoncodec import decode_payload, dumps, encode_payload

# What a validated request body can hold: finite floats, integers of any size the guard lets
# through, any string (lone surrogates arrive as \\ud83d escapes), nested lists and objects.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON types all the way down (1 == 1.0 is not good enough)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@given(documents)
def test_stored_payloads_decode_to_exactly_what_was_stored(document: Any) -> None:
    assert same(decode_payload(encode_payload(document)), document)


@given(documents)
def test_dumps_is_json_that_parses_back_to_the_same_value(document: Any) -> None:
    assert same(json.loads(dumps(document)), document)


@pytest.mark.parametrize(
    "value",
    [10**30, -(2**64), "\ud83d", {"a": [1, "\udfff", 2**70]}],
    ids=["big-int", "below-int64", "lone-surrogate", "nested-mix"],
)
def test_values_orjson_refuses_still_round_trip(value: Any) -> None:
    assert same(decode_payload(encode_payload(value)), value)
    assert same(json.loads(dumps(value)), value)
