"""Form fields Connexion can parse: each with a ``type``.

Connexion parses a form body (``multipart/form-data``, ``application/x-www-form-urlencoded``)
field by field through a URI parser that reads each field's ``type`` (``defn["type"]``,
``items["type"]``) from the operation's body schema, the schema of its first media type (often
``application/json``), both when it validates the body and when it hands it to the handler. A
field without a ``type`` (discord's message fields are ``oneOf`` a type and ``null``) made every
form request a 500 (``KeyError``). :class:`TypedFormURIParser` gives the parser that schema with
``allOf`` branches merged, as Connexion merges them, and each untyped field typed as its branches
agree (``string``, what a form field carries, where they do not), and nullable when a branch is
``null`` (Connexion reads the text ``null`` as null only for a nullable field). Only the parsing
sees these types: the body is still validated against the spec's schema.
"""

from __future__ import annotations

import json
from typing import Any

from connexion.uri_parsing import OpenAPIURIParser


class TypedFormURIParser(OpenAPIURIParser):  # type: ignore[misc]
    """Connexion's OpenAPI URI parser over a body schema whose form fields all have a type."""

    def __init__(self, param_defns: Any, body_defn: dict[str, Any]) -> None:
        schema = body_defn.get("schema")
        # Untyped fields one of whose branches is an object or an array: a part that reads as
        # JSON of that kind is taken as it (Schemathesis sends openai's `chunking_strategy`,
        # `"auto"` or an object, so), anything else as text.
        self.structured: set[str] = set()
        if isinstance(schema, dict) and (fields := _fields(schema)):
            typed = {**schema, "type": "object", "properties": {n: _typed(f) for n, f in fields.items()}}
            body_defn = {**body_defn, "schema": typed}
            self.structured = {n for n, f in fields.items() if isinstance(f, dict) and _structured(f)}
        super().__init__(param_defns, body_defn)

    def resolve_form(self, form_data: dict[str, Any]) -> dict[str, Any]:
        resolved: dict[str, Any] = super().resolve_form(form_data)
        for name in self.structured & resolved.keys():
            value = resolved[name]
            if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
                try:
                    decoded = json.loads(value)
                except ValueError:
                    continue
                if isinstance(decoded, dict | list):
                    resolved[name] = decoded
        return resolved


def _fields(schema: Any) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    found: dict[str, Any] = {}
    for branch in schema.get("allOf") or []:
        found.update(_fields(branch))
    properties = schema.get("properties")
    found.update(properties if isinstance(properties, dict) else {})
    return found


def _typed(field: Any) -> Any:
    if not isinstance(field, dict):
        return field
    typed = field if "type" in field else {**field, "type": shared_type(field)}
    if "type" not in field and _null_branch(field):
        typed = {**typed, "nullable": True}  # the text `null` is read as null only then
    items = typed.get("items")
    if typed["type"] == "array" and isinstance(items, dict) and "type" not in items:
        typed = {**typed, "items": {**items, "type": shared_type(items)}}
    return typed


def _structured(schema: dict[str, Any], depth: int = 0) -> bool:
    """Whether ``schema`` has no ``type`` and a ``oneOf``/``anyOf``/``allOf`` branch, at any depth
    (openai's ``chunking_strategy`` nests one ``anyOf`` in another), is an object or an array."""
    if "type" in schema or depth > 8:
        return False
    return any(
        isinstance(b, dict)
        and (b.get("type") in ("object", "array") or "properties" in b or _structured(b, depth + 1))
        for key in ("oneOf", "anyOf", "allOf")
        for b in schema.get(key) or []
    )


def _null_branch(schema: dict[str, Any]) -> bool:
    """Whether a ``oneOf``/``anyOf`` branch of ``schema`` admits only null (``type: null``,
    ``enum: [null]``)."""
    return any(
        isinstance(b, dict) and (b.get("type") == "null" or b.get("enum") == [None])
        for key in ("oneOf", "anyOf")
        for b in schema.get(key) or []
    )


def shared_type(schema: dict[str, Any]) -> str:
    """The one non-null ``type`` of ``schema``'s ``oneOf``/``anyOf``/``allOf`` branches, else string."""
    found = {
        branch["type"]
        for key in ("oneOf", "anyOf", "allOf")
        for branch in schema.get(key) or []
        if isinstance(branch, dict) and isinstance(branch.get("type"), str) and branch["type"] != "null"
    }
    return found.pop() if len(found) == 1 else "string"
