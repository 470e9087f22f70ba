"""The measurement store against a brute-force model: filters, order, paging, deletes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockserver.errors import NotFound, ValidationError
from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementFilter, MeasurementStore, SeriesQuery
from mockserver.paging import PageRequest
from mockserver.timeutil import parse_body_instant

BASE = datetime(2024, 3, 1, 12, tzinfo=UTC)
SOURCE_IDS = ("1", "2", "3", "4")


def new_store() -> MeasurementStore:
    inventory = InventoryStore()
    for _ in SOURCE_IDS:
        inventory.create({"c8y_IsDevice": {}}, owner="admin")
    return MeasurementStore(inventory)


offsets = st.sampled_from([0, 60, -150, 330, 14 * 60 - 1]).map(lambda m: timezone(timedelta(minutes=m)))
# Few distinct instants so that ties (same instant, different text) are common.
instants = st.builds(
    lambda minute, micros: BASE + timedelta(minutes=minute, microseconds=micros),
    st.integers(0, 12),
    st.sampled_from([0, 0, 0, 1, 999, 1000]),
)


def render(instant: datetime, tz: timezone) -> str:
    return instant.astimezone(tz).isoformat()


fragments = st.fixed_dictionaries(
    {},
    optional={
        "c8y_T": st.builds(lambda v: {"T": {"value": v, "unit": "C"}}, st.integers(-5, 5)),
        "c8y_H": st.builds(lambda v: {"H": {"value": v}, "T": {"value": v / 2}}, st.floats(0, 100)),
        "note": st.sampled_from(["x", {"T": 1}]),
    },
)
documents = st.builds(
    lambda instant, tz, source, as_int, type_, frags: {
        "time": render(instant, tz),
        "type": type_,
        "source": {"id": int(source) if as_int else source},
        **frags,
    },
    instants,
    offsets,
    # Source 1 is heavy, so a filter on the others can take the "gather few rows" path.
    st.sampled_from(["1", "1", "1", "1", "2", "3", "4"]),
    st.booleans(),
    st.sampled_from(["A", "B"]),
    fragments,
)
bounds = st.none() | st.builds(render, instants, offsets)
filters = st.builds(
    MeasurementFilter.from_query,
    source=st.none() | st.frozensets(st.sampled_from([*SOURCE_IDS, "404"]), min_size=1, max_size=3),
    type=st.none() | st.sampled_from(["A", "B", "C"]),
    date_from=bounds,
    date_to=bounds,
    fragment_type=st.none() | st.sampled_from(["c8y_T", "c8y_H", "note", "zzz"]),
    value_fragment_type=st.none() | st.sampled_from(["c8y_T", "c8y_H", "note"]),
    value_fragment_series=st.none() | st.sampled_from(["T", "H", "zzz"]),
)


def series_members(value: Any) -> set[str]:
    if not isinstance(value, dict):
        return set()
    return {name for name, member in value.items() if isinstance(member, dict)}


def reference_matches(doc: dict[str, Any], f: MeasurementFilter) -> bool:
    """A straightforward reading of the filter rules over one stored document."""
    instant = parse_body_instant(doc["time"], "time")
    frags = {k: v for k, v in doc.items() if k not in ("id", "time", "type", "source")}
    if f.sources is not None and doc["source"]["id"] not in f.sources:
        return False
    if f.type is not None and doc["type"] != f.type:
        return False
    if f.date_from is not None and instant < f.date_from:
        return False
    if f.date_to is not None and instant >= f.date_to:
        return False
    if f.fragment_type is not None and f.fragment_type not in frags:
        return False
    if f.value_fragment_type is not None and not series_members(frags.get(f.value_fragment_type)):
        return False
    if f.value_fragment_series is not None:
        scope = [frags.get(f.value_fragment_type)] if f.value_fragment_type else list(frags.values())
        if not any(f.value_fragment_series in series_members(v) for v in scope):
            return False
    return True


def reference_select(docs: list[dict[str, Any]], f: MeasurementFilter, revert: bool) -> list[str]:
    found = [d for d in docs if reference_matches(d, f)]
    found.sort(key=lambda d: (parse_body_instant(d["time"], "time"), int(d["id"])), reverse=revert)
    return [d["id"] for d in found]


@given(st.lists(documents, max_size=40), filters, st.booleans())
def test_select_equals_a_brute_force_filter_in_instant_then_id_order(
    docs: list[dict[str, Any]], f: MeasurementFilter, revert: bool
) -> None:
    store = new_store()
    created = store.create_many(docs)
    selected = store.select(f, revert=revert)
    assert [d["id"] for d in selected] == reference_select(created, f, revert)
    assert store.count(f) == len(selected)
    assert all(d == store.get(d["id"]) for d in selected)


@given(st.lists(documents, max_size=40), filters, st.booleans(), st.integers(1, 7))
def test_every_item_appears_on_exactly_one_page(
    docs: list[dict[str, Any]], f: MeasurementFilter, revert: bool, page_size: int
) -> None:
    store = new_store()
    for doc in docs:  # one at a time: exercises the index merge on every read in between
        store.create(doc)
        store.count(MeasurementFilter())
    expected = [d["id"] for d in store.select(f, revert=revert)]
    seen: list[str] = []
    page_number = 1
    while True:
        items, total = store.page(f, revert, PageRequest(page_size=page_size, current_page=page_number))
        assert total == len(expected)
        assert len(items) <= page_size
        if not items:
            break
        seen.extend(d["id"] for d in items)
        page_number += 1
    assert seen == expected
    assert page_number == -(-len(expected) // page_size) + 1


deletable = filters.filter(lambda f: not f.is_unbounded_for_delete())


@pytest.mark.parametrize("bulk_threshold", [0, 10_000], ids=["index-rebuild", "one-by-one"])
@given(docs=st.lists(documents, max_size=40), f=deletable)
def test_delete_matching_removes_exactly_the_matching_set(
    bulk_threshold: int, docs: list[dict[str, Any]], f: MeasurementFilter
) -> None:
    store = new_store()
    created = store.create_many(docs)
    doomed = set(reference_select(created, f, False))
    with mock.patch("mockserver.measurements.store.BULK_DELETE", bulk_threshold):
        assert store.delete_matching(f) == len(doomed)
    survivors = [d for d in created if d["id"] not in doomed]
    everything = MeasurementFilter()
    assert [d["id"] for d in store.select(everything)] == reference_select(survivors, everything, False)
    assert len(store) == len(survivors)
    for source in SOURCE_IDS:
        per_source = MeasurementFilter(sources=frozenset({source}))
        assert [d["id"] for d in store.select(per_source, revert=True)] == reference_select(
            survivors, per_source, True
        )
    for gone in doomed:
        with pytest.raises(NotFound):
            store.get(gone)


def test_delete_without_source_or_dates_is_422_and_deletes_nothing() -> None:
    store = new_store()
    store.create({"time": "2024-01-01", "type": "A", "source": {"id": "1"}})
    with pytest.raises(ValidationError, match="source, dateFrom, dateTo"):
        store.delete_matching(MeasurementFilter(type="A", fragment_type="x"))
    assert len(store) == 1


def test_unknown_source_is_422_naming_source_id_and_bulk_stores_nothing() -> None:
    store = new_store()
    with pytest.raises(ValidationError) as raised:
        store.create({"time": "2024-01-01", "type": "A", "source": {"id": "999"}})
    assert "source.id" in raised.value.message
    good = {"time": "2024-01-01", "type": "A", "source": {"id": "1"}}
    with pytest.raises(ValidationError) as raised:
        store.create_many([good, {**good, "source": {"id": "999"}}])
    assert "measurements[1].source.id" in raised.value.message
    with pytest.raises(ValidationError, match=r"measurements\[2\]\.c8y_T\.T\.unit"):
        store.create_many([good, good, {**good, "c8y_T": {"T": {"value": 1, "unit": ""}}}])
    assert len(store) == 0
    assert store.select(MeasurementFilter()) == []


def test_get_and_delete_of_unknown_ids_are_404_naming_the_id() -> None:
    store = new_store()
    m = store.create({"time": "2024-01-01", "type": "A", "source": {"id": "1"}})
    store.delete(m["id"])
    for bad in (m["id"], "abc", "0", "-1"):
        with pytest.raises(NotFound) as raised:
            store.get(bad)
        assert raised.value.error_code == "measurement/Not Found"
        assert repr(bad) in raised.value.message
        with pytest.raises(NotFound):
            store.delete(bad)


def test_created_measurements_keep_time_as_sent_and_get_fresh_digit_ids() -> None:
    store = new_store()
    first = store.create({"time": "2024-01-01T01:00:00+01:00", "type": "A", "source": {"id": 2}, "x": [1]})
    assert first == {
        "id": first["id"],
        "time": "2024-01-01T01:00:00+01:00",
        "type": "A",
        "source": {"id": "2"},
        "x": [1],
    }
    first["x"].append(2)
    assert store.get(first["id"])["x"] == [1]
    store.clear()
    assert len(store) == 0
    second = store.create({"time": "2024-01-01", "type": "A", "source": {"id": "1"}})
    assert int(second["id"]) > int(first["id"])
    with pytest.raises(NotFound):
        store.get(first["id"])


def test_every_create_and_delete_passes_the_publish_point() -> None:
    store = new_store()
    events: list[tuple[str, str]] = []
    store.subscribe(lambda action, doc, mode: events.append((action, doc["id"])))
    one = store.create({"time": "2024-01-01", "type": "A", "source": {"id": "1"}})
    two, three = store.create_many(
        [{"time": f"2024-01-0{d}", "type": "A", "source": {"id": "2"}} for d in (2, 3)]
    )
    store.delete(one["id"])
    store.delete_matching(MeasurementFilter(sources=frozenset({"2"})))
    assert events == [
        ("create", one["id"]),
        ("create", two["id"]),
        ("create", three["id"]),
        ("delete", one["id"]),
        ("delete", two["id"]),
        ("delete", three["id"]),
    ]


@pytest.mark.parametrize("revert", [False, True])
def test_many_sources_take_the_merge_gather_and_scan_paths_alike(revert: bool) -> None:
    inventory = InventoryStore()
    ids = [inventory.create({}, owner="admin")["id"] for _ in range(30)]
    store = MeasurementStore(inventory)
    store.create_many(
        [
            {
                "time": render(BASE + timedelta(seconds=i * 7 % 300), UTC),
                "type": "AB"[i % 2],
                "source": {"id": ids[i % 30]},
            }
            for i in range(300)
        ]
    )
    created = list(store.select(MeasurementFilter()))
    # No row filter: lazy merge. With a type filter: 3 of 30 sources gathered, 25 scanned.
    for chosen in (ids[:3], ids[:25]):
        for type_ in (None, "A"):
            f = MeasurementFilter(sources=frozenset(chosen), type=type_)
            expected = reference_select(created, f, revert)
            assert expected
            for page in (1, 2, 40):
                items, total = store.page(f, revert, PageRequest(page_size=7, current_page=page))
                assert total == len(expected)
                assert [d["id"] for d in items] == expected[(page - 1) * 7 : page * 7]


@pytest.mark.parametrize("revert", [False, True])
def test_a_page_far_past_the_end_is_empty_on_every_query_path(revert: bool) -> None:
    inventory = InventoryStore()
    ids = [inventory.create({}, owner="admin")["id"] for _ in range(3)]
    store = MeasurementStore(inventory)
    store.create_many(
        [
            {
                "time": render(BASE + timedelta(seconds=i), UTC),
                "type": "AB"[i % 2],
                "source": {"id": ids[i % 3]},
            }
            for i in range(30)
        ]
    )
    far = PageRequest(page_size=5, current_page=10**25)  # an offset beyond sys.maxsize
    filters = {
        "slice": MeasurementFilter(),
        "scan": MeasurementFilter(type="A"),
        "one source, scan": MeasurementFilter(sources=frozenset(ids[:1]), type="A"),
        "merge": MeasurementFilter(sources=frozenset(ids[:2])),
        "several sources, scan": MeasurementFilter(sources=frozenset(ids[:2]), type="A"),
    }
    for name, f in filters.items():
        items, total = store.page(f, revert, far)
        assert (items, total) == ([], len(store.select(f))), name


class StoreVersusModel(RuleBasedStateMachine):
    """Creates, deletes and range deletes in any order keep the store equal to a list of dicts."""

    def __init__(self) -> None:
        super().__init__()
        self.store = new_store()
        self.model: list[dict[str, Any]] = []

    @rule(doc=documents)
    def create(self, doc: dict[str, Any]) -> None:
        self.model.append(self.store.create(doc))

    @rule(docs=st.lists(documents, max_size=5))
    def create_many(self, docs: list[dict[str, Any]]) -> None:
        self.model.extend(self.store.create_many(docs))

    @rule(pick=st.integers(0, 1000))
    def delete_one(self, pick: int) -> None:
        if self.model:
            doc = self.model.pop(pick % len(self.model))
            self.store.delete(doc["id"])

    @rule(f=deletable)
    def delete_matching(self, f: MeasurementFilter) -> None:
        doomed = set(reference_select(self.model, f, False))
        assert self.store.delete_matching(f) == len(doomed)
        self.model = [d for d in self.model if d["id"] not in doomed]

    @rule(f=filters, revert=st.booleans(), size=st.integers(1, 4), page=st.integers(1, 4))
    def page_matches_model(self, f: MeasurementFilter, revert: bool, size: int, page: int) -> None:
        expected = reference_select(self.model, f, revert)
        items, total = self.store.page(f, revert, PageRequest(page_size=size, current_page=page))
        assert total == len(expected)
        assert [d["id"] for d in items] == expected[(page - 1) * size : page * size]

    @invariant()
    def same_size(self) -> None:
        assert len(self.store) == len(self.model)


TestStoreVersusModel = StoreVersusModel.TestCase


@pytest.mark.parametrize(
    ("mode", "stored", "announced"),
    [("PERSISTENT", True, True), ("QUIESCENT", True, True), ("TRANSIENT", False, True), ("CEP", False, True)],
)
def test_processing_modes_decide_what_is_stored_and_every_write_is_announced_with_its_mode(
    mode: str, stored: bool, announced: bool
) -> None:
    store = new_store()
    events: list[tuple[str, str, str]] = []
    store.subscribe(lambda action, doc, m: events.append((action, doc["id"], m)))
    doc = {"time": "2024-01-01T00:00:00Z", "type": "A", "source": {"id": "1"}, "c8y_T": {"T": {"value": 1}}}
    created = store.create(doc, mode)  # type: ignore[arg-type]
    (bulk,) = store.create_many([doc], mode)  # type: ignore[arg-type]
    assert created["id"] != bulk["id"]
    assert len(store) == (2 if stored else 0)
    assert events == [("create", created["id"], mode), ("create", bulk["id"], mode)]
    if not stored:
        with pytest.raises(NotFound):
            store.get(created["id"])
        assert (
            store.series(SeriesQuery.parse(source="1", date_from="2000-01-01", date_to="2100-01-01"))[
                "series"
            ]
            == []
        )
        return
    kept = store.create(doc)
    store.delete(created["id"], "TRANSIENT")  # type: ignore[arg-type]
    store.delete_matching(MeasurementFilter.from_query(source="1"), "CEP")  # type: ignore[arg-type]
    assert len(store) == 3
    store.delete(created["id"], mode)  # type: ignore[arg-type]
    assert len(store) == 2
    assert store.delete_matching(MeasurementFilter.from_query(source="1"), mode) == 2  # type: ignore[arg-type]
    assert len(store) == 0
    assert ("delete", kept["id"], "CEP") in events
