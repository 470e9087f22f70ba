"""The copy of a spec that the generated projects serve and test: what would break them removed.

Three things in real specs stop Connexion or Schemathesis although they say nothing a mock needs:

* ``x-`` extension values that hold a ``$ref`` (often to another file): the tools resolve every
  ``$ref`` in the document, so such a value is removed from the copy, never resolved;
* security requirements naming a scheme ``components.securitySchemes`` does not define: the name
  is dropped from the requirement, and a requirement left with no scheme is dropped entirely;
* a ``discriminator`` without a mapping whose branches pin its property to other values than
  their schema names: the values the branches pin are mapped, so that an answer can satisfy both
  Schemathesis's discriminator check and the branch schemas.

An operation without ``responses`` (3.1 allows it, 3.0 does not) gets a ``default`` one. Each
change is reported as a note for the generated READMEs.
"""

from __future__ import annotations

from typing import Any

from generators.errors import pointer
from generators.operation_ids import METHODS


def served_document(document: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``document`` without extension references and undefined security schemes, and the notes."""
    notes: list[str] = []
    cleaned = _without_extension_refs(document, "", notes)
    _map_pinned_discriminators(cleaned, (cleaned.get("components") or {}).get("schemas") or {}, "", notes)
    defined = set(((cleaned.get("components") or {}).get("securitySchemes") or {}).keys())
    if "security" in cleaned:
        cleaned["security"] = _requirements(cleaned["security"], defined, "/security", notes)
    for path, item in (cleaned.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict) and not op.get("responses"):
                op["responses"] = {"default": {"description": "No response documented by the spec."}}
                notes.append(f"`{method.upper()} {path}` documents no response; the mock answers 200.")
            if isinstance(op, dict) and "security" in op:
                where = pointer("paths", path, method, "security")
                op["security"] = _requirements(op["security"], defined, where, notes)
    return cleaned, tuple(notes)


def _map_pinned_discriminators(node: Any, schemas: dict[str, Any], where: str, notes: list[str]) -> None:
    """Give a ``discriminator`` the mapping its branches state: without one, its values are the
    branches' schema names, yet openai's realtime session branches pin ``type`` to ``realtime``
    and ``transcription``, so no answer could satisfy both. A value a branch's own schema allows
    alone (``enum`` of one, ``const``) is mapped to that branch; the schemas are unchanged."""
    if isinstance(node, list):
        for i, value in enumerate(node):
            _map_pinned_discriminators(value, schemas, f"{where}/{i}", notes)
        return
    if not isinstance(node, dict):
        return
    discriminator = node.get("discriminator")
    if isinstance(discriminator, dict) and isinstance(discriminator.get("propertyName"), str):
        mapping = dict(discriminator.get("mapping") or {})
        added = {}
        branches = [b for key in ("oneOf", "anyOf") if isinstance(node.get(key), list) for b in node[key]]
        for branch in branches:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            value = _pinned(_resolved(branch, schemas), discriminator["propertyName"], schemas)
            if isinstance(ref, str) and isinstance(value, str) and value not in mapping:
                if value != ref.rsplit("/", 1)[-1]:
                    added[value] = ref
        if added:
            node["discriminator"] = {**discriminator, "mapping": {**mapping, **added}}
            notes.append(
                f"The discriminator at `{where}/discriminator` maps the values its branches allow "
                f"({', '.join(sorted(added))}); as written, its values would be the schema names."
            )
    for key, value in node.items():
        if key != "discriminator":
            _map_pinned_discriminators(value, schemas, f"{where}{pointer(key)}", notes)


def _pinned(schema: Any, name: str, schemas: dict[str, Any], depth: int = 0) -> Any:
    """The one value ``schema`` allows its property ``name`` (through ``allOf``), else None."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    prop = _resolved(((schema.get("properties") or {}).get(name)), schemas)
    if isinstance(prop, dict) and (value := single_value(prop)) is not None:
        return value
    for branch in schema.get("allOf") or []:
        found = _pinned(_resolved(branch, schemas), name, schemas, depth + 1)
        if found is not None:
            return found
    return None


def _requirements(requirements: Any, defined: set[str], where: str, notes: list[str]) -> Any:
    if not isinstance(requirements, list):
        return requirements
    kept = []
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        unknown = sorted(set(requirement) - defined)
        if unknown:
            notes.append(
                f"`{where}` names the undefined security scheme(s) {', '.join(unknown)}; they are ignored."
            )
            if len(unknown) == len(requirement):
                continue  # nothing left to satisfy: dropped, not turned into "no credentials" ({})
        kept.append({k: v for k, v in requirement.items() if k in defined})
    return kept


def _holds_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_holds_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_holds_ref(v) for v in node)
    return False


def _without_extension_refs(node: Any, where: str, notes: list[str], names: bool = False) -> Any:
    """``names``: the keys of ``node`` are property names (``properties``), not fields."""
    if isinstance(node, list):
        return [_without_extension_refs(v, f"{where}/{i}", notes) for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        here = f"{where}{pointer(key)}"
        if not names and key == "properties":
            out[key] = _without_extension_refs(value, here, notes, names=True)
            continue
        if not names and key.startswith("x-") and _holds_ref(value):
            notes.append(f"The extension `{here}` holds a `$ref`; it is left out of the served copy.")
            continue
        out[key] = _without_extension_refs(value, here, notes)
    return out


def single_value(schema: dict[str, Any]) -> Any:
    """The one value ``schema`` allows (``const``, an ``enum`` of one), else None."""
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def null_only(schema: Any) -> bool:
    """Whether a schema admits only ``null`` (3.1's ``type: null``, ``enum: [null]`` in a 3.0 copy)."""
    return isinstance(schema, dict) and (schema.get("type") == "null" or schema.get("enum") == [None])


UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def request_document(document: dict[str, Any]) -> dict[str, Any]:
    """The copy Connexion validates requests with in the generated mock.

    Connexion's validator does not know that a ``readOnly`` property is never sent, nor the
    ``uuid`` format, nor discriminators: ``readOnly`` names leave ``required`` lists, uuid strings
    get the pattern that says what a uuid is (so an empty string is refused), and a ``oneOf``
    with a ``discriminator`` is checked as ``anyOf`` (the discriminator's value chooses the
    branch, so a body that also fits another branch is still valid), and ``nullable`` beside a
    ``oneOf``/``anyOf``/``allOf``/``$ref`` without a ``type`` lets ``null`` through, as the suite's
    Schemathesis reads it (Connexion's validator reads it only with ``type``). Parameters and form fields
    without a ``type`` get one, and concrete paths come before templated ones (Connexion's
    needs, below). Responses are not validated by it.
    """
    return _concrete_first(_typed_parameters(_form_objects(_for_requests(document))))


def _typed(schema: Any, schemas: dict[str, Any], *, form: bool = False) -> Any:
    """A parameter schema Connexion can coerce: it reads ``type`` (and an array's ``items.type``)
    of every parameter and fails on a request when there is none (``oneOf: [string, array]``).
    A schema without one is checked as it was, under the type its branches share
    (:func:`_kind`; else ``string``, the form a parameter arrives in). A ``form`` field whose
    branches share no type is left as it is: the form parser types it for parsing alone
    (``mockserver.http.form_fields``), and ``string`` would refuse its object branch (openai's
    transcription ``chunking_strategy``: ``"auto"`` or an object)."""
    resolved = _resolved(schema, schemas)
    if not isinstance(resolved, dict):
        return schema
    if "type" not in resolved:
        kind = _kind(resolved, schemas)
        if kind is None and form:
            return schema
        typed = {"type": kind or "string", "allOf": [schema]}
        # A null branch keeps `null` readable: Connexion reads the text `null` as null only for a
        # nullable schema (Schemathesis sends openai's `stream: anyOf [boolean, null]` so).
        branches = resolved.get("oneOf") or resolved.get("anyOf") or []
        return {**typed, "nullable": True} if any(null_only(b) for b in branches) else typed
    items = _resolved(resolved.get("items"), schemas)
    if resolved.get("type") == "array" and isinstance(items, dict) and "type" not in items:
        return {**resolved, "items": {"type": "string", "allOf": [resolved["items"]]}}
    return schema


def _kind(schema: Any, schemas: dict[str, Any], depth: int = 0) -> str | None:
    """The one JSON type ``schema`` allows: its ``type``, else the type all its ``oneOf``/``anyOf``
    branches share, else the one its ``allOf`` branches name (openai's realtime call ``session``:
    an ``allOf`` of an object, sent as a JSON part). A ``null`` branch does not count (openai's
    transcription ``stream``, ``anyOf: [boolean, null]``, is a boolean field)."""
    resolved = _resolved(schema, schemas)
    if not isinstance(resolved, dict) or depth > 8:
        return None
    if isinstance(resolved.get("type"), str):
        return str(resolved["type"])
    branches = [b for b in resolved.get("oneOf") or resolved.get("anyOf") or [] if not null_only(b)]
    if branches:
        kinds = {_kind(b, schemas, depth + 1) for b in branches}
        return kinds.pop() if len(kinds) == 1 else None
    named = {_kind(b, schemas, depth + 1) for b in resolved.get("allOf") or []} - {None}
    return named.pop() if len(named) == 1 else None


def _resolved(schema: Any, schemas: dict[str, Any]) -> Any:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return schemas.get(ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"))
    return schema


def _typed_parameters(document: dict[str, Any]) -> dict[str, Any]:
    components = document.get("components") or {}
    schemas = components.get("schemas") or {}
    items = [item for item in (document.get("paths") or {}).values() if isinstance(item, dict)]
    lists = [item.get("parameters") for item in items]
    lists += [
        op.get("parameters")
        for item in items
        for method in METHODS
        if isinstance(op := item.get(method), dict)
    ]
    lists.append(list((components.get("parameters") or {}).values()))
    for parameters in lists:
        for parameter in parameters if isinstance(parameters, list) else ():
            if isinstance(parameter, dict) and isinstance(parameter.get("schema"), dict):
                parameter["schema"] = _typed(parameter["schema"], schemas)
    return document


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _form_objects(document: dict[str, Any]) -> dict[str, Any]:
    """Form request bodies whose schema lists ``properties`` but no ``type`` get ``type: object``.

    A form is always a set of named fields, so this accepts exactly the forms it did; Connexion
    decodes the fields (``"false"`` -> ``false``, one value rather than a list) only for a
    schema that says ``object``, and would refuse every form otherwise. A ``$ref`` schema is
    copied inline (the shared schema may describe JSON elsewhere).
    """
    schemas = (document.get("components") or {}).get("schemas") or {}
    for item in (document.get("paths") or {}).values():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            body = op.get("requestBody") if isinstance(op, dict) else None
            content = body.get("content") if isinstance(body, dict) else None
            for media_type, media in (content or {}).items() if isinstance(content, dict) else ():
                if media_type.split(";")[0].strip().lower() not in FORM_TYPES or not isinstance(media, dict):
                    continue
                schema = _resolved(media.get("schema"), schemas)
                if not isinstance(schema, dict):
                    continue
                fields = _form_fields(schema, schemas)
                if not fields:
                    continue
                # Connexion decodes each field by its property's type, and fails on one without.
                properties = {n: _typed(p, schemas, form=True) for n, p in fields.items()}
                if isinstance(schema.get("properties"), dict):
                    typed = {**schema, "type": schema.get("type", "object"), "properties": properties}
                else:
                    # Fields only in `allOf` branches: Connexion looks for a file field among the
                    # top-level properties alone, and refused every upload (`[''] is not of type
                    # 'string'`). Listed there too, the branches still validate as written.
                    typed = {"type": "object", "properties": properties, "allOf": [schema]}
                media["schema"] = typed
                if media_type.split(";")[0].strip().lower() == "multipart/form-data":
                    _json_parts(media, properties, schemas)
    return document


def _json_parts(media: dict[str, Any], properties: dict[str, Any], schemas: dict[str, Any]) -> None:
    """Name ``application/json`` as the content type of each object field of a multipart body
    that its ``encoding`` leaves unsaid: OpenAPI's default for an object part, which Connexion
    does not apply (openai's file ``expires_after`` arrived as text and was refused)."""
    stated = media.get("encoding")
    encoding: dict[str, Any] = stated if isinstance(stated, dict) else {}
    added = {
        name: {**(encoding.get(name) or {}), "contentType": "application/json"}
        for name, field in properties.items()
        if _kind(field, schemas) == "object" and "contentType" not in (encoding.get(name) or {})
    }
    if added:
        media["encoding"] = {**encoding, **added}


def _form_fields(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The properties of a form schema, with those of its ``allOf`` branches (``$ref`` resolved)."""
    found: dict[str, Any] = {}
    for branch in schema.get("allOf") or [] if depth < 8 else []:
        resolved = _resolved(branch, schemas)
        if isinstance(resolved, dict):
            found.update(_form_fields(resolved, schemas, depth + 1))
    properties = schema.get("properties")
    found.update(properties if isinstance(properties, dict) else {})
    return found


def _concrete_first(document: dict[str, Any]) -> dict[str, Any]:
    """Paths that carry a query first, then paths with fewer templated segments: Connexion routes
    in document order, OpenAPI matches ``/numbers/Local.json`` before ``/numbers/{Sid}.json``, and
    ``/responses/{id}`` would take ``/responses/r1?beta=true`` (as ``id``), the path a request
    carrying that query is routed to (``mockserver.http.spec_guard``)."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return document
    ordered = sorted(paths.items(), key=lambda entry: ("?" not in str(entry[0]), str(entry[0]).count("{")))
    return {**document, "paths": dict(ordered)}


def _for_requests(node: Any) -> Any:
    if isinstance(node, list):
        return [_for_requests(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: v if k.startswith("x-") else _for_requests(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict) and isinstance(out.get("required"), list):
        read_only = {n for n, p in props.items() if isinstance(p, dict) and p.get("readOnly")}
        if read_only:
            out["required"] = [n for n in out["required"] if n not in read_only]
            if not out["required"]:
                del out["required"]
    chosen = isinstance(out.get("discriminator"), dict) and "anyOf" not in out
    if chosen and isinstance(out.get("oneOf"), list):
        out["anyOf"] = out.pop("oneOf")  # the discriminator picks the one branch, not the shape
    if out.get("format") == "uuid" and out.get("type") == "string" and "pattern" not in out:
        out["pattern"] = UUID_PATTERN
    if out.get("nullable") is True and "type" not in out and COMPOSED & out.keys():
        # 3.0's `nullable` is read by `type`, so openai's `nullable` beside a `oneOf` (or a `$ref`)
        # let no null through Connexion; Schemathesis, as the spec's author meant, sends one.
        inner = {k: v for k, v in out.items() if k != "nullable"}
        return {"anyOf": [inner, {"nullable": True, "enum": [None]}]}
    return out


COMPOSED = frozenset({"oneOf", "anyOf", "allOf", "$ref"})


def json_request_bodies(document: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A copy whose request bodies offer only their JSON media types where JSON is among them.

    The generated mock stores JSON and answers 415 to the rest; the suite sends what it serves.
    """
    notes: list[str] = []
    paths: dict[str, Any] = {}
    for path, item in (document.get("paths") or {}).items():
        new_item = dict(item) if isinstance(item, dict) else item
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            body = op.get("requestBody") if isinstance(op, dict) else None
            content = body.get("content") if isinstance(body, dict) else None
            if not isinstance(op, dict) or not isinstance(body, dict) or not isinstance(content, dict):
                continue
            json_types = [t for t in content if _is_json(t)]
            if json_types and len(json_types) < len(content):
                others = ", ".join(t for t in content if t not in json_types)
                notes.append(f"`{method.upper()} {path}`: the suite sends JSON bodies only, not {others}.")
                new_body = {**body, "content": {t: content[t] for t in json_types}}
                new_item[method] = {**op, "requestBody": new_body}
        paths[path] = new_item
    return ({**document, "paths": paths}, tuple(notes)) if notes else (document, ())


def _is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")
