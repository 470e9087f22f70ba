"""More variants written from the spec descriptions alone (see ``harness_variants_unseen.py``):
inventory, DTM and Notification 2.0 answers and lists."""

from __future__ import annotations

import json
from typing import Any

from harness_faults import Exchange
from harness_variants_unseen import fault, plain_json_errors


def without_location(prefix: str) -> Any:
    """inventory.yaml, dtm.yaml: `201` always carries `Location: <self url>`."""

    def rewrite(ex: Exchange) -> None:
        if ex.method == "POST" and ex.path.startswith(prefix) and ex.status == 201 and ex.answer_headers:
            ex.answer_headers = [h for h in ex.answer_headers if h[0].lower() != b"location"]

    return rewrite


def echo_without_accept(prefix: str) -> Any:
    """inventory.yaml, dtm.yaml: without an `Accept` header a POST or PUT answers an empty body."""

    def rewrite(ex: Exchange) -> None:
        if ex.method in ("POST", "PUT") and ex.path.startswith(prefix) and ex.status in (200, 201):
            if "accept" not in ex.headers and ex.answer is None and ex.answer_headers is not None and ex.body:
                ex.answer = json.loads(ex.body)
                ex.answer_headers.append((b"content-type", b"application/json"))

    return rewrite


def subscriptions_newest_first(ex: Exchange) -> None:
    """notification2.yaml: the subscriptions of the tenant, oldest first."""
    if ex.method == "GET" and ex.path == "/notification2/subscriptions" and isinstance(ex.answer, dict):
        ex.answer.get("subscriptions", []).reverse()


def type_filter_ignored(ex: Exchange) -> None:
    """notification2.yaml: `typeFilter` keeps only subscriptions whose typeFilter is exactly it."""
    if ex.method == "GET" and ex.path == "/notification2/subscriptions":
        ex.drop("typeFilter")


# A few seconds each as well, but make test's budget is spent: behind `make variants` too.
OTHER_API_FAULTS = [
    fault(
        "managed object POST without Location",
        "LINK-INV-1",
        "WrongLocationHeader",
        after=without_location("/inventory"),
    ),
    fault(
        "managed object body without Accept",
        "LINK-INV-1",
        "BodyReturnedWithoutAccept",
        after=echo_without_accept("/inventory"),
    ),
    fault(
        "inventory errors as plain JSON",
        "SCHEMA-INV-1",
        "CustomCheckFailedCumulocityErrorBody|UndocumentedContentType",
        after=plain_json_errors("/inventory"),
    ),
    fault(
        "asset instance POST without Location",
        "DTM-LINK-1",
        "WrongLocationHeader",
        after=without_location("/service/dtm/asset-instances"),
    ),
    fault(
        "asset model body without Accept",
        "DTM-WRITE-1",
        "BodyReturnedWithoutAccept",
        after=echo_without_accept("/service/dtm/asset-models"),
    ),
    fault("subscriptions newest first", "RT-N2-4", "WrongPageItems", after=subscriptions_newest_first),
    fault(
        "subscription typeFilter ignored",
        "RT-N2-4",
        "NonMatchingItemsReturned|WrongPageItems|WrongPageStatistics",
        before=type_filter_ignored,
    ),
]
