"""Unsupported constructs stop generation with the spec file, a JSON pointer and a hint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generators import GenerationError, load_model
from generators.__main__ import main


def spec_with(paths: dict[str, Any], *, version: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths, **extra}


def item_api(id_schema: dict[str, Any], list_schema: dict[str, Any] | None = None) -> dict[str, Any]:
    thing = {"type": "object", "properties": {"id": id_schema, "name": {"type": "string"}}}
    ok = {"description": "ok", "content": {"application/json": {"schema": thing}}}
    listed = list_schema or {"type": "array", "items": thing}
    return {
        "/things": {
            "get": {
                "operationId": "listThings",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": listed}}}
                },
            },
            "post": {
                "operationId": "createThing",
                "requestBody": {"content": {"application/json": {"schema": thing}}},
                "responses": {"201": ok},
            },
        },
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": ok},
            }
        },
    }


CASES = {
    "swagger 1.2": ({"swagger": "1.2", "info": {}, "paths": {}}, "#/swagger", "Swagger 2.0 or OpenAPI 3"),
    "external reference": (
        spec_with({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "other.yaml#/R"}}}}}),
        "#/paths/~1a/get/responses/200/$ref",
        "Bundle the spec",
    ),
    "boolean id": (spec_with(item_api({"type": "boolean"})), "/properties/id", "Type the id field"),
    "id pattern without digits": (
        spec_with(item_api({"type": "string", "pattern": "^[a-z]+$"})),
        "/properties/id",
        "loosen the pattern",
    ),
    "uncomputable list field": (
        spec_with(
            item_api(
                {"type": "integer"},
                {
                    "type": "object",
                    "required": ["cursorToken"],
                    "properties": {
                        "items": {"type": "array", "items": {"type": "object"}},
                        "cursorToken": {"type": "string", "pattern": "^a$", "minLength": 2},
                    },
                },
            )
        ),
        "/properties/cursorToken",
        "Give the property an example",
    ),
    "openapi 3.1 reference into $defs": (
        spec_with(
            {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}},
            version="3.1.0",
            components={
                "schemas": {"N": {"$defs": {"M": {"type": "string"}}, "items": {"$ref": "#/$defs/M"}}}
            },
        ),
        "#/components/schemas/N/$defs",
        "components/schemas",
    ),
}


@pytest.mark.parametrize(("document", "where", "hint"), CASES.values(), ids=CASES.keys())
def test_unsupported_construct_names_spec_pointer_and_hint(
    tmp_path: Path, document: dict[str, Any], where: str, hint: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(GenerationError) as raised:
        load_model(path, name="bad.yaml")
    message = str(raised.value)
    assert message.startswith("bad.yaml#")
    assert where in message
    assert "Hint: " in message
    assert hint in message.split("Hint: ", 1)[1]


def test_every_problem_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = {"responses": {"200": {"$ref": "other.yaml#/R"}}}
    document = spec_with(
        {"/a": {"get": {"operationId": "a", **outside}}, "/b": {"put": {"operationId": "b", **outside}}}
    )
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["mock", "--spec", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 2 problems stop generation:")
    assert "#/paths/~1a/get/responses/200/$ref" in err
    assert "#/paths/~1b/put/responses/200/$ref" in err


def test_openapi_31_keywords_without_a_30_form_are_left_out_and_named(tmp_path: Path) -> None:
    document = spec_with(
        {"/a": {"get": {"responses": {"400": {"description": "only an error"}}}}},
        version="3.1.0",
        components={"schemas": {"N": {"type": ["string", "null"], "if": {"minLength": 1}, "const": "x"}}},
    )
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    model = load_model(path, name="ok.yaml")
    assert model.document["components"]["schemas"]["N"] == {"enum": ["x"], "type": "string", "nullable": True}
    assert any("`/components/schemas/N/if`" in note for note in model.notes)
    assert [(op.operation_id, op.status) for op in model.operations] == [("getA", 400)]


def test_cli_reports_the_error_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(CASES["external reference"][0]), encoding="utf-8")
    assert main(["mock", "--spec", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "#/paths/~1a/get/responses/200/$ref" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
