"""Generating both outputs (mock project and contract suite) for a synthetic 100-operation spec.

Target: <= 2 s. Prints the median of several runs, its ratio to the target, and its ratio to a
baseline measured in the same run: parsing that spec with ``yaml.safe_load``.

    .venv/bin/python -m bench.generators
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from generators import contract_suite, load_model, mock_project
from generators.writer import write_files

TARGET_SECONDS = 2.0
RUNS = 5
RESOURCES = 20  # x 5 operations (list, create, get, put, delete) = 100 operations


def synthetic_spec(resources: int = RESOURCES) -> dict[str, Any]:
    """A Cumulocity-flavoured spec: each resource has list/create/get/update/delete and shared $refs."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": {"type": "string"},
                "message": {"type": "string"},
                "info": {"type": "string"},
            },
        }
    }
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    paging = [
        {"name": "pageSize", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "currentPage", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    ]
    for i in range(resources):
        name = f"Thing{i}"
        ref = {"$ref": f"#/components/schemas/{name}"}
        schemas[name] = {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "self": {"type": "string", "format": "uri", "readOnly": True},
                "name": {"type": "string", "minLength": 1},
                "type": {"type": "string"},
                "count": {"type": "integer", "minimum": 0},
            },
        }
        one = {"description": "ok", "content": {"application/json": {"schema": ref}}}
        many = {
            "type": "object",
            "properties": {"things": {"type": "array", "items": ref}, "statistics": {"type": "object"}},
        }
        item_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        paths[f"/things{i}"] = {
            "get": {
                "operationId": f"list{name}",
                "parameters": [*paging, {"name": "type", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": many}}},
                    "400": error,
                },
            },
            "post": {
                "operationId": f"create{name}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"201": one, "400": error},
            },
        }
        paths[f"/things{i}/{{id}}"] = {
            "parameters": item_param,
            "get": {"operationId": f"get{name}", "responses": {"200": one, "404": error}},
            "put": {
                "operationId": f"update{name}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"200": one, "404": error},
            },
            "delete": {
                "operationId": f"delete{name}",
                "responses": {"204": {"description": "gone"}, "404": error},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def median_seconds(action: Callable[[], object], runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = root / "synthetic.yaml"
        spec.write_text(yaml.safe_dump(synthetic_spec(), sort_keys=False), encoding="utf-8")
        operations = sum(
            len([k for k in item if k != "parameters"]) for item in synthetic_spec()["paths"].values()
        )

        def generate_both() -> None:
            model = load_model(spec, name="synthetic.yaml")
            write_files(root / "mock", mock_project(model))
            write_files(root / "contracts", contract_suite(model))

        generate_both()  # warm-up: imports, template compilation
        baseline = median_seconds(lambda: yaml.safe_load(spec.read_text(encoding="utf-8")))
        measured = median_seconds(generate_both)
    print(f"generators: both outputs for a synthetic {operations}-operation spec")
    ratio = measured / TARGET_SECONDS
    print(f"  median of {RUNS} runs: {measured:.3f} s (target {TARGET_SECONDS:.1f} s: {ratio:.2f}x target)")
    print(
        f"  baseline yaml.safe_load of the same spec: {baseline:.3f} s ({measured / baseline:.1f}x baseline)"
    )


if __name__ == "__main__":
    main()
