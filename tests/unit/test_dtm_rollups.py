"""Roll-up summaries (mockserver/dtm/rollups.py) against the plain definition over the points."""

from __future__ import annotations

from array import array

from hypothesis import given
from hypothesis import strategies as st

from mockserver.dtm.rollups import RollupCache, RunSummary, SeriesSummary
from mockserver.measurements.index import SeriesRun

FUNCTIONS = ["latest", "min", "max", "avg", "sum", "count"]
# One source's points: (time µs, value), any order; rows are numbered in the order drawn.
POINTS = st.lists(st.tuples(st.integers(0, 50), st.floats(-1e6, 1e6, allow_nan=False)), max_size=12)


def runs_of(sources: list[list[tuple[int, float]]]) -> list[SeriesRun]:
    runs, row = [], 0
    for points in sources:
        numbered = []
        for time, value in points:
            numbered.append((time, row, value))
            row += 1
        numbered.sort()
        if numbered:
            times, rows, values = zip(*numbered, strict=True)
            runs.append(SeriesRun(array("q", times), array("q", rows), array("d", values)))
    return runs


def plain(function: str, runs: list[SeriesRun], since: int | None) -> float | int | None:
    """The spec's rule, straight: the points at or after ``since`` ordered by (time, row)."""
    points = sorted(
        (t, r, v)
        for run in runs
        for t, r, v in zip(run.times, run.rows, run.values, strict=True)
        if since is None or t >= since
    )
    values = [v for _, _, v in points]
    if function == "count":
        return len(values)
    if function == "sum":
        return sum(values)
    if not values:
        return None
    if function == "latest":
        return values[-1]
    if function == "min":
        return min(values)
    if function == "max":
        return max(values)
    return sum(values) / len(values)


@given(
    st.lists(POINTS, max_size=4),
    st.sampled_from(FUNCTIONS),
    st.one_of(st.none(), st.integers(-5, 60)),
)
def test_a_summary_answers_every_window_as_the_plain_definition(
    sources: list[list[tuple[int, float]]], function: str, since: int | None
) -> None:
    runs = runs_of(sources)
    got = SeriesSummary(tuple(RunSummary.of(run) for run in runs)).aggregate(function, since)
    want = plain(function, runs, since)
    if want is None or got is None:
        assert got == want
    else:
        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)) * (1 + len(runs) * 12)


class CountingSource:
    def __init__(self, runs: list[SeriesRun]) -> None:
        self.runs = runs
        self.reads = 0

    def series_runs(self, sources: object, fragment: str, series: str) -> list[SeriesRun]:
        self.reads += 1
        return self.runs


def test_the_cache_reads_a_series_once_until_it_forgets() -> None:
    source = CountingSource(runs_of([[(1, 2.0), (3, 4.0)]]))
    cache = RollupCache()
    scope = frozenset({"7"})
    first = cache.summary(source, scope, "c8y_P", "P")
    assert cache.summary(source, scope, "c8y_P", "P") is first
    assert source.reads == 1
    cache.forget()
    assert cache.summary(source, scope, "c8y_P", "P").aggregate("sum", None) == 6.0
    assert source.reads == 2


def test_the_cache_keeps_at_most_its_budget_of_points() -> None:
    source = CountingSource(runs_of([[(t, 1.0) for t in range(10)]]))
    cache = RollupCache(points=25)
    for series in "abc":
        cache.summary(source, frozenset({"7"}), "f", series)
    cache.summary(source, frozenset({"7"}), "f", "a")  # the oldest was dropped: read again
    assert source.reads == 4
