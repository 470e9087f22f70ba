"""Child references of managed objects (``childDevices``, ``childAssets``) and what they reach."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol


class ReadableInventory(Protocol):
    def exists(self, id: str) -> bool: ...

    def get(self, id: str) -> Mapping[str, Any]: ...


def child_ids(mo: Mapping[str, Any], fragment: str) -> list[str]:
    """The managed-object ids in ``mo[fragment].references[*].managedObject.id``."""
    refs = mo.get(fragment, {}).get("references", []) if isinstance(mo.get(fragment), Mapping) else []
    out = []
    for ref in refs if isinstance(refs, list) else []:
        target = ref.get("managedObject") if isinstance(ref, Mapping) else None
        value = target.get("id") if isinstance(target, Mapping) else None
        if isinstance(value, str | int) and not isinstance(value, bool):
            out.append(str(value))
    return out


def reachable(inventory: ReadableInventory, roots: Iterable[str], fragments: Sequence[str]) -> set[str]:
    """``roots`` and every managed object their ``fragments`` references reach, at any depth."""
    found, stack = set(roots), list(roots)
    while fragments and stack:
        current = stack.pop()
        if not inventory.exists(current):
            continue
        mo = inventory.get(current)
        for child in (c for fragment in fragments for c in child_ids(mo, fragment)):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
