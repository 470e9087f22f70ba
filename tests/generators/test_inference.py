"""The model the generator infers from small inline specs: one rule per test, no server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generators import load_model
from generators.model import Model
from mockserver.errors import BadRequest

THING = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def model_of(tmp_path: Path, paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> Model:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return load_model(path, name="spec.yaml")


def json_response(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def crud(
    item: dict[str, Any], *, listing: dict[str, Any] | None = None, params: list[dict[str, Any]] | None = None
):
    id_param = [{"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {
        "/things": {
            "get": {
                "operationId": "listThings",
                "parameters": params or [],
                "responses": json_response(listing or {"type": "array", "items": item}),
            },
            "post": {
                "operationId": "createThing",
                "requestBody": {"content": {"application/json": {"schema": item}}},
                "responses": json_response(item, "201"),
            },
        },
        "/things/{thingId}": {
            "parameters": id_param,
            "get": {
                "operationId": "getThing",
                "responses": {**json_response(item), "422": {"description": "no"}},
            },
            "delete": {"operationId": "deleteThing", "responses": {"204": {"description": "gone"}}},
        },
    }


def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


def test_one_of_item_schema_keeps_the_properties_every_branch_has(tmp_path: Path) -> None:
    schemas = {
        "Pump": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "rpm": {}}},
        "Valve": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}, "open": {}},
        },
    }
    item = {"oneOf": [{"$ref": "#/components/schemas/Pump"}, {"$ref": "#/components/schemas/Valve"}]}
    (resource,) = model_of(tmp_path, crud(item), schemas).resources
    assert (resource.spec.id_field, resource.spec.id_type) == ("id", "integer")


def test_uuid_typed_id_field_gives_uuid_ids(tmp_path: Path) -> None:
    item = {"type": "object", "properties": {"thingId": {"type": "string", "format": "uuid"}}}
    (resource,) = model_of(tmp_path, crud(item)).resources
    assert (resource.spec.id_field, resource.spec.id_type) == ("thingId", "uuid")


def test_paging_style_is_detected_from_the_list_parameters(tmp_path: Path) -> None:
    styles = {
        "cumulocity": [query("pageSize", {"type": "integer"}), query("currentPage", {"type": "integer"})],
        "offset": [query("limit", {"type": "integer", "maximum": 50}), query("offset", {"type": "integer"})],
        "page": [query("page", {"type": "integer", "minimum": 0}), query("per_page", {"type": "integer"})],
        "none": [],
    }
    for style, params in styles.items():
        (resource,) = model_of(tmp_path, crud(THING, params=params)).resources
        assert resource.spec.paging.style == style
    (offset,) = model_of(tmp_path, crud(THING, params=styles["offset"])).resources
    assert offset.spec.paging.max_size == 50
    (page,) = model_of(tmp_path, crud(THING, params=styles["page"])).resources
    assert page.spec.paging.first_page == 0


def test_filters_are_query_parameters_named_like_item_properties(tmp_path: Path) -> None:
    params = [query("name", {"type": "string"}), query("colour", {"type": "string"})]
    (resource,) = model_of(tmp_path, crud(THING, params=params)).resources
    assert [f.field for f in resource.spec.filters] == ["name"]
    assert resource.ignored_params == ("colour",)


def test_envelope_is_unwrapped_and_named_on_the_operations(tmp_path: Path) -> None:
    wrapped = {"type": "object", "required": ["thing"], "properties": {"thing": THING}}
    listing = {
        "type": "object",
        "properties": {"things": {"type": "array", "items": THING}, "thingsCount": {}},
    }
    model = model_of(tmp_path, crud(wrapped, listing=listing))
    (resource,) = model.resources
    assert resource.envelope == "thing"
    assert resource.spec.list_shape.key == "things"
    assert resource.spec.list_shape.extras == (("thingsCount", "total"),)
    create = next(o for o in model.operations if o.kind == "create")
    assert (create.request_envelope, create.response_envelope) == ("thing", "thing")


def test_a_paging_name_of_another_type_is_not_computed(tmp_path: Path) -> None:
    # box's FolderLocks: `limit` is a string ("1000"), answered as the spec's value, not a count.
    listing = {
        "type": "object",
        "required": ["entries", "limit"],
        "properties": {
            "entries": {"type": "array", "items": THING},
            "limit": {"type": "string", "example": "1000"},
            "total_count": {"type": "integer"},
        },
    }
    (resource,) = model_of(tmp_path, crud(THING, listing=listing)).resources
    assert resource.spec.list_shape.extras == (("total_count", "total"),)
    assert resource.spec.list_shape.constants == (("limit", "1000"),)


def test_unknown_id_status_is_the_documented_client_error_when_404_is_not_documented(tmp_path: Path) -> None:
    model = model_of(tmp_path, crud(THING))
    get = next(o for o in model.operations if o.kind == "get")
    delete = next(o for o in model.operations if o.kind == "delete")
    assert get.not_found_status == 422
    assert delete.not_found_status == 404
    assert any("`deleteThing` answers 404" in note for note in model.notes)


def test_client_chosen_ids_when_the_create_body_carries_the_id(tmp_path: Path) -> None:
    (resource,) = model_of(tmp_path, crud(THING)).resources
    assert resource.spec.client_ids


def test_links_are_inferred_from_create_and_get_to_the_item_operations(tmp_path: Path) -> None:
    model = model_of(tmp_path, crud(THING))
    assert {(link.source, link.target) for link in model.links} == {
        ("createThing", "getThing"),
        ("createThing", "deleteThing"),
        ("getThing", "deleteThing"),
    }
    assert all(link.parameters == {"thingId": "$response.body#/id"} for link in model.links)


def test_operations_outside_resources_get_a_valid_canned_answer(tmp_path: Path) -> None:
    report = {
        "type": "object",
        "required": ["total", "when"],
        "properties": {
            "total": {"type": "integer", "minimum": 3},
            "when": {"type": "string", "format": "date-time"},
        },
    }
    paths = {"/report": {"get": {"operationId": "getReport", "responses": json_response(report)}}}
    model = model_of(tmp_path, paths)
    assert model.canned.answers["getReport"] == (
        {"total": 3, "when": "2024-01-01T00:00:00.000Z"},
        200,
        "application/json",
    )


def test_an_action_under_a_nested_item_belongs_to_the_innermost_item(tmp_path: Path) -> None:
    # netlify: POST /sites/{site_id}/deploys/{deploy_id}/restore needs the deploy, not only the site.
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    site = {"name": "site_id", "in": "path", "required": True, "schema": {"type": "string"}}
    deploy = {"name": "deploy_id", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/sites": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": item}}},
                "responses": json_response(item, "201"),
            }
        },
        "/sites/{site_id}": {"parameters": [site], "get": {"responses": json_response(item)}},
        "/sites/{site_id}/deploys": {
            "parameters": [site],
            "post": {
                "requestBody": {"content": {"application/json": {"schema": item}}},
                "responses": json_response(item, "201"),
            },
        },
        "/sites/{site_id}/deploys/{deploy_id}": {
            "parameters": [site, deploy],
            "get": {"responses": json_response(item)},
        },
        "/sites/{site_id}/deploys/{deploy_id}/restore": {
            "parameters": [site, deploy],
            "post": {"operationId": "restoreDeploy", "responses": json_response(item)},
        },
    }
    owner = model_of(tmp_path, paths).canned.owners["restoreDeploy"]
    assert owner[:3] == ("deploys", "deploy_id", ("site_id",))


def test_an_error_wrapped_in_one_property_carries_the_message_inside_it(tmp_path: Path) -> None:
    # openai: {"error": {"code", "message", "param", "type"}}; the message was a constant "x".
    inner = {
        "type": "object",
        "required": ["code", "message", "param", "type"],
        "properties": {n: {"type": "string"} for n in ("code", "message", "param", "type")},
    }
    wrapped = {"type": "object", "required": ["error"], "properties": {"error": inner}}
    paths = crud({"type": "object", "properties": {"id": {"type": "string"}}})
    paths["/things"]["post"]["responses"] |= {
        "400": {"description": "bad", "content": {"application/json": {"schema": wrapped}}}
    }
    shape = model_of(tmp_path, paths).error_shape
    body = shape.body(BadRequest("The field 'name' is missing."))
    assert body["error"]["message"] == "The field 'name' is missing."
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "param", "type"}
