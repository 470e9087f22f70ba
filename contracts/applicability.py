"""Optional APIs: whether the target serves each one, decided by one probe per run.

A vendor's implementation may leave out an API the kit also specifies (alarms, identity, the
tenant login, Notification 2.0, CometD realtime, the inventory query language). The requirements
of such an API then end ``not run`` with ``not applicable: the target does not serve ...``, never
``failed`` and never ``passed``: the run exits 2 unless the user opted in. The decision comes from
one probe per API, made before the first of its requirements runs and kept for the rest of the
run; only an answer that means "no such API" (404 to its collection, 501 to a query) counts. Any
other answer, wrong as it may be, leaves the requirement to its checks, which judge it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contracts.checks import RunContext
from contracts.failures import ContractFailure
from contracts.suites.common import MO, new_source
from contracts.suites.realtime_wire import CometdClient

__all__ = ["OPTIONAL_APIS", "not_applicable"]


@dataclass(frozen=True)
class OptionalApi:
    name: str
    prefixes: tuple[str, ...]
    """Requirement ids (prefixes) that need the API."""
    probe: Callable[[RunContext], str]
    """The reason it is not applicable, or "" when the target serves it."""


def unserved(ctx: RunContext, root: str, path: str) -> str:
    response = ctx.client.get(path, params={"pageSize": "1"})
    if response.status == 404:
        return f"not applicable: the target does not serve {root} (GET {path} answered 404)"
    return ""


def probe_alarm(ctx: RunContext) -> str:
    return unserved(ctx, "/alarm", "/alarm/alarms")


def probe_notification2(ctx: RunContext) -> str:
    return unserved(ctx, "/notification2", "/notification2/subscriptions")


def probe_login(ctx: RunContext) -> str:
    return unserved(ctx, "/tenant", "/tenant/loginOptions")


def probe_cometd(ctx: RunContext) -> str:
    client = CometdClient(ctx)
    try:
        client.handshake()
    except ContractFailure:
        if client.last is not None and client.last.status == 404:
            return (
                "not applicable: the target does not serve /notification/realtime "
                "(the CometD handshake answered 404)"
            )
        return ""
    client.disconnect()
    return ""


def probe_identity(ctx: RunContext) -> str:
    """A managed object of the run's own has a (maybe empty) list of external ids where identity is served."""
    reason = unserved(ctx, "/inventory", MO)
    if reason:
        return reason
    try:
        mo = new_source(ctx, "identity-probe")
    except ContractFailure:
        return ""
    path = f"/identity/globalIds/{mo}/externalIds"
    if ctx.client.get(path).status == 404:
        return (
            f"not applicable: the target does not serve /identity (GET {path} of a managed object "
            "it just created answered 404)"
        )
    return ""


def probe_query_language(ctx: RunContext) -> str:
    reason = unserved(ctx, "/inventory", MO)
    if reason:
        return reason
    query = f"$filter=(name eq '{ctx.prefix}-probe')"
    if ctx.client.get(MO, params={"query": query, "pageSize": "1"}).status == 501:
        return (
            "not applicable: the target does not implement the inventory query language "
            "(GET ?query= answered 501)"
        )
    return ""


OPTIONAL_APIS = (
    OptionalApi("alarm", ("ALARM-", "DTM-ALARM-", "SCHEMA-ALARM-"), probe_alarm),
    OptionalApi("identity", ("ID-EXT-",), probe_identity),
    OptionalApi("tenant login", ("LOGIN-",), probe_login),
    OptionalApi("notification2", ("RT-N2-", "SCHEMA-N2-"), probe_notification2),
    OptionalApi("cometd", ("RT-COMETD-", "RT-MODE-"), probe_cometd),
    OptionalApi("inventory query language", ("INV-QUERY-",), probe_query_language),
)


def not_applicable(ctx: RunContext, requirement: str) -> str:
    """Why the requirement cannot apply to this target ("" when it can); one probe per API and run."""
    for api in OPTIONAL_APIS:
        if requirement.startswith(api.prefixes):
            key = f"applicability:{api.name}"
            if key not in ctx.fixtures:
                ctx.fixtures[key] = api.probe(ctx)
            reason: str = ctx.fixtures[key]
            return reason
    return ""
