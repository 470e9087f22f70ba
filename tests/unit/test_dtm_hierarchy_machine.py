"""Random create/move/delete on DtmStore and on a plain-dict model, compared after every step."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mockserver.dtm.store import DtmStore
from mockserver.errors import Conflict, ValidationError
from mockserver.inventory.store import InventoryStore


class HierarchyMachine(RuleBasedStateMachine):
    """The model: ``parent[id]`` and ``children[id]`` (ordered), nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.inventory = InventoryStore()
        self.store = DtmStore(self.inventory)
        model = self.store.create_model({"name": "Node"})["id"]
        self.store.update_model(model, {"allowedSubtypes": [model]})
        self.model_id = model
        self.parent: dict[str, str | None] = {}
        self.children: dict[str, list[str]] = {}

    def subtree(self, node: str) -> list[str]:
        result = [node]
        for child in self.children[node]:
            result.extend(self.subtree(child))
        return result

    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        parent = data.draw(
            st.one_of(st.none(), st.sampled_from(sorted(self.parent))) if self.parent else st.none()
        )
        created = self.store.create_instance({"modelId": self.model_id, "name": "n", "parent": parent})
        new_id = created["id"]
        assert new_id not in self.parent
        self.parent[new_id] = parent
        self.children[new_id] = []
        if parent is not None:
            self.children[parent].append(new_id)

    @precondition(lambda self: bool(self.parent))
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(sorted(self.parent)))
        target = data.draw(st.one_of(st.none(), st.sampled_from(sorted(self.parent))))
        if target is not None and target in self.subtree(node):
            try:
                self.store.update_instance(node, {"parent": target})
            except ValidationError as exc:
                fields = [d["field"] for d in exc.details]
                assert fields == ["parent"]
                return
            raise AssertionError(f"moving {node} under its descendant {target} was accepted")
        self.store.update_instance(node, {"parent": target})
        old = self.parent[node]
        if old != target:
            if old is not None:
                self.children[old].remove(node)
            if target is not None:
                self.children[target].append(node)
            self.parent[node] = target

    @precondition(lambda self: bool(self.parent))
    @rule(data=st.data(), cascade=st.booleans())
    def delete(self, data: st.DataObject, cascade: bool) -> None:
        node = data.draw(st.sampled_from(sorted(self.parent)))
        if self.children[node] and not cascade:
            try:
                self.store.delete_instance(node, cascade=False)
            except Conflict:
                return
            raise AssertionError(f"deleting {node} with children and without cascade was accepted")
        self.store.delete_instance(node, cascade=cascade)
        doomed = self.subtree(node)
        parent = self.parent[node]
        if parent is not None:
            self.children[parent].remove(node)
        for gone in doomed:
            del self.parent[gone]
            del self.children[gone]

    @invariant()
    def hierarchies_match(self) -> None:
        stored = {doc["id"]: doc for doc in self.store.list_instances()}
        assert set(stored) == set(self.parent)
        for node, record in stored.items():
            assert record.get("parent") == self.parent[node]
            assert record["children"] == self.children[node]

    @invariant()
    def no_cycles_no_orphans_consistent_children(self) -> None:
        stored = {doc["id"]: doc for doc in self.store.list_instances()}
        for node, record in stored.items():
            parent = record.get("parent")
            assert parent is None or parent in stored, f"{node} is an orphan of {parent}"
            if parent is not None:
                assert stored[parent]["children"].count(node) == 1
            for child in record["children"]:
                assert stored[child].get("parent") == node
            seen = {node}
            while parent is not None:
                assert parent not in seen, f"cycle through {parent}"
                seen.add(parent)
                parent = stored[parent].get("parent")

    @invariant()
    def managed_objects_follow_the_instances(self) -> None:
        stored = list(self.store.list_instances())
        assert len(self.inventory) == len(stored)
        assert all(self.store.linked_instance(doc["managedObjectId"]) == doc["id"] for doc in stored)


TestHierarchy = HierarchyMachine.TestCase
