"""Alarm answers spliced from stored JSON equal the answers built by encoding the document."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mockserver.alarms import AlarmFilter, AlarmStore
from mockserver.http.alarm_answers import alarm_json, alarm_page_json
from mockserver.inventory import InventoryStore
from mockserver.paging import PageRequest

BASE = "http://127.0.0.1:8080"

content = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
fragments = st.dictionaries(
    st.text(alphabet="abcXYZ_éü", min_size=1, max_size=6).map(lambda s: "x" + s),
    content.filter(lambda v: v is not None),
    max_size=3,
)


def expected(doc: dict[str, Any]) -> dict[str, Any]:
    source = doc["source"]["id"]
    answer = {
        "id": doc["id"],
        "self": f"{BASE}/alarm/alarms/{doc['id']}",
        "source": {"id": source, "self": f"{BASE}/inventory/managedObjects/{source}"},
    }
    answer.update((k, v) for k, v in doc.items() if k not in answer)
    return answer


@given(extra=fragments, text=st.text(min_size=1, max_size=8))
def test_a_spliced_alarm_is_the_encoded_document(extra: dict[str, Any], text: str) -> None:
    inventory = InventoryStore()
    source = inventory.create({"name": "d"}, owner="a")["id"]
    store = AlarmStore(inventory)
    stored, _ = store.create(
        {
            "source": {"id": source},
            "type": "t",
            "text": text,
            "severity": "MINOR",
            "time": "2024-01-01T00:00:00Z",
            **extra,
        }
    )
    spliced = json.loads(alarm_json(stored, BASE))
    assert spliced == expected(store.document(str(stored.id)))
    assert list(spliced)[:3] == ["id", "self", "source"]


def test_a_spliced_page_has_the_alarms_statistics_and_links() -> None:
    inventory = InventoryStore()
    sources = [inventory.create({"name": "d"}, owner="a")["id"] for _ in range(2)]
    store = AlarmStore(inventory)
    for i in range(3):
        store.create(
            {
                "source": {"id": sources[i % 2]},
                "type": f"t{i}",
                "text": "x",
                "severity": "MAJOR",
                "time": f"2024-01-0{i + 1}T00:00:00Z",
            }
        )
    page = PageRequest(page_size=2, current_page=1, with_total_elements=True)
    items, total = store.page(AlarmFilter(), page)
    body = json.loads(
        alarm_page_json(
            items, total, page, base_url=BASE, collection_url=f"{BASE}/alarm/alarms", query=[("type", "x")]
        )
    )
    assert [a["id"] for a in body["alarms"]] == ["3", "2"]
    assert body["alarms"] == [expected(store.document(a["id"])) for a in body["alarms"]]
    assert body["statistics"] == {"currentPage": 1, "pageSize": 2, "totalElements": 3}
    assert body["next"] == f"{BASE}/alarm/alarms?type=x&pageSize=2&currentPage=2"
