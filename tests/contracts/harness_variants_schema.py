"""Broken variants for the Schemathesis requirements of the alarm and Notification 2.0 specs.

Each breaks one thing ``spec/alarm.yaml`` or ``spec/notification2.yaml`` states about an answer
(its status, media type or body schema), in the answer only, so that only ``SCHEMA-ALARM-1`` or
``SCHEMA-N2-1`` can see it. Titles are Schemathesis's failure titles as the schema suite words them
(``Response violates schema`` -> ``ResponseViolatesSchema``); ``A|B`` accepts either. ``make test``
runs the first of each requirement; the rest are marked ``slow`` (``make variants``).
"""

from __future__ import annotations

from harness_faults import Exchange, Fault

ALARMS = "/alarm/alarms"
SUBSCRIPTIONS = "/notification2/subscriptions"
ERROR_TYPE = b"application/vnd.com.nsn.cumulocity.error+json"


def folded(ex: Exchange) -> str:
    """The path as the specs serve it (the clients' double and trailing slashes folded)."""
    parts = [p for p in ex.path.split("/") if p]
    return "/" + "/".join(parts)


def count_as_an_object(ex: Exchange) -> None:
    """alarm.yaml: `GET /alarm/alarms/count` answers the number as a bare integer."""
    if ex.method == "GET" and folded(ex) == f"{ALARMS}/count" and ex.status == 200:
        ex.answer = {"count": ex.answer}


def bulk_update_answers_200(ex: Exchange) -> None:
    """alarm.yaml: a bulk status update answers 204 with no body."""
    if ex.method == "PUT" and folded(ex) == ALARMS and ex.status == 204:
        ex.status = 200
        ex.answer = {"alarms": []}


def plain_json_errors(ex: Exchange) -> None:
    """alarm.yaml: every error has the Cumulocity error media type and body."""
    if folded(ex).startswith(ALARMS) and ex.status in (400, 422) and ex.answer_headers is not None:
        ex.answer_headers = [
            (k, b"application/json" if k.lower() == b"content-type" else v) for k, v in ex.answer_headers
        ]
        ex.answer = {"detail": "invalid alarm"}


def subscription_without_self(ex: Exchange) -> None:
    """notification2.yaml: a Subscription has `id`, `self`, `subscription`, `context`, `source`, ..."""
    if not folded(ex).startswith(SUBSCRIPTIONS) or ex.status not in (200, 201):
        return
    if isinstance(ex.answer, dict):
        ex.answer.pop("self", None)
        for item in ex.answer.get("subscriptions") or []:
            item.pop("self", None)


def unknown_subscription_is_a_server_error(ex: Exchange) -> None:
    """notification2.yaml: an unknown subscription id is `404`; never a server error."""
    if ex.method == "GET" and folded(ex).startswith(SUBSCRIPTIONS + "/") and ex.status == 404:
        ex.status = 500


SCHEMA_FAULTS = [
    Fault(
        "alarm count answered as an object",
        "SCHEMA-ALARM",
        "ResponseViolatesSchema",
        after=count_as_an_object,
    ),
    Fault(
        "Notification 2.0 subscription without self",
        "SCHEMA-N2",
        "ResponseViolatesSchema",
        after=subscription_without_self,
    ),
]
SLOW_SCHEMA_FAULTS = [
    Fault(
        "alarm bulk update answers 200 with a body",
        "SCHEMA-ALARM",
        "UndocumentedStatusCode",
        after=bulk_update_answers_200,
    ),
    Fault(
        "alarm errors in plain JSON",
        "SCHEMA-ALARM",
        "UndocumentedContentType|CustomCheckFailed|CustomCheckFailedCumulocityErrorBody",
        after=plain_json_errors,
    ),
    Fault(
        "Notification 2.0 unknown subscription is a server error",
        "SCHEMA-N2",
        "ServerError|UndocumentedStatusCode",
        after=unknown_subscription_is_a_server_error,
    ),
]
