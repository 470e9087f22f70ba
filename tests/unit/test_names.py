"""Python names for spec names: the generators' rule is Connexion's, without importing Connexion."""

from __future__ import annotations

from connexion.decorators.parameter import sanitized
from hypothesis import given
from hypothesis import strategies as st

from mockserver.names import argument_name, snake_case

NAME_CHARS = st.sampled_from([*"aZ09_-.[] ~$é", "[]", "]["])


@given(st.lists(NAME_CHARS, max_size=12).map("".join) | st.text(max_size=12))
def test_argument_name_is_connexions_sanitized_name(name: str) -> None:
    assert argument_name(name) == sanitized(name)


def test_argument_name_examples() -> None:
    assert argument_name("filter[name]") == "filter_name"
    assert argument_name("ids[]") == "ids"
    assert argument_name("2fa-code") == "facode"
    assert argument_name("") == ""


def test_snake_case_examples() -> None:
    assert snake_case("getMeasurementApiResource") == "get_measurement_api_resource"
    assert snake_case("getCSVImport") == "get_csv_import"
    assert snake_case("list-things.v2") == "list_things_v2"


def test_generators_check_specs_with_connexions_own_openapi_schema() -> None:
    from connexion.spec import OpenAPISpecification

    from generators.compat30 import openapi30_schema

    assert openapi30_schema() == OpenAPISpecification.openapi_schema
