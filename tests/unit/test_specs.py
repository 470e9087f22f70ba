"""Every spec in spec/*.yaml is a valid OpenAPI 3.0 document that documents what the mock answers.

The checks are plain functions returning a list of problems (empty when the spec is fine), so the
last tests can feed them a deliberately broken spec and see them fail. A new spec file joins the
parametrization automatically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"
SPEC_FILES = sorted(SPEC_DIR.glob("*.yaml"))
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ERROR_MEDIA_TYPE = "application/vnd.com.nsn.cumulocity.error+json"
ERROR_SCHEMA_REF = "#/components/schemas/Error"
BODY_ERROR_STATUSES = ("400", "413", "415", "422")

Spec = dict[str, Any]


def load(path: Path) -> Spec:
    with path.open(encoding="utf-8") as handle:
        document: Spec = yaml.safe_load(handle)
    return document


def resolve(spec: Spec, node: Any) -> Any:
    """Follow local ``$ref`` pointers until a node without one is reached."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise ValueError(f"Cannot resolve {ref!r}: only acyclic local references are supported.")
        seen.add(ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def operations(spec: Spec) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """Yield ``(path, method, path_item, operation)`` for every operation of the spec."""
    for path, path_item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in path_item:
                yield path, method, path_item, path_item[method]


def operation_id_problems(spec: Spec) -> list[str]:
    """Operations without an operationId, and operationIds used more than once."""
    problems = [
        f"{method.upper()} {path} has no operationId."
        for path, method, _, op in operations(spec)
        if not op.get("operationId")
    ]
    counts = Counter(op["operationId"] for *_, op in operations(spec) if op.get("operationId"))
    problems += [f"operationId {op_id!r} is used {n} times." for op_id, n in counts.items() if n > 1]
    return problems


def success_schema_problems(spec: Spec, op: dict[str, Any]) -> list[str]:
    """2xx answers other than 204 that lack content, or a media type without a schema."""
    problems = []
    for status, response in op.get("responses", {}).items():
        if not str(status).startswith("2") or str(status) == "204":
            continue
        content = resolve(spec, response).get("content")
        if not content:
            problems.append(f"Response {status} documents no media type and no schema.")
            continue
        problems += [
            f"Response {status} media type {media_type} has no schema."
            for media_type, media in content.items()
            if not media or "schema" not in media
        ]
    return problems


def required_error_statuses(path: str, op: dict[str, Any]) -> list[str]:
    """The error statuses this operation must document.

    401 unless the operation needs no credentials (``security: []``, the login calls; a body of
    wrong credentials is then its own 401, documented where it applies); 403 unless ``x-roles`` is
    an explicit empty list (any authenticated user); 404 when the path addresses an id; 400, 413,
    415 and 422 when the operation takes a body.
    """
    statuses = [] if op.get("security") == [] else ["401"]
    if op.get("x-roles", None) != []:
        statuses.append("403")
    if "{" in path:
        statuses.append("404")
    if "requestBody" in op:
        statuses += BODY_ERROR_STATUSES
    return statuses


def error_response_problems(
    spec: Spec, path: str, path_item: dict[str, Any], op: dict[str, Any]
) -> list[str]:
    """Missing error statuses, and error answers without the error media type and Error schema."""
    problems = []
    responses = op.get("responses", {})
    for status in required_error_statuses(path, op):
        if status not in responses and int(status) not in responses:
            problems.append(f"Error status {status} is not documented.")
    for status, response in responses.items():
        if not str(status).startswith(("4", "5")):
            continue
        content = resolve(spec, response).get("content", {})
        media = content.get(ERROR_MEDIA_TYPE)
        if media is None:
            problems.append(f"Error status {status} lacks the media type {ERROR_MEDIA_TYPE}.")
        elif media.get("schema", {}).get("$ref") != ERROR_SCHEMA_REF:
            problems.append(f"Error status {status} does not use the schema {ERROR_SCHEMA_REF}.")
    return problems


def parameter_problems(spec: Spec, path_item: dict[str, Any], op: dict[str, Any]) -> list[str]:
    """Parameters (of the path item or the operation) without a schema or a description."""
    problems = []
    for raw in [*path_item.get("parameters", []), *op.get("parameters", [])]:
        parameter = resolve(spec, raw)
        name = f"{parameter.get('in')} parameter {parameter.get('name')!r}"
        if "schema" not in parameter:
            problems.append(f"The {name} has no schema.")
        if not str(parameter.get("description", "")).strip():
            problems.append(f"The {name} has no description.")
    return problems


def role_problems(op: dict[str, Any]) -> list[str]:
    """Roles in ``x-roles`` that the operation's description does not name (the prose is the contract)."""
    description = str(op.get("description", ""))
    return [
        f"Role {role} is in x-roles but not named in the description."
        for role in op.get("x-roles", [])
        if role not in description
    ]


SPECS = {path.name: load(path) for path in SPEC_FILES}
OPERATIONS = [
    pytest.param(name, path, method, id=f"{name}:{op.get('operationId') or f'{method.upper()} {path}'}")
    for name, spec in SPECS.items()
    for path, method, _, op in operations(spec)
]


def test_the_measurement_and_inventory_specs_exist() -> None:
    assert {"measurement.yaml", "inventory.yaml"} <= set(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_is_valid_openapi(name: str) -> None:
    validate(SPECS[name])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_operation_has_a_unique_operation_id(name: str) -> None:
    assert operation_id_problems(SPECS[name]) == []


@pytest.mark.parametrize(("name", "path", "method"), OPERATIONS)
def test_every_success_response_has_a_schema_per_media_type(name: str, path: str, method: str) -> None:
    spec = SPECS[name]
    assert success_schema_problems(spec, spec["paths"][path][method]) == []


@pytest.mark.parametrize(("name", "path", "method"), OPERATIONS)
def test_every_error_the_server_returns_is_documented_with_the_error_schema(
    name: str, path: str, method: str
) -> None:
    spec = SPECS[name]
    path_item = spec["paths"][path]
    assert error_response_problems(spec, path, path_item, path_item[method]) == []


@pytest.mark.parametrize(("name", "path", "method"), OPERATIONS)
def test_every_parameter_has_a_schema_and_a_description(name: str, path: str, method: str) -> None:
    spec = SPECS[name]
    path_item = spec["paths"][path]
    assert parameter_problems(spec, path_item, path_item[method]) == []


@pytest.mark.parametrize(("name", "path", "method"), OPERATIONS)
def test_every_role_in_x_roles_is_named_in_the_description(name: str, path: str, method: str) -> None:
    assert role_problems(SPECS[name]["paths"][path][method]) == []


@pytest.mark.parametrize("name", ["measurement.yaml", "inventory.yaml"])
def test_every_measurement_and_inventory_operation_declares_its_roles(name: str) -> None:
    assert [op["operationId"] for *_, op in operations(SPECS[name]) if "x-roles" not in op] == []


def test_measurement_spec_declares_the_operation_ids_the_mock_routes_by() -> None:
    ids = {op["operationId"] for *_, op in operations(SPECS["measurement.yaml"])}
    assert ids == {
        "getMeasurementApiResource",
        "getMeasurementCollectionResource",
        "postMeasurementCollectionResource",
        "deleteMeasurementCollectionResource",
        "getMeasurementResource",
        "deleteMeasurementResource",
        "getMeasurementSeriesResource",
    }


def test_measurement_api_resource_lists_every_uri_template_of_the_seed_and_the_platform() -> None:
    schema = SPECS["measurement.yaml"]["components"]["schemas"]["MeasurementApiResource"]
    templates = [key for key in schema["properties"] if key.startswith("measurementsFor")]
    assert len(templates) == 17
    assert "measurementsForSourceAndValueFragmentTypeAndValueFragmentSeries" in templates
    assert set(schema["required"]) == {"self", "measurements", *templates}


def test_page_size_has_a_minimum_but_no_maximum_because_large_values_are_trimmed() -> None:
    for name in ("measurement.yaml", "inventory.yaml"):
        schema = SPECS[name]["components"]["parameters"]["pageSize"]["schema"]
        assert schema == {"type": "integer", "minimum": 1, "default": 5}


def broken_spec() -> Spec:
    """A small spec that breaks every rule the checkers above enforce, once each."""
    error = {"content": {ERROR_MEDIA_TYPE: {"schema": {"$ref": ERROR_SCHEMA_REF}}}, "description": "e"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "broken", "version": "1"},
        "paths": {
            "/things/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "put": {
                    "operationId": "putThing",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {}}},
                        "401": error,
                        "403": {"description": "plain", "content": {"application/json": {"schema": {}}}},
                    },
                },
                "get": {"operationId": "putThing", "responses": {"200": {"description": "ok"}}},
            }
        },
        "components": {"schemas": {"Error": {"type": "object"}}},
    }


def test_the_checkers_report_every_rule_a_broken_spec_breaks() -> None:
    spec = broken_spec()
    path_item = spec["paths"]["/things/{id}"]

    assert operation_id_problems(spec) == ["operationId 'putThing' is used 2 times."]
    assert success_schema_problems(spec, path_item["put"]) == [
        "Response 200 media type application/json has no schema."
    ]
    assert success_schema_problems(spec, path_item["get"]) == [
        "Response 200 documents no media type and no schema."
    ]
    put_problems = error_response_problems(spec, "/things/{id}", path_item, path_item["put"])
    assert put_problems == [
        "Error status 404 is not documented.",
        "Error status 400 is not documented.",
        "Error status 413 is not documented.",
        "Error status 415 is not documented.",
        "Error status 422 is not documented.",
        f"Error status 403 lacks the media type {ERROR_MEDIA_TYPE}.",
    ]
    assert parameter_problems(spec, path_item, path_item["put"]) == [
        "The path parameter 'id' has no description."
    ]
    path_item["put"]["x-roles"] = ["ROLE_THING_ADMIN"]
    assert role_problems(path_item["put"]) == [
        "Role ROLE_THING_ADMIN is in x-roles but not named in the description."
    ]
    path_item["put"]["x-roles"] = []
    del path_item["put"]["responses"]["403"]
    assert "Error status 403 is not documented." not in error_response_problems(
        spec, "/things/{id}", path_item, path_item["put"]
    )


def test_the_validator_rejects_a_structurally_invalid_spec() -> None:
    spec = broken_spec()
    del spec["paths"]["/things/{id}"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(spec)


ASYNCAPI = SPEC_DIR / "asyncapi" / "realtime.yaml"


def test_the_realtime_asyncapi_document_has_every_channel_the_realtime_requirements_cite() -> None:
    from contracts.requirements import REQUIREMENTS

    document = load(ASYNCAPI)
    assert document["asyncapi"].startswith("2.")
    cited = [r for r in REQUIREMENTS.values() if r.spec == "asyncapi/realtime.yaml"]
    assert cited
    for requirement in cited:
        assert resolve(document, {"$ref": "#" + requirement.pointer}) is not None, requirement.id


def test_every_realtime_message_reference_resolves() -> None:
    document = load(ASYNCAPI)
    for channel in document["channels"].values():
        for operation in ("publish", "subscribe"):
            if operation in channel:
                assert "payload" in resolve(document, channel[operation]["message"])
