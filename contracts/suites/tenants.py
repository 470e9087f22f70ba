"""Tenant isolation (``spec/tenant.yaml``): another tenant's data is invisible to the run's tenant.

Runs only when the harness is given a second tenant's credentials (``--other-tenant``,
``--other-user``, ``--other-password``); otherwise each requirement is *not run*, never passed.
Everything is created as the other tenant, named with the run's prefix, and deleted again as the
other tenant, through a client of its own with a guard of its own: what the other tenant created
never becomes the run's in the run's guard, since on a server whose ids are counted per tenant the
same id may name the run's tenant's own data (a measurement id does, on the mock). The run's
tenant sends a PUT or DELETE to the other tenant's managed object only after its own GET of that
id answered 404, which shows that the id names nothing of the run's tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from contracts import answers
from contracts.answers import judge
from contracts.checks import RunContext, check
from contracts.client import Client, Credentials, Response
from contracts.failures import ContractFailure, NotRun
from contracts.suites.common import MEAS, MO
from contracts.suites.dtm import MODELS

ALARMS = "/alarm/alarms"


def other_tenant(ctx: RunContext) -> Client:
    """A client of the other tenant with a guard of its own (see the module docstring)."""
    args = ctx.credentials_args
    tenant, user = args.get("other_tenant"), args.get("other_user")
    if not tenant or not user:
        raise NotRun(
            "not applicable: no --other-tenant/--other-user was given, so tenant isolation cannot be checked"
        )
    credentials = Credentials(str(user), str(args.get("other_password") or ""), str(tenant))
    return Client(ctx.client.base_url, credentials, timeout=ctx.client.timeout)


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


def hidden(response: Response, what: str, resource: str = "inventory") -> None:
    if 200 <= response.status < 300:
        raise ContractFailure(
            "ForeignObjectVisible",
            f"{what} of the other tenant's object: 404",
            repr(response),
            request=response.request,
        )
    judge(response, answers.error(resource, 404), what)


def not_listed(response: Response, key: str, foreign: str, what: str) -> None:
    if foreign in listed_ids(response, key):
        raise ContractFailure(
            "ForeignObjectVisible",
            f"{what}: nothing of the other tenant",
            f"the other tenant's {foreign} is listed",
            request=response.request,
        )


def listed_ids(response: Response, key: str) -> list[str]:
    body = response.json()
    items = body.get(key) if isinstance(body, dict) else None
    return [str(i.get("id")) for i in items or [] if isinstance(i, dict)]


def new_device(ctx: RunContext, other: Client) -> tuple[str, dict[str, Any]]:
    doc = {"name": f"{ctx.prefix}-tenant", "type": f"{ctx.prefix}_tenant", "c8y_IsDevice": {}}
    return created_id(other.post(MO, doc), f"POST {MO}"), doc


@contextmanager
def others_device(ctx: RunContext) -> Iterator[tuple[Client, str, dict[str, Any]]]:
    """The other tenant's client and a new device of its; afterwards everything the other tenant
    created hangs off that device or is its own model, and is deleted as the other tenant."""
    other = other_tenant(ctx)
    try:
        device, doc = new_device(ctx, other)
        try:
            yield other, device, doc
        finally:
            for path in (MEAS, ALARMS):
                other.delete(path, params={"source": device})
            for model in list(other.guard.ownership.models):
                other.delete(f"{MODELS}/{model}")
            other.delete(f"{MO}/{device}")
    finally:
        other.close()
        # The run's report counts every request sent to the target, the other tenant's included.
        ctx.client.transport.forwarded += other.transport.forwarded


@check("TENANT-1")
def another_tenants_managed_object_is_invisible(ctx: RunContext) -> None:
    with others_device(ctx) as (other, device, doc):
        hidden(ctx.client.get(f"{MO}/{device}"), f"GET {MO}/{device}")
        ctx.client.guard.ownership.add("managed object", device)  # 404 above: it names nothing of ours
        hidden(ctx.client.put(f"{MO}/{device}", {"name": f"{ctx.prefix}-taken"}), f"PUT {MO}/{device}")
        hidden(ctx.client.delete(f"{MO}/{device}"), f"DELETE {MO}/{device}")
        for params in ({"type": doc["type"]}, {"pageSize": "2000"}, {"fragmentType": "c8y_IsDevice"}):
            listing = ctx.client.get(MO, params={"pageSize": "2000", **params})
            not_listed(listing, "managedObjects", device, f"GET {MO} {params}")
        still = other.get(f"{MO}/{device}")
        if still.status != 200 or (still.json() or {}).get("name") != doc["name"]:
            raise ContractFailure(
                "ForeignObjectChanged",
                f"GET {MO}/{device} as its own tenant: 200, name {doc['name']!r}",
                repr(still),
                request=still.request,
            )


@check("TENANT-2")
def another_tenants_measurements_are_invisible(ctx: RunContext) -> None:
    with others_device(ctx) as (other, device, _):
        kind = f"{ctx.prefix}_tenant"
        sent = {
            "source": {"id": device},
            "type": kind,
            "time": "2021-03-04T10:00:00.000Z",
            "c8y_T": {"T": {"value": 1}},
        }
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
        answer = by_id.json() if by_id.status == 200 else None
        if isinstance(answer, dict) and (answer.get("source") or {}).get("id") == device:
            raise ContractFailure(
                "ForeignObjectVisible",
                f"GET {MEAS}/{measurement}: not the other tenant's measurement",
                repr(by_id),
                request=by_id.request,
            )
        hidden(ctx.client.get(f"{MO}/{device}"), f"GET {MO}/{device}")
        ctx.client.guard.ownership.add("managed object", device)  # 404 above: it names nothing of ours
        foreign = ctx.client.post(MEAS, {**sent, "time": "2021-03-04T11:00:00.000Z"})
        if 200 <= foreign.status < 300:
            raise ContractFailure(
                "ForeignSourceAccepted",
                f"POST {MEAS} naming the other tenant's device {device}: refused",
                repr(foreign),
                request=foreign.request,
            )


@check("TENANT-3")
def another_tenants_alarms_and_asset_models_are_invisible(ctx: RunContext) -> None:
    with others_device(ctx) as (other, device, _):
        alarm = {
            "source": {"id": device},
            "type": f"{ctx.prefix}_tenant",
            "text": "another tenant's alarm",
            "severity": "MINOR",
            "time": "2021-03-04T10:00:00.000Z",
        }
        alarm_id = created_id(other.post(ALARMS, alarm), f"POST {ALARMS}")
        model = created_id(other.post(MODELS, {"name": f"{ctx.prefix}-tenant-model"}), f"POST {MODELS}")
        hidden(ctx.client.get(f"{ALARMS}/{alarm_id}"), f"GET {ALARMS}/{alarm_id}", "alarm")
        not_listed(ctx.client.get(ALARMS, params={"pageSize": "2000"}), "alarms", alarm_id, f"GET {ALARMS}")
        hidden(ctx.client.get(f"{MODELS}/{model}"), f"GET {MODELS}/{model}", "dtm")
        listing = ctx.client.get(MODELS, params={"pageSize": "2000"})
        not_listed(listing, "assetModels", model, f"GET {MODELS}")
        for path in (f"{ALARMS}/{alarm_id}", f"{MODELS}/{model}"):
            still = other.get(path)
            if still.status != 200:
                raise ContractFailure(
                    "ForeignObjectChanged",
                    f"GET {path} as its own tenant: 200",
                    repr(still),
                    request=still.request,
                )
