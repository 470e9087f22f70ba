"""A ``discriminator`` without a mapping whose branches pin its property to values other than
their schema names (openai's realtime sessions: ``type`` is ``realtime`` or ``transcription``) is
served with the mapping its branches state: as written, no answer could pass Schemathesis's
discriminator check and the branch schemas both. The schemas themselves are unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from run_generated import generate, import_generated_app, run_contract_suite, serving


def session(kind: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "id"],
        "properties": {"type": {"type": "string", "enum": [kind]}, "id": {"type": "string"}},
    }


UNION = {
    "discriminator": {"propertyName": "type"},
    "oneOf": [{"$ref": "#/components/schemas/Realtime"}, {"$ref": "#/components/schemas/Transcription"}],
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Sessions", "version": "1"},
    "paths": {
        "/sessions": {
            "post": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": UNION}}}
                }
            }
        }
    },
    "components": {"schemas": {"Realtime": session("realtime"), "Transcription": session("transcription")}},
}


def test_the_served_discriminator_maps_the_values_its_branches_pin(tmp_path: Path) -> None:
    spec = tmp_path / "sessions.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    mock_dir, suite_dir, package = generate(spec, tmp_path, name="sessions.yaml")
    served = json.loads((suite_dir / "openapi.json").read_text(encoding="utf-8"))
    union = served["paths"]["/sessions"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert union["discriminator"]["mapping"] == {
        "realtime": "#/components/schemas/Realtime",
        "transcription": "#/components/schemas/Transcription",
    }
    assert served["components"]["schemas"] == SPEC["components"]["schemas"]
    with serving(import_generated_app(mock_dir, package).create_app()) as base_url:
        result = run_contract_suite(suite_dir, base_url, modules=("test_schema.py",))
    assert result.returncode == 0, result.stdout[-4000:]
    assert "1 passed" in result.stdout, result.stdout[-2000:]
