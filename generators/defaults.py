"""Schema ``default`` values, held to their own schema as Connexion holds them.

Connexion refuses to start on a spec in which a ``default`` does not validate against the schema
it sits in (its spec check validates each one with Draft 4 plus ``nullable``). Real specs carry
such defaults (``default: []`` on a string, ``default: null`` on a schema that is not nullable):
3.1 treats ``default`` as an annotation and never checks it. A default says nothing about what a
request may be, so :func:`without_invalid_defaults` leaves those out of the served copy, each
named in a note; :func:`defaults_valid` says whether a document has none left, which lets the
generators skip Connexion's slow Python check of the whole document.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from generators.errors import pointer

# Keys whose values are schemas, or lists or maps of them, inside a schema.
ONE = frozenset({"items", "not", "additionalProperties"})
LISTS = frozenset({"allOf", "anyOf", "oneOf"})
DATA = frozenset({"example", "examples", "default", "enum"})


@cache
def _validator_class() -> Any:
    """Draft 4 with ``type`` letting ``null`` past a schema marked ``nullable`` (as Connexion's
    check of defaults does). Built on first use: jsonschema costs ~0.3 s of imports, and a spec
    without defaults never needs it."""
    from jsonschema import Draft4Validator
    from jsonschema.validators import extend

    draft4_type = Draft4Validator.VALIDATORS["type"]

    def nullable_type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if instance is None and (schema.get("nullable") or schema.get("x-nullable") is True):
            return
        yield from draft4_type(validator, types, instance, schema)

    return extend(Draft4Validator, {"type": nullable_type})


def _accepts(root: Any, schema: dict[str, Any]) -> bool:
    """Whether ``schema`` (inside the document ``root``) accepts its own default."""
    try:
        return bool(root.evolve(schema=schema).is_valid(schema["default"]))
    except Exception:  # a schema jsonschema cannot read: Connexion's own check decides
        return False


def without_invalid_defaults(document: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``document`` with every schema ``default`` its schema refuses left out, and a note per one."""
    if not _has_default(document):
        return document, ()
    root = _validator_class()(document)
    notes: list[str] = []

    def schema(node: Any, where: str) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return node
        out = dict(node)
        for key in ONE & out.keys():
            out[key] = schema(out[key], where + pointer(key))
        for key in LISTS & out.keys():
            if isinstance(out[key], list):
                out[key] = [schema(s, f"{where}{pointer(key)}/{i}") for i, s in enumerate(out[key])]
        if isinstance(out.get("properties"), dict):
            out["properties"] = {
                n: schema(s, where + pointer("properties", n)) for n, s in out["properties"].items()
            }
        if "default" in out and not _accepts(root, node):
            notes.append(f"The default at `{where}` is not valid for its own schema; it is left out.")
            del out["default"]
        return out

    def other(node: Any, where: str) -> Any:
        if isinstance(node, list):
            return [other(v, f"{where}/{i}") for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            here = where + pointer(key)
            if key.startswith("x-") or key in DATA:
                out[key] = value
            elif key == "schema":
                out[key] = schema(value, here)
            elif key == "schemas" and where == "/components" and isinstance(value, dict):
                out[key] = {n: schema(s, here + pointer(n)) for n, s in value.items()}
            else:
                out[key] = other(value, here)
        return out

    cleaned = other(document, "")
    return cleaned, tuple(notes)


def _has_default(node: Any) -> bool:
    return any(True for _ in _with_default(node))


def _with_default(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping outside extension values that has a ``default`` key (a superset of schemas),
    except a schema's ``properties`` map, where ``default`` names a property (discord's buttons)."""
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        value, is_properties = stack.pop()
        if isinstance(value, dict):
            if "default" in value and not is_properties:
                yield value
            stack.extend(
                (v, k == "properties" and isinstance(v, dict) and not is_properties)
                for k, v in value.items()
                if not (isinstance(k, str) and k.startswith("x-"))
            )
        elif isinstance(value, list):
            stack.extend((v, False) for v in value)


def defaults_valid(document: dict[str, Any]) -> bool:
    """Whether every ``default`` in ``document`` passes the check Connexion makes at start-up.

    Looks wider than Connexion (any mapping with a ``default`` key, not only schemas), so a yes
    is safe to trust; a no only means Connexion's own check has to decide.
    """
    if not _has_default(document):
        return True
    root = _validator_class()(document)
    return all(_accepts(root, node) for node in _with_default(document))
