"""The identity API (spec/identity.yaml): external ids of the run's own managed objects.

Every pair is ``(<prefix>_Serial, <prefix>-...)`` on a managed object the run created; the guard
sends an external-id write only then, and the pairs go with their managed objects at cleanup.
"""

from __future__ import annotations

from typing import Any

from contracts.checks import RunContext, check
from contracts.client import Response
from contracts.failures import expect
from contracts.suites.common import MO, new_source, require_status

ERROR_TYPE = "application/vnd.com.nsn.cumulocity.error+json"


def add(ctx: RunContext, mo: str, value: str) -> Response:
    body = {"externalId": f"{ctx.prefix}-{value}", "type": f"{ctx.prefix}_Serial"}
    return ctx.client.post(f"/identity/globalIds/{mo}/externalIds", body)


def lookup(ctx: RunContext, value: str) -> Response:
    return ctx.client.get(f"/identity/externalIds/{ctx.prefix}_Serial/{ctx.prefix}-{value}")


def is_not_found(response: Response) -> bool:
    body = response.json()
    return (
        response.status == 404
        and response.media_type == ERROR_TYPE
        and isinstance(body, dict)
        and body.get("error") == "identity/Not Found"
    )


def created(ctx: RunContext, mo: str, value: str) -> dict[str, Any]:
    response = add(ctx, mo, value)
    require_status(response, 201, "ExternalIdNotCreated")
    body: dict[str, Any] = response.json()
    expected = {"externalId": f"{ctx.prefix}-{value}", "type": f"{ctx.prefix}_Serial", "managedObject": mo}
    received = {
        **{k: body.get(k) for k in ("externalId", "type")},
        "managedObject": body.get("managedObject", {}).get("id"),
    }
    expect(received == expected, "WrongExternalIdAnswer", expected, received, response.request)
    expect(
        body.get("self") == response.headers.get("location") and bool(body.get("self")),
        "WrongLocationHeader",
        "Location equal to the answer's self",
        f"Location {response.headers.get('location')!r}, self {body.get('self')!r}",
        response.request,
    )
    return body


def listed_ids(ctx: RunContext, mo: str, want: list[str]) -> None:
    """The managed object's external ids, every one of them, in creation order (identity.yaml)."""
    listing = ctx.client.get(f"/identity/globalIds/{mo}/externalIds")
    require_status(listing, 200)
    listed = [e.get("externalId") for e in listing.json().get("externalIds", [])]
    expect(listed == want, "ExternalIdNotListed", want, listed, listing.request)


@check("ID-EXT-1")
def external_id_is_found_listed_and_deleted(ctx: RunContext) -> None:
    mo = new_source(ctx, "ext-life")
    # Several pairs on one managed object (how many is drawn), so the list's order shows.
    bodies = [created(ctx, mo, f"life{i}") for i in range(ctx.random.randint(2, 4))]
    body = bodies[0]
    found = lookup(ctx, "life0")
    expect(
        found.status == 200 and found.json() == body, "ExternalIdNotFound", body, repr(found), found.request
    )
    listed_ids(ctx, mo, [b["externalId"] for b in bodies])
    deleted = ctx.client.delete(f"/identity/externalIds/{ctx.prefix}_Serial/{ctx.prefix}-life0")
    require_status(deleted, 204, "ExternalIdNotDeleted")
    after = lookup(ctx, "life0")
    expect(
        is_not_found(after),
        "DeletedExternalIdStillFound",
        "404 identity/Not Found",
        repr(after),
        after.request,
    )
    listed_ids(ctx, mo, [b["externalId"] for b in bodies[1:]])
    still = ctx.client.get(f"{MO}/{mo}")
    expect(still.status == 200, "ManagedObjectDeletedWithExternalId", "200", repr(still), still.request)


@check("ID-EXT-2")
def a_pair_names_one_managed_object(ctx: RunContext) -> None:
    first, second = new_source(ctx, "ext-first"), new_source(ctx, "ext-second")
    created(ctx, first, "dup")
    for mo in (second, first):
        again = add(ctx, mo, "dup")
        expect(again.status == 409, "DuplicateExternalIdAccepted", "409", repr(again), again.request)
    found = lookup(ctx, "dup")
    owner = found.json().get("managedObject", {}).get("id") if found.status == 200 else None
    expect(owner == first, "DuplicateExternalIdAccepted", f"still naming {first}", owner, found.request)
    for response in (lookup(ctx, "never-created"), ctx.client.get("/identity/globalIds/0/externalIds")):
        expect(
            is_not_found(response),
            "UnknownExternalIdNotFound",
            "404 identity/Not Found",
            repr(response),
            response.request,
        )


@check("ID-EXT-3")
def external_ids_go_with_their_managed_object(ctx: RunContext) -> None:
    doomed, heir = new_source(ctx, "ext-doomed"), new_source(ctx, "ext-heir")
    created(ctx, doomed, "gone")
    require_status(ctx.client.delete(f"{MO}/{doomed}"), 204, "ManagedObjectNotDeleted")
    after = lookup(ctx, "gone")
    expect(
        is_not_found(after),
        "ExternalIdOutlivesManagedObject",
        "404 identity/Not Found",
        repr(after),
        after.request,
    )
    again = add(ctx, heir, "gone")
    expect(
        again.status == 201,
        "ExternalIdOutlivesManagedObject",
        "201 for the freed pair",
        repr(again),
        again.request,
    )
