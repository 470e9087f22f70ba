"""The alarm store: records by id, the list order, per-source sets and the open-alarm index.

* ``_order`` is every alarm's :attr:`~AlarmRecord.order_key` ``(time, id)`` kept sorted; the list
  order (newest first, ties by the larger id) reads it backwards. Alarms mostly arrive in time
  order, so an insert is an append. An unfiltered page is a slice; a filtered one is a scan
  that stops at the page's end unless the request asks for totals;
* ``_by_source`` answers ``source`` (and the DTM roll-up's many sources) without a scan;
* ``_open`` maps (source, type) to the one ACTIVE or ACKNOWLEDGED alarm, the de-duplication
  target (there is never more than one: a duplicate is merged, and CLEARED is final);
* ``_active`` counts the open alarms of each source by severity, written to the source managed
  object as ``c8y_ActiveAlarmsStatus`` after every change that touches it.

Every create, update and delete is announced through :meth:`AlarmStore.subscribe`'s listeners
(the one publish point; :mod:`mockserver.events` carries it on to realtime later).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, Protocol

from mockserver.alarms.filters import AlarmFilter
from mockserver.alarms.model import (
    CLEARED,
    OPEN,
    RESOURCE,
    SEVERITIES,
    AlarmRecord,
    NewAlarm,
    validate_changes,
    validate_new_alarm,
    validate_status_change,
)
from mockserver.errors import NotFound, ValidationError
from mockserver.ids import IdFactory, is_server_id
from mockserver.inventory.children import reachable
from mockserver.paging import PageRequest
from mockserver.timeutil import now_utc, to_epoch_us

ACTIVE_STATUS_FRAGMENT = "c8y_ActiveAlarmsStatus"
CHILD_FRAGMENTS = {"assets": "childAssets", "devices": "childDevices"}
Listener = Callable[[str, dict[str, Any]], None]


class Inventory(Protocol):
    """What the alarm store needs from the inventory store."""

    def exists(self, id: str) -> bool: ...
    def get(self, id: str) -> dict[str, Any]: ...
    def update(self, id: str, changes: dict[str, Any]) -> dict[str, Any]: ...


class StoredAlarm(NamedTuple):
    """An alarm as an answer splices it: id, source id, and the JSON after ``source``."""

    id: int
    source: str
    tail: bytes


def _stored(record: AlarmRecord) -> StoredAlarm:
    return StoredAlarm(record.id, record.source, record.tail())


def _now_us() -> int:
    return to_epoch_us(now_utc())


class AlarmStore:
    """Alarms in memory with the platform's de-duplication and status rules. Thread-safe."""

    def __init__(self, inventory: Inventory, ids: IdFactory | None = None) -> None:
        self._inventory = inventory
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._ids = ids or IdFactory()  # shared by the stores of every tenant (MockState)
        self.clear()

    def clear(self) -> None:
        """Forget every alarm; ids keep counting up (never reused)."""
        with self._lock:
            self._records: dict[int, AlarmRecord] = {}
            self._order: list[tuple[int, int]] = []
            self._by_source: dict[str, set[int]] = {}
            self._open: dict[tuple[str, str], int] = {}
            self._active: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._records)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(action, doc)`` with "create", "update" or "delete" after each change."""
        with self._lock:
            self._listeners.append(listener)

    def _publish(self, action: str, docs: Iterable[dict[str, Any]]) -> None:
        for doc in docs:
            for listener in list(self._listeners):
                listener(action, doc)

    # ------------------------------------------------------------------ bookkeeping

    def _tally(self, record: AlarmRecord, delta: int) -> None:
        if record.status in OPEN:
            counts = self._active.setdefault(record.source, [0, 0, 0, 0])
            counts[SEVERITIES.index(record.severity)] += delta

    def _write_active_status(self, sources: Iterable[str]) -> None:
        for source in set(sources):
            if self._inventory.exists(source):
                counts = self._active.get(source, [0, 0, 0, 0])
                status = {severity.lower(): n for severity, n in zip(SEVERITIES, counts, strict=True)}
                self._inventory.update(source, {ACTIVE_STATUS_FRAGMENT: status})

    def _index(self, record: AlarmRecord) -> None:
        bisect.insort(self._order, record.order_key)
        self._by_source.setdefault(record.source, set()).add(record.id)
        if record.status in OPEN:
            self._open[(record.source, record.type)] = record.id
        self._tally(record, +1)

    def _unindex(self, record: AlarmRecord) -> None:
        key = record.order_key
        del self._order[bisect.bisect_left(self._order, key)]
        self._by_source[record.source].discard(record.id)
        if self._open.get((record.source, record.type)) == record.id:
            del self._open[(record.source, record.type)]
        self._tally(record, -1)

    def _change(self, record: AlarmRecord, apply: Callable[[AlarmRecord], None]) -> None:
        """Apply a change with the indexes kept right; the answer JSON is rebuilt on demand."""
        self._unindex(record)
        apply(record)
        record.updated_us = _now_us()
        record.body = None
        self._index(record)

    # ------------------------------------------------------------------ writes

    def create(self, doc: object) -> tuple[StoredAlarm, bool]:
        """Raise an alarm, or count one more occurrence of its open duplicate.

        Returns the stored alarm and whether it is new. 422 names every broken rule.
        """
        new = validate_new_alarm(doc)
        with self._lock:
            record, created = self._insert(new)
            self._write_active_status([record.source])
            answer, published = _stored(record), record.document() if self._listeners else None
        if published is not None:
            self._publish("create" if created else "update", [published])
        return answer, created

    def create_many(self, docs: Iterable[object]) -> int:
        """Validate every alarm first (422 naming ``alarms[i]``), then raise them in order."""
        batch = []
        for index, doc in enumerate(docs):
            try:
                batch.append(validate_new_alarm(doc))
            except ValidationError as exc:
                raise ValidationError(f"alarms[{index}]: {exc.message}", resource=RESOURCE) from None
        with self._lock:
            for index, new in enumerate(batch):
                self._check_source(new.source, f"alarms[{index}].source.id")
            sources = [self._insert(new)[0].source for new in batch]
            self._write_active_status(sources)
        return len(batch)

    def _check_source(self, source: str, field: str) -> None:
        if not self._inventory.exists(source):
            raise ValidationError(
                f"Field {field} refers to managed object {source!r}, which does not exist; "
                "expected the id of an existing managed object.",
                resource=RESOURCE,
                details=[{"field": field, "message": f"No managed object with id {source!r}."}],
            )

    def _insert(self, new: NewAlarm) -> tuple[AlarmRecord, bool]:
        self._check_source(new.source, "source.id")
        open_id = self._open_target(new)
        if open_id is not None:
            record = self._records[open_id]

            def merge(r: AlarmRecord) -> None:
                r.count += 1
                r.time, r.time_us = new.time, new.time_us

            self._change(record, merge)
            return record, False
        now = _now_us()
        record = AlarmRecord(
            id=self._ids.next_number(),
            source=new.source,
            type=new.type,
            text=new.text,
            severity=new.severity,
            status=new.status,
            time=new.time,
            time_us=new.time_us,
            first_occurrence=new.first_occurrence,
            count=1,
            created_us=now,
            updated_us=now,
            fragments=new.fragments or None,
        )
        self._records[record.id] = record
        self._index(record)
        return record, True

    def _open_target(self, new: NewAlarm) -> int | None:
        """The open alarm a raise of ``new`` is counted on; None for a new alarm (CLEARED never merges)."""
        return self._open.get((new.source, new.type)) if new.status != CLEARED else None

    def update(self, id: str, doc: object) -> StoredAlarm:
        """Apply a PUT body to alarm ``id`` (404 if absent, 422 for a forbidden change)."""
        with self._lock:
            record = self._require(id)
            changes = validate_changes(doc, record)

            def apply(r: AlarmRecord) -> None:
                r.text = changes.text or r.text
                r.status = changes.status or r.status
                r.severity = changes.severity or r.severity
                if changes.fragments or changes.removed:
                    kept = {k: v for k, v in (r.fragments or {}).items() if k not in changes.removed}
                    r.fragments = {**kept, **changes.fragments} or None

            self._change(record, apply)
            self._write_active_status([record.source])
            answer, published = _stored(record), record.document() if self._listeners else None
        if published is not None:
            self._publish("update", [published])
        return answer

    def update_matching(self, f: AlarmFilter, doc: object) -> int:
        """Set the status of every match (CLEARED ones stay cleared); 422 without a filter."""
        status = validate_status_change(doc)
        self._refuse_unbounded(f, "Updating")
        with self._lock:
            changed = [
                r
                for r in self._matching(f)
                if r.status != status and not (r.status == CLEARED and status in OPEN)
            ]
            for record in changed:
                self._change(record, lambda r: setattr(r, "status", status))
            self._write_active_status(r.source for r in changed)
            docs = [r.document() for r in changed] if self._listeners else []
        self._publish("update", docs)
        return len(changed)

    def delete_matching(self, f: AlarmFilter) -> int:
        """Delete exactly the matches and return how many; 422 without a filter."""
        self._refuse_unbounded(f, "Deleting")
        with self._lock:
            gone = list(self._matching(f))
            for record in gone:
                self._unindex(record)
                del self._records[record.id]
            self._write_active_status(r.source for r in gone)
            docs = [r.document() for r in gone] if self._listeners else []
        self._publish("delete", docs)
        return len(gone)

    @staticmethod
    def _refuse_unbounded(f: AlarmFilter, verb: str) -> None:
        if f.is_unbounded():
            raise ValidationError(
                f"{verb} alarms needs at least one filter (source, status, severity, type, resolved, "
                "fragmentType or a time range); none was given, so nothing changed.",
                resource=RESOURCE,
            )

    # ------------------------------------------------------------------ reads

    def _require(self, id: str) -> AlarmRecord:
        record = self._records.get(int(id)) if is_server_id(id) else None
        if record is None:
            raise NotFound(f"Alarm with id {id!r} does not exist.", resource=RESOURCE)
        return record

    def get(self, id: str) -> StoredAlarm:
        """Alarm ``id`` as stored; 404 ``alarm/Not Found`` naming the id otherwise."""
        with self._lock:
            return _stored(self._require(id))

    def document(self, id: str) -> dict[str, Any]:
        """Alarm ``id`` as a plain dict (without ``self`` links)."""
        with self._lock:
            return self._require(id).document()

    def _sources(self, f: AlarmFilter) -> set[str] | None:
        """The sources ``f`` selects, widened to child assets and devices when asked."""
        if f.sources is None:
            return None
        wanted = [
            CHILD_FRAGMENTS[name]
            for flag, name in ((f.with_assets, "assets"), (f.with_devices, "devices"))
            if flag
        ]
        return reachable(self._inventory, f.sources, wanted)

    def _matching(self, f: AlarmFilter) -> Iterator[AlarmRecord]:
        """The matches in list order."""
        sources = self._sources(f)
        if sources is None:
            candidates: Iterable[AlarmRecord] = (self._records[key[1]] for key in reversed(self._order))
        else:
            ids = [i for s in sources for i in self._by_source.get(s, ())]
            candidates = sorted((self._records[i] for i in ids), key=lambda r: r.order_key, reverse=True)
        if f.matches_everything:
            return iter(candidates)
        return (r for r in candidates if f.matches(r))

    def page(self, f: AlarmFilter, request: PageRequest) -> tuple[list[StoredAlarm], int | None]:
        """One page of matches in list order, and how many match in all (None when the request
        asks for no totals: the scan then stops at the end of the page)."""
        start, stop = request.offset, request.offset + request.page_size
        wants_total = request.with_total_pages or request.with_total_elements
        with self._lock:
            if f.sources is None and f.matches_everything:
                n = len(self._order)
                keys = self._order[max(0, n - stop) : max(0, n - start)]
                return [_stored(self._records[key[1]]) for key in reversed(keys)], n
            matches: list[AlarmRecord] = []
            for record in self._matching(f):
                matches.append(record)
                if len(matches) >= stop and not wants_total:
                    break
            return [_stored(r) for r in matches[start:stop]], len(matches) if wants_total else None

    def count(self, f: AlarmFilter) -> int:
        """How many alarms match (the count endpoint; no order needed, so no index walk)."""
        with self._lock:
            if f.sources is None:
                if f.matches_everything:
                    return len(self._records)
                return sum(1 for r in self._records.values() if f.matches(r))
            return sum(1 for _ in self._matching(f))

    def select(self, f: AlarmFilter) -> list[dict[str, Any]]:
        """Every match as a plain dict, in list order."""
        with self._lock:
            return [r.document() for r in self._matching(f)]

    def active_counts(self, sources: Iterable[str]) -> dict[str, int]:
        """Open alarms of ``sources`` by severity: ``{"critical": n, "major": n, ...}``."""
        with self._lock:
            totals = [0, 0, 0, 0]
            for source in set(sources):
                for i, n in enumerate(self._active.get(source, ())):
                    totals[i] += n
            return {severity.lower(): n for severity, n in zip(SEVERITIES, totals, strict=True)}

    def sources_with_alarms(self) -> set[str]:
        """Every source that has at least one alarm (for tests and cleanup)."""
        with self._lock:
            return {s for s, ids in self._by_source.items() if ids}
