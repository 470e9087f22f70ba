"""The model registry: stored asset models by id, inheritance and the submodel relation.

Pure (no lock, no I/O): :class:`~mockserver.dtm.store.DtmStore` holds the lock around it.

Inheritance: ``extends`` names a base model. The *chain* of a model is itself followed
by its ancestors; a model is a *submodel* of every model in its chain. The effective
model merges the chain from the root base down (properties and smart functions by
key/name, overrides keep the base's position; allowedSubtypes are unioned).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mockserver.dtm.models import Problem, raise_problems
from mockserver.dtm.records import AssetModel, PropertyDoc
from mockserver.errors import Conflict, NotFound

MAX_ANCESTORS = 16
RESOURCE = "dtm"

Models = Mapping[str, AssetModel]


@dataclass(frozen=True)
class EffectiveModel:
    """A model with its whole chain merged: what instances are validated against."""

    id: str
    chain: tuple[str, ...]
    properties: Mapping[str, PropertyDoc]
    allowed_subtypes: frozenset[str]
    smart_functions: Mapping[str, str]


def id_order(value: str) -> tuple[int, str]:
    """Ids sort as numbers (shorter first), then as text."""
    return (len(value), value)


def chain(model_id: str, models: Models) -> list[str]:
    """``model_id`` followed by its ancestors; stops at a missing base or a repeated id."""
    result = [model_id]
    seen = {model_id}
    current = models.get(model_id)
    while current is not None and current.extends is not None:
        base = current.extends
        result.append(base)
        if base in seen:
            break
        seen.add(base)
        current = models.get(base)
    return result


def submodels(model_id: str, models: Models) -> set[str]:
    """``model_id`` and every model that extends it, transitively."""
    return {mid for mid in models if model_id in chain(mid, models)}


def effective_model(model_id: str, models: Models) -> EffectiveModel:
    """The merged view of a stored (valid) model."""
    ids = chain(model_id, models)
    properties: dict[str, PropertyDoc] = {}
    smart: dict[str, str] = {}
    allowed: set[str] = set()
    for mid in reversed(ids):
        model = models[mid]
        for prop in model.properties:
            properties[prop["key"]] = prop
        for function in model.smart_functions:
            smart[function["name"]] = function["expression"]
        allowed.update(model.allowed_subtypes)
    return EffectiveModel(model_id, tuple(ids), properties, frozenset(allowed), smart)


def inheritance_problems(model_id: str, models: Models) -> list[Problem]:
    """Chain problems (missing base, cycle, depth) and merge conflicts of one model."""
    ids = chain(model_id, models)
    if ids[-1] in ids[:-1]:
        return [
            (
                "extends",
                f"Extending {models[model_id].extends!r} would create an inheritance "
                f"cycle: {' -> '.join(ids)}.",
            )
        ]
    if ids[-1] not in models:
        return [("extends", f"The base model {ids[-1]!r} does not exist.")]
    if len(ids) - 1 > MAX_ANCESTORS:
        return [
            (
                "extends",
                f"The inheritance chain is {len(ids) - 1} levels deep; at most {MAX_ANCESTORS} are allowed.",
            )
        ]
    model = models[model_id]
    base = effective_model(model.extends, models) if model.extends is not None else None
    return _merge_problems(model, base)


def _merge_problems(model: AssetModel, base: EffectiveModel | None) -> list[Problem]:
    problems: list[Problem] = []
    inherited_props = base.properties if base else {}
    inherited_functions = base.smart_functions if base else {}
    own_keys = set()
    for index, prop in enumerate(model.properties):
        key = prop.get("key")
        own_keys.add(key)
        previous = inherited_props.get(key) if isinstance(key, str) else None
        if previous is not None and previous.get("type") != prop.get("type"):
            problems.append(
                (
                    f"properties[{index}].type",
                    f"The property {key!r} is inherited as "
                    f"{previous.get('type')} and must keep that type, not {prop.get('type')}.",
                )
            )
        if key in inherited_functions:
            problems.append(
                (
                    f"properties[{index}].key",
                    f"The property key {key!r} is already the name of an inherited smart function.",
                )
            )
    all_keys = set(inherited_props) | own_keys
    for index, function in enumerate(model.smart_functions):
        if function.get("name") in all_keys:
            problems.append(
                (
                    f"smartFunctions[{index}].name",
                    f"The smart function name {function.get('name')!r} is also a property key of the model.",
                )
            )
    return problems


def submodel_depth_problems(model_id: str, models: Models) -> list[Problem]:
    """A submodel of ``model_id`` that the change would push past the depth limit.

    Submodels are only rechecked for the extends rules (a cycle cannot reach them: it would
    have shown on this model; the depth can).
    """
    for other in sorted(submodels(model_id, models) - {model_id}, key=id_order):
        depth = len(chain(other, models)) - 1
        if depth > MAX_ANCESTORS:
            return [
                (
                    "extends",
                    f"Model {other} extends this model and would be {depth} levels deep; "
                    f"at most {MAX_ANCESTORS} are allowed.",
                )
            ]
    return []


def model_in_use(model_id: str, models: Models, instance_model_ids: Iterable[str]) -> str | None:
    """Why the model cannot be deleted (a sentence), or None when it is unused."""
    if any(mid == model_id for mid in instance_model_ids):
        return f"Asset model {model_id} is still the model of at least one asset instance."
    for other_id in sorted(models, key=id_order):
        if other_id == model_id:
            continue
        other = models[other_id]
        if other.extends == model_id:
            return f"Asset model {model_id} is extended by model {other_id}."
        if model_id in other.allowed_subtypes:
            return f"Asset model {model_id} is listed in allowedSubtypes of model {other_id}."
        for prop in other.properties:
            if prop.get("type") == "REFERENCE" and prop.get("target") == model_id:
                return (
                    f"Asset model {model_id} is the target of REFERENCE property {prop['key']!r} "
                    f"of model {other_id}."
                )
    return None


class ModelRegistry:
    """The stored models by id, with the effective model of each cached until the next change."""

    def __init__(self) -> None:
        self._models: dict[str, AssetModel] = {}
        self._effective: dict[str, EffectiveModel] = {}

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __len__(self) -> int:
        return len(self._models)

    def ids(self) -> frozenset[str]:
        return frozenset(self._models)

    def require(self, model_id: str) -> AssetModel:
        """The model ``model_id``; 404 when there is none."""
        model = self._models.get(model_id)
        if model is None:
            raise NotFound(f"Asset model with id {model_id!r} does not exist.", resource=RESOURCE)
        return model

    def ordered(self, name: str | None = None) -> list[AssetModel]:
        """The models (named ``name`` when given) in id order."""
        found = [m for m in self._models.values() if name is None or m.name == name]
        found.sort(key=lambda m: id_order(m.id))
        return found

    def by_name(self) -> dict[str, str]:
        """Model id by name (names are unique)."""
        return {model.name: model_id for model_id, model in self._models.items()}

    def property_keys(self) -> set[str]:
        """Every property key of every effective model."""
        return {key for model_id in self._models for key in self.effective(model_id).properties}

    def effective(self, model_id: str) -> EffectiveModel:
        cached = self._effective.get(model_id)
        if cached is None:
            cached = self._effective[model_id] = effective_model(model_id, self._models)
        return cached

    def is_submodel(self, model_id: str, ancestor: str) -> bool:
        """Whether ``model_id`` is ``ancestor`` or (transitively) extends it."""
        return ancestor in self.effective(model_id).chain

    def submodels(self, model_id: str) -> set[str]:
        return submodels(model_id, self._models)

    def put(self, model: AssetModel) -> None:
        """Store a new or changed model after the rules that span models: inheritance (422), then
        name uniqueness (409)."""
        candidate = {**self._models, model.id: model}
        raise_problems(inheritance_problems(model.id, candidate), "asset model")
        raise_problems(submodel_depth_problems(model.id, candidate), "asset model")
        for other in self._models.values():
            if other.name == model.name and other.id != model.id:
                raise Conflict(
                    f"An asset model named {model.name!r} already exists (id {other.id}).", resource=RESOURCE
                )
        self._models[model.id] = model
        self._effective.clear()

    def remove(self, model_id: str, instance_model_ids: Iterable[str]) -> None:
        """Delete a model no instance, submodel, allowedSubtypes list or REFERENCE uses (409 else)."""
        self.require(model_id)
        reason = model_in_use(model_id, self._models, instance_model_ids)
        if reason:
            raise Conflict(f"{reason} It cannot be deleted while in use.", resource=RESOURCE)
        del self._models[model_id]
        self._effective.clear()

    def clear(self) -> None:
        self._models.clear()
        self._effective.clear()

    def copy(self) -> ModelRegistry:
        """An independent registry holding the same (frozen) models."""
        twin = ModelRegistry()
        twin._models = dict(self._models)
        return twin
