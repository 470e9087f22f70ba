"""The inventory query language evaluated: pure functions over managed objects (plain dicts).

The rules are those of ``spec/inventory.yaml`` (``query`` on ``GET /inventory/managedObjects``);
:mod:`mockserver.inventory.query` parses the text into the :data:`Expr` these functions read.
``bygroupid`` asks a caller-given ``InGroup`` (:func:`inventory_groups` for managed objects).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mockserver.inventory.query import And, ByGroup, Compare, Expr, Has, Operator, Or, OrderKey, Scalar

MISSING: Any = object()
Lookup = Callable[[str], "Mapping[str, Any] | None"]
#: ``in_group(document, group_id)``: whether ``bygroupid(group_id)`` holds for the document.
InGroup = Callable[[Mapping[str, Any], str], bool]


def resolve(document: Mapping[str, Any], path: Sequence[str]) -> Any:
    """The value at a dotted path, or MISSING when a step is absent or not an object."""
    value: Any = document
    for step in path:
        if not isinstance(value, Mapping) or step not in value:
            return MISSING
        value = value[step]
    return value


def has_string_value(document: Mapping[str, Any], text: str) -> bool:
    """The ``text`` filter: some string value of the document, at any depth, equals ``text``.

    Cumulocity's OpenAPI (Inventory API, GET /inventory/managedObjects, parameter ``text``):
    "Search for managed objects where any property value is equal to the given one. Only
    string values are supported." Keys, numbers and booleans never match. An explicit stack,
    not recursion, so a deeply nested document cannot exhaust the interpreter's stack.
    """
    stack: list[Any] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if value == text:
                return True
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def wildcard_match(pattern: str, text: str) -> bool:
    """``*`` matches any run of characters (also none); linear, no backtracking."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return pattern == text
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for part in parts[1:-1]:
        found = text.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(actual: Any, expected: Scalar) -> bool:
    if expected is None:
        return actual is MISSING or actual is None
    if isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, str):
        return isinstance(actual, str) and wildcard_match(expected, actual)
    return _is_number(actual) and bool(actual == expected)


def _ordered(actual: Any, op: Operator, expected: Scalar) -> bool:
    comparable = (_is_number(actual) and _is_number(expected)) or (
        isinstance(actual, str) and isinstance(expected, str)
    )
    if not comparable:
        return False
    if op == "gt":
        return bool(actual > expected)
    if op == "ge":
        return bool(actual >= expected)
    if op == "lt":
        return bool(actual < expected)
    return bool(actual <= expected)


def reference_ids(document: Mapping[str, Any] | None, fragment: str) -> set[str]:
    """The ids in ``document[fragment].references[*].managedObject.id``."""
    refs = resolve(document or {}, (fragment, "references"))
    found = set()
    for ref in refs if isinstance(refs, list) else []:
        target = resolve(ref, ("managedObject", "id")) if isinstance(ref, Mapping) else MISSING
        if isinstance(target, str | int) and not isinstance(target, bool):
            found.add(str(target))
    return found


def inventory_groups(lookup: Lookup) -> InGroup:
    """``bygroupid`` over managed objects: listed in the group's ``childAssets``, or naming the
    group in the document's own ``assetParents``."""

    def in_group(document: Mapping[str, Any], group: str) -> bool:
        own = str(document.get("id"))
        if own in reference_ids(lookup(group), "childAssets"):
            return True
        return group in reference_ids(document, "assetParents")

    return in_group


def matches(expr: Expr | None, document: Mapping[str, Any], in_group: InGroup) -> bool:
    """Whether ``document`` satisfies ``expr`` (None: always)."""
    if expr is None:
        return True
    if isinstance(expr, Compare):
        actual = resolve(document, expr.path)
        if expr.op in ("eq", "ne"):
            return _equal(actual, expr.value) is (expr.op == "eq")
        return _ordered(actual, expr.op, expr.value)
    if isinstance(expr, Has):
        return resolve(document, expr.path) is not MISSING
    if isinstance(expr, ByGroup):
        return in_group(document, expr.group)
    if isinstance(expr, And):
        return all(matches(item, document, in_group) for item in expr.items)
    if isinstance(expr, Or):
        return any(matches(item, document, in_group) for item in expr.items)
    return not matches(expr.item, document, in_group)


def sort_rank(value: Any) -> tuple[int, Any]:
    """Missing and null first, then numbers, strings, objects, arrays, booleans (each in order)."""
    if value is MISSING or value is None:
        return (0, 0)
    if _is_number(value):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, Mapping):
        return (3, 0)
    if isinstance(value, list):
        return (4, 0)
    return (5, bool(value))


def order(documents: list[dict[str, Any]], keys: Sequence[OrderKey]) -> list[dict[str, Any]]:
    """``documents`` (already by id) sorted by ``keys``, the first key first; ties keep id order."""
    ordered = list(documents)
    for key in reversed(keys):

        def sort_key(doc: dict[str, Any], path: tuple[str, ...] = key.path) -> tuple[int, Any]:
            return sort_rank(resolve(doc, path))

        ordered.sort(key=sort_key, reverse=key.descending)
    return ordered
