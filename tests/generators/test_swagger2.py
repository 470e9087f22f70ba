"""Swagger 2.0 specs are converted by swagger2openapi (generators/node), or refused saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generators import GenerationError, load_model, swagger2

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def test_swagger_2_spec_is_converted_and_its_operations_are_served() -> None:
    model = load_model(CORPUS / "oai-petstore-v2.yaml", name="petstore-v2.yaml")
    assert str(model.document["openapi"]).startswith("3.0")
    assert {op.operation_id for op in model.operations} == {"listPets", "createPets", "showPetById"}
    assert any("converted to OpenAPI" in note and "swagger2openapi" in note for note in model.notes)


def test_small_errors_of_the_source_are_patched(tmp_path: Path) -> None:
    """`type` given as a list is not Swagger 2.0; the converter's --patch fixes it."""
    spec = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "responses": {"200": {"description": "ok", "schema": {"type": ["string", "null"]}}},
                }
            }
        },
    }
    path = tmp_path / "patched.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert [op.operation_id for op in load_model(path, name="patched.yaml").operations] == ["getA"]


def test_unconvertible_spec_is_refused_with_the_converters_reason(tmp_path: Path) -> None:
    spec = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {"responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Nope"}}}}
            }
        },
    }
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(GenerationError) as raised:
        load_model(path, name="broken.yaml")
    message = str(raised.value)
    assert message.startswith("broken.yaml#/swagger: swagger2openapi cannot convert the spec")
    assert "#/definitions/Nope" in message


def test_missing_node_is_refused_naming_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swagger2.shutil, "which", lambda name: None)
    with pytest.raises(GenerationError) as raised:
        load_model(CORPUS / "oai-petstore-v2.yaml", name="v2.yaml")
    assert "needs Node.js, which is not on PATH" in str(raised.value)
    assert "make install" in str(raised.value).split("Hint: ", 1)[1]


def test_missing_converter_is_refused_naming_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(swagger2, "CONVERTER", tmp_path / "absent" / "swagger2openapi.js")
    with pytest.raises(GenerationError) as raised:
        load_model(CORPUS / "oai-petstore-v2.yaml", name="v2.yaml")
    assert "the converter is not installed" in str(raised.value)
    assert "npm ci --prefix generators/node" in str(raised.value)
