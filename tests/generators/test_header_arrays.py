"""A header whose schema is an array (openai's ``OpenAI-Beta``) is read in the ``simple`` style a
header has, comma-separated values each checked against the items (an empty one: no items), as
Schemathesis sends it."""

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
