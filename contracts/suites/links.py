"""Stateful link walks: create -> follow the spec's 201 links (get, update, delete) -> get is 404.

The operations to call come from the ``links`` of each create operation in the spec; the harness
only supplies a create body of its own (isolated by the run's prefix).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts import specs
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import ContractFailure, expect
from contracts.suites.common import new_source, require_status


def documented(document: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    """The spec's answer ``status`` of ``method path`` (empty when it documents none)."""
    operation = document["paths"].get(path, {}).get(method, {})
    answer: dict[str, Any] = operation.get("responses", {}).get(status, {})
    return answer


def judge_created(document: dict[str, Any], path: str, response: Response) -> None:
    """A 201 whose spec declares a Location header carries it, naming the created resource's self."""
    if "Location" not in documented(document, path, "post", "201").get("headers", {}):
        return
    self_url = response.json().get("self")
    location = response.headers.get("location")
    expect(
        bool(self_url) and location == self_url,
        "WrongLocationHeader",
        f"Location: {self_url} (the created resource's self)",
        f"Location: {location}",
        response.request,
    )


def judge_bare_update(ctx: RunContext, document: dict[str, Any], target: str, url: str, update: Any) -> None:
    """Where the spec says so, the same PUT without an Accept header answers 200 with an empty body."""
    if documented(document, target, "put", "200").get("x-empty-body-without-accept"):
        bare = ctx.client.put(url, update, accept=None)
        judge(bare, Expected(200, media_types=()), f"PUT {url} without Accept")


def walk(
    ctx: RunContext,
    spec_file: str,
    path: str,
    body: dict[str, Any],
    register: Callable[[str], None],
    update: dict[str, Any] | None = None,
) -> None:
    document = specs.load(ctx.spec_dir, spec_file)
    links = specs.created_links(document, path)
    # The item operations the links lead to: `<collection>/{id}` itself, not sub-resources of it.
    by_method = {method: target for method, target, _ in links.values() if target == f"{path}/{{id}}"}
    if "GET" not in by_method or "DELETE" not in by_method:
        raise ContractFailure(
            "MissingSpecLinks", f"GET and DELETE links on POST {path} in {spec_file}", sorted(links)
        )
    response = ctx.client.post(path, body)
    require_status(response, 201, "CreateRefused")
    new_id = str(response.json()["id"])
    register(new_id)
    judge_created(document, path, response)
    url = by_method["GET"].replace("{id}", new_id)
    got = ctx.client.get(url)
    require_status(got, 200, "CreatedResourceNotReadable")
    for key, value in body.items():
        if isinstance(value, str):
            expect(
                got.json().get(key) == value,
                "FieldNotKept",
                {key: value},
                {key: got.json().get(key)},
                got.request,
            )
    if update and "PUT" in by_method:
        put = ctx.client.put(by_method["PUT"].replace("{id}", new_id), update)
        require_status(put, 200, "UpdateRefused")
        judge_bare_update(ctx, document, by_method["PUT"], by_method["PUT"].replace("{id}", new_id), update)
        after = ctx.client.get(url).json()
        merged = {**body, **update}
        for key, value in merged.items():
            if isinstance(value, str):
                expect(
                    after.get(key) == value,
                    "UpdateNotMerged",
                    {key: value},
                    {key: after.get(key)},
                    put.request,
                )
    deleted = ctx.client.delete(by_method["DELETE"].replace("{id}", new_id))
    require_status(deleted, 204, "DeleteRefused")
    gone = ctx.client.get(url)
    expect(gone.status == 404, "DeletedResourceStillReadable", "404 after DELETE", repr(gone), gone.request)


@check("LINK-INV-1")
def managed_object_lifecycle_follows_the_links(ctx: RunContext) -> None:
    walk(
        ctx,
        "inventory.yaml",
        "/inventory/managedObjects",
        {"name": f"{ctx.prefix}-link", "type": f"{ctx.prefix}_link", "c8y_Extra": {"a": 1}},
        ctx.tracker.managed_objects.append,
        update={"name": f"{ctx.prefix}-link-renamed"},
    )


@check("LINK-MEAS-1")
def measurement_lifecycle_follows_the_links(ctx: RunContext) -> None:
    source = ctx.fixture("link-source", lambda c: new_source(c, "link"))
    walk(
        ctx,
        "measurement.yaml",
        "/measurement/measurements",
        {
            "source": {"id": source},
            "type": f"{ctx.prefix}_link",
            "time": "2021-01-01T00:00:00.000Z",
            "c8y_L": {"v": {"value": 1}},
        },
        lambda _id: None,
    )
