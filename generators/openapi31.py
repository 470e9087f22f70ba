"""OpenAPI 3.1 and 3.2 documents, converted in one step to the 3.0.3 that Connexion 3 serves.

The generated mock runs on Connexion 3, which validates and serves OpenAPI 3.0 only. The
conversion rewrites what 3.0 can say another way and drops pure annotations:

* ``type: [x, "null"]`` -> ``type: x, nullable: true``; several types -> ``anyOf``;
* ``const: v`` -> ``enum: [v]``; a schema ``examples`` list -> ``example`` (its first value);
* numeric ``exclusiveMinimum``/``exclusiveMaximum`` -> ``minimum``/``maximum`` with the 3.0 flag;
* annotations 3.0 lacks (``$schema``, ``$id``, ``$comment``, ``contentMediaType`` ...) and
  siblings of ``$ref`` are dropped; ``webhooks`` (calls the API makes) are left out;
* keywords no JSON Schema vocabulary defines (typos such as ``max_items``), which 3.1 ignores
  and 3.0 refuses, are left out and named in the note;
* ``$recursiveRef: "#"`` and ``$dynamicRef: "#name"`` become a ``$ref`` to the enclosing schema
  carrying the matching anchor (a filter whose items are filters: plain recursion).

Values under ``x-`` extensions are copied as they are, never read. Keywords with no 3.0 form
(``if``/``then``/``else``, ``prefixItems``, ``unevaluatedProperties`` ...) are left out, which
only loosens validation; the note names them. A reference into ``$defs`` and a dialect other
than 2020-12 are refused, every occurrence listed at once.
"""

from __future__ import annotations

from typing import Any

from generators.errors import GenerationError, pointer

NO_30_FORM = frozenset(
    {
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "if",
        "then",
        "else",
        "contains",
        "minContains",
        "maxContains",
    }
)
# Annotations and keywords a 3.0 validator would reject or ignore; dropping them only loosens checks.
DROPPED = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$vocabulary",
        "$recursiveAnchor",
        "$dynamicAnchor",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "propertyNames",
        "patternProperties",
    }
)
# The fields of a 3.0 Schema Object: any other keyword (a 3.1 annotation, a typo such as
# ``max_items``) is ignored by 3.1 validators and refused by 3.0, so it is left out.
SCHEMA_30 = frozenset(
    {
        "title", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties",
        "minProperties", "required", "enum", "type", "allOf", "oneOf", "anyOf", "not", "items",
        "properties", "additionalProperties", "description", "format", "default", "nullable",
        "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example", "deprecated",
    }
)  # fmt: skip
REF_ANNOTATIONS = frozenset({"description", "summary", "example", "title"})
# Where a mapping's values are schemas (or lists of them) in the document.
SCHEMA_MAPS = frozenset({"properties", "schemas"})
SCHEMA_KEYS = frozenset({"schema", "items", "not", "additionalProperties"})
SCHEMA_LISTS = frozenset({"allOf", "oneOf", "anyOf"})


def as_openapi30(document: dict[str, Any], spec: str) -> tuple[dict[str, Any], str | None]:
    """``document`` unchanged if it is 3.0; its 3.0.3 conversion plus a note if it is 3.1 or 3.2."""
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.1", "3.2")):
        return document, None
    problems: list[GenerationError] = []
    if "jsonSchemaDialect" in document and "2020-12" not in str(document["jsonSchemaDialect"]):
        problems.append(_unsupported(spec, "/jsonSchemaDialect", "a JSON Schema dialect other than 2020-12"))
    dropped = [k for k in ("webhooks", "jsonSchemaDialect", "$self") if k in document]
    document = {k: v for k, v in document.items() if k not in dropped}
    info = dict(document.get("info") or {})
    if isinstance(info.get("license"), dict) and "identifier" in info["license"]:
        info["license"] = {k: v for k, v in info["license"].items() if k != "identifier"}
        document["info"] = info
    converter = _Converter(spec, problems)
    converted = {k: converter.node(v, pointer(k), schema=False) for k, v in document.items()}
    if problems:
        raise GenerationError.combine(problems)
    converted["openapi"] = "3.0.3"
    if converter.dropped:
        shown = ", ".join(f"`{w}`" for w in converter.dropped[:5])
        more = f" and {len(converter.dropped) - 5} more" if len(converter.dropped) > 5 else ""
        dropped_note = (
            f" Keywords with no 3.0 form are left out, so requests are checked less strictly there: "
            f"{shown}{more}."
        )
    else:
        dropped_note = ""
    if converter.unknown:
        shown = ", ".join(f"`{w}`" for w in converter.unknown[:5])
        more = f" and {len(converter.unknown) - 5} more" if len(converter.unknown) > 5 else ""
        dropped_note += (
            f" Keywords no JSON Schema defines (ignored by 3.1, refused by 3.0) are left out: {shown}{more}."
        )
    note = f"The spec declares OpenAPI {version}; it is served as 3.0.3, converted in one step."
    if "webhooks" in dropped:
        note += " Its webhooks (calls the API makes, not requests it serves) are left out."
    return converted, note + dropped_note


def _unsupported(spec: str, where: str, what: str) -> GenerationError:
    return GenerationError(
        spec,
        where,
        f"The spec uses {what}, which has no OpenAPI 3.0 form; the generated mock runs on "
        "Connexion 3, which serves OpenAPI 3.0 only.",
        "Rewrite this schema without it (move `$defs` schemas to `components/schemas`).",
    )


class _Converter:
    """Walks the document; ``schema`` says whether a node is in a schema position."""

    def __init__(self, spec: str, problems: list[GenerationError]) -> None:
        self.spec = spec
        self.problems = problems
        self.dropped: list[str] = []
        self.unknown: list[str] = []
        self.anchors: list[tuple[str | None, str]] = []

    def node(self, node: Any, where: str, *, schema: bool) -> Any:
        if isinstance(node, list):
            return [self.node(v, f"{where}/{i}", schema=schema) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        if schema:
            return self.schema(node, where)
        out: dict[str, Any] = {}
        for key, value in node.items():
            here = f"{where}{pointer(key)}"
            if key.startswith("x-"):
                out[key] = value
            elif key in SCHEMA_MAPS and isinstance(value, dict) and where.endswith("/components"):
                out[key] = {n: self.schema(s, f"{here}{pointer(n)}") for n, s in value.items()}
            else:
                out[key] = self.node(value, here, schema=key == "schema")
        return out

    def schema(self, node: Any, where: str) -> Any:
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return {"$ref": node["$ref"]}
        if "$recursiveRef" in node or "$dynamicRef" in node:
            return self.recursive_ref(node, where)
        anchored = node.get("$recursiveAnchor") is True or isinstance(node.get("$dynamicAnchor"), str)
        if anchored:
            self.anchors.append((node.get("$dynamicAnchor"), where))
        try:
            out = self.keywords(node, where)
        finally:
            if anchored:
                self.anchors.pop()
        if "$defs" in node and _refers_to_defs(node):
            self.problems.append(_unsupported(self.spec, f"{where}/$defs", "references into `$defs`"))
        kind = out.get("type")
        if isinstance(kind, list) or kind == "null":
            out.pop("type")
            out.update(_type_list(kind if isinstance(kind, list) else [kind]))
        return out

    def keywords(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            here = f"{where}{pointer(key)}"
            if key.startswith("x-"):
                out[key] = value
            elif key in NO_30_FORM:
                self.dropped.append(here)
            elif key in DROPPED or key == "$defs":
                continue
            elif key == "properties" and isinstance(value, dict):
                out[key] = {n: self.schema(s, f"{here}{pointer(n)}") for n, s in value.items()}
            elif key in SCHEMA_KEYS:
                out[key] = self.schema(value, here)
            elif key in SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.schema(s, f"{here}/{i}") for i, s in enumerate(value)]
            elif key == "const":
                out["enum"] = [value]
            elif key == "examples" and isinstance(value, list):
                if value:
                    out.setdefault("example", value[0])
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                out[bound] = value
                out[key] = True
            elif key in SCHEMA_30:
                out[key] = value
            else:
                self.unknown.append(here)
        return out

    def recursive_ref(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        """``$recursiveRef: "#"`` / ``$dynamicRef: "#name"`` as a ``$ref`` to the enclosing anchor.

        3.0 has no dynamic references; what specs mean by them is recursion into the schema that
        declares the anchor (a filter whose items are filters), which a plain ``$ref`` says.
        Without such an anchor in scope the reference is left out (checked less strictly).
        """
        dynamic = node.get("$dynamicRef")
        name = dynamic[1:] if isinstance(dynamic, str) and dynamic.startswith("#") else None
        for anchor, target in reversed(self.anchors):
            if (dynamic is None and anchor is None) or (dynamic is not None and anchor == name):
                return {"$ref": "#" + target}
        self.dropped.append(f"{where}/{'$dynamicRef' if dynamic is not None else '$recursiveRef'}")
        return {}


def _type_list(kinds: list[Any]) -> dict[str, Any]:
    """A 3.1 list of types as 3.0 says it: one type plus ``nullable``, or ``anyOf`` of types."""
    real = [k for k in kinds if k != "null"]
    nullable = {"nullable": True} if "null" in kinds else {}
    if len(real) == 1:
        return {"type": real[0], **nullable}
    if not real:
        return {"nullable": True, "enum": [None]}
    return {"anyOf": [{"type": k} for k in real], **nullable}


def _refers_to_defs(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        return (isinstance(ref, str) and "$defs" in ref) or any(_refers_to_defs(v) for v in node.values())
    if isinstance(node, list):
        return any(_refers_to_defs(v) for v in node)
    return False
