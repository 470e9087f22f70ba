"""Checks of written properties against the schema their answers give them.

A spec may write a property in one schema and answer it in another that accepts less (discord's
message ``embeds``: written as request embeds, answered as response embeds; openai's eval
``testing_criteria``). The generator marks such properties (a :class:`ServerField` of kind
``checked`` with the answer schema's JSON pointer); :func:`property_checks` compiles one check
per marked property from the served spec, and the store keeps a written value only when it passes,
else it stores the field's value (a minimal valid one, or nothing for an optional property).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.generic.spec import ResourceSpec

Check = Callable[[Any], bool]


def property_checks(document: Mapping[str, Any], spec: ResourceSpec) -> dict[str, Check]:
    """Schema pointer -> whether a value passes that answer schema, for ``spec``'s checked fields
    and checked item (``item_where``) whose pointer names a schema of ``document`` (the others
    are kept as written)."""
    pointers = [f.where for f in spec.every_field() if f.kind == "checked" and f.where]
    pointers += [spec.item_where] if spec.item_where else []
    if not pointers:
        return {}
    # Imported here: only specs with checked properties pay openapi-schema-validator's import.
    import openapi_schema_validator as osv
    from referencing import Registry, Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT4, DRAFT202012

    v31 = str(document.get("openapi", "")).startswith("3.1")
    resource = Resource.from_contents(dict(document), DRAFT202012 if v31 else DRAFT4)
    registry: Registry[Any] = Registry().with_resource("urn:spec", resource)
    # Answers are reads: a 3.0 `writeOnly` property nested in one fails (box's signers' password).
    cls = osv.OAS31Validator if v31 else osv.OAS30ReadValidator
    checker = osv.oas31_format_checker if v31 else osv.oas30_format_checker
    resolver = registry.resolver()
    checks: dict[str, Check] = {}
    for where in dict.fromkeys(pointers):
        target = f"urn:spec#{where}"
        try:
            resolver.lookup(target)
        except Unresolvable:
            continue  # the served copy has no such schema: kept as written
        validator = cls({"$ref": target}, registry=registry, format_checker=checker)
        checks[where] = validator.is_valid
    return checks
