"""The inventory query language (spec/inventory.yaml, ``query`` and ``q``) against the oracle.

The run creates a small fleet of managed objects named ``<prefix>-invq<i>-...`` with numbers,
strings, booleans, nested fragments and values of mixed types; every drawn query is AND-ed with
``name eq '<prefix>-invq*'`` so that it can only select the run's own objects on a shared tenant.
:mod:`contracts.inventory_oracle` says what each query selects and in which order.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from contracts import inventory_oracle as oracle
from contracts.checks import RunContext, check
from contracts.failures import expect
from contracts.suites.common import ERROR_TYPE, MO, ids, require_status, run_property

PATHS = ["n", "name", "type", "flag", "c8y_Hardware.model"]
OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le"]
UNREADABLE = [
    "$filter=(name eq 'x'",
    "$filter=(name like 'x')",
    "$filter=(name eq 'x') trailing",
    "$filter=(n gt 1e999)",
    "$filter=(frobnicate(name))",
    "$orderby=name sideways",
    "$filter=(name eq )",
]


def _fleet_document(prefix: str, i: int) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "name": f"{prefix}-invq{i}-{['pump', 'valve', 'Pump'][i % 3]}",
        "type": f"{prefix}_kind{i % 2}",
        "n": [3, 10, 7, -1, 3.5, 0, 10, "7"][i],
    }
    if i % 2 == 0:
        doc["c8y_IsDevice"] = {}
    if i % 4 != 3:
        doc["c8y_Hardware"] = {"model": ["X1", "X2", "x1"][i % 3]} if i != 6 else "flat"
    if i % 3 != 2:
        doc["flag"] = i % 2 == 0
    return doc


def build_fleet(ctx: RunContext) -> list[dict[str, Any]]:
    fleet = []
    for i in range(8):
        doc = _fleet_document(ctx.prefix, i)
        response = ctx.client.post(MO, doc)
        require_status(response, 201, "ManagedObjectNotCreated")
        answer = response.json()
        fleet.append({**doc, "id": str(answer["id"]), "owner": answer.get("owner")})
        ctx.tracker.managed_objects.append(fleet[-1]["id"])
    return fleet


def fleet(ctx: RunContext) -> list[dict[str, Any]]:
    built: list[dict[str, Any]] = ctx.fixture("query-fleet", build_fleet)
    return built


def trees(prefix: str) -> st.SearchStrategy[oracle.Tree]:
    values = st.sampled_from(
        [
            *(3, 7, 10, 0, -1, 3.5, "7", "X1", "x1", "X*", "*1", f"{prefix}-invq*-pump", "*Pump", "*-invq1*"),
            *(f"{prefix}_kind0", f"{prefix}_kind*", True, False, None),
        ]
    )
    leaves = st.one_of(
        st.tuples(st.just("cmp"), st.sampled_from(PATHS), st.sampled_from(OPERATORS), values),
        st.tuples(st.just("has"), st.sampled_from([*PATHS, "c8y_IsDevice"])),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.just("not"), inner),
            st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        ),
        max_leaves=5,
    )


def scope(prefix: str) -> oracle.Tree:
    return ("cmp", "name", "eq", f"{prefix}-invq*")


def listed(ctx: RunContext, **params: str) -> tuple[list[str], Any]:
    response = ctx.client.get(MO, params={**params, "pageSize": "2000"})
    require_status(response, 200, "QueryRefused")
    return ids(response.json()["managedObjects"]), response


@check("INV-QUERY-1")
def query_selects_what_the_spec_rules_select(ctx: RunContext) -> None:
    documents = fleet(ctx)

    def test(tree: oracle.Tree) -> None:
        whole = ("and", [scope(ctx.prefix), tree])
        received, response = listed(ctx, query=f"$filter=({oracle.render(whole)})")
        expected = [d["id"] for d in documents if oracle.selects(whole, d)]
        title = (
            "QueryIgnored" if len(received) == len(documents) != len(expected) else "QuerySelectedWrongItems"
        )
        expect(received == expected, title, f"ids {expected} (by id)", f"ids {received}", response.request)

    either = ("or", [("cmp", "n", "eq", 3), ("cmp", "n", "eq", 10)])
    run_property(ctx, trees(ctx.prefix), test, examples=(either, ("not", ("has", "flag"))))


@check("INV-QUERY-2")
def orderby_sorts_by_every_key_in_turn(ctx: RunContext) -> None:
    documents = fleet(ctx)
    keys = st.lists(
        st.tuples(st.sampled_from(PATHS), st.booleans()), min_size=1, max_size=3, unique_by=lambda k: k[0]
    )

    def test(chosen: list[tuple[str, bool]]) -> None:
        order = ",".join(f"{path} {'desc' if desc else 'asc'}" for path, desc in chosen)
        received, response = listed(
            ctx, query=f"$filter=({oracle.render(scope(ctx.prefix))}) $orderby={order}"
        )
        expected = oracle.ordered(documents, chosen)
        expect(
            received == expected, "QueryOrderWrong", f"ids {expected}", f"ids {received}", response.request
        )

    run_property(ctx, keys, test, examples=([("n", True), ("name", False)],))


@check("INV-QUERY-3")
def unreadable_query_is_a_400_naming_the_position(ctx: RunContext) -> None:
    fleet(ctx)
    for text in UNREADABLE:
        response = ctx.client.get(MO, params={"query": text, "pageSize": "1"})
        expect(
            response.status == 400,
            "UnreadableQueryNotRefused",
            f"400 for the query {text[:60]!r}",
            repr(response),
            response.request,
        )
        body = response.json()
        message = body.get("message", "") if isinstance(body, dict) else ""
        expect(
            response.media_type == ERROR_TYPE
            and isinstance(body, dict)
            and body.get("error") == "inventory/Bad Request"
            and "position" in message,
            "QueryErrorWithoutPosition",
            "error inventory/Bad Request, the error media type, a message naming the position",
            f"{response.media_type} {body}",
            response.request,
        )


@check("INV-QUERY-4")
def q_is_the_query_restricted_to_devices(ctx: RunContext) -> None:
    documents = fleet(ctx)
    received, response = listed(ctx, q=f"$filter=({oracle.render(scope(ctx.prefix))})")
    expected = [d["id"] for d in documents if "c8y_IsDevice" in d]
    expect(
        received == expected,
        "QNotRestrictedToDevices",
        f"ids {expected}",
        f"ids {received}",
        response.request,
    )


def _model(document: dict[str, Any]) -> Any:
    hardware = document.get("c8y_Hardware")
    return hardware.get("model") if isinstance(hardware, dict) else None


def _filter_cases(prefix: str, documents: list[dict[str, Any]]) -> list[tuple[dict[str, str], list[str]]]:
    """(query parameters, expected ids) for each documented filter, scoped to the run's fleet."""
    scoped = {"query": f"$filter=({oracle.render(scope(prefix))})"}
    every = [d["id"] for d in documents]
    some = every[1::3]
    return [
        ({"type": f"{prefix}_kind1"}, [d["id"] for d in documents if d["type"] == f"{prefix}_kind1"]),
        ({**scoped, "fragmentType": "c8y_Hardware"}, [d["id"] for d in documents if "c8y_Hardware" in d]),
        (
            {**scoped, "owner": str(documents[0]["owner"])},
            [d["id"] for d in documents if d["owner"] == documents[0]["owner"]],
        ),
        ({"text": documents[1]["name"]}, [documents[1]["id"]]),
        ({**scoped, "text": "X2"}, [d["id"] for d in documents if _model(d) == "X2"]),  # nested
        ({**scoped, "text": f"{prefix}-invq1-"}, []),  # a part of a name is not equal to it
        ({**scoped, "text": "flat"}, [d["id"] for d in documents if d.get("c8y_Hardware") == "flat"]),
        ({"ids": ",".join(reversed(some))}, some),
        (
            {"type": f"{prefix}_kind0", "fragmentType": "flag"},
            [d["id"] for d in documents if d["type"] == f"{prefix}_kind0" and "flag" in d],
        ),
    ]


@check("INV-FILTER-1")
def inventory_filters_select_exactly_and_count_totals(ctx: RunContext) -> None:
    documents = fleet(ctx)
    for params, expected in _filter_cases(ctx.prefix, documents):
        received, response = listed(ctx, **params)
        expect(
            received == expected,
            "InventoryFilterWrong",
            f"ids {expected} for {params}",
            f"ids {received}",
            response.request,
        )
    params = {
        "type": f"{ctx.prefix}_kind0",
        "pageSize": "3",
        "withTotalPages": "true",
        "withTotalElements": "true",
    }
    response = ctx.client.get(MO, params=params)
    require_status(response, 200)
    matching = sum(1 for d in documents if d["type"] == f"{ctx.prefix}_kind0")
    statistics = response.json().get("statistics", {})
    wanted = {"totalElements": matching, "totalPages": -(-matching // 3)}
    got = {key: statistics.get(key) for key in wanted}
    expect(got == wanted, "WrongTotals", wanted, got, response.request)
