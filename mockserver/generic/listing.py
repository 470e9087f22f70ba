"""Filtering and paging of a list as pure functions, for every paging style a spec may use.

Styles (detected by the generator from a list operation's query parameters):

* ``cumulocity``: ``pageSize``/``currentPage`` with ``statistics`` and ``self``/``next``/``prev``
  links, exactly as :mod:`mockserver.paging` implements the platform's rules;
* ``offset``: ``limit`` and optionally ``offset`` (0-based item offset);
* ``page``: a page number and a page size (``page``/``per_page``, ``page``/``limit`` ...);
* ``none``: every matching item (up to ``max_size`` when the response array has ``maxItems``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mockserver import paging

PagingStyle = Literal["none", "cumulocity", "offset", "page"]
ExtraSource = Literal["total", "count", "size", "position", "statistics", "self", "next", "prev"]


@dataclass(frozen=True)
class PagingSpec:
    """Which query arguments page a list and their defaults.

    ``size_param`` holds the page size (``pageSize``, ``limit``, ``per_page``); ``position_param``
    the page number or offset. ``first_page`` is 0 or 1 for the ``page`` style. ``default_size``
    applies when the client sends no size; ``max_size`` trims larger sizes (``None``: no cap).
    """

    style: PagingStyle = "none"
    size_param: str | None = None
    position_param: str | None = None
    default_size: int | None = None
    max_size: int | None = None
    first_page: int = 1


@dataclass(frozen=True)
class ListShape:
    """How a list answer looks: a bare array (``key`` is ``None``) or an object holding the
    array under ``key`` plus computed ``extras`` (property name, what it holds)."""

    key: str | None = None
    extras: tuple[tuple[str, ExtraSource], ...] = ()


def matches(
    item: Mapping[str, Any], field: str, wanted: Any, *, param_is_array: bool, field_is_array: bool
) -> bool:
    """Whether ``item[field]`` equals ``wanted`` (or any of them / contains it, for arrays)."""
    if field not in item:
        return False
    have = item[field]
    candidates = list(wanted) if param_is_array else [wanted]
    values = list(have) if field_is_array and isinstance(have, list) else [have]
    return any(_same(v, c) for v in values for c in candidates)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted or str(value).lower() == str(wanted).lower()
    if isinstance(value, int | float) and isinstance(wanted, int | float):
        return value == wanted
    return str(value) == str(wanted)


def _as_int(value: Any, default: int | None) -> int | None:
    """An integer argument; ``default`` when absent or not a number (an opaque string cursor)."""
    if value is None or isinstance(value, bool):
        return default
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def page_items(
    items: Sequence[Any],
    spec: PagingSpec,
    args: Mapping[str, Any],
    shape: ListShape,
    *,
    url: str,
    query: Iterable[tuple[str, str]] = (),
) -> Any:
    """The list answer for ``items`` (already filtered), paged as ``spec`` says and shaped as ``shape``."""
    if spec.style == "cumulocity":
        request = paging.PageRequest.from_query(
            page_size=_as_int(args.get(spec.size_param or "pageSize"), None),
            current_page=_as_int(args.get(spec.position_param or "currentPage"), None),
            with_total_pages=bool(args.get("withTotalPages")),
            with_total_elements=bool(args.get("withTotalElements")),
        )
        full = paging.collection(shape.key or "items", items, request, base_url=url, query=query)
        if shape.key is None:
            return full["items"]
        wanted = {name for name, _ in shape.extras} | {shape.key}
        return {k: v for k, v in full.items() if k in wanted}

    size = _as_int(args.get(spec.size_param) if spec.size_param else None, spec.default_size)
    if size is not None and spec.max_size is not None:
        size = min(size, spec.max_size)
    if size is None:
        size = spec.max_size if spec.max_size is not None else len(items)
    if spec.style == "offset":
        position: int = _as_int(args.get(spec.position_param) if spec.position_param else None, 0) or 0
        start = position
    elif spec.style == "page":
        asked = _as_int(args.get(spec.position_param) if spec.position_param else None, spec.first_page)
        position = spec.first_page if asked is None else asked
        start = max(position - spec.first_page, 0) * size
    else:
        position = 0
        start = 0
    page = list(items[start : start + size]) if size >= 0 else []
    if shape.key is None:
        return page
    values: dict[ExtraSource, Any] = {
        "total": len(items),
        "count": len(page),
        "size": size,
        "position": position,
    }
    body: dict[str, Any] = {shape.key: page}
    for name, source in shape.extras:
        if source in values:
            body[name] = values[source]
    return body
