"""Questions the generators ask of JSON schemas: properties, types, a minimal valid instance.

Schemas are addressed by JSON pointer into the spec so that ``$ref``, ``allOf`` and friends
resolve against the whole document, and every failure can point at the schema at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from generators.loader import Spec
from generators.served import null_only

_FORMAT_VALUES: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00.000Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "byte": "",
}


# An absolute URI (RFC 3986: a scheme, then no whitespace), as Schemathesis checks `format: uri`;
# jsonschema checks it only with rfc3987 installed, so twilio's relative `uri` examples passed.
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*")


@cache
def _with_uri_check(base: Any) -> Any:
    """``base`` (a jsonschema FormatChecker) with ``uri`` checked as an absolute URI."""
    from jsonschema import FormatChecker

    checker = FormatChecker(())
    checker.checkers = {**base.checkers}
    checker.checks("uri")(lambda value: not isinstance(value, str) or bool(_ABSOLUTE_URI.fullmatch(value)))
    return checker


@dataclass
class ObjectView:
    """The properties and required names of an object schema, ``allOf`` merged, ``oneOf``
    / ``anyOf`` narrowed to the properties every branch has; values are (schema, pointer)."""

    properties: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    is_object: bool = False


class Schemas:
    """Schema helpers bound to one spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.v31 = str(spec.document.get("openapi", "")).startswith("3.1")

    @cached_property
    def _registry(self) -> Registry[Any]:
        kind = DRAFT202012 if self.v31 else DRAFT4
        registry: Registry[Any] = Registry().with_resource(
            "urn:spec", Resource.from_contents(self.spec.document, kind)
        )
        return registry

    def errors(self, where: str, instance: Any, *, read: bool = False) -> list[str]:
        """Why ``instance`` does not validate against the schema at ``where`` (empty: it does);
        ``read``: as an answer, where a 3.0 ``writeOnly`` property at any depth is refused."""
        # Imported here: openapi-schema-validator's settings cost ~0.5 s of every start-up, and
        # only specs with examples or required fields to fill in get here.
        import openapi_schema_validator as osv

        cls = osv.OAS31Validator if self.v31 else osv.OAS30ReadValidator if read else osv.OAS30Validator
        checker = _with_uri_check(osv.oas31_format_checker if self.v31 else osv.oas30_format_checker)
        validator = cls({"$ref": f"urn:spec#{where}"}, registry=self._registry, format_checker=checker)
        # An implicit discriminator mapping names schemas the spec may not have (openai: `type:
        # message` with no `message` schema); JSON Schema validators, Schemathesis's too, ignore it.
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator.iter_errors(instance)
            if not _discriminator_only(e)
        ]

    def node(self, where: str) -> tuple[dict[str, Any], str]:
        """The schema at ``where`` with ``$ref`` followed, and its resolved pointer."""
        node, resolved = self.spec.resolve(self.spec.at(where), where)
        return (node if isinstance(node, dict) else {}), resolved

    def type_of(self, where: str) -> str | None:
        """The schema's type (``integer``, ``string`` ...), the first non-null one for 3.1 lists."""
        schema, resolved = self.node(where)
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            return kinds[0] if kinds else None
        if kind is None:
            for key in ("allOf", "oneOf", "anyOf"):
                for i, _ in enumerate(schema.get(key, [])):
                    found = self.type_of(f"{resolved}/{key}/{i}")
                    if found:
                        return found
            if "properties" in schema:
                return "object"
        return kind if isinstance(kind, str) else None

    def view(self, where: str) -> ObjectView:
        """The :class:`ObjectView` of the schema at ``where``."""
        schema, resolved = self.node(where)
        out = ObjectView(is_object=self.type_of(where) == "object")
        for name in schema.get("properties", {}) or {}:
            prop = f"{resolved}/properties/{_escape(name)}"
            out.properties[name] = (self.node(prop)[0], prop)
        out.required |= set(schema.get("required", []) or [])
        for i, _ in enumerate(schema.get("allOf", []) or []):
            part = self.view(f"{resolved}/allOf/{i}")
            out.properties.update(part.properties)
            out.required |= part.required
            out.is_object = out.is_object or part.is_object
        for key in ("oneOf", "anyOf"):
            # A null branch (3.1's `type: null`, `enum: [null]` in the 3.0 copy) has no properties.
            branches = [
                self.view(f"{resolved}/{key}/{i}")
                for i, branch in enumerate(schema.get(key, []) or [])
                if not null_only(branch)
            ]
            if branches:
                common = set.intersection(*(set(b.properties) for b in branches))
                for name in sorted(common):
                    out.properties.setdefault(name, branches[0].properties[name])
                out.required |= set.intersection(*(b.required for b in branches))
                out.is_object = out.is_object or all(b.is_object for b in branches)
        return out

    def valid_minimal(self, where: str) -> Any:
        """:meth:`minimal`, or None where that value does not validate (an answer the generator
        cannot build)."""
        value = self.minimal(where)
        return None if self.errors(where, value) else value

    def minimal(self, where: str, depth: int = 0) -> Any:
        """A small instance built from the schema at ``where``: examples and defaults first,
        then required properties only, lower bounds, the first enum value or branch.
        A stated value that does not validate is passed over, and so is a ``oneOf``/``anyOf``
        branch whose instance does not; patterns get Hypothesis's simplest match. The caller
        validates the result (:meth:`errors`)."""
        schema, resolved = self.node(where)
        stated = [schema[k] for k in ("const", "default", "example") if k in schema]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            stated.append(schema["examples"][0])
        if schema.get("enum"):
            stated.append(schema["enum"][0])
        for value in stated:
            simple = not isinstance(value, dict | list) and not {"oneOf", "anyOf", "allOf"} & schema.keys()
            if len(stated) == 1 and simple:
                return value
            if not self.errors(where, value):
                return value
        if depth > 12:
            return stated[0] if stated else None
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key) or []
            tried = [self.minimal(f"{resolved}/{key}/{i}", depth + 1) for i in range(min(len(branches), 8))]
            valid = next((v for v in tried if not self.errors(where, v)), None)
            if tried:
                return valid if valid is not None else tried[0]
        if schema.get("allOf") and self.type_of(where) != "object":
            parts = [self.minimal(f"{resolved}/allOf/{i}", depth + 1) for i in range(len(schema["allOf"]))]
            return next((v for v in parts if not self.errors(where, v)), parts[0])
        kind = self.type_of(where)
        if kind == "object":
            view = self.view(where)
            return {
                name: self.minimal(view.properties[name][1], depth + 1)
                for name in sorted(view.required)
                if name in view.properties
            }
        if kind == "array":
            count = int(schema.get("minItems", 0))
            return [self.minimal(f"{resolved}/items", depth + 1) for _ in range(count)]
        if (
            kind == "string"
            and isinstance(schema.get("pattern"), str)
            and schema.get("format") not in _FORMAT_VALUES
        ):
            matched = _simplest_match(schema["pattern"], int(schema.get("minLength", 0)))
            if matched is not None:
                return matched
        if kind == "string":
            value = _FORMAT_VALUES.get(str(schema.get("format")), "")
            # Never empty: an empty string taken into a path parameter addresses another path.
            return value or "x" * max(1, int(schema.get("minLength", 0)))
        if kind in ("integer", "number"):
            low = schema.get("minimum", 0)
            if schema.get("exclusiveMinimum") is True or (
                isinstance(schema.get("exclusiveMinimum"), int | float) and schema["exclusiveMinimum"] >= low
            ):
                low = (
                    schema["exclusiveMinimum"] if not isinstance(schema["exclusiveMinimum"], bool) else low
                ) + 1
            return int(low) if kind == "integer" else low
        if kind == "boolean":
            return False
        return None


@cache
def _simplest_match(pattern: str, min_length: int) -> str | None:
    """The simplest non-empty string matching ``pattern`` (Hypothesis shrinks it), or None."""
    from hypothesis import Phase, find, settings  # only for patterned strings: ~0.4 s of imports
    from hypothesis import strategies as st

    try:
        strategy = st.from_regex(pattern, fullmatch=True)
        return str(
            find(
                strategy,
                lambda s: len(s) >= max(1, min_length) and "/" not in s,
                # No explain phase: it re-ran the predicate ~100 times (0.8 s of discord's 3.4 s).
                settings=settings(
                    database=None, max_examples=200, deadline=None, phases=(Phase.generate, Phase.shrink)
                ),
            )
        )
    except Exception:  # an unsatisfiable or unsupported pattern: the caller's validation says why
        return None


def _discriminator_only(error: Any) -> bool:
    """An error only about an implicit discriminator mapping that names no schema."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    return "discriminator" in schema and str(error.message).endswith("could not be resolved")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
