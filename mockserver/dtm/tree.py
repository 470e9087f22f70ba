"""The instance tree: stored asset instances by id, their parent/children links and managed objects.

Pure (no lock, no I/O): :class:`~mockserver.dtm.store.DtmStore` holds the lock around it.
Records are frozen (:class:`~mockserver.dtm.records.AssetInstance`); a change stores new
records, so :meth:`InstanceTree.snapshot` is a consistent view for readers outside the lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from mockserver.dtm.records import AssetInstance, InstanceDraft
from mockserver.errors import NotFound

RESOURCE = "dtm"


def descendants(records: Mapping[str, AssetInstance], instance_id: str) -> list[str]:
    """Every instance below ``instance_id``, parents before their children."""
    result: list[str] = []
    stack = list(reversed(records[instance_id].children))
    while stack:
        current = stack.pop()
        result.append(current)
        stack.extend(reversed(records[current].children))
    return result


class InstanceTree:
    """Instances by id, each linked to one managed object; a parent lists its children in order."""

    def __init__(self) -> None:
        self._records: dict[str, AssetInstance] = {}
        self._by_managed_object: dict[str, str] = {}

    def __contains__(self, instance_id: object) -> bool:
        return instance_id in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[AssetInstance]:
        return iter(self._records.values())

    def get(self, instance_id: str) -> AssetInstance | None:
        return self._records.get(instance_id)

    def require(self, instance_id: str) -> AssetInstance:
        """The instance ``instance_id``; 404 when there is none."""
        record = self._records.get(instance_id)
        if record is None:
            raise NotFound(f"Asset instance with id {instance_id!r} does not exist.", resource=RESOURCE)
        return record

    def view(self) -> Mapping[str, AssetInstance]:
        """The records, read-only and live: for a reader holding the store's lock."""
        return MappingProxyType(self._records)

    def snapshot(self) -> Mapping[str, AssetInstance]:
        """The records as they are now (a shallow copy: records never change in place)."""
        return dict(self._records)

    def model_of(self, instance_id: str) -> str | None:
        record = self._records.get(instance_id)
        return None if record is None else record.model_id

    def linked(self, managed_object_id: str) -> str | None:
        """The instance linked to a managed object, if any."""
        return self._by_managed_object.get(managed_object_id)

    def descendants(self, instance_id: str) -> list[str]:
        return descendants(self._records, instance_id)

    def children_of(self, instance_id: str | None) -> list[AssetInstance]:
        """The direct children in order, or the roots (in creation order) for None."""
        if instance_id is None:
            return [r for r in self._records.values() if r.parent is None]
        return [self._records[child] for child in self._records[instance_id].children]

    def add(self, instance_id: str, draft: InstanceDraft, managed_object_id: str) -> AssetInstance:
        """Store a checked draft under a new id, appended to its parent's children."""
        record = AssetInstance(
            id=instance_id,
            model_id=draft.model_id,
            name=draft.name,
            description=draft.description,
            managed_object_id=managed_object_id,
            parent=draft.parent,
            properties=draft.properties,
        )
        self._records[instance_id] = record
        self._by_managed_object[managed_object_id] = instance_id
        if record.parent is not None:
            self._attach(record.parent, instance_id)
        return record

    def replace(self, instance_id: str, draft: InstanceDraft) -> AssetInstance:
        """Store the checked new version of an instance; a new parent moves it (no cycle check)."""
        old = self._records[instance_id]
        if draft.parent != old.parent:
            if old.parent is not None:
                parent = self._records[old.parent]
                kept = tuple(c for c in parent.children if c != instance_id)
                self._records[old.parent] = parent.with_children(kept)
            if draft.parent is not None:
                self._attach(draft.parent, instance_id)
        record = dataclasses.replace(
            old,
            name=draft.name,
            description=draft.description,
            parent=draft.parent,
            properties=draft.properties,
        )
        self._records[instance_id] = record
        return record

    def remove(self, instance_id: str) -> list[AssetInstance]:
        """Remove the instance and its subtree (deepest first); returns the removed records."""
        record = self._records[instance_id]
        subtree = [instance_id, *self.descendants(instance_id)]
        removed = [self._records.pop(doomed) for doomed in reversed(subtree)]
        for gone in removed:
            self._by_managed_object.pop(gone.managed_object_id, None)
        if record.parent is not None:
            parent = self._records[record.parent]
            kept = tuple(c for c in parent.children if c != instance_id)
            self._records[record.parent] = parent.with_children(kept)
        return removed

    def clear(self) -> None:
        self._records.clear()
        self._by_managed_object.clear()

    def copy(self) -> InstanceTree:
        """An independent tree holding the same (frozen) records."""
        twin = InstanceTree()
        twin._records, twin._by_managed_object = dict(self._records), dict(self._by_managed_object)
        return twin

    def _attach(self, parent_id: str, child_id: str) -> None:
        parent = self._records[parent_id]
        self._records[parent_id] = parent.with_children((*parent.children, child_id))
