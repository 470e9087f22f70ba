"""Which paths form a resource, and everything the mock needs to serve it.

A **resource** is a collection path ``P`` with an item path ``P/{id}``: ``GET P`` lists,
``POST P`` (JSON body) creates, ``GET``/``PUT``/``PATCH``/``DELETE P/{id}`` read, update and
delete. The item schema comes from ``GET P/{id}``, else from the create answer, else from the
list items. A resource needs a create operation or seed examples (else its items could never
exist and its operations get canned answers). More rules:

* **Nested**: path parameters of ``P`` are parent keys; items are stored per parent.
* **Envelopes**: an item schema with a single required object property (``{"article": {...}}``)
  is an envelope; bodies and answers are (un)wrapped, the inner object is the item.
* **Id field**: the item property named like the path parameter, else ``id``, else none
  (the id lives only in the path); its schema gives the id type (integer, uuid, digits).
* **Filters**: list query parameters without a default named like a scalar item property.
* **Server fields**: properties clients never send (``self``, timestamps) or may omit although
  the item requires them get values from the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from generators import shapes
from generators.errors import GenerationError, pointer
from generators.loader import Spec
from generators.model import Operation, OperationKind, Resource
from generators.operations import Param, RawOperation, is_json
from generators.schemas import ObjectView, Schemas
from generators.served import null_only
from mockserver.generic import ListShape, PagingSpec, ResourceSpec, ServerField, Variant
from mockserver.generic.spec import FilterSpec
from mockserver.ids import IdType
from mockserver.paging import ExtraSource

ITEM_PATH = re.compile(r"(?P<parent>.*)/\{(?P<param>[^}/]+)\}")
CUMULOCITY_EXTRAS: dict[str, ExtraSource] = {
    "statistics": "statistics",
    "self": "self",
    "next": "next",
    "prev": "prev",
}
EXTRAS: dict[str, ExtraSource] = {
    **{n: "total" for n in ("total", "totalCount", "total_count", "totalElements", "totalItems")},
    "count": "count",
    **{n: "size" for n in ("limit", "pageSize", "page_size", "per_page", "perPage", "size")},
    **{n: "position" for n in ("offset", "page", "currentPage", "current_page", "skip")},
}
NUMERIC_EXTRAS = ("total", "count", "size", "position")
COUNT_NAME = re.compile(r"^[a-z][A-Za-z]*(Count|_count)$")
SIZE_PARAMS = ("per_page", "perPage", "pageSize", "page_size", "limit", "size")
UPDATED_NAME = re.compile(r"(?i)(updated|modified)")


@dataclass
class _Parts:
    """The operations around one item path."""

    item_path: str
    collection_path: str
    id_param: str
    item: dict[str, RawOperation]
    collection: dict[str, RawOperation]

    def create(self) -> RawOperation | None:
        post = self.collection.get("post")
        if post is None or post.body is None or post.body.schema is None or not is_json(post.body.media_type):
            return None
        return post


def find_resources(
    spec: Spec, schemas: Schemas, by_path: dict[str, dict[str, RawOperation]], error_resource: str
) -> list[tuple[Resource, list[Operation]]]:
    """Every resource of the spec with the operations that serve it."""
    found: list[tuple[Resource, list[Operation]]] = []
    problems: list[GenerationError] = []
    for item_path, item_ops in by_path.items():
        match = ITEM_PATH.fullmatch(item_path)
        if not match or match["parent"] not in by_path:
            continue
        parts = _Parts(item_path, match["parent"], match["param"], item_ops, by_path[match["parent"]])
        try:
            built = _resource(spec, schemas, parts, error_resource)
        except GenerationError as problem:
            problems.append(problem)
            continue
        if built is None:
            continue
        resource, ops = built
        if any(r.name == resource.name for r, _ in found):
            resource = _renamed(resource, f"{resource.name}_{len(found)}")
            ops = [_with_resource(o, resource.name) for o in ops]
        found.append((resource, ops))
    if problems:
        raise GenerationError.combine(problems)
    return found


def _renamed(resource: Resource, name: str) -> Resource:
    from dataclasses import replace

    return replace(resource, name=name, spec=replace(resource.spec, name=name))


def _with_resource(op: Operation, name: str) -> Operation:
    from dataclasses import replace

    return replace(op, resource=name)


def _json_schema(raw: RawOperation | None) -> str | None:
    if (
        raw is None
        or raw.success is None
        or raw.success.schema is None
        or not is_json(raw.success.media_type)
    ):
        return None
    return raw.success.schema


def _envelope(schemas: Schemas, where: str | None) -> tuple[str | None, str | None]:
    """(envelope key, inner schema pointer) of an object schema, or (None, where) when not enveloped."""
    if where is None:
        return None, None
    view = schemas.view(where)
    if len(view.properties) == 1:
        ((key, (_, inner)),) = view.properties.items()
        if key in view.required and schemas.view(inner).is_object:
            return key, inner
    return None, where


def _item_schema(schemas: Schemas, parts: _Parts) -> str | None:
    for candidate in (_json_schema(parts.item.get("get")), _json_schema(parts.create())):
        if candidate is not None and schemas.view(candidate).is_object:
            return candidate
    listed = _json_schema(parts.collection.get("get"))
    if listed is not None and schemas.type_of(listed) == "array":
        items = f"{schemas.node(listed)[1]}/items"
        if schemas.view(items).is_object:
            return items
    return None


def _resource(
    spec: Spec, schemas: Schemas, parts: _Parts, error_resource: str
) -> tuple[Resource, list[Operation]] | None:
    outer = _item_schema(schemas, parts)
    if outer is None:
        return None
    envelope, item_schema = _envelope(schemas, outer)
    assert item_schema is not None
    view = schemas.view(item_schema)
    name = next(
        (s for s in reversed(parts.collection_path.split("/")) if s and not s.startswith("{")), "items"
    )
    template = next(iter(parts.item.values()))
    path_params = {p.name: p for p in template.path_params()}
    id_arg = path_params[parts.id_param].arg
    parent_args = tuple(p.arg for n, p in path_params.items() if n != parts.id_param)

    id_field = (
        parts.id_param if parts.id_param in view.properties else "id" if "id" in view.properties else None
    )
    id_schema = view.properties[id_field][1] if id_field else path_params[parts.id_param].schema
    if id_schema is None:
        raise spec.error(
            template.where, f"The path parameter {parts.id_param!r} has no schema.", "Give it a type."
        )
    id_type = _id_type(spec, schemas, id_schema)

    create = parts.create()
    written = create.body.schema if create and create.body else None
    if written is not None and _lists(schemas, written) and "items" in schemas.node(written)[0]:
        written = schemas.node(written)[1] + "/items"  # a create of a list: each item is written so
    create_view = _inner_view(schemas, written, envelope)
    client_ids = bool(
        id_field
        and create_view
        and id_field in create_view.properties
        and not create_view.properties[id_field][0].get("readOnly")
    )
    body_required = bool(create and create.body_required)
    server_fields = _server_fields(spec, schemas, name, view, create_view, id_field, body_required)
    variants = _variants(
        spec,
        schemas,
        name,
        (item_schema, None if envelope else written),
        create_view,
        id_field,
        body_required,
    )

    ops: list[Operation] = []
    seeds: list[tuple[Any, str]] = []
    paging, shape = PagingSpec(), ListShape()
    filters: list[FilterSpec] = []
    ignored: list[str] = []
    listing = parts.collection.get("get")
    listed = _list_shape(spec, schemas, listing) if _json_schema(listing) else None
    if listing is not None and listed is not None:
        shape, max_items = listed
        paging, paging_names = paging_of(spec, listing, max_items)
        filters, ignored = _filters(schemas, listing, paging_names, view)
        ops.append(_op(schemas, listing, "list", name, None, parent_args, None))
        for value, where in examples(spec, listing.success.where if listing.success else ""):
            items = value.get(shape.key) if isinstance(value, dict) and shape.key else value
            for i, item in enumerate(items if isinstance(items, list) else []):
                seeds.append((item, f"{where}/{shape.key + '/' if shape.key else ''}{i}"))
    filled = [f for f in server_fields if f.kind != "checked"]  # the server's; checked are written
    stored = view.required | {f.name for f in filled} | ({id_field} if id_field else set())
    answering = _AnswerOf(schemas, item_schema, stored)
    if create is not None:
        created = _op(schemas, create, "create", name, None, parent_args, envelope)
        scoped = tuple(
            (q.arg, q.name) for q in create.query() if q.name in view.properties and q.name != id_field
        )
        ops.append(answering(replace(created, query_fields=scoped), create))
    for method, raw in parts.item.items():
        if method == "get" and _json_schema(raw) is not None:
            ops.insert(0, _op(schemas, raw, "get", name, id_arg, parent_args, envelope))
        elif method in ("put", "patch") and raw.body is not None and raw.body.schema is not None:
            body_view = _inner_view(schemas, raw.body.schema, envelope) or ObjectView()
            needed = view.required - {id_field} - {f.name for f in filled}
            merge = method == "patch" or not needed <= body_view.required
            updated = _op(schemas, raw, "update", name, id_arg, parent_args, envelope, merge=merge)
            ops.append(answering(updated, raw))
        elif method == "delete":
            ops.append(answering(_op(schemas, raw, "delete", name, id_arg, parent_args, envelope), raw))
    for source in (parts.item.get("get"), create):
        if source is not None and source.success is not None:
            seeds += [(_unwrap(v, envelope), w) for v, w in examples(spec, source.success.where)]
    seed, skipped = _valid_seeds(schemas, item_schema, seeds, id_field, parent_args)
    if create is None and not seed:
        return None
    resource_spec = ResourceSpec(
        name=name,
        id_field=id_field,
        id_type=id_type,
        parent_params=parent_args,
        client_ids=client_ids,
        filters=tuple(filters),
        paging=paging,
        list_shape=shape,
        server_fields=tuple(server_fields),
        error_resource=error_resource,
        write_only=tuple(sorted(p for p, (schema, _) in view.properties.items() if schema.get("writeOnly"))),
        nullable=tuple(sorted(p for p, (schema, _) in view.properties.items() if schema.get("nullable"))),
        variants=tuple(
            v for v in variants if v.server_fields != tuple(server_fields) or v.fallback is not None
        ),
        **_checked_item(schemas, item_schema),
    )
    updates = [r for m in ("put", "patch") if (r := parts.item.get(m)) is not None and r.body is not None]
    update_views = [_inner_view(schemas, r.body.schema if r.body else None, envelope) for r in updates]
    skip = {id_field, *(f.name for f in filled)}
    resource = Resource(
        name,
        parts.collection_path,
        parts.item_path,
        parts.id_param,
        resource_spec,
        tuple(seed),
        tuple(skipped),
        tuple(ignored),
        envelope,
        probe=_probe(view, create_view, [v for v in update_views if v is not None], skip),
    )
    return resource, ops


@dataclass(frozen=True)
class _AnswerOf:
    """Gives a write the answer its own schema asks for where that is not the stored item
    (:func:`generators.shapes.own_answer`, :func:`generators.shapes.answers_list`)."""

    schemas: Schemas
    item_schema: str
    stored: set[str]

    def __call__(self, op: Operation, raw: RawOperation) -> Operation:
        success = _json_schema(raw)
        if op.response_envelope is not None or op.bulk or success is None:
            return op
        if shapes.answers_list(self.schemas, success, self.item_schema):
            return replace(op, answer_list=True)
        own = shapes.own_answer(self.schemas, success, self.item_schema, self.stored, op.kind)
        return op if own is None else replace(op, answer=own[0], answer_fields=own[1])


def _checked(schemas: Schemas, prop: str, where: str, *, required: bool) -> ServerField:
    """A written property whose answer schema may refuse what was written (discord's message
    ``embeds``): kept when it passes, else the answer's minimal value (dropped when optional)."""
    return ServerField(prop, "checked", schemas.valid_minimal(where) if required else None, where=where)


PROBE_VALUE = "changed"  # the suite appends one letter per update method


def _probe(
    view: ObjectView, create_view: ObjectView | None, updates: list[ObjectView], skip: set[str | None]
) -> str | None:
    """A property every write sends as a free string: what an update check changes and reads back."""
    if create_view is None or not updates:
        return None
    for name, (schema, _) in sorted(view.properties.items()):
        free = (
            schema.get("type") == "string"
            and not {"enum", "format", "pattern", "const", "readOnly", "writeOnly"} & schema.keys()
            and int(schema.get("minLength", 0)) <= len(PROBE_VALUE) < int(schema.get("maxLength", 1 << 20))
        )
        if (
            free
            and name not in skip
            and name in create_view.properties
            and all(name in u.properties for u in updates)
        ):
            return name
    return None


def _unwrap(value: Any, envelope: str | None) -> Any:
    return value.get(envelope) if envelope and isinstance(value, dict) else value


def _inner_view(schemas: Schemas, where: str | None, envelope: str | None) -> ObjectView | None:
    if where is None:
        return None
    if envelope:
        key, inner = _envelope(schemas, where)
        if key == envelope and inner is not None:
            return schemas.view(inner)
    return schemas.view(where)


def _variants(
    spec: Spec,
    schemas: Schemas,
    name: str,
    answered_written: tuple[str, str | None],
    create_view: ObjectView | None,
    id_field: str | None,
    body_required: bool,
) -> list[Variant]:
    """The server fields of each branch of a tagged union item (:func:`shapes.tagged_branches`),
    worked out against the written branch of the same tag value where the create body is one too."""
    answered, written = answered_written
    tagged = shapes.tagged_branches(schemas, answered)
    if tagged is None:
        return []
    tag, branches = tagged
    sent = shapes.tagged_branches(schemas, written)
    sent_branches = sent[1] if sent is not None and sent[0] == tag else []
    variants = []
    for value, where in branches:
        sent_at = next((w for v, w in sent_branches if type(v) is type(value) and v == value), None)
        try:
            fields = _server_fields(
                spec,
                schemas,
                name,
                schemas.view(where),
                schemas.view(sent_at) if sent_at is not None else create_view,
                id_field,
                body_required,
            )
        except GenerationError:
            continue  # a branch the generator cannot fill in keeps the resource's own fields
        variants.append(Variant(tag, value, tuple(fields), schemas.valid_minimal(where)))
    return variants


def _checked_item(schemas: Schemas, item_schema: str) -> dict[str, Any]:
    """``item_where`` and ``fallback`` of a resource whose item schema is a union: how a write
    maps onto its branches is more than the generator works out, so the store checks each
    stored item against it and answers a valid instance instead of one that fails it."""
    node, where = schemas.node(item_schema)
    branches = [b for key in ("oneOf", "anyOf") for b in node.get(key) or [] if not null_only(b)]
    if len(branches) < 2:
        return {}
    return {"item_where": where, "fallback": schemas.valid_minimal(where)}


def _server_fields(
    spec: Spec,
    schemas: Schemas,
    name: str,
    view: ObjectView,
    create_view: ObjectView | None,
    id_field: str | None,
    body_required: bool,
) -> list[ServerField]:
    """What the store fills in: answered properties a create may not send (an optional body sends
    none of them, however its schema's ``required`` reads), server-set ones, and written ones the
    answer schema gives another shape."""
    fields = []
    for prop, (prop_schema, prop_where) in sorted(view.properties.items()):
        sent = create_view is not None and prop in create_view.properties and not prop_schema.get("readOnly")
        required_in_body = sent and create_view is not None and prop in create_view.required
        always_sent = required_in_body and body_required
        written = create_view.properties[prop][1] if sent and create_view is not None else None
        reshaping = shapes.reshaping(schemas, written, prop_where) if written is not None else None
        if reshaping is not None and (reshaped := shapes.reshaped(schemas, prop, reshaping)) is not None:
            value = schemas.minimal(prop_where)
            if prop in view.required and not always_sent and not schemas.errors(prop_where, value):
                fields.append(ServerField(prop, "constant", value))  # answered even when not written
            fields.append(reshaped)
            if reshaped.kind != "reshaped":  # completed: what the write had may still not pass
                fields.append(_checked(schemas, prop, prop_where, required=prop in view.required))
            continue
        if (
            written is not None
            and prop != id_field
            and not shapes.fits(schemas, prop_where, written, null_dropped=True)
        ):
            fields.append(_checked(schemas, prop, prop_where, required=prop in view.required))
        if prop == id_field or always_sent:
            continue
        if prop == "self" and not sent:
            fields.append(ServerField(prop, "self"))
        elif prop_schema.get("format") == "date-time" and not sent:
            if prop in view.required or prop_schema.get("readOnly"):
                fields.append(ServerField(prop, "updated" if UPDATED_NAME.search(prop) else "created"))
        elif prop in view.required:
            value = schemas.minimal(prop_where)
            problems = schemas.errors(prop_where, value)
            if problems and required_in_body:
                continue  # only a create without a body leaves it out
            if problems:
                raise spec.error(
                    prop_where,
                    f"The required property {prop!r} of {name} may be missing from create requests and the "
                    f"generator cannot build a valid value for it ({problems[0]}).",
                    "Give the property an example or a default.",
                )
            fields.append(ServerField(prop, "constant", value))
    return fields


def _filters(
    schemas: Schemas, listing: RawOperation, paging_names: set[str], view: ObjectView
) -> tuple[list[FilterSpec], list[str]]:
    filters: list[FilterSpec] = []
    ignored: list[str] = []
    for param in listing.query():
        if param.name in paging_names:
            continue
        prop = view.properties.get(param.name)
        prop_type = schemas.type_of(prop[1]) if prop else None
        if prop is None or param.has_default or prop_type not in (*shapes.SCALARS, "array"):
            ignored.append(param.name)
            continue
        param_type = schemas.type_of(param.schema) if param.schema else None
        filters.append(
            FilterSpec(
                param.arg,
                param.name,
                param_is_array=param_type == "array",
                field_is_array=prop_type == "array",
            )
        )
    return filters, ignored


def _op(
    schemas: Schemas,
    raw: RawOperation,
    kind: OperationKind,
    resource: str,
    id_arg: str | None,
    parents: tuple[str, ...],
    envelope: str | None,
    merge: bool = False,
) -> Operation:
    success = _json_schema(raw)
    request_envelope = None
    if envelope and raw.body is not None and raw.body.schema is not None:
        request_envelope = envelope if _envelope(schemas, raw.body.schema)[0] == envelope else None
    response_envelope = (
        envelope if envelope and success and _envelope(schemas, success)[0] == envelope else None
    )
    return Operation(
        raw.operation_id,
        raw.method,
        raw.path,
        kind,
        raw.method_name,
        raw.status,
        resource=resource,
        id_arg=id_arg,
        parent_args=parents,
        returns_body=success is not None,
        bulk=kind == "create"
        and _lists(schemas, raw.body.schema if raw.body else None)
        and _lists(schemas, success),
        merge=merge,
        request_envelope=request_envelope,
        response_envelope=response_envelope if kind != "list" else None,
        media_type=(
            raw.success.media_type
            if success is not None and raw.success is not None
            else raw.bodiless_media_type()
        ),
        not_found_status=raw.not_found_status() if id_arg is not None else 404,
    )


def _lists(schemas: Schemas, where: str | None) -> bool:
    return where is not None and schemas.type_of(where) == "array"


def _id_type(spec: Spec, schemas: Schemas, where: str) -> IdType:
    schema, _ = schemas.node(where)
    kind = schemas.type_of(where)
    if kind == "integer":
        return "integer"
    if kind == "string" and schema.get("format") == "uuid":
        return "uuid"
    if kind == "string":
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, "12345"):
            raise spec.error(
                where,
                f"The id pattern {pattern!r} does not admit decimal-digit ids, "
                "the only string ids the mock makes.",
                "Type the id as an integer or as a string with format uuid, or loosen the pattern.",
            )
        return "digits"
    raise spec.error(
        where,
        f"The id is typed {kind or '(untyped)'!r}; expected integer, string or string with format uuid.",
        "Type the id field (or the path parameter) as integer or string.",
    )


def _list_shape(
    spec: Spec, schemas: Schemas, listing: RawOperation | None
) -> tuple[ListShape, int | None] | None:
    where = _json_schema(listing)
    if listing is None or where is None:
        return None
    schema, _ = schemas.node(where)
    if schemas.type_of(where) == "array":
        return ListShape(), schema.get("maxItems")
    view = schemas.view(where)
    arrays = [n for n, (_, w) in view.properties.items() if schemas.type_of(w) == "array"]
    if len(arrays) != 1:
        return None
    key = arrays[0]
    cumulocity = {p.name for p in listing.query()} >= {"pageSize", "currentPage"}
    extras: list[tuple[str, ExtraSource]] = []
    constants: list[tuple[str, Any]] = []
    for prop, (_, prop_where) in view.properties.items():
        if prop == key:
            continue
        source = EXTRAS.get(prop) or ("total" if COUNT_NAME.match(prop) else None)
        if cumulocity:
            source = CUMULOCITY_EXTRAS.get(prop)
        if source in NUMERIC_EXTRAS and schemas.type_of(prop_where) not in (None, "integer", "number"):
            source = None  # box's FolderLocks answers its `limit` as a string: not the page size
        if source is None:
            if prop in view.required:
                constants.append((prop, _constant(spec, schemas, listing, prop, prop_where)))
            continue
        extras.append((prop, source))
    array_schema, _ = schemas.node(view.properties[key][1])
    return ListShape(key, tuple(extras), tuple(constants)), array_schema.get("maxItems")


def _constant(spec: Spec, schemas: Schemas, listing: RawOperation, prop: str, where: str) -> Any:
    """A schema-valid value for a required list property the mock cannot compute (``object: list``)."""
    value = schemas.minimal(where)
    problems = schemas.errors(where, value)
    if problems:
        raise spec.error(
            where,
            f"The list answer of {listing.operation_id!r} requires {prop!r}, which the mock cannot "
            f"compute, and the generator cannot build a valid value for it ({problems[0]}).",
            "Give the property an example or a default, or make it optional.",
        )
    return value


def paging_of(spec: Spec, listing: RawOperation, max_items: int | None) -> tuple[PagingSpec, set[str]]:
    """The paging style of a list operation and the parameter names it consumes.

    ``pageSize`` + ``currentPage`` is Cumulocity paging; ``page`` with a size parameter
    (``per_page``, ``limit``, ``pageSize`` ...) is page paging; ``limit`` and/or ``offset`` is
    offset paging; anything else returns every item (up to the array's ``maxItems``).
    """
    params: dict[str, Param] = {p.name: p for p in listing.query()}

    def bounds(name: str | None) -> tuple[int | None, int | None, int]:
        where = params[name].schema if name else None
        if where is None:
            return None, max_items, 1
        schema = spec.deref(spec.at(where), where)
        caps = [c for c in (schema.get("maximum"), max_items) if isinstance(c, int)]
        return schema.get("default"), (min(caps) if caps else None), int(schema.get("minimum", 1))

    if {"pageSize", "currentPage"} <= params.keys():
        used = {"pageSize", "currentPage", "withTotalPages", "withTotalElements"} & params.keys()
        return PagingSpec("cumulocity", params["pageSize"].arg, params["currentPage"].arg), used
    size_name = next((n for n in SIZE_PARAMS if n in params), None)
    if "page" in params and size_name:
        default, cap, _ = bounds(size_name)
        first = 0 if bounds("page")[2] == 0 else 1
        paging = PagingSpec("page", params[size_name].arg, params["page"].arg, default, cap, first)
        return paging, {"page", size_name}
    if "limit" in params or "offset" in params:
        default, cap, _ = bounds("limit" if "limit" in params else None)
        position = params["offset"].arg if "offset" in params else None
        size = params["limit"].arg if "limit" in params else None
        return PagingSpec("offset", size, position, default, cap), {"limit", "offset"} & params.keys()
    return PagingSpec("none", max_size=max_items), set()


def examples(spec: Spec, media_where: str) -> list[tuple[Any, str]]:
    """The examples of a media object (``example`` and every ``examples`` value) with their pointers."""
    if not media_where:
        return []
    media = spec.deref(spec.at(media_where), media_where)
    if not isinstance(media, dict):
        return []
    found = []
    if "example" in media:
        found.append((media["example"], f"{media_where}/example"))
    for key, node in (media.get("examples") or {}).items():
        example, where = spec.resolve(node, f"{media_where}/examples{pointer(key)}")
        if isinstance(example, dict) and "value" in example:
            found.append((example["value"], f"{where}/value"))
    return found


def _valid_seeds(
    schemas: Schemas,
    item_schema: str,
    seeds: list[tuple[Any, str]],
    id_field: str | None,
    parents: tuple[str, ...],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Examples usable as seed data: valid, with an id, not nested (a parent id is unknown)."""
    kept: list[dict[str, Any]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for value, where in seeds:
        reason = None
        if parents:
            reason = "items of a nested resource are not seeded (their parent is unknown)"
        elif not isinstance(value, dict):
            reason = "not an object"
        elif id_field and value.get(id_field) is None:
            reason = f"no {id_field!r}"
        else:
            problems = schemas.errors(item_schema, value, read=True)  # seeds are answered
            if problems:
                reason = f"does not validate against the item schema ({problems[0]})"
            elif id_field and str(value[id_field]) in seen:
                reason = f"duplicate {id_field} {value[id_field]!r}"
        if reason or not isinstance(value, dict):
            skipped.append(f"{where}: {reason}")
            continue
        if id_field:
            seen.add(str(value[id_field]))
        kept.append(value)
    return kept, skipped
