"""GET /measurement/measurements/series over HTTP (platform-rules.md, "Series")."""

from __future__ import annotations

import pytest
from mock_http import ADMIN, MEASUREMENTS, Mock, assert_error, measurement

WINDOW = "dateFrom=2024-01-01&dateTo=2024-01-03"


@pytest.fixture
def source(mock: Mock) -> str:
    mo = mock.device()
    rows = [
        measurement(mo, "2024-01-01T10:00:00Z", c8y_T={"T": {"value": 1.0, "unit": "C"}}),
        measurement(
            mo, "2024-01-01T10:30:00Z", c8y_T={"T": {"value": 3.0, "unit": "C"}}, c8y_H={"H": {"value": 50}}
        ),
        measurement(mo, "2024-01-02T08:00:00+01:00", c8y_T={"T": {"value": 5.0, "unit": "K"}}),
    ]
    response = mock.json_post("/measurement/measurements", {"measurements": rows}, content_type=MEASUREMENTS)
    assert response.status_code == 201, response.text
    return mo


def series(mock: Mock, query: str) -> dict:  # type: ignore[type-arg]
    response = mock.client.get(f"/measurement/measurements/series?{query}", auth=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("missing", ["source", "dateFrom", "dateTo"])
def test_each_mandatory_parameter_missing_answers_400_naming_it(mock: Mock, missing: str) -> None:
    params = {"source": "1", "dateFrom": "2024-01-01", "dateTo": "2024-01-02"}
    del params[missing]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = mock.client.get(f"/measurement/measurements/series?{query}", auth=ADMIN)
    assert_error(response, 400, "measurement/Bad Request", missing)


def test_unaggregated_series_have_one_key_per_instant_and_null_where_absent(mock: Mock, source: str) -> None:
    body = series(mock, f"source={source}&{WINDOW}")
    assert body["series"] == [
        {"name": "H", "type": "c8y_H", "unit": None},
        {"name": "T", "type": "c8y_T", "unit": "C"},
    ]
    assert body["truncated"] is False
    assert body["values"] == {
        "2024-01-01T10:00:00.000Z": [None, {"min": 1.0, "max": 1.0}],
        "2024-01-01T10:30:00.000Z": [{"min": 50, "max": 50}, {"min": 3.0, "max": 3.0}],
        "2024-01-02T08:00:00.000+01:00": [None, {"min": 5.0, "max": 5.0}],
    }


def test_requested_series_are_positional_and_revert_flips_the_order(mock: Mock, source: str) -> None:
    body = series(mock, f"source={source}&{WINDOW}&series=c8y_T.T&series=c8y_H.H&revert=true")
    assert [s["name"] for s in body["series"]] == ["T", "H"]
    assert list(body["values"]) == [
        "2024-01-02T08:00:00.000+01:00",
        "2024-01-01T10:30:00.000Z",
        "2024-01-01T10:00:00.000Z",
    ]
    assert body["values"]["2024-01-01T10:30:00.000Z"] == [{"min": 3.0, "max": 3.0}, {"min": 50, "max": 50}]


def test_daily_aggregation_buckets_by_utc_day(mock: Mock, source: str) -> None:
    body = series(mock, f"source={source}&{WINDOW}&series=c8y_T.T&aggregationType=DAILY")
    assert body["values"] == {
        "2024-01-01T00:00:00.000Z": [{"min": 1.0, "max": 3.0}],
        "2024-01-02T00:00:00.000Z": [{"min": 5.0, "max": 5.0}],
    }


def test_aggregation_functions_need_an_interval(mock: Mock, source: str) -> None:
    response = mock.client.get(
        f"/measurement/measurements/series?source={source}&{WINDOW}&aggregationFunction=avg", auth=ADMIN
    )
    assert_error(response, 400, "measurement/Bad Request", "aggregationInterval")


def test_interval_with_functions_answers_one_key_per_function(mock: Mock, source: str) -> None:
    body = series(
        mock,
        f"source={source}&{WINDOW}&series=c8y_T.T&aggregationInterval=1h&aggregationFunction=avg&aggregationFunction=count",
    )
    assert body["values"]["2024-01-01T10:00:00.000Z"] == [{"avg": 2.0, "count": 2}]


@pytest.mark.parametrize(
    "query",
    [
        "aggregationInterval=0h",
        "aggregationInterval=1000s",
        "aggregationInterval=5x",
        "aggregationType=WEEKLY",
        "aggregationInterval=1d&aggregationFunction=median",
        "series=noDot",
        "dateFrom=2024-02-30",
    ],
)
def test_bad_series_parameters_answer_400(mock: Mock, source: str, query: str) -> None:
    base = {"source": source, "dateFrom": "2024-01-01", "dateTo": "2024-01-03"}
    extra = dict(pair.split("=", 1) for pair in query.split("&"))
    merged = {**base, **{k: v for k, v in extra.items() if k in base}}
    rest = "&".join(p for p in query.split("&") if p.split("=", 1)[0] not in base)
    url = (
        "/measurement/measurements/series?"
        + "&".join(f"{k}={v}" for k, v in merged.items())
        + ("&" + rest if rest else "")
    )
    assert_error(mock.client.get(url, auth=ADMIN), 400, "measurement/Bad Request")
