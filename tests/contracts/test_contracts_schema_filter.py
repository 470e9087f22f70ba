"""A Schemathesis negative-data claim is dropped only when openapi-core finds the request valid."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from schemathesis.core import NOT_SET

from contracts import openapi_validation
from contracts.suites.schema import spec_allows

DTM = str(Path(__file__).resolve().parents[2] / "spec" / "dtm.yaml")
CTX: Any = SimpleNamespace(
    client=SimpleNamespace(
        base_url="http://127.0.0.1:1", credentials=SimpleNamespace(header=lambda: "Basic eDp4")
    )
)


def case(body: Any, media_type: str = "application/json") -> Any:
    return SimpleNamespace(
        body=body,
        query={},
        headers={},
        formatted_path="/service/dtm/asset-instances",
        method="POST",
        media_type=media_type,
    )


def test_the_body_schemathesis_misjudged_is_allowed_by_the_spec() -> None:
    body = {
        "description": None,
        "managedObjectId": "58",
        "modelId": "6",
        "name": "0",
        "parent": None,
        "properties": {},
    }
    assert spec_allows(openapi_validation.load(DTM), case(body), CTX)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "pump"},  # modelId missing
        {"modelId": "6", "name": 7},  # name of the wrong type
        {"modelId": "6", "name": "pump", "properties": []},  # properties must be an object
        {"modelId": "6", "name": "pump", "unknownField": 1},  # additionalProperties: false
        NOT_SET,  # a required body left out
    ],
    ids=["missing-required", "wrong-type", "wrong-container", "unknown-field", "no-body"],
)
def test_requests_that_break_the_spec_are_still_reported(body: Any) -> None:
    assert not spec_allows(openapi_validation.load(DTM), case(body), CTX)
