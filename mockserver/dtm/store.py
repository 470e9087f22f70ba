"""DtmStore: asset models and instances in memory, one method per HTTP operation. A thin store: it holds the
lock, takes ids from its :class:`~mockserver.ids.IdFactory`, links instances to inventory managed objects
(creating, releasing, guarding their delete) and scopes the roll-ups. The rules: :mod:`models` (one model),
:mod:`registry` (the models together), :mod:`tree` (the hierarchy), :mod:`instances` (one instance).
Answers are documents without ``self`` (links are the HTTP edge's, :mod:`mockserver.http.links`)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from mockserver.alarms import AlarmFilter, StoredAlarm
from mockserver.dtm import instances as rules
from mockserver.dtm.expressions import RollupFn
from mockserver.dtm.models import Problem, merge_update, raise_problems, validate_model
from mockserver.dtm.ports import Alarms, Inventory, Measurements
from mockserver.dtm.records import AssetInstance, AssetInstanceDoc, AssetModelDoc, InstanceDraft, Rendered
from mockserver.dtm.registry import EffectiveModel, ModelRegistry
from mockserver.dtm.rollups import RollupCache, rollup_function
from mockserver.dtm.tree import InstanceTree, descendants
from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.ids import IdFactory, is_server_id
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.rows import StoredMeasurements
from mockserver.measurements.series import SeriesAnswer, SeriesQuery
from mockserver.paging import PageRequest

RESOURCE = "dtm"
ASSET_MO_TYPE = "c8y_DtmAsset"


NO_ACTIVE_ALARMS = {"critical": 0, "major": 0, "minor": 0, "warning": 0}


class DtmStore:
    """Asset models and instances. Thread-safe (one lock); every answer is a fresh document."""

    def __init__(
        self,
        inventory: Inventory,
        measurements: Measurements | None = None,
        alarms: Alarms | None = None,
        ids: IdFactory | None = None,
    ) -> None:
        self.inventory = inventory
        self.measurements = measurements
        self.alarms = alarms
        self._models = ModelRegistry()
        self._tree = InstanceTree()
        self._created_mos: set[str] = set()
        self._ids = ids or IdFactory()  # shared by the stores of every tenant (MockState)
        self._lock = threading.RLock()
        self._rollups = RollupCache()
        inventory.add_delete_guard(self._guard_managed_object)
        if measurements is not None:
            measurements.subscribe(self._forget_rollups)

    # ----------------------------------------------------------------- whole store
    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold the store's lock across several operations (a CSV import validates, then inserts)."""
        with self._lock:
            yield

    def clear(self) -> None:
        """Forget every model and instance (ids keep counting up; linked objects are released)."""
        with self._lock:
            self._models.clear()
            self._tree.clear()
            self._created_mos.clear()
            self._rollups.forget()

    def _forget_rollups(self, *_: object) -> None:
        """A measurement was created or deleted: the cached roll-up summaries are stale."""
        with self._lock:
            self._rollups.forget()

    def copy_from(self, other: DtmStore) -> None:
        """Hold what ``other`` holds (a seed's trial run starts from the live models and instances)."""
        with other._lock, self._lock:
            self._models, self._tree = other._models.copy(), other._tree.copy()
            self._created_mos = set(other._created_mos)
            self._ids.observe(other._ids.upcoming - 1)
            self._rollups.forget()

    def counts(self) -> dict[str, int]:
        """How many models and instances the store holds (the admin endpoints report it)."""
        return {"assetModels": len(self._models), "assetInstances": len(self._tree)}

    def load_seed(self, models: Sequence[Any], instances: Sequence[Any], *, owner: str = "admin") -> None:
        """Create seed models then instances in order, each validated like a POST.

        An entry's ``id`` (digits, unused) is kept so that later entries can refer to it;
        an invalid entry raises the usual error with its section and index prepended.
        """
        for section, entries in (("assetModels", models), ("assetInstances", instances)):
            for index, entry in enumerate(entries):
                preset = entry.get("id") if isinstance(entry, dict) else None
                key = None if preset is None else str(preset)
                if key is not None and (not is_server_id(key) or key in self._models or key in self._tree):
                    raise ValidationError(
                        f"{section}[{index}]: the id {preset!r} is not unused digits.", resource=RESOURCE
                    )
                body = {k: v for k, v in entry.items() if k != "id"} if isinstance(entry, dict) else entry
                try:
                    if section == "assetModels":
                        self.create_model(body, preset_id=key)
                    else:
                        self.create_instance(body, owner=owner, preset_id=key)
                except ValidationError as exc:
                    raise ValidationError(
                        f"{section}[{index}]: {exc.message}", resource=RESOURCE, details=exc.details
                    ) from None

    # ----------------------------------------------------------------- lookups (CSV import)
    def effective(self, model_id: str) -> EffectiveModel:
        with self._lock:
            return self._models.effective(model_id)

    def is_submodel(self, model_id: str, ancestor: str) -> bool:
        with self._lock:
            return self._models.is_submodel(model_id, ancestor)

    def model_of(self, instance_id: str) -> str | None:
        with self._lock:
            return self._tree.model_of(instance_id)

    def model_ids_by_name(self) -> dict[str, str]:
        with self._lock:
            return self._models.by_name()

    def property_keys(self) -> set[str]:
        """Every property key any effective model declares."""
        with self._lock:
            return self._models.property_keys()

    def has_instance(self, instance_id: str) -> bool:
        with self._lock:
            return instance_id in self._tree

    def children_named(self, instance_id: str | None) -> dict[str, list[str]]:
        """The direct children (roots for None) by name, each name's ids in order."""
        with self._lock:
            found: dict[str, list[str]] = {}
            for child in self._tree.children_of(instance_id):
                found.setdefault(child.name, []).append(child.id)
            return found

    def managed_object_exists(self, managed_object_id: str) -> bool:
        return self.inventory.exists(managed_object_id)

    def linked_instance(self, managed_object_id: str) -> str | None:
        """The instance a managed object is linked to, if any."""
        with self._lock:
            return self._tree.linked(managed_object_id)

    # ----------------------------------------------------------------- models
    def create_model(self, body: Any, *, preset_id: str | None = None) -> AssetModelDoc:
        """POST: validate the whole model (422), refuse a duplicate name (409), store it."""
        _require_object(body, "asset model")
        with self._lock:
            model_id = preset_id or str(self._ids.upcoming)
            model = validate_model(body, model_id=model_id, known=self._models.ids())
            self._models.put(model)
            if preset_id is None:
                self._ids.next_number()
            else:
                self._ids.observe(preset_id)
            return model.document()

    def get_model(self, model_id: str) -> AssetModelDoc:
        with self._lock:
            return self._models.require(model_id).document()

    def update_model(self, model_id: str, body: Any) -> AssetModelDoc:
        """PUT: top-level merge, then the whole model (and its submodels) revalidated."""
        _require_object(body, "asset model")
        with self._lock:
            existing = self._models.require(model_id).document()
            merged = merge_update(existing, body)
            model = validate_model(merged, model_id=model_id, known=self._models.ids())
            self._models.put(model)
            return model.document()

    def delete_model(self, model_id: str) -> None:
        """DELETE: 409 while an instance, a submodel, an allowedSubtypes list or a REFERENCE uses it."""
        with self._lock:
            self._models.remove(model_id, (r.model_id for r in self._tree))

    def list_models(self, *, name: str | None = None) -> Rendered[AssetModelDoc]:
        """GET collection: ``?name=`` exact, ordered by id; each document made when read."""
        with self._lock:
            return Rendered(self._models.ordered(name), lambda model: model.document())

    # ----------------------------------------------------------------- instances
    def create_instance(
        self, body: Any, *, owner: str = "admin", preset_id: str | None = None
    ) -> AssetInstanceDoc:
        """POST: validate (422), refuse an already linked managed object (409), store."""
        _require_object(body, "asset instance")
        with self._lock:
            problems: list[Problem] = []
            draft = rules.check_instance(body, problems, self._models, self._tree, self.inventory.exists)
            raise_problems(problems, "asset instance")
            assert draft is not None
            self._check_link(draft.managed_object_id, None)
            if preset_id is not None:
                self._ids.observe(preset_id)
            new_id = self.insert(draft, owner=owner, instance_id=preset_id)
            return self._render(self._tree.require(new_id))

    def insert(self, draft: InstanceDraft, *, owner: str, instance_id: str | None = None) -> str:
        """Store a checked draft: assign an id, create or link its managed object, attach it."""
        with self._lock:
            new_id = instance_id or self._ids.next_server_id()
            mo = draft.managed_object_id
            if mo is None:
                created = self.inventory.create(
                    {"name": draft.name, "type": ASSET_MO_TYPE, "c8y_IsAsset": {}}, owner=owner
                )
                mo = str(created["id"])
                self._created_mos.add(mo)
            self._tree.add(new_id, draft, mo)
            return new_id

    def get_instance(self, instance_id: str) -> AssetInstanceDoc:
        with self._lock:
            return self._render(self._tree.require(instance_id))

    def update_instance(self, instance_id: str, body: Any) -> AssetInstanceDoc:
        """PUT: merge, revalidate everything, move (cycle -> 422); modelId/managedObjectId are fixed."""
        _require_object(body, "asset instance")
        with self._lock:
            existing = self._tree.require(instance_id)
            draft, problems = rules.check_update(
                existing, body, self._models, self._tree, self.inventory.exists
            )
            raise_problems(problems, "asset instance")
            assert draft is not None
            return self._render(self._tree.replace(instance_id, draft))

    def delete_instance(self, instance_id: str, *, cascade: bool = False) -> None:
        """DELETE: 409 with children unless cascade; 409 when referenced from outside the subtree."""
        with self._lock:
            record = self._tree.require(instance_id)
            if record.children and not cascade:
                raise Conflict(
                    f"Asset instance {instance_id} has {len(record.children)} child instance(s); "
                    "delete them first or use cascade=true.",
                    resource=RESOURCE,
                )
            self._check_unreferenced({instance_id, *self._tree.descendants(instance_id)})
            for gone in self._tree.remove(instance_id):
                self._release_managed_object(gone.managed_object_id)

    def list_instances(
        self, *, model: str | None = None, parent: str | None = None, name: str | None = None
    ) -> Rendered[AssetInstanceDoc]:
        """GET collection: ``?model=`` with submodels, ``?parent=`` direct children, ``?name=``.

        Ordered by id; each document is made when read, from the records as they were at the call.
        """
        with self._lock:
            models = self._models.submodels(model) if model is not None else None
            found = [
                r
                for r in self._tree
                if (models is None or r.model_id in models)
                and (parent is None or r.parent == parent)
                and (name is None or r.name == name)
            ]
            found.sort(key=lambda r: (len(r.id), r.id))
            snapshot = self._tree.snapshot()
            effective = {m: self._models.effective(m) for m in {r.model_id for r in found}}

        def render(record: AssetInstance) -> AssetInstanceDoc:
            doc = rules.render(record, effective[record.model_id], self._rollup_for(record.id, snapshot))
            return self._with_active_alarms(doc, _scope(snapshot, record.id))

        return Rendered(found, render)

    # ----------------------------------------------------------------- roll-ups
    def rollup_scope(self, instance_id: str) -> frozenset[str]:
        """The managed object ids of the instance and of every descendant."""
        with self._lock:
            self._tree.require(instance_id)
            return _scope(self._tree.view(), instance_id)

    def rollup_measurements(
        self, instance_id: str, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[StoredMeasurements, int]:
        """The measurement collection page restricted to the instance's roll-up scope."""
        assert self.measurements is not None, "DtmStore needs a measurement store for roll-ups"
        scoped = dataclasses.replace(f, sources=self.rollup_scope(instance_id))
        return self.measurements.page_stored(scoped, revert, request)

    def rollup_alarms(
        self, instance_id: str, f: AlarmFilter, request: PageRequest
    ) -> tuple[list[StoredAlarm], int | None]:
        """The alarm collection page restricted to the instance's roll-up scope."""
        assert self.alarms is not None, "DtmStore needs an alarm store for the alarm roll-up"
        return self.alarms.page(dataclasses.replace(f, sources=self.rollup_scope(instance_id)), request)

    def rollup_series(self, instance_id: str, q: SeriesQuery) -> SeriesAnswer:
        """The series answer over the instance's roll-up scope."""
        assert self.measurements is not None, "DtmStore needs a measurement store for roll-ups"
        return self.measurements.series(dataclasses.replace(q, sources=self.rollup_scope(instance_id)))

    # ----------------------------------------------------------------- internals
    def _render(self, record: AssetInstance) -> AssetInstanceDoc:
        # Under the lock: roll-ups are evaluated during the render, over the live records.
        rollup = self._rollup_for(record.id, self._tree.view())
        doc = rules.render(record, self._models.effective(record.model_id), rollup)
        return self._with_active_alarms(doc, _scope(self._tree.view(), record.id))

    def _with_active_alarms(self, doc: AssetInstanceDoc, scope: frozenset[str]) -> AssetInstanceDoc:
        """``doc`` with the unresolved alarms of the roll-up ``scope`` by severity."""
        doc["activeAlarmsStatus"] = (
            dict(NO_ACTIVE_ALARMS) if self.alarms is None else self.alarms.active_counts(scope)
        )
        return doc

    def _rollup_for(self, instance_id: str, records: Mapping[str, AssetInstance]) -> RollupFn | None:
        if self.measurements is None:
            return None
        return rollup_function(self.measurements, self._rollups, lambda: _scope(records, instance_id))

    def _check_link(self, mo: str | None, instance_id: str | None) -> None:
        linked = None if mo is None else self._tree.linked(mo)
        if linked is not None and linked != instance_id:
            raise Conflict(
                f"Managed object {mo} is already linked to asset instance {linked}.", resource=RESOURCE
            )

    def _check_unreferenced(self, doomed: set[str]) -> None:
        for other in self._tree:
            if other.id in doomed:
                continue
            for key, prop in self._models.effective(other.model_id).properties.items():
                target = other.properties.get(key)
                if prop.get("type") == "REFERENCE" and target in doomed:
                    raise Conflict(
                        f"Asset instance {target} is referenced by property {key!r} of asset instance "
                        f"{other.id}; it cannot be deleted.",
                        resource=RESOURCE,
                    )

    def _guard_managed_object(self, mo_id: str) -> str | None:
        # Lock-free on purpose: the inventory calls this while holding its own lock.
        linked = self._tree.linked(mo_id)
        if linked is None:
            return None
        return (
            f"Managed object {mo_id} is linked to asset instance {linked}; delete the asset instance first."
        )

    def _release_managed_object(self, mo: str) -> None:
        if mo in self._created_mos:
            self._created_mos.discard(mo)
            try:
                self.inventory.delete(mo)
            except NotFound:
                pass


def _scope(records: Mapping[str, AssetInstance], instance_id: str) -> frozenset[str]:
    ids = [instance_id, *descendants(records, instance_id)]
    return frozenset(records[i].managed_object_id for i in ids)


def _require_object(body: Any, what: str) -> None:
    if not isinstance(body, dict):
        raise ValidationError(
            f"An {what} must be a JSON object, got {type(body).__name__}.", resource=RESOURCE
        )
