"""OpenAPI links inferred between a resource's operations, and the derived spec that carries them.

Schemathesis's stateful phase follows links: create -> get/update/delete with the new id, and
get -> update/delete. Where a response declares no ``links`` of its own, the generator adds
them, marks each ``x-inferred: true`` and the document ``x-inferred-links: true``, and writes
the result as a *derived copy* next to the contract suite; the source spec is never changed.
"""

from __future__ import annotations

import copy
from typing import Any

from generators.loader import Spec
from generators.model import Link, Operation, Resource
from generators.operations import RawOperation
from generators.schemas import Schemas


def infer_links(
    spec: Spec,
    schemas: Schemas,
    resources: tuple[Resource, ...],
    operations: tuple[Operation, ...],
    raw_ops: list[RawOperation],
) -> tuple[Link, ...]:
    """Links from each resource's create and get to its item operations, where none are declared."""
    raw_by_id = {r.operation_id: r for r in raw_ops}
    links: list[Link] = []
    for resource in resources:
        ops = [o for o in operations if o.resource == resource.name]
        targets = [o for o in ops if o.kind in ("get", "update", "delete")]
        field = resource.spec.id_field
        for source in (o for o in ops if o.kind in ("create", "get")):
            raw = raw_by_id[source.operation_id]
            response, _ = raw.responses[str(raw.status)] if str(raw.status) in raw.responses else ({}, "")
            if response.get("links"):
                continue
            if field and source.returns_body and raw.success and raw.success.schema:
                envelope = source.response_envelope
                answer = schemas.view(raw.success.schema)
                if envelope:
                    answer = schemas.view(answer.properties[envelope][1])
                if field not in answer.properties:
                    continue
                id_value = f"$response.body#/{envelope + '/' if envelope else ''}{field}"
            elif field and source.kind == "create" and resource.spec.client_ids:
                id_value = f"$request.body#/{field}"
            else:
                continue
            for target in targets:
                if target.operation_id == source.operation_id:
                    continue
                parameters = {resource.id_param: id_value}
                target_raw = raw_by_id[target.operation_id]
                for param in target_raw.path_params():
                    if param.name != resource.id_param:
                        parameters[param.name] = f"$request.path.{param.name}"
                links.append(
                    Link(
                        source.operation_id,
                        str(raw.status),
                        target.operation_id,
                        target.operation_id,
                        parameters,
                    )
                )
    return tuple(links)


NOT_FOUND = {
    "description": "No item has this id. Not documented by the spec: added by the generator "
    "(its mock answers an unknown id so), so that a server answering 404 here is not flagged.",
    "x-inferred": True,
}


def derived_document(
    document: dict[str, Any],
    raw_ops: dict[str, tuple[str, str]],
    links: tuple[Link, ...],
    not_found: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A copy of ``document`` with ``links`` added, and a 404 answer for each operation of
    ``not_found``; ``raw_ops`` maps operationId -> (path, method)."""
    derived = copy.deepcopy(document)
    for operation_id in not_found:
        path, method = raw_ops[operation_id]
        derived["paths"][path][method]["responses"]["404"] = dict(NOT_FOUND)
    for link in links:
        path, method = raw_ops[link.source]
        responses = derived["paths"][path][method]["responses"]
        key = link.status if link.status in responses else int(link.status)
        response = responses[key]
        if "$ref" in response:
            # A shared response object: this operation gets its own copy to carry the links.
            response = copy.deepcopy(_follow(derived, response["$ref"]))
            responses[key] = response
        response.setdefault("links", {})[link.name] = {
            "operationId": link.target,
            "parameters": dict(link.parameters),
            "x-inferred": True,
        }
    if links:
        derived["x-inferred-links"] = True
    return derived


def _follow(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return _follow(document, node["$ref"]) if isinstance(node, dict) and "$ref" in node else node
