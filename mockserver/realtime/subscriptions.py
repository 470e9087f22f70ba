"""Notification 2.0 subscriptions: what a subscriber wants to hear about (pure, no HTTP).

A subscription has a ``subscription`` name (``^[a-zA-Z0-9]+$``), a ``context`` (``mo``: one
managed object, named by ``source.id``; ``tenant``: the whole tenant), an optional
``subscriptionFilter`` (``apis``, ``typeFilter``), optional ``fragmentsToCopy`` and
``nonPersistent``. Name, context and source together are unique (409 otherwise). Deleting a
managed object deletes the subscriptions on it. The rules are written in
``spec/notification2.yaml``; this module implements them.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.events import Event
from mockserver.realtime.channels import family, last_segment

RESOURCE = "notification2"
NAME = re.compile(r"^[a-zA-Z0-9]+$")
MO_APIS = frozenset(
    {
        "alarms",
        "alarmsWithChildren",
        "events",
        "eventsWithChildren",
        "managedobjects",
        "measurements",
        "operations",
        "*",
    }
)
TENANT_APIS = MO_APIS - {"measurements"}
# Fragments a copy always keeps beside those listed in ``fragmentsToCopy``.
STANDARD_PROPERTIES = frozenset(
    {
        "id",
        "self",
        "type",
        "time",
        "source",
        "creationTime",
        "lastUpdated",
        "text",
        "severity",
        "status",
        "name",
        "owner",
    }
)
_QUOTED = re.compile(r"^'([^']*)'$")
# The child devices of a managed object, at any depth (the inventory knows them).
Children = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class Subscription:
    """One stored subscription, as plain data."""

    id: str
    tenant: str
    name: str
    context: str
    source_id: str | None
    apis: tuple[str, ...] | None
    type_filter: str | None
    types: frozenset[str] | None
    fragments: tuple[str, ...] | None
    non_persistent: bool

    def document(self) -> dict[str, Any]:
        """The subscription as the API answers it (without ``self``, which the edge adds)."""
        doc: dict[str, Any] = {
            "id": self.id,
            "subscription": self.name,
            "context": self.context,
            "source": {"id": self.source_id} if self.source_id is not None else {"id": self.tenant},
            "subscriptionFilter": {"apis": list(self.apis or ["*"]), "typeFilter": self.type_filter},
            "nonPersistent": self.non_persistent,
        }
        if self.fragments is not None:
            doc["fragmentsToCopy"] = list(self.fragments)
        return doc

    def matches(self, event: Event, children_of: Children | None = None) -> bool:
        """Whether ``event`` (on ``/<api>/<source id>``) is one this subscription asked for.

        An ``mo`` subscription hears its own managed object; with ``<api>WithChildren`` among
        its apis (``alarmsWithChildren``, ``eventsWithChildren``) also that api's events of
        every child device, at any depth, as ``children_of`` tells them.
        """
        if event.tenant is not None and event.tenant != self.tenant:
            return False
        api = family(event.channel)
        if self.context == "mo" and last_segment(event.channel) != self.source_id:
            if not (
                children_of is not None
                and self.apis is not None
                and f"{api}WithChildren" in self.apis
                and self.source_id is not None
                and last_segment(event.channel) in children_of(self.source_id)
            ):
                return False
        elif (
            self.apis is not None
            and "*" not in self.apis
            and not any(a == api or a == f"{api}WithChildren" for a in self.apis)
        ):
            return False
        if self.types is not None and event.action != "DELETE":
            return event.payload.get("type") in self.types
        return True

    @property
    def wants_children(self) -> bool:
        return self.context == "mo" and any(a.endswith("WithChildren") for a in self.apis or ())

    def copy_of(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The payload with only the standard properties and ``fragmentsToCopy``, when set."""
        if self.fragments is None:
            return dict(payload)
        keep = STANDARD_PROPERTIES | set(self.fragments)
        return {k: v for k, v in payload.items() if k in keep}


@dataclass(frozen=True)
class SubscriptionQuery:
    """The list filters; None means "not filtered"."""

    context: str | None = None
    source: str | None = None
    subscription: str | None = None
    type_filter: str | None = None
    tenant: str | None = None


def parse_type_filter(value: str) -> frozenset[str]:
    """``c8y_X``, ``'c8y_X'`` or an OData ``'a' or 'b'`` as the set of types it admits."""
    types: set[str] = set()
    for part in re.split(r"\s+or\s+", value.strip()):
        quoted = _QUOTED.match(part.strip())
        types.add(quoted.group(1) if quoted else part.strip())
    return frozenset(t for t in types if t)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, resource=RESOURCE, details=[{"field": field, "message": message}])


def _string_list(value: object, field: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _invalid(field, f"Field {field} must be a list of non-empty strings, got {value!r}.")
    return tuple(value)


class SubscriptionStore:
    """Subscriptions by id; thread-safe. ``source_exists`` checks an ``mo`` context's source."""

    def __init__(self, source_exists: Callable[[str], bool]) -> None:
        self._source_exists = source_exists
        self._items: dict[str, Subscription] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()

    def create(self, doc: object, *, tenant: str) -> Subscription:
        sub = self._validate(doc, tenant)
        with self._lock:
            for other in self._items.values():
                if (other.tenant, other.name, other.context, other.source_id) == (
                    sub.tenant,
                    sub.name,
                    sub.context,
                    sub.source_id,
                ):
                    raise Conflict(
                        f"A subscription named {sub.name!r} already exists for context {sub.context!r} "
                        f"and source {sub.source_id!r} (id {other.id}); expected a new combination.",
                        resource=RESOURCE,
                    )
            stored = Subscription(**{**sub.__dict__, "id": str(next(self._ids))})
            self._items[stored.id] = stored
            return stored

    def _validate(self, doc: object, tenant: str) -> Subscription:
        if not isinstance(doc, dict):
            raise ValidationError("A subscription must be a JSON object.", resource=RESOURCE)
        name, context = doc.get("subscription"), doc.get("context")
        if not isinstance(name, str) or not NAME.match(name):
            raise _invalid(
                "subscription", f"Field subscription is {name!r}; expected letters and digits only."
            )
        if context not in ("mo", "tenant"):
            raise _invalid("context", f"Field context is {context!r}; expected 'mo' or 'tenant'.")
        source = doc.get("source")
        source_id = source.get("id") if isinstance(source, dict) else None
        if context == "mo":
            if source_id is None:
                raise _invalid("source.id", "Field source.id is missing; an mo subscription needs one.")
            if not self._source_exists(str(source_id)):
                # The platform's OpenAPI: "404 Managed object not found"; another tenant's is not found.
                raise NotFound(
                    f"No managed object {source_id!r} exists in this tenant to subscribe to.",
                    resource=RESOURCE,
                )
            source_id = str(source_id)
        else:
            source_id = None
        filt = doc.get("subscriptionFilter") or {}
        if not isinstance(filt, dict):
            raise _invalid("subscriptionFilter", "Field subscriptionFilter must be an object.")
        apis = _string_list(filt.get("apis"), "subscriptionFilter.apis")
        allowed = MO_APIS if context == "mo" else TENANT_APIS
        if apis is not None and (not apis or set(apis) - allowed):
            raise _invalid(
                "subscriptionFilter.apis",
                f"Field subscriptionFilter.apis is {list(apis)!r}; in context {context!r} expected some of "
                f"{', '.join(sorted(allowed))}.",
            )
        type_filter = filt.get("typeFilter")
        if type_filter is not None and (
            not isinstance(type_filter, str) or not parse_type_filter(type_filter)
        ):
            raise _invalid(
                "subscriptionFilter.typeFilter", f"Field typeFilter is {type_filter!r}; expected a type."
            )
        non_persistent = doc.get("nonPersistent", False)
        if not isinstance(non_persistent, bool):
            raise _invalid(
                "nonPersistent", f"Field nonPersistent is {non_persistent!r}; expected true or false."
            )
        return Subscription(
            id="",
            tenant=tenant,
            name=name,
            context=context,
            source_id=source_id,
            apis=apis,
            type_filter=type_filter,
            types=parse_type_filter(type_filter) if type_filter else None,
            fragments=_string_list(doc.get("fragmentsToCopy"), "fragmentsToCopy"),
            non_persistent=non_persistent,
        )

    def get(self, id: str, *, tenant: str | None = None) -> Subscription:
        """The subscription ``id`` (of ``tenant`` when given: another tenant's is not found)."""
        with self._lock:
            found = self._items.get(id)
        if found is None or (tenant is not None and found.tenant != tenant):
            raise NotFound(f"Subscription with id {id!r} does not exist.", resource=RESOURCE)
        return found

    def select(self, query: SubscriptionQuery) -> list[Subscription]:
        """The matching subscriptions, oldest first."""
        with self._lock:
            items = list(self._items.values())
        return [s for s in items if _selected(s, query)]

    def named(self, tenant: str, name: str) -> list[Subscription]:
        with self._lock:
            return [s for s in self._items.values() if s.tenant == tenant and s.name == name]

    def matching(self, event: Event, children_of: Children | None = None) -> list[Subscription]:
        with self._lock:
            items = list(self._items.values())
        return [s for s in items if s.matches(event, children_of if s.wants_children else None)]

    def delete(self, id: str, *, tenant: str | None = None) -> Subscription:
        """Remove the subscription ``id`` (of ``tenant`` when given) and return it."""
        with self._lock:
            found = self._items.get(id)
            if found is None or (tenant is not None and found.tenant != tenant):
                raise NotFound(f"Subscription with id {id!r} does not exist.", resource=RESOURCE)
            del self._items[id]
        return found

    def delete_where(self, query: SubscriptionQuery) -> list[Subscription]:
        with self._lock:
            gone = [s for s in self._items.values() if _selected(s, query)]
            for s in gone:
                del self._items[s.id]
        return gone

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _selected(s: Subscription, q: SubscriptionQuery) -> bool:
    return (
        (q.tenant is None or s.tenant == q.tenant)
        and (q.context is None or s.context == q.context)
        and (q.source is None or s.source_id == q.source)
        and (q.subscription is None or s.name == q.subscription)
        and (q.type_filter is None or s.type_filter == q.type_filter)
    )
