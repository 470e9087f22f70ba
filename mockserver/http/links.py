"""Self links and URI templates: how the mock names its resources in answers.

Links are built from the scheme and host the client used (``http://127.0.0.1:8080``), so an
answer is valid for whoever asked, behind any port mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

from mockserver.paging import PageRequest, page_links, statistics

MEASUREMENTS = "/measurement/measurements"
MANAGED_OBJECTS = "/inventory/managedObjects"

# The measurement API resource's template dimensions, in the order the seed lists them.
_TEMPLATE_DIMENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Source", ("source",)),
    ("Date", ("dateFrom", "dateTo")),
    ("FragmentType", ("fragmentType",)),
    ("Type", ("type",)),
)


def measurement_url(base_url: str, id: str) -> str:
    return f"{base_url}{MEASUREMENTS}/{id}"


def managed_object_url(base_url: str, id: str) -> str:
    return f"{base_url}{MANAGED_OBJECTS}/{id}"


def present_measurement(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Add ``self`` to a stored measurement and to its ``source`` (in place; returns it)."""
    doc["self"] = measurement_url(base_url, doc["id"])
    source = doc.get("source")
    if isinstance(source, dict) and "id" in source:
        source["self"] = managed_object_url(base_url, str(source["id"]))
    return doc


def measurement_page(
    items: Sequence[dict[str, Any]],
    total: int,
    page: PageRequest,
    *,
    base_url: str,
    collection_url: str,
    query: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    """A measurement collection answer: the page's measurements with their links, ``statistics``,
    and ``self``/``next``/``prev`` echoing the request's query (the collection and DTM roll-ups)."""
    return {
        "measurements": [present_measurement(m, base_url) for m in items],
        "statistics": statistics(page, total),
        **page_links(collection_url, query, page),
    }


def present_managed_object(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    doc["self"] = managed_object_url(base_url, doc["id"])
    return doc


def measurement_api_resource(base_url: str) -> dict[str, Any]:
    """``GET /measurement``: self, the collection, and the 15 filter URI templates of the seed
    (every non-empty combination of source, date, fragmentType and type)."""
    collection = f"{base_url}{MEASUREMENTS}"
    body: dict[str, Any] = {"self": f"{base_url}/measurement", "measurements": {"self": collection}}
    for size in range(1, len(_TEMPLATE_DIMENSIONS) + 1):
        for combo in combinations(_TEMPLATE_DIMENSIONS, size):
            name = "measurementsFor" + "And".join(label for label, _ in combo)
            query = "&".join(f"{p}={{{p}}}" for _, params in combo for p in params)
            body[name] = f"{collection}?{query}"
    return body
