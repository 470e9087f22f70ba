"""``generators.shapes.fits``: a property is copied from the item into an answer of another schema
only when every value the item's schema accepts passes the answer's (over generated schema pairs)."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from generators.loader import Spec
from generators.schemas import Schemas
from generators.shapes import fits

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, -1.5]),
    st.sampled_from(["", "a", "abcd", "2024-01-01"]),
)


@st.composite
def scalar_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["string", "integer", "number", "boolean"]))}
    if draw(st.booleans()):
        schema["nullable"] = True
    narrowing = draw(
        st.sampled_from(
            [
                {},
                {},
                {"enum": ["a", 1, True]},
                {"maxLength": 2},
                {"minimum": 0},
                {"format": "date"},
                {"pattern": "^a"},
            ]
        )
    )
    schema.update(narrowing)
    if draw(st.booleans()):
        schema["description"] = "notes change nothing"
    if draw(st.integers(0, 3)) == 0:
        # box's max_extension_length: one branch's `type` is not the union's.
        other = {"type": draw(st.sampled_from(["string", "integer", "boolean"]))}
        return {draw(st.sampled_from(["oneOf", "anyOf"])): [schema, other], "example": "365"}
    return schema


def schemas_of(answered: dict[str, Any], stored: dict[str, Any]) -> Schemas:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Answered": answered,
                "Stored": stored,
                "Ref": {"$ref": "#/components/schemas/Stored"},
            }
        },
    }
    return Schemas(Spec(document, "pair.yaml", ""))


@given(answered=scalar_schemas(), stored=scalar_schemas(), value=VALUES)
@example(answered={"type": "string"}, stored={"type": "string", "nullable": True}, value=None)
@example(  # box's max_extension_length: "none" or digits answered, an integer also written
    answered={"oneOf": [{"type": "string", "enum": ["none"]}, {"type": "string", "pattern": "^[1-9]"}]},
    stored={"oneOf": [{"type": "string", "enum": ["none"]}, {"type": "integer", "minimum": 1}]},
    value=365,
)
def test_a_fitting_property_passes_the_answer_whenever_it_passes_the_item(
    answered: dict[str, Any], stored: dict[str, Any], value: Any
) -> None:
    schemas = schemas_of(answered, stored)
    for where in ("/components/schemas/Stored", "/components/schemas/Ref"):
        if fits(schemas, "/components/schemas/Answered", where) and not schemas.errors(where, value):
            assert not schemas.errors("/components/schemas/Answered", value), (answered, stored, value)


def test_the_same_schema_fits_and_a_narrower_one_does_not() -> None:
    same = schemas_of({"type": "string", "maxLength": 2}, {"type": "string", "maxLength": 2})
    assert fits(same, "/components/schemas/Answered", "/components/schemas/Ref")
    narrower = schemas_of({"type": "string", "maxLength": 2}, {"type": "string"})
    assert not fits(narrower, "/components/schemas/Answered", "/components/schemas/Stored")
    wider = schemas_of({"type": "number"}, {"type": "integer", "minimum": 0})
    assert fits(wider, "/components/schemas/Answered", "/components/schemas/Stored")
