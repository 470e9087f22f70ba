"""The series endpoint's query parsing and aggregation against a brute-force reference."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import BadRequest
from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementStore, SeriesQuery
from mockserver.measurements.series import FUNCTIONS, MAX_TIMESTAMPS
from mockserver.timeutil import format_utc_millis, parse_body_instant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Near a month, quarter and year end, so calendar buckets split the data.
BASE = datetime(2023, 12, 20, 22, 30, tzinfo=UTC)
WINDOW = (BASE - timedelta(days=1), BASE + timedelta(days=90))


def new_store() -> MeasurementStore:
    inventory = InventoryStore()
    inventory.create({}, owner="admin")
    inventory.create({}, owner="admin")
    return MeasurementStore(inventory)


def query(**kwargs: Any) -> SeriesQuery:
    base: dict[str, Any] = {"source": "1", "date_from": "2000-01-01", "date_to": "2100-01-01"}
    return SeriesQuery.parse(**{**base, **kwargs})


# ------------------------------------------------------------------ parsing


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"aggregation_interval": "0s"}, "aggregationInterval"),
        ({"aggregation_interval": "1000s"}, "aggregationInterval"),
        ({"aggregation_interval": "01m"}, "aggregationInterval"),
        ({"aggregation_interval": "5x"}, "aggregationInterval"),
        ({"aggregation_interval": "m"}, "aggregationInterval"),
        ({"aggregation_interval": "1 h"}, "aggregationInterval"),
        ({"aggregation_interval": "1h", "aggregation_function": ["median"]}, "aggregationFunction"),
        ({"aggregation_function": ["min"]}, "aggregationFunction"),
        ({"aggregation_type": "HOURLY", "aggregation_function": ["max"]}, "aggregationFunction"),
        ({"aggregation_type": "WEEKLY"}, "aggregationType"),
        ({"series": ["c8y_T"]}, "series"),
        ({"series": [".T"]}, "series"),
        ({"date_from": "yesterday"}, "dateFrom"),
        ({"date_to": "2024-02-30"}, "dateTo"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_bad_query_values_are_400_naming_the_parameter(kwargs: dict[str, Any], parameter: str) -> None:
    with pytest.raises(BadRequest) as raised:
        query(**kwargs)
    assert parameter in raised.value.message


@pytest.mark.parametrize("interval", ["1s", "999s", "25m", "12h", "7d", "4w", "3M", "2q", "1y"])
def test_valid_intervals_parse(interval: str) -> None:
    assert query(aggregation_interval=interval).effective_interval == interval


def test_interval_wins_over_type_and_defaults_to_min_max() -> None:
    q = query(aggregation_type="DAILY", aggregation_interval="15m")
    assert q.effective_interval == "15m"
    assert q.effective_functions == ("min", "max")
    assert query(aggregation_type="DAILY").effective_interval == "1d"


# ------------------------------------------------------------------ reference implementation


def bucket_start(instant: datetime, interval: str | None) -> datetime:
    """The bucket of ``instant``, computed with datetime arithmetic (independent of the code)."""
    if interval is None:
        return instant - timedelta(microseconds=instant.microsecond % 1000)
    n, unit = int(interval[:-1]), interval[-1]
    if unit in "smhdw":
        width = timedelta(
            **{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[unit]: n}
        )
        origin = EPOCH + timedelta(days=4) if unit == "w" else EPOCH
        return origin + (instant - origin) // width * width
    months = n * {"M": 1, "q": 3, "y": 12}[unit]
    index = instant.year * 12 + instant.month - 1
    index -= index % months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def reference_entry(values: list[float], functions: tuple[str, ...]) -> dict[str, Any]:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values)
    all_values = {
        "min": min(values),
        "max": max(values),
        "sum": sum(values),
        "avg": mean,
        "count": n,
        "stdDevPop": math.sqrt(var / n),
        "stdDevSamp": math.sqrt(var / (n - 1)) if n > 1 else None,
    }
    return {fn: all_values[fn] for fn in functions}


def written_key(instant: datetime, time_text: str) -> str:
    """An unaggregated key: the instant in the offset ``time_text`` was written with (spec)."""
    zone = None if time_text.endswith("Z") else datetime.fromisoformat(time_text).tzinfo
    return (
        format_utc_millis(instant)
        if zone is None
        else instant.astimezone(zone).isoformat(timespec="milliseconds")
    )


def reference_series(docs: list[dict[str, Any]], q: SeriesQuery) -> dict[str, Any]:
    points: dict[tuple[str, str], list[tuple[datetime, int, float, str | None]]] = {}
    firsts: dict[datetime, tuple[datetime, int, str]] = {}  # ms key -> first point's (instant, id, time)
    for doc in docs:
        instant = parse_body_instant(doc["time"], "time")
        if doc["source"]["id"] not in q.sources or not q.date_from <= instant < q.date_to:
            continue
        for fragment, body in doc.items():
            if fragment in ("id", "time", "type", "source") or not isinstance(body, dict):
                continue
            for name, member in body.items():
                if isinstance(member, dict):
                    points.setdefault((fragment, name), []).append(
                        (instant, int(doc["id"]), float(member["value"]), member.get("unit"))
                    )
                    ms, first = bucket_start(instant, None), (instant, int(doc["id"]), doc["time"])
                    if (not q.series or (fragment, name) in q.series) and first < firsts.get(ms, first):
                        firsts[ms] = first
                    elif not q.series or (fragment, name) in q.series:
                        firsts.setdefault(ms, first)
    wanted = list(q.series) if q.series else sorted(points)
    interval = q.effective_interval
    functions = q.effective_functions
    buckets: list[dict[datetime, list[float]]] = []
    for pair in wanted:
        found: dict[datetime, list[float]] = {}
        for instant, _, value, _ in points.get(pair, []):
            found.setdefault(bucket_start(instant, interval), []).append(value)
        buckets.append(found)
    keys = sorted(set().union(*buckets), reverse=q.revert)
    truncated = interval is None and len(keys) > MAX_TIMESTAMPS
    if interval is None:
        keys = keys[:MAX_TIMESTAMPS]
    units = [min(points[p])[3] if p in points else None for p in wanted]
    return {
        "values": {
            (written_key(k, firsts[k][2]) if interval is None else format_utc_millis(k)): [
                reference_entry(b[k], functions) if k in b else None for b in buckets
            ]
            for k in keys
        },
        "series": [{"name": s, "type": f, "unit": u} for (f, s), u in zip(wanted, units, strict=True)],
        "truncated": truncated,
    }


def assert_same_answer(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual["series"] == expected["series"]
    assert actual["truncated"] == expected["truncated"]
    assert list(actual["values"]) == list(expected["values"])  # same keys, same order
    for key, row in actual["values"].items():
        for got, want in zip(row, expected["values"][key], strict=True):
            if want is None:
                assert got is None
                continue
            assert list(got) == list(want)
            for fn, value in want.items():
                if value is None or fn == "count":
                    assert got[fn] == value
                else:
                    assert math.isclose(got[fn], value, rel_tol=1e-9, abs_tol=1e-9), (fn, got, want)
            if "min" in got and "max" in got:
                assert got["min"] <= got["max"]


# ------------------------------------------------------------------ generated data

offsets_ms = st.integers(0, 80 * 86_400_000) | st.integers(0, 3_000)  # spread out, or clustered
ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
documents = st.builds(
    lambda ms, source, t, h, unit, zone: {
        "time": (BASE + timedelta(milliseconds=ms)).astimezone(zone).isoformat(),
        "type": "T",
        "source": {"id": source},
        **({"c8y_T": {"T": {"value": t, **({"unit": unit} if unit else {})}}} if t is not None else {}),
        **({"c8y_H": {"H": {"value": h, "unit": "%"}}} if h is not None else {}),
    },
    offsets_ms,
    st.sampled_from(["1", "1", "2"]),
    st.none() | st.integers(-50, 50),
    st.none() | st.floats(-1e6, 1e6),
    st.sampled_from([None, "C", "K"]),
    st.sampled_from(ZONES),
)
INTERVALS = [
    "1s",
    "7s",
    "1m",
    "15m",
    "1h",
    "5h",
    "1d",
    "2d",
    "1w",
    "2w",
    "3w",
    "1M",
    "2M",
    "5M",
    "1q",
    "1y",
    "3y",
]
series_names = st.lists(st.sampled_from(["c8y_T.T", "c8y_H.H", "c8y_X.X", "c8y_T.H"]), max_size=3)


@st.composite
def series_queries(draw: st.DrawFn) -> dict[str, Any]:
    """Everything but the aggregation, which the test varies over every interval."""
    lo = draw(st.integers(0, 40 * 86_400_000))
    hi = draw(st.integers(0, 90 * 86_400_000))
    # Mostly the whole window and every series, so that most buckets hold several values.
    return {
        "source": draw(st.sampled_from([["1", "2"], ["1", "2"], ["1"], ["2"], ["9"]])),
        "date_from": draw(st.sampled_from([WINDOW[0], WINDOW[0], BASE + timedelta(milliseconds=lo)])),
        "date_to": draw(st.sampled_from([WINDOW[1], WINDOW[1], BASE + timedelta(milliseconds=hi)])),
        "series": draw(st.just([]) | series_names),
        "revert": draw(st.booleans()),
    }


@given(st.lists(documents, min_size=2, max_size=30), series_queries(), st.permutations(FUNCTIONS))
def test_series_equals_a_brute_force_aggregation_for_every_interval(
    docs: list[dict[str, Any]], common: dict[str, Any], functions: list[str]
) -> None:
    store = new_store()
    created = store.create_many(docs)
    variants: list[dict[str, Any]] = [{}, {"aggregation_type": "HOURLY"}]
    for interval in INTERVALS:
        variants.append({"aggregation_interval": interval, "aggregation_function": functions})
        variants.append({"aggregation_interval": interval, "aggregation_type": "DAILY"})
    for variant in variants:
        q = SeriesQuery.parse(**common, **variant)
        assert_same_answer(store.series(q), reference_series(created, q))


@given(st.lists(documents, min_size=1, max_size=30), st.sampled_from(["DAILY", "HOURLY", "MINUTELY"]))
def test_aggregation_types_are_utc_aligned_day_hour_minute_buckets(
    docs: list[dict[str, Any]], kind: str
) -> None:
    store = new_store()
    created = store.create_many(docs)
    q = SeriesQuery.parse(source=["1", "2"], date_from=WINDOW[0], date_to=WINDOW[1], aggregation_type=kind)
    answer = store.series(q)
    assert_same_answer(answer, reference_series(created, q))
    for key in answer["values"]:
        start = parse_body_instant(key, "key")
        assert start == bucket_start(start, {"DAILY": "1d", "HOURLY": "1h", "MINUTELY": "1m"}[kind])


# ------------------------------------------------------------------ explicit examples


def test_more_than_5000_timestamps_are_truncated_to_the_first_5000_in_order() -> None:
    store = new_store()
    store.create_many(
        [
            {
                "time": format_utc_millis(BASE + timedelta(seconds=i)),
                "type": "T",
                "source": {"id": "1"},
                "c8y_T": {"T": {"value": i}},
            }
            for i in range(MAX_TIMESTAMPS + 1)
        ]
    )
    for revert, first, last in ((False, 0, MAX_TIMESTAMPS - 1), (True, MAX_TIMESTAMPS, 1)):
        answer = store.series(query(revert=revert))
        keys = list(answer["values"])
        assert answer["truncated"] is True
        assert len(keys) == MAX_TIMESTAMPS
        assert keys[0] == format_utc_millis(BASE + timedelta(seconds=first))
        assert keys[-1] == format_utc_millis(BASE + timedelta(seconds=last))
        assert answer["values"][keys[0]] == [{"min": float(first), "max": float(first)}]
    hourly = store.series(query(aggregation_type="HOURLY"))
    assert hourly["truncated"] is False
    assert len(hourly["values"]) == 2  # 22:30 .. 23:53:20 spans two hours


def test_exactly_5000_timestamps_are_not_truncated() -> None:
    store = new_store()
    store.create_many(
        [
            {
                "time": format_utc_millis(BASE + timedelta(seconds=i)),
                "type": "T",
                "source": {"id": "1"},
                "c8y_T": {"T": {"value": i}},
            }
            for i in range(MAX_TIMESTAMPS)
        ]
    )
    answer = store.series(query())
    assert answer["truncated"] is False
    assert len(answer["values"]) == MAX_TIMESTAMPS


def test_positional_entries_null_where_a_series_has_no_value_and_unit_of_first_value() -> None:
    store = new_store()
    t0, t1 = format_utc_millis(BASE), format_utc_millis(BASE + timedelta(minutes=1))
    store.create_many(
        [
            {"time": t0, "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 1, "unit": "C"}}},
            {
                "time": t1,
                "type": "T",
                "source": {"id": "1"},
                "c8y_T": {"T": {"value": 3, "unit": "K"}},
                "c8y_H": {"H": {"value": 50}},
            },
            {"time": t1, "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 2}}},
        ]
    )
    answer = store.series(query(series=["c8y_H.H", "c8y_T.T", "c8y_Z.Z"]))
    assert answer == {
        "values": {
            format_utc_millis(BASE): [None, {"min": 1.0, "max": 1.0}, None],
            format_utc_millis(BASE + timedelta(minutes=1)): [
                {"min": 50.0, "max": 50.0},
                {"min": 2.0, "max": 3.0},
                None,
            ],
        },
        "series": [
            {"name": "H", "type": "c8y_H", "unit": None},
            {"name": "T", "type": "c8y_T", "unit": "C"},
            {"name": "Z", "type": "c8y_Z", "unit": None},
        ],
        "truncated": False,
    }
    everything = store.series(query())
    assert [(s["type"], s["name"]) for s in everything["series"]] == [("c8y_H", "H"), ("c8y_T", "T")]


def test_every_function_over_one_bucket() -> None:
    store = new_store()
    store.create_many(
        [
            {
                "time": format_utc_millis(BASE + timedelta(minutes=i)),
                "type": "T",
                "source": {"id": "1"},
                "c8y_T": {"T": {"value": v}},
            }
            for i, v in enumerate([1, 2, 3, 4])
        ]
    )
    answer = store.series(query(aggregation_interval="1d", aggregation_function=list(FUNCTIONS)))
    assert answer["values"] == {
        "2023-12-20T00:00:00.000Z": [
            {
                "min": 1.0,
                "max": 4.0,
                "avg": 2.5,
                "sum": 10.0,
                "count": 4,
                "stdDevPop": math.sqrt(1.25),
                "stdDevSamp": math.sqrt(5 / 3),
            }
        ]
    }


def test_stddev_samp_of_one_value_is_null_and_functions_keep_the_requested_order() -> None:
    store = new_store()
    store.create(
        {"time": format_utc_millis(BASE), "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 4}}}
    )
    answer = store.series(
        query(aggregation_interval="1d", aggregation_function=["stdDevSamp", "count", "avg"])
    )
    assert list(answer["values"].values()) == [[{"stdDevSamp": None, "count": 1, "avg": 4.0}]]


def test_deleted_measurements_leave_the_series() -> None:
    store = new_store()
    kept = store.create(
        {"time": format_utc_millis(BASE), "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 1}}}
    )
    gone = store.create(
        {
            "time": format_utc_millis(BASE + timedelta(hours=1)),
            "type": "T",
            "source": {"id": "1"},
            "c8y_T": {"T": {"value": 9}},
        }
    )
    store.delete(gone["id"])
    answer = store.series(query(aggregation_type="DAILY"))
    assert list(answer["values"].values()) == [[{"min": 1.0, "max": 1.0}]]
    store.delete(kept["id"])
    assert store.series(query()) == {"values": {}, "series": [], "truncated": False}


@pytest.mark.parametrize("interval", [None, "999d", "3y", "999w", "999M"])
def test_buckets_at_the_edges_of_the_calendar_never_fail(interval: str | None) -> None:
    store = new_store()
    for when in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"):
        store.create({"time": when, "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 1}}})
    answer = store.series(
        query(date_from="0001-01-01", date_to="9999-12-31T23:59:59.9999Z", aggregation_interval=interval)
    )
    assert len(answer["values"]) == 2
    assert next(iter(answer["values"])) == "0001-01-01T00:00:00.000Z"


def test_raw_keys_keep_the_offset_the_measurement_was_written_with() -> None:
    store = new_store()
    for time_text in ("2020-12-04T17:33:01.538+01:00", "2020-12-04T16:34:00+0530", "2020-12-04T16:35:00Z"):
        store.create({"time": time_text, "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 1}}})
    store.create(
        {"time": "2020-12-04T16:36:00", "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 2}}}
    )
    store.create(
        {
            "time": "2020-12-04T16:37:00-00:00",
            "type": "T",
            "source": {"id": "1"},
            "c8y_T": {"T": {"value": 3}},
        }
    )
    # the same millisecond as the first, written in another offset: the first written keeps the key
    store.create(
        {"time": "2020-12-04T16:33:01.538Z", "type": "T", "source": {"id": "1"}, "c8y_T": {"T": {"value": 9}}}
    )
    window = {"date_from": "2020-12-04T00:00:00Z", "date_to": "2020-12-05T00:00:00Z"}
    answer = store.series(query(**window))
    assert list(answer["values"]) == [
        "2020-12-04T16:34:00.000+05:30",
        "2020-12-04T17:33:01.538+01:00",
        "2020-12-04T16:35:00.000Z",
        "2020-12-04T16:36:00.000Z",
        "2020-12-04T16:37:00.000+00:00",
    ]
    assert answer["values"]["2020-12-04T17:33:01.538+01:00"] == [{"min": 1.0, "max": 9.0}]
    hourly = store.series(query(aggregation_type="HOURLY", **window))
    assert list(hourly["values"]) == ["2020-12-04T11:00:00.000Z", "2020-12-04T16:00:00.000Z"]
