"""Constructs real specs carry that used to stop generation or crash the mock, now served: no
operationIds, a 303-only operation, JSON beside XML, 3.1 types, template-like text, extension
``$ref`` values, an undefined and an OAuth2 security scheme, write-only and read-only fields,
string cursors, absent optional form bodies, and requests a mock must answer with a 4xx (never a 500)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from run_generated import generate, import_generated_app

THING = {
    "type": "object",
    "required": ["id", "name"],
    "x-note": {"$ref": "elsewhere.yaml"},
    "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "name": {"type": ["string", "null"], "examples": ["x"]},
        "kind": {"const": "thing"},
        "size": {"type": "integer", "exclusiveMinimum": 0},
        "secret": {"type": "string", "writeOnly": True},
    },
}
REF = {"$ref": "#/components/schemas/Thing"}
JSON_OR_XML = {"application/json": {"schema": REF}, "application/xml": {"schema": REF}}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Awkward {{ not a template }}", "version": "1", "summary": "3.1 only"},
    "security": [{"oauth": ["read"]}, {"undefinedScheme": []}],
    "x-external": {"$ref": "other-file.yaml#/Thing"},
    "paths": {
        "/things": {
            "get": {
                "parameters": [{"name": "offset", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "{% raw %}",
                        "content": {"application/json": {"schema": {"type": "array", "items": REF}}},
                    }
                },
            },
            "post": {
                "requestBody": {"required": True, "content": JSON_OR_XML},
                "responses": {
                    "201": {"description": "created", "content": {"application/json": {"schema": REF}}}
                },
            },
        },
        "/things/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
            ],
            "get": {
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": REF}}}}
            },
            "delete": {"responses": {"200": {"description": "gone", "content": JSON_OR_XML}}},
        },
        "/login": {
            "get": {
                "security": [],
                "responses": {
                    "303": {
                        "description": "see other",
                        "headers": {"Location": {"schema": {"type": "string", "example": "/home"}}},
                    }
                },
            }
        },
        "/upload": {
            "post": {
                "security": [],
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"204": {"description": "stored"}},
            }
        },
    },
    "components": {
        "securitySchemes": {
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {"tokenUrl": "https://example.com/t", "scopes": {"read": "r"}}
                },
            }
        },
        "schemas": {"Thing": THING},
    },
}
TOKEN = {"Authorization": "Bearer abc.def"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("awkward")
    spec = root / "awkward.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    mock_dir, _, package = generate(spec, root / "out", name="awkward.yaml")
    with import_generated_app(mock_dir, package).create_app().test_client() as test_client:
        yield test_client


def test_oauth2_operations_need_a_well_formed_bearer_token(client: Any) -> None:
    assert client.get("/things").status_code == 401
    assert client.get("/things", headers={"Authorization": "Bearer not well formed"}).status_code == 401
    refused = client.get("/things", headers={"Authorization": "Basic dTpw"})
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 401
    assert client.get("/things", headers=TOKEN).status_code == 200


def test_created_item_drops_write_only_fields_and_needs_no_read_only_id(client: Any) -> None:
    created = client.post("/things", json={"name": None, "secret": "pw", "size": 3}, headers=TOKEN)
    assert created.status_code == 201
    body = created.json()
    assert body["name"] is None
    assert "secret" not in body
    assert client.get(f"/things/{body['id']}", headers=TOKEN).json() == body
    assert body in client.get("/things", headers=TOKEN).json()
    assert client.delete(f"/things/{body['id']}", headers=TOKEN).status_code == 200
    assert client.get(f"/things/{body['id']}", headers=TOKEN).status_code == 404


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        (
            {
                "method": "POST",
                "url": "/things",
                "content": b"<a/>",
                "headers": {"content-type": "application/xml"},
            },
            415,
        ),
        ({"method": "POST", "url": "/things", "content": b'{"name": "x"}'}, 415),
        (
            {
                "method": "POST",
                "url": "/things",
                "content": b'{"name": "\xff"}',
                "headers": {"content-type": "application/json"},
            },
            400,
        ),
        ({"method": "POST", "url": "/upload", "content": b"xxxx"}, 415),
        (
            {
                "method": "POST",
                "url": "/upload",
                "content": b"xxxx",
                "headers": {"content-type": "multipart/form-data"},
            },
            400,
        ),
        ({"method": "POST", "url": "/upload"}, 204),
        (
            {
                "method": "POST",
                "url": "/upload",
                "headers": {"content-type": "multipart/form-data; boundary=b"},
            },
            204,
        ),
        ({"method": "GET", "url": "/things/%20"}, 400),
        ({"method": "GET", "url": "/things?offset=not-a-number"}, 200),
    ],
    ids=[
        "xml-body",
        "no-content-type",
        "non-utf8-json",
        "multipart-no-content-type",
        "multipart-no-boundary",
        "optional-multipart-absent",
        "optional-multipart-absent-with-content-type",
        "blank-uuid",
        "string-cursor",
    ],
)
def test_awkward_requests_get_a_4xx_in_problem_json_never_a_500(
    client: Any, request_args: dict[str, Any], status: int
) -> None:
    headers = {**TOKEN, **request_args.pop("headers", {})}
    answer = client.request(**request_args, headers=headers)
    assert answer.status_code == status, answer.text
    if status >= 400:
        assert answer.headers["content-type"] == "application/problem+json"


def test_wrong_method_answers_405_with_the_documented_methods(client: Any) -> None:
    answer = client.put("/things", json={}, headers=TOKEN)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST, HEAD"


def test_redirect_only_operation_answers_303_with_its_location(client: Any) -> None:
    answer = client.get("/login", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/home"


def test_readme_notes_every_rewrite(tmp_path: Path) -> None:
    spec = tmp_path / "awkward.yaml"
    spec.write_text(yaml.safe_dump(SPEC, sort_keys=False), encoding="utf-8")
    mock_dir, suite_dir, _ = generate(spec, tmp_path / "out", name="awkward.yaml")
    readme = (mock_dir / "README.md").read_text(encoding="utf-8")
    assert "served as operationId `postThings`" in readme
    assert "`/x-external` holds a `$ref`" in readme
    assert "undefined security scheme(s) undefinedScheme" in readme
    assert "served as 3.0.3" in readme
    assert "not application/xml" in (suite_dir / "README.md").read_text(encoding="utf-8")
