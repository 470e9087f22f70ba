"""The inventory: managed objects in memory, with the platform's create/merge/delete rules.

Managed objects are few (devices, assets), so they are kept as plain dicts keyed by id. The
store owns the server-set fields (``id``, ``owner``, ``creationTime``, ``lastUpdated``); the HTTP
layer adds ``self``. Other stores that refer to managed objects register a *delete guard* so a
referenced object cannot disappear under them (an asset instance -> 409).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.ids import IdFactory, is_server_id
from mockserver.inventory import matching
from mockserver.inventory.query import Query
from mockserver.timeutil import format_utc_millis, now_utc

RESOURCE = "inventory"
SERVER_FIELDS = frozenset({"id", "self", "owner", "creationTime", "lastUpdated"})
STRING_FIELDS = ("name", "type")

DeleteGuard = Callable[[str], "str | None"]
Listener = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class InventoryFilter:
    """The GET collection filters, all AND-ed; None means "not filtered"."""

    type: str | None = None
    fragment_type: str | None = None
    ids: frozenset[str] | None = None
    owner: str | None = None
    text: str | None = None
    #: The query language (``query``/``q``): its filter is AND-ed, its ``$orderby`` sorts.
    query: Query | None = None

    def matches(self, mo: dict[str, Any]) -> bool:
        if self.type is not None and mo.get("type") != self.type:
            return False
        if self.fragment_type is not None and self.fragment_type not in mo:
            return False
        if self.ids is not None and mo["id"] not in self.ids:
            return False
        if self.owner is not None and mo.get("owner") != self.owner:
            return False
        return self.text is None or matching.has_string_value(mo, self.text)

    @staticmethod
    def parse_ids(value: str | None) -> frozenset[str] | None:
        """The ``ids`` query value (comma-separated) as a set; blanks are dropped."""
        if value is None:
            return None
        return frozenset(part.strip() for part in value.split(",") if part.strip())


def _check_fields(doc: dict[str, Any]) -> None:
    for key in STRING_FIELDS:
        if key in doc and doc[key] is not None and not isinstance(doc[key], str):
            raise ValidationError(
                f"Field {key} of the managed object has the value {doc[key]!r}; expected a string.",
                resource=RESOURCE,
                details=[{"field": key, "message": f"{key} must be a string."}],
            )


class InventoryStore:
    """Managed objects by id. Thread-safe; returned dicts are copies the caller may keep."""

    def __init__(self, ids: IdFactory | None = None) -> None:
        self._objects: dict[str, dict[str, Any]] = {}
        self._ids = ids or IdFactory()  # shared by the stores of every tenant (MockState)
        self._guards: list[DeleteGuard] = []
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()

    def create(self, doc: dict[str, Any], *, owner: str, preset_id: str | None = None) -> dict[str, Any]:
        """Store a new managed object owned by ``owner`` and return it (without ``self``).

        Client-sent server fields are ignored. ``preset_id`` (digits, unused) lets a seed
        file fix ids that its measurements refer to; later ids continue above it.
        """
        if not isinstance(doc, dict):
            raise ValidationError(
                f"A managed object must be a JSON object, got {type(doc).__name__}.", resource=RESOURCE
            )
        _check_fields(doc)
        with self._lock:
            if preset_id is not None:
                if not is_server_id(preset_id) or preset_id in self._objects:
                    raise Conflict(
                        f"Cannot create managed object with id {preset_id!r}: ids are unused decimal digits.",
                        resource=RESOURCE,
                    )
                new_id = preset_id
                self._ids.observe(preset_id)
            else:
                new_id = self._ids.next_server_id()
            stamp = format_utc_millis(now_utc())
            mo = {k: copy.deepcopy(v) for k, v in doc.items() if k not in SERVER_FIELDS and v is not None}
            mo = {"id": new_id, **mo, "owner": owner, "creationTime": stamp, "lastUpdated": stamp}
            self._objects[new_id] = mo
            created = copy.deepcopy(mo)
        self._publish("create", created)
        return created

    def get(self, id: str) -> dict[str, Any]:
        """The managed object ``id``; 404 ``inventory/Not Found`` when there is none."""
        with self._lock:
            return copy.deepcopy(self._require(id))

    def exists(self, id: str) -> bool:
        with self._lock:
            return id in self._objects

    def update(self, id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge top-level fragments of ``changes``; a fragment set to null is removed.

        ``id``, ``self``, ``owner`` and ``creationTime`` are ignored; ``lastUpdated`` is refreshed.
        """
        if not isinstance(changes, dict):
            raise ValidationError(
                f"A managed object update must be a JSON object, got {type(changes).__name__}.",
                resource=RESOURCE,
            )
        _check_fields(changes)
        with self._lock:
            mo = self._require(id)
            for key, value in changes.items():
                if key in SERVER_FIELDS:
                    continue
                if value is None:
                    mo.pop(key, None)
                else:
                    mo[key] = copy.deepcopy(value)
            mo["lastUpdated"] = format_utc_millis(now_utc())
            updated = copy.deepcopy(mo)
        self._publish("update", updated)
        return updated

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(action, doc)`` after every "create", "update" and "delete" (doc: ``{id}``).

        Listeners run outside the store's lock; ``doc`` is the listener's own copy.
        """
        with self._lock:
            self._listeners.append(listener)

    def _publish(self, action: str, doc: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            listener(action, doc)

    def add_delete_guard(self, guard: DeleteGuard) -> None:
        """Register ``guard(id)``: a non-None message refuses the delete with 409 Conflict."""
        with self._lock:
            self._guards.append(guard)

    def delete(self, id: str) -> None:
        """Remove ``id`` after every delete guard allowed it (404 if absent, 409 if guarded)."""
        with self._lock:
            self._require(id)
            for guard in self._guards:
                reason = guard(id)
                if reason is not None:
                    raise Conflict(reason, resource=RESOURCE)
            del self._objects[id]
        self._publish("delete", {"id": id})

    def select(self, f: InventoryFilter | None = None) -> list[dict[str, Any]]:
        """Copies of the matching managed objects, by id ascending (numerically) unless the
        query's ``$orderby`` sorts them (ties stay by id)."""
        f = f or InventoryFilter()
        with self._lock:
            candidates: Iterable[dict[str, Any]]
            if f.ids is not None:
                candidates = [self._objects[i] for i in f.ids if i in self._objects]
            else:
                candidates = self._objects.values()
            found = [mo for mo in candidates if f.matches(mo)]
            if f.query is not None:
                in_group = matching.inventory_groups(self._objects.get)
                found = [mo for mo in found if matching.matches(f.query.filter, mo, in_group)]
            found.sort(key=lambda mo: int(mo["id"]))
            if f.query is not None and f.query.order:
                found = matching.order(found, f.query.order)
            return copy.deepcopy(found)

    def clear(self) -> None:
        """Forget every managed object; ids keep counting up (never reused)."""
        with self._lock:
            self._objects.clear()

    def __len__(self) -> int:
        return len(self._objects)

    def _require(self, id: str) -> dict[str, Any]:
        mo = self._objects.get(id)
        if mo is None:
            raise NotFound(f"Managed object with id {id!r} does not exist.", resource=RESOURCE)
        return mo
