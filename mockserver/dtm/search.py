"""The inventory query language on the asset instances' list (``query`` of ``listAssetInstances``).

The same language as ``GET /inventory/managedObjects`` (:mod:`mockserver.inventory.query`),
evaluated over each asset instance document as it is answered (``name``, ``modelId``,
``properties.<key>``, ...); ``bygroupid(<id>)`` selects the direct children of instance ``<id>``.
The rule is written in ``spec/dtm.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from mockserver.dtm.records import AssetInstanceDoc, Rendered
from mockserver.inventory import matching
from mockserver.inventory.query import parse


def _child_of(document: Mapping[str, Any], group: str) -> bool:
    return document.get("parent") == group


def search(found: Rendered[AssetInstanceDoc], text: str | None) -> Rendered[AssetInstanceDoc]:
    """``found`` (by id) narrowed by the query's filter and sorted by its ``$orderby``."""
    if text is None:
        return found
    query = parse(text, parameter="query", resource="dtm")
    documents = [cast(dict[str, Any], doc) for doc in found]
    selected = [doc for doc in documents if matching.matches(query.filter, doc, _child_of)]
    ordered = cast(list[AssetInstanceDoc], matching.order(selected, query.order))
    return Rendered(ordered, lambda doc: doc)
