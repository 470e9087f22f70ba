"""The alarm store against a plain-list model: de-duplication, transitions, filters, paging, counts.

The state machine raises, updates, bulk-updates and deletes alarms on :class:`AlarmStore` and on
a list of dicts, and after every step compares pages, counts and each source's
``c8y_ActiveAlarmsStatus`` with what the model says.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockserver.alarms import AlarmFilter, AlarmStore
from mockserver.alarms.model import SEVERITIES, STATUSES
from mockserver.errors import NotFound, ValidationError
from mockserver.inventory.store import InventoryStore
from mockserver.paging import PageRequest

TYPES = ("t_a", "t_b")
TIMES = [f"2024-01-0{d}T00:00:00Z" for d in range(1, 6)]


def alarm(
    source: str, kind: str = "t_a", severity: str = "MAJOR", time: str = TIMES[0], **extra: Any
) -> dict[str, Any]:
    return {"source": {"id": source}, "type": kind, "text": "x", "severity": severity, "time": time, **extra}


@pytest.fixture
def world() -> tuple[InventoryStore, AlarmStore, str]:
    inventory = InventoryStore()
    source = inventory.create({"name": "d"}, owner="admin")["id"]
    return inventory, AlarmStore(inventory), source


def test_a_duplicate_of_an_open_alarm_counts_up_and_keeps_first_occurrence_text_and_severity(
    world: Any,
) -> None:
    _, store, source = world
    first, created = store.create(alarm(source, time=TIMES[0]))
    again, created_again = store.create(alarm(source, severity="CRITICAL", time=TIMES[2], text="other"))

    doc = store.document(str(first.id))
    assert (created, created_again, again.id) == (True, False, first.id)
    assert (doc["count"], doc["time"], doc["firstOccurrenceTime"]) == (2, TIMES[2], TIMES[0])
    assert (doc["text"], doc["severity"]) == ("x", "MAJOR")


def test_a_cleared_alarm_is_never_merged(world: Any) -> None:
    _, store, source = world
    first, _ = store.create(alarm(source))
    store.update(str(first.id), {"status": "CLEARED"})
    second, created = store.create(alarm(source))
    assert created
    assert second.id != first.id
    assert store.document(str(second.id))["count"] == 1


def test_a_cleared_alarm_cannot_be_reopened_and_nothing_changes(world: Any) -> None:
    _, store, source = world
    first, _ = store.create(alarm(source))
    store.update(str(first.id), {"status": "CLEARED"})
    with pytest.raises(ValidationError, match="CLEARED, which is final") as raised:
        store.update(str(first.id), {"status": "ACKNOWLEDGED", "text": "new"})
    assert raised.value.details[0]["field"] == "status"
    assert store.document(str(first.id))["text"] == "x"


def test_missing_mandatory_fields_are_named_together(world: Any) -> None:
    _, store, _ = world
    with pytest.raises(ValidationError, match="Following mandatory fields should be included: type, text"):
        store.create({"source": {"id": "1"}, "severity": "MAJOR", "time": TIMES[0]})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"severity": "minor"}, "severity"),
        ({"status": "OPEN"}, "status"),
        ({"id": "999"}, "id"),
        ({"source": {"id": "999"}}, "source.id"),
        ({"text": ""}, "text"),
    ],
    ids=["lower-case severity", "unknown status", "other id", "other source", "empty text"],
)
def test_a_forbidden_update_is_a_422_naming_the_field(
    world: Any, changes: dict[str, Any], field: str
) -> None:
    _, store, source = world
    first, _ = store.create(alarm(source))
    with pytest.raises(ValidationError) as raised:
        store.update(str(first.id), changes)
    assert [d["field"] for d in raised.value.details] == [field]


def test_an_update_may_repeat_the_id_and_source_and_removes_fragments_sent_as_null(world: Any) -> None:
    _, store, source = world
    first, _ = store.create(alarm(source, c8y_Extra={"a": 1}))
    store.update(
        str(first.id), {"id": str(first.id), "source": {"id": source}, "c8y_Extra": None, "count": 9}
    )
    doc = store.document(str(first.id))
    assert "c8y_Extra" not in doc
    assert doc["count"] == 1


def test_an_unknown_source_is_refused(world: Any) -> None:
    _, store, _ = world
    with pytest.raises(ValidationError, match="does not exist"):
        store.create(alarm("4242"))


def test_bulk_update_and_delete_refuse_an_empty_filter(world: Any) -> None:
    _, store, source = world
    store.create(alarm(source))
    with pytest.raises(ValidationError, match="at least one filter"):
        store.update_matching(AlarmFilter(with_assets=True), {"status": "CLEARED"})
    with pytest.raises(ValidationError, match="at least one filter"):
        store.delete_matching(AlarmFilter())
    assert len(store) == 1


def test_an_unknown_or_malformed_id_is_not_found(world: Any) -> None:
    _, store, _ = world
    for bad in ("7", "abc", "\uff11"):
        with pytest.raises(NotFound):
            store.get(bad)


def test_with_source_assets_and_devices_follow_child_references_recursively() -> None:
    inventory = InventoryStore()
    leaf = inventory.create({"name": "leaf"}, owner="a")["id"]
    device = inventory.create(
        {"name": "dev", "childAssets": {"references": [{"managedObject": {"id": leaf}}]}}, owner="a"
    )["id"]
    root = inventory.create(
        {"name": "root", "childDevices": {"references": [{"managedObject": {"id": device}}]}}, owner="a"
    )["id"]
    store = AlarmStore(inventory)
    for source in (root, device, leaf):
        store.create(alarm(source))
    only_root = AlarmFilter.from_query(source=root)
    devices = AlarmFilter.from_query(source=root, with_source_devices=True)
    both = AlarmFilter.from_query(source=root, with_source_devices=True, with_source_assets=True)
    assert [store.count(f) for f in (only_root, devices, both)] == [1, 2, 3]


# ---------------------------------------------------------------------------- the state machine

OPEN = ("ACTIVE", "ACKNOWLEDGED")


class AlarmMachine(RuleBasedStateMachine):
    """The model: a list of alarm dicts with id, source, type, severity, status, time index, count."""

    def __init__(self) -> None:
        super().__init__()
        self.inventory = InventoryStore()
        self.sources = [self.inventory.create({"name": f"s{i}"}, owner="a")["id"] for i in range(2)]
        self.store = AlarmStore(self.inventory)
        self.model: list[dict[str, Any]] = []
        self.raised_on: set[str] = set()  # sources that ever had an alarm carry the fragment

    def matching(self, f: dict[str, Any]) -> list[dict[str, Any]]:
        def ok(a: dict[str, Any]) -> bool:
            return all(f[k] is None or a[k] in f[k] for k in ("source", "status", "severity", "type"))

        found = [a for a in self.model if ok(a)]
        return sorted(found, key=lambda a: (-a["time"], -a["id"]))

    @staticmethod
    def store_filter(f: dict[str, Any]) -> AlarmFilter:
        def joined(key: str) -> str | None:
            return None if f[key] is None else ",".join(sorted(f[key]))

        return AlarmFilter.from_query(
            source=None if f["source"] is None else next(iter(f["source"])),
            status=joined("status"),
            severity=joined("severity"),
            type=joined("type"),
        )

    def filters(self) -> st.SearchStrategy[dict[str, Any]]:
        def subset(values: tuple[str, ...]) -> st.SearchStrategy[frozenset[str] | None]:
            return st.none() | st.frozensets(st.sampled_from(values), min_size=1)

        return st.fixed_dictionaries(
            {
                "source": st.none() | st.sampled_from(self.sources).map(lambda s: frozenset({s})),
                "status": subset(STATUSES),
                "severity": subset(SEVERITIES),
                "type": subset(TYPES),
            }
        )

    @rule(
        data=st.data(),
        kind=st.sampled_from(TYPES),
        severity=st.sampled_from(SEVERITIES),
        status=st.sampled_from(STATUSES),
        time=st.integers(0, len(TIMES) - 1),
    )
    def raise_alarm(self, data: st.DataObject, kind: str, severity: str, status: str, time: int) -> None:
        source = data.draw(st.sampled_from(self.sources))
        stored, created = self.store.create(alarm(source, kind, severity, TIMES[time], status=status))
        self.raised_on.add(source)
        target = next(
            (a for a in self.model if a["source"] == source and a["type"] == kind and a["status"] in OPEN),
            None,
        )
        if status != "CLEARED" and target is not None:
            assert not created
            assert stored.id == target["id"]
            target["count"] += 1
            target["time"] = time
        else:
            assert created
            self.model.append(
                {
                    "id": stored.id,
                    "source": source,
                    "type": kind,
                    "severity": severity,
                    "status": status,
                    "time": time,
                    "count": 1,
                }
            )

    @rule(data=st.data(), status=st.sampled_from(STATUSES), severity=st.none() | st.sampled_from(SEVERITIES))
    def update_one(self, data: st.DataObject, status: str, severity: str | None) -> None:
        if not self.model:
            return
        target = data.draw(st.sampled_from(self.model))
        body = {"status": status} if severity is None else {"status": status, "severity": severity}
        if target["status"] == "CLEARED" and status in OPEN:
            with pytest.raises(ValidationError):
                self.store.update(str(target["id"]), body)
            return
        self.store.update(str(target["id"]), body)
        target["status"] = status
        target["severity"] = severity or target["severity"]

    @rule(data=st.data(), status=st.sampled_from(STATUSES))
    def update_matching(self, data: st.DataObject, status: str) -> None:
        f = data.draw(self.filters())
        if all(v is None for v in f.values()):
            return
        self.store.update_matching(self.store_filter(f), {"status": status})
        for a in self.matching(f):
            if not (a["status"] == "CLEARED" and status in OPEN):
                a["status"] = status

    @rule(data=st.data())
    def delete_matching(self, data: st.DataObject) -> None:
        f = data.draw(self.filters())
        if all(v is None for v in f.values()):
            return
        gone = {a["id"] for a in self.matching(f)}
        assert self.store.delete_matching(self.store_filter(f)) == len(gone)
        self.model = [a for a in self.model if a["id"] not in gone]

    @rule(data=st.data(), size=st.integers(1, 4))
    def pages_walk_the_matches_in_order(self, data: st.DataObject, size: int) -> None:
        f = data.draw(self.filters())
        expected = [a["id"] for a in self.matching(f)]
        seen: list[int] = []
        for number in range(1, len(expected) // size + 2):
            request = PageRequest(page_size=size, current_page=number, with_total_elements=True)
            items, total = self.store.page(self.store_filter(f), request)
            assert total == len(expected)
            quick, _ = self.store.page(self.store_filter(f), PageRequest(page_size=size, current_page=number))
            assert quick == items  # without totals the scan stops early, with the same page
            seen += [a.id for a in items]
        assert seen == expected
        assert self.store.count(self.store_filter(f)) == len(expected)

    @invariant()
    def every_alarm_and_count_matches_the_model(self) -> None:
        for a in self.model:
            doc = self.store.document(str(a["id"]))
            assert (doc["status"], doc["severity"], doc["count"], doc["time"]) == (
                a["status"],
                a["severity"],
                a["count"],
                TIMES[a["time"]],
            )
        assert len(self.store) == len(self.model)

    @invariant()
    def active_alarms_status_of_each_source_counts_its_open_alarms(self) -> None:
        for source in self.sources:
            expected = {s.lower(): 0 for s in SEVERITIES}
            for a in self.model:
                if a["source"] == source and a["status"] in OPEN:
                    expected[a["severity"].lower()] += 1
            assert self.store.active_counts([source]) == expected
            written = self.inventory.get(source).get("c8y_ActiveAlarmsStatus")
            assert written == (expected if source in self.raised_on else None)


TestAlarmMachine = AlarmMachine.TestCase
