"""Schema conformance of every operation with Schemathesis 4 (its engine, all phases that apply).

The spec is loaded from ``--spec-dir`` with the target as base URL; credentials come from the CLI.
Positive and negative data, Schemathesis's default checks plus ours (Cumulocity error bodies).
Safety on a real tenant: a ``map_case`` hook rewrites every id a request would write to
(PUT/DELETE path ids, measurement sources, instance parents) to a resource the run created, and
collection DELETEs always carry ``source=<own managed object>``; every 201 is recorded for cleanup.
"""

from __future__ import annotations

import json
import re
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.engine import events, from_schema

from contracts import openapi_validation
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, RecordedRequest
from contracts.suites.common import ERROR_TYPE, new_source

NOWHERE = "999999999999999999"
DIGITS = re.compile(r"^\d+$")
FAMILY_OF_PATH = [
    ("/measurement/measurements/", "measurements"),
    ("/inventory/managedObjects/", "managed_objects"),
    ("/service/dtm/asset-models/", "models"),
    ("/service/dtm/asset-instances/", "instances"),
]


class Owned:
    """Ids the schema run may write to: created by this run."""

    def __init__(self, ctx: RunContext, source: str, delete_source: str) -> None:
        self.ctx = ctx
        self.source = source
        self.delete_source = delete_source
        self.families: dict[str, list[str]] = {
            "measurements": [],
            "managed_objects": [delete_source, source],
            "models": [],
            "instances": [],
        }

    def pick(self, family: str) -> str:
        """Where a write to an id the run does not own goes instead: an id that exists nowhere.

        Fuzzed PUT/DELETE by id then meet a documented 404 and never touch a resource, not even one
        a stateful sequence of this run is still using.
        """
        return NOWHERE

    def record(self, path: str, body: Any) -> None:
        if isinstance(body, dict) and isinstance(body.get("measurements"), list):
            for item in body["measurements"]:
                self.record(path, item)
            return
        if not isinstance(body, dict) or not DIGITS.match(str(body.get("id", ""))):
            return
        new_id = str(body["id"])
        for prefix, family in FAMILY_OF_PATH:
            if path.rstrip("/") + "/" == prefix and new_id not in self.families[family]:
                self.families[family].append(new_id)
                tracked = {
                    "managed_objects": self.ctx.tracker.managed_objects,
                    "models": self.ctx.tracker.models,
                    "instances": self.ctx.tracker.instances,
                }.get(family)
                if tracked is not None:
                    tracked.append(new_id)


def is_id(value: Any) -> bool:
    """A value that could address an existing resource (digits as a string or a JSON integer)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and DIGITS.match(value) is not None
    )


def same_type(original: Any, owned_id: str) -> Any:
    """The owned id in the JSON type of the value it replaces (a type violation stays a violation)."""
    return int(owned_id) if isinstance(original, int) else owned_id


def sanitize(owned: Owned, case: Any) -> Any:
    """Point every write at the run's own resources (see the module docstring)."""
    method = case.operation.method.upper()
    path = case.operation.path
    if method in ("PUT", "DELETE") and case.path_parameters:
        for prefix, family in FAMILY_OF_PATH:
            if path.startswith(prefix) and DIGITS.match(str(case.path_parameters.get("id", ""))):
                if str(case.path_parameters["id"]) not in owned.families[family]:
                    case.path_parameters["id"] = owned.pick(family)
    if method == "DELETE" and path == "/measurement/measurements":
        # A source of its own that nothing is written to: fuzzed DELETEs touch no data at all,
        # not even the run's (deleting the run's measurements would break the stateful links).
        case.query = {**(case.query or {}), "source": owned.delete_source}
    body = case.body
    if method in ("POST", "PUT") and isinstance(body, dict):
        items: list[Any] = body["measurements"] if isinstance(body.get("measurements"), list) else [body]
        for item in items:
            if (
                isinstance(item, dict)
                and isinstance(item.get("source"), dict)
                and is_id(item["source"].get("id"))
            ):
                item["source"]["id"] = same_type(item["source"]["id"], owned.source)
        if path.startswith("/service/dtm/asset-instances"):
            if is_id(body.get("parent")) and str(body["parent"]) not in owned.families["instances"]:
                body["parent"] = same_type(body["parent"], owned.pick("instances"))
            if is_id(body.get("managedObjectId")) and str(body["managedObjectId"]) != owned.source:
                body["managedObjectId"] = same_type(body["managedObjectId"], owned.source)
        if path == "/inventory/managedObjects" or path.startswith("/service/dtm/asset-models"):
            name = body.get("name")
            if isinstance(name, str) and 0 < len(name) <= 254 - len(owned.ctx.prefix) - 1:
                body["name"] = f"{owned.ctx.prefix}-{name}"  # never turns an invalid name into a valid one
    return case


CURRENT: list[Owned] = []
"""The Owned registry of the schema run in progress (checks are global in Schemathesis)."""


@schemathesis.check
def created_resources_are_recorded(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Not a rule: records every 201 so later writes may target it and cleanup deletes it."""
    if not CURRENT or response.status_code != 201 or case.operation.method.upper() != "POST":
        return None
    owned = CURRENT[0]
    headers = {k.lower(): v for k, v in response.headers.items()}
    location = (headers.get("location") or [""])[0].rstrip("/").rsplit("/", 1)[-1]
    if location.isdigit():
        owned.record(case.operation.path, {"id": location})
    try:
        owned.record(case.operation.path, response.json())
    except ValueError:
        pass
    return None


@schemathesis.check
def cumulocity_error_body(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    """Every 4xx answer (but 401/403 challenges without body) is a Cumulocity error document."""
    if response.status_code < 400 or response.status_code >= 500 or not response.content:
        return None
    media = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    try:
        body = response.json()
    except ValueError:
        body = None
    if media != ERROR_TYPE or not isinstance(body, dict) or not {"error", "message"} <= set(body):
        raise AssertionError(
            f"Expected an error body {{error, message, info}} with media type {ERROR_TYPE} / "
            f"Received {response.status_code} {media}: {response.text[:200]}"
        )
    return None


def config_for(ctx: RunContext) -> SchemathesisConfig:
    profile = ctx.profile
    config = SchemathesisConfig.from_dict(
        {
            "seed": ctx.seed,
            "generation": {
                "max-examples": profile.schema_examples,
                "mode": "all",
                "deterministic": profile.derandomize,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": profile.name != "quick"},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": profile.name != "quick"},
            },
            # Schema-valid data may still break a documented rule (unknown source -> 422, an unparseable
            # date in a string parameter -> 400), so "valid data must be accepted" does not apply here.
            # The decided rules say nothing about an `Allow` header on 405, so Schemathesis's
            # unsupported_method check (which requires one) is not part of the contract.
            "checks": {
                "positive_data_acceptance": {"enabled": False},
                "unsupported_method": {"enabled": False},
                # Writes to ids the run cannot prove it created are redirected (see sanitize), so a
                # stateful step may legitimately meet 404; the LINK-* walks check availability instead.
                "ensure_resource_availability": {"enabled": False},
            },
            "request-timeout": 10,
            "workers": 1,
        }
    )
    config.update(max_failures=None, max_time=int(max(3, min(ctx.time_left(), ctx.profile.schema_time))))
    return config


def build_owned(ctx: RunContext) -> Owned:
    """Two sources of the run's own: one written to, one that collection DELETEs are scoped to."""
    return Owned(ctx, new_source(ctx, "schema"), new_source(ctx, "schema-delete"))


def run_schema(ctx: RunContext, spec_file: str) -> None:
    owned: Owned = ctx.fixture("schema-owned", build_owned)
    config = config_for(ctx)
    schema = schemathesis.openapi.from_path(f"{ctx.spec_dir}/{spec_file}", config=config)
    schema.config.update(
        base_url=ctx.client.base_url, headers={"Authorization": ctx.client.credentials.header()}
    )

    @schema.hook
    def map_case(context: Any, case: Any) -> Any:
        return sanitize(owned, case)

    CURRENT[:] = [owned]
    failures: dict[str, ContractFailure] = {}
    spec = openapi_validation.load(f"{ctx.spec_dir}/{spec_file}")
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            for case_id, nodes in event.recorder.checks.items():
                for node in nodes:
                    info = node.failure_info
                    if info is None:
                        continue
                    if node.name == "negative_data_rejection" and spec_allows(
                        spec, event.recorder.cases[case_id].value, ctx
                    ):
                        continue
                    title = "".join(
                        w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", info.failure.title) if w
                    )
                    key = f"{title}:{event.recorder.label}"
                    if key not in failures:
                        failure = ContractFailure(
                            title or "SchemaViolation",
                            f"{node.name} holds for {event.recorder.label}",
                            info.failure.message.strip(),
                            detail=f"{event.recorder.label} ({node.name})",
                        )
                        failure.request = CurlOnly(info.code_sample)
                        failures[key] = failure
        elif isinstance(event, events.NonFatalError):
            failures.setdefault(
                f"error:{event.label}",
                ContractFailure("SchemathesisError", f"{event.label} can be tested", str(event.value)[:500]),
            )
        elif isinstance(event, events.FatalError):
            raise ContractFailure(
                "SchemathesisError", f"{spec_file} can be tested", str(event.exception)[:500]
            )
    if failures:
        ctx.fixtures.setdefault("schema-failures", []).extend(failures.values())
        first, *others = failures.values()
        first.others = others
        raise first


def spec_allows(spec: Any, case: Any, ctx: RunContext) -> bool:
    """Whether openapi-core finds the request ``case`` valid against the spec.

    Schemathesis's negative mutations are heuristics: now and then the "invalid" data they
    produce is allowed by the spec (seen here: a field literally named ``properties`` confused
    with the JSON Schema keyword). Accepting a request the spec allows is no violation, so such
    a claim is dropped; every other negative-data failure is reported as Schemathesis found it.
    """
    body: bytes | None = None
    if case.body is not NOT_SET:
        raw = case.body
        body = (
            raw
            if isinstance(raw, bytes)
            else raw.encode()
            if isinstance(raw, str)
            else json.dumps(raw).encode()
        )
    query = [
        (name, str(item))
        for name, value in (case.query or {}).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    headers = [(k, str(v)) for k, v in (case.headers or {}).items()]
    headers.append(("Authorization", ctx.client.credentials.header()))
    request = openapi_validation.CoreRequest.build(
        host_url=ctx.client.base_url,
        path=case.formatted_path,
        method=str(case.method),
        query=query,
        headers=headers,
        body=body,
        content_type=case.media_type or "",
    )
    return not openapi_validation.request_errors(spec, request)


class CurlOnly(RecordedRequest):
    """A reproduction that Schemathesis already rendered as a curl command."""

    def __init__(self, curl: str) -> None:
        super().__init__("GET", "")
        self.curl = re.sub(r"(Authorization: \w+) [^'\"]+", r"\1 ***", curl)

    def as_curl(self) -> str:
        return self.curl


@check("SCHEMA-MEAS-1")
def measurement_operations_conform_to_the_schema(ctx: RunContext) -> None:
    run_schema(ctx, "measurement.yaml")


@check("SCHEMA-INV-1")
def inventory_operations_conform_to_the_schema(ctx: RunContext) -> None:
    run_schema(ctx, "inventory.yaml")


@check("SCHEMA-DTM-1")
def dtm_operations_conform_to_the_schema(ctx: RunContext) -> None:
    run_schema(ctx, "dtm.yaml")
