"""The compiled body check (mockserver/http/fastschema.py) accepts exactly what Connexion accepts.

Every request-body schema of the served specs, as Connexion hands it to its validator, is
checked with bodies drawn near the schema (mostly right, with wrong types, missing required
members, nulls, big and integral numbers, odd strings mixed in) by both the compiled check and
Connexion's own Draft 4 request validator. Soundness: whatever the compiled check accepts,
Connexion accepts (otherwise an invalid body would reach a handler). Usefulness: whatever
Connexion accepts, the compiled check accepts too unless it cannot take the value at all.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from connexion.json_schema import Draft4RequestValidator
from connexion.operations import OpenAPIOperation
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from starlette.testclient import TestClient

from mockserver.http import fastschema
from mockserver.http.app import create_app
from mockserver.http.fastschema import accepts, plain_draft4


def request_schemas() -> dict[str, dict[str, Any]]:
    """{"operationId media/type": schema} for every request body of the mock's specs."""
    app = create_app()
    TestClient(app).get("/mock-openapi.json")  # Connexion resolves its operations on the first call
    found: dict[str, dict[str, Any]] = {}
    for group in app._middleware_app.apis.values():
        for api in group:
            for path, methods in api.specification.get("paths", {}).items():
                for method, operation in methods.items():
                    if not isinstance(operation, dict) or "requestBody" not in operation:
                        continue
                    op = OpenAPIOperation.from_spec(
                        api.specification, path=path, method=method, resolver=api.resolver
                    )
                    for media_type in operation["requestBody"].get("content", {}):
                        schema = op.body_schema(media_type)
                        if schema:
                            found[f"{op.operation_id} {media_type}"] = schema
    return found


SCHEMAS = request_schemas()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, 1, 1.0, -0.0, "", " ", "a\n", "2024-01-01T00:00:00Z\n", "\ud83d"])
    | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def near(schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values close to ``schema``: often valid, often wrong in one place."""
    if not isinstance(schema, dict) or depth > 5:
        return json_values
    options: list[st.SearchStrategy[Any]] = []
    if schema.get("nullable"):
        options.append(st.none())
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        options.append(st.sampled_from(schema["enum"]))
    for keyword in ("allOf", "anyOf", "oneOf"):
        options.extend(near(sub, depth + 1) for sub in schema.get(keyword, []))
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        extra = schema.get("additionalProperties")
        objects = st.fixed_dictionaries(
            {name: near(properties[name], depth + 1) for name in required},
            optional={name: near(sub, depth + 1) for name, sub in properties.items() if name not in required},
        )
        extras = st.dictionaries(
            st.text(min_size=1, max_size=6) | st.sampled_from(["a b", "x.y", "c8y_T"]),
            near(extra, depth + 1) if isinstance(extra, dict) else json_values,
            max_size=2,
        )
        options.append(
            st.tuples(objects, extras, st.sampled_from([*[None] * 5, *schema.get("required", [])])).map(
                lambda parts: {k: v for k, v in {**parts[1], **parts[0]}.items() if k != parts[2]}
            )
        )
    if kind == "array" or "items" in schema:
        options.append(st.lists(near(schema.get("items"), depth + 1), max_size=3))
    if kind == "string":
        pattern = schema.get("pattern")
        shortest = schema.get("minLength", 0)
        options.append(
            st.from_regex(pattern) if pattern else st.text(min_size=shortest, max_size=shortest + 6)
        )
    if kind in ("number", "integer"):
        options.append(st.integers(-1000, 1000) | st.floats(-1e3, 1e3) | st.sampled_from([1.0, 2**64, 2**70]))
    if kind == "boolean":
        options.append(st.booleans())
    if not options:
        return json_values
    # Mostly what the schema describes (7 in 8), sometimes any JSON value instead.
    described = st.one_of(options)
    return st.integers(0, 7).flatmap(lambda pick: json_scalars if pick == 7 else described)


def connexion_accepts(schema: dict[str, Any], body: Any) -> bool:
    """Connexion's own request-body verdict (connexion.validators.json.JSONRequestBodyValidator)."""
    return bool(Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).is_valid(body))


def plainly_comparable(value: Any) -> bool:
    """Whether both validators should give the same verdict on ``value``: jsonschema-rs cannot
    take a lone surrogate, and Python's ``re`` lets a pattern's ``$`` match before a final
    newline where jsonschema-rs does not (so the compiled check is stricter there, and Python
    decides)."""
    if isinstance(value, str):
        return not value.endswith("\n") and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, list):
        return all(map(plainly_comparable, value))
    if isinstance(value, dict):
        return all(plainly_comparable(k) and plainly_comparable(v) for k, v in value.items())
    return True


def test_every_measurement_body_schema_is_compiled() -> None:
    measurement = [name for name in SCHEMAS if name.startswith("postMeasurementCollectionResource")]
    assert len(measurement) == 3
    assert all(plain_draft4(SCHEMAS[name]) is not None for name in measurement)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@given(data=st.data())
def test_the_compiled_check_agrees_with_connexion(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    body = data.draw(near(schema), label="body")
    fast, slow = accepts(schema, body), connexion_accepts(schema, body)
    assert not fast or slow, "the compiled check accepted a body Connexion rejects"
    if plain_draft4(schema) is not None and plainly_comparable(body):
        assert fast == slow, "the compiled check rejected a body Connexion accepts"


def test_nullable_lets_null_past_type_and_enum_of_that_schema_only() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": True, "enum": ["x"]},
            "b": {"nullable": True, "allOf": [{"type": "string"}]},
        },
    }
    assert plain_draft4(schema) == {
        "type": "object",
        "properties": {
            "a": {"type": ["string", "null"], "nullable": True, "enum": ["x", None]},
            "b": {"nullable": True, "allOf": [{"type": "string"}]},
        },
    }
    for body in ({"a": None}, {"a": "x"}, {"a": "y"}, {"b": None}, {"b": "s"}):
        assert accepts(schema, body) == connexion_accepts(schema, body), body


def test_schemas_the_check_cannot_be_trusted_with_are_left_to_python() -> None:
    checked_format = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    leftover_ref = {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/X"}}}
    assert plain_draft4(checked_format) is None
    assert plain_draft4(leftover_ref) is None
    assert not accepts(checked_format, {"at": "2024-01-01T00:00:00Z"})  # not proven: Python decides
    unchecked_format = {"type": "string", "format": "uri"}  # Python's checker ignores uri
    assert accepts(unchecked_format, "not a uri")
    assert connexion_accepts(unchecked_format, "not a uri")


def test_translation_leaves_connexions_schema_untouched() -> None:
    schema = SCHEMAS[next(name for name in SCHEMAS if name.startswith("postMeasurementCollectionResource"))]
    before = copy.deepcopy(schema)
    plain_draft4(schema)
    assert schema == before


def test_the_cache_stays_bounded_when_every_request_brings_a_new_schema() -> None:
    for _ in range(fastschema._Compiled.MOST + 10):
        assert accepts({"type": "object", "required": ["a"]}, {"a": 1})
    assert len(fastschema._COMPILED._checks) <= fastschema._Compiled.MOST
