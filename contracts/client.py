"""The harness's HTTP client: httpx with per-request timeouts, credentials and a request log.

Every request is remembered as a :class:`RecordedRequest` so a failing check can print the curl
command that reproduces it. Transport errors (refused connection, timeout) become
:class:`CouldNotTest`: the run cannot say anything about conformance once the target is gone.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.failures import CouldNotTest, RecordedRequest, RequestTimedOut


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

    def __init__(self, base_url: str, credentials: Credentials, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))
        self.timeouts_in_a_row = 0

    def close(self) -> None:
        self._http.close()

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
        request = self._http.build_request(method, url, params=params, content=content, headers=send_headers)
        if accept is None and "accept" in request.headers:
            del request.headers["accept"]
        recorded = RecordedRequest(method, str(request.url), dict(request.headers), content)
        try:
            raw = self._http.send(request)
        except httpx.ConnectTimeout as exc:
            raise CouldNotTest(f"The target at {self.base_url} cannot be reached: {exc!s}.") from exc
        except httpx.TimeoutException as exc:
            self.timeouts_in_a_row += 1
            if self.timeouts_in_a_row >= 2:
                raise CouldNotTest(
                    f"The target stopped answering: {method} {request.url} and the request before it got "
                    "no answer within the per-request timeout."
                ) from exc
            raise RequestTimedOut(
                f"The target did not answer {method} {request.url} within the per-request timeout.", recorded
            ) from exc
        except httpx.TransportError as exc:
            raise CouldNotTest(f"The target at {self.base_url} cannot be reached: {exc!s}.") from exc
        self.timeouts_in_a_row = 0
        return Response(raw, recorded)

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("PUT", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)
