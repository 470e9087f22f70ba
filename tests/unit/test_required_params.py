"""Required header, query and cookie parameters get a value in the generated checks."""

from __future__ import annotations

from generators.required_params import required_params

DOCUMENT = {
    "paths": {
        "/things": {
            "parameters": [{"$ref": "#/components/parameters/tenant"}],
            "get": {
                "parameters": [
                    {
                        "name": "state",
                        "in": "query",
                        "required": True,
                        "schema": {"enum": ["OPEN", "CLOSED"]},
                    },
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "required": True, "schema": {"type": "integer"}},
                ]
            },
        }
    },
    "components": {
        "parameters": {
            "tenant": {
                "name": "Tenant-Id",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            }
        }
    },
}


def test_required_parameters_get_values_and_optional_and_path_ones_none() -> None:
    found = required_params(DOCUMENT, [("/things", "get")])
    assert found == {
        "header": {"Tenant-Id": "00000000-0000-4000-8000-000000000000"},
        "query": {"state": "OPEN"},
        "cookie": {"session": "1"},
    }


def test_an_example_wins_over_the_type() -> None:
    document = {
        "paths": {
            "/a": {
                "get": {
                    "parameters": [
                        {
                            "name": "v",
                            "in": "header",
                            "required": True,
                            "example": "2.1",
                            "schema": {"type": "string"},
                        }
                    ]
                }
            }
        }
    }
    assert required_params(document, [("/a", "get")])["header"] == {"v": "2.1"}
