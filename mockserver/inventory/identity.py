"""The identity API's data: external ids ``(type, externalId)`` naming managed objects.

Rules of ``spec/identity.yaml``: an external id names exactly one managed object, and a pair
``(type, externalId)`` exists at most once (a second create is a 409, also for the same managed
object); a managed object may carry any number of them. When the managed object is deleted its
external ids go with it (the store listens to the inventory's deletes). No HTTP here: the edge
writes ``self`` links.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mockserver.errors import Conflict, NotFound, ValidationError

RESOURCE = "identity"


class Inventory(Protocol):
    """What the identity store needs from the inventory store."""

    def exists(self, id: str) -> bool: ...
    def subscribe(self, listener: Any) -> None: ...


@dataclass(frozen=True)
class ExternalId:
    """One external id: its type, its value, and the managed object it names."""

    type: str
    external_id: str
    managed_object: str


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value or "/" in value:
        raise ValidationError(
            f"The external id's {key} is {value!r}; expected a non-empty string without '/'.",
            resource=RESOURCE,
            details=[{"field": key, "message": f"{key} must be a non-empty string without '/'."}],
        )
    return value


class IdentityStore:
    """External ids by ``(type, externalId)``; thread-safe."""

    def __init__(self, inventory: Inventory) -> None:
        self._inventory = inventory
        self._by_key: dict[tuple[str, str], ExternalId] = {}
        self._lock = threading.Lock()
        inventory.subscribe(self._on_inventory_change)

    def _on_inventory_change(self, action: str, doc: Mapping[str, Any]) -> None:
        if action == "delete":
            self.forget_managed_object(str(doc["id"]))

    def _require_managed_object(self, managed_object: str) -> None:
        if not self._inventory.exists(managed_object):
            raise NotFound(f"Managed object with id {managed_object!r} does not exist.", resource=RESOURCE)

    def create(self, managed_object: str, body: Any) -> ExternalId:
        """Add ``{externalId, type}`` to ``managed_object``: 404 unknown object, 409 pair taken."""
        if not isinstance(body, Mapping):
            raise ValidationError("An external id must be a JSON object.", resource=RESOURCE)
        record = ExternalId(_text(body, "type"), _text(body, "externalId"), managed_object)
        with self._lock:
            self._require_managed_object(managed_object)
            taken = self._by_key.get((record.type, record.external_id))
            if taken is not None:
                raise Conflict(
                    f"The external id {record.external_id!r} of type {record.type!r} already names "
                    f"managed object {taken.managed_object}.",
                    resource=RESOURCE,
                )
            self._by_key[(record.type, record.external_id)] = record
        return record

    def of(self, managed_object: str) -> list[ExternalId]:
        """The external ids of ``managed_object`` in creation order (404 when it does not exist)."""
        with self._lock:
            self._require_managed_object(managed_object)
            return [r for r in self._by_key.values() if r.managed_object == managed_object]

    def get(self, type_: str, external_id: str) -> ExternalId:
        """The external id ``(type_, external_id)``; 404 when there is none."""
        with self._lock:
            record = self._by_key.get((type_, external_id))
        if record is None:
            raise NotFound(f"No external id {external_id!r} of type {type_!r} exists.", resource=RESOURCE)
        return record

    def resolve(self, type_: str, external_id: str) -> str | None:
        """The managed object the external id names, or None."""
        with self._lock:
            record = self._by_key.get((type_, external_id))
        return None if record is None else record.managed_object

    def delete(self, type_: str, external_id: str) -> None:
        """Remove the external id (404 when there is none); the managed object stays."""
        with self._lock:
            if self._by_key.pop((type_, external_id), None) is None:
                raise NotFound(f"No external id {external_id!r} of type {type_!r} exists.", resource=RESOURCE)

    def forget_managed_object(self, managed_object: str) -> None:
        """Drop every external id of ``managed_object`` (it was deleted)."""
        with self._lock:
            for key in [k for k, r in self._by_key.items() if r.managed_object == managed_object]:
                del self._by_key[key]

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()

    def __len__(self) -> int:
        return len(self._by_key)
