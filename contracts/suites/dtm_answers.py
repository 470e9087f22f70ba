"""DTM write answers and list queries judged whole against the model of dtm.yaml.

DTM-WRITE-1: Hypothesis draws model bodies and partial updates (``null`` removing a field, lists
replaced); every POST/PUT answer (status, Location, body, or no body without Accept) and the
following GET must equal the model's merge. DTM-QUERY-1: the list filters combined with paging,
every page compared with the model (ids in numeric id order, statistics, links).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contracts import answers
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure
from contracts.suites.common import run_property
from contracts.suites.dtm import INSTANCES, MODELS, new_instance, new_model

JSON = ("application/json",)
PROPERTY_CHOICES: list[dict[str, Any]] = [
    {"key": "serial", "type": "TEXT", "required": True, "label": "Serial"},
    {
        "key": "power",
        "type": "NUMBER",
        "default": 5.5,
        "widget": {"kind": "gauge", "min": 0, "max": 20},
    },
    {"key": "running", "type": "BOOLEAN", "default": False},
    {"key": "since", "type": "DATE"},
    {"key": "status", "type": "ENUM", "values": ["ok", "fault"], "default": "ok"},
]
PROPERTIES = st.lists(st.sampled_from(PROPERTY_CHOICES), max_size=4, unique_by=lambda p: str(p["key"]))
OPTIONAL_TEXT = st.one_of(st.none(), st.text(min_size=1, max_size=12))


def model_fields() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "description": OPTIONAL_TEXT,
            "icon": OPTIONAL_TEXT,
            "properties": PROPERTIES,
            "smartFunctions": st.lists(
                st.sampled_from(
                    [
                        {"name": "twice", "expression": "coalesce(power, 0) * 2"},
                        {"name": "one", "expression": "1"},
                    ]
                ),
                max_size=2,
                unique_by=lambda f: f["name"],
            ),
        },
    )


def merged(stored: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """dtm.yaml Conventions: a top-level merge; null removes an optional field; lists replace."""
    out = dict(stored)
    for key, value in body.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def as_stored(body: dict[str, Any], mid: str, base_url: str) -> dict[str, Any]:
    doc = {
        "properties": [],
        "allowedSubtypes": [],
        "smartFunctions": [],
        **{k: v for k, v in body.items() if v is not None},
    }
    return {**doc, "id": mid, "self": f"{answers.origin(base_url)}{MODELS}/{mid}"}


@check("DTM-WRITE-1")
def model_writes_answer_the_stored_model(ctx: RunContext) -> None:
    counter = [0]

    def prop(case: tuple[dict[str, Any], dict[str, Any], bool]) -> None:
        fields, update, accept = case
        counter[0] += 1
        name = f"{ctx.prefix}-w{counter[0]}"
        response = ctx.client.post(MODELS, {"name": name, **fields})
        if response.status == 201 and isinstance(response.json(), dict):
            ctx.tracker.models.append(str(response.json().get("id")))
        mid = response.headers.get("location", "").rsplit("/", 1)[-1]
        stored = as_stored({"name": name, **fields}, mid, ctx.client.base_url)
        judge(
            response, Expected(201, JSON, body=stored, headers={"location": stored["self"]}), f"POST {MODELS}"
        )
        response = ctx.client.put(f"{MODELS}/{mid}", update, accept="application/json" if accept else None)
        stored = merged(stored, update)
        judge(
            response, Expected(200, JSON if accept else (), body=stored if accept else None), f"PUT {update}"
        )
        judge(ctx.client.get(f"{MODELS}/{mid}"), Expected(200, body=stored), f"GET after PUT {update}")

    updates = st.one_of(model_fields(), st.just({"description": None, "icon": None}))
    run_property(ctx, st.tuples(model_fields(), updates, st.booleans()), prop, shrink=False)
    long_name = f"{ctx.prefix}-" + "n" * 254
    for name, ok in ((long_name[:255], False), (long_name[:254], True), ("", False)):
        response = ctx.client.post(MODELS, {"name": name})
        if response.status == 201 and isinstance(response.json(), dict):
            ctx.tracker.models.append(str(response.json().get("id")))
        if not ok and 200 <= response.status < 300:
            raise ContractFailure(
                "InvalidValueAccepted",
                f"422 for a model name of {len(name)} characters",
                repr(response),
                request=response.request,
            )
        judge(
            response,
            Expected(201) if ok else answers.error("dtm", 422, naming=["name"]),
            f"POST a name of {len(name)}",
        )


def query_world(ctx: RunContext) -> dict[str, Any]:
    def build(c: RunContext) -> dict[str, Any]:
        base = new_model(c, "q-base")
        sub = new_model(c, "q-sub", extends=base["id"])
        subsub = new_model(c, "q-subsub", extends=sub["id"])
        holder = new_model(c, "q-holder", allowedSubtypes=[base["id"]])
        models = [base, sub, subsub, holder]
        roots = [new_instance(c, holder["id"], f"q-root{i}") for i in range(2)]
        instances = list(roots)
        for i in range(9):
            model = [base, sub, subsub][i % 3]
            parent = roots[i % 2]["id"] if i % 4 else None
            extra = {"parent": parent} if parent else {}
            instances.append(new_instance(c, model["id"], f"q-i{i % 3}", **extra))
        return {"models": models, "instances": instances}

    world: dict[str, Any] = ctx.fixture("dtm-query-world", build)
    return world


def numeric(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: int(i["id"]))


PAGING = st.fixed_dictionaries(
    {},
    optional={
        "pageSize": st.sampled_from(["1", "2", "3", "2001"]),
        "currentPage": st.sampled_from(["1", "2", "3"]),
        "withTotalPages": st.sampled_from(["true", "false"]),
        "withTotalElements": st.sampled_from(["true", "false"]),
    },
)


def check_listing(
    ctx: RunContext, path: str, key: str, query: dict[str, str], matching: list[dict[str, Any]]
) -> None:
    response = ctx.client.get(path, params=query)
    judge(response, Expected(200, JSON), f"GET {path} {query}")
    body = response.json()
    want = [i["id"] for i in answers.page_slice(numeric(matching), query)]
    got = [str(i.get("id")) for i in body.get(key, [])]
    if got != want:
        raise ContractFailure(
            "WrongPageItems", f"GET {path} {query}: ids {want}", f"ids {got}", request=response.request
        )
    stats = answers.expected_statistics(query, len(matching))
    if body.get("statistics") != stats:
        raise ContractFailure("WrongPageStatistics", stats, body.get("statistics"), request=response.request)
    problems = answers.link_problems(body, query, answers.origin(ctx.client.base_url) + path)
    if problems:
        raise ContractFailure(
            "WrongPagingLink", f"links repeating {query}", "; ".join(problems), request=response.request
        )


def chain_of(model_id: str, models: list[dict[str, Any]]) -> list[str]:
    by_id = {m["id"]: m for m in models}
    out = [model_id]
    while by_id.get(out[-1], {}).get("extends"):
        out.append(by_id[out[-1]]["extends"])
    return out


@check("DTM-QUERY-1")
def list_filters_and_paging_combine_as_the_model_says(ctx: RunContext) -> None:
    world = query_world(ctx)
    models, instances = world["models"], world["instances"]
    names = sorted({i["name"] for i in instances})

    def instance_case(case: tuple[dict[str, str], dict[str, str]]) -> None:
        filters, paging = case
        matching = [
            i
            for i in instances
            if ("model" not in filters or filters["model"] in chain_of(i["modelId"], models))
            and ("parent" not in filters or i.get("parent") == filters["parent"])
            and ("name" not in filters or i["name"] == filters["name"])
        ]
        check_listing(ctx, INSTANCES, "assetInstances", {**filters, **paging}, matching)

    owned = st.fixed_dictionaries(
        {},
        optional={
            "model": st.sampled_from([m["id"] for m in models]),
            "parent": st.sampled_from([i["id"] for i in instances[:3]]),
            "name": st.sampled_from(names),
        },
    ).filter(bool)
    paged = {"pageSize": "2", "currentPage": "2", "withTotalElements": "true", "withTotalPages": "true"}
    examples = (({"model": models[0]["id"]}, paged), ({"parent": instances[0]["id"]}, {"pageSize": "1"}))
    run_property(ctx, st.tuples(owned, PAGING), instance_case, examples=examples, shrink=False)

    def model_case(case: tuple[str, dict[str, str]]) -> None:
        name, paging = case
        check_listing(
            ctx, MODELS, "assetModels", {"name": name, **paging}, [m for m in models if m["name"] == name]
        )

    run_property(
        ctx, st.tuples(st.sampled_from([m["name"] for m in models]), PAGING), model_case, shrink=False
    )
