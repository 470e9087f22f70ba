"""Cumulocity-style paging as pure functions over plain data.

The platform pages every collection the same way (see ``spec/measurement.yaml``):

* ``pageSize`` defaults to 5; values above 2000 are trimmed to 2000, not refused.
* ``currentPage`` starts at 1; a page past the end is an empty list, not an error.
* ``statistics`` always holds ``currentPage`` and ``pageSize``; ``totalPages`` and
  ``totalElements`` only when ``withTotalPages`` / ``withTotalElements`` ask for them.
* ``self`` and ``next`` are always present and echo every query parameter, with
  ``currentPage`` rewritten; ``prev`` appears from page 2 on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

DEFAULT_PAGE_SIZE = 5
MAX_PAGE_SIZE = 2000

T = TypeVar("T")

QueryParams = Sequence[tuple[str, str]]


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


def statistics(request: PageRequest, total_elements: int) -> dict[str, int]:
    """The ``statistics`` object of a collection answer."""
    stats = {"currentPage": request.current_page, "pageSize": request.page_size}
    if request.with_total_pages:
        stats["totalPages"] = -(-total_elements // request.page_size)
    if request.with_total_elements:
        stats["totalElements"] = total_elements
    return stats


def page_links(base_url: str, query: Iterable[tuple[str, str]], request: PageRequest) -> dict[str, str]:
    """``self``, ``next`` and (from page 2) ``prev`` links echoing every query parameter.

    ``query`` is the request's query as (name, value) pairs in their original order,
    repeated names included; ``pageSize`` and ``currentPage`` are rewritten.
    """
    kept = [(k, v) for k, v in query if k not in ("currentPage", "pageSize")]

    def link(page: int) -> str:
        params = [*kept, ("pageSize", str(request.page_size)), ("currentPage", str(page))]
        return f"{base_url}?{urlencode(params)}"

    links = {"self": link(request.current_page), "next": link(request.current_page + 1)}
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
