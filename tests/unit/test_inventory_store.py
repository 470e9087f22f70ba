"""The inventory store: server-set fields, merge updates, delete guards and filters."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.inventory import InventoryFilter, InventoryStore
from mockserver.timeutil import parse_body_instant


def test_create_assigns_digit_ids_owner_and_timestamps_and_ignores_client_server_fields() -> None:
    store = InventoryStore()
    first = store.create(
        {"name": "Pump", "type": "c8y_Pump", "id": "999", "owner": "eve", "c8y_IsDevice": {}}, owner="admin"
    )
    second = store.create({}, owner="bob")
    assert first["id"].isdigit()
    assert second["id"].isdigit()
    assert int(second["id"]) > int(first["id"])
    assert first["owner"] == "admin"
    assert second["owner"] == "bob"
    assert first["name"] == "Pump"
    assert first["c8y_IsDevice"] == {}
    assert first["creationTime"] == first["lastUpdated"]
    parse_body_instant(first["creationTime"], "creationTime")
    assert "self" not in first
    assert store.get(first["id"]) == first


@pytest.mark.parametrize("field", ["name", "type"])
@pytest.mark.parametrize("value", [5, ["x"], {"a": 1}, True])
def test_non_string_name_or_type_is_422_naming_the_field(field: str, value: object) -> None:
    store = InventoryStore()
    with pytest.raises(ValidationError) as raised:
        store.create({field: value}, owner="admin")
    assert field in raised.value.message
    assert raised.value.resource == "inventory"
    assert len(store) == 0


def test_returned_documents_are_copies() -> None:
    store = InventoryStore()
    mo = store.create({"c8y_Config": {"a": [1]}}, owner="admin")
    mo["c8y_Config"]["a"].append(2)
    store.get(mo["id"])["c8y_Config"]["a"].append(3)
    assert store.get(mo["id"])["c8y_Config"] == {"a": [1]}


def test_update_merges_top_level_fragments_and_null_removes_one() -> None:
    store = InventoryStore()
    mo = store.create({"name": "a", "keep": 1, "drop": {"x": 1}, "swap": {"old": 1}}, owner="admin")
    updated = store.update(
        mo["id"],
        {"drop": None, "swap": {"new": 2}, "added": [1], "id": "5", "owner": "eve", "creationTime": "x"},
    )
    assert updated["keep"] == 1
    assert "drop" not in updated
    assert updated["swap"] == {"new": 2}
    assert updated["added"] == [1]
    assert (updated["id"], updated["owner"], updated["creationTime"]) == (
        mo["id"],
        "admin",
        mo["creationTime"],
    )
    assert parse_body_instant(updated["lastUpdated"], "lastUpdated") >= parse_body_instant(
        mo["lastUpdated"], "x"
    )
    assert store.get(mo["id"]) == updated


def test_unknown_ids_are_404_inventory_not_found_naming_the_id() -> None:
    store = InventoryStore()
    for call in (lambda: store.get("42"), lambda: store.update("42", {}), lambda: store.delete("42")):
        with pytest.raises(NotFound) as raised:
            call()
        assert raised.value.error_code == "inventory/Not Found"
        assert "'42'" in raised.value.message
    assert not store.exists("42")


def test_delete_guard_refuses_with_409_and_keeps_the_object() -> None:
    store = InventoryStore()
    kept = store.create({}, owner="admin")
    free = store.create({}, owner="admin")
    store.add_delete_guard(lambda id: "Asset instance 7 refers to it." if id == kept["id"] else None)
    with pytest.raises(Conflict) as raised:
        store.delete(kept["id"])
    assert raised.value.message == "Asset instance 7 refers to it."
    assert store.exists(kept["id"])
    store.delete(free["id"])
    assert not store.exists(free["id"])
    with pytest.raises(NotFound):
        store.get(free["id"])


def test_ids_are_never_reused_even_after_clear() -> None:
    store = InventoryStore()
    first = store.create({}, owner="admin")
    store.delete(first["id"])
    store.clear()
    assert int(store.create({}, owner="admin")["id"]) > int(first["id"])


def test_preset_ids_are_kept_and_later_ids_continue_above() -> None:
    store = InventoryStore()
    assert store.create({}, owner="admin", preset_id="500")["id"] == "500"
    assert store.create({}, owner="admin")["id"] == "501"
    with pytest.raises(Conflict):
        store.create({}, owner="admin", preset_id="500")


def test_ids_filter_parses_comma_separated_values() -> None:
    assert InventoryFilter.parse_ids(" 1,2 ,,3") == frozenset({"1", "2", "3"})
    assert InventoryFilter.parse_ids(None) is None


words = st.sampled_from(["pump", "Pump", "valve", "tank", ""])
objects = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.builds(lambda a, b: f"{a} {b}".strip(), words, words),
            "type": st.sampled_from(["c8y_Pump", "c8y_Valve"]),
            "c8y_IsDevice": st.just({}),
            "c8y_Hardware": st.just({"model": "x"}),
        },
    ),
    max_size=12,
)
filters = st.builds(
    InventoryFilter,
    type=st.none() | st.sampled_from(["c8y_Pump", "c8y_Valve", "other"]),
    fragment_type=st.none() | st.sampled_from(["c8y_IsDevice", "c8y_Hardware", "name"]),
    ids=st.none() | st.frozensets(st.integers(1, 15).map(str), max_size=5),
    owner=st.none() | st.sampled_from(["admin", "bob"]),
    text=st.none() | st.sampled_from(["pump", "Pump", "p", "valve tank", "", "x", "c8y_Pump", "bob", "3"]),
)


def strings_in(value: Any) -> list[str]:
    """Every string value of a JSON document, at any depth (keys excluded)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def reference_select(mos: list[dict[str, Any]], f: InventoryFilter) -> list[str]:
    def keep(mo: dict[str, Any]) -> bool:
        return (
            (f.type is None or mo.get("type") == f.type)
            and (f.fragment_type is None or f.fragment_type in mo)
            and (f.ids is None or mo["id"] in f.ids)
            and (f.owner is None or mo["owner"] == f.owner)
            and (f.text is None or f.text in strings_in(mo))
        )

    return sorted((mo["id"] for mo in mos if keep(mo)), key=int)


@given(objects, st.lists(st.sampled_from(["admin", "bob"]), min_size=12, max_size=12), filters)
def test_select_equals_a_brute_force_filter_ordered_by_numeric_id(
    docs: list[dict[str, Any]], owners: list[str], f: InventoryFilter
) -> None:
    store = InventoryStore()
    created = [store.create(doc, owner=owner) for doc, owner in zip(docs, owners, strict=False)]
    assert [mo["id"] for mo in store.select(f)] == reference_select(created, f)
