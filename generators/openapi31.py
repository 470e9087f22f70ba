"""OpenAPI 3.1 documents that only use what 3.0 can say, served as 3.0.3.

The generated mock runs on Connexion 3, which validates and serves OpenAPI 3.0 only. Many 3.1
documents use nothing 3.0 lacks; for those the generators rewrite the version (and drop
annotations next to ``$ref``, which 3.0 ignores anyway) and say so in the generated README.
Anything 3.1-only stops generation with a pointer to it.
"""

from __future__ import annotations

from typing import Any

from generators.errors import GenerationError, pointer

ONLY_31 = frozenset(
    {
        "const",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "if",
        "then",
        "else",
        "contentMediaType",
        "contentEncoding",
        "contentSchema",
        "$schema",
        "$defs",
        "$id",
        "$anchor",
        "$dynamicRef",
        "patternProperties",
        "propertyNames",
        "contains",
    }
)
REF_ANNOTATIONS = frozenset({"description", "summary", "example", "title"})


def as_openapi30(document: dict[str, Any], spec: str) -> tuple[dict[str, Any], str | None]:
    """``document`` unchanged if it is 3.0; a 3.0.3 rewrite plus a note if it is 3.1 within 3.0's reach."""
    version = str(document.get("openapi", ""))
    if not version.startswith("3.1"):
        return document, None
    if "jsonSchemaDialect" in document:
        raise _unsupported(spec, "/jsonSchemaDialect", "the 3.1-only top-level field 'jsonSchemaDialect'")
    if "identifier" in (document.get("info", {}).get("license") or {}):
        raise _unsupported(spec, "/info/license/identifier", "the 3.1-only license identifier")
    dropped = ""
    if "webhooks" in document:
        # Webhooks describe calls the API makes, not requests it serves: a mock has nothing to serve.
        document = {k: v for k, v in document.items() if k != "webhooks"}
        dropped = " Its webhooks (calls the API makes, not requests it serves) are left out."
    converted = _convert(document, "", spec)
    converted["openapi"] = "3.0.3"
    note = f"The spec declares OpenAPI {version}; it uses only what 3.0 can say and is served as 3.0.3."
    return converted, note + dropped


def _unsupported(spec: str, where: str, what: str) -> GenerationError:
    return GenerationError(
        spec,
        where,
        f"The spec uses {what}, which OpenAPI 3.0 cannot express; the generated mock runs on "
        "Connexion 3, which serves OpenAPI 3.0 only.",
        "Rewrite this part in OpenAPI 3.0 terms (e.g. `nullable: true` instead of a type list, "
        "`enum: [x]` instead of `const`).",
    )


def _convert(node: Any, where: str, spec: str) -> Any:
    if isinstance(node, list):
        return [_convert(v, f"{where}/{i}", spec) for i, v in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and set(node) - {"$ref"} <= REF_ANNOTATIONS:
        return {"$ref": node["$ref"]}
    out: dict[str, Any] = {}
    in_schema_position = where.endswith("/schema") or "/schemas/" in where or "/properties/" in where
    for key, value in node.items():
        here = f"{where}{pointer(key)}"
        if in_schema_position and key in ONLY_31:
            raise _unsupported(spec, here, f"the JSON Schema keyword {key!r}")
        if in_schema_position and key == "type" and isinstance(value, list):
            raise _unsupported(spec, here, "a list of types")
        if in_schema_position and key == "examples" and isinstance(value, list):
            raise _unsupported(spec, here, "a schema `examples` list")
        if key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            raise _unsupported(spec, here, f"a numeric {key}")
        out[key] = _convert(value, here, spec)
    return out
