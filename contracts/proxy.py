"""Validating proxy: forwards live traffic unchanged and checks it against the specs.

    python -m contracts proxy --target http://127.0.0.1:8080 --listen 127.0.0.1:9090

Every request and its response are validated with openapi-core against the spec that owns the
path (measurement, inventory/tenant, DTM). Violations are printed as they happen and written to
``--report-dir`` in the harness's report format (rows PROXY-REQ-1 and PROXY-RESP-1).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from openapi_core import OpenAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from werkzeug.datastructures import Headers

from contracts.checks import Result
from contracts.failures import ContractFailure, RecordedRequest
from contracts.openapi_validation import CoreRequest, CoreResponse, load
from contracts.openapi_validation import describe as describe_error
from contracts.requirements import REQUIREMENTS

SPEC_OF_PREFIX = [
    ("/measurement", "measurement.yaml"),
    ("/inventory", "inventory.yaml"),
    ("/tenant", "inventory.yaml"),
    ("/service/dtm", "dtm.yaml"),
]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class Validator:
    spec_dir: str
    report_dir: str
    target: str
    specs: dict[str, OpenAPI] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in {spec for _, spec in SPEC_OF_PREFIX}:
            path = Path(self.spec_dir) / name
            if path.exists():
                self.specs[name] = load(str(path))
        self.results = {
            rid: Result(REQUIREMENTS[rid], status="passed") for rid in ("PROXY-REQ-1", "PROXY-RESP-1")
        }

    def spec_for(self, path: str) -> OpenAPI | None:
        for prefix, name in SPEC_OF_PREFIX:
            if path.startswith(prefix):
                return self.specs.get(name)
        return None

    def check(self, request: CoreRequest, response: CoreResponse, recorded: RecordedRequest) -> list[str]:
        """Validate one exchange; returns one line per violation (also recorded for the report)."""
        spec = self.spec_for(request.path)
        if spec is None:
            return []
        lines = []
        for rid, errors in (
            ("PROXY-REQ-1", list(spec.iter_request_errors(request))),
            ("PROXY-RESP-1", list(spec.iter_response_errors(request, response))),
        ):
            for error in errors[:1]:
                detail = describe_error(error)
                title = type(error).__name__
                side = "request" if rid == "PROXY-REQ-1" else f"{response.status_code} response"
                failure = ContractFailure(
                    title,
                    f"a {side} of {request.method.upper()} {request.path} valid against the spec",
                    detail[:1000],
                    request=recorded,
                )
                result = self.results[rid]
                result.status = "failed"
                result.failures.append(failure)
                lines.append(
                    f"VIOLATION {rid} {title}: {request.method.upper()} {request.path}: {detail[:300]}"
                )
        if lines:
            self.write()
        return lines

    def write(self) -> None:
        from contracts import report
        from contracts.verdict import Header

        for result in self.results.values():
            if result.status == "not run":
                result.reason = "no traffic through the proxy has violated it so far"
        header = Header(self.target, "proxy", 0, f"python -m contracts proxy --target {self.target}")
        report.write_reports(self.report_dir, list(self.results.values()), header)


def build_app(target: str, validator: Validator, *, timeout: float = 30.0) -> Starlette:
    """The proxy as an ASGI app: forward unchanged, validate, answer with the target's response."""
    client = httpx.AsyncClient(base_url=target.rstrip("/"), timeout=timeout)

    async def forward(request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        query: list[tuple[str, Any]] = list(request.query_params.multi_items())
        upstream = await client.request(
            request.method,
            request.url.path,
            params=query,
            content=body,
            headers=headers,
        )
        answer_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        core_request = CoreRequest.build(
            host_url=f"{request.url.scheme}://{request.url.netloc}",
            path=request.url.path,
            method=request.method,
            query=request.query_params.multi_items(),
            headers=request.headers.items(),
            body=body,
            content_type=request.headers.get("content-type", ""),
        )
        core_response = CoreResponse(
            status_code=upstream.status_code,
            content_type=upstream.headers.get("content-type", "").lower(),
            headers=Headers(list(upstream.headers.items())),
            data=upstream.content,
        )
        recorded = RecordedRequest(request.method, str(request.url), dict(request.headers), body or None)
        for line in validator.check(core_request, core_response, recorded):
            print(line, flush=True)
        return Response(upstream.content, status_code=upstream.status_code, headers=answer_headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with client:  # the upstream connections close with the server
            yield

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", forward, methods=methods)], lifespan=lifespan)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        from contracts.failures import CouldNotTest

        raise CouldNotTest(f"--listen {args.listen!r} is not HOST:PORT.")
    validator = Validator(args.spec_dir, args.report_dir, args.target)
    validator.write()
    print(f"contracts proxy: {args.listen} -> {args.target}; reports in {args.report_dir}", file=sys.stderr)
    uvicorn.run(build_app(args.target, validator), host=host, port=int(port), log_level="warning")
    failed = any(r.status == "failed" for r in validator.results.values())
    return 1 if failed else 0


def describe(result: Any) -> str:
    return f"{result.requirement.id}: {result.status}"
