"""The harness's HTTP client: httpx with per-request timeouts, credentials and a request log.

Every request is remembered as a :class:`RecordedRequest` so a failing check can print the curl
command that reproduces it, and every request goes through :class:`GuardTransport` (the safety
guard). Transport errors (refused connection, garbage instead of HTTP) become
:class:`CouldNotTest`: the run cannot say anything about conformance once the target is gone. A
timed-out request is followed by one short liveness probe: no answer to it either means the
target stopped answering (:class:`CouldNotTest`), an answer means only that request timed out
(:class:`RequestTimedOut`).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.failures import CouldNotTest, RecordedRequest, RequestTimedOut
from contracts.guard import Guard
from contracts.transport import GuardTransport

PROBE_PATHS = {"dtm": "/service/dtm/asset-models", "default": "/inventory/managedObjects"}


@dataclass(frozen=True)
class Credentials:
    """Basic credentials (``tenant/user:password`` when a tenant is given) or a bearer token."""

    user: str | None = "admin"
    password: str | None = "admin"
    tenant: str | None = None
    token: str | None = None

    def header(self) -> str:
        if self.token:
            return f"Bearer {self.token}"
        user = f"{self.tenant}/{self.user}" if self.tenant else (self.user or "")
        raw = f"{user}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


class Response:
    """A response plus the request that produced it."""

    def __init__(self, raw: httpx.Response, request: RecordedRequest) -> None:
        self.raw = raw
        self.request = request
        self.status = raw.status_code
        self.headers = raw.headers
        self.content = raw.content

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError:
            return None

    @property
    def media_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip()

    def __repr__(self) -> str:
        text = self.content[:300].decode("utf-8", "replace")
        return f"{self.status} {text}"


class Client:
    """Sends requests to the target with credentials and a bounded timeout on every request."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: float = 5.0,
        guard: Guard | None = None,
        probe_path: str = PROBE_PATHS["default"],
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.guard = guard or Guard()
        self.timeout = timeout
        self.probe_path = probe_path
        self.transport = GuardTransport(self.guard, httpx.HTTPTransport(), httpx.URL(self.base_url).path)
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), transport=self.transport
        )
        self.requests_sent = 0

    def close(self) -> None:
        self._http.close()

    def forget_cookies(self) -> None:
        """Drop every cookie a target set (the login suite's sessions stay out of other requests)."""
        self._http.cookies.clear()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
        accept: str | None = "application/json",
        timeout: float | None = None,
    ) -> Response:
        """Send one request; ``accept=None`` sends no Accept header at all."""
        url = path if path.startswith("http") else self.base_url + path
        send_headers: dict[str, str] = {}
        if auth:
            send_headers["Authorization"] = self.credentials.header()
        if accept is not None:
            send_headers["Accept"] = accept
        if json_body is not None:
            content = json.dumps(json_body).encode()
            send_headers.setdefault("Content-Type", "application/json")
        send_headers.update(headers or {})
        request = self._http.build_request(
            method,
            url,
            params=params,
            content=content,
            headers=send_headers,
            timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
        )
        if accept is None and "accept" in request.headers:
            del request.headers["accept"]
        recorded = RecordedRequest(method, str(request.url), dict(request.headers), content)
        return Response(self.send(request, recorded), recorded)

    def build(self, method: str, url: str, headers: dict[str, str], content: bytes | None) -> httpx.Request:
        """A request to send as given (the relay's: Schemathesis chose every header and byte)."""
        request = self._http.build_request(method, url, headers=headers, content=content)
        for default in ("accept", "accept-encoding"):  # httpx's defaults, not Schemathesis's choice
            if default not in headers and default in request.headers:
                del request.headers[default]
        return request

    def send(self, request: httpx.Request, recorded: RecordedRequest) -> httpx.Response:
        """Send a built request through the guard; transport errors become the harness's exceptions."""
        self.requests_sent += 1
        try:
            return self._http.send(request)
        except httpx.ConnectTimeout as exc:
            raise CouldNotTest(f"The target at {self.base_url} cannot be reached: {exc!s}.") from exc
        except httpx.TimeoutException as exc:
            waited = request.extensions.get("timeout", {}).get("read") or self.timeout
            self.check_alive(f"{request.method} {request.url} got no answer within {waited:g} s")
            raise RequestTimedOut(
                f"target timed out: {request.method} {request.url} got no answer within {waited:g} s "
                "(--timeout).",
                recorded,
            ) from exc
        except httpx.TransportError as exc:
            raise CouldNotTest(f"The target at {self.base_url} cannot be reached: {exc!s}.") from exc

    def check_alive(self, what: str) -> None:
        """After a timeout: one short GET; no answer to it either means the target is gone."""
        probe = self._http.build_request(
            "GET",
            self.base_url + self.probe_path,
            params={"pageSize": "1"},
            headers={"Authorization": self.credentials.header()},
            timeout=min(self.timeout, 2.0),
        )
        try:
            self._http.send(probe)
        except httpx.TransportError as exc:
            raise CouldNotTest(
                f"The target stopped answering: {what}, and neither did GET {self.probe_path} after it."
            ) from exc

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("PUT", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)
