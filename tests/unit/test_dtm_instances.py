"""Asset instance rules as pure code: type matrix, defaults, managed objects, hierarchy, computed values."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.dtm.store import DtmStore
from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.inventory.store import InventoryStore
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.index import SeriesRun
from mockserver.measurements.rows import StoredMeasurements
from mockserver.paging import PageRequest
from mockserver.timeutil import to_epoch_us


@dataclass
class FakeMeasurements:
    """Just enough of the measurement store for roll-ups: select by the filter's fields."""

    docs: list[dict[str, Any]] = field(default_factory=list)
    listeners: list[Callable[[str, dict[str, Any]], None]] = field(default_factory=list)

    def add(self, doc: dict[str, Any]) -> None:
        self.docs.append(doc)
        for listener in self.listeners:
            listener("create", doc)

    def subscribe(self, listener: Callable[[str, dict[str, Any]], None]) -> None:
        self.listeners.append(listener)

    def series_runs(self, sources: Iterable[str], fragment: str, series: str) -> list[SeriesRun]:
        runs = []
        for source in sources:
            points = sorted(
                (to_epoch_us(m["time"]), row, m[fragment][series]["value"])
                for row, m in enumerate(self.docs)
                if m["source"]["id"] == source and series in m.get(fragment, {})
            )
            if points:
                times, rows, values = zip(*points, strict=True)
                runs.append(SeriesRun(array("q", times), array("q", rows), array("d", values)))
        return runs

    def select(self, f: MeasurementFilter, *, revert: bool = False) -> Sequence[dict[str, Any]]:
        found = [
            m
            for m in self.docs
            if (f.sources is None or m["source"]["id"] in f.sources)
            and (f.value_fragment_type is None or f.value_fragment_type in m)
            and (
                f.value_fragment_series is None or f.value_fragment_series in m.get(f.value_fragment_type, {})
            )
            and (f.date_from is None or m["time"] >= f.date_from)
        ]
        return sorted(found, key=lambda m: m["time"], reverse=revert)

    def page_stored(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[StoredMeasurements, int]:
        found = list(self.select(f, revert=revert))
        page = found[request.offset : request.offset + request.page_size]
        stored = StoredMeasurements(
            ids=[self.docs.index(m) + 1 for m in page],
            source_ids=[m["source"]["id"] for m in page],
            bodies=[b'{"type":"t"}' for _ in page],
        )
        return stored, len(found)

    def series(self, q: Any) -> dict[str, Any]:
        return {"sources": sorted(q.sources)}


PUMP_PROPERTIES = [
    {"key": "serial", "type": "TEXT", "required": True},
    {"key": "power", "type": "NUMBER", "default": 5.5},
    {"key": "running", "type": "BOOLEAN"},
    {"key": "installed", "type": "DATE"},
    {"key": "status", "type": "ENUM", "values": ["ok", "fault"], "default": "ok"},
]


@pytest.fixture
def inventory() -> InventoryStore:
    return InventoryStore()


@pytest.fixture
def measurements() -> FakeMeasurements:
    return FakeMeasurements()


@pytest.fixture
def store(inventory: InventoryStore, measurements: FakeMeasurements) -> DtmStore:
    return DtmStore(inventory, measurements)


@pytest.fixture
def models(store: DtmStore) -> dict[str, str]:
    site = store.create_model({"name": "Site"})["id"]
    pump = store.create_model(
        {
            "name": "Pump",
            "properties": [*PUMP_PROPERTIES, {"key": "site", "type": "REFERENCE", "target": site}],
            "smartFunctions": [
                {"name": "half", "expression": "power / 2"},
                {"name": "broken", "expression": "power / 0"},
                {"name": "load", "expression": 'latest("c8y_P.P")'},
                {"name": "total", "expression": 'sum("c8y_P.P")'},
                {"name": "recent", "expression": 'count("c8y_P.P", "1h")'},
            ],
        }
    )["id"]
    booster = store.create_model({"name": "Booster", "extends": pump})["id"]
    big_site = store.create_model({"name": "BigSite", "extends": site})["id"]
    store.update_model(site, {"allowedSubtypes": [pump, site]})
    return {"site": site, "pump": pump, "booster": booster, "bigSite": big_site}


def invalid_fields(store: DtmStore, body: dict[str, Any], instance_id: str | None = None) -> list[str | None]:
    def call() -> object:
        return (
            store.create_instance(body) if instance_id is None else store.update_instance(instance_id, body)
        )

    with pytest.raises(ValidationError) as info:
        call()
    return [d.get("field") for d in info.value.details]


VALID = {"TEXT": "x", "NUMBER": 1.5, "BOOLEAN": False, "DATE": "2024-02-29T10:00:00+01:00", "ENUM": "fault"}
INVALID = {
    "TEXT": [5, True, "x" * 10_001, ["a"]],
    "NUMBER": ["5", True, {"v": 1}],
    "BOOLEAN": ["true", 1, 0],
    "DATE": [
        "2023-02-29",
        "2024-13-01",
        "2024-01-01T10:00:00",
        "01/02/2024",
        20240101,
        "2024-01-01T25:00:00Z",
    ],
    "ENUM": ["OK", "", 1],
}
KEY_OF = {"TEXT": "serial", "NUMBER": "power", "BOOLEAN": "running", "DATE": "installed", "ENUM": "status"}


@pytest.mark.parametrize(
    ("kind", "value"), [(k, v) for k, values in INVALID.items() for v in values], ids=lambda v: repr(v)[:20]
)
def test_values_outside_the_type_matrix_are_422_naming_the_key(
    store: DtmStore, models: dict[str, str], kind: str, value: Any
) -> None:
    properties = {"serial": "s", KEY_OF[kind]: value}
    assert invalid_fields(store, {"modelId": models["pump"], "name": "p", "properties": properties}) == [
        f"properties.{KEY_OF[kind]}"
    ]


def test_valid_values_defaults_and_nulls(store: DtmStore, models: dict[str, str]) -> None:
    body = {
        "modelId": models["pump"],
        "name": "p",
        "properties": {**{KEY_OF[k]: v for k, v in VALID.items()}, "serial": "s", "power": None},
    }
    created = store.create_instance(body)
    assert created["properties"] == {
        "serial": "s",
        "power": 5.5,
        "running": False,
        "installed": "2024-02-29T10:00:00+01:00",
        "status": "fault",
    }
    assert list(created["properties"]) == ["serial", "power", "running", "installed", "status"]


def test_required_unknown_and_missing_model_are_named(store: DtmStore, models: dict[str, str]) -> None:
    assert invalid_fields(store, {"modelId": models["pump"], "name": "p"}) == ["properties.serial"]
    assert invalid_fields(
        store, {"modelId": models["pump"], "name": "p", "properties": {"serial": "s", "x": 1}}
    ) == ["properties.x"]
    assert invalid_fields(store, {"modelId": "404", "name": "p"}) == ["modelId"]
    assert invalid_fields(store, {"modelId": models["site"], "name": ""}) == ["name"]
    assert invalid_fields(store, {"modelId": models["site"], "name": "a", "owner": "me"}) == ["owner"]


def test_references_must_name_an_instance_of_the_target_or_a_submodel(
    store: DtmStore, models: dict[str, str]
) -> None:
    big = store.create_instance({"modelId": models["bigSite"], "name": "b"})
    other = store.create_instance({"modelId": models["pump"], "name": "x", "properties": {"serial": "s"}})
    ok = store.create_instance(
        {"modelId": models["pump"], "name": "p", "properties": {"serial": "s", "site": big["id"]}}
    )
    assert ok["properties"]["site"] == big["id"]
    for target in (other["id"], "999", 7):
        body = {"modelId": models["pump"], "name": "p", "properties": {"serial": "s", "site": target}}
        assert invalid_fields(store, body) == ["properties.site"]


def test_a_referenced_instance_cannot_be_deleted_until_the_reference_is_gone(
    store: DtmStore, models: dict[str, str]
) -> None:
    site = store.create_instance({"modelId": models["site"], "name": "s"})
    pump = store.create_instance(
        {"modelId": models["pump"], "name": "p", "properties": {"serial": "s", "site": site["id"]}}
    )
    with pytest.raises(Conflict, match="referenced"):
        store.delete_instance(site["id"])
    store.update_instance(pump["id"], {"properties": {"serial": "s"}})
    store.delete_instance(site["id"])


def test_a_missing_managed_object_is_created_and_removed_with_the_instance(
    store: DtmStore, inventory: InventoryStore, models: dict[str, str]
) -> None:
    created = store.create_instance({"modelId": models["site"], "name": "Hall"})
    mo = inventory.get(created["managedObjectId"])
    assert (mo["name"], mo["type"], mo["c8y_IsAsset"]) == ("Hall", "c8y_DtmAsset", {})
    with pytest.raises(Conflict) as info:
        inventory.delete(created["managedObjectId"])
    assert info.value.status == 409
    store.delete_instance(created["id"])
    assert not inventory.exists(created["managedObjectId"])


def test_a_supplied_managed_object_is_linked_once_and_kept(
    store: DtmStore, inventory: InventoryStore, models: dict[str, str]
) -> None:
    device = inventory.create({"name": "device"}, owner="admin")["id"]
    first = store.create_instance({"modelId": models["site"], "name": "a", "managedObjectId": device})
    with pytest.raises(Conflict, match="already linked"):
        store.create_instance({"modelId": models["site"], "name": "b", "managedObjectId": device})
    assert invalid_fields(store, {"modelId": models["site"], "name": "c", "managedObjectId": "9999"}) == [
        "managedObjectId"
    ]
    assert invalid_fields(store, {"managedObjectId": "9999"}, first["id"]) == ["managedObjectId"]
    store.update_instance(first["id"], {"managedObjectId": device, "name": "renamed"})
    store.delete_instance(first["id"])
    assert inventory.exists(device)
    inventory.delete(device)


def test_model_id_is_immutable_and_readonly_fields_are_ignored(
    store: DtmStore, models: dict[str, str]
) -> None:
    created = store.create_instance(
        {"modelId": models["site"], "name": "a", "children": ["5"], "computed": {"x": 1}}
    )
    assert created["children"] == []
    assert invalid_fields(store, {"modelId": models["pump"]}, created["id"]) == ["modelId"]
    updated = store.update_instance(created["id"], {"id": "77", "self": "x", "description": "d"})
    assert (updated["id"], updated["description"], updated["name"]) == (created["id"], "d", "a")
    assert "description" not in store.update_instance(created["id"], {"description": None})


def test_hierarchy_parent_must_exist_and_allow_the_model_or_its_base(
    store: DtmStore, models: dict[str, str]
) -> None:
    site = store.create_instance({"modelId": models["site"], "name": "s"})["id"]
    booster = store.create_instance(
        {"modelId": models["booster"], "name": "b", "parent": site, "properties": {"serial": "s"}}
    )
    assert store.get_instance(site)["children"] == [booster["id"]]
    assert invalid_fields(store, {"modelId": models["site"], "name": "x", "parent": "999"}) == ["parent"]
    assert invalid_fields(store, {"modelId": models["site"], "name": "x", "parent": booster["id"]}) == [
        "parent"
    ]
    big = store.create_instance({"modelId": models["bigSite"], "name": "big", "parent": site})
    assert big["parent"] == site


def test_moves_keep_children_in_order_and_refuse_cycles(store: DtmStore, models: dict[str, str]) -> None:
    a = store.create_instance({"modelId": models["site"], "name": "a"})["id"]
    b = store.create_instance({"modelId": models["site"], "name": "b", "parent": a})["id"]
    c = store.create_instance({"modelId": models["site"], "name": "c", "parent": b})["id"]
    d = store.create_instance({"modelId": models["site"], "name": "d"})["id"]
    assert invalid_fields(store, {"parent": c}, a) == ["parent"]
    assert invalid_fields(store, {"parent": a}, a) == ["parent"]
    store.update_instance(c, {"parent": a})
    store.update_instance(d, {"parent": a})
    assert store.get_instance(a)["children"] == [b, c, d]
    assert store.get_instance(b)["children"] == []
    root = store.update_instance(c, {"parent": None})
    assert "parent" not in root
    assert store.get_instance(a)["children"] == [b, d]


def test_delete_with_children_needs_cascade_which_removes_the_subtree(
    store: DtmStore, inventory: InventoryStore, models: dict[str, str]
) -> None:
    a = store.create_instance({"modelId": models["site"], "name": "a"})["id"]
    b = store.create_instance({"modelId": models["site"], "name": "b", "parent": a})["id"]
    store.create_instance({"modelId": models["site"], "name": "c", "parent": b})
    with pytest.raises(Conflict, match="cascade=true"):
        store.delete_instance(a)
    store.delete_instance(b, cascade=True)
    assert store.get_instance(a)["children"] == []
    assert store.counts()["assetInstances"] == 1
    assert len(inventory) == 1
    with pytest.raises(NotFound):
        store.get_instance(b)


def test_listing_filters_by_model_with_submodels_parent_and_name(
    store: DtmStore, models: dict[str, str]
) -> None:
    site = store.create_instance({"modelId": models["site"], "name": "s"})["id"]
    pump = store.create_instance(
        {"modelId": models["pump"], "name": "p", "parent": site, "properties": {"serial": "1"}}
    )
    boost = store.create_instance({"modelId": models["booster"], "name": "p", "properties": {"serial": "2"}})

    def ids(**query: Any) -> list[str]:
        return [i["id"] for i in store.list_instances(**query)]

    assert ids(model=models["pump"]) == [pump["id"], boost["id"]]
    assert ids(model=models["booster"]) == [boost["id"]]
    assert ids(parent=site) == [pump["id"]]
    assert ids(name="p") == [pump["id"], boost["id"]]
    assert ids(name="p", parent=site) == [pump["id"]]
    assert ids(model="999") == []


def test_computed_values_and_errors_follow_the_model_and_the_rollup(
    store: DtmStore, measurements: FakeMeasurements, models: dict[str, str]
) -> None:
    site = store.create_instance({"modelId": models["site"], "name": "s"})
    pump = store.create_instance(
        {"modelId": models["pump"], "name": "p", "parent": site["id"], "properties": {"serial": "1"}}
    )
    assert pump["computed"] == {"half": 2.75, "broken": None, "load": None, "total": 0, "recent": 0}
    assert list(pump["computedErrors"]) == ["broken"]
    assert "Division by zero" in pump["computedErrors"]["broken"]
    child = store.create_instance({"modelId": models["pump"], "name": "c", "properties": {"serial": "2"}})
    now = datetime.now(UTC)
    for offset, value, source in ((3, 1.0, pump), (2, 2.0, pump), (0, 4.0, child)):
        measurements.add(
            {
                "source": {"id": source["managedObjectId"]},
                "time": now - timedelta(hours=offset),
                "c8y_P": {"P": {"value": value}},
            }
        )
    again = store.get_instance(pump["id"])
    assert (again["computed"]["load"], again["computed"]["total"], again["computed"]["recent"]) == (
        2.0,
        3.0,
        0,
    )
    assert invalid_fields(store, {"parent": pump["id"]}, child["id"]) == ["parent"]
    store.update_model(models["pump"], {"allowedSubtypes": [models["pump"]]})
    store.update_instance(child["id"], {"parent": pump["id"]})
    moved = store.get_instance(pump["id"])
    assert (moved["computed"]["load"], moved["computed"]["total"], moved["computed"]["recent"]) == (
        4.0,
        7.0,
        1,
    )
    assert store.rollup_scope(pump["id"]) == {pump["managedObjectId"], child["managedObjectId"]}
    page, total = store.rollup_measurements(
        pump["id"], MeasurementFilter(sources=frozenset({"x"})), False, PageRequest(page_size=2)
    )
    assert (len(page), total) == (2, 3)


# ---------------------------------------------------------------- random property maps vs a reference check
POOL: list[Any] = [
    "x",
    "",
    "2024-02-29",
    "2023-02-29",
    "2024-01-01T00:00:00Z",
    "ok",
    "fault",
    "OK",
    3,
    2.5,
    -1e10,
    True,
    False,
    None,
    [1],
    {"a": 1},
]


def reference_valid(value: Any, prop: dict[str, Any]) -> bool:
    kind = prop["type"]
    if kind == "TEXT":
        return isinstance(value, str)
    if kind == "NUMBER":
        return type(value) in (int, float)
    if kind == "BOOLEAN":
        return type(value) is bool
    if kind == "DATE":
        return value in ("2024-02-29", "2024-01-01T00:00:00Z")
    return value in prop["values"]


@given(
    st.dictionaries(
        st.sampled_from(["serial", "power", "running", "installed", "status", "other"]),
        st.sampled_from(POOL),
        max_size=6,
    )
)
def test_random_property_maps_are_accepted_exactly_when_the_reference_check_says_so(
    properties: dict[str, Any],
) -> None:
    store = DtmStore(InventoryStore())
    model = store.create_model({"name": "Pump", "properties": PUMP_PROPERTIES})["id"]
    by_key = {p["key"]: p for p in PUMP_PROPERTIES}
    present = {k: v for k, v in properties.items() if v is not None}
    expected = (
        all(k in by_key for k in present)
        and all(reference_valid(v, by_key[k]) for k, v in present.items())
        and "serial" in present
    )
    try:
        created = store.create_instance({"modelId": model, "name": "p", "properties": properties})
    except ValidationError:
        assert not expected, properties
        return
    assert expected, properties
    assert created["properties"] == {"power": 5.5, "status": "ok", **present}
