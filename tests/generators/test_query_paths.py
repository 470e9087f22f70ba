"""A spec path that carries a query (openai's ``POST /responses?beta=true`` beside
``POST /responses``) is its own operation: the generated mock routes a request carrying that
query to it, with its own request and answer schemas, and the generated suite passes on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from run_generated import generate, import_generated_app, mock_client, run_contract_suite, serving


def answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def body(kinds: list[str]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string", "enum": kinds}},
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}


STABLE = {"type": "object", "required": ["stable"], "properties": {"stable": {"type": "boolean"}}}
BETA = {"type": "object", "required": ["beta"], "properties": {"beta": {"type": "string"}}}
ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Queried", "version": "1"},
    "paths": {
        "/answers": {"post": {"requestBody": body(["message"]), "responses": {"200": answer(STABLE)}}},
        "/answers/{id}": {"parameters": ID, "get": {"responses": {"200": answer(STABLE)}}},
        "/answers?beta=true": {
            "post": {"requestBody": body(["message", "agent_call"]), "responses": {"200": answer(BETA)}}
        },
        "/answers/{id}?beta=true": {"parameters": ID, "get": {"responses": {"200": answer(BETA)}}},
    },
}


def test_a_request_with_the_query_reaches_the_operation_that_names_it(tmp_path: Path) -> None:
    with mock_client(SPEC, tmp_path, "queried.yaml") as client:
        beta = client.post("/answers?beta=true", json={"kind": "agent_call"})
        refused = client.post("/answers", json={"kind": "agent_call"})
        stable = client.post("/answers?beta=false", json={"kind": "message"})
        read_beta = client.get("/answers/a1?beta=true&other=1")
        read = client.get("/answers/a1")
    assert beta.status_code == 200, beta.text
    assert "beta" in beta.json()
    assert refused.status_code == 400  # the stable operation's body schema, not the beta one's
    assert stable.status_code == 200
    assert "stable" in stable.json()
    assert read_beta.status_code == 200
    assert "beta" in read_beta.json()
    assert read.status_code == 404  # the stable resource's item: no `a1` was created


def test_the_generated_suite_passes_on_operations_named_with_a_query(tmp_path: Path) -> None:
    spec = tmp_path / "queried.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    mock_dir, suite_dir, package = generate(spec, tmp_path, name="queried.yaml")
    with serving(import_generated_app(mock_dir, package).create_app()) as base_url:
        result = run_contract_suite(suite_dir, base_url, modules=("test_schema.py",))
    assert result.returncode == 0, result.stdout[-4000:]
    assert "4 passed" in result.stdout, result.stdout[-2000:]


def test_a_newline_in_a_path_segment_is_routed(tmp_path: Path) -> None:
    # Starlette's mount matched `.*`, which stops at a newline: every such path answered 404.
    with mock_client(SPEC, tmp_path, "queried.yaml") as client:
        beta = client.get("/answers/a%0Ab?beta=true")
        stable = client.get("/answers/a%0Ab")
    assert beta.status_code == 200, beta.text
    assert stable.status_code == 404
    assert "a%0Ab" in stable.json()["detail"]  # the store's answer, not the router's


def test_a_concrete_query_path_is_matched_before_a_templated_one(tmp_path: Path) -> None:
    # openai's `/responses/{response_id}?beta=true` beside `/responses/compact?beta=true`.
    latest = {"type": "object", "required": ["latest"], "properties": {"latest": {"type": "boolean"}}}
    spec = {
        **SPEC,
        "paths": {
            "/answers/{id}?beta=true": SPEC["paths"]["/answers/{id}?beta=true"],
            "/answers/latest?beta=true": {"get": {"responses": {"200": answer(latest)}}},
        },
    }
    with mock_client(spec, tmp_path, "queried.yaml") as client:
        concrete = client.get("/answers/latest?beta=true")
        templated = client.get("/answers/a1?beta=true")
    assert "latest" in concrete.json(), concrete.text
    assert "beta" in templated.json(), templated.text
