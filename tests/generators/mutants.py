"""Deliberately broken generated mocks: a hooks module that breaks one resource in one way.

Each kind replaces one generated handler through the project's ``hooks.py`` (the user's
extension point), so the rest of the mock stays correct and only that breakage is in play.
"""

from __future__ import annotations

from dataclasses import dataclass

from generators.crud import ResourceRow
from generators.model import Model

KINDS = (
    "wrong-field-type",
    "list-ignores-created-items",
    "delete-keeps-the-item",
    "get-returns-another-item",
    "update-ignored",
    "wrong-status",
)
# Titles the generated suite reports for each kind (any one of them counts as caught).
EXPECTED = {
    "wrong-field-type": ("Response violates schema",),
    "list-ignores-created-items": ("CreatedItemNotListed",),
    "delete-keeps-the-item": ("DeletedItemStillReadable", "Deleted resource still available"),
    "get-returns-another-item": ("ReadReturnsAnotherItem",),
    "update-ignored": ("UpdateIgnored",),
    "wrong-status": ("UndocumentedStatus", "Undocumented HTTP status code"),
}

HEADER = """
import copy
import uuid

from connexion import request
from mockserver.generic import ResourceStore, serve

from .handlers import GeneratedHandlers
from .resources import OPERATIONS, RESOURCES, SEED


def _other_id(value):
    if isinstance(value, int):
        return value + 1000
    if isinstance(value, str) and value.isdigit():
        return str(int(value) + 1000)
    try:
        uuid.UUID(str(value))
        return str(uuid.UUID(int=uuid.UUID(str(value)).int ^ 1))
    except ValueError:
        return f"{value}-other"


class UserHooks:
    def __init__(self, stores):
        self.stores = stores
        self.generated = GeneratedHandlers(stores)
"""


@dataclass(frozen=True)
class Target:
    """The operations of the broken resource: operationIds and handler method names by kind."""

    resource: str
    id_field: str
    ids: dict[str, str]
    methods: dict[str, str]
    envelope: str | None
    statuses: dict[str, list[int]]
    probe: str | None


def target(model: Model, row: ResourceRow) -> Target:
    ops = [o for o in model.operations if o.resource == row["name"]]
    ids = {(o.method if o.kind == "update" else o.kind): o.operation_id for o in ops}
    methods = {k: next(o.method_name for o in ops if o.operation_id == v) for k, v in ids.items()}
    get = next(o for o in ops if o.kind == "get")
    assert row["id_field"], f"{row['name']} has no id field to break"
    return Target(
        row["name"],
        row["id_field"],
        ids,
        methods,
        get.response_envelope,
        {k: s["statuses"] for k, s in row["steps"].items()},
        row["probe"],
    )


def hooks_source(kind: str, t: Target) -> str:
    """The hooks module of a mock broken in ``kind`` on ``t``'s resource."""
    inner = f"body[{t.envelope!r}]" if t.envelope else "body"
    if kind == "wrong-field-type":
        field = t.probe or t.id_field
        body = (
            f"    async def {t.methods['get']}(self, **kw):\n"
            f"        body, status, headers = await self.generated.{t.methods['get']}(**kw)\n"
            f"        {inner}[{field!r}] = {{'wrong': ['type']}}\n"
            "        return body, status, headers\n"
        )
    elif kind == "list-ignores-created-items":
        body = (
            f"    async def {t.methods['list']}(self, **kw):\n"
            f"        fresh = ResourceStore(RESOURCES[{t.resource!r}], SEED.get({t.resource!r}, ()))\n"
            "        url = str(request.url).split('?', 1)[0]\n"
            "        query = list(request.query_params.multi_items())\n"
            f"        return serve(OPERATIONS[{t.ids['list']!r}], fresh, kw, url=url, query=query)\n"
        )
    elif kind == "delete-keeps-the-item":
        body = (
            f"    async def {t.methods['delete']}(self, **kw):\n"
            f"        body, _, headers = await self.generated.{t.methods['get']}(**kw)\n"
            f"        op = OPERATIONS[{t.ids['delete']!r}]\n"
            "        if not op.returns_body:\n"
            "            return None, op.status, {}\n"
            "        return body, op.status, headers\n"
        )
    elif kind == "get-returns-another-item":
        body = (
            f"    async def {t.methods['get']}(self, **kw):\n"
            f"        body, status, headers = await self.generated.{t.methods['get']}(**kw)\n"
            f"        {inner}[{t.id_field!r}] = _other_id({inner}[{t.id_field!r}])\n"
            "        return body, status, headers\n"
        )
    elif kind == "update-ignored":
        body = "".join(
            f"    async def {t.methods[m]}(self, **kw):\n"
            f"        body, _, headers = await self.generated.{t.methods['get']}(**kw)\n"
            f"        return body, OPERATIONS[{t.ids[m]!r}].status, headers\n\n"
            for m in ("put", "patch")
            if m in t.methods
        )
    elif kind == "wrong-status":
        wrong = next(s for s in (201, 200, 202, 203) if s not in t.statuses["create"])
        body = (
            f"    async def {t.methods['create']}(self, **kw):\n"
            f"        body, _, headers = await self.generated.{t.methods['create']}(**kw)\n"
            f"        return body, {wrong}, headers\n"
        )
    else:
        raise ValueError(f"unknown mutant kind {kind!r}")
    return HEADER + "\n" + body
