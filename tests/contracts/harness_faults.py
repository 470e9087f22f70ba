"""Deliberately broken variants of the mock, built here in the tests, never in the shipped mock.

A :class:`Fault` wraps the mock's ASGI app: it may rewrite a request before the mock's handlers
see it (dropping a filter, shifting a date bound) and rewrite the answer after (dropping an item
of a page, corrupting an aggregate). Each fault names the suite that must catch it and the
failure title the harness must report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

Query = list[tuple[str, str]]


@dataclass
class Exchange:
    """One request/answer pair as the fault sees it (bodies parsed as JSON when they are JSON)."""

    method: str
    path: str
    query: Query
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer: Any = None
    answer_headers: list[tuple[bytes, bytes]] | None = None

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)

    def drop(self, *names: str) -> None:
        self.query = [(k, v) for k, v in self.query if k not in names]

    def set(self, name: str, value: str) -> None:
        self.drop(name)
        self.query.append((name, value))


Rewrite = Callable[[Exchange], None]


def mock_with_reader() -> Any:
    """The mock app with the default admin, a read-only user ``reader:reader`` (read roles only)
    and a second tenant's admin ``t200/admin:admin200``."""
    from mockserver.http.app import create_app
    from mockserver.state import MockState
    from mockserver.users import ALL_ROLES, DEFAULT_USER, User, UserDirectory

    reader = User("t100", "reader", "reader", frozenset({"ROLE_MEASUREMENT_READ", "ROLE_INVENTORY_READ"}))
    other = User("t200", "admin", "admin200", ALL_ROLES)
    return create_app(MockState(UserDirectory([DEFAULT_USER, reader, other])))


@dataclass
class Fault:
    name: str
    only: str
    title: str
    before: Rewrite | None = None
    after: Rewrite | None = None
    patch: Callable[[Any], None] | None = None
    """Monkeypatches the mock's domain in the test process (gets pytest's ``monkeypatch``)."""

    def __str__(self) -> str:
        return self.name

    def reported(self, out: str) -> bool:
        """Whether the harness's output names one of this fault's titles (``A|B``: either)."""
        return any(f"{title}:" in out for title in self.title.split("|"))


def assert_ci_catches(fault: Fault, serve_mock: Any, run_harness: Any, monkeypatch: Any) -> None:
    """The ci profile, run on ``fault.only`` against the mock broken by ``fault``, fails naming it."""
    if fault.patch:
        fault.patch(monkeypatch)
    with serve_mock(fault) as url:
        status, out = run_harness(url, "--profile", "ci", "--only", fault.only)
    assert status == 1, out
    assert fault.reported(out), out
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed, \d+ skipped", last), last


def apply(rewrite: Rewrite, ex: Exchange) -> None:
    """A fault only breaks what it understands: input it cannot read passes through untouched."""
    try:
        rewrite(ex)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        pass


class FaultyApp:
    """ASGI wrapper applying one fault around the mock app."""

    def __init__(self, app: Any, fault: Fault) -> None:
        self.app = app
        self.fault = fault

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        ex = Exchange(
            scope["method"],
            scope["path"],
            parse_qsl(scope["query_string"].decode(), True),
            headers,
            b"".join(chunks),
        )
        if self.fault.before:
            apply(self.fault.before, ex)
        body = ex.body
        raw_headers = [
            (k.encode("latin-1"), v.encode("latin-1")) for k, v in ex.headers.items() if k != "content-length"
        ]
        raw_headers.append((b"content-length", str(len(body)).encode()))
        inner_scope = {**scope, "query_string": urlencode(ex.query).encode(), "headers": raw_headers}
        sent = False

        async def inner_receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: dict[str, Any] = {}
        out: list[bytes] = []

        async def inner_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                out.append(message.get("body", b""))

        await self.app(inner_scope, inner_receive, inner_send)
        content = b"".join(out)
        ex.status = start.get("status", 500)
        ex.answer_headers = [h for h in start.get("headers", []) if h[0].lower() != b"content-length"]
        try:
            ex.answer = json.loads(content) if content else None
        except ValueError:
            ex.answer = content
        if self.fault.after:
            apply(self.fault.after, ex)
        if isinstance(ex.answer, bytes):
            content = ex.answer
        else:
            content = b"" if ex.answer is None else json.dumps(ex.answer).encode()
        out_headers = [*ex.answer_headers, (b"content-length", str(len(content)).encode())]
        await send({"type": "http.response.start", "status": ex.status, "headers": out_headers})
        await send({"type": "http.response.body", "body": content})
