"""The fast ``default`` check agrees with Connexion's: a yes from it is a yes from Connexion.

``defaults_valid`` lets the generators skip Connexion's Python check of the whole document
(4.3 s of discord's 12.7 s before it learnt that ``properties: {default: ...}`` names a
property). Its promise is one-sided, so the property below is one-sided too.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generators.defaults import defaults_valid
from generators.loader import Spec

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from connexion.spec import OpenAPISpecification, create_spec_validator


CORPUS = Path(__file__).parents[1] / "data" / "corpus"


def connexion_accepts(document: dict[str, Any]) -> bool:
    validator = create_spec_validator(document)(OpenAPISpecification.openapi_schema)
    return not any(True for _ in validator.iter_errors(document))


def document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


# Property names that are also schema keywords: where a naive walk mistakes data for keywords.
NAMES = st.sampled_from(["default", "properties", "type", "items", "name"])
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=2), st.just([]))


def schemas() -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "boolean", "array"])},
        optional={"default": VALUES, "nullable": st.booleans()},
    ).map(lambda s: {**s, "items": {"type": "string"}} if s["type"] == "array" else s)
    return st.recursive(
        leaf,
        lambda inner: st.fixed_dictionaries(
            {"type": st.just("object"), "properties": st.dictionaries(NAMES, inner, max_size=3)},
            optional={"default": st.one_of(VALUES, st.dictionaries(NAMES, VALUES, max_size=2))},
        ),
        max_leaves=6,
    )


def test_a_property_named_default_is_not_a_default() -> None:
    # discord's select-menu option: properties `default` (a boolean) beside `type`.
    properties = {"type": {"type": "integer"}, "default": {"type": "boolean"}}
    spec = document({"Option": {"type": "object", "properties": properties}})
    assert defaults_valid(spec)
    assert connexion_accepts(spec)


def test_discord_takes_the_fast_path() -> None:
    spec = Spec.load(CORPUS / "discord.json")
    assert defaults_valid(spec.document)


def test_a_default_inside_a_property_named_properties_is_still_checked() -> None:
    spec = document(
        {"Odd": {"type": "object", "properties": {"properties": {"type": "integer", "default": "x"}}}}
    )
    assert not connexion_accepts(spec)
    assert not defaults_valid(spec)


@given(st.dictionaries(st.sampled_from(["A", "B"]), schemas(), min_size=1))
def test_a_yes_is_a_yes_from_connexion(found: dict[str, Any]) -> None:
    spec = document(found)
    if defaults_valid(spec):
        assert connexion_accepts(spec)
