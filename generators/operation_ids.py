"""Operation ids for operations that have none (or share one), synthesized from method and path.

Handlers are found by operationId, so every operation needs a unique one. An operation without
(``GET /pets/{petId}/photos``) gets ``getPetsByPetIdPhotos``; a duplicate gets a numbered
suffix. The ids are written into the generated copies of the spec and listed in the READMEs.
"""

from __future__ import annotations

import re
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_WORD = re.compile(r"[0-9A-Za-z]+")


def synthesized_id(method: str, path: str) -> str:
    """``get``, ``/pets/{petId}/photos`` -> ``getPetsByPetIdPhotos``."""
    words = [method.lower()]
    for segment in path.strip("/").split("/"):
        parts = _WORD.findall(segment)
        if not parts:
            continue
        camel = "".join(p[:1].upper() + p[1:] for p in parts)
        words.append(f"By{camel}" if segment.startswith("{") else camel)
    return "".join(words)


def with_operation_ids(document: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``document`` with an operationId on every operation, and a note per id it had to make up.

    Path items behind a ``$ref`` are left alone (their operations are shared); the mock and the
    suite see the same ids because both copies are made from the returned document.
    """
    paths = document.get("paths") or {}
    taken: set[str] = set()
    notes: list[str] = []
    new_paths: dict[str, Any] = {}
    for path, item in paths.items():
        if not isinstance(item, dict) or "$ref" in item:
            new_paths[path] = item
            continue
        new_item = dict(item)
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            given = op.get("operationId")
            wanted = str(given) if given else synthesized_id(method, path)
            chosen, n = wanted, 2
            while chosen in taken:
                chosen, n = f"{wanted}{n}", n + 1
            taken.add(chosen)
            if chosen != given:
                why = "has no operationId" if not given else f"shares {given!r} with another operation"
                notes.append(f"`{method.upper()} {path}` {why}; it is served as operationId `{chosen}`.")
                new_item[method] = {**op, "operationId": chosen}
        new_paths[path] = new_item
    if not notes:
        return document, ()
    return {**document, "paths": new_paths}, tuple(notes)
