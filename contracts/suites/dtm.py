"""Digital Twin Manager suites: models, property values, hierarchy, inheritance, smart functions,
CSV import and deletion conflicts. Every model and instance carries the run's prefix in its name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure, expect
from contracts.suites.common import require_status, run_property
from contracts.suites.links import walk

MODELS = "/service/dtm/asset-models"
INSTANCES = "/service/dtm/asset-instances"
IMPORTS = "/service/dtm/asset-imports"


def new_model(ctx: RunContext, label: str, **fields: Any) -> dict[str, Any]:
    response = ctx.client.post(MODELS, {"name": f"{ctx.prefix}-{label}", **fields})
    require_status(response, 201, "ModelNotCreated")
    body: dict[str, Any] = response.json()
    ctx.tracker.models.append(str(body["id"]))
    return body


def post_instance(ctx: RunContext, model: str, label: str, **fields: Any) -> Response:
    response = ctx.client.post(INSTANCES, {"modelId": model, "name": f"{ctx.prefix}-{label}", **fields})
    if response.status == 201 and isinstance(response.json(), dict):
        ctx.tracker.instances.append(str(response.json()["id"]))
    return response


def new_instance(ctx: RunContext, model: str, label: str, **fields: Any) -> dict[str, Any]:
    response = post_instance(ctx, model, label, **fields)
    require_status(response, 201, "InstanceNotCreated")
    body: dict[str, Any] = response.json()
    return body


def get(ctx: RunContext, path: str) -> dict[str, Any]:
    response = ctx.client.get(path)
    require_status(response, 200, "ResourceNotReadable")
    body: dict[str, Any] = response.json()
    return body


def names_in(response: Response) -> str:
    body = response.json() or {}
    return f"{body.get('message', '')} {body.get('errors', '')}"


# ------------------------------------------------------------------ models


@check("DTM-MODEL-1")
def models_round_trip(ctx: RunContext) -> None:
    child = new_model(ctx, "rt-child")
    sent = {
        "description": "round trip",
        "properties": [
            {"key": "label", "type": "TEXT", "label": "Label", "required": True},
            {
                "key": "power",
                "type": "NUMBER",
                "default": 2.5,
                "widget": {"kind": "gauge", "min": 0, "max": 10, "unit": "kW", "color": "#00ff00"},
            },
            {"key": "mode", "type": "ENUM", "values": ["eco", "boost"], "default": "eco"},
            {"key": "since", "type": "DATE"},
            {"key": "on", "type": "BOOLEAN", "default": False},
        ],
        "allowedSubtypes": [child["id"]],
        "smartFunctions": [{"name": "twice", "expression": "power * 2"}],
    }
    created = new_model(ctx, "rt", **sent)
    got = get(ctx, f"{MODELS}/{created['id']}")
    for key, value in sent.items():
        expect(got.get(key) == value, "ModelNotRoundTripped", {key: value}, {key: got.get(key)}, None)


@check("DTM-MODEL-2")
def duplicate_model_names_conflict(ctx: RunContext) -> None:
    new_model(ctx, "dup")
    response = ctx.client.post(MODELS, {"name": f"{ctx.prefix}-dup"})
    if response.status == 201:
        ctx.tracker.models.append(str(response.json()["id"]))
    expect(response.status == 409, "DuplicateModelNameAccepted", "409", repr(response), response.request)


@check("DTM-LINK-1")
def instance_lifecycle_follows_the_links(ctx: RunContext) -> None:
    model = new_model(ctx, "link", properties=[{"key": "note", "type": "TEXT"}])
    walk(
        ctx,
        "dtm.yaml",
        INSTANCES,
        {"modelId": model["id"], "name": f"{ctx.prefix}-link"},
        ctx.tracker.instances.append,
        update={"name": f"{ctx.prefix}-link-renamed"},
    )


# ------------------------------------------------------------------ property values


def matrix_model(ctx: RunContext) -> dict[str, Any]:
    def build(c: RunContext) -> dict[str, Any]:
        target = new_model(c, "ref-target")
        other = new_model(c, "ref-other")
        model = new_model(
            c,
            "matrix",
            properties=[
                {"key": "t", "type": "TEXT"},
                {"key": "n", "type": "NUMBER"},
                {"key": "b", "type": "BOOLEAN"},
                {"key": "d", "type": "DATE"},
                {"key": "e", "type": "ENUM", "values": ["red", "green"]},
                {"key": "r", "type": "REFERENCE", "target": target["id"]},
            ],
        )
        good = new_instance(c, target["id"], "ref-good")["id"]
        wrong = new_instance(c, other["id"], "ref-wrong")["id"]
        # An id that exists nowhere but is the run's own (created, then deleted): the guard sends it.
        gone = new_instance(c, target["id"], "ref-gone")["id"]
        require_status(c.client.delete(f"{INSTANCES}/{gone}"), (200, 204), "InstanceNotDeleted")
        return {"model": model["id"], "good": good, "wrong": wrong, "gone": gone}

    result: dict[str, Any] = ctx.fixture("dtm-matrix", build)
    return result


def matrix(ctx: RunContext) -> list[tuple[str, Any, bool]]:
    m = matrix_model(ctx)
    return [
        ("t", "plain text", True),
        ("t", 5, False),
        ("t", "x" * 10_001, False),
        ("n", 1.5, True),
        ("n", -3, True),
        ("n", "1.5", False),
        ("n", True, False),
        ("b", True, True),
        ("b", "true", False),
        ("b", 1, False),
        ("d", "2024-02-29", True),
        ("d", "2024-01-01T10:00:00+02:00", True),
        ("d", "2023-02-29", False),
        ("d", "2024-13-01", False),
        ("d", "yesterday", False),
        ("e", "red", True),
        ("e", "blue", False),
        ("e", 1, False),
        ("r", m["good"], True),
        ("r", m["wrong"], False),
        ("r", m["gone"], False),
    ]


@check("DTM-PROP-1")
def property_values_are_checked_against_their_type(ctx: RunContext) -> None:
    model = matrix_model(ctx)["model"]

    def probe(case: tuple[str, Any, bool]) -> None:
        key, value, valid = case
        response = post_instance(ctx, model, f"v-{key}", properties={key: value})
        if valid:
            expect(
                response.status == 201,
                "ValidValueRejected",
                f"201 for {key}={value!r}",
                repr(response),
                response.request,
            )
            got = get(ctx, f"{INSTANCES}/{response.json()['id']}")["properties"].get(key)
            expect(got == value, "ValueNotKept", value, got, response.request)
        else:
            expect(
                response.status == 422,
                "InvalidValueAccepted",
                f"422 for {key}={str(value)[:40]!r}",
                repr(response),
                response.request,
            )
            expect(
                key in names_in(response),
                "ErrorDoesNotNameField",
                f"a message naming {key}",
                names_in(response),
                response.request,
            )

    cases = matrix(ctx)
    for case in cases:  # the whole matrix once, deterministically
        probe(case)


@check("DTM-PROP-2")
def required_and_default_properties(ctx: RunContext) -> None:
    model = new_model(
        ctx,
        "reqdef",
        properties=[
            {"key": "serial", "type": "TEXT", "required": True},
            {"key": "level", "type": "NUMBER", "default": 3},
        ],
    )["id"]
    response = post_instance(ctx, model, "noserial", properties={"level": 1})
    expect(
        response.status == 422,
        "RequiredPropertyMissingAccepted",
        "422 naming serial",
        repr(response),
        response.request,
    )
    expect(
        "serial" in names_in(response),
        "ErrorDoesNotNameField",
        "a message naming serial",
        names_in(response),
        response.request,
    )
    body = new_instance(ctx, model, "withserial", properties={"serial": "S1"})
    got = get(ctx, f"{INSTANCES}/{body['id']}")["properties"]
    expect(got.get("level") == 3, "DefaultNotApplied", {"serial": "S1", "level": 3}, got, None)


@check("DTM-PROP-3")
def unknown_property_keys_are_rejected(ctx: RunContext) -> None:
    model = matrix_model(ctx)["model"]
    response = post_instance(ctx, model, "unknown", properties={"nosuchkey": 1})
    expect(
        response.status == 422,
        "UnknownPropertyAccepted",
        "422 naming nosuchkey",
        repr(response),
        response.request,
    )


# ------------------------------------------------------------------ hierarchy


def tree_models(ctx: RunContext) -> dict[str, str]:
    def build(c: RunContext) -> dict[str, str]:
        leaf = new_model(c, "leaf")["id"]
        subleaf = new_model(c, "subleaf", extends=leaf)["id"]
        stranger = new_model(c, "stranger")["id"]
        site = new_model(c, "site", allowedSubtypes=[leaf])["id"]
        area = new_model(c, "area", allowedSubtypes=[leaf])["id"]
        return {"leaf": leaf, "subleaf": subleaf, "stranger": stranger, "site": site, "area": area}

    result: dict[str, str] = ctx.fixture("dtm-tree", build)
    return result


@check("DTM-SUB-1")
def children_must_be_allowed_subtypes(ctx: RunContext) -> None:
    m = tree_models(ctx)
    site = new_instance(ctx, m["site"], "sub-site")["id"]
    new_instance(ctx, m["leaf"], "sub-leaf", parent=site)
    response = post_instance(ctx, m["subleaf"], "sub-subleaf", parent=site)
    expect(
        response.status == 201,
        "AllowedSubmodelRejected",
        "201 for a submodel of an allowed model",
        repr(response),
        response.request,
    )
    response = post_instance(ctx, m["stranger"], "sub-stranger", parent=site)
    expect(
        response.status == 422,
        "DisallowedChildAccepted",
        "422 for a model not in allowedSubtypes",
        repr(response),
        response.request,
    )


def children_of(ctx: RunContext, instance: str) -> list[str]:
    return [str(c) for c in get(ctx, f"{INSTANCES}/{instance}").get("children", [])]


@check("DTM-TREE-1")
def children_follow_create_move_and_delete(ctx: RunContext) -> None:
    m = tree_models(ctx)
    one = new_instance(ctx, m["site"], "tree-one")["id"]
    two = new_instance(ctx, m["area"], "tree-two")["id"]
    c1 = new_instance(ctx, m["leaf"], "tree-c1", parent=one)["id"]
    c2 = new_instance(ctx, m["leaf"], "tree-c2", parent=one)["id"]
    expect(children_of(ctx, one) == [c1, c2], "ChildrenNotUpdated", [c1, c2], children_of(ctx, one), None)
    response = ctx.client.put(f"{INSTANCES}/{c1}", {"parent": two})
    require_status(response, 200, "MoveRefused")
    expect(
        children_of(ctx, one) == [c2] and children_of(ctx, two) == [c1],
        "ChildrenNotUpdated",
        {one: [c2], two: [c1]},
        {one: children_of(ctx, one), two: children_of(ctx, two)},
        response.request,
    )
    response = ctx.client.delete(f"{INSTANCES}/{c2}")
    require_status(response, 204, "DeleteRefused")
    expect(
        children_of(ctx, one) == [],
        "ChildrenNotUpdated",
        {one: []},
        {one: children_of(ctx, one)},
        response.request,
    )
    response = ctx.client.put(f"{INSTANCES}/{c1}", {"parent": None})
    require_status(response, 200, "MoveRefused")
    expect(
        children_of(ctx, two) == [],
        "ChildrenNotUpdated",
        {two: []},
        {two: children_of(ctx, two)},
        response.request,
    )


@check("DTM-TREE-2")
def moves_into_a_cycle_are_rejected(ctx: RunContext) -> None:
    loop = new_model(ctx, "loop")
    ctx.client.put(f"{MODELS}/{loop['id']}", {"allowedSubtypes": [loop["id"]]})
    top = new_instance(ctx, loop["id"], "cycle-top")["id"]
    mid = new_instance(ctx, loop["id"], "cycle-mid", parent=top)["id"]
    for target in (top, mid):
        response = ctx.client.put(f"{INSTANCES}/{top}", {"parent": target})
        expect(
            response.status == 422,
            "CycleAccepted",
            f"422 moving {top} under {target}",
            repr(response),
            response.request,
        )


@check("DTM-FILTER-1")
def model_filter_includes_submodels(ctx: RunContext) -> None:
    base = new_model(ctx, "fbase")["id"]
    sub = new_model(ctx, "fsub", extends=base)["id"]
    subsub = new_model(ctx, "fsubsub", extends=sub)["id"]
    made = {m: new_instance(ctx, m, f"f-{i}")["id"] for i, m in enumerate((base, sub, subsub))}
    for model, expected in (
        (base, [made[base], made[sub], made[subsub]]),
        (sub, [made[sub], made[subsub]]),
        (subsub, [made[subsub]]),
    ):
        response = ctx.client.get(INSTANCES, params={"model": model, "pageSize": "2000"})
        require_status(response, 200)
        got = [str(i["id"]) for i in response.json()["assetInstances"]]
        if set(expected) - set(got):
            raise ContractFailure("SubmodelInstancesMissing", expected, got, request=response.request)
        expect(got == expected, "NonMatchingItemsReturned", expected, got, response.request)


@check("DTM-INHERIT-1")
def instances_follow_the_effective_model(ctx: RunContext) -> None:
    base = new_model(
        ctx,
        "ibase",
        properties=[
            {"key": "serial", "type": "TEXT", "required": True},
            {"key": "color", "type": "ENUM", "values": ["red", "blue"], "default": "red"},
        ],
    )["id"]
    sub = new_model(ctx, "isub", extends=base, properties=[{"key": "rpm", "type": "NUMBER"}])["id"]
    response = post_instance(ctx, sub, "i-noserial", properties={"rpm": 5})
    expect(
        response.status == 422,
        "InheritedRuleNotApplied",
        "422: serial is required through the base",
        repr(response),
        response.request,
    )
    response = post_instance(ctx, sub, "i-badcolor", properties={"serial": "x", "color": "green"})
    expect(
        response.status == 422,
        "InheritedRuleNotApplied",
        "422: color is an inherited ENUM",
        repr(response),
        response.request,
    )
    body = new_instance(ctx, sub, "i-ok", properties={"serial": "x", "rpm": 7})
    got = get(ctx, f"{INSTANCES}/{body['id']}")["properties"]
    expect(
        got == {"serial": "x", "rpm": 7, "color": "red"},
        "InheritedRuleNotApplied",
        {"serial": "x", "rpm": 7, "color": "red"},
        got,
        None,
    )


# ------------------------------------------------------------------ smart functions


def _num(f: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any) -> Any:
        if any(a is None for a in args):
            return None
        try:
            return f(*args)
        except ZeroDivisionError:
            return None

    return wrapped


SMART: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "total": ("a + b", _num(lambda a, b: a + b)),
    "ratio": ("a / b", _num(lambda a, b: a / b)),
    "pick": (
        "max(a, b) if a > 0 else -1",
        lambda a, b: None if a is None else (-1 if not a > 0 else (None if b is None else max(a, b))),
    ),
    "fallback": ("coalesce(b, 7)", lambda a, b: 7 if b is None else b),
    "modulo": ("a % 3", lambda a, b: None if a is None else a % 3),
}


@check("DTM-SMART-1")
def smart_functions_match_the_oracle(ctx: RunContext) -> None:
    model = ctx.fixture(
        "dtm-smart",
        lambda c: new_model(
            c,
            "smart",
            properties=[{"key": "a", "type": "NUMBER"}, {"key": "b", "type": "NUMBER"}],
            smartFunctions=[{"name": k, "expression": v[0]} for k, v in SMART.items()],
        )["id"],
    )
    numbers = st.one_of(st.none(), st.integers(-6, 6), st.sampled_from([0.5, -2.25, 10.0]))

    def prop(values: tuple[Any, Any]) -> None:
        a, b = values
        props = {k: v for k, v in (("a", a), ("b", b)) if v is not None}
        body = new_instance(ctx, model, "smart-i", properties=props)
        got = get(ctx, f"{INSTANCES}/{body['id']}")
        ctx.client.delete(f"{INSTANCES}/{body['id']}")
        for name, (expression, oracle) in SMART.items():
            want, have = oracle(a, b), got.get("computed", {}).get(name)
            same = (want is None and have is None) or (
                want is not None and isinstance(have, int | float) and math.isclose(want, have, abs_tol=1e-9)
            )
            expect(
                same,
                "SmartFunctionValueWrong",
                f"{name} = {expression} = {want!r} for a={a!r}, b={b!r}",
                have,
                None,
            )
        if b == 0 and a is not None:
            expect(
                "ratio" in got.get("computedErrors", {}),
                "MissingComputedError",
                "computedErrors.ratio naming the division by zero",
                got.get("computedErrors"),
                None,
            )

    run_property(ctx, st.tuples(numbers, numbers), prop, examples=((3, 0), (4, 2), (None, 1)))


# ------------------------------------------------------------------ CSV import and deletes


def csv_models(ctx: RunContext) -> dict[str, Any]:
    def build(c: RunContext) -> dict[str, Any]:
        room = new_model(c, "room", properties=[{"key": "area", "type": "NUMBER"}])
        building = new_model(c, "building", allowedSubtypes=[room["id"]])
        return {"room": room, "building": building}

    result: dict[str, Any] = ctx.fixture("dtm-csv", build)
    return result


def import_csv(ctx: RunContext, text: str) -> Response:
    return ctx.client.request("POST", IMPORTS, content=text.encode(), headers={"Content-Type": "text/csv"})


@check("DTM-CSV-1")
def csv_import_is_all_or_nothing(ctx: RunContext) -> None:
    m = csv_models(ctx)
    room, building = m["room"]["name"], m["building"]["name"]
    p = ctx.prefix
    bad = (
        f"model,name,path,area\n{building},{p}-b1,,\n{room},{p}-r1,{p}-b1,12.5\n"
        f"{room},{p}-r2,{p}-b1,not-a-number\n{room},{p}-r3,{p}-nowhere,1\n"
    )
    response = import_csv(ctx, bad)
    if response.status == 201:
        ctx.tracker.instances.extend(str(i) for i in response.json().get("assetInstances", []))
    expect(
        response.status == 422,
        "PartialImportAccepted",
        "422 for a file with invalid rows",
        repr(response),
        response.request,
    )
    rows = sorted(
        {int(e.get("row") or 0) for e in (response.json() or {}).get("errors", []) if isinstance(e, dict)}
    )
    expect(rows == [4, 5], "ImportErrorsIncomplete", "errors for rows 4 and 5", rows, response.request)
    listing = ctx.client.get(INSTANCES, params={"model": m["room"]["id"], "pageSize": "2000"})
    left = [i["name"] for i in listing.json()["assetInstances"] if i["name"].startswith(f"{p}-r")]
    expect(not left, "PartialImportAccepted", "nothing created", left, listing.request)
    good = f"model,name,path,area\n{building},{p}-b2,,\n{room},{p}-r4,{p}-b2,3\n{room},{p}-r5,{p}-b2,\n"
    response = import_csv(ctx, good)
    require_status(response, 201, "ValidImportRefused")
    created = [str(i) for i in response.json()["assetInstances"]]
    ctx.tracker.instances.extend(created)
    expect(len(created) == 3, "ImportedTreeWrong", "3 ids in file order", created, response.request)
    expect(
        children_of(ctx, created[0]) == created[1:],
        "ImportedTreeWrong",
        {created[0]: created[1:]},
        children_of(ctx, created[0]),
        response.request,
    )


@check("DTM-DELETE-1")
def models_in_use_cannot_be_deleted(ctx: RunContext) -> None:
    used = new_model(ctx, "inuse")["id"]
    new_instance(ctx, used, "user")
    extended = new_model(ctx, "extended")["id"]
    new_model(ctx, "extender", extends=extended)
    for model in (used, extended):
        response = ctx.client.delete(f"{MODELS}/{model}")
        expect(
            response.status == 409,
            "DeleteOfModelInUseAccepted",
            f"409 deleting model {model} in use",
            repr(response),
            response.request,
        )
        still = ctx.client.get(f"{MODELS}/{model}")
        expect(
            still.status == 200, "ModelInUseDeleted", "the model still readable", repr(still), still.request
        )


@check("DTM-DELETE-2")
def instances_with_children_need_cascade(ctx: RunContext) -> None:
    m = tree_models(ctx)
    top = new_instance(ctx, m["site"], "del-top")["id"]
    child = new_instance(ctx, m["leaf"], "del-child", parent=top)["id"]
    response = ctx.client.delete(f"{INSTANCES}/{top}")
    expect(
        response.status == 409,
        "DeleteWithChildrenAccepted",
        "409 without cascade",
        repr(response),
        response.request,
    )
    response = ctx.client.delete(f"{INSTANCES}/{top}", params={"cascade": "true"})
    require_status(response, 204, "CascadeDeleteRefused")
    for gone in (top, child):
        after = ctx.client.get(f"{INSTANCES}/{gone}")
        expect(after.status == 404, "CascadeIncomplete", f"404 for {gone}", repr(after), after.request)
