"""Parameters read as the spec means them: a header whose schema is an array (openai's
``OpenAI-Beta``) in the ``simple`` style a header has, comma-separated values each checked
against the items (an empty one: no items), as Schemathesis sends it; a ``deepObject`` sent bare
and empty as the empty object; a refusal worded on one line naming the parameter."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_generated import mock_client

HEADER = {
    "name": "x-features",
    "in": "header",
    "required": False,
    "style": "simple",
    "schema": {"type": "array", "items": {"type": "integer", "enum": [1, 2]}},
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Headers", "version": "1"},
    "paths": {
        "/ping": {
            "get": {
                "parameters": [HEADER],
                "responses": {"204": {"description": "pong"}, "400": {"description": "bad"}},
            }
        }
    },
}


@pytest.mark.parametrize(
    ("sent", "status"), [("1", 204), ("1,2", 204), ("2, 1,1", 204), ("", 204), ("1,3", 400), ("x", 400)]
)
def test_an_array_header_is_read_as_comma_separated_items(tmp_path: Path, sent: str, status: int) -> None:
    with mock_client(SPEC, tmp_path, "headers.yaml") as client:
        answer = client.get("/ping", headers={"x-features": sent})
    assert answer.status_code == status, answer.text


DEEP = {
    "name": "metadata",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "schema": {"type": "object", "nullable": True, "additionalProperties": {"type": "string"}},
}
FILTERED = {
    **SPEC,
    "paths": {
        "/jobs": {"get": {"parameters": [DEEP], "responses": SPEC["paths"]["/ping"]["get"]["responses"]}}
    },
}


@pytest.mark.parametrize(("query", "status"), [("", 204), ("metadata=", 204), ("metadata[k]=v", 204)])
def test_a_bare_empty_deep_object_is_the_empty_object(tmp_path: Path, query: str, status: int) -> None:
    # openai's fine-tuning jobs: Schemathesis sends an empty `metadata` as `metadata=`.
    with mock_client(FILTERED, tmp_path, "jobs.yaml") as client:
        answer = client.get(f"/jobs?{query}")
    assert answer.status_code == status, answer.text


def test_a_refused_parameter_is_named_on_one_line(tmp_path: Path) -> None:
    with mock_client(SPEC, tmp_path, "headers.yaml") as client:
        answer = client.get("/ping", headers={"x-features": "1,3"})
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert "\n" not in detail
    assert detail.startswith("The header parameter x-features has the value [1, 3]: "), detail
