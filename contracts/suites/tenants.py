"""Tenant isolation (``spec/tenant.yaml``): another tenant's data is invisible to the run's tenant.

Runs only when the harness is given a second tenant's credentials (``--other-tenant``,
``--other-user``, ``--other-password``); otherwise each requirement is *not run*, never passed.
Everything is created as the other tenant, named with the run's prefix, and deleted again as
the other tenant; the run's own tenant only reads, and writes only to ids the run created.
"""

from __future__ import annotations

from typing import Any

from contracts import answers
from contracts.answers import judge
from contracts.checks import RunContext, check
from contracts.client import Credentials, Response
from contracts.failures import ContractFailure, NotRun
from contracts.suites.access import AsUser
from contracts.suites.common import MEAS, MO


def other_tenant(ctx: RunContext) -> AsUser:
    args = ctx.credentials_args
    tenant, user = args.get("other_tenant"), args.get("other_user")
    if not tenant or not user:
        raise NotRun(
            "not applicable: no --other-tenant/--other-user was given, so tenant isolation cannot be checked"
        )
    return AsUser(ctx.client, Credentials(str(user), str(args.get("other_password") or ""), str(tenant)))


def created_id(response: Response, what: str) -> str:
    body = response.json()
    if response.status != 201 or not isinstance(body, dict) or "id" not in body:
        raise ContractFailure(
            "OtherTenantCannotWrite",
            f"{what} as the other tenant: 201 with an id",
            repr(response),
            request=response.request,
        )
    return str(body["id"])


def hidden(response: Response, what: str) -> None:
    if 200 <= response.status < 300:
        raise ContractFailure(
            "ForeignObjectVisible",
            f"{what} of the other tenant's object: 404",
            repr(response),
            request=response.request,
        )
    judge(response, answers.error("inventory", 404), what)


def listed_ids(response: Response, key: str) -> list[str]:
    body = response.json()
    items = body.get(key) if isinstance(body, dict) else None
    return [str(i.get("id")) for i in items or [] if isinstance(i, dict)]


def new_device(ctx: RunContext, other: AsUser) -> tuple[str, dict[str, Any]]:
    doc = {"name": f"{ctx.prefix}-tenant", "type": f"{ctx.prefix}_tenant", "c8y_IsDevice": {}}
    return created_id(other.post(MO, doc), f"POST {MO}"), doc


@check("TENANT-1")
def another_tenants_managed_object_is_invisible(ctx: RunContext) -> None:
    other = other_tenant(ctx)
    device, doc = new_device(ctx, other)
    try:
        hidden(ctx.client.get(f"{MO}/{device}"), f"GET {MO}/{device}")
        hidden(ctx.client.put(f"{MO}/{device}", {"name": f"{ctx.prefix}-taken"}), f"PUT {MO}/{device}")
        hidden(ctx.client.delete(f"{MO}/{device}"), f"DELETE {MO}/{device}")
        for params in ({"type": doc["type"]}, {"pageSize": "2000"}, {"fragmentType": "c8y_IsDevice"}):
            listing = ctx.client.get(MO, params={"pageSize": "2000", **params})
            if device in listed_ids(listing, "managedObjects"):
                raise ContractFailure(
                    "ForeignObjectVisible",
                    f"GET {MO} {params}: no object of the other tenant",
                    f"the other tenant's {device} is listed",
                    request=listing.request,
                )
        still = other.get(f"{MO}/{device}")
        if still.status != 200 or (still.json() or {}).get("name") != doc["name"]:
            raise ContractFailure(
                "ForeignObjectChanged",
                f"GET {MO}/{device} as its own tenant: 200, name {doc['name']!r}",
                repr(still),
                request=still.request,
            )
    finally:
        other.delete(f"{MO}/{device}")


@check("TENANT-2")
def another_tenants_measurements_are_invisible(ctx: RunContext) -> None:
    other = other_tenant(ctx)
    device, _ = new_device(ctx, other)
    kind = f"{ctx.prefix}_tenant"
    sent = {
        "source": {"id": device},
        "type": kind,
        "time": "2021-03-04T10:00:00.000Z",
        "c8y_T": {"T": {"value": 1}},
    }
    try:
        measurement = created_id(other.post(MEAS, sent), f"POST {MEAS}")
        for params in ({"type": kind}, {"source": device}):
            listing = ctx.client.get(MEAS, params={"pageSize": "2000", **params})
            if listing.status == 200 and listed_ids(listing, "measurements"):
                raise ContractFailure(
                    "ForeignDataListed",
                    f"GET {MEAS} {params}: none of the other tenant's measurements",
                    f"ids {listed_ids(listing, 'measurements')}",
                    request=listing.request,
                )
        by_id = ctx.client.get(f"{MEAS}/{measurement}")
        body = by_id.json() if by_id.status == 200 else None
        if isinstance(body, dict) and (body.get("source") or {}).get("id") == device:
            raise ContractFailure(
                "ForeignObjectVisible",
                f"GET {MEAS}/{measurement}: not the other tenant's measurement",
                repr(by_id),
                request=by_id.request,
            )
        foreign = ctx.client.post(MEAS, {**sent, "time": "2021-03-04T11:00:00.000Z"})
        if 200 <= foreign.status < 300:
            raise ContractFailure(
                "ForeignSourceAccepted",
                f"POST {MEAS} naming the other tenant's device {device}: refused",
                repr(foreign),
                request=foreign.request,
            )
    finally:
        other.delete(MEAS, params={"source": device})
        other.delete(f"{MO}/{device}")
