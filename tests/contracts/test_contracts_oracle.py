"""The harness's oracle is pure: its rules are checked here without any server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from contracts import oracle

BASE = datetime(2021, 3, 4, tzinfo=UTC)


def m(i: int, minutes: int, **fragments: object) -> dict[str, object]:
    return {
        "id": str(i),
        "type": "t",
        "source": {"id": "1"},
        "time": (BASE + timedelta(minutes=minutes)).isoformat(),
        **fragments,
    }


@given(st.lists(st.integers(0, 50), min_size=1, max_size=20), st.integers(0, 50), st.integers(0, 50))
def test_date_range_is_half_open(minutes: list[int], start: int, end: int) -> None:
    items = [m(i, t) for i, t in enumerate(minutes)]
    query = {
        "dateFrom": oracle.ts(BASE + timedelta(minutes=start)),
        "dateTo": oracle.ts(BASE + timedelta(minutes=end)),
    }
    chosen = {x["id"] for x in oracle.select(items, query)}
    assert chosen == {x["id"] for x, t in zip(items, minutes, strict=True) if start <= t < end}


@given(st.lists(st.integers(0, 5), min_size=1, max_size=20), st.booleans())
def test_order_is_by_time_then_id_and_revert_is_its_reverse(minutes: list[int], revert: bool) -> None:
    items = [m(i, t) for i, t in enumerate(minutes)]
    forward = oracle.ordered(items)
    assert [(oracle.instant(str(x["time"])), int(str(x["id"]))) for x in forward] == sorted(
        (oracle.instant(str(x["time"])), int(str(x["id"]))) for x in items
    )
    assert oracle.ordered(items, revert=True) == list(reversed(forward))


def test_weeks_align_to_mondays_and_months_to_calendar() -> None:
    thursday = datetime(2022, 5, 5, 13, tzinfo=UTC)
    assert oracle.bucket(thursday, "1w") == datetime(2022, 5, 2, tzinfo=UTC)
    assert oracle.bucket(thursday, "1M") == datetime(2022, 5, 1, tzinfo=UTC)
    assert oracle.bucket(thursday, "1q") == datetime(2022, 4, 1, tzinfo=UTC)


def test_series_truncates_at_5000_and_stddev_samp_of_one_value_is_null() -> None:
    items = [m(i, i, c8y_X={"v": {"value": float(i)}}) for i in range(5001)]
    answer = oracle.series_answer(items, source="1", date_from="2021-03-01", date_to="2021-04-01")
    assert answer["truncated"] is True
    assert len(answer["values"]) == 5000
    one = oracle.series_answer(
        items[:1],
        source="1",
        date_from="2021-03-01",
        date_to="2021-04-01",
        interval="1d",
        functions=["stdDevSamp", "count"],
    )
    assert list(one["values"].values()) == [[{"stdDevSamp": None, "count": 1}]]
