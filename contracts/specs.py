"""Loading the specs from ``--spec-dir`` and reading what the harness needs from them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml


@cache
def load(spec_dir: str, name: str) -> dict[str, Any]:
    path = Path(spec_dir) / name
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (METHOD, path, operation); the first definition wins for shared ids."""
    out: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                out.setdefault(operation["operationId"], (method.upper(), path, operation))
    return out


def created_links(document: dict[str, Any], path: str) -> dict[str, tuple[str, str, str]]:
    """For ``POST path``: link name -> (METHOD, path template, id expression) of its 201 links."""
    ops = operations(document)
    post = document["paths"][path]["post"]
    links = post.get("responses", {}).get("201", {}).get("links", {})
    out = {}
    for name, link in links.items():
        if "operationId" not in link or link["operationId"] not in ops:
            continue
        method, target, _ = ops[link["operationId"]]
        expression = next(iter(link.get("parameters", {}).values()), "$response.body#/id")
        out[name] = (method, target, expression)
    return out
