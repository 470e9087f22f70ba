"""Instants in and out: the parsing rules of query values and body fields, and round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import BadRequest, ValidationError
from mockserver.timeutil import (
    format_epoch_ms,
    format_utc_millis,
    from_epoch_us,
    parse_body_instant,
    parse_query_instant,
    to_epoch_us,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02", datetime(2024, 1, 2, tzinfo=UTC)),
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05.678Z", datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)),
        ("2024-01-02T03:04:05.678+02:00", datetime(2024, 1, 2, 1, 4, 5, 678000, tzinfo=UTC)),
        ("2024-01-02T03:04:05-0130", datetime(2024, 1, 2, 4, 34, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04", datetime(2024, 1, 2, 3, 4, tzinfo=UTC)),
        ("2024-01-02T00:30:00+01:00", datetime(2024, 1, 1, 23, 30, tzinfo=UTC)),
        ("2024-01-02T03:04:05.123456789Z", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_query_instant_accepts_dates_and_date_times_with_any_offset(text: str, expected: datetime) -> None:
    parsed = parse_query_instant(text, "dateFrom")
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "2024-01-02T25:00:00Z",
        "2024-01-02T03:04:05+24:00",
        "2024/01/02",
        "2024-01-02T03:04:05ZZ",
        "0001-01-01T00:00:00+01:00",
        "1704164645",
    ],
)
def test_query_instant_rejects_anything_else_with_400_naming_the_parameter(text: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_query_instant(text, "dateTo")
    assert raised.value.status == 400
    assert "dateTo" in raised.value.message
    assert repr(text) in raised.value.message


@pytest.mark.parametrize("value", [None, 17, 1.5, ["2024-01-02"], {"t": 1}, "not a time"])
def test_body_instant_rejects_non_instants_with_422_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_body_instant(value, "measurements[2].time")
    assert raised.value.status == 422
    assert "measurements[2].time" in raised.value.message
    assert raised.value.details[0]["field"] == "measurements[2].time"


def test_body_instant_takes_datetimes_naive_as_utc() -> None:
    assert parse_body_instant(datetime(2024, 1, 2, 3), "time") == datetime(2024, 1, 2, 3, tzinfo=UTC)
    aware = datetime(2024, 1, 2, 3, tzinfo=timezone(timedelta(hours=2)))
    assert parse_body_instant(aware, "time") == datetime(2024, 1, 2, 1, tzinfo=UTC)


def test_format_utc_millis_truncates_to_milliseconds_in_utc() -> None:
    dt = datetime(2024, 1, 2, 3, 4, 5, 678999, tzinfo=timezone(timedelta(hours=-5)))
    assert format_utc_millis(dt) == "2024-01-02T08:04:05.678Z"
    assert format_utc_millis(datetime(1, 1, 1, tzinfo=UTC)) == "0001-01-01T00:00:00.000Z"


offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31), timezones=offsets)


@given(aware)
def test_isoformat_round_trips_to_the_same_instant(dt: datetime) -> None:
    assert parse_query_instant(dt.isoformat(), "dateFrom") == dt
    assert parse_body_instant(dt.isoformat(), "time") == dt


@given(aware)
def test_formatted_millis_parse_back_to_the_instant_floored_to_the_millisecond(dt: datetime) -> None:
    back = parse_query_instant(format_utc_millis(dt), "dateFrom")
    assert back == dt - timedelta(microseconds=dt.microsecond % 1000)
    assert to_epoch_us(back) // 1000 == to_epoch_us(dt) // 1000


@given(aware)
def test_epoch_values_round_trip_and_count_from_1970(dt: datetime) -> None:
    us = to_epoch_us(dt)
    assert from_epoch_us(us) == dt
    assert us == (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


@given(aware, aware)
def test_epoch_microseconds_preserve_order(a: datetime, b: datetime) -> None:
    assert (to_epoch_us(a) < to_epoch_us(b)) == (a < b)


@given(aware)
def test_format_epoch_ms_equals_format_utc_millis(dt: datetime) -> None:
    assert format_epoch_ms(to_epoch_us(dt) // 1000) == format_utc_millis(dt)
