"""Operations a generated suite cannot test are reported as skipped with the reason, never passed
silently and never failing the run: one documenting only a 1xx answer (readme's /status/100-103),
one whose request body no value satisfies (readme-schema-types-31's shape) and one whose path is
another's with a ``#`` fragment (box's ``/shared_items#folders``), or a fragment on a path another
operation's template matches (box's ``/metadata_templates/enterprise/…/schema#update``)."""

from __future__ import annotations

from pathlib import Path

import yaml
from run_generated import generate, import_generated_app, run_contract_suite, serving

THING = {"type": "object", "properties": {"name": {"type": "string"}}}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Untestable", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": THING}}}
                }
            }
        },
        "/things#count": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "integer"}}},
                    }
                }
            }
        },
        "/templates/{scope}/schema": {
            "parameters": [{"name": "scope", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": THING}}}
                }
            },
        },
        "/templates/enterprise/schema#classification": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "integer"}}},
                    }
                }
            }
        },
        "/status/100": {"get": {"responses": {"100": {"description": "continue"}}}},
        "/impossible": {
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"allOf": [{"type": "string"}, {"type": "integer"}]}}
                    },
                },
                "responses": {"204": {"description": "stored"}},
            }
        },
    },
}


def test_untestable_operations_are_skipped_with_the_reason(tmp_path: Path) -> None:
    spec = tmp_path / "untestable.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    mock_dir, suite_dir, package = generate(spec, tmp_path, name="untestable.yaml")
    app = import_generated_app(mock_dir, package).create_app()
    with serving(app) as base_url:
        result = run_contract_suite(suite_dir, base_url, modules=("test_schema.py",))
    out = result.stdout
    assert result.returncode == 0, out[-4000:]
    assert "GET /status/100: documents only informational answers (100)" in out
    assert "[POST /impossible]: untestable:" in out, out[-4000:]
    assert "GET /things#count: is `GET /things` to the server" in out, out[-4000:]
    assert (
        "GET /templates/enterprise/schema#classification: is `GET /templates/enterprise/schema` to the "
        "server (a request carries no `#` fragment), as `GET /templates/{scope}/schema` can be"
    ) in out, out[-4000:]
    assert "2 passed, 4 skipped" in out, out[-2000:]
