"""The required header, query and cookie parameters of operations, with a value each.

A server refuses a request that leaves out a required parameter (``Xero-Tenant-Id`` on every
call), so the generated smoke tests and resource checks send one: the parameter's example or
default, else its schema's, else the first enum value, else a value of its type. Path
parameters are the checks' own business and security parameters the credentials'.
"""

from __future__ import annotations

from typing import Any, TypedDict

from generators.operation_ids import METHODS

UUID = "00000000-0000-4000-8000-000000000000"
BY_FORMAT = {
    "uuid": UUID,
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "email": "a@example.com",
}


class Required(TypedDict):
    """Names and values to send, by where they go."""

    header: dict[str, str]
    query: dict[str, Any]
    cookie: dict[str, str]


def _deref(node: Any, document: dict[str, Any]) -> Any:
    for _ in range(8):  # a chain of references, bounded
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node
        target: Any = document
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            target = target.get(key) if isinstance(target, dict) else None
        node = target
    return node


def sample(parameter: dict[str, Any], document: dict[str, Any]) -> Any:
    """A value for ``parameter`` (see the module docstring)."""
    schema = _deref(parameter.get("schema"), document) or {}
    for source in (parameter, schema):
        for key in ("example", "default"):
            if isinstance(source, dict) and source.get(key) is not None:
                return source[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample({"schema": schema.get("items") or {}}, document)]
    return BY_FORMAT.get(str(schema.get("format")), "x" * max(1, int(schema.get("minLength", 1))))


def required_params(document: dict[str, Any], operations: list[tuple[str, str]]) -> Required:
    """The required non-path parameters of the ``(path, method)`` operations, with values."""
    found = Required(header={}, query={}, cookie={})
    for path, method in operations:
        item = _deref((document.get("paths") or {}).get(path), document) or {}
        op = item.get(method) if method in METHODS and isinstance(item, dict) else None
        if not isinstance(op, dict):
            continue
        for parameter in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            parameter = _deref(parameter, document)
            where = parameter.get("in") if isinstance(parameter, dict) else None
            if not isinstance(parameter, dict) or not parameter.get("required"):
                continue
            name, value = str(parameter.get("name")), sample(parameter, document)
            if where == "query":
                found["query"][name] = value
            elif where == "header":
                found["header"][name] = str(value)
            elif where == "cookie":
                found["cookie"][name] = str(value)
    return found
