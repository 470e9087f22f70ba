"""Self links and URI templates: how the mock names its resources in answers.

Links are built from the scheme and host the client used (``http://127.0.0.1:8080``), so an
answer is valid for whoever asked, behind any port mapping.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Any
from urllib.parse import quote

from mockserver.dtm.records import AssetInstanceDoc, AssetModelDoc
from mockserver.inventory.identity import ExternalId
from mockserver.jsoncodec import dumps
from mockserver.measurements.rows import StoredMeasurements
from mockserver.paging import PageRequest, page_links, statistics

MEASUREMENTS = "/measurement/measurements"
MANAGED_OBJECTS = "/inventory/managedObjects"
ASSET_MODELS = "/service/dtm/asset-models"
ASSET_INSTANCES = "/service/dtm/asset-instances"

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
    """A stored measurement as answered: ``id``, ``self``, ``source`` with its ``self``, then the
    rest in stored order (the order :func:`measurement_json` writes)."""
    id = doc["id"]
    answer: dict[str, Any] = {"id": id, "self": measurement_url(base_url, id)}
    source = doc.get("source")
    if isinstance(source, dict) and "id" in source:
        answer["source"] = {**source, "self": managed_object_url(base_url, str(source["id"]))}
    answer.update((key, value) for key, value in doc.items() if key not in answer)
    return answer


def measurements_json(stored: StoredMeasurements, base_url: str) -> list[bytes]:
    """The JSON bytes of each stored measurement as answered, splicing the stored bodies.

    Equal to ``dumps(present_measurement(doc))`` for the same measurement, without decoding and
    re-encoding the body: that took most of a 100-item page's time (bench/README.md).
    """
    measurement_prefix = dumps(measurement_url(base_url, ""))[:-1]  # the URL's JSON string, left open
    sources = {
        source_id: b'"source":{"id":%s,"self":%s}'
        % (dumps(source_id), dumps(managed_object_url(base_url, source_id)))
        for source_id in set(stored.source_ids)
    }
    # A server id is an int, written in ASCII digits; a body is never the empty object.
    return [
        b'{"id":"%d","self":%s%d",%s,%s' % (id, measurement_prefix, id, sources[source_id], body[1:])
        for id, source_id, body in zip(stored.ids, stored.source_ids, stored.bodies, strict=True)
    ]


def measurement_json(stored: StoredMeasurements, base_url: str) -> bytes:
    """The one stored measurement in ``stored`` as answered (see :func:`measurements_json`)."""
    (answer,) = measurements_json(stored, base_url)
    return answer


def measurement_page_json(
    stored: StoredMeasurements,
    total: int,
    page: PageRequest,
    *,
    base_url: str,
    collection_url: str,
    query: Iterable[tuple[str, str]],
) -> bytes:
    """A measurement collection answer: the page's measurements with their links, ``statistics``,
    and ``self``/``next``/``prev`` echoing the request's query (the collection and DTM roll-ups)."""
    rest = dumps({"statistics": statistics(page, total), **page_links(collection_url, query, page)})
    return b'{"measurements":[%s],%s' % (b",".join(measurements_json(stored, base_url)), rest[1:])


def asset_model_url(base_url: str, id: str) -> str:
    return f"{base_url}{ASSET_MODELS}/{id}"


def asset_instance_url(base_url: str, id: str) -> str:
    return f"{base_url}{ASSET_INSTANCES}/{id}"


def present_asset_model(doc: AssetModelDoc, base_url: str) -> dict[str, Any]:
    """An asset model as answered: its fields, then ``self``."""
    return {**doc, "self": asset_model_url(base_url, doc["id"])}


def present_asset_instance(doc: AssetInstanceDoc, base_url: str) -> dict[str, Any]:
    """An asset instance as answered: ``id``, ``self``, then the rest."""
    id = doc["id"]
    answer: dict[str, Any] = {"id": id, "self": asset_instance_url(base_url, id)}
    answer.update((key, value) for key, value in doc.items() if key != "id")
    return answer


def present_managed_object(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    doc["self"] = managed_object_url(base_url, doc["id"])
    return doc


def external_id_url(base_url: str, type_: str, external_id: str) -> str:
    """``<base>/identity/externalIds/<type>/<externalId>``, both parts percent-encoded."""
    return f"{base_url}/identity/externalIds/{quote(type_, safe='')}/{quote(external_id, safe='')}"


def present_external_id(record: ExternalId, base_url: str) -> dict[str, Any]:
    """An external id as answered: value, type, self, and the managed object it names."""
    return {
        "externalId": record.external_id,
        "type": record.type,
        "self": external_id_url(base_url, record.type, record.external_id),
        "managedObject": {
            "id": record.managed_object,
            "self": managed_object_url(base_url, record.managed_object),
        },
    }


# The two templates the platform lists beyond those combinations (its own query order).
_PLATFORM_TEMPLATES = (
    ("measurementsForValueFragmentType", ("valueFragmentType",)),
    (
        "measurementsForSourceAndValueFragmentTypeAndValueFragmentSeries",
        ("source", "valueFragmentType", "valueFragmentSeries", "type"),
    ),
)


def measurement_api_resource(base_url: str) -> dict[str, Any]:
    """``GET /measurement``: self, the collection, and 17 filter URI templates: the 15 of the seed
    (every non-empty combination of source, date, fragmentType and type) and the platform's two
    value-fragment templates."""
    collection = f"{base_url}{MEASUREMENTS}"
    body: dict[str, Any] = {
        "self": f"{base_url}/measurement",
        "measurements": {"self": collection, "measurements": []},
    }
    for size in range(1, len(_TEMPLATE_DIMENSIONS) + 1):
        for combo in combinations(_TEMPLATE_DIMENSIONS, size):
            name = "measurementsFor" + "And".join(label for label, _ in combo)
            query = "&".join(f"{p}={{{p}}}" for _, params in combo for p in params)
            body[name] = f"{collection}?{query}"
    for name, params in _PLATFORM_TEMPLATES:
        body[name] = f"{collection}?" + "&".join(f"{p}={{{p}}}" for p in params)
    return body
