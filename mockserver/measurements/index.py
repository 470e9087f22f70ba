"""A time index: parallel typed arrays sorted by (epoch-µs time, row), with batched inserts.

The store keeps one index over every measurement, one per source and one per
(source, fragment, series). Arrays of machine ints cost 8 bytes an entry instead of a Python
object each, and ``bisect`` works on them directly, so a time range is two binary searches.

Inserts go to a pending list and are merged on the next read (:meth:`TimeIndex.flush`): one
linear merge per batch instead of one memmove per row. New rows always carry larger row numbers
than every indexed row, so among equal times they belong after the indexed ones, which is what
``bisect_right`` gives. Points arriving in time order (the common case) are a plain append.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, islice
from typing import Any, NamedTuple

# Typecode per extra column: "d" float64 values, "i" int32 codes.
ExtraTypes = str


class SeriesRun(NamedTuple):
    """One source's points of one series, copies in (time, row) order (epoch µs, rows, values)."""

    times: array[int]
    rows: array[int]
    values: array[float]


class TimeIndex:
    """Rows sorted by (time, row); optional extra columns travel with them.

    Pending rows wait in typed arrays too (8 bytes an entry, never a tuple per row), so a
    million unmerged inserts cost no more memory than merged ones.
    """

    __slots__ = ("_pending", "_pending_sorted", "extras", "rows", "times")

    def __init__(self, extra_types: ExtraTypes = "") -> None:
        self.times = array("q")
        self.rows = array("q")
        self.extras: tuple[array[Any], ...] = tuple(array(code) for code in extra_types)
        self._pending: tuple[array[Any], ...] = (array("q"), array("q"), *(array(c) for c in extra_types))
        self._pending_sorted = True

    def add(self, time: int, row: int, *extra: int | float) -> None:
        """Queue ``row`` at ``time``; visible after the next :meth:`flush`."""
        pending = self._pending
        times = pending[0]
        if times and time < times[-1]:
            self._pending_sorted = False
        times.append(time)
        pending[1].append(row)
        if extra:
            for column, value in zip(pending[2:], extra, strict=True):
                column.append(value)

    def __len__(self) -> int:
        return len(self.times) + len(self._pending[0])

    def flush(self) -> None:
        """Merge pending rows into the sorted arrays (call before reading)."""
        pending = self._pending
        if not pending[0]:
            return
        self._pending = tuple(array(column.typecode) for column in pending)
        if not self._pending_sorted:
            # Rows only grow, so a stable sort by time alone orders by (time, row).
            order = sorted(range(len(pending[0])), key=pending[0].__getitem__)
            pending = tuple(array(column.typecode, map(column.__getitem__, order)) for column in pending)
            self._pending_sorted = True
        columns: tuple[array[Any], ...] = (self.times, self.rows, *self.extras)
        if not self.times or pending[0][0] >= self.times[-1]:
            for column, new in zip(columns, pending, strict=True):
                column.extend(new)
            return
        merged: tuple[array[Any], ...] = tuple(array(column.typecode) for column in columns)
        times = self.times
        start = 0
        new_times = pending[0]
        for p in range(len(new_times)):
            pos = bisect_right(times, new_times[p], start)
            for column, out, new in zip(columns, merged, pending, strict=True):
                if pos > start:
                    out.extend(column[start:pos])
                out.append(new[p])
            start = pos
        for column, out in zip(columns, merged, strict=True):
            out.extend(column[start:])
        self.times, self.rows = merged[0], merged[1]
        self.extras = merged[2:]

    def span(self, lo_time: int | None, hi_time: int | None) -> tuple[int, int]:
        """Positions ``[lo, hi)`` of times in ``[lo_time, hi_time)``; None is unbounded."""
        self.flush()
        lo = 0 if lo_time is None else bisect_left(self.times, lo_time)
        hi = len(self.times) if hi_time is None else bisect_left(self.times, hi_time)
        return lo, max(lo, hi)

    def remove(self, time: int, row: int) -> None:
        """Drop one (time, row) entry; absent entries are ignored."""
        self.flush()
        pos = bisect_left(self.times, time)
        end = bisect_right(self.times, time, pos)
        pos = bisect_left(self.rows, row, pos, end)
        if pos < end and self.rows[pos] == row:
            for column in (self.times, self.rows, *self.extras):
                del column[pos]

    def retain(self, alive: Callable[[int], int]) -> None:
        """Keep only the rows for which ``alive(row)`` is truthy (one linear pass)."""
        self.flush()
        keep = list(map(alive, self.rows))
        self.times = array("q", compress(self.times, keep))
        self.extras = tuple(array(column.typecode, compress(column, keep)) for column in self.extras)
        self.rows = array("q", compress(self.rows, keep))


def merged_rows(
    indexes: Sequence[TimeIndex], lo_t: int | None, hi_t: int | None, revert: bool, start: int, size: int
) -> tuple[list[int], int]:
    """One page of the rows of several indexes in ``[lo_t, hi_t)``, merged in time order.

    The sorted ranges are merged lazily, so a page costs O((start + size) log k), not a sort of
    every match. Returns the page's rows and how many rows the ranges hold in all.
    """
    runs: list[Iterable[tuple[int, int]]] = []
    total = 0
    for index in indexes:
        lo, hi = index.span(lo_t, hi_t)
        total += hi - lo
        if lo < hi:
            times, rows = index.times[lo:hi], index.rows[lo:hi]
            if revert:
                runs.append(zip(reversed(times), reversed(rows), strict=True))
            else:
                runs.append(zip(times, rows, strict=True))
    start = min(start, total)  # islice takes no index beyond sys.maxsize
    picked = islice(heapq.merge(*runs, reverse=revert), start, start + size)
    return [row for _, row in picked], total
