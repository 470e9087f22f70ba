"""Asset instances as pure rules: property validation, defaults, hierarchy and computed values.

The store (``mockserver/dtm/store.py``) owns the data; the functions here take what they
need (the effective model, lookups) and either return a normalised value or report
problems as ``(field path, message)`` pairs that become one 422 listing all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.dtm.expressions import (
    EvalContext,
    ExpressionEvaluationError,
    ExpressionSyntaxError,
    RollupFn,
    compile_cached,
)
from mockserver.dtm.models import EffectiveModel, Problem
from mockserver.dtm.values import MAX_NAME_LENGTH, check_value, json_kind
from mockserver.ids import is_server_id

INSTANCE_FIELDS = ("modelId", "name", "description", "managedObjectId", "parent", "properties")
READ_ONLY_FIELDS = ("id", "self", "children", "computed", "computedErrors", "activeAlarmsStatus")

#: ``resolve(instance id) -> model id`` (None when no such instance).
Resolve = Callable[[str], str | None]
#: ``is_submodel(model id, ancestor model id) -> bool``.
IsSubmodel = Callable[[str, str], bool]


def merge_update(existing: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """PUT semantics: top-level merge, readOnly fields of the body ignored."""
    merged = dict(existing)
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


def compute(
    model: EffectiveModel, properties: Mapping[str, Any], rollup: RollupFn | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every smart function's value (or null) and the error sentence of each failed one."""
    computed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, source in model.smart_functions.items():
        try:
            value = compile_cached(source).evaluate(EvalContext(properties, rollup))
        except (ExpressionEvaluationError, ExpressionSyntaxError) as exc:
            computed[name] = None
            errors[name] = exc.message
            continue
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # A guard against gaps in the walker's own checks: report, never a 500.
            computed[name] = None
            errors[name] = f"The smart function failed: {type(exc).__name__}."
            continue
        computed[name] = value
    return computed, errors


def aggregate(function: str, values: list[float]) -> float | int | None:
    """A roll-up aggregate over series values; no data -> null (latest/min/max/avg) or 0."""
    if function == "count":
        return len(values)
    if function == "sum":
        return sum(values) if values else 0
    if not values:
        return None
    if function == "latest":
        return values[-1]
    if function == "min":
        return min(values)
    if function == "max":
        return max(values)
    return sum(values) / len(values)
