"""The measurement store: rows of compact columns plus sorted time indexes, dicts rebuilt on read.

Memory (a million measurements in a few hundred MB): one row of typed columns per measurement
(:mod:`~mockserver.measurements.rows`), its JSON payload parsed again on read or spliced into an
answer; :class:`~mockserver.measurements.index.TimeIndex` instances over every row, the rows per
source, and (time, value, unit) per (source, fragment, series). Time-range pages read positions
off a sorted index; other filters test per-row codes against small lookup tables while scanning.
Creates and deletes reach :meth:`MeasurementStore.subscribe`'s listeners with their processing
mode; ``TRANSIENT``/``CEP`` writes change nothing (a create's row is dead at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from mockserver.events import STORED_MODES, ProcessingMode
from mockserver.ids import IdFactory
from mockserver.inventory.store import InventoryStore
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.index import SeriesRun, TimeIndex, merged_rows
from mockserver.measurements.rows import Interned, Rows, StoredMeasurements
from mockserver.measurements.series import Run, SeriesAnswer, SeriesColumn, SeriesQuery, aggregate
from mockserver.measurements.validation import (
    NormalisedMeasurement,
    unknown_source,
    validate_measurement,
    validate_measurements,
)
from mockserver.paging import PageRequest
from mockserver.timeutil import to_epoch_us, written_offset

Listener = Callable[[str, dict[str, Any], ProcessingMode], None]
Predicate = Callable[[int], bool]
# Deleting more rows than this at once rebuilds the indexes instead of removing one by one.
BULK_DELETE = 64


class MeasurementStore:
    """Measurements in memory, validated on the way in and queried by filters and series.

    Thread-safe (one lock). Returned dicts are fresh; they carry ``id`` but no ``self``.
    """

    def __init__(self, inventory: InventoryStore) -> None:
        self._inventory = inventory
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._ids = IdFactory()
        self._reset_columns()

    def _reset_columns(self) -> None:
        # Only this store draws from its factory (under its lock): row n gets id base + n.
        self._rows = Rows(base=self._ids.upcoming)
        self._units = Interned()
        self._all = TimeIndex()
        self._by_source: dict[int, TimeIndex] = {}
        # (source code, fragment, series) -> index with extras (value, unit code or -1, written offset)
        self._series: dict[tuple[int, str, str], TimeIndex] = {}
        self._series_of_source: dict[int, set[tuple[str, str]]] = {}

    # ------------------------------------------------------------------ changes

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(action, doc, mode)``, action "create" or "delete", for every change.

        This is the single publish point (realtime notifications hang off it). Listeners run
        after the change, outside the store's lock; ``doc`` must be treated as read-only.
        """
        with self._lock:
            self._listeners.append(listener)

    def _publish(self, action: str, docs: Iterable[dict[str, Any]], mode: ProcessingMode) -> None:
        for doc in docs:
            for listener in list(self._listeners):
                listener(action, doc, mode)

    def _check_source(self, m: NormalisedMeasurement, field: str) -> None:
        if not self._inventory.exists(m.source_id):
            raise unknown_source(m.source_id, field)

    def create(self, doc: object, mode: ProcessingMode = "PERSISTENT") -> dict[str, Any]:
        """Validate and store one measurement; returns it with its new ``id`` (no ``self``)."""
        m = validate_measurement(doc)
        self._check_source(m, "source.id")
        with self._lock:
            stored = self._insert(m, mode in STORED_MODES)
        self._publish("create", [stored], mode)
        return stored

    def create_many(self, docs: object, mode: ProcessingMode = "PERSISTENT") -> list[dict[str, Any]]:
        """Validate every measurement first (422 naming ``measurements[i]``), then store all.

        All-or-nothing: nothing is stored when any item is invalid or names an unknown source.
        """
        batch = validate_measurements(docs)
        for i, m in enumerate(batch):
            self._check_source(m, f"measurements[{i}].source.id")
        with self._lock:
            keep = mode in STORED_MODES
            stored = [self._insert(m, keep) for m in batch]
        self._publish("create", stored, mode)
        return stored

    def _insert(self, m: NormalisedMeasurement, keep: bool) -> dict[str, Any]:
        row = self._rows.append(m)
        new_id = self._ids.next_number()
        t, source = m.epoch_us, self._rows.source[row]
        by_source = self._by_source.get(source)
        if by_source is None:  # every interned source has its (maybe empty) indexes
            by_source = self._by_source[source] = TimeIndex()
            self._series_of_source[source] = set()
        if not keep:  # the id is taken (never reused), the row is dead and indexed nowhere
            self._rows.kill(row)
            return {"id": str(new_id), **m.document()}
        self._all.add(t, row)
        by_source.add(t, row)
        known = self._series_of_source[source]
        offset = written_offset(m.time_text) if m.series else 0
        for s in m.series:
            key = (source, s.fragment, s.series)
            column = self._series.get(key)
            if column is None:
                column = self._series[key] = TimeIndex("dii")
                known.add((s.fragment, s.series))
            column.add(t, row, s.value, -1 if s.unit is None else self._units.code(s.unit), offset)
        # The stored copy is the payload; the answer shares nested values with the caller's
        # validated input, which the store never touches again.
        return {"id": str(new_id), **m.document()}

    def get(self, id: str) -> dict[str, Any]:
        """The measurement ``id``; 404 ``measurement/Not Found`` naming the id otherwise."""
        with self._lock:
            return self._rows.doc(self._rows.row_of(id))

    def get_stored(self, id: str) -> StoredMeasurements:
        """:meth:`get` as stored (one measurement), for an answer that splices the stored JSON."""
        with self._lock:
            return self._rows.stored([self._rows.row_of(id)])

    def delete(self, id: str, mode: ProcessingMode = "PERSISTENT") -> None:
        """Remove one measurement (404 if absent; TRANSIENT and CEP only announce it)."""
        with self._lock:
            row = self._rows.row_of(id)
            doc = self._rows.doc(row) if self._listeners else None
            if mode in STORED_MODES:
                self._rows.kill(row)
                self._unindex_row(row)
        if doc is not None:
            self._publish("delete", [doc], mode)

    def _unindex_row(self, row: int) -> None:
        t, source = self._rows.time[row], self._rows.source[row]
        self._all.remove(t, row)
        self._by_source[source].remove(t, row)
        for fragment, series in self._rows.series_pairs(row):
            self._series[(source, fragment, series)].remove(t, row)

    def delete_matching(self, f: MeasurementFilter, mode: ProcessingMode = "PERSISTENT") -> int:
        """Delete exactly the matches and return how many; 422 without source/dateFrom/dateTo."""
        f.refuse_unbounded_delete()
        with self._lock:
            rows = list(self._matching_rows(f, revert=False))
            docs = [self._rows.doc(r) for r in rows] if self._listeners else []
            if mode in STORED_MODES:
                self._remove_rows(rows)
        self._publish("delete", docs, mode)
        return len(rows)

    def _remove_rows(self, rows: list[int]) -> None:
        for r in rows:
            self._rows.kill(r)
        if len(rows) <= BULK_DELETE:
            for r in rows:
                self._unindex_row(r)
        else:
            alive = self._rows.alive.__getitem__
            self._all.retain(alive)
            for source in {self._rows.source[r] for r in rows}:
                self._by_source[source].retain(alive)
                for fragment, series in self._series_of_source[source]:
                    self._series[(source, fragment, series)].retain(alive)

    def clear(self) -> None:
        """Forget every measurement; ids keep counting up (never reused)."""
        with self._lock:
            self._reset_columns()

    def __len__(self) -> int:
        return self._rows.live

    # ------------------------------------------------------------------ queries

    def _predicate(self, f: MeasurementFilter, sources: set[int] | None) -> Predicate | bool | None:
        """A row test for the filters an index cannot answer; None = every row matches,
        False = no row can match."""
        tests: list[Predicate] = []
        if f.type is not None:
            code = self._rows.types.codes.get(f.type)
            if code is None:
                return False
            types = self._rows.type
            tests.append(lambda r: types[r] == code)
        if (
            f.fragment_type is not None
            or f.value_fragment_type is not None
            or f.value_fragment_series is not None
        ):
            ok = bytes(f.matches_shape(frags, pairs) for frags, pairs in self._rows.shapes.values)
            if not any(ok):
                return False
            shapes = self._rows.shape
            tests.append(lambda r: ok[shapes[r]] == 1)
        if sources is not None:
            wanted = bytes(code in sources for code in range(len(self._rows.sources.values)))
            source_of = self._rows.source
            tests.append(lambda r: wanted[source_of[r]] == 1)
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(test(r) for test in tests)

    def _candidates(self, f: MeasurementFilter) -> tuple[Sequence[int], int, int, Predicate | None] | None:
        """Rows ``seq[lo:hi]`` in (time, id) order that may match, and the test still to apply.

        None when nothing can match. ``seq`` is an index's own array (not copied), valid
        only while the lock is held.
        """
        lo_t = None if f.date_from is None else to_epoch_us(f.date_from)
        hi_t = None if f.date_to is None else to_epoch_us(f.date_to)
        restrict: set[int] | None = None
        rows: Sequence[int]
        if f.sources is None:
            lo, hi = self._all.span(lo_t, hi_t)
            rows = self._all.rows
        else:
            codes = [c for c in (self._rows.sources.codes.get(s) for s in f.sources) if c is not None]
            if not codes:
                return None
            if len(codes) == 1:
                index = self._by_source[codes[0]]
                lo, hi = index.span(lo_t, hi_t)
                rows = index.rows
            else:
                spans = [(self._by_source[c], *self._by_source[c].span(lo_t, hi_t)) for c in codes]
                wanted = sum(hi - lo for _, lo, hi in spans)
                lo, hi = self._all.span(lo_t, hi_t)
                if 2 * wanted < hi - lo:
                    # Few rows among many: gather the sources' ranges and sort them.
                    pairs: list[tuple[int, int]] = []
                    for index, s_lo, s_hi in spans:
                        pairs.extend(zip(index.times[s_lo:s_hi], index.rows[s_lo:s_hi], strict=True))
                    pairs.sort()
                    rows, lo, hi = [r for _, r in pairs], 0, len(pairs)
                else:
                    restrict = set(codes)
                    rows = self._all.rows
        predicate = self._predicate(f, restrict)
        if predicate is False:
            return None
        return rows, lo, hi, predicate  # type: ignore[return-value]

    def _matching_rows(self, f: MeasurementFilter, *, revert: bool) -> Iterable[int]:
        found = self._candidates(f)
        if found is None:
            return ()
        seq, lo, hi, predicate = found
        rows = seq[lo:hi]
        ordered: Iterable[int] = reversed(rows) if revert else rows
        return ordered if predicate is None else filter(predicate, ordered)

    def select(self, f: MeasurementFilter, *, revert: bool = False) -> Sequence[dict[str, Any]]:
        """Every match, oldest first (ties by id); ``revert`` newest first."""
        with self._lock:
            return [self._rows.doc(r) for r in self._matching_rows(f, revert=revert)]

    def count(self, f: MeasurementFilter) -> int:
        """How many measurements match ``f``."""
        with self._lock:
            found = self._candidates(f)
            if found is None:
                return 0
            seq, lo, hi, predicate = found
            return hi - lo if predicate is None else sum(map(predicate, seq[lo:hi]))

    def page(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of :meth:`select` and the total number of matches."""
        with self._lock:
            rows, total = self._page_rows(f, revert, request)
            return [self._rows.doc(r) for r in rows], total

    def page_stored(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[StoredMeasurements, int]:
        """:meth:`page` as stored, for an answer that splices the stored JSON."""
        with self._lock:
            rows, total = self._page_rows(f, revert, request)
            return self._rows.stored(rows), total

    def _page_rows(self, f: MeasurementFilter, revert: bool, request: PageRequest) -> tuple[list[int], int]:
        """The rows of one page and the total number of matches (under the lock).

        Without a type/fragment filter (and with no or one source) a page is two binary
        searches and a slice; otherwise the candidates in the time range are scanned, stopping
        once the page is full, and counted in one pass.
        """
        start, size = request.offset, request.page_size
        merged = self._merged_page(f, revert, start, size)
        if merged is not None:
            return merged
        found = self._candidates(f)
        if found is None:
            return [], 0
        seq, lo, hi, predicate = found
        picked: Iterable[int]
        if predicate is None:
            total = hi - lo
            if revert:
                end = max(hi - start, lo)
                picked = reversed(seq[max(end - size, lo) : end])
            else:
                begin = min(lo + start, hi)
                picked = seq[begin : min(begin + size, hi)]
        else:
            rows = seq[lo:hi]
            total = sum(map(predicate, rows))
            ordered = reversed(rows) if revert else rows
            start = min(start, total)  # islice takes no index beyond sys.maxsize (currentPage=10**25)
            picked = islice(filter(predicate, ordered), start, start + size)
        return list(picked), total

    def _merged_page(
        self, f: MeasurementFilter, revert: bool, start: int, size: int
    ) -> tuple[list[int], int] | None:
        """Several sources and no other row filter (the DTM roll-up): merge the sources' sorted
        ranges lazily, so a page costs O((offset + size) log k), not a sort of every match."""
        if f.sources is None or len(f.sources) < 2 or f.type is not None:
            return None
        if (
            f.fragment_type is not None
            or f.value_fragment_type is not None
            or f.value_fragment_series is not None
        ):
            return None
        codes = [c for c in (self._rows.sources.codes.get(s) for s in f.sources) if c is not None]
        lo_t = None if f.date_from is None else to_epoch_us(f.date_from)
        hi_t = None if f.date_to is None else to_epoch_us(f.date_to)
        return merged_rows([self._by_source[code] for code in codes], lo_t, hi_t, revert, start, size)

    def series_runs(self, sources: Iterable[str], fragment: str, series: str) -> list[SeriesRun]:
        """The points of ``fragment.series`` of each of ``sources`` that has any (DTM roll-ups)."""
        with self._lock:
            codes = (self._rows.sources.codes.get(s, -1) for s in sources)
            found = [i for i in (self._series.get((c, fragment, series)) for c in codes) if i]
            for index in found:
                index.flush()
            return [SeriesRun(i.times[:], i.rows[:], i.extras[0][:]) for i in found]

    def _present_series(self, codes: list[int], lo_t: int, hi_t: int) -> list[tuple[str, str]]:
        spans = (
            (pair, self._series[(code, *pair)].span(lo_t, hi_t))
            for code in codes
            for pair in self._series_of_source[code]
        )
        return sorted({pair for pair, (lo, hi) in spans if lo < hi})

    def series(self, q: SeriesQuery) -> SeriesAnswer:
        """The series answer for ``q`` (see :mod:`mockserver.measurements.series`)."""
        lo_t, hi_t = to_epoch_us(q.date_from), to_epoch_us(q.date_to)
        with self._lock:
            codes = sorted(c for c in (self._rows.sources.codes.get(s) for s in q.sources) if c is not None)
            wanted = list(q.series) or self._present_series(codes, lo_t, hi_t)
            columns = []
            for fragment, name in wanted:
                runs: list[Run] = []
                first: tuple[int, int, int] | None = None
                for code in codes:
                    index = self._series.get((code, fragment, name))
                    if index is None:
                        continue
                    lo, hi = index.span(lo_t, hi_t)
                    if lo == hi:
                        continue
                    extras = index.extras
                    runs.append(
                        Run(index.times[lo:hi], extras[0][lo:hi], extras[2][lo:hi], index.rows[lo:hi])
                    )
                    head = (index.times[lo], index.rows[lo], int(index.extras[1][lo]))
                    first = head if first is None or head < first else first
                unit = None if first is None or first[2] < 0 else self._units.values[first[2]]
                columns.append(SeriesColumn(fragment, name, unit, runs))
        return aggregate(q, columns)
