"""TimeIndex against a sorted list: batched inserts, ranges, removals, rebuilds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mockserver.measurements.index import TimeIndex, merged_rows

# An operation: ("add", times...) adds rows with fresh, growing row numbers; ("read",) flushes;
# ("remove", pick) removes one entry; ("retain", modulus) keeps rows not divisible by it.
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.lists(st.integers(-5, 20), min_size=1, max_size=6)),
        st.tuples(st.just("read"), st.none()),
        st.tuples(st.just("remove"), st.integers(0, 100)),
        st.tuples(st.just("retain"), st.integers(2, 4)),
    ),
    max_size=25,
)


@given(operations, st.integers(-6, 21), st.integers(-6, 21))
def test_time_index_matches_a_sorted_list(ops: list[tuple[str, object]], lo: int, hi: int) -> None:
    index = TimeIndex("di")
    model: list[tuple[int, int, float, int]] = []
    next_row = 0
    for op, arg in ops:
        if op == "add":
            assert isinstance(arg, list)
            for t in arg:
                index.add(t, next_row, t / 2, next_row % 3)
                model.append((t, next_row, t / 2, next_row % 3))
                next_row += 1
        elif op == "read":
            index.flush()
        elif op == "remove" and model:
            assert isinstance(arg, int)
            t, row, _, _ = sorted(model)[arg % len(model)]
            index.remove(t, row)
            model = [m for m in model if m[1] != row]
        elif op == "retain":
            assert isinstance(arg, int)
            index.retain(lambda r, k=arg: r % k != 0)
            model = [m for m in model if m[1] % arg != 0]
        assert len(index) == len(model)
    model.sort()
    start, end = index.span(lo, hi)
    assert list(zip(index.times, index.rows, *index.extras, strict=True)) == model
    assert [row for t, row, _, _ in model if lo <= t < hi] == list(index.rows[start:end])
    assert index.span(None, None) == (0, len(model))


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=8), min_size=1, max_size=4),
    st.integers(0, 31),
    st.integers(0, 31),
    st.booleans(),
    st.integers(0, 40),
    st.integers(1, 10),
)
def test_merged_rows_page_through_every_index_in_time_order(
    times_per_index: list[list[int]], lo: int, hi: int, revert: bool, start: int, size: int
) -> None:
    indexes, everything, row = [], [], 0
    for times in times_per_index:
        index = TimeIndex()
        for t in times:
            index.add(t, row)
            everything.append((t, row))
            row += 1
        indexes.append(index)
    matching = sorted((t, r) for t, r in everything if lo <= t < hi)
    ordered = list(reversed(matching)) if revert else matching
    page, total = merged_rows(indexes, lo, hi, revert, start, size)
    assert total == len(matching)
    assert page == [r for _, r in ordered[start : start + size]]
