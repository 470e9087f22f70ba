"""What the DTM store needs from the other stores (inventory, measurements, alarms), as protocols.

The DTM room imports no store of another room; :class:`mockserver.state.MockState` hands it the
real ones, and unit tests hand it small fakes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from mockserver.alarms import AlarmFilter, StoredAlarm
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.index import SeriesRun
from mockserver.measurements.rows import StoredMeasurements
from mockserver.measurements.series import SeriesAnswer, SeriesQuery
from mockserver.paging import PageRequest


class Inventory(Protocol):
    """What the DTM needs from the inventory store."""

    def create(self, doc: dict[str, Any], *, owner: str) -> dict[str, Any]: ...
    def exists(self, id: str) -> bool: ...
    def delete(self, id: str) -> None: ...
    def add_delete_guard(self, guard: Any) -> None: ...


class Measurements(Protocol):
    """What the DTM roll-ups need from the measurement store."""

    def page_stored(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[StoredMeasurements, int]: ...
    def series(self, q: SeriesQuery) -> SeriesAnswer: ...
    def series_runs(self, sources: Iterable[str], fragment: str, series: str) -> list[SeriesRun]: ...
    def subscribe(self, listener: Any) -> None: ...


class Alarms(Protocol):
    """What the alarm roll-up and the instances' active alarm counts need from the alarm store."""

    def page(self, f: AlarmFilter, request: PageRequest) -> tuple[list[StoredAlarm], int | None]: ...
    def active_counts(self, sources: Iterable[str]) -> dict[str, int]: ...
