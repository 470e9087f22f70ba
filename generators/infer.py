"""Spec -> :class:`~generators.model.Model`: resources, canned answers, the error shape, links.

Resources and their rules are in :mod:`generators.resources`. Every operation that is not
part of a resource gets a **canned** answer: its valid example, or a minimal valid instance of
its success schema. The **error shape** is the most common documented 4xx/default schema.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from generators import compat30
from generators.errors import GenerationError, pointer
from generators.links import infer_links
from generators.loader import Spec
from generators.model import Link, Model, Operation, Resource
from generators.operations import RawOperation, collect, is_json
from generators.resources import examples, find_resources
from generators.schemas import Schemas
from mockserver.errors import ERROR_MEDIA_TYPE
from mockserver.generic import CannedResponses, ErrorShape
from mockserver.generic.errorshape import ErrorSource

ERROR_FIELDS: dict[str, ErrorSource] = {
    "error": "error",
    "message": "message",
    "detail": "message",
    "description": "message",
    "msg": "message",
    "info": "info",
    "title": "status_text",
    "errors": "errors",
}


def package_name(spec_path: Path) -> str:
    """``spec/dtm.yaml`` -> ``dtm_mock``: the generated project's Python package."""
    stem = re.sub(r"[^0-9a-zA-Z]+", "_", spec_path.stem).strip("_").lower() or "spec"
    return f"{'_' if stem[0].isdigit() else ''}{stem}_mock"


def build_model(spec: Spec, package: str) -> Model:
    """The model of ``spec``; raises :class:`~generators.errors.GenerationError` on what it cannot serve."""
    schemas = Schemas(spec)
    raw_ops = collect(spec)
    by_path: dict[str, dict[str, RawOperation]] = {}
    for raw in raw_ops:
        by_path.setdefault(raw.path, {})[raw.method] = raw
    resources: list[Resource] = []
    operations: dict[str, Operation] = {}
    resource_problems: list[GenerationError] = []
    try:
        found = find_resources(spec, schemas, by_path, _error_resource(spec))
    except GenerationError as problem:
        resource_problems.append(problem)
        found = []
    for resource, ops in found:
        resources.append(resource)
        operations.update({o.operation_id: o for o in ops})
    canned: dict[str, tuple[Any, int, str | None]] = {}
    problems: list[GenerationError] = []
    example_notes: list[str] = []
    for raw in raw_ops:
        if raw.operation_id not in operations:
            try:
                canned[raw.operation_id] = _canned(spec, schemas, raw, example_notes)
            except GenerationError as problem:
                problems.append(problem)
                continue
            operations[raw.operation_id] = Operation(
                raw.operation_id, raw.method, raw.path, "canned", raw.method_name, raw.status
            )
    problems += compat30.problems(spec.document, spec.name)
    if resource_problems or problems:
        raise GenerationError.combine([*resource_problems, *problems])
    common = _common_error(schemas, raw_ops)
    ordered = _own_not_found_shapes(
        schemas, raw_ops, tuple(operations[r.operation_id] for r in raw_ops), common
    )
    owners = {
        raw.operation_id: (*owner, _own_shape(schemas, raw, owner[3], common))
        for raw in raw_ops
        if raw.operation_id in canned and (owner := _owner(raw, resources)) is not None
    }
    links: tuple[Link, ...] = infer_links(spec, schemas, tuple(resources), ordered, raw_ops)
    unknown = _unknown_id_statuses(raw_ops, ordered, owners)
    return Model(
        spec_name=spec.name,
        title=str(spec.document.get("info", {}).get("title", spec.name)),
        package=package,
        document=spec.document,
        resources=tuple(resources),
        operations=ordered,
        canned=CannedResponses(canned, owners, _locations(spec, raw_ops)),
        error_shape=_error_shape(spec, schemas, common),
        links=links,
        notes=(*spec.notes, *example_notes, *_not_found_notes(unknown)),
        undocumented_not_found=tuple(op_id for op_id, status in unknown.items() if status == 404),
    )


def contract_model(spec: Spec, package: str) -> Model:
    """The model of ``spec`` for the contract suite: the full model when the mock generator can
    build one (its resources give inferred links and resource checks), else the spec alone."""
    try:
        return build_model(spec, package)
    except GenerationError as refused:
        note = (
            f"The mock generator refuses this spec ({len(refused.problems)} problem(s), "
            "`python -m generators mock` lists them); the suite checks the spec without inferred "
            "links or resource checks."
        )
    return Model(
        spec_name=spec.name,
        title=str(spec.document.get("info", {}).get("title", spec.name)),
        package=package,
        document=spec.document,
        resources=(),
        operations=(),
        canned=CannedResponses({}),
        error_shape=ErrorShape(),
        notes=(*spec.notes, note),
    )


def _locations(spec: Spec, raw_ops: list[RawOperation]) -> dict[str, str]:
    """operationId -> the Location a redirect answers with: the header's example, else its default."""
    found: dict[str, str] = {}
    for raw in raw_ops:
        if not 300 <= raw.status < 400:
            continue
        response, where = raw.responses[str(raw.status)]
        header = {k.lower(): v for k, v in (response.get("headers") or {}).items()}.get("location")
        header = spec.deref(header, where) if header is not None else {}
        schema = header.get("schema") or {} if isinstance(header, dict) else {}
        for value in (
            header.get("example") if isinstance(header, dict) else None,
            schema.get("example"),
            schema.get("default"),
        ):
            if isinstance(value, str) and value:
                found[raw.operation_id] = value
                break
    return found


def _owner(raw: RawOperation, resources: list[Resource]) -> tuple[str, str, tuple[str, ...], int] | None:
    """The resource whose item path ``raw`` lives under (``/things/{id}/report``), if any: the
    innermost one (netlify's ``/sites/{site_id}/deploys/{deploy_id}/restore`` is a deploy's)."""
    for resource in sorted(resources, key=lambda r: -len(r.item_path)):
        if raw.path.startswith(resource.item_path + "/"):
            args = {p.name: p.arg for p in raw.path_params()}
            parents = tuple(args[n] for n in args if n != resource.id_param)[
                : len(resource.spec.parent_params)
            ]
            return resource.name, args[resource.id_param], parents, raw.not_found_status()
    return None


def _unknown_id_statuses(
    raw_ops: list[RawOperation], operations: tuple[Operation, ...], owners: dict[str, Any]
) -> dict[str, int]:
    """operationId -> what it answers for an unknown id, for operations whose spec is silent on it."""
    raw_by_id = {r.operation_id: r for r in raw_ops}
    found = {}
    for op in operations:
        raw = raw_by_id[op.operation_id]
        if (op.id_arg is None and op.operation_id not in owners) or raw.documents_not_found():
            continue
        found[op.operation_id] = raw.not_found_status()
    return found


def _not_found_notes(unknown: dict[str, int]) -> tuple[str, ...]:
    """What the README says about operations whose spec is silent on unknown ids (``unknown``:
    :func:`_unknown_id_statuses`)."""
    notes = []
    for operation_id, status in unknown.items():
        if status == 404:
            notes.append(
                f"`{operation_id}` answers 404 for an unknown id, which the spec does not document "
                "(a gap in the spec); the contract suite's copy of the spec documents it, marked "
                "`x-inferred: true`, so a server answering 404 there is not flagged."
            )
        else:
            notes.append(
                f"`{operation_id}` answers {status} for an unknown id: the spec documents no 404 for it "
                f"and {status} is the documented client error that fits best."
            )
    return tuple(notes)


def _error_resource(spec: Spec) -> str:
    """The ``<resource>`` of Cumulocity error codes: the first path segment that is not ``service``."""
    for path in spec.document["paths"]:
        for segment in path.strip("/").split("/"):
            if segment and segment != "service" and not segment.startswith("{"):
                return str(segment)
    return "undefined"


def _canned(spec: Spec, schemas: Schemas, raw: RawOperation, notes: list[str]) -> tuple[Any, int, str | None]:
    """The answer of an operation outside every resource: its first example that validates, else
    a minimal valid instance; an example skipped for violating the schema is named in ``notes``."""
    media = raw.success
    if media is None:
        return None, raw.status, raw.bodiless_media_type()
    if not is_json(media.media_type) or media.schema is None:
        return "", raw.status, media.media_type
    skipped = []
    for value, where in examples(spec, media.where):
        # An answer: train-travel's payment example carries the card's write-only `cvc`.
        problems = schemas.errors(media.schema, value, read=True)
        if not problems:
            return value, raw.status, media.media_type
        skipped.append(f"{where} ({problems[0]})")
    if skipped:
        notes.append(
            f"{raw.method.upper()} {raw.path} answers a generated valid {raw.status} body, not the "
            f"spec's example, which violates its own schema: {skipped[0]}"
        )
    value = schemas.minimal(media.schema)
    if value is None:  # an untyped schema: answer a JSON value it accepts, not an empty body
        candidates: tuple[Any, ...] = ({}, [], "", 0)
        value = next((v for v in candidates if not schemas.errors(media.schema, v)), None)
    problems = schemas.errors(media.schema, value)
    if problems:
        raise spec.error(
            media.schema,
            f"The operation {raw.operation_id!r} is not a resource operation and the generator cannot build "
            f"a valid {raw.status} answer for it ({problems[0]}).",
            "Add an example to the response (or a default/example to the failing property).",
        )
    return value, raw.status, media.media_type


# The JSON type each error source fills a property with.
SOURCE_TYPES: dict[ErrorSource, str] = {
    "error": "string",
    "message": "string",
    "info": "string",
    "status": "integer",
    "status_text": "string",
    "errors": "array",
}
PROBLEM_JSON = ErrorShape(
    media_type="application/problem+json",
    fields=(("type", "constant"), ("title", "status_text"), ("status", "status"), ("detail", "message")),
    constants=(("type", "about:blank"),),
)


def _error_schemas(schemas: Schemas, raw: RawOperation, code: str) -> list[tuple[str, str]]:
    """(resolved schema pointer, media type) of each JSON body ``raw`` documents for ``code``."""
    response, where = raw.responses.get(code, ({}, ""))
    content = response.get("content") or {}
    return [
        (schemas.node(f"{where}/content{pointer(media_type)}/schema")[1], media_type)
        for media_type, media in content.items()
        if is_json(media_type) and isinstance(media, dict) and "schema" in media
    ]


def _common_error(schemas: Schemas, raw_ops: list[RawOperation]) -> tuple[str, str] | None:
    """(schema pointer, media type) of the most common documented 4xx/default error body."""
    counts: Counter[tuple[str, str]] = Counter(
        found
        for raw in raw_ops
        for code in raw.responses
        if code.startswith("4") or code == "default"
        for found in _error_schemas(schemas, raw, code)
    )
    return counts.most_common(1)[0][0] if counts else None


def _error_shape(spec: Spec, schemas: Schemas, common: tuple[str, str] | None) -> ErrorShape:
    """The error body every error answer uses: the most common documented 4xx/default schema
    (``common``, :func:`_common_error`); Cumulocity's body for a Cumulocity spec that documents
    none, else RFC 9457 problem+json."""
    if common is None:
        return ErrorShape(media_type=ERROR_MEDIA_TYPE) if ERROR_MEDIA_TYPE in spec.text else PROBLEM_JSON
    return _shape_at(schemas, *common)


def _own_not_found_shapes(
    schemas: Schemas,
    raw_ops: list[RawOperation],
    ordered: tuple[Operation, ...],
    common: tuple[str, str] | None,
) -> tuple[Operation, ...]:
    """``ordered`` with the error shape of each by-id operation whose documented unknown-id answer
    has another schema than the ``common`` error (openai's ``DELETE /evals/{id}`` 404: a bare
    ``{type, message, param, code}`` where every other error wraps it in ``error``)."""
    by_id = {raw.operation_id: raw for raw in raw_ops}
    shaped = []
    for op in ordered:
        own = _own_shape(schemas, by_id[op.operation_id], op.not_found_status, common) if op.id_arg else None
        shaped.append(op if own is None else replace(op, error_shape=own))
    return tuple(shaped)


def _own_shape(
    schemas: Schemas, raw: RawOperation, status: int, common: tuple[str, str] | None
) -> ErrorShape | None:
    """The shape of ``raw``'s documented ``status`` answer when its schema is not the ``common``
    error (also for an action under an item path: openai's ``POST /responses/{id}/cancel``)."""
    own = _error_schemas(schemas, raw, str(status))
    if own and common is not None and own[0][0] != common[0]:
        return _shape_at(schemas, *own[0])
    return None


def _shape_at(schemas: Schemas, where: str, media_type: str) -> ErrorShape:
    """The error shape of the schema at ``where``, answered as ``media_type``."""
    if schemas.type_of(where) == "string":
        return ErrorShape(media_type=media_type, fields=(), as_text=True)
    wrapped = _error_envelope(schemas, where)
    envelope, where = wrapped if wrapped is not None else (None, where)
    fields, constants, choices = _error_fields(schemas, where)
    return ErrorShape(media_type, tuple(fields), tuple(constants), choices=tuple(choices), envelope=envelope)


def _error_envelope(schemas: Schemas, where: str) -> tuple[str, str] | None:
    """(property, pointer) when the error schema wraps the error in one object property that has
    a ``message`` (openai's ``{"error": {"code", "message", "param", "type"}}``)."""
    view = schemas.view(where)
    if len(view.properties) != 1:
        return None
    ((name, (_, inner)),) = view.properties.items()
    if schemas.type_of(inner) != "object" or "message" not in schemas.view(inner).properties:
        return None
    return name, inner


def _error_fields(
    schemas: Schemas, where: str
) -> tuple[list[tuple[str, ErrorSource]], list[tuple[str, Any]], list[tuple[str, tuple[Any, ...]]]]:
    view = schemas.view(where)
    fields: list[tuple[str, ErrorSource]] = []
    constants: list[tuple[str, Any]] = []
    choices: list[tuple[str, tuple[Any, ...]]] = []
    for prop, (_, prop_where) in view.properties.items():
        kind = schemas.type_of(prop_where)
        allowed = schemas.node(prop_where)[0].get("enum")
        if isinstance(allowed, list) and allowed:
            choices.append((prop, tuple(allowed)))
        source: ErrorSource | None = ERROR_FIELDS.get(prop)
        if prop in ("code", "status", "statusCode", "status_code"):
            source = "status" if kind in ("integer", "number") else "error"
        if source is not None and kind is not None and not _fits(SOURCE_TYPES[source], kind):
            source = None  # the spec types it otherwise: {"error": {...}} is not a code string
        if source == "errors" and prop not in view.required:
            source = None
        if source is None and prop in view.required:
            source = "constant"
            constants.append((prop, schemas.minimal(prop_where)))
        if source is not None:
            fields.append((prop, source))
    return fields, constants, choices


def _fits(produced: str, declared: str) -> bool:
    return produced == declared or (produced == "integer" and declared == "number")
