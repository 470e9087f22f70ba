"""A compiled check that lets valid request bodies past Connexion's jsonschema validation fast.

Why: a bulk POST of 10,000 measurements spent ~75% of its time in Connexion's body validation,
pure-Python ``jsonschema`` walking every item (``bench/bulk_post.py``).

What: :func:`accepts` compiles each request-body schema once with ``jsonschema-rs`` and asks it
whether a body is valid. Only a yes is trusted. A no, or a body it cannot take (a string with a
lone surrogate), goes on to the Python validator, which decides and words the errors; so the
compiled check can make valid bodies faster but can never change an answer, as long as it
accepts nothing Connexion's validator rejects. That rests on speaking Connexion's dialect:

* Connexion validates requests with Draft 4 plus OpenAPI's ``nullable`` (or ``x-nullable``),
  which lets ``null`` past ``type`` and ``enum`` of that schema only. :func:`plain_draft4`
  writes it as Draft 4: ``null`` added to that schema's ``type`` and ``enum``.
* Formats: Python's Draft 4 checker knows a few (:data:`PYTHON_FORMATS`) and the two libraries
  read them differently, so a schema using one is not compiled at all; the compiled check
  validates no format, which matches Python for every other format (it ignores them).
* A schema whose ``$ref`` survived Connexion's resolution is not compiled either.
* Where the two still differ, the compiled check is the stricter one: Python's ``re`` lets a
  ``pattern``'s ``$`` match before a final newline, jsonschema-rs does not.

``tests/unit/test_fastschema.py`` holds both validators to the same verdicts over generated
bodies of every request schema of the served specs.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import jsonschema_rs
from jsonschema import Draft4Validator

# The formats Python's Draft 4 format checker checks (with the packages installed here).
PYTHON_FORMATS = frozenset(Draft4Validator.FORMAT_CHECKER.checkers)

# Draft 4 keywords whose values are schemas: one, a list of them, or a name -> schema map.
_ONE = ("additionalProperties", "additionalItems", "not", "items")
_LIST = ("allOf", "anyOf", "oneOf", "items")
_MAP = ("properties", "patternProperties", "definitions", "dependencies")


class _Unsupported(Exception):
    """The schema uses something the compiled check cannot be trusted with."""


def _translate(schema: Any, inside: frozenset[int] = frozenset()) -> None:
    """Rewrite ``schema`` (a private copy) in place into plain Draft 4; raise if unsupported.

    ``inside`` holds the schemas being translated around this one: a schema inside itself is
    a recursive ``$ref`` that Connexion resolved into a cycle, which jsonschema-rs cannot take.
    """
    if not isinstance(schema, dict):
        return  # a boolean schema (additionalProperties: false), or a dependency's name list
    if id(schema) in inside:
        raise _Unsupported("recursive schema")
    inside = inside | {id(schema)}
    if "$ref" in schema:
        raise _Unsupported("$ref")
    if isinstance(schema.get("format"), str) and schema["format"] in PYTHON_FORMATS:
        raise _Unsupported(f"format {schema['format']}")
    if schema.get("x-nullable") is True or schema.get("nullable"):  # as connexion.json_schema
        kind = schema.get("type")
        if isinstance(kind, str):
            schema["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            schema["type"] = [*kind, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    for keyword in _ONE:
        _translate(schema.get(keyword), inside)
    for keyword in _LIST:
        if isinstance(schema.get(keyword), list):
            for item in schema[keyword]:
                _translate(item, inside)
    for keyword in _MAP:
        if isinstance(schema.get(keyword), dict):
            for item in schema[keyword].values():
                _translate(item, inside)


def plain_draft4(schema: dict[str, Any]) -> dict[str, Any] | None:
    """``schema`` in Connexion's request dialect as plain Draft 4, or None if it cannot be trusted.

    The ``components`` Connexion attaches for leftover references are dropped: with no ``$ref``
    left, nothing refers to them.
    """
    plain = copy.deepcopy({key: value for key, value in schema.items() if key != "components"})
    try:
        _translate(plain)
    except _Unsupported:
        return None
    return plain


class _Compiled:
    """Compiled checks by schema object: Connexion hands the same dict for every request.

    Should a caller ever build a fresh schema per request, the cache is emptied once it holds
    :data:`MOST` schemas, so that memory stays bounded (and such a caller is merely slower).
    """

    MOST = 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # id(schema) -> (schema, check); the schema is kept so that its id is never reused.
        self._checks: dict[int, tuple[dict[str, Any], Any]] = {}

    def check(self, schema: dict[str, Any]) -> Any:
        found = self._checks.get(id(schema))
        if found is not None:  # the same object: an id in the cache cannot have been reused
            return found[1]
        plain = plain_draft4(schema)
        check = None if plain is None else jsonschema_rs.Draft4Validator(plain, validate_formats=False)
        with self._lock:
            if len(self._checks) >= self.MOST:
                self._checks.clear()
            self._checks[id(schema)] = (schema, check)
        return check


_COMPILED = _Compiled()


def accepts(schema: dict[str, Any], body: Any) -> bool:
    """Whether the compiled check proves ``body`` valid against ``schema`` (False: ask Python)."""
    check = _COMPILED.check(schema)
    if check is None:
        return False
    try:
        return bool(check.is_valid(body))
    except (ValueError, TypeError, OverflowError):  # a value jsonschema-rs cannot convert
        return False
