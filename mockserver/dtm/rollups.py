"""The roll-up function one instance's render hands to its smart functions, cheap per call.

A roll-up series over a scope (the managed objects of an instance and its descendants) is read
from the measurement store's per-(source, series) time index, never by scanning measurements,
and summarised once (:class:`SeriesSummary`: per source the times and the suffix sums, minima
and maxima), so each aggregate, with any window, is a binary search per source. Summaries are
kept in a :class:`RollupCache` until the next measurement change (the DTM store forgets them
on every create and delete the measurement store announces).

One render reads at most :data:`MAX_ROLLUP_READS` distinct series; beyond that the asking smart
function fails with an error sentence (its value is null), so one model cannot make a read
summarise many series.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

from mockserver.dtm.expressions import RollupFn, Value
from mockserver.dtm.language import ExpressionEvaluationError
from mockserver.measurements.index import SeriesRun
from mockserver.timeutil import now_utc, to_epoch_us

# The work of one instance's evaluation: distinct roll-up series it may read.
MAX_ROLLUP_READS = 4
# Points kept in series summaries between reads (least recently used ones are dropped first).
CACHE_POINTS = 1_000_000


class SeriesSource(Protocol):
    """What the roll-ups need from the measurement store."""

    def series_runs(self, sources: Iterable[str], fragment: str, series: str) -> list[SeriesRun]: ...


def _suffix(values: Sequence[float], combine: Callable[[float, float], float]) -> list[float]:
    """``out[i] = combine`` over ``values[i:]``, folded from the end."""
    return list(accumulate(reversed(values), combine))[::-1]


@dataclass(frozen=True)
class RunSummary:
    """One source's points of a series: times and, from each position on, sum, min and max."""

    times: array[int]
    sums: list[float]
    lows: list[float]
    highs: list[float]
    last: tuple[int, int, float]  # (time, row, value) of the last point

    @classmethod
    def of(cls, run: SeriesRun) -> RunSummary:
        values = run.values
        last = (run.times[-1], run.rows[-1], values[-1])
        return cls(run.times, _suffix(values, operator.add), _suffix(values, min), _suffix(values, max), last)


@dataclass(frozen=True)
class SeriesSummary:
    """A series over a scope: the summaries of the sources that have points."""

    runs: tuple[RunSummary, ...]

    @property
    def points(self) -> int:
        return sum(len(run.times) for run in self.runs)

    def aggregate(self, function: str, since_us: int | None) -> Value:
        """``function`` over the points at or after ``since_us`` (None: every point).

        No data gives null for latest/min/max/avg and 0 for sum/count (the spec's rule).
        """
        parts = [(run, 0 if since_us is None else bisect_left(run.times, since_us)) for run in self.runs]
        parts = [(run, lo) for run, lo in parts if lo < len(run.times)]
        count = sum(len(run.times) - lo for run, lo in parts)
        if function == "count":
            return count
        if function == "sum":
            return sum(run.sums[lo] for run, lo in parts) if parts else 0
        if not parts:
            return None
        if function == "latest":
            return max(run.last for run, _ in parts)[2]
        if function == "min":
            return min(run.lows[lo] for run, lo in parts)
        if function == "max":
            return max(run.highs[lo] for run, lo in parts)
        return sum(run.sums[lo] for run, lo in parts) / count


class RollupCache:
    """Series summaries by (scope, fragment, series), valid until :meth:`forget` (any write)."""

    def __init__(self, points: int = CACHE_POINTS) -> None:
        self._budget = points
        self._points = 0
        self._summaries: OrderedDict[tuple[frozenset[str], str, str], SeriesSummary] = OrderedDict()

    def forget(self) -> None:
        """Drop every summary (the store calls this on every measurement change)."""
        self._summaries.clear()
        self._points = 0

    def summary(
        self, source: SeriesSource, scope: frozenset[str], fragment: str, series: str
    ) -> SeriesSummary:
        key = (scope, fragment, series)
        found = self._summaries.get(key)
        if found is None:
            runs = source.series_runs(sorted(scope), fragment, series)
            found = self._summaries[key] = SeriesSummary(tuple(RunSummary.of(run) for run in runs))
            self._points += found.points
            while self._points > self._budget and len(self._summaries) > 1:
                self._points -= self._summaries.popitem(last=False)[1].points
        else:
            self._summaries.move_to_end(key)
        return found


def rollup_function(
    source: SeriesSource, cache: RollupCache, scope: Callable[[], frozenset[str]]
) -> RollupFn:
    """The roll-up of one render over the managed objects ``scope()`` names (computed once)."""
    sources: frozenset[str] | None = None
    now_us: int | None = None  # one "now" for every window of the read
    read: dict[tuple[str, str], SeriesSummary] = {}
    answered: dict[tuple[str, str, str, int | None], Value] = {}

    def rollup(function: str, fragment: str, series: str, window: int | None) -> Value:
        nonlocal sources, now_us
        call = (function, fragment, series, window)
        if call in answered:
            return answered[call]
        key = (fragment, series)
        if key not in read:
            if len(read) >= MAX_ROLLUP_READS:
                raise ExpressionEvaluationError(
                    f"One evaluation may read at most {MAX_ROLLUP_READS} distinct roll-up series."
                )
            sources = scope() if sources is None else sources
            read[key] = cache.summary(source, sources, fragment, series)
        since = None
        if window is not None:
            now_us = to_epoch_us(now_utc()) if now_us is None else now_us
            since = now_us - window * 1_000_000
        answered[call] = read[key].aggregate(function, since)
        return answered[call]

    return rollup
