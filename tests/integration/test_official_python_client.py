"""The official Python client (PyPI ``c8y-api``) works against the mock, end to end.

Every test works on its own device, so the tests do not see each other's measurements even
though they share one server. Times are fixed instants in 2024 so that filters, ordering and
hourly buckets have known answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from c8y_api import CumulocityApi
from c8y_api.model import Device, Measurement

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
STEP = timedelta(minutes=20)
DAY_START = datetime(2024, 5, 1, tzinfo=UTC)
DAY_END = datetime(2024, 5, 2, tzinfo=UTC)
COUNT = 6  # at 10:00, 10:20, 10:40, 11:00, 11:20, 11:40 UTC


@pytest.fixture(scope="module")
def c8y(mock_server_url: str) -> CumulocityApi:
    return CumulocityApi(mock_server_url, tenant_id="t100", username="admin", password="admin")


@pytest.fixture
def new_device(c8y: CumulocityApi) -> Iterator[Callable[[], Device]]:
    """A factory of fresh devices, deleted again after the test."""
    created: list[Device] = []

    def make() -> Device:
        device = Device(c8y, type="py_TestDevice", name=f"python-client-device-{len(created)}").create()
        created.append(device)
        return device

    yield make
    for device in created:
        device.delete()


def reading(c8y: CumulocityApi, source: str, i: int) -> Measurement:
    """The i-th reading of the fixed data set: temperature i always, humidity 50+i on even i."""
    fragments: dict[str, dict[str, dict[str, object]]] = {"py_Temperature": {"T": {"value": i, "unit": "C"}}}
    if i % 2 == 0:
        fragments["py_Humidity"] = {"H": {"value": 50 + i, "unit": "%"}}
    kind = "py_TypeA" if i % 2 == 0 else "py_TypeB"
    return Measurement(c8y, type=kind, source=source, time=T0 + i * STEP, **fragments)


@pytest.fixture
def populated(c8y: CumulocityApi, new_device: Callable[[], Device]) -> str:
    """The id of a device holding the six readings of the fixed data set (created in bulk)."""
    device_id = str(new_device().id)
    assert c8y.measurements.create(*(reading(c8y, device_id, i) for i in range(COUNT))) is None
    return device_id


def temperatures(measurements: Iterator[Measurement] | list[Measurement]) -> list[float]:
    return [m.fragments["py_Temperature"]["T"]["value"] for m in measurements]


def test_creating_a_device_assigns_a_numeric_id(new_device: Callable[[], Device]) -> None:
    device = new_device()
    assert str(device.id).isdigit()
    assert device.name == "python-client-device-0"


def test_single_create_returns_the_stored_measurement_and_get_reads_it_back(
    c8y: CumulocityApi, new_device: Callable[[], Device]
) -> None:
    device_id = str(new_device().id)
    created = reading(c8y, device_id, 0).create()

    assert str(created.id).isdigit()
    assert created.source == device_id
    assert created.type == "py_TypeA"
    fetched = c8y.measurements.get(created.id)
    assert fetched.id == created.id
    assert fetched.fragments["py_Temperature"] == {"T": {"value": 0, "unit": "C"}}
    assert fetched.fragments["py_Humidity"] == {"H": {"value": 50, "unit": "%"}}
    assert fetched.datetime == T0


def test_bulk_create_stores_every_measurement_oldest_first(c8y: CumulocityApi, populated: str) -> None:
    assert temperatures(c8y.measurements.select(source=populated)) == [0, 1, 2, 3, 4, 5]


def test_select_filters_by_type(c8y: CumulocityApi, populated: str) -> None:
    assert temperatures(c8y.measurements.select(source=populated, type="py_TypeB")) == [1, 3, 5]


def test_select_filters_by_value_fragment_type(c8y: CumulocityApi, populated: str) -> None:
    selected = c8y.measurements.select(source=populated, value_fragment_type="py_Humidity")
    assert temperatures(selected) == [0, 2, 4]


def test_select_filters_by_value_fragment_series(c8y: CumulocityApi, populated: str) -> None:
    assert temperatures(c8y.measurements.select(source=populated, value_fragment_series="H")) == [0, 2, 4]
    assert temperatures(c8y.measurements.select(source=populated, value_fragment_series="T")) == list(
        range(COUNT)
    )


def test_select_by_full_series_name_combines_fragment_and_series(c8y: CumulocityApi, populated: str) -> None:
    assert temperatures(c8y.measurements.select(source=populated, series="py_Humidity.H")) == [0, 2, 4]
    assert list(c8y.measurements.select(source=populated, series="py_Humidity.T")) == []


def test_date_range_includes_date_from_and_excludes_date_to(c8y: CumulocityApi, populated: str) -> None:
    selected = c8y.measurements.select(source=populated, date_from=T0 + STEP, date_to=T0 + 4 * STEP)
    assert temperatures(selected) == [1, 2, 3]


def test_small_pages_yield_every_measurement_exactly_once_in_order(
    c8y: CumulocityApi, populated: str
) -> None:
    assert temperatures(c8y.measurements.select(source=populated, page_size=4)) == [0, 1, 2, 3, 4, 5]
    second_page = c8y.measurements.select(source=populated, page_size=4, page_number=2)
    assert temperatures(second_page) == [4, 5]


def test_reverse_returns_newest_first(c8y: CumulocityApi, populated: str) -> None:
    selected = c8y.measurements.select(source=populated, reverse=True, page_size=4)
    assert temperatures(selected) == [5, 4, 3, 2, 1, 0]


def test_get_count_counts_the_matching_measurements(c8y: CumulocityApi, populated: str) -> None:
    assert c8y.measurements.get_count(source=populated) == COUNT
    assert c8y.measurements.get_count(source=populated, type="py_TypeA") == 3


def test_get_last_returns_the_newest_matching_measurement(c8y: CumulocityApi, populated: str) -> None:
    last = c8y.measurements.get_last(source=populated)
    assert last is not None
    assert last.fragments["py_Temperature"]["T"]["value"] == 5
    last_of_a = c8y.measurements.get_last(source=populated, type="py_TypeA")
    assert last_of_a is not None
    assert last_of_a.fragments["py_Temperature"]["T"]["value"] == 4


def test_raw_series_has_one_positional_entry_per_timestamp(c8y: CumulocityApi, populated: str) -> None:
    series = c8y.measurements.get_series(
        source=populated, series=["py_Temperature.T", "py_Humidity.H"], after=DAY_START, before=DAY_END
    )

    assert series.truncated is False
    assert [(s.type, s.name, s.unit) for s in series.specs] == [
        ("py_Temperature", "T", "C"),
        ("py_Humidity", "H", "%"),
    ]
    assert list(series["values"]) == [
        (T0 + i * STEP).strftime("%Y-%m-%dT%H:%M:%S.000+00:00") for i in range(COUNT)
    ]
    assert series.collect(series=["py_Temperature.T", "py_Humidity.H"], value="max") == [
        (0, 50),
        (1, None),
        (2, 52),
        (3, None),
        (4, 54),
        (5, None),
    ]
    assert series.collect(series="py_Temperature.T", value="min") == [0, 1, 2, 3, 4, 5]


def test_hourly_series_aggregates_min_and_max_per_utc_hour(c8y: CumulocityApi, populated: str) -> None:
    series = c8y.measurements.get_series(
        source=populated, series="py_Temperature.T", aggregation="HOURLY", after=DAY_START, before=DAY_END
    )
    assert series["values"] == {
        "2024-05-01T10:00:00.000Z": [{"min": 0, "max": 2}],
        "2024-05-01T11:00:00.000Z": [{"min": 3, "max": 5}],
    }
    assert series.collect(series="py_Temperature.T", value="max") == [2, 5]


def test_interval_series_computes_the_requested_functions(c8y: CumulocityApi, populated: str) -> None:
    series = c8y.measurements.get_series(
        source=populated,
        series="py_Temperature.T",
        aggregation_interval="1h",
        aggregation_function=["min", "max", "avg"],
        after=DAY_START,
        before=DAY_END,
    )
    entries = [values[0] for values in series["values"].values()]
    assert entries == [{"min": 0, "max": 2, "avg": 1}, {"min": 3, "max": 5, "avg": 4}]
    assert series.collect(series="py_Temperature.T", value="avg") == [1, 4]


def test_delete_by_id_then_get_raises_key_error(c8y: CumulocityApi, populated: str) -> None:
    first = next(iter(c8y.measurements.select(source=populated, page_size=1)))
    c8y.measurements.delete(first.id)

    with pytest.raises(KeyError):
        c8y.measurements.get(first.id)
    assert c8y.measurements.get_count(source=populated) == COUNT - 1


def test_delete_by_filter_removes_exactly_the_matching_measurements(
    c8y: CumulocityApi, populated: str
) -> None:
    c8y.measurements.delete_by(source=populated, type="py_TypeA")

    assert temperatures(c8y.measurements.select(source=populated)) == [1, 3, 5]


def test_delete_by_value_fragment_deletes_only_measurements_holding_that_series(
    c8y: CumulocityApi, populated: str
) -> None:
    c8y.measurements.delete_by(source=populated, value_fragment_type="py_Humidity")

    assert temperatures(c8y.measurements.select(source=populated)) == [1, 3, 5]


def test_the_client_finds_one_device_by_name_with_the_query_language(
    c8y: CumulocityApi, new_device: Callable[[], Device]
) -> None:
    wanted = new_device()
    new_device()
    found = list(c8y.inventory.select(query=f"$filter=(name eq '{wanted.name}')"))
    assert [str(mo.id) for mo in found] == [str(wanted.id)]
    devices = list(c8y.device_inventory.select(name="python-client-device-*", order_by="name desc"))
    assert [d.name for d in devices][:2] == ["python-client-device-1", "python-client-device-0"]


def test_the_client_resolves_an_external_id_until_its_device_is_deleted(
    c8y: CumulocityApi, new_device: Callable[[], Device]
) -> None:
    device = new_device()
    c8y.identity.create("py-serial-1", "c8y_Serial", device.id)
    assert str(c8y.identity.get_id("py-serial-1", "c8y_Serial")) == str(device.id)
    assert [e.external_id for e in c8y.identity.get_all(device.id)] == ["py-serial-1"]
    c8y.identity.delete("py-serial-1", "c8y_Serial")
    with pytest.raises(KeyError):
        c8y.identity.get_id("py-serial-1", "c8y_Serial")
