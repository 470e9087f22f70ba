"""The fast path's parameter handling (mockserver/http/params.py) agrees with Connexion's.

For every scalar path/query parameter of the served specs: where :class:`Param` accepts a raw
value, Connexion's coercion and validation accept it too and the handler gets the same value
(Connexion's internals are used here, in a test, as the oracle; our modules never touch them);
defaults and handler argument names are the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from connexion.decorators.parameter import pythonic
from connexion.exceptions import TypeValidationError
from connexion.utils import coerce_type, make_type
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from mockserver.http.app import ADMIN_SPEC, PRODUCT_SPECS, load_spec
from mockserver.http.config import MockConfig
from mockserver.http.params import Param, ParamError, compile_param, spec_parameters


def scalar_parameters() -> list[tuple[str, dict[str, Any], Param]]:
    found = []
    paths = [MockConfig().spec_dir / f"{name}.yaml" for name in PRODUCT_SPECS] + [ADMIN_SPEC]
    for spec in paths:
        document = load_spec(spec)
        for path, item in document["paths"].items():
            for method in ("get", "put", "post", "delete"):
                if method not in item:
                    continue
                for definition in spec_parameters(document, path, method):
                    param = compile_param(definition)
                    if param is not None:
                        found.append((f"{spec.stem} {method} {path} {param.name}", definition, param))
    return found


PARAMS = scalar_parameters()


def connexion_value(definition: dict[str, Any], raw: str) -> Any:
    """What Connexion hands the handler for ``raw``, or ParamError where it answers 400."""
    schema = definition.get("schema", definition)
    try:
        coerced = coerce_type(definition, raw, definition["in"], definition["name"])
    except TypeValidationError:
        raise ParamError(raw) from None
    if not Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).is_valid(coerced):
        raise ParamError(raw)
    return make_type(raw, schema["type"], schema.get("format"))


def test_the_specs_have_scalar_parameters_of_every_location() -> None:
    assert {param.where for _, _, param in PARAMS} == {"path", "query"}
    assert {"integer", "boolean", "string"} <= {param.kind for _, _, param in PARAMS}


@pytest.mark.parametrize(("definition", "param"), [p[1:] for p in PARAMS], ids=[p[0] for p in PARAMS])
def test_argument_names_and_defaults_are_connexions(definition: dict[str, Any], param: Param) -> None:
    assert param.argument == pythonic(definition["name"])
    if param.has_default:
        schema = definition.get("schema", definition)
        expected = make_type(definition.get("default", schema.get("default")), schema["type"], None)
        assert param.default() == expected
        assert type(param.default()) is type(expected)


RAW = st.one_of(
    st.integers(min_value=-5, max_value=3000).map(str),
    st.sampled_from(["true", "false", "TRUE", "False", "", "null", " None", " 5", "1_0", "1e3", "2.5", "x"]),
    st.sampled_from(["2024-01-01", "2024-01-01T00:00:05Z", "2024-13-01", "c8y_T", "ä", "%"]),
)


@given(index=st.integers(min_value=0, max_value=len(PARAMS) - 1), raw=RAW)
def test_a_value_the_fast_path_accepts_is_the_value_connexion_gives(index: int, raw: str) -> None:
    _, definition, param = PARAMS[index]
    try:
        mine = param.value(raw)
    except ParamError:
        return  # handed to Connexion, which decides
    theirs = connexion_value(definition, raw)
    assert mine == theirs
    assert type(mine) is type(theirs)
