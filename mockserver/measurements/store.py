"""The measurement store: compact columns plus sorted time indexes, dicts rebuilt on read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mockserver.inventory.store import InventoryStore
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.series import SeriesQuery
from mockserver.paging import PageRequest

Listener = Callable[[str, dict[str, Any]], None]


class MeasurementStore:
    """Measurements in memory, validated on the way in and queried by filters and series."""

    def __init__(self, inventory: InventoryStore) -> None:
        self._inventory = inventory

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(action, doc)`` with action "create" or "delete" for every change."""
        raise NotImplementedError

    def create(self, doc: object) -> dict[str, Any]:
        """Validate and store one measurement; returns it with its new ``id`` (no ``self``)."""
        raise NotImplementedError

    def create_many(self, docs: object) -> list[dict[str, Any]]:
        """Validate every measurement first (422 naming ``measurements[i]``), then store all."""
        raise NotImplementedError

    def get(self, id: str) -> dict[str, Any]:
        """The measurement ``id``; 404 ``measurement/Not Found`` naming the id otherwise."""
        raise NotImplementedError

    def delete(self, id: str) -> None:
        """Remove one measurement (404 if absent)."""
        raise NotImplementedError

    def select(self, f: MeasurementFilter, *, revert: bool = False) -> Sequence[dict[str, Any]]:
        """Every match, oldest first (ties by id); ``revert`` newest first."""
        raise NotImplementedError

    def page(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of :meth:`select` and the total number of matches, without building them all."""
        raise NotImplementedError

    def count(self, f: MeasurementFilter) -> int:
        raise NotImplementedError

    def delete_matching(self, f: MeasurementFilter) -> int:
        """Delete exactly the matches; 422 when ``f`` has none of source, dateFrom, dateTo."""
        raise NotImplementedError

    def series(self, q: SeriesQuery) -> dict[str, Any]:
        """The series answer for ``q`` (see :mod:`mockserver.measurements.series`)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Forget every measurement; ids keep counting up."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError
