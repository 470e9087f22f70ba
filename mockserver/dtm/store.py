"""DtmStore: asset models and instances in memory, one method per HTTP operation.

The store owns the data and the invariants that span records: ids, the ``children``
lists, links to inventory managed objects (with an inventory delete guard), and the
roll-up scope. The rules themselves live in :mod:`models`, :mod:`instances` and
:mod:`values`. Answers are fresh dicts; ``base_url`` (scheme+host of the request) adds
``self`` links when given.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol

from mockserver.alarms import AlarmFilter, StoredAlarm
from mockserver.dtm import instances as rules
from mockserver.dtm.expressions import Value
from mockserver.dtm.models import (
    EffectiveModel,
    Problem,
    effective_model,
    merge_update,
    model_in_use,
    raise_problems,
    submodels,
    validate_model,
)
from mockserver.errors import Conflict, NotFound, ValidationError
from mockserver.ids import is_server_id
from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.rows import StoredMeasurements
from mockserver.measurements.series import SeriesQuery
from mockserver.paging import PageRequest, page_links, page_slice, statistics
from mockserver.timeutil import now_utc

RESOURCE = "dtm"
MODELS_PATH = "/service/dtm/asset-models"
INSTANCES_PATH = "/service/dtm/asset-instances"
ASSET_MO_TYPE = "c8y_DtmAsset"


class Inventory(Protocol):
    """What the DTM needs from the inventory store."""

    def create(self, doc: dict[str, Any], *, owner: str) -> dict[str, Any]: ...
    def exists(self, id: str) -> bool: ...
    def delete(self, id: str) -> None: ...
    def add_delete_guard(self, guard: Any) -> None: ...


class Measurements(Protocol):
    """What the DTM roll-ups need from the measurement store."""

    def select(self, f: MeasurementFilter, *, revert: bool = False) -> Sequence[dict[str, Any]]: ...
    def page_stored(
        self, f: MeasurementFilter, revert: bool, request: PageRequest
    ) -> tuple[StoredMeasurements, int]: ...
    def series(self, q: SeriesQuery) -> dict[str, Any]: ...


class Alarms(Protocol):
    """What the alarm roll-up and the instances' active alarm counts need from the alarm store."""

    def page(self, f: AlarmFilter, request: PageRequest) -> tuple[list[StoredAlarm], int | None]: ...
    def active_counts(self, sources: Iterable[str]) -> dict[str, int]: ...


NO_ACTIVE_ALARMS = {"critical": 0, "major": 0, "minor": 0, "warning": 0}


def _order(value: str) -> tuple[int, str]:
    return (len(value), value)


class DtmStore:
    """Asset models and instances. Thread-safe (one lock); every answer is a copy."""

    def __init__(
        self, inventory: Inventory, measurements: Measurements | None = None, alarms: Alarms | None = None
    ) -> None:
        self.inventory = inventory
        self.measurements = measurements
        self.alarms = alarms
        self.models: dict[str, dict[str, Any]] = {}
        self.instances: dict[str, dict[str, Any]] = {}
        self.created_mos: set[str] = set()
        self.mo_links: dict[str, str] = {}
        self._next_id = 1
        self._effective: dict[str, EffectiveModel] = {}
        self.lock = threading.RLock()
        inventory.add_delete_guard(self._guard_managed_object)

    # ----------------------------------------------------------------- shared helpers
    def new_id(self) -> str:
        value = str(self._next_id)
        self._next_id += 1
        return value

    def reserve_id(self, value: str) -> None:
        """Keep later ids above a preset one (seed files)."""
        self._next_id = max(self._next_id, int(value) + 1)

    def effective(self, model_id: str) -> EffectiveModel:
        cached = self._effective.get(model_id)
        if cached is None:
            cached = self._effective[model_id] = effective_model(model_id, self.models)
        return cached

    def is_submodel(self, model_id: str, ancestor: str) -> bool:
        return ancestor in self.effective(model_id).chain

    def model_of(self, instance_id: str) -> str | None:
        record = self.instances.get(instance_id)
        return None if record is None else str(record["modelId"])

    def descendants(self, instance_id: str) -> list[str]:
        """Every instance below ``instance_id``, parents before their children."""
        result: list[str] = []
        stack = list(reversed(self.instances[instance_id]["children"]))
        while stack:
            current = stack.pop()
            result.append(current)
            stack.extend(reversed(self.instances[current]["children"]))
        return result

    def _guard_managed_object(self, mo_id: str) -> str | None:
        # Lock-free on purpose: the inventory calls this while holding its own lock.
        linked = self.mo_links.get(mo_id)
        if linked is None:
            return None
        return (
            f"Managed object {mo_id} is linked to asset instance {linked}; delete the asset instance first."
        )

    def clear(self) -> None:
        """Forget every model and instance (ids keep counting up; linked objects are released)."""
        with self.lock:
            self.models.clear()
            self.instances.clear()
            self.created_mos.clear()
            self.mo_links.clear()
            self._effective.clear()

    def counts(self) -> dict[str, int]:
        """How many models and instances the store holds (the admin endpoints report it)."""
        return {"assetModels": len(self.models), "assetInstances": len(self.instances)}

    def load_seed(self, models: Sequence[Any], instances: Sequence[Any], *, owner: str = "admin") -> None:
        """Create seed models then instances in order, each validated like a POST.

        An entry's ``id`` (digits, unused) is kept so that later entries can refer to it;
        an invalid entry raises the usual error with its section and index prepended.
        """
        for section, entries in (("assetModels", models), ("assetInstances", instances)):
            for index, entry in enumerate(entries):
                preset = entry.get("id") if isinstance(entry, dict) else None
                key = None if preset is None else str(preset)
                if key is not None and (not is_server_id(key) or key in self.models or key in self.instances):
                    raise ValidationError(
                        f"{section}[{index}]: the id {preset!r} is not unused digits.", resource=RESOURCE
                    )
                body = {k: v for k, v in entry.items() if k != "id"} if isinstance(entry, dict) else entry
                try:
                    if section == "assetModels":
                        self.create_model(body, preset_id=None if preset is None else str(preset))
                    else:
                        self.create_instance(
                            body, owner=owner, preset_id=None if preset is None else str(preset)
                        )
                except ValidationError as exc:
                    raise ValidationError(
                        f"{section}[{index}]: {exc.message}", resource=RESOURCE, details=exc.details
                    ) from None

    # ----------------------------------------------------------------- models
    def _require_model(self, model_id: str) -> dict[str, Any]:
        doc = self.models.get(model_id)
        if doc is None:
            raise NotFound(f"Asset model with id {model_id!r} does not exist.", resource=RESOURCE)
        return doc

    def render_model(self, doc: Mapping[str, Any], base_url: str = "") -> dict[str, Any]:
        out = copy.deepcopy(dict(doc))
        if base_url:
            out["self"] = f"{base_url}{MODELS_PATH}/{doc['id']}"
        return out

    def create_model(self, body: Any, *, base_url: str = "", preset_id: str | None = None) -> dict[str, Any]:
        """POST: validate the whole model (422), refuse a duplicate name (409), store it."""
        _require_object(body, "asset model")
        with self.lock:
            model_id = preset_id or str(self._next_id)
            doc = validate_model(body, model_id=model_id, models=self.models, is_new=True)
            self._check_unique_name(doc["name"], model_id)
            if preset_id is None:
                self.new_id()
            else:
                self.reserve_id(preset_id)
            self.models[model_id] = doc
            self._effective.clear()
            return self.render_model(doc, base_url)

    def _check_unique_name(self, name: str, model_id: str) -> None:
        for other in self.models.values():
            if other["name"] == name and other["id"] != model_id:
                raise Conflict(
                    f"An asset model named {name!r} already exists (id {other['id']}).", resource=RESOURCE
                )

    def get_model(self, model_id: str, *, base_url: str = "") -> dict[str, Any]:
        with self.lock:
            return self.render_model(self._require_model(model_id), base_url)

    def update_model(self, model_id: str, body: Any, *, base_url: str = "") -> dict[str, Any]:
        """PUT: top-level merge, then the whole model (and its submodels) revalidated."""
        _require_object(body, "asset model")
        with self.lock:
            existing = self._require_model(model_id)
            merged = merge_update(existing, body)
            doc = validate_model(merged, model_id=model_id, models=self.models, is_new=False)
            self._check_unique_name(doc["name"], model_id)
            self.models[model_id] = doc
            self._effective.clear()
            return self.render_model(doc, base_url)

    def delete_model(self, model_id: str) -> None:
        """DELETE: 409 while an instance, a submodel, an allowedSubtypes list or a REFERENCE uses it."""
        with self.lock:
            self._require_model(model_id)
            reason = model_in_use(model_id, self.models, (r["modelId"] for r in self.instances.values()))
            if reason:
                raise Conflict(f"{reason} It cannot be deleted while in use.", resource=RESOURCE)
            del self.models[model_id]
            self._effective.clear()

    def list_models(
        self,
        *,
        name: str | None = None,
        page: PageRequest | None = None,
        base_url: str = "",
        query: Iterable[tuple[str, str]] = (),
    ) -> dict[str, Any]:
        """GET collection: ``?name=`` exact, ordered by id, paged."""
        page = page or PageRequest()
        with self.lock:
            docs = [d for d in self.models.values() if name is None or d["name"] == name]
            docs.sort(key=lambda d: _order(d["id"]))
            items = [self.render_model(d, base_url) for d in page_slice(docs, page)]
            return _collection("assetModels", items, len(docs), page, base_url + MODELS_PATH, query)

    # ----------------------------------------------------------------- instances
    def _require_instance(self, instance_id: str) -> dict[str, Any]:
        record = self.instances.get(instance_id)
        if record is None:
            raise NotFound(f"Asset instance with id {instance_id!r} does not exist.", resource=RESOURCE)
        return record

    def render_instance(self, record: Mapping[str, Any], base_url: str = "") -> dict[str, Any]:
        """The public document: stored fields plus children, computed and computedErrors."""
        out: dict[str, Any] = {"id": record["id"]}
        if base_url:
            out["self"] = f"{base_url}{INSTANCES_PATH}/{record['id']}"
        for key in ("modelId", "name", "description", "managedObjectId", "parent"):
            if record.get(key) is not None:
                out[key] = record[key]
        out["properties"] = copy.deepcopy(record["properties"])
        out["children"] = list(record["children"])
        computed, errors = rules.compute(
            self.effective(record["modelId"]), record["properties"], self._rollup_for(record["id"])
        )
        out["computed"] = computed
        out["computedErrors"] = errors
        scope = self.rollup_scope(record["id"])
        out["activeAlarmsStatus"] = (
            dict(NO_ACTIVE_ALARMS) if self.alarms is None else self.alarms.active_counts(scope)
        )
        return out

    def check_instance(
        self, body: Mapping[str, Any], problems: list[Problem], existing: Mapping[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Validate a candidate (create body or merged update) into a record without id/children.

        Parent existence/allowance and managedObjectId existence are checked here; the
        409 for an already linked managed object and cycles are left to the caller.
        """
        model_id = body.get("modelId")
        if existing is not None and model_id != existing["modelId"]:
            problems.append(
                (
                    "modelId",
                    f"modelId is immutable: instance {existing['id']} has model "
                    f"{existing['modelId']}, the request names {model_id!r}.",
                )
            )
            return None
        if not isinstance(model_id, str) or model_id not in self.models:
            problems.append(("modelId", f"modelId must name an existing asset model; {model_id!r} does not."))
            rules.check_header_fields(body, problems)
            return None
        rules.check_header_fields(body, problems)
        model = self.effective(model_id)
        properties = rules.normalise_properties(
            body.get("properties"), model, self.model_of, self.is_submodel, problems
        )
        parent = body.get("parent")
        if is_server_id(parent):
            if parent not in self.instances:
                problems.append(("parent", f"The parent asset instance {parent!r} does not exist."))
            elif not rules.allowed_child(self.effective(self.instances[parent]["modelId"]), model.chain):
                problems.append(("parent", self._not_allowed(parent, model_id)))
        mo = body.get("managedObjectId")
        if is_server_id(mo) and not self.inventory.exists(mo):
            problems.append(("managedObjectId", f"No managed object has the id {mo!r}."))
        record = {
            "modelId": model_id,
            "name": body.get("name"),
            "description": body.get("description"),
            "managedObjectId": mo,
            "parent": parent,
            "properties": properties,
        }
        return record

    def _not_allowed(self, parent: str, model_id: str) -> str:
        parent_model = self.instances[parent]["modelId"]
        return (
            f"Asset model {model_id} is not allowed under instance {parent} (model {parent_model}): "
            f"its allowedSubtypes are {sorted(self.effective(parent_model).allowed_subtypes, key=_order)}."
        )

    def _check_link(self, mo: str | None, instance_id: str | None) -> None:
        if mo is not None and self.mo_links.get(mo, instance_id) != instance_id:
            raise Conflict(
                f"Managed object {mo} is already linked to asset instance {self.mo_links[mo]}.",
                resource=RESOURCE,
            )

    def insert(self, record: dict[str, Any], *, owner: str, instance_id: str | None = None) -> str:
        """Store a checked record: assign an id, create or link its managed object, attach it."""
        new_id = instance_id or self.new_id()
        if record.get("managedObjectId") is None:
            created = self.inventory.create(
                {"name": record["name"], "type": ASSET_MO_TYPE, "c8y_IsAsset": {}}, owner=owner
            )
            record["managedObjectId"] = str(created["id"])
            self.created_mos.add(record["managedObjectId"])
        record["id"] = new_id
        record["children"] = []
        self.instances[new_id] = record
        self.mo_links[record["managedObjectId"]] = new_id
        if record.get("parent") is not None:
            self.instances[record["parent"]]["children"].append(new_id)
        return new_id

    def create_instance(
        self, body: Any, *, owner: str = "admin", base_url: str = "", preset_id: str | None = None
    ) -> dict[str, Any]:
        """POST: validate (422), refuse an already linked managed object (409), store."""
        _require_object(body, "asset instance")
        with self.lock:
            problems: list[Problem] = []
            record = self.check_instance(body, problems)
            raise_problems(problems, "asset instance")
            assert record is not None
            self._check_link(record["managedObjectId"], None)
            if preset_id is not None:
                self.reserve_id(preset_id)
            new_id = self.insert(record, owner=owner, instance_id=preset_id)
            return self.render_instance(self.instances[new_id], base_url)

    def get_instance(self, instance_id: str, *, base_url: str = "") -> dict[str, Any]:
        with self.lock:
            return self.render_instance(self._require_instance(instance_id), base_url)

    def update_instance(self, instance_id: str, body: Any, *, base_url: str = "") -> dict[str, Any]:
        """PUT: merge, revalidate everything, move (cycle -> 422); modelId/managedObjectId are fixed."""
        _require_object(body, "asset instance")
        with self.lock:
            existing = self._require_instance(instance_id)
            merged = rules.merge_update(existing, body)
            problems: list[Problem] = []
            mo = merged.get("managedObjectId")
            if mo is not None and mo != existing["managedObjectId"]:
                problems.append(
                    (
                        "managedObjectId",
                        f"managedObjectId cannot change: instance {instance_id} is "
                        f"linked to {existing['managedObjectId']}, the request names {mo!r}.",
                    )
                )
            merged["managedObjectId"] = existing["managedObjectId"]
            record = self.check_instance(merged, problems, existing)
            new_parent = merged.get("parent")
            if new_parent is not None and (
                new_parent == instance_id or new_parent in self.descendants(instance_id)
            ):
                problems = [p for p in problems if p[0] != "parent"]
                problems.append(
                    (
                        "parent",
                        f"Moving instance {instance_id} under {new_parent} would create a cycle: "
                        f"{new_parent} is the instance itself or one of its descendants.",
                    )
                )
            raise_problems(problems, "asset instance")
            assert record is not None
            old_parent = existing.get("parent")
            if new_parent != old_parent:
                if old_parent is not None:
                    self.instances[old_parent]["children"].remove(instance_id)
                if new_parent is not None:
                    self.instances[new_parent]["children"].append(instance_id)
            existing.update(record)
            return self.render_instance(existing, base_url)

    def _release_managed_object(self, mo: str) -> None:
        if mo in self.created_mos:
            self.created_mos.discard(mo)
            try:
                self.inventory.delete(mo)
            except NotFound:
                pass

    def delete_instance(self, instance_id: str, *, cascade: bool = False) -> None:
        """DELETE: 409 with children unless cascade; 409 when referenced from outside the subtree."""
        with self.lock:
            record = self._require_instance(instance_id)
            if record["children"] and not cascade:
                raise Conflict(
                    f"Asset instance {instance_id} has {len(record['children'])} child instance(s); "
                    "delete them first or use cascade=true.",
                    resource=RESOURCE,
                )
            subtree = [instance_id, *self.descendants(instance_id)]
            doomed = set(subtree)
            for other in self.instances.values():
                if other["id"] in doomed:
                    continue
                for key, prop in self.effective(other["modelId"]).properties.items():
                    target = other["properties"].get(key)
                    if prop.get("type") == "REFERENCE" and target in doomed:
                        raise Conflict(
                            f"Asset instance {target} is referenced by property {key!r} of asset instance "
                            f"{other['id']}; it cannot be deleted.",
                            resource=RESOURCE,
                        )
            for doomed_id in reversed(subtree):
                gone = self.instances.pop(doomed_id)
                self.mo_links.pop(gone["managedObjectId"], None)
                self._release_managed_object(gone["managedObjectId"])
            parent = record.get("parent")
            if parent is not None:
                self.instances[parent]["children"].remove(instance_id)

    def list_instances(
        self,
        *,
        model: str | None = None,
        parent: str | None = None,
        name: str | None = None,
        page: PageRequest | None = None,
        base_url: str = "",
        query: Iterable[tuple[str, str]] = (),
    ) -> dict[str, Any]:
        """GET collection: ``?model=`` with submodels, ``?parent=`` direct children, ``?name=``."""
        page = page or PageRequest()
        with self.lock:
            models = submodels(model, self.models) if model is not None else None
            found = [
                r
                for r in self.instances.values()
                if (models is None or r["modelId"] in models)
                and (parent is None or r.get("parent") == parent)
                and (name is None or r["name"] == name)
            ]
            found.sort(key=lambda r: _order(r["id"]))
            items = [self.render_instance(r, base_url) for r in page_slice(found, page)]
            return _collection("assetInstances", items, len(found), page, base_url + INSTANCES_PATH, query)

    # ----------------------------------------------------------------- roll-ups
    def rollup_scope(self, instance_id: str) -> frozenset[str]:
        """The managed object ids of the instance and of every descendant."""
        with self.lock:
            self._require_instance(instance_id)
            ids = [instance_id, *self.descendants(instance_id)]
            return frozenset(str(self.instances[i]["managedObjectId"]) for i in ids)

    def _rollup_for(self, instance_id: str) -> Any:
        if self.measurements is None:
            return None
        measurements = self.measurements

        def rollup(function: str, fragment: str, series: str, window: int | None) -> Value:
            f = MeasurementFilter(
                sources=self.rollup_scope(instance_id),
                value_fragment_type=fragment,
                value_fragment_series=series,
                date_from=None if window is None else now_utc() - timedelta(seconds=window),
            )
            values = [m[fragment][series]["value"] for m in measurements.select(f)]
            return rules.aggregate(function, values)

        return rollup

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

    def rollup_series(self, instance_id: str, q: SeriesQuery) -> dict[str, Any]:
        """The series answer over the instance's roll-up scope."""
        assert self.measurements is not None, "DtmStore needs a measurement store for roll-ups"
        return self.measurements.series(dataclasses.replace(q, sources=self.rollup_scope(instance_id)))


def _require_object(body: Any, what: str) -> None:
    if not isinstance(body, dict):
        raise ValidationError(
            f"An {what} must be a JSON object, got {type(body).__name__}.", resource=RESOURCE
        )


def _collection(
    key: str,
    items: list[dict[str, Any]],
    total: int,
    page: PageRequest,
    url: str,
    query: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    body: dict[str, Any] = {key: items, "statistics": statistics(page, total)}
    body.update(page_links(url, query, page))
    return body
