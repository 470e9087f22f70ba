"""Scalar path and query parameters read from the spec, coerced as Connexion coerces them.

The fast path (:mod:`mockserver.http.fast`) answers a GET without Connexion's parameter
handling, so it must hand its handler the very values Connexion would. For a scalar parameter
Connexion converts the raw text with the type's constructor (``int``, ``float``, ``str``;
``true``/``false`` in any case for booleans), validates the result against the parameter's
schema, and passes the handler a default from the spec when the parameter is absent, under the
parameter's name in snake_case (``pythonic_params``). :class:`Param` does the same from the
spec document; anything it is unsure of raises :class:`ParamError` (the fast path then leaves
the request to Connexion, which words the 400) or is not compiled at all (:func:`compile_param`
answers None). ``tests/unit/test_params.py`` holds both to the same values.
"""

from __future__ import annotations

import builtins
import copy
import keyword
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft4Validator

from mockserver.names import snake_case

SCALAR_TYPES = frozenset({"string", "integer", "number", "boolean"})
LOCATIONS = ("path", "query")
_NULLS = ("null", "None")


class ParamError(ValueError):
    """A raw value that does not coerce to, or validate as, its parameter's schema."""


def _boolean(raw: str | bool) -> bool:
    if isinstance(raw, bool):  # a default from the spec
        return raw
    lowered = raw.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ParamError(f"{raw!r} is not a boolean.")


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": int,
    "number": float,
    "string": str,
    "boolean": _boolean,
}


def argument_name(name: str) -> str:
    """The handler keyword of parameter ``name``: snake_case, ``_`` appended to a builtin or keyword."""
    snake = snake_case(name)
    return f"{snake}_" if snake in builtins.__dict__ or keyword.iskeyword(snake) else snake


def resolve(document: dict[str, Any], value: Any, depth: int = 0) -> Any:
    """``value`` with every local ``$ref`` (``#/...``) of ``document`` replaced by its target."""
    if depth > 50:
        raise ValueError("The spec's references nest deeper than 50 levels.")
    if isinstance(value, list):
        return [resolve(document, item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    reference = value.get("$ref")
    if isinstance(reference, str):
        if not reference.startswith("#/"):
            raise ValueError(f"The reference {reference!r} is not local to the spec.")
        target: Any = document
        for part in reference[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return resolve(document, target, depth + 1)
    return {key: resolve(document, item, depth + 1) for key, item in value.items()}


def spec_parameters(document: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    """The parameters of ``method path``: the path item's, overridden by the operation's."""
    item = document["paths"][path]
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for definition in [*item.get("parameters", []), *item[method].get("parameters", [])]:
        resolved = resolve(document, definition)
        merged[(resolved["name"], resolved["in"])] = resolved
    return list(merged.values())


@dataclass(frozen=True)
class Param:
    """One scalar spec parameter, with its validator built once."""

    name: str
    where: str  # "path" or "query"
    argument: str  # the handler's keyword
    kind: str  # the schema's type
    required: bool
    has_default: bool
    default_value: Any
    validator: Draft4Validator

    def value(self, raw: str) -> Any:
        """The handler's value for ``raw``, or :class:`ParamError`."""
        if raw.strip() in _NULLS:
            raise ParamError(f"{raw!r} may be read as null.")  # nullable or not: Connexion decides
        try:
            value = CONVERTERS[self.kind](raw)
        except ValueError:
            raise ParamError(f"{raw!r} is not of type {self.kind}.") from None
        if not self.validator.is_valid(value):
            raise ParamError(f"{raw!r} breaks the schema of {self.name}.")
        return value

    def default(self) -> Any:
        """The handler's value when the parameter is absent (only if :attr:`has_default`)."""
        return CONVERTERS[self.kind](copy.deepcopy(self.default_value))


def compile_param(definition: dict[str, Any]) -> Param | None:
    """A :class:`Param` for a scalar path or query parameter; None for anything else."""
    schema = definition.get("schema", definition)
    kind = schema.get("type")
    if definition.get("in") not in LOCATIONS or kind not in SCALAR_TYPES or schema.get("format") == "binary":
        return None
    style = definition.get("style", "form" if definition["in"] == "query" else "simple")
    if definition.get("content") or style not in ("form", "simple"):
        return None
    has_default = "default" in definition or "default" in schema
    return Param(
        name=definition["name"],
        where=definition["in"],
        argument=argument_name(definition["name"]),
        kind=kind,
        required=bool(definition.get("required")),
        has_default=has_default,
        default_value=definition.get("default", schema.get("default")),
        validator=Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER),
    )
