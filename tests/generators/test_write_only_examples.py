"""A spec example that carries a ``writeOnly`` property, at any depth, is not answered (train-
travel's payment example holds the card's ``cvc``): a canned answer is then a generated valid one
and a seed item is skipped, both named in the notes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from run_generated import generate_document, import_generated_app

CARD = {
    "type": "object",
    "required": ["number"],
    "properties": {"number": {"type": "string"}, "cvc": {"type": "string", "writeOnly": True}},
}
PAYMENT = {
    "type": "object",
    "required": ["id", "card"],
    "properties": {"id": {"type": "string"}, "card": {"$ref": "#/components/schemas/Card"}},
}
EXAMPLE = {"id": "p1", "card": {"number": "4242", "cvc": "123"}}


def ok(example: Any) -> dict[str, Any]:
    return {
        "description": "ok",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Payment"}, "example": example}
        },
    }


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Payments", "version": "1"},
    "paths": {
        "/bookings/latest/payment": {"get": {"responses": {"200": ok(EXAMPLE)}}},
        "/payments": {
            "get": {
                "responses": {
                    "200": {
                        "description": "l",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Payment"},
                                },
                                "example": [EXAMPLE],
                            }
                        },
                    }
                }
            }
        },
        "/payments/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": ok(EXAMPLE)}},
        },
    },
    "components": {"schemas": {"Card": CARD, "Payment": PAYMENT}},
}


def test_an_example_with_a_write_only_property_is_not_answered(tmp_path: Path) -> None:
    mock_dir, _, package = generate_document(SPEC, tmp_path, "payments.yaml")
    with import_generated_app(mock_dir, package).create_app().test_client() as client:
        canned = client.get("/bookings/latest/payment").json()
        listed = client.get("/payments").json()
    assert "cvc" not in canned["card"], canned
    assert listed == []  # the seed example was skipped
    readme = (mock_dir / "README.md").read_text(encoding="utf-8")
    assert "cvc" in readme
