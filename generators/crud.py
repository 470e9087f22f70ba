"""The resource checks of the contract suite: what ``test_resources.py`` knows about each resource.

Schemathesis checks each answer against the spec; it does not check that the API remembers.
For every top-level resource with a create and a read operation the suite creates an item
(from a Schemathesis-generated valid body) and then checks that it is listed, read back as
itself, changed by each update, and gone after delete. Each row here is plain data the
template renders as a literal: paths, the id field, envelopes, paging parameters, and the
documented 2xx statuses of each operation (the checks accept any of them).
"""

from __future__ import annotations

from typing import Any, TypedDict

from generators.model import Model, Operation, Resource
from generators.required_params import Required, required_params
from generators.resources import PROBE_VALUE


class Step(TypedDict):
    """One operation of a resource: its method and the statuses that mean success."""

    method: str
    statuses: list[int]
    request_envelope: str | None
    response_envelope: str | None


class ResourceRow(TypedDict):
    """Everything ``test_resources.py`` needs about one resource."""

    name: str
    collection: str
    item: str
    id_param: str
    id_field: str | None
    list_key: str | None
    paging: dict[str, Any]
    probe: str | None
    probe_value: str
    not_found: int
    steps: dict[str, Step]
    required: Required
    filters: list[str]


def _statuses(document: dict[str, Any], op: Operation) -> list[int]:
    node = ((document.get("paths") or {}).get(op.path) or {}).get(op.method) or {}
    responses = node.get("responses") or {} if isinstance(node, dict) else {}
    found = sorted({int(c) for c in map(str, responses) if c.isdigit() and 200 <= int(c) < 300})
    if any(str(c).upper() == "2XX" for c in responses):
        found = list(range(200, 300))
    return found or [op.status]


def _step(document: dict[str, Any], op: Operation) -> Step:
    return Step(
        method=op.method.upper(),
        statuses=_statuses(document, op),
        request_envelope=op.request_envelope,
        response_envelope=op.response_envelope,
    )


def _row(model: Model, resource: Resource) -> ResourceRow | None:
    ops = [o for o in model.operations if o.resource == resource.name]
    steps: dict[str, Step] = {}
    for op in ops:
        key: str = op.method if op.kind == "update" else op.kind  # "put" or "patch" for updates
        steps.setdefault(key, _step(model.document, op))
    if resource.spec.parent_params or "create" not in steps or "get" not in steps:
        return None
    paging = resource.spec.paging
    get = next(o for o in ops if o.kind == "get")
    return ResourceRow(
        name=resource.name,
        collection=resource.collection_path,
        item=resource.item_path,
        id_param=resource.id_param,
        id_field=resource.spec.id_field,
        list_key=resource.spec.list_shape.key,
        paging={
            "style": paging.style,
            "size": paging.size_param,
            "position": paging.position_param,
            "first": paging.first_page,
            "max": paging.max_size,
        },
        probe=resource.probe,
        probe_value=PROBE_VALUE,
        not_found=get.not_found_status,
        steps=steps,
        required=required_params(model.document, [(o.path, o.method) for o in ops]),
        filters=sorted(f.field for f in resource.spec.filters),
    )


def resource_rows(model: Model) -> list[ResourceRow]:
    """The rows of the resources the suite can check end to end (top-level, create and read)."""
    return [row for r in model.resources if (row := _row(model, r)) is not None]
