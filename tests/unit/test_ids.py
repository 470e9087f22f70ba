"""Which strings can name a resource the server created, and the id factory every store uses."""

from __future__ import annotations

import pytest

from mockserver.ids import IdFactory, is_server_id
from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementStore


@pytest.mark.parametrize("value", ["0", "7", "123456789012345678901234567890"])
def test_ascii_digit_strings_are_ids(value: str) -> None:
    assert is_server_id(value)


@pytest.mark.parametrize(
    "value",
    ["", "\u00b2", "\uff11\uff12", "\u0661", "-1", "1.0", " 1", "1a", 12, None, b"12", "9" * 1001],
    ids=[
        "empty",
        "superscript",
        "fullwidth",
        "arabic-indic",
        "negative",
        "decimal",
        "space",
        "letter",
        "int",
        "none",
        "bytes",
        "1001-digits",
    ],
)
def test_everything_else_is_not_an_id(value: object) -> None:
    assert not is_server_id(value)


def test_a_factory_counts_up_past_observed_ids_and_never_back() -> None:
    factory = IdFactory()
    assert factory.next_server_id() == "1"
    factory.observe("41")
    factory.observe("7")
    assert factory.upcoming == 42
    assert [factory.next_server_id(), factory.next_number()] == ["42", 43]


def test_a_uuid_factory_has_no_counter() -> None:
    factory = IdFactory("uuid")
    factory.observe("12")
    assert factory.next() != factory.next()
    with pytest.raises(TypeError, match="does not count"):
        factory.next_number()


def test_store_ids_keep_counting_across_a_clear() -> None:
    inventory = InventoryStore()
    measurements = MeasurementStore(inventory)
    source = inventory.create({"name": "s"}, owner="admin")["id"]
    doc = {
        "time": "2024-01-01T00:00:00.000Z",
        "type": "t",
        "source": {"id": source},
        "c": {"v": {"value": 2}},
    }

    first = measurements.create(doc)["id"]
    measurements.clear()
    second = measurements.create(doc)["id"]
    assert (first, second) == ("1", "2")
    assert measurements.get(second)["id"] == "2"
    inventory.clear()
    assert inventory.create({}, owner="admin")["id"] == "2"
