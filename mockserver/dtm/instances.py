"""Asset instances as pure rules: property validation, defaults, hierarchy and computed values.

The store (``mockserver/dtm/store.py``) owns the data; the functions here take what they
need (the registry, the tree, lookups) and either return a checked draft or value, or report
problems as ``(field path, message)`` pairs that become one 422 listing all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from mockserver.dtm.expressions import (
    EvalContext,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    RollupFn,
    compile_cached,
)
from mockserver.dtm.language import READ_STEP_BUDGET, STEP_BUDGET
from mockserver.dtm.models import Problem
from mockserver.dtm.records import AssetInstance, AssetInstanceDoc, InstanceDraft
from mockserver.dtm.registry import EffectiveModel, ModelRegistry, id_order
from mockserver.dtm.tree import InstanceTree
from mockserver.dtm.values import MAX_NAME_LENGTH, check_value, json_kind
from mockserver.ids import is_server_id

INSTANCE_FIELDS = ("modelId", "name", "description", "managedObjectId", "parent", "properties")
READ_ONLY_FIELDS = ("id", "self", "children", "computed", "computedErrors", "activeAlarmsStatus")

#: ``resolve(instance id) -> model id`` (None when no such instance).
Resolve = Callable[[str], str | None]
#: ``is_submodel(model id, ancestor model id) -> bool``.
IsSubmodel = Callable[[str, str], bool]


def merge_update(existing: AssetInstance, body: Mapping[str, Any]) -> dict[str, Any]:
    """PUT semantics: top-level merge into the stored fields, readOnly fields of the body ignored."""
    merged: dict[str, Any] = {
        "modelId": existing.model_id,
        "name": existing.name,
        "description": existing.description,
        "managedObjectId": existing.managed_object_id,
        "parent": existing.parent,
        "properties": existing.properties,
    }
    merged.update({k: v for k, v in body.items() if k not in READ_ONLY_FIELDS})
    return merged


def check_header_fields(body: Mapping[str, Any], problems: list[Problem]) -> None:
    """Unknown fields, name (required, 1-254), description, managedObjectId/parent (id strings)."""
    for unknown in sorted(set(body) - {*INSTANCE_FIELDS, *READ_ONLY_FIELDS}):
        problems.append(
            (
                unknown,
                f"The field {unknown!r} is not part of an asset instance; allowed: "
                f"{', '.join(INSTANCE_FIELDS)}.",
            )
        )
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        got = f"{len(name)} characters" if isinstance(name, str) else json_kind(name)
        problems.append(
            ("name", f"An asset instance name must be a string of 1-{MAX_NAME_LENGTH} characters, got {got}.")
        )
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(("description", f"The description must be a string, got {json_kind(description)}."))
    for field in ("managedObjectId", "parent"):
        value = body.get(field)
        if value is not None and not is_server_id(value):
            problems.append((field, f"{field} must be an id (a string of digits), got {_short(value)}."))


def _short(value: Any) -> str:
    return repr(value)[:60] if isinstance(value, str) else json_kind(value)


def normalise_properties(
    raw: Any,
    model: EffectiveModel,
    resolve: Resolve,
    is_submodel: IsSubmodel,
    problems: list[Problem],
    *,
    unset: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The stored property map: nulls dropped, defaults applied, every value checked.

    Keys in ``unset`` (a CSV ``null`` cell) get no default.

    Reports unknown keys, missing required keys (after defaults) and type mismatches,
    each naming ``properties.<key>``.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(("properties", f"properties must be an object, got {json_kind(raw)}."))
        return {}
    result: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        prop = model.properties.get(key)
        if prop is None:
            problems.append(
                (
                    f"properties.{key}",
                    f"The property {key!r} is not defined by asset model {model.id} or its base models.",
                )
            )
            continue
        reason = check_value(prop, value, resolve, is_submodel)
        if reason:
            problems.append(
                (f"properties.{key}", f"The value of {prop['type']} property {key!r} is invalid: {reason}.")
            )
            continue
        result[key] = value
    ordered: dict[str, Any] = {}
    for key, prop in model.properties.items():
        if key not in result and key not in unset and prop.get("default") is not None:
            ordered[key] = prop["default"]
        elif key in result:
            ordered[key] = result[key]
        elif prop.get("required") and f"properties.{key}" not in {f for f, _ in problems}:
            problems.append(
                (
                    f"properties.{key}",
                    f"The property {key!r} is required by asset model {model.id} and has no default.",
                )
            )
    return ordered


def allowed_child(parent_model: EffectiveModel, child_chain: tuple[str, ...]) -> bool:
    """A child is allowed when any model of its chain is in the parent's allowedSubtypes."""
    return any(mid in parent_model.allowed_subtypes for mid in child_chain)


READ_BUDGET_SPENT = (
    f"The read's budget of {READ_STEP_BUDGET:,} evaluation steps for all smart functions together is spent."
)


def compute(
    model: EffectiveModel, properties: Mapping[str, Any], rollup: RollupFn | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every smart function's value (or null) and the error sentence of each failed one."""
    computed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    left = READ_STEP_BUDGET
    for name, source in model.smart_functions.items():
        env = EvalContext(properties, rollup, step_budget=min(STEP_BUDGET, left))
        try:
            value = compile_cached(source).evaluate(env)
        except (ExpressionEvaluationError, ExpressionSyntaxError) as exc:
            computed[name] = None
            # The read's budget is smaller than a function's own, so an overrun is the read's.
            errors[name] = READ_BUDGET_SPENT if env.steps > env.step_budget else exc.message
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # A guard against gaps in the walker's own checks: report, never a 500.
            computed[name] = None
            errors[name] = f"The smart function failed: {type(exc).__name__}."
        else:
            computed[name] = value
        finally:
            left = max(0, left - env.steps)
    return computed, errors


def render(record: AssetInstance, model: EffectiveModel, rollup: RollupFn | None) -> AssetInstanceDoc:
    """The public document (without ``self``): stored fields plus computed and computedErrors."""
    doc = record.header()
    doc["computed"], doc["computedErrors"] = compute(model, record.properties, rollup)
    return doc


def check_instance(
    body: Mapping[str, Any],
    problems: list[Problem],
    models: ModelRegistry,
    tree: InstanceTree,
    managed_object_exists: Callable[[str], bool],
    existing: AssetInstance | None = None,
) -> InstanceDraft | None:
    """Validate a candidate (create body or merged update) into a draft.

    Parent existence/allowance and managedObjectId existence are checked here; the
    409 for an already linked managed object and cycles are left to the caller.
    """
    model_id = body.get("modelId")
    if existing is not None and model_id != existing.model_id:
        problems.append(
            (
                "modelId",
                f"modelId is immutable: instance {existing.id} has model "
                f"{existing.model_id}, the request names {model_id!r}.",
            )
        )
        return None
    if not isinstance(model_id, str) or model_id not in models:
        problems.append(("modelId", f"modelId must name an existing asset model; {model_id!r} does not."))
        check_header_fields(body, problems)
        return None
    check_header_fields(body, problems)
    model = models.effective(model_id)
    properties = normalise_properties(
        body.get("properties"), model, tree.model_of, models.is_submodel, problems
    )
    parent = body.get("parent")
    if is_server_id(parent):
        parent_model = tree.model_of(parent)
        if parent_model is None:
            problems.append(("parent", f"The parent asset instance {parent!r} does not exist."))
        elif not allowed_child(models.effective(parent_model), model.chain):
            allowed = sorted(models.effective(parent_model).allowed_subtypes, key=id_order)
            problems.append(
                (
                    "parent",
                    f"Asset model {model_id} is not allowed under instance {parent} (model {parent_model}): "
                    f"its allowedSubtypes are {allowed}.",
                )
            )
    mo = body.get("managedObjectId")
    if is_server_id(mo) and not managed_object_exists(mo):
        problems.append(("managedObjectId", f"No managed object has the id {mo!r}."))
    return InstanceDraft(
        model_id=model_id,
        name=cast(str, body.get("name")),  # the caller raises a 422 unless it is a string
        description=body.get("description"),
        managed_object_id=mo,
        parent=parent,
        properties=properties,
    )


def check_update(
    existing: AssetInstance,
    body: Mapping[str, Any],
    models: ModelRegistry,
    tree: InstanceTree,
    managed_object_exists: Callable[[str], bool],
) -> tuple[InstanceDraft | None, list[Problem]]:
    """A merged update checked like a create, plus: managedObjectId is fixed, moves make no cycle."""
    merged = merge_update(existing, body)
    problems: list[Problem] = []
    mo = merged.get("managedObjectId")
    if mo is not None and mo != existing.managed_object_id:
        problems.append(
            (
                "managedObjectId",
                f"managedObjectId cannot change: instance {existing.id} is "
                f"linked to {existing.managed_object_id}, the request names {mo!r}.",
            )
        )
    merged["managedObjectId"] = existing.managed_object_id
    draft = check_instance(merged, problems, models, tree, managed_object_exists, existing)
    new_parent = merged.get("parent")
    if new_parent is not None and (new_parent == existing.id or new_parent in tree.descendants(existing.id)):
        problems = [p for p in problems if p[0] != "parent"]
        problems.append(
            (
                "parent",
                f"Moving instance {existing.id} under {new_parent} would create a cycle: "
                f"{new_parent} is the instance itself or one of its descendants.",
            )
        )
    return draft, problems
