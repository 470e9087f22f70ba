"""What a corpus spec covers, read from the document itself (never from what the manifest says).

``styles(document, text)`` names the traits of a spec that users bring and that the generators
must serve: its version and format, its size, each kind of security scheme, request and answer
media types, polymorphism, callbacks, webhooks, RPC-style paths, paging styles, redirects,
missing operation ids and template-like ``{{ }}`` text. The manifest records these names and
``python -m bench.corpus verify`` recomputes them, so a claim cannot drift from the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
LARGE_OPERATIONS = 200
CURSOR_PARAMS = frozenset(
    {
        "cursor",
        "after",
        "before",
        "starting_after",
        "ending_before",
        "page_token",
        "pagetoken",
        "next_token",
        "nexttoken",
        "marker",
        "continuation",
        "continuation_token",
        "offset_token",
    }
)
PAGE_PARAMS = frozenset({"page", "per_page", "pagesize", "page_size", "currentpage", "offset", "limit"})
TEMPLATE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[Any]]]:
    """Every (path, method, operation, path-level parameters) of the document's paths."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield path, method, operation, shared


def version_style(document: dict[str, Any]) -> str:
    if "swagger" in document:
        return f"swagger-{document['swagger']}"
    major_minor = ".".join(str(document.get("openapi", "?")).split(".")[:2])
    return f"openapi-{major_minor}"


def walk(node: Any) -> Iterator[Any]:
    """Every value in a JSON-like tree, depth first, without recursion limits."""
    stack = [node]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def security_styles(document: dict[str, Any]) -> set[str]:
    schemes = (
        document.get("securityDefinitions") or (document.get("components") or {}).get("securitySchemes") or {}
    )
    found: set[str] = set()
    for scheme in schemes.values():
        if not isinstance(scheme, dict):
            continue
        kind = str(scheme.get("type", "")).lower()
        if kind == "http":
            found.add(f"security-{str(scheme.get('scheme', '')).lower() or 'http'}")
        elif kind == "apikey":
            found.add(f"security-apikey-{str(scheme.get('in', '')).lower()}")
        elif kind in ("basic", "oauth2", "openidconnect", "mutualtls"):
            found.add(f"security-{kind}")
    return found


def media_types(document: dict[str, Any]) -> set[str]:
    """Media types named by any request body or answer (and Swagger 2.0's consumes/produces)."""
    found: set[str] = set()
    for node in walk(document):
        if not isinstance(node, dict):
            continue
        content = node.get("content")
        if isinstance(content, dict) and ("schema" in node or "description" in node or content):
            found.update(str(key).lower() for key in content)
        for key in ("consumes", "produces"):
            if isinstance(node.get(key), list):
                found.update(str(item).lower() for item in node[key])
        if node.get("in") == "formData":
            found.add("application/x-www-form-urlencoded")
            if node.get("type") == "file":
                found.add("multipart/form-data")
    return found


def body_styles(document: dict[str, Any]) -> set[str]:
    types = media_types(document)
    found = set()
    if any(t.endswith(("/xml", "+xml")) for t in types):
        found.add("xml")
    if "application/x-www-form-urlencoded" in types:
        found.add("form")
    if "multipart/form-data" in types:
        found.add("multipart")
    return found


def paging_styles(document: dict[str, Any]) -> set[str]:
    found = set()
    for _path, _method, operation, shared in operations(document):
        for parameter in [*(operation.get("parameters") or []), *shared]:
            if not isinstance(parameter, dict) or parameter.get("in") != "query":
                continue
            name = str(parameter.get("name", "")).lower()
            if name in CURSOR_PARAMS:
                found.add("paging-cursor")
            elif name in PAGE_PARAMS:
                found.add("paging-page")
    return found


def operation_styles(document: dict[str, Any]) -> set[str]:
    found = set()
    ops = list(operations(document))
    if len(ops) >= LARGE_OPERATIONS:
        found.add("large")
    if any("operationId" not in operation for _p, _m, operation, _s in ops):
        found.add("no-operation-ids")
    if any("callbacks" in operation for _p, _m, operation, _s in ops):
        found.add("callbacks")
    if any(str(code).startswith("3") for _p, _m, op, _s in ops for code in (op.get("responses") or {})):
        found.add("redirects")
    paths = list(document.get("paths") or {})
    if len(paths) >= 5 and sum("{" not in path for path in paths) >= 0.9 * len(paths):
        found.add("rpc")
    return found


def styles(document: dict[str, Any], text: str, file_format: str) -> list[str]:
    """The sorted style names of one spec (``file_format`` is ``json`` or ``yaml``)."""
    found = {version_style(document), file_format}
    found |= security_styles(document) | body_styles(document) | paging_styles(document)
    found |= operation_styles(document)
    if document.get("webhooks"):
        found.add("webhooks")
    if any(
        isinstance(node, dict) and ({"oneOf", "anyOf", "discriminator"} & node.keys())
        for node in walk(document.get("components") or document.get("definitions") or {})
    ):
        found.add("polymorphism")
    if TEMPLATE.search(text):
        found.add("template-text")
    return sorted(found)
