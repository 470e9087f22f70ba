"""Where the schema run's writes are pointed: at resources the run created (a ``map_case`` hook).

Safety does not depend on this module: every request of every Schemathesis phase passes the guard
(:mod:`contracts.guard`), which refuses writes that could reach data the run did not create, and
the examples phase skips ``map_case`` altogether. The rewriting only keeps coverage up: a write the
guard would refuse is pointed at the run's own resources instead, so the target answers it.

- PUT/DELETE of an id the run does not own: the run's newest id of that family (never one of the
  two sources below), or an id that exists nowhere (which the guard refuses);
- ``source.id`` in a measurement or alarm body, ``managedObjectId``/``parent`` of an instance: the
  run's source, or its newest instance;
- collection DELETEs of measurements and alarms, the bulk alarm update and the DELETE of
  Notification 2.0 subscriptions by source: scoped to a second source of the run's that nothing is
  written to, so they change no data at all (not even the run's, which the stateful links use);
- names of managed objects and asset models, and the subscription name of a Notification 2.0
  subscription or token: prefixed with the run's prefix (a subscription's source too).
"""

from __future__ import annotations

import re
from typing import Any

from contracts.checks import RunContext

NOWHERE = "999999999999999999"
DIGITS = re.compile(r"^\d+$")
FAMILY_OF_PATH = [
    ("/measurement/measurements/", "measurements"),
    ("/inventory/managedObjects/", "managed_objects"),
    ("/service/dtm/asset-models/", "models"),
    ("/service/dtm/asset-instances/", "instances"),
    ("/alarm/alarms/", "alarms"),
    ("/notification2/subscriptions/", "subscriptions"),
]
SCOPED_COLLECTION_WRITES = {
    ("DELETE", "/measurement/measurements"),
    ("DELETE", "/alarm/alarms"),
    ("PUT", "/alarm/alarms"),
    ("DELETE", "/notification2/subscriptions"),
}
NAMED_BY_SUBSCRIPTION = ("/notification2/subscriptions", "/notification2/token")


class Owned:
    """The run's own resources that the schema run's writes are pointed at."""

    def __init__(self, ctx: RunContext, source: str | None, delete_source: str | None) -> None:
        self.ctx = ctx
        self.source = source
        self.delete_source = delete_source
        self.ownership = ctx.client.guard.ownership

    def ids(self, family: str) -> list[str]:
        """The run's ids of a family, oldest first."""
        ownership = self.ownership
        if family in ("measurements", "alarms"):
            return sorted(getattr(ownership, family), key=int)
        if family == "subscriptions":
            return sorted(ownership.subscriptions)
        listed: list[str] = getattr(ownership, family)
        return listed

    def pick(self, family: str) -> str:
        """An id of the run's own for a write to an id the run does not own (the newest one).

        The two sources the suite writes to are never picked; with nothing of its own the write
        keeps an id that exists nowhere, which the guard refuses.
        """
        candidates = [i for i in self.ids(family) if i not in (self.source, self.delete_source)]
        return candidates[-1] if candidates else NOWHERE

    @property
    def subscription_prefix(self) -> str:
        """Subscription names are letters and digits: the run's prefix without dashes."""
        return self.ctx.prefix.replace("-", "")


def is_id(value: Any) -> bool:
    """A value that could address an existing resource (digits as a string or a JSON integer)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and DIGITS.match(value) is not None
    )


def same_type(original: Any, owned_id: str) -> Any:
    """The owned id in the JSON type of the value it replaces (a type violation stays a violation)."""
    return int(owned_id) if isinstance(original, int) else owned_id


def sanitize(owned: Owned, case: Any) -> Any:
    """Point every write at the run's own resources (see the module docstring)."""
    method = case.operation.method.upper()
    path = case.operation.path
    if method in ("PUT", "DELETE") and case.path_parameters:
        retarget_item(owned, path, case.path_parameters)
    if (method, path) in SCOPED_COLLECTION_WRITES and owned.delete_source is not None:
        case.query = {**(case.query or {}), "source": owned.delete_source}
    if method == "DELETE" and case.headers:
        # A TRANSIENT or CEP delete deletes nothing (spec/measurement.yaml): Schemathesis's
        # use-after-free check does not know that rule, so its deletes go out PERSISTENT.
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "x-cumulocity-processing-mode"}
    body = case.body
    if method in ("POST", "PUT") and isinstance(body, dict):
        retarget_body(owned, path, body)
    return case


def retarget_item(owned: Owned, path: str, parameters: dict[str, Any]) -> None:
    for prefix, family in FAMILY_OF_PATH:
        if not path.startswith(prefix) or "id" not in parameters:
            continue
        value = str(parameters["id"])
        addressable = family == "subscriptions" or DIGITS.match(value)
        if addressable and value not in owned.ids(family):
            parameters["id"] = owned.pick(family)


def retarget_body(owned: Owned, path: str, body: dict[str, Any]) -> None:
    items: list[Any] = body["measurements"] if isinstance(body.get("measurements"), list) else [body]
    for item in items:
        source = item.get("source") if isinstance(item, dict) else None
        if isinstance(source, dict) and is_id(source.get("id")):
            source["id"] = same_type(source["id"], owned.source or NOWHERE)
    if path.startswith("/service/dtm/asset-instances"):
        if is_id(body.get("parent")) and str(body["parent"]) not in owned.ids("instances"):
            body["parent"] = same_type(body["parent"], owned.pick("instances"))
        if is_id(body.get("managedObjectId")) and str(body["managedObjectId"]) != owned.source:
            body["managedObjectId"] = same_type(body["managedObjectId"], owned.source or NOWHERE)
    if path == "/inventory/managedObjects" or path.startswith("/service/dtm/asset-models"):
        name = body.get("name")
        if isinstance(name, str) and 0 < len(name) <= 254 - len(owned.ctx.prefix) - 1:
            body["name"] = f"{owned.ctx.prefix}-{name}"  # never turns an invalid name into a valid one
    subscription_source = body.get("source") if path == NAMED_BY_SUBSCRIPTION[0] else None
    if body.get("context") == "mo" and isinstance(subscription_source, dict):
        subscription_source["id"] = owned.source or NOWHERE
    if path in NAMED_BY_SUBSCRIPTION:
        name, own = body.get("subscription"), owned.subscription_prefix
        if isinstance(name, str) and not name.startswith(own):
            body["subscription"] = own + name  # "" becomes valid: spec_allows drops that claim
