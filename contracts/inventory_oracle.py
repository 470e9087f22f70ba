"""What the inventory query language selects and how it orders, as ``spec/inventory.yaml`` says.

The harness draws queries as plain trees (tuples), renders them as text (:func:`render`) and
evaluates them itself (:func:`selects`, :func:`ordered`) over the managed objects the run created;
it never reads the target's parser. Trees:

- ``("cmp", path, op, value)`` with ``path`` dotted, ``op`` one of eq ne gt ge lt le;
- ``("has", path)``; ``("not", tree)``; ``("and", [trees])``; ``("or", [trees])``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

Tree = tuple[Any, ...]
_ABSENT = object()


def render_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def render(tree: Tree) -> str:
    """The tree as query text, every operand of and/or in parentheses."""
    kind = tree[0]
    if kind == "cmp":
        return f"{tree[1]} {tree[2]} {render_value(tree[3])}"
    if kind == "has":
        return f"has({tree[1]})"
    if kind == "not":
        return f"not({render(tree[1])})"
    return f" {kind} ".join(f"({render(item)})" for item in tree[1])


def value_at(document: Mapping[str, Any], path: str) -> Any:
    current: Any = document
    for step in path.split("."):
        if not isinstance(current, Mapping) or step not in current:
            return _ABSENT
        current = current[step]
    return current


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _equal(actual: Any, wanted: Any) -> bool:
    if wanted is None:
        return actual is _ABSENT or actual is None
    if type(wanted) is bool:
        return type(actual) is bool and actual == wanted
    if isinstance(wanted, str):
        pattern = ".*".join(re.escape(part) for part in wanted.split("*"))
        return isinstance(actual, str) and re.fullmatch(pattern, actual, re.DOTALL) is not None
    return _number(actual) and actual == wanted


def _compare(actual: Any, op: str, wanted: Any) -> bool:
    if op in ("eq", "ne"):
        return _equal(actual, wanted) == (op == "eq")
    if not ((_number(actual) and _number(wanted)) or (isinstance(actual, str) and isinstance(wanted, str))):
        return False
    outcome: bool = {
        "gt": actual > wanted,
        "ge": actual >= wanted,
        "lt": actual < wanted,
        "le": actual <= wanted,
    }[op]
    return outcome


def selects(tree: Tree, document: Mapping[str, Any]) -> bool:
    """Whether the spec's rules select ``document`` for ``tree``."""
    kind = tree[0]
    if kind == "cmp":
        return _compare(value_at(document, tree[1]), tree[2], tree[3])
    if kind == "has":
        return value_at(document, tree[1]) is not _ABSENT
    if kind == "not":
        return not selects(tree[1], document)
    results = [selects(item, document) for item in tree[1]]
    return all(results) if kind == "and" else any(results)


def _rank(value: Any) -> tuple[int, Any]:
    """Missing and null, then numbers, strings, objects, arrays, booleans (spec's `$orderby`)."""
    if value is _ABSENT or value is None:
        return (0, 0)
    if _number(value):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if isinstance(value, Mapping):
        return (3, 0)
    if isinstance(value, list):
        return (4, 0)
    return (5, value)


def ordered(documents: Sequence[Mapping[str, Any]], keys: Sequence[tuple[str, bool]]) -> list[str]:
    """Ids of ``documents`` sorted by ``(path, descending)`` keys, the first deciding; ties by id."""
    items = sorted(documents, key=lambda d: int(d["id"]))
    for path, descending in reversed(keys):
        items.sort(key=lambda d, p=path: _rank(value_at(d, p)), reverse=descending)  # type: ignore[misc]
    return [str(d["id"]) for d in items]
