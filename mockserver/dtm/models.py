"""Asset models: checking one model document field by field into an :class:`AssetModel` record.

Pure functions. A stored model only holds the fields the spec defines (``id, name,
description, icon, extends, properties, allowedSubtypes, smartFunctions``). The rules that
span models (inheritance, unique names, use by others) are the registry's
(:mod:`mockserver.dtm.registry`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, cast

from mockserver.dtm.expressions import ExpressionSyntaxError, compile_cached
from mockserver.dtm.records import AssetModel, PropertyDoc, SmartFunctionDoc
from mockserver.dtm.values import (
    KEY_PATTERN,
    MAX_NAME_LENGTH,
    PROPERTY_TYPES,
    check_value,
    json_kind,
    widget_problems,
)
from mockserver.errors import ValidationError

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

Problem = tuple[str | None, str]


def raise_problems(problems: list[Problem], what: str) -> None:
    """Raise one 422 listing every problem (field path + message); no-op when empty."""
    if not problems:
        return
    field, message = problems[0]
    more = f" ({len(problems) - 1} more problem(s) listed in errors)" if len(problems) > 1 else ""
    prefix = f"{field}: " if field else ""
    details = [{"field": f, "message": m} if f else {"message": m} for f, m in problems]
    raise ValidationError(f"The {what} is invalid: {prefix}{message}{more}", resource="dtm", details=details)


def merge_update(existing: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """PUT semantics: a top-level merge; readOnly ``id``/``self`` in the body are ignored."""
    merged = dict(existing)
    merged.update({k: v for k, v in body.items() if k not in ("id", "self")})
    return merged


def validate_model(body: Mapping[str, Any], *, model_id: str, known: Collection[str]) -> AssetModel:
    """Check a whole model document field by field and return its record (422 on any problem).

    ``known`` holds the ids of the stored models (the old version of ``model_id`` on update):
    what ``extends``, ``allowedSubtypes`` and REFERENCE targets may name.
    """
    problems: list[Problem] = []
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
    texts: dict[str, str | None] = {}
    for text_field in ("description", "icon"):
        value = body.get(text_field)
        texts[text_field] = value if isinstance(value, str) else None
        if value is not None and not isinstance(value, str):
            problems.append((text_field, f"The model {text_field} must be a string, got {json_kind(value)}."))
    extends = body.get("extends")
    if extends is not None and (not isinstance(extends, str) or extends not in known):
        problems.append(("extends", f"The base model {extends!r} does not exist."))
    properties = _properties(body.get("properties"), known, problems)
    allowed = _id_list(body.get("allowedSubtypes"), "allowedSubtypes", known, problems)
    functions = _smart_functions(body.get("smartFunctions"), problems)
    raise_problems(problems, "asset model")
    return AssetModel(
        id=model_id,
        name=cast(str, name),
        description=texts["description"],
        icon=texts["icon"],
        extends=cast("str | None", extends),
        properties=tuple(properties),
        allowed_subtypes=tuple(allowed),
        smart_functions=tuple(functions),
    )


def _properties(raw: Any, known: Collection[str], problems: list[Problem]) -> list[PropertyDoc]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("properties", f"The properties must be an array, got {json_kind(raw)}."))
        return []
    seen: set[str] = set()
    result: list[PropertyDoc] = []
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
        result.append(cast(PropertyDoc, out))
    return result


def _type_specific(
    prop: Mapping[str, Any],
    out: dict[str, Any],
    kind: Any,
    path: str,
    known: Collection[str],
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


def _id_list(raw: Any, path: str, known: Collection[str], problems: list[Problem]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append((path, f"{path} must be an array of model ids, got {json_kind(raw)}."))
        return []
    for index, value in enumerate(raw):
        if not isinstance(value, str) or value not in known:
            problems.append((f"{path}[{index}]", f"{value!r} is not the id of an existing asset model."))
    return [v for v in raw if isinstance(v, str)]


# Smart functions per model (each is evaluated on every read of an instance).
MAX_SMART_FUNCTIONS = 50


def _smart_functions(raw: Any, problems: list[Problem]) -> list[SmartFunctionDoc]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(("smartFunctions", f"smartFunctions must be an array, got {json_kind(raw)}."))
        return []
    if len(raw) > MAX_SMART_FUNCTIONS:
        problems.append(
            (
                "smartFunctions",
                f"A model may have at most {MAX_SMART_FUNCTIONS} smart functions, got {len(raw)}.",
            )
        )
        return []
    result: list[SmartFunctionDoc] = []
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
        # Invalid names and expressions are listed in problems, which raise before this is stored.
        result.append(SmartFunctionDoc(name=cast(str, name), expression=cast(str, expression)))
    return result
