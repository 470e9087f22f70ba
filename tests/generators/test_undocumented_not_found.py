"""An unknown id on an operation whose spec documents only its success (openai's by-id
operations document 200 and 429): the mock answers 404, and the contract suite's copy of the
spec documents that 404, marked ``x-inferred``, so Schemathesis's status check accepts it there
and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from run_generated import generate_document, import_generated_app, serving
from schemathesis.checks import status_code_conformance
from schemathesis.core.failures import FailureGroup

THING = {
    "type": "object",
    "required": ["name"],
    "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
}
ONE = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Silent", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "requestBody": {"required": True, **ONE},
                "responses": {"201": {"description": "c", **ONE}},
            },
            "get": {
                "responses": {
                    "200": {
                        "description": "l",
                        "content": {"application/json": {"schema": {"type": "array", "items": THING}}},
                    }
                }
            },
        },
        "/things/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {"responses": {"200": {"description": "ok", **ONE}, "429": {"description": "slow down"}}},
            "delete": {"responses": {"204": {"description": "gone"}}},
        },
    },
    "components": {"schemas": {"Thing": THING}},
}


# Only the status check: other tests of the session register custom checks (Cumulocity's).
ONLY_STATUS = [status_code_conformance]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("silent")
    return generate_document(SPEC, root, "silent.yaml")


def derived(suite: Path) -> dict[str, Any]:
    return json.loads((suite / "openapi.json").read_text(encoding="utf-8"))


def test_the_suites_copy_documents_404_only_where_the_mock_answers_it(
    generated: tuple[Path, Path, str],
) -> None:
    paths = derived(generated[1])["paths"]
    item = paths["/things/{id}"]
    assert item["get"]["responses"]["404"]["x-inferred"] is True
    assert item["delete"]["responses"]["404"]["x-inferred"] is True
    assert "404" not in paths["/things"]["get"]["responses"]
    assert "404" not in paths["/things"]["post"]["responses"]
    assert "404" in (generated[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("copy", "flagged"), [("derived", False), ("original", True)])
def test_an_unknown_id_is_flagged_only_by_the_spec_as_written(
    generated: tuple[Path, Path, str], copy: str, flagged: bool
) -> None:
    mock_dir, suite_dir, package = generated
    document = derived(suite_dir) if copy == "derived" else SPEC
    operation = schemathesis.openapi.from_dict(document)["/things/{id}"]["GET"]
    app = import_generated_app(mock_dir, package).create_app()
    with serving(app) as base_url:
        case = operation.Case(path_parameters={"id": 987654})
        response = case.call(base_url=base_url)
        assert response.status_code == 404
        if flagged:
            with pytest.raises(FailureGroup, match="Undocumented status code"):
                case.validate_response(response, checks=ONLY_STATUS)
        else:
            case.validate_response(response, checks=ONLY_STATUS)


WRAPPED = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type"],
            "properties": {"message": {"type": "string"}, "type": {"type": "string"}},
        }
    },
}
BARE = {
    "type": "object",
    "required": ["message", "code"],
    "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
}


def test_an_unknown_id_is_answered_in_the_schema_its_operation_documents(tmp_path: Path) -> None:
    # openai's DELETE /evals/{id}: its 404 is a bare {type, message, param, code}, every other
    # error wraps one in `error`.
    def error(schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": "e", "content": {"application/json": {"schema": schema}}}

    spec = {**SPEC, "paths": {**SPEC["paths"], "/things/{id}": dict(SPEC["paths"]["/things/{id}"])}}
    spec["paths"]["/things"] = {
        "post": {
            **SPEC["paths"]["/things"]["post"],
            "responses": {"201": {"description": "c", **ONE}, "400": error(WRAPPED)},
        },
        "get": SPEC["paths"]["/things"]["get"],
    }
    spec["paths"]["/things/{id}"]["get"] = {
        "responses": {"200": {"description": "ok", **ONE}, "404": error(WRAPPED)}
    }
    spec["paths"]["/things/{id}"]["delete"] = {
        "responses": {"204": {"description": "gone"}, "404": error(BARE)}
    }
    # openai's POST /responses/{id}/cancel: an action on the item, with the bare 404 too.
    spec["paths"]["/things/{id}/cancel"] = {
        "parameters": spec["paths"]["/things/{id}"].get("parameters", []),
        "post": {"responses": {"200": {"description": "ok", **ONE}, "404": error(BARE)}},
    }
    mock_dir, _, package = generate_document(spec, tmp_path, "shapes.yaml")
    with import_generated_app(mock_dir, package).create_app().test_client() as client:
        read = client.get("/things/999")
        gone = client.delete("/things/999")
        cancelled = client.post("/things/999/cancel")
    assert read.status_code == gone.status_code == cancelled.status_code == 404
    assert set(read.json()) == {"error"}
    assert set(gone.json()) == set(cancelled.json()) == {"message", "code"}
    assert "999" in gone.json()["message"]
