"""Schema conformance of every operation with Schemathesis 4 (its engine, all phases that apply).

The spec is loaded from ``--spec-dir``; credentials come from the CLI. Positive and negative data,
Schemathesis's default checks plus ours (Cumulocity error bodies). Safety on a real tenant does
not depend on this module: Schemathesis sends through :class:`contracts.relay.Relay`, so every
request of every phase passes the guard (:mod:`contracts.guard`), which refuses writes that could
reach data the run did not create. A ``map_case`` hook (:mod:`contracts.suites.schema_targets`)
only keeps coverage up by pointing writes at resources the run created.

A spec whose API the target does not serve (its probe path answers 404), or a run in which no
answer of the target could be judged (every request answered by the guard), is ``not run``,
never ``passed``.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET
from schemathesis.engine import events, from_schema

from contracts import openapi_validation
from contracts.checks import RunContext, check
from contracts.failures import ContractFailure, NotRun, RecordedRequest
from contracts.relay import MARKER, Relay
from contracts.suites.common import ERROR_TYPE, new_source
from contracts.suites.schema_targets import Owned, sanitize
from contracts.transport import STOP


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


# The two specs checked last get a share of the profile's per-spec budget, so that the ci run stays
# near its 120 s; the alarm and realtime suites check their semantics besides.
BUDGET_SHARE = {"alarm.yaml": 0.6, "notification2.yaml": 0.4}


def budget_of(ctx: RunContext, spec_file: str) -> float:
    """Seconds Schemathesis may spend on one spec (at least 5; never more than the run has left)."""
    return min(ctx.time_left(), max(5.0, ctx.profile.schema_time * BUDGET_SHARE.get(spec_file, 1.0)))


def config_for(ctx: RunContext, spec_file: str = "") -> SchemathesisConfig:
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
                # Writes to ids the run cannot prove it created are redirected (schema_targets), so a
                # stateful step may legitimately meet 404; the LINK-* walks check availability instead.
                "ensure_resource_availability": {"enabled": False},
            },
            "request-timeout": 10,
            "workers": 1,
        }
    )
    config.update(max_failures=None, max_time=int(max(3, budget_of(ctx, spec_file))))
    return config


def build_owned(ctx: RunContext) -> Owned:
    """Two sources of the run's own: one written to, one that collection DELETEs are scoped to."""
    return Owned(ctx, new_source(ctx, "schema"), new_source(ctx, "schema-delete"))


def owned_for(ctx: RunContext, spec_file: str) -> Owned:
    """The DTM spec alone needs no managed objects: ``--api dtm`` runs without ``/inventory``."""
    if spec_file == "dtm.yaml" and "schema-owned" not in ctx.fixtures:
        built: Owned = ctx.fixture("schema-owned-dtm", lambda c: Owned(c, None, None))
        return built
    owned: Owned = ctx.fixture("schema-owned", build_owned)
    return owned


# Per spec: a collection whose GET tells whether the target serves that API at all.
PROBES = {
    "measurement.yaml": "/measurement/measurements",
    "inventory.yaml": "/inventory/managedObjects",
    "dtm.yaml": "/service/dtm/asset-models",
    "alarm.yaml": "/alarm/alarms",
    "notification2.yaml": "/notification2/subscriptions",
}


def require_api(ctx: RunContext, spec_file: str) -> None:
    """Not run (not applicable) when the target answers 404 to the spec's collection."""
    path = PROBES[spec_file]
    response = ctx.client.get(path, params={"pageSize": "1"})
    if response.status == 404:
        raise NotRun(
            f"not applicable: the target does not serve {spec_file} (GET {path} answered 404), "
            "so Schemathesis has nothing to check"
        )


def run_schema(ctx: RunContext, spec_file: str) -> None:
    require_api(ctx, spec_file)
    owned = owned_for(ctx, spec_file)
    config = config_for(ctx, spec_file)
    schema = schemathesis.openapi.from_path(f"{ctx.spec_dir}/{spec_file}", config=config)
    # No base URL: Schemathesis reaches the target only through the relay (and so the guard).
    schema.app = relay = Relay(ctx.client)
    schema.config.update(headers={"Authorization": ctx.client.credentials.header()})

    @schema.hook
    def map_case(context: Any, case: Any) -> Any:
        return sanitize(owned, case)

    findings = Findings(ctx, spec_file)
    budget = ctx.time_left()
    stream = from_schema(schema).execute()
    try:
        for event in stream:
            if relay.stopped_by is not None or STOP.is_set():
                break
            findings.take(event)
    finally:
        stream.stop()
    if relay.stopped_by is not None:
        raise relay.stopped_by
    if STOP.is_set():
        raise KeyboardInterrupt("interrupted during the schema run")
    findings.progress(final=True)
    if findings.failures:
        ctx.fixtures.setdefault("schema-failures", []).extend(findings.failures.values())
        first, *others = findings.failures.values()
        first.others = others
        raise first
    if findings.judged == 0 and findings.refused:
        raise NotRun(
            f"refused by the safety guard: none of the {findings.scenarios} Schemathesis scenarios of "
            f"{spec_file} reached the target ({findings.refused} requests answered by the guard)"
        )
    if findings.judged == 0:
        raise NotRun(f"time budget: Schemathesis judged no answer of the target for {spec_file}")
    if ctx.time_left() <= 0 and budget < ctx.profile.schema_time:
        raise NotRun(
            f"time budget: the run's --max-time left {max(budget, 0):.0f} s of the profile's "
            f"{ctx.profile.schema_time:g} s for {spec_file}, and it ran out before Schemathesis finished."
        )


class Findings:
    """Schemathesis's events turned into our failures, with progress lines as scenarios finish."""

    def __init__(self, ctx: RunContext, spec_file: str) -> None:
        self.ctx = ctx
        self.spec_file = spec_file
        self.spec = openapi_validation.load(f"{ctx.spec_dir}/{spec_file}")
        self.failures: dict[str, ContractFailure] = {}
        self.scenarios = 0
        self.refused = 0
        self.judged = 0
        """Answers of the target (not of the guard) that Schemathesis's checks judged."""
        self.last_report = time.monotonic()
        self.label = ""

    def take(self, event: Any) -> None:
        if isinstance(event, events.ScenarioFinished):
            self.scenario(event.recorder)
        elif isinstance(event, events.NonFatalError):
            self.failures.setdefault(
                f"error:{event.label}",
                ContractFailure("SchemathesisError", f"{event.label} can be tested", str(event.value)[:500]),
            )
        elif isinstance(event, events.FatalError):
            raise ContractFailure(
                "SchemathesisError", f"{self.spec_file} can be tested", str(event.exception)[:500]
            )

    def scenario(self, recorder: Any) -> None:
        self.scenarios += 1
        self.label = recorder.label
        for case_id, nodes in recorder.checks.items():
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and guard_answer(interaction.response):
                self.refused += 1
                continue  # the guard answered, not the target: nothing to judge
            self.judged += interaction is not None
            for node in nodes:
                self.judge(recorder, case_id, node)
        self.progress()

    def judge(self, recorder: Any, case_id: str, node: Any) -> None:
        info = node.failure_info
        if info is None:
            return
        if node.name == "negative_data_rejection" and spec_allows(
            self.spec, recorder.cases[case_id].value, self.ctx
        ):
            return
        title = "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", info.failure.title) if w)
        key = f"{title}:{recorder.label}"
        if key not in self.failures:
            failure = ContractFailure(
                title or "SchemaViolation",
                f"{node.name} holds for {recorder.label}",
                info.failure.message.strip(),
                detail=f"{recorder.label} ({node.name})",
            )
            failure.request = CurlOnly(info.code_sample, self.ctx.client.base_url)
            self.failures[key] = failure

    def progress(self, *, final: bool = False) -> None:
        if not final and time.monotonic() - self.last_report < 3:
            return
        self.last_report = time.monotonic()
        self.ctx.progress(
            f"  {self.spec_file}: {self.scenarios} scenarios, {len(self.failures)} findings, "
            f"{self.refused} answered by the guard" + ("" if final else f" (now {self.label})")
        )


def guard_answer(response: Any) -> bool:
    """Whether an answer Schemathesis recorded came from the relay instead of the target."""
    if response is None:
        return False
    headers = {str(k).lower(): v for k, v in (response.headers or {}).items()}
    return MARKER.lower() in headers


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
    """A reproduction that Schemathesis already rendered as a curl command (against the target)."""

    def __init__(self, curl: str, base_url: str) -> None:
        super().__init__("GET", "")
        curl = re.sub(r"https?://localhost(:\d+)?", base_url, curl)
        curl = re.sub(r"-H ['\"]Authorization: Basic [^'\"]*['\"]", '-u "$C8Y_AUTH"', curl)
        token = r'-H "Authorization: \1 $C8Y_TOKEN"'
        self.curl = re.sub(r"-H ['\"]Authorization: (\w+) [^'\"]*['\"]", token, curl)

    def as_curl(self, *, multiline: bool = False) -> str:
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


@check("SCHEMA-ALARM-1")
def alarm_operations_conform_to_the_schema(ctx: RunContext) -> None:
    run_schema(ctx, "alarm.yaml")


@check("SCHEMA-N2-1")
def notification2_operations_conform_to_the_schema(ctx: RunContext) -> None:
    run_schema(ctx, "notification2.yaml")
