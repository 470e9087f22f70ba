"""Asset models: validation, inheritance (the effective model) and the submodel relation.

Pure functions over a mapping ``model id -> stored model document``. A stored model only
holds the fields the spec defines (``id, name, description, icon, extends, properties,
allowedSubtypes, smartFunctions``); unknown top-level fields of a request are dropped.

Inheritance: ``extends`` names a base model. The *chain* of a model is itself followed
by its ancestors; a model is a *submodel* of every model in its chain. The effective
model merges the chain from the root base down (properties and smart functions by
key/name, overrides keep the base's position; allowedSubtypes are unioned).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mockserver.dtm.expressions import ExpressionSyntaxError, compile_cached
from mockserver.dtm.values import (
    KEY_PATTERN,
    MAX_NAME_LENGTH,
    PROPERTY_TYPES,
    check_value,
    json_kind,
    widget_problems,
)
from mockserver.errors import ValidationError

MAX_ANCESTORS = 16
MODEL_FIELDS = (
    "id",
    "name",
    "description",
    "icon",
    "extends",
    "properties",
    "allowedSubtypes",
    "smartFunctions",
)
PROPERTY_FIELDS = ("key", "label", "type", "required", "default", "values", "target", "widget")

Models = Mapping[str, Mapping[str, Any]]
Problem = tuple[str | None, str]


@dataclass(frozen=True)
class EffectiveModel:
    """A model with its whole chain merged: what instances are validated against."""

    id: str
    chain: tuple[str, ...]
    properties: Mapping[str, Mapping[str, Any]]
    allowed_subtypes: frozenset[str]
    smart_functions: Mapping[str, str]


def raise_problems(problems: list[Problem], what: str) -> None:
    """Raise one 422 listing every problem (field path + message); no-op when empty."""
    if not problems:
        return
    field, message = problems[0]
    more = f" ({len(problems) - 1} more problem(s) listed in errors)" if len(problems) > 1 else ""
    prefix = f"{field}: " if field else ""
    details = [{"field": f, "message": m} if f else {"message": m} for f, m in problems]
    raise ValidationError(f"The {what} is invalid: {prefix}{message}{more}", resource="dtm", details=details)


def chain(model_id: str, models: Models) -> list[str]:
    """``model_id`` followed by its ancestors; stops at a missing base or a repeated id."""
    result = [model_id]
    seen = {model_id}
    current = models.get(model_id)
    while current is not None and current.get("extends") is not None:
        base = str(current["extends"])
        if base in seen:
            result.append(base)
            break
        result.append(base)
        seen.add(base)
        current = models.get(base)
    return result


def is_submodel(model_id: str, ancestor: str, models: Models) -> bool:
    """Whether ``model_id`` is ``ancestor`` or (transitively) extends it."""
    return ancestor in chain(model_id, models)


def submodels(model_id: str, models: Models) -> set[str]:
    """``model_id`` and every model that extends it, transitively."""
    return {mid for mid in models if model_id in chain(mid, models)}


def effective_model(model_id: str, models: Models) -> EffectiveModel:
    """The merged view of a stored (valid) model."""
    ids = chain(model_id, models)
    properties: dict[str, Mapping[str, Any]] = {}
    smart: dict[str, str] = {}
    allowed: set[str] = set()
    for mid in reversed(ids):
        doc = models[mid]
        for prop in doc.get("properties") or ():
            properties[prop["key"]] = prop
        for function in doc.get("smartFunctions") or ():
            smart[function["name"]] = function["expression"]
        allowed.update(doc.get("allowedSubtypes") or ())
    return EffectiveModel(model_id, tuple(ids), properties, frozenset(allowed), smart)


def merge_update(existing: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """PUT semantics: a top-level merge; readOnly ``id``/``self`` in the body are ignored."""
    merged = dict(existing)
    merged.update({k: v for k, v in body.items() if k not in ("id", "self")})
    return merged


def validate_model(body: Mapping[str, Any], *, model_id: str, models: Models, is_new: bool) -> dict[str, Any]:
    """Check a whole model document and return it normalised for storage (422 on any problem).

    ``models`` is the current registry (holding the old version of ``model_id`` on update).
    Descendants of an updated model are revalidated against the new version.
    """
    problems: list[Problem] = []
    doc: dict[str, Any] = {"id": model_id}
    known = {mid for mid in models if mid != model_id or not is_new}
    if not is_new:
        known.add(model_id)
    for unknown in sorted(set(body) - {*MODEL_FIELDS, "self"}):
        problems.append(
            (
                unknown,
                f"The field {unknown!r} is not part of an asset model; allowed: "
                f"{', '.join(MODEL_FIELDS[1:])}.",
            )
        )

    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        problems.append(
            (
                "name",
                f"A model name must be a string of 1-{MAX_NAME_LENGTH} characters, "
                f"got {json_kind(name) if not isinstance(name, str) else f'{len(name)} characters'}.",
            )
        )
    else:
        doc["name"] = name
    for text_field in ("description", "icon"):
        value = body.get(text_field)
        if value is None:
            continue
        if isinstance(value, str):
            doc[text_field] = value
        else:
            problems.append((text_field, f"The model {text_field} must be a string, got {json_kind(value)}."))

    extends = body.get("extends")
    if extends is not None:
        if not isinstance(extends, str) or extends not in models or (extends == model_id and is_new):
            problems.append(("extends", f"The base model {extends!r} does not exist."))
        else:
            doc["extends"] = extends

    doc["properties"] = _properties(body.get("properties"), known, problems)
    doc["allowedSubtypes"] = _id_list(body.get("allowedSubtypes"), "allowedSubtypes", known, problems)
    doc["smartFunctions"] = _smart_functions(body.get("smartFunctions"), problems)
    raise_problems(problems, "asset model")

    candidate = {**models, model_id: doc}
    problems.extend(_inheritance_problems(model_id, candidate))
    raise_problems(problems, "asset model")
    # Submodels are only rechecked for the extends rules (a cycle cannot reach them: it would
    # have shown on this model; the depth can).
    for other in sorted(submodels(model_id, candidate) - {model_id}, key=_id_order):
        depth = len(chain(other, candidate)) - 1
        if depth > MAX_ANCESTORS:
            problems.append(
                (
                    "extends",
                    f"Model {other} extends this model and would be {depth} levels deep; "
                    f"at most {MAX_ANCESTORS} are allowed.",
                )
            )
            break
    raise_problems(problems, "asset model")
    return doc


def _id_order(value: str) -> tuple[int, str]:
    return (len(value), value)


def _properties(raw: Any, known: set[str], problems: list[Problem]) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("properties", f"The properties must be an array, got {json_kind(raw)}."))
        return []
    seen: set[str] = set()
    result: list[dict[str, Any]] = []
    for index, prop in enumerate(raw):
        path = f"properties[{index}]"
        if not isinstance(prop, dict):
            problems.append((path, f"A property must be an object, got {json_kind(prop)}."))
            continue
        out = {k: prop[k] for k in PROPERTY_FIELDS if k in prop and prop[k] is not None}
        for unknown in sorted(set(prop) - set(PROPERTY_FIELDS)):
            problems.append(
                (
                    f"{path}.{unknown}",
                    f"The field {unknown!r} is not part of a property; allowed: "
                    f"{', '.join(PROPERTY_FIELDS)}.",
                )
            )
        key = prop.get("key")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            problems.append(
                (
                    f"{path}.key",
                    f"A property key must match {KEY_PATTERN.pattern}, got {key!r}."
                    if isinstance(key, str)
                    else f"A property key is required (a string), got {json_kind(key)}.",
                )
            )
        elif key in seen:
            problems.append((f"{path}.key", f"The property key {key!r} appears more than once in the model."))
        else:
            seen.add(key)
        kind = prop.get("type")
        if kind not in PROPERTY_TYPES:
            problems.append(
                (f"{path}.type", f"A property type must be one of {', '.join(PROPERTY_TYPES)}, got {kind!r}.")
            )
        if "label" in out and not isinstance(out["label"], str):
            problems.append(
                (f"{path}.label", f"A property label must be a string, got {json_kind(out['label'])}.")
            )
        if "required" in out and not isinstance(out["required"], bool):
            problems.append(
                (f"{path}.required", f"'required' must be true or false, got {json_kind(out['required'])}.")
            )
        _type_specific(prop, out, kind, path, known, problems)
        if "widget" in out:
            problems.extend(widget_problems(out["widget"], f"{path}.widget"))
        result.append(out)
    return result


def _type_specific(
    prop: Mapping[str, Any],
    out: dict[str, Any],
    kind: Any,
    path: str,
    known: set[str],
    problems: list[Problem],
) -> None:
    values = prop.get("values")
    if kind == "ENUM":
        if not isinstance(values, list) or not values:
            problems.append(
                (f"{path}.values", "An ENUM property needs 'values', a non-empty list of strings.")
            )
        elif not all(isinstance(v, str) and v for v in values):
            problems.append((f"{path}.values", "Every ENUM value must be a non-empty string."))
        elif len(set(values)) != len(values):
            problems.append((f"{path}.values", "The ENUM values must be unique."))
    elif values is not None:
        problems.append((f"{path}.values", f"'values' is only allowed on ENUM properties, not on {kind}."))
    target = prop.get("target")
    if kind == "REFERENCE":
        if not isinstance(target, str) or target not in known:
            problems.append(
                (
                    f"{path}.target",
                    f"A REFERENCE property needs 'target', the id of an existing "
                    f"model; {target!r} is not one.",
                )
            )
    elif target is not None:
        problems.append(
            (f"{path}.target", f"'target' is only allowed on REFERENCE properties, not on {kind}.")
        )
    if prop.get("default") is not None and kind in PROPERTY_TYPES:
        if kind == "REFERENCE":
            problems.append((f"{path}.default", "A REFERENCE property cannot have a default."))
        elif not any(f == f"{path}.values" for f, _ in problems):
            reason = check_value(prop, prop["default"])
            if reason:
                problems.append((f"{path}.default", f"The default is not valid for {kind}: {reason}."))


def _id_list(raw: Any, path: str, known: set[str], problems: list[Problem]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append((path, f"{path} must be an array of model ids, got {json_kind(raw)}."))
        return []
    for index, value in enumerate(raw):
        if not isinstance(value, str) or value not in known:
            problems.append((f"{path}[{index}]", f"{value!r} is not the id of an existing asset model."))
    return [v for v in raw if isinstance(v, str)]


def _smart_functions(raw: Any, problems: list[Problem]) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("smartFunctions", f"smartFunctions must be an array, got {json_kind(raw)}."))
        return []
    result: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, function in enumerate(raw):
        path = f"smartFunctions[{index}]"
        if not isinstance(function, dict):
            problems.append((path, f"A smart function must be an object, got {json_kind(function)}."))
            continue
        name, expression = function.get("name"), function.get("expression")
        for unknown in sorted(set(function) - {"name", "expression"}):
            problems.append(
                (
                    f"{path}.{unknown}",
                    f"The field {unknown!r} is not part of a smart function; allowed: name, expression.",
                )
            )
        if not isinstance(name, str) or not KEY_PATTERN.match(name):
            problems.append(
                (
                    f"{path}.name",
                    f"A smart function name must match {KEY_PATTERN.pattern}, got {name!r}.",
                )
            )
        elif name in seen:
            problems.append((f"{path}.name", f"The smart function name {name!r} appears more than once."))
        else:
            seen.add(name)
        if not isinstance(expression, str):
            problems.append(
                (f"{path}.expression", f"An expression must be a string, got {json_kind(expression)}.")
            )
        else:
            try:
                compile_cached(expression)
            except ExpressionSyntaxError as exc:
                problems.append((f"{path}.expression", exc.message))
        result.append({"name": name, "expression": expression})  # type: ignore[dict-item]
    return result


def _inheritance_problems(model_id: str, models: Models) -> list[Problem]:
    """Chain problems (missing base, cycle, depth) and merge conflicts of one model."""
    ids = chain(model_id, models)
    if ids[-1] in ids[:-1]:
        return [
            (
                "extends",
                f"Extending {models[model_id].get('extends')!r} would create an inheritance "
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
    problems: list[Problem] = []
    doc = models[model_id]
    base_id = doc.get("extends")
    base = effective_model(str(base_id), models) if base_id is not None else None
    inherited_props = base.properties if base else {}
    inherited_functions = base.smart_functions if base else {}
    own_keys = set()
    for index, prop in enumerate(doc.get("properties") or ()):
        key = prop.get("key")
        own_keys.add(key)
        previous = inherited_props.get(key)
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
    for index, function in enumerate(doc.get("smartFunctions") or ()):
        if function.get("name") in all_keys:
            problems.append(
                (
                    f"smartFunctions[{index}].name",
                    f"The smart function name {function.get('name')!r} is also a property key of the model.",
                )
            )
    return problems


def model_in_use(model_id: str, models: Models, instance_model_ids: Iterable[str]) -> str | None:
    """Why the model cannot be deleted (a sentence), or None when it is unused."""
    if any(mid == model_id for mid in instance_model_ids):
        return f"Asset model {model_id} is still the model of at least one asset instance."
    for other_id in sorted(models, key=_id_order):
        if other_id == model_id:
            continue
        other = models[other_id]
        if other.get("extends") == model_id:
            return f"Asset model {model_id} is extended by model {other_id}."
        if model_id in (other.get("allowedSubtypes") or ()):
            return f"Asset model {model_id} is listed in allowedSubtypes of model {other_id}."
        for prop in other.get("properties") or ():
            if prop.get("type") == "REFERENCE" and prop.get("target") == model_id:
                return (
                    f"Asset model {model_id} is the target of REFERENCE property {prop['key']!r} "
                    f"of model {other_id}."
                )
    return None
