"""The alarm collection filters (GET, count, bulk PUT and DELETE), as one immutable value.

Lists (``status``, ``severity``, ``type``) are comma-separated; ``resolved`` wins over ``status``;
each time range is half-open ``[from, to)`` over epoch microseconds. ``with_assets`` and
``with_devices`` widen ``sources`` to the children in the inventory; the store expands them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from mockserver.alarms.model import ANSWER_FIELDS, CLEARED, OPEN, AlarmRecord
from mockserver.timeutil import parse_query_instant, to_epoch_us

Range = tuple[int | None, int | None]
NO_RANGE: Range = (None, None)


def _split(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    parts = frozenset(part.strip() for part in value.split(",") if part.strip())
    return parts or None


def _range(low: str | None, high: str | None, names: tuple[str, str]) -> Range:
    return (
        None if low is None else to_epoch_us(parse_query_instant(low, names[0])),
        None if high is None else to_epoch_us(parse_query_instant(high, names[1])),
    )


def _has_key(alarm: AlarmRecord, name: str) -> bool:
    return name in ANSWER_FIELDS or bool(alarm.fragments and name in alarm.fragments)


def _inside(value: int, bounds: Range) -> bool:
    low, high = bounds
    return (low is None or value >= low) and (high is None or value < high)


@dataclass(frozen=True)
class AlarmFilter:
    """Every filter AND-ed; None (or an open range) means "not filtered"."""

    sources: frozenset[str] | None = None
    with_assets: bool = False
    with_devices: bool = False
    statuses: frozenset[str] | None = None
    severities: frozenset[str] | None = None
    types: frozenset[str] | None = None
    fragment_type: str | None = None
    time: Range = NO_RANGE
    created: Range = NO_RANGE
    updated: Range = NO_RANGE

    @classmethod
    def from_query(
        cls,
        *,
        source: str | None = None,
        with_source_assets: bool | None = None,
        with_source_devices: bool | None = None,
        status: str | None = None,
        severity: str | None = None,
        type: str | None = None,
        resolved: bool | None = None,
        fragment_type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        last_updated_from: str | None = None,
        last_updated_to: str | None = None,
    ) -> AlarmFilter:
        """Build a filter from raw query values; an unparseable date is a 400 naming it."""
        statuses = _split(status)
        if resolved is not None:
            statuses = frozenset({CLEARED}) if resolved else OPEN
        return cls(
            sources=None if source is None else frozenset({source}),
            with_assets=bool(with_source_assets) and source is not None,
            with_devices=bool(with_source_devices) and source is not None,
            statuses=statuses,
            severities=_split(severity),
            types=_split(type),
            fragment_type=fragment_type,
            time=_range(date_from, date_to, ("dateFrom", "dateTo")),
            created=_range(created_from, created_to, ("createdFrom", "createdTo")),
            updated=_range(last_updated_from, last_updated_to, ("lastUpdatedFrom", "lastUpdatedTo")),
        )

    def is_unbounded(self) -> bool:
        """True when no filter narrows the selection (a bulk PUT or DELETE must refuse)."""
        for f in fields(self):
            if f.name in ("with_assets", "with_devices"):
                continue
            value = getattr(self, f.name)
            if value is not None and value != NO_RANGE:
                return False
        return True

    def matches(self, alarm: AlarmRecord) -> bool:
        """Whether ``alarm`` passes every filter but ``sources`` (which the store's index applies)."""
        return (
            (self.statuses is None or alarm.status in self.statuses)
            and (self.severities is None or alarm.severity in self.severities)
            and (self.types is None or alarm.type in self.types)
            and (self.fragment_type is None or _has_key(alarm, self.fragment_type))
            and _inside(alarm.time_us, self.time)
            and _inside(alarm.created_us, self.created)
            and _inside(alarm.updated_us, self.updated)
        )

    @property
    def matches_everything(self) -> bool:
        """True when :meth:`matches` holds for every alarm (no per-alarm test is needed)."""
        return (
            self.statuses is None
            and self.severities is None
            and self.types is None
            and self.fragment_type is None
            and self.time == NO_RANGE
            and self.created == NO_RANGE
            and self.updated == NO_RANGE
        )
