"""Measurement answers spliced from stored JSON equal the answers built from decoded documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.http.links import measurement_json, measurement_page_json, present_measurement
from mockserver.inventory import InventoryStore
from mockserver.jsoncodec import dumps
from mockserver.measurements import MeasurementFilter, MeasurementStore
from mockserver.paging import PageRequest, page_links, statistics

BASE = "http://127.0.0.1:8080"

# Fragment content: anything JSON, including values only the standard library encodes.
content = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
fragment_names = st.text(alphabet="abcXYZ_éü", min_size=1, max_size=6)
series = st.fixed_dictionaries(
    {"value": st.floats(-1e6, 1e6) | st.integers(-(10**20), 10**20)},
    optional={"unit": st.text(min_size=1, max_size=3)},
)
fragments = st.dictionaries(
    fragment_names,
    st.dictionaries(fragment_names, series, max_size=2) | st.lists(content, max_size=2) | st.text(),
    max_size=3,
)
source_ids = st.sampled_from(["1", "42", "100000000000000000000"])  # managed object ids: digits


def new_store(sources: list[str]) -> MeasurementStore:
    inventory = InventoryStore()
    for source in sources:
        inventory.create({"name": source}, owner="admin", preset_id=source)
    return MeasurementStore(inventory)


def document(source: str, extra: dict[str, Any], second: int) -> dict[str, Any]:
    return {"time": f"2024-01-01T00:00:{second:02d}Z", "type": "t", "source": {"id": source}, **extra}


@given(st.lists(st.tuples(source_ids, fragments), min_size=1, max_size=6))
def test_a_spliced_measurement_parses_to_the_presented_document(
    items: list[tuple[str, dict[str, Any]]],
) -> None:
    store = new_store(sorted({source for source, _ in items}))
    for second, (source, extra) in enumerate(items):
        created = store.create(document(source, extra, second))
        spliced = measurement_json(store.get_stored(created["id"]), BASE)
        presented = present_measurement(store.get(created["id"]), BASE)
        assert json.loads(spliced) == json.loads(dumps(presented))
        assert list(json.loads(spliced)) == list(presented)  # members in the same order


def test_without_fallback_values_the_bytes_are_those_of_the_encoded_document() -> None:
    store = new_store(["7"])
    created = store.create(document("7", {"c8y_T": {"T": {"value": 1.5, "unit": "C"}}, "note": "é"}, 1))
    presented = present_measurement(store.get(created["id"]), BASE)
    assert measurement_json(store.get_stored(created["id"]), BASE) == dumps(presented)
    assert presented["self"] == f"{BASE}/measurement/measurements/{created['id']}"
    assert presented["source"] == {"id": "7", "self": f"{BASE}/inventory/managedObjects/7"}


@pytest.mark.parametrize("revert", [False, True])
def test_a_spliced_page_equals_the_page_built_from_documents(revert: bool) -> None:
    store = new_store(["1", "2"])
    for second in range(9):
        store.create(
            document(str(1 + second % 2), {"big": 2**70, "lone": "\udfff"} if second == 4 else {}, second)
        )
    page = PageRequest(page_size=4, current_page=2, with_total_pages=True)
    query = [("pageSize", "4"), ("currentPage", "2"), ("withTotalPages", "true")]
    collection = f"{BASE}/measurement/measurements"
    f = MeasurementFilter()
    stored, total = store.page_stored(f, revert, page)
    docs, same_total = store.page(f, revert, page)
    spliced = measurement_page_json(
        stored, total, page, base_url=BASE, collection_url=collection, query=query
    )
    expected = {
        "measurements": [present_measurement(d, BASE) for d in docs],
        "statistics": statistics(page, same_total),
        **page_links(collection, query, page),
    }
    assert json.loads(spliced) == expected
    assert [m["id"] for m in json.loads(spliced)["measurements"]] == [m["id"] for m in docs]
