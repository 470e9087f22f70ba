"""Paging and collection envelopes as pure functions over plain data: the one home for both
the hand-written mock and the generic mock of generated projects.

The platform pages every collection the same way (see ``spec/measurement.yaml``):

* ``pageSize`` defaults to 5; values above 2000 are trimmed to 2000, not refused.
* ``currentPage`` starts at 1; a page past the end is an empty list, not an error.
* ``statistics`` always holds ``currentPage`` and ``pageSize``; ``totalPages`` and
  ``totalElements`` only when ``withTotalPages`` / ``withTotalElements`` ask for them.
* ``self`` and ``next`` are always present and echo every query parameter, with
  ``currentPage`` rewritten; ``prev`` appears from page 2 on.

A generated mock pages as its spec does (:class:`PagingSpec`, detected by the generator from a
list operation's query parameters, and :func:`page_items`):

* ``cumulocity``: ``pageSize``/``currentPage``, exactly the platform's rules above;
* ``offset``: ``limit`` and optionally ``offset`` (0-based item offset);
* ``page``: a page number and a page size (``page``/``per_page``, ``page``/``limit`` ...);
* ``none``: every matching item (up to ``max_size`` when the response array has ``maxItems``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NotRequired, TypedDict, TypeVar
from urllib.parse import urlencode

DEFAULT_PAGE_SIZE = 5
MAX_PAGE_SIZE = 2000

T = TypeVar("T")

PagingStyle = Literal["none", "cumulocity", "offset", "page"]
ExtraSource = Literal["total", "count", "size", "position", "statistics", "self", "next", "prev"]


class Statistics(TypedDict):
    """The ``statistics`` object of a collection answer."""

    currentPage: int
    pageSize: int
    totalPages: NotRequired[int]
    totalElements: NotRequired[int]


class PageLinks(TypedDict):
    """The navigation links of a collection answer."""

    self: str
    next: str
    prev: NotRequired[str]


@dataclass(frozen=True)
class PageRequest:
    """What the client asked for, already trimmed to the platform's limits."""

    page_size: int = DEFAULT_PAGE_SIZE
    current_page: int = 1
    with_total_pages: bool = False
    with_total_elements: bool = False

    @classmethod
    def from_query(
        cls,
        page_size: int | None = None,
        current_page: int | None = None,
        with_total_pages: bool | None = None,
        with_total_elements: bool | None = None,
    ) -> PageRequest:
        """Apply defaults and trim ``pageSize`` to :data:`MAX_PAGE_SIZE`.

        Values below 1 are the caller's problem to reject; the spec declares ``minimum: 1``.
        """
        size = DEFAULT_PAGE_SIZE if page_size is None else min(page_size, MAX_PAGE_SIZE)
        return cls(
            page_size=size,
            current_page=1 if current_page is None else current_page,
            with_total_pages=bool(with_total_pages),
            with_total_elements=bool(with_total_elements),
        )

    @property
    def offset(self) -> int:
        return (self.current_page - 1) * self.page_size


def page_slice(items: Sequence[T], request: PageRequest) -> list[T]:
    """The items of the requested page; empty when the page lies past the end."""
    start = request.offset
    return list(items[start : start + request.page_size])


def statistics(request: PageRequest, total_elements: int) -> Statistics:
    """The ``statistics`` object of a collection answer."""
    stats: Statistics = {"currentPage": request.current_page, "pageSize": request.page_size}
    if request.with_total_pages:
        stats["totalPages"] = -(-total_elements // request.page_size)
    if request.with_total_elements:
        stats["totalElements"] = total_elements
    return stats


def page_links(base_url: str, query: Iterable[tuple[str, str]], request: PageRequest) -> PageLinks:
    """``self``, ``next`` and (from page 2) ``prev`` links echoing every query parameter.

    ``query`` is the request's query as (name, value) pairs in their original order,
    repeated names included; ``pageSize`` and ``currentPage`` are rewritten.
    """
    kept = [(k, v) for k, v in query if k not in ("currentPage", "pageSize")]

    def link(page: int) -> str:
        params = [*kept, ("pageSize", str(request.page_size)), ("currentPage", str(page))]
        return f"{base_url}?{urlencode(params)}"

    links: PageLinks = {"self": link(request.current_page), "next": link(request.current_page + 1)}
    if request.current_page > 1:
        links["prev"] = link(request.current_page - 1)
    return links


def collection(
    key: str,
    items: Sequence[Any],
    request: PageRequest,
    *,
    base_url: str,
    query: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """A whole Cumulocity collection answer: ``{key: [...], statistics, self, next, prev}``."""
    body: dict[str, Any] = {key: page_slice(items, request)}
    body["statistics"] = statistics(request, len(items))
    body.update(page_links(base_url, query, request))
    return body


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
    array under ``key`` plus computed ``extras`` (property name, what it holds) and ``constants``
    (required properties the mock cannot compute, such as a cursor, with a schema-valid value)."""

    key: str | None = None
    extras: tuple[tuple[str, ExtraSource], ...] = ()
    constants: tuple[tuple[str, Any], ...] = ()


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
        request = PageRequest.from_query(
            page_size=_as_int(args.get(spec.size_param or "pageSize"), None),
            current_page=_as_int(args.get(spec.position_param or "currentPage"), None),
            with_total_pages=bool(args.get("withTotalPages")),
            with_total_elements=bool(args.get("withTotalElements")),
        )
        full = collection(shape.key or "items", items, request, base_url=url, query=query)
        if shape.key is None:
            return full["items"]
        wanted = {name for name, _ in shape.extras} | {shape.key}
        return {**dict(shape.constants), **{k: v for k, v in full.items() if k in wanted}}

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
    body: dict[str, Any] = {**dict(shape.constants), shape.key: page}
    for name, source in shape.extras:
        if source in values:
            body[name] = values[source]
    return body
