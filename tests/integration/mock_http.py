"""In-process access to the mock for the test_mock_* modules (no sockets).

One app per test module (building it parses every spec, ~0.4 s); :func:`fresh` empties its
state before each test. Every response passes through :class:`ServerErrorWatch`, which makes
the test fail if the mock ever answered 5xx, unless the test expects it.
"""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from starlette.testclient import TestClient  # noqa: E402

from mockserver.errors import ERROR_MEDIA_TYPE  # noqa: E402
from mockserver.http.app import create_app  # noqa: E402
from mockserver.http.config import MockConfig  # noqa: E402
from mockserver.state import MockState  # noqa: E402
from mockserver.users import ALL_ROLES, User, UserDirectory  # noqa: E402

ADMIN = ("t100/admin", "admin")
VND = "application/vnd.com.nsn.cumulocity."
MEASUREMENT = VND + "measurement+json"
MEASUREMENTS = VND + "measurementcollection+json"
MANAGED_OBJECT = VND + "managedobject+json"


@dataclass
class ServerErrorWatch:
    """Records every 5xx answer; ``allowed`` lets one test expect them."""

    seen: list[str] = field(default_factory=list)
    allowed: bool = False

    def __call__(self, response: httpx.Response) -> None:
        if response.status_code >= 500 and not self.allowed:
            response.read()
            self.seen.append(
                f"{response.request.method} {response.request.url} -> {response.status_code} {response.text}"
            )


@dataclass
class Mock:
    client: TestClient
    state: MockState
    watch: ServerErrorWatch

    def json_post(
        self, path: str, body: Any, *, content_type: str = "application/json", **kw: Any
    ) -> httpx.Response:
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        return self.client.post(
            path, content=json.dumps(body), headers=headers, auth=kw.pop("auth", ADMIN), **kw
        )

    def without_accept(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """Send a request that carries no Accept header at all (httpx adds ``*/*`` by default)."""
        request = self.client.build_request(method, path, **kw)
        del request.headers["accept"]
        return self.client.send(request)

    def device(self, **fragments: Any) -> str:
        """Create a managed object and return its id."""
        response = self.json_post("/inventory/managedObjects", {"name": "device", **fragments})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def role_users() -> UserDirectory:
    """The default admin plus one user per role profile the auth tests need."""
    directory = UserDirectory()
    profiles = {
        "nobody": [],
        "mreader": ["ROLE_MEASUREMENT_READ"],
        "madmin": ["ROLE_MEASUREMENT_ADMIN"],
        "ireader": ["ROLE_INVENTORY_READ"],
        "icreator": ["ROLE_INVENTORY_CREATE"],
        "iadmin": ["ROLE_INVENTORY_ADMIN"],
    }
    for name, roles in profiles.items():
        directory.add(User("t100", name, "pw", frozenset(roles)))
    directory.add(User("t200", "other", "pw2", frozenset({"ROLE_MEASUREMENT_READ"})))
    directory.add(User("t200", "admin", "pw200", ALL_ROLES))  # the second tenant's admin (test_mock_tenants)
    directory.add_token("token-admin", directory.find("t100", "admin"))  # type: ignore[arg-type]
    directory.add_token("token-nobody", directory.find("t100", "nobody"))  # type: ignore[arg-type]
    return directory


# Each module runs twice: through Connexion with every answer validated against the spec, and
# through the default app, where the fast path (mockserver/http/fast.py) serves hot GETs.
PATHS = ["validated", "fast"]


def make_mock(config: MockConfig | None = None, *, path: str = "validated") -> Iterator[Mock]:
    state = MockState(role_users())
    watch = ServerErrorWatch()
    app = create_app(state, config=config or MockConfig(validate_responses=path == "validated"))
    with TestClient(app) as client:
        client.event_hooks = {"request": [], "response": [watch]}
        yield Mock(client, state, watch)


def fresh(mock: Mock) -> Iterator[Mock]:
    mock.state.reset()
    mock.watch.seen.clear()
    mock.watch.allowed = False
    yield mock
    assert not mock.watch.seen, "the mock answered 5xx:\n" + "\n".join(mock.watch.seen)


def basic(login: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def assert_error(response: httpx.Response, status: int, error: str, *mentions: str) -> dict[str, Any]:
    """The answer is a Cumulocity error with this status and code whose message names ``mentions``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(ERROR_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert isinstance(body["info"], str)
    assert body["info"]
    for text in mentions:
        assert text in body["message"], (text, body["message"])
    return body


def measurement(source: str, time: str = "2024-01-01T00:00:00.000Z", **fragments: Any) -> dict[str, Any]:
    if not fragments:
        fragments = {"c8y_Temperature": {"T": {"value": 21.5, "unit": "C"}}}
    return {"time": time, "type": "c8y_Temperature", "source": {"id": source}, **fragments}
