"""spec/dtm.yaml is valid, keeps every promise of the upstream seed, and writes down every DTM rule.

The upstream document (``spec/upstream/cumulocity-dtm-api-openapi.yml``) is the seed byte for byte.
``spec/dtm.yaml`` must be a strict superset of it: every path, operation, operationId, parameter and
schema property of the upstream document is still there with the same type. The superset checker
below is a pure function over two loaded documents, so a deliberately mutated spec proves it
reports exactly what was broken.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30WriteValidator
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

REPO = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO / "spec" / "dtm.yaml"
UPSTREAM_PATH = REPO / "spec" / "upstream" / "cumulocity-dtm-api-openapi.yml"
# CI checks the repository out with the shared material beside it (../shared).
SEED_GLOB = "000_*.txt"
SEED_DIR = REPO.parent / "shared" / "seeds"
UPSTREAM_SHA256 = "fb23328fdcbf3f810b3a07a7bc65f8d888b074a305fd1fb2eed092db141c9145"

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ERROR_MEDIA_TYPE = "application/vnd.com.nsn.cumulocity.error+json"

SPEC_TEXT = SPEC_PATH.read_text(encoding="utf-8")
SPEC: dict[str, Any] = yaml.safe_load(SPEC_TEXT)
UPSTREAM: dict[str, Any] = yaml.safe_load(UPSTREAM_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the superset checker


def _lookup(doc: dict[str, Any], pointer: str) -> Any:
    node: Any = doc
    for part in pointer.strip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _resolve(doc: dict[str, Any], node: Any, pointer: str) -> tuple[Any, str]:
    """Follow local ``$ref``s; return the node and the JSON pointer where it really lives."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise ValueError(f"The reference {ref!r} at {pointer} is not a resolvable local reference.")
        seen.add(ref)
        pointer = ref[1:]
        node = _lookup(doc, pointer)
    return node, pointer


def _parameters(doc: dict[str, Any], path: str, method: str) -> dict[tuple[str, str], tuple[Any, str]]:
    """Every parameter of an operation, path-level ones included, keyed by (name, in)."""
    item = doc["paths"][path]
    found: dict[tuple[str, str], tuple[Any, str]] = {}
    base = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    for owner, where in ((item, base), (item[method], f"{base}/{method}")):
        for i, raw in enumerate(owner.get("parameters", [])):
            param, pointer = _resolve(doc, raw, f"{where}/parameters/{i}")
            found[(param["name"], param["in"])] = (param, pointer)
    return found


def _schema_violations(
    upstream: dict[str, Any], u_node: Any, spec: dict[str, Any], s_node: Any, s_pointer: str
) -> Iterator[tuple[str, str]]:
    """(spec pointer, problem) for every upstream schema promise the spec schema breaks."""
    u_schema, _ = _resolve(upstream, u_node, "")
    s_schema, s_pointer = _resolve(spec, s_node, s_pointer)
    if u_schema.get("type") != s_schema.get("type"):
        yield s_pointer, f"type is {s_schema.get('type')!r}, upstream has {u_schema.get('type')!r}"
    missing_enum = set(u_schema.get("enum", [])) - set(s_schema.get("enum", u_schema.get("enum", [])))
    if missing_enum:
        yield s_pointer, f"enum lacks the upstream values {sorted(missing_enum)}"
    s_props = s_schema.get("properties", {})
    for name, u_prop in u_schema.get("properties", {}).items():
        if name not in s_props:
            yield f"{s_pointer}/properties/{name}", "property is missing"
            continue
        yield from _schema_violations(upstream, u_prop, spec, s_props[name], f"{s_pointer}/properties/{name}")
    if "items" in u_schema:
        if "items" not in s_schema:
            yield f"{s_pointer}/items", "items are missing"
        else:
            yield from _schema_violations(
                upstream, u_schema["items"], spec, s_schema["items"], f"{s_pointer}/items"
            )
    u_extra = u_schema.get("additionalProperties")
    if isinstance(u_extra, dict):
        s_extra = s_schema.get("additionalProperties")
        if not isinstance(s_extra, dict):
            yield f"{s_pointer}/additionalProperties", "additionalProperties schema is missing"
        else:
            yield from _schema_violations(
                upstream, u_extra, spec, s_extra, f"{s_pointer}/additionalProperties"
            )
    elif u_extra is True and s_schema.get("additionalProperties", True) is False:
        yield (
            f"{s_pointer}/additionalProperties",
            "additional properties are allowed upstream but refused here",
        )


def _content_violations(
    upstream: dict[str, Any],
    u_owner: dict[str, Any],
    spec: dict[str, Any],
    s_owner: dict[str, Any],
    where: str,
) -> Iterator[tuple[str, str]]:
    u_owner, _ = _resolve(upstream, u_owner, "")
    s_owner, where = _resolve(spec, s_owner, where)
    for media_type, u_media in u_owner.get("content", {}).items():
        s_media = s_owner.get("content", {}).get(media_type)
        if s_media is None:
            yield f"{where}/content/{media_type}", "media type is missing"
        elif "schema" in u_media:
            yield from _schema_violations(
                upstream,
                u_media["schema"],
                spec,
                s_media.get("schema", {}),
                f"{where}/content/{media_type}/schema",
            )


def superset_violations(upstream: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """Every way ``spec`` fails to keep a promise of ``upstream``, one line per spec location."""
    problems: dict[str, str] = {}

    def add(pointer: str, problem: str) -> None:
        problems.setdefault(pointer, problem)

    for path, u_item in upstream.get("paths", {}).items():
        p_pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
        s_item = spec.get("paths", {}).get(path)
        if s_item is None:
            add(p_pointer, "path is missing")
            continue
        for method in (m for m in METHODS if m in u_item):
            o_pointer = f"{p_pointer}/{method}"
            s_op = s_item.get(method)
            if s_op is None:
                add(o_pointer, "operation is missing")
                continue
            if s_op.get("operationId") != u_item[method].get("operationId"):
                add(
                    f"{o_pointer}/operationId",
                    f"operationId is {s_op.get('operationId')!r}, "
                    f"upstream has {u_item[method].get('operationId')!r}",
                )
            s_params = _parameters(spec, path, method)
            for key, (u_param, _) in _parameters(upstream, path, method).items():
                if key not in s_params:
                    add(f"{o_pointer}/parameters[{key[1]}:{key[0]}]", "parameter is missing")
                    continue
                s_param, s_pointer = s_params[key]
                for pointer, problem in _schema_violations(
                    upstream,
                    u_param.get("schema", {}),
                    spec,
                    s_param.get("schema", {}),
                    f"{s_pointer}/schema",
                ):
                    add(pointer, problem)
            if "requestBody" in u_item[method]:
                if "requestBody" not in s_op:
                    add(f"{o_pointer}/requestBody", "request body is missing")
                else:
                    for pointer, problem in _content_violations(
                        upstream,
                        u_item[method]["requestBody"],
                        spec,
                        s_op["requestBody"],
                        f"{o_pointer}/requestBody",
                    ):
                        add(pointer, problem)
            for status, u_response in u_item[method].get("responses", {}).items():
                s_response = s_op.get("responses", {}).get(str(status))
                if s_response is None:
                    add(f"{o_pointer}/responses/{status}", "response is missing")
                    continue
                for pointer, problem in _content_violations(
                    upstream, u_response, spec, s_response, f"{o_pointer}/responses/{status}"
                ):
                    add(pointer, problem)

    for name, u_schema in upstream.get("components", {}).get("schemas", {}).items():
        s_schema = spec.get("components", {}).get("schemas", {}).get(name)
        if s_schema is None:
            add(f"/components/schemas/{name}", "schema is missing")
            continue
        for pointer, problem in _schema_violations(
            upstream, u_schema, spec, s_schema, f"/components/schemas/{name}"
        ):
            add(pointer, problem)
    for name, u_scheme in upstream.get("components", {}).get("securitySchemes", {}).items():
        s_scheme = spec.get("components", {}).get("securitySchemes", {}).get(name, {})
        for field in ("type", "scheme", "bearerFormat"):
            if u_scheme.get(field) != s_scheme.get(field):
                add(
                    f"/components/securitySchemes/{name}/{field}",
                    f"differs from upstream {u_scheme.get(field)!r}",
                )
    for requirement in upstream.get("security", []):
        if requirement not in spec.get("security", []):
            add("/security", f"lacks the upstream requirement {requirement}")
    for server in upstream.get("servers", []):
        if server not in spec.get("servers", []):
            add("/servers", f"lacks the upstream server {server['url']}")
    s_tags = {tag["name"] for tag in spec.get("tags", [])}
    for tag in upstream.get("tags", []):
        if tag["name"] not in s_tags:
            add("/tags", f"lacks the upstream tag {tag['name']!r}")
    return [f"{pointer}: {problem}" for pointer, problem in sorted(problems.items())]


# --------------------------------------------------------------------------- the documents themselves


def test_dtm_spec_passes_openapi_spec_validator() -> None:
    validate(SPEC)


def test_dtm_spec_is_openapi_3_0_3_with_string_version() -> None:
    assert SPEC["openapi"] == "3.0.3"
    assert SPEC["info"]["version"] == "2025.1"


def test_dtm_spec_is_a_superset_of_upstream() -> None:
    assert superset_violations(UPSTREAM, SPEC) == []


def test_superset_checker_sees_every_upstream_operation() -> None:
    """Guards the checker itself: it must walk the ten upstream operations, not an empty document."""
    operation_ids = {
        op["operationId"] for item in UPSTREAM["paths"].values() for m, op in item.items() if m in METHODS
    }
    assert operation_ids == {
        "listAssetModels",
        "createAssetModel",
        "getAssetModel",
        "updateAssetModel",
        "deleteAssetModel",
        "listAssetInstances",
        "createAssetInstance",
        "getAssetInstance",
        "updateAssetInstance",
        "deleteAssetInstance",
    }
    empty: dict[str, Any] = {"paths": {}, "components": {}}
    assert len(superset_violations(UPSTREAM, empty)) >= len(UPSTREAM["paths"]) + len(
        UPSTREAM["components"]["schemas"]
    )


def test_upstream_copy_has_its_recorded_sha256() -> None:
    assert hashlib.sha256(UPSTREAM_PATH.read_bytes()).hexdigest() == UPSTREAM_SHA256


def test_upstream_copy_is_the_seed_byte_for_byte() -> None:
    seeds = sorted(SEED_DIR.glob(SEED_GLOB))
    if not seeds:
        pytest.skip(f"The DTM seed {SEED_DIR / SEED_GLOB} is not checked out beside the repository.")
    assert len(seeds) == 1, f"Expected one DTM seed, found {[s.name for s in seeds]}."
    seed = seeds[0].read_bytes()
    start = seed.index(b"openapi: 3.0.3")
    assert UPSTREAM_PATH.read_bytes() == seed[start:]


def test_upstream_fails_openapi_spec_validator_only_because_its_version_is_a_float() -> None:
    assert isinstance(UPSTREAM["info"]["version"], float)
    with pytest.raises(OpenAPIValidationError) as caught:
        validate(UPSTREAM)
    assert list(caught.value.path) == ["info", "version"]
    repaired = copy.deepcopy(UPSTREAM)
    repaired["info"]["version"] = "2025.1"
    validate(repaired)


# --------------------------------------------------------------------------- the checker catches breakage


def _set_type(pointer: str, new_type: str) -> Any:
    def mutate(spec: dict[str, Any]) -> None:
        _lookup(spec, pointer)["type"] = new_type

    return mutate


def _rename_operation(spec: dict[str, Any]) -> None:
    spec["paths"]["/service/dtm/asset-instances/{id}"]["delete"]["operationId"] = "removeAssetInstance"


def _drop_parameter(spec: dict[str, Any]) -> None:
    params = spec["paths"]["/service/dtm/asset-instances"]["get"]["parameters"]
    spec["paths"]["/service/dtm/asset-instances"]["get"]["parameters"] = [
        p for p in params if p.get("name") != "model"
    ]


def _drop_enum_value(spec: dict[str, Any]) -> None:
    spec["components"]["schemas"]["AssetProperty"]["properties"]["type"]["enum"].remove("REFERENCE")


RETYPED = "type is 'integer', upstream has 'string'"
INSTANCES = "/paths/~1service~1dtm~1asset-instances"
MUTATIONS = {
    "shared property type": (
        _set_type("/components/schemas/AssetProperty/properties/key", "integer"),
        f"/components/schemas/AssetProperty/properties/key: {RETYPED}",
    ),
    "create body property type": (
        _set_type("/components/schemas/AssetInstanceCreate/properties/modelId", "integer"),
        f"/components/schemas/AssetInstanceCreate/properties/modelId: {RETYPED}",
    ),
    "nested items type": (
        _set_type("/components/schemas/AssetInstance/properties/children/items", "integer"),
        f"/components/schemas/AssetInstance/properties/children/items: {RETYPED}",
    ),
    "parameter type": (
        _set_type(f"{INSTANCES}/get/parameters/0/schema", "integer"),
        f"{INSTANCES}/get/parameters/0/schema: {RETYPED}",
    ),
    "operationId": (
        _rename_operation,
        f"{INSTANCES}~1{{id}}/delete/operationId: operationId is 'removeAssetInstance', "
        "upstream has 'deleteAssetInstance'",
    ),
    "missing parameter": (
        _drop_parameter,
        f"{INSTANCES}/get/parameters[query:model]: parameter is missing",
    ),
    "enum value": (
        _drop_enum_value,
        "/components/schemas/AssetProperty/properties/type: enum lacks the upstream values ['REFERENCE']",
    ),
}


@pytest.mark.parametrize(("mutate", "expected"), MUTATIONS.values(), ids=MUTATIONS.keys())
def test_superset_checker_reports_exactly_the_broken_promise(mutate: Any, expected: str) -> None:
    mutated = copy.deepcopy(SPEC)
    mutate(mutated)
    assert superset_violations(UPSTREAM, mutated) == [expected]


# --------------------------------------------------------------------------- helpers over the spec

OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    op["operationId"]: (path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in METHODS
}
UPSTREAM_OPERATION_IDS = {
    op["operationId"] for item in UPSTREAM["paths"].values() for m, op in item.items() if m in METHODS
}


def _text(node: Any) -> str:
    """Every string (keys included) below ``node``, whitespace collapsed, so wording survives line wraps."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                parts.append(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    return re.sub(r"\s+", " ", " ".join(parts))


def _deref(node: Any) -> Any:
    """A copy of ``node`` with every local ``$ref`` replaced by its target (the spec has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _deref(_lookup(SPEC, node["$ref"][1:]))
        return {key: _deref(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_deref(value) for value in node]
    return node


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = SPEC["components"]["schemas"][name]
    return schema


def _params(operation_id: str) -> dict[str, dict[str, Any]]:
    path, method, _ = OPERATIONS[operation_id]
    return {key[0]: param for key, (param, _) in _parameters(SPEC, path, method).items()}


def _responses(operation_id: str) -> dict[str, dict[str, Any]]:
    return {
        str(code): _resolve(SPEC, r, "")[0] for code, r in OPERATIONS[operation_id][2]["responses"].items()
    }


def _body_schema_name(operation_id: str) -> str:
    ref: str = OPERATIONS[operation_id][2]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- every DTM rule is written down

INFO = "/info/description"


def _op(operation_id: str) -> str:
    path, method, _ = OPERATIONS[operation_id]
    return "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _terms(joined: str) -> list[str]:
    return [term.strip() for term in joined.split(" | ")]


# Where each rule of the DTM rules is written, and wording that must stay there (" | " separates terms).
RULE_TERMS = {
    "asset models: fields": (
        "/components/schemas/AssetModel",
        _terms(
            "1 to 254 characters | unique among all asset models | 409 | extends | cycle | 16 steps | "
            "allowedSubtypes[i] | or on update the model itself | no children allowed | smartFunctions"
        ),
    ),
    "asset models: property rules": (
        "/components/schemas/AssetProperty",
        _terms(
            "^[A-Za-z_][A-Za-z0-9_]{0,63}$ | unique within the model | must keep its `type` | TEXT | "
            "NUMBER | BOOLEAN | DATE | ENUM | REFERENCE | after defaults are applied | not allowed on "
            "REFERENCE | non-empty list of unique non-empty strings | Forbidden on every other type | "
            "existing asset model | properties[i].<field>"
        ),
    ),
    "asset models: smart function fields": (
        "/components/schemas/SmartFunction",
        _terms(
            "Same pattern as a property key | unique among the model's effective smart functions | "
            "different from every property key | maxLength"
        ),
    ),
    "asset models: inheritance": (
        INFO,
        _terms(
            "effective model | submodel | replaces the inherited definition | must keep the inherited "
            "`type` | union over the chain | merged by `name` | base first | keeps the position"
        ),
    ),
    "asset models and instances: top-level merge": (
        INFO,
        _terms(
            "top-level merge | keeps its stored value | replaced, never merged | validated as a whole | "
            "is ignored"
        ),
    ),
    "asset models: update": (
        _op("updateAssetModel"),
        _terms("not rewritten | next write | model itself | 409 | cycle"),
    ),
    "asset models: delete in use": (
        _op("deleteAssetModel"),
        _terms("409 | `modelId` | `extends` | `allowedSubtypes` | `target`"),
    ),
    "asset models: list": (
        _op("listAssetModels"),
        _terms("`id` order | exactly the given `name`"),
    ),
    "asset instances: property values": (
        "/components/schemas/AssetInstance",
        _terms(
            "effective model | `null` counts as absent | required key | does not declare | 10,000 "
            "characters | finite JSON number | not a boolean, not a numeric string | `YYYY-MM-DD` | RFC "
            "3339 | real calendar date | one of the property's `values` | `target` or one of its "
            "submodels | properties.<key>"
        ),
    ),
    "asset instances: managed object": (
        _op("createAssetInstance"),
        _terms('"type": "c8y_DtmAsset" | "c8y_IsAsset": {} | must exist (`422`) | another instance (`409`)'),
    ),
    "asset instances: fields": (
        "/components/schemas/AssetInstance",
        _terms(
            "cannot change after create | only if the server created it | in the order they became "
            "children | maintained by the server | allowedSubtypes | any model of its `extends` chain"
        ),
    ),
    "asset instances: update and move": (
        _op("updateAssetInstance"),
        _terms(
            "replaces the whole map | defaults apply | `modelId` | leaves the old parent's `children` | "
            "appended to the new parent's | `parent: null` makes it a root | descendants is a `422`"
        ),
    ),
    "asset instances: delete": (
        _op("deleteAssetInstance"),
        _terms(
            "409 | `cascade=true` | whole subtree | REFERENCE property | outside the deleted subtree | "
            "managed object the server created | is kept"
        ),
    ),
    "asset instances: list": (
        _op("listAssetInstances"),
        _terms("submodels, transitively | direct children | AND | `id` order"),
    ),
    "smart functions: syntax": (
        INFO,
        _terms(
            'ast.parse(source, mode="eval") | never hands the text to `eval`, `compile` or `exec` | '
            "`true` / `false` / `null` | `True` / `False` / `None` | absent property | `+ - * / % **` | "
            "unary `-`, `+` | `not` | `== != < <= > >=` | chained | `and`, `or` | `a if cond else b` | "
            "`abs(x)` | `round(x)` | `round(x, n)` | `min(a, b, ...)` | `max(a, b, ...)` | `coalesce(a, "
            "b, ...)` | `latest(s)` | `min(s)` | `max(s)` | `avg(s)` | `sum(s)` | `count(s)` | `min(s, "
            "w)` | `max(s, w)` | `avg(s, w)` | `sum(s, w)` | `count(s, w)` | `^[1-9][0-9]{0,2}[smhdw]$` |"
            " first argument is a string literal is the roll-up form"
        ),
    ),
    "smart functions: rejected at model validation": (
        INFO,
        _terms(
            "smartFunctions[i].expression | syntax error | attribute access | subscripts | lambdas | "
            "comprehensions | f-strings | `:=` | calls of any other name | keyword or starred arguments |"
            " starting with `_` | longer than 1000 characters | deeper than 32 | more than 200 nodes"
        ),
    ),
    "smart functions: runtime": (
        INFO,
        _terms(
            "never fail the request | `computedErrors[name]` | division or modulo by zero | wrong kind | "
            "exceeds 64 | 1e300 | 10,000 evaluation steps | `null` without an error | `sum` and `count` "
            "give `0`"
        ),
    ),
    "smart functions: roll-up scope": (
        INFO,
        _terms(
            "`source.id` is the `managedObjectId` of the instance or of any of its descendants | current "
            "time minus `w` | no window means all time"
        ),
    ),
    "roll-up: measurements endpoint": (
        _op("getAssetInstanceRollupMeasurements"),
        _terms(
            "any of its descendants | `type` | `valueFragmentType` | `valueFragmentSeries` | `dateFrom` |"
            " `dateTo` | `revert=true` | paging | measurement collection"
        ),
    ),
    "roll-up: series endpoint": (
        _op("getAssetInstanceRollupSeries"),
        _terms(
            "/measurement/measurements/series | except `source` | mandatory | `aggregationInterval` | "
            "`aggregationFunction` | 5000 | `truncated`"
        ),
    ),
    "roll-up: alarms endpoint": (
        _op("getAssetInstanceRollupAlarms"),
        _terms(
            "any of its descendants | `status` | `severity` | `resolved` | `fragmentType` | half-open | "
            "newest `time` first | alarm collection"
        ),
    ),
    "widgets": (
        "/components/schemas/AssetPropertyWidget",
        _terms(
            "stored and returned exactly as sent | properties[i].widget.<field> | greater than or equal "
            "to `min`"
        ),
    ),
    "csv import": (
        _op("importAssetInstancesCsv"),
        _terms(
            "all or nothing | UTF-8 | RFC 4180 | header row | 10,000 data rows | `model`: the NAME | "
            "`name` | `path`: slash-separated | `managedObjectId` | `description` | one column per "
            "property key | `maxPower (NUMBER)` | case-sensitive | Any other header | `true` "
            "or `false` in any letter case | empty cell means the property's default | literal `null` "
            "means unset | rows above in the same file | more than one instance | `allowedSubtypes` | "
            '`{row, column, message}` | header is line 1 | nothing is created | `{"created": n, '
            '"assetInstances": [ids in file order] | `dryRun=true` | python -m mockserver import-csv FILE'
            " | --dry-run"
        ),
    ),
    "errors and status rules": (
        INFO,
        _terms(
            'application/vnd.com.nsn.cumulocity.error+json | "error": "dtm/<name>" | `security` | Bad '
            "Request | Unauthorized | Forbidden | Not Found | Conflict | Payload Too Large | Unsupported "
            "Media Type | validationError | deeper than 64 levels | 16 MiB | never a server error"
        ),
    ),
    "paging": (
        INFO,
        _terms(
            "defaults to 5 | below 1 is a `400` | trimmed to 2000 | past the end | `withTotalPages=true` "
            "| `withTotalElements=true` | `prev` is present from page 2 | ordered by `id` ascending"
        ),
    ),
    "serving and identifiers": (
        INFO,
        _terms(
            "string of decimal digits | never reused | `Location` | without an `Accept` header the body "
            'is empty | scheme and host of the request | `WWW-Authenticate: Basic realm="Cumulocity"` | '
            "`UseXBasic: true`"
        ),
    ),
}


@pytest.mark.parametrize(("pointer", "terms"), RULE_TERMS.values(), ids=RULE_TERMS.keys())
def test_every_dtm_rule_is_written_where_a_vendor_reads_it(pointer: str, terms: list[str]) -> None:
    text = _text(_lookup(SPEC, pointer))
    missing = [term for term in terms if term not in text]
    assert missing == [], f"{pointer} no longer states: {missing}"


ROLES = {
    "listAssetModels": {"ROLE_INVENTORY_READ"},
    "getAssetModel": {"ROLE_INVENTORY_READ"},
    "createAssetModel": {"ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "updateAssetModel": {"ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "deleteAssetModel": {"ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "listAssetInstances": {"ROLE_INVENTORY_READ"},
    "getAssetInstance": {"ROLE_INVENTORY_READ"},
    "createAssetInstance": {"ROLE_DIGITAL_TWIN_ASSETS_CREATE", "ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "updateAssetInstance": {"ROLE_DIGITAL_TWIN_ASSETS_UPDATE", "ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "deleteAssetInstance": {"ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
    "getAssetInstanceRollupMeasurements": {"ROLE_INVENTORY_READ"},
    "getAssetInstanceRollupSeries": {"ROLE_INVENTORY_READ"},
    "getAssetInstanceRollupAlarms": {"ROLE_INVENTORY_READ"},
    "importAssetInstancesCsv": {"ROLE_DIGITAL_TWIN_ASSETS_ADMIN"},
}


def test_roles_cover_every_operation() -> None:
    assert set(ROLES) == set(OPERATIONS)


@pytest.mark.parametrize(("operation_id", "roles"), ROLES.items(), ids=ROLES.keys())
def test_operation_description_names_exactly_its_roles(operation_id: str, roles: set[str]) -> None:
    operation = OPERATIONS[operation_id][2]
    assert set(re.findall(r"ROLE_[A-Z_]*[A-Z]", operation["description"])) == roles
    assert set(operation["x-roles"]) == roles


# --------------------------------------------------------------------------- structure a vendor relies on


def test_servers_start_with_the_root_then_the_seed_server() -> None:
    assert SPEC["servers"][0]["url"] == "/"
    assert SPEC["servers"][1] == UPSTREAM["servers"][0]


def test_security_offers_basic_and_bearer() -> None:
    assert SPEC["security"] == [{"basicAuth": []}, {"bearerAuth": []}]


EXTENSIONS = {
    "getAssetInstanceRollupMeasurements": ("/service/dtm/asset-instances/{id}/rollup/measurements", "get"),
    "getAssetInstanceRollupSeries": ("/service/dtm/asset-instances/{id}/rollup/series", "get"),
    "getAssetInstanceRollupAlarms": ("/service/dtm/asset-instances/{id}/rollup/alarms", "get"),
    "importAssetInstancesCsv": ("/service/dtm/asset-imports", "post"),
}


def test_extension_operations_have_their_fixed_routes() -> None:
    assert {oid: OPERATIONS[oid][:2] for oid in EXTENSIONS} == EXTENSIONS


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_only_operations_missing_upstream_are_marked_as_extensions(operation_id: str) -> None:
    operation = OPERATIONS[operation_id][2]
    is_extension = operation_id not in UPSTREAM_OPERATION_IDS
    assert operation.get("x-extension", False) is is_extension
    if is_extension:
        assert "not in the upstream document" in _text(operation["description"])


def test_every_x_extension_element_is_really_absent_upstream() -> None:
    """An element marked as an extension must not be a renamed upstream element."""
    upstream_text = UPSTREAM_PATH.read_text(encoding="utf-8")
    for name, param in SPEC["components"]["parameters"].items():
        if param.get("x-extension"):
            assert f"name: {param['name']}\n" not in upstream_text, name
    for schema_name, schema in SPEC["components"]["schemas"].items():
        upstream_props = (
            UPSTREAM["components"]["schemas"]
            .get(schema_name.removesuffix("Create").removesuffix("Update"), {})
            .get("properties", {})
        )
        for prop, definition in schema.get("properties", {}).items():
            if definition.get("x-extension"):
                assert prop not in upstream_props, f"{schema_name}.{prop}"


@pytest.mark.parametrize(
    "operation_id", ["listAssetModels", "listAssetInstances", "getAssetInstanceRollupMeasurements"]
)
def test_collections_take_cumulocity_paging(operation_id: str) -> None:
    params = _params(operation_id)
    assert params["pageSize"]["schema"] == {"type": "integer", "default": 5, "minimum": 1}
    assert params["currentPage"]["schema"] == {"type": "integer", "default": 1, "minimum": 1}
    assert params["withTotalPages"]["schema"]["type"] == "boolean"
    assert params["withTotalElements"]["schema"]["type"] == "boolean"


def test_list_filters() -> None:
    assert {"name"} <= set(_params("listAssetModels"))
    assert {"name", "model", "parent"} <= set(_params("listAssetInstances"))
    cascade = _params("deleteAssetInstance")["cascade"]
    assert cascade["in"] == "query"
    assert cascade["schema"] == {"type": "boolean", "default": False}
    assert cascade["x-extension"] is True


@pytest.mark.parametrize(
    ("operation_id", "key"),
    [
        ("listAssetModels", "assetModels"),
        ("listAssetInstances", "assetInstances"),
        ("getAssetInstanceRollupMeasurements", "measurements"),
    ],
)
def test_list_envelopes_are_cumulocity_collections(operation_id: str, key: str) -> None:
    schema = _deref(_responses(operation_id)["200"]["content"]["application/json"]["schema"])
    assert set(schema["required"]) == {key, "statistics", "self", "next"}
    assert set(schema["properties"]) == {key, "statistics", "self", "next", "prev"}
    statistics = schema["properties"]["statistics"]
    assert statistics["required"] == ["currentPage", "pageSize"]
    assert set(statistics["properties"]) == {"currentPage", "pageSize", "totalPages", "totalElements"}


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_success_answer_is_json_with_a_schema_or_empty(operation_id: str) -> None:
    successes = {code: r for code, r in _responses(operation_id).items() if code.startswith("2")}
    assert successes
    for code, response in successes.items():
        if code == "204":
            assert "content" not in response
        else:
            assert set(response["content"]) == {"application/json"}
            assert "schema" in response["content"]["application/json"]


def _expected_errors(operation_id: str) -> set[str]:
    path, _method, operation = OPERATIONS[operation_id]
    expected = {"401", "403"}
    if "{id}" in path:
        expected.add("404")
    if "requestBody" in operation:
        expected |= {"400", "413", "415", "422"}
    if any(p["in"] == "query" for p in _params(operation_id).values()):
        expected.add("400")
    if operation_id in {
        "createAssetModel",
        "updateAssetModel",
        "deleteAssetModel",
        "createAssetInstance",
        "deleteAssetInstance",
    }:
        expected.add("409")
    return expected


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_every_operation_documents_exactly_its_error_answers(operation_id: str) -> None:
    responses = _responses(operation_id)
    errors = {code for code in responses if code[0] in "45"}
    assert errors == _expected_errors(operation_id)
    for code in errors:
        content = responses[code]["content"]
        assert set(content) == {ERROR_MEDIA_TYPE}, code
        assert content[ERROR_MEDIA_TYPE]["schema"] == {"$ref": "#/components/schemas/Error"}, code
    assert "WWW-Authenticate" in responses["401"]["headers"]


def test_error_schema_is_the_cumulocity_error_document() -> None:
    error = _schema("Error")
    assert error["required"] == ["error", "message", "info"]
    assert set(error["properties"]) == {"error", "message", "info", "errors"}
    detail = _deref(error["properties"]["errors"]["items"])
    assert detail["required"] == ["message"]
    assert {name: p["type"] for name, p in detail["properties"].items()} == {
        "field": "string",
        "row": "integer",
        "column": "string",
        "message": "string",
    }


INSTANCE_SERVER_FIELDS = {"id", "self", "children", "computed", "computedErrors", "activeAlarmsStatus"}


@pytest.mark.parametrize(
    ("schema_name", "fields"),
    [
        ("AssetModel", {"id", "self"}),
        ("AssetInstance", INSTANCE_SERVER_FIELDS),
        ("AssetModelCreate", {"id", "self"}),
        ("AssetModelUpdate", {"id", "self"}),
        ("AssetInstanceCreate", INSTANCE_SERVER_FIELDS),
        ("AssetInstanceUpdate", INSTANCE_SERVER_FIELDS),
    ],
)
def test_server_owned_fields_are_read_only(schema_name: str, fields: set[str]) -> None:
    properties = _schema(schema_name)["properties"]
    assert {name for name, p in properties.items() if p.get("readOnly")} == fields


@pytest.mark.parametrize(
    ("operation_id", "schema_name", "required"),
    [
        ("createAssetModel", "AssetModelCreate", ["name"]),
        ("updateAssetModel", "AssetModelUpdate", None),
        ("createAssetInstance", "AssetInstanceCreate", ["modelId", "name"]),
        ("updateAssetInstance", "AssetInstanceUpdate", None),
    ],
)
def test_create_bodies_require_fields_and_merge_bodies_do_not(
    operation_id: str, schema_name: str, required: list[str] | None
) -> None:
    assert _body_schema_name(operation_id) == schema_name
    assert _schema(schema_name).get("required") == required
    assert _schema(schema_name)["additionalProperties"] is False


def test_property_widget_and_smart_function_shapes() -> None:
    prop = _schema("AssetProperty")
    assert prop["required"] == ["key", "type"]
    assert prop["properties"]["required"] == {
        **prop["properties"]["required"],
        "type": "boolean",
        "default": False,
    }
    assert {"values", "target", "widget"} <= set(prop["properties"])
    widget = _schema("AssetPropertyWidget")
    assert widget["additionalProperties"] is False
    assert widget["required"] == ["kind"]
    assert widget["properties"]["kind"]["enum"] == [
        "value",
        "gauge",
        "linearGauge",
        "toggle",
        "badge",
        "date",
        "link",
        "chart",
    ]
    assert {n: p["type"] for n, p in widget["properties"].items()} == {
        "kind": "string",
        "label": "string",
        "unit": "string",
        "format": "string",
        "min": "number",
        "max": "number",
        "decimals": "integer",
        "color": "string",
    }
    assert _schema("SmartFunction")["required"] == ["name", "expression"]
    assert _schema("AssetModel")["properties"]["extends"]["type"] == "string"
    assert "description" in _schema("AssetInstance")["properties"]


def test_csv_import_contract() -> None:
    _, _, operation = OPERATIONS["importAssetInstancesCsv"]
    assert operation["requestBody"]["content"] == {
        "text/csv": {
            "schema": {"type": "string"},
            "example": operation["requestBody"]["content"]["text/csv"]["example"],
        }
    }
    params = _params("importAssetInstancesCsv")
    assert params["parent"]["schema"]["type"] == "string"
    assert params["dryRun"]["schema"] == {"type": "boolean", "default": False}
    result = _deref(_responses("importAssetInstancesCsv")["201"]["content"]["application/json"]["schema"])
    assert {"created", "assetInstances"} <= set(result["required"])
    header = operation["requestBody"]["content"]["text/csv"]["example"].splitlines()[0].split(",")
    assert header[:5] == ["model", "name", "path", "managedObjectId", "description"]


LINKS = {
    "createAssetModel": {"getAssetModel", "updateAssetModel", "deleteAssetModel"},
    "createAssetInstance": {
        "getAssetInstance",
        "updateAssetInstance",
        "deleteAssetInstance",
        "getAssetInstanceRollupMeasurements",
    },
}


@pytest.mark.parametrize(("operation_id", "targets"), LINKS.items(), ids=LINKS.keys())
def test_create_links_bind_the_new_id_to_its_operations(operation_id: str, targets: set[str]) -> None:
    links = _responses(operation_id)["201"]["links"]
    assert {link["operationId"] for link in links.values()} == targets
    for link in links.values():
        assert link["parameters"] == {"id": "$response.body#/id"}
        assert "id" in _params(link["operationId"])
    assert "Location" in _responses(operation_id)["201"]["headers"]


def _request_examples() -> Iterator[Any]:
    for operation_id, (_, _, operation) in sorted(OPERATIONS.items()):
        media = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if media:
            for name, example in media.get("examples", {}).items():
                yield pytest.param(_deref(media["schema"]), example["value"], id=f"{operation_id}-{name}")


@pytest.mark.parametrize(("schema", "example"), list(_request_examples()))
def test_request_examples_are_valid_bodies(schema: dict[str, Any], example: Any) -> None:
    OAS30WriteValidator(schema).validate(example)


ALLOWED_CALLS = {"abs", "round", "min", "max", "coalesce", "latest", "avg", "sum", "count"}


def test_pump_example_shows_every_property_type_a_widget_and_smart_functions() -> None:
    examples = OPERATIONS["createAssetModel"][2]["requestBody"]["content"]["application/json"]["examples"]
    pump = examples["pump"]["value"]
    assert {p["type"] for p in pump["properties"]} == {
        "TEXT",
        "NUMBER",
        "BOOLEAN",
        "DATE",
        "ENUM",
        "REFERENCE",
    }
    assert all("widget" in p for p in pump["properties"])
    assert pump["smartFunctions"]
    functions = [f for example in examples.values() for f in example["value"].get("smartFunctions", [])]
    for function in functions:
        tree = ast.parse(function["expression"], mode="eval")
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert called <= ALLOWED_CALLS, function
