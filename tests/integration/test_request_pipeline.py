"""Each request runs its handler at most once and has its body validated once, on either path.

Handlers and validators are wrapped with counters; the app is the mock as built (fast path
installed), so GETs the fast path serves, GETs it hands to Connexion and bodies Connexion
validates are all counted.
"""

from __future__ import annotations

import base64
import functools
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.http import validation
from mockserver.http.app import create_app
from mockserver.http.handlers.measurement import MeasurementHandlers
from mockserver.state import MockState

ADMIN = {"Authorization": "Basic " + base64.b64encode(b"t100/admin:admin").decode()}
READER = {"Authorization": "Basic " + base64.b64encode(b"reader:pw").decode()}
SEED = {
    "users": [{"username": "reader", "password": "pw", "roles": ["ROLE_INVENTORY_READ"]}],
    "managedObjects": [{"id": "1001", "name": "dev", "type": "c8y_Device"}],
}
MEASUREMENT = {
    "time": "2024-01-01T00:00:00.000Z",
    "type": "c8y_T",
    "source": {"id": "1001"},
    "c8y_T": {"T": {"value": 1, "unit": "C"}},
}
HANDLERS = (
    "get_measurement_resource",
    "get_measurement_collection_resource",
    "post_measurement_collection_resource",
)


def counting(calls: Counter[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return await function(*args, **kwargs)

    return counted


@pytest.fixture
def mock(monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, Counter[str]]:
    calls: Counter[str] = Counter()
    for name in HANDLERS:
        monkeypatch.setattr(
            MeasurementHandlers, name, counting(calls, name, getattr(MeasurementHandlers, name))
        )
    accepts, validate = validation.accepts, validation.SchemaBodyValidator.validate

    def counted_accepts(schema: dict[str, Any], body: Any) -> bool:
        calls["compiled body check"] += 1
        return accepts(schema, body)

    def counted_validate(self: validation.SchemaBodyValidator, body: Any) -> None:
        calls["body validation"] += 1
        validate(self, body)

    monkeypatch.setattr(validation, "accepts", counted_accepts)
    monkeypatch.setattr(validation.SchemaBodyValidator, "validate", counted_validate)
    state = MockState()
    state.reset(SEED)
    app = create_app(state)
    assert app.mock_fast_path is not None
    return TestClient(app), calls


def created_id(client: TestClient) -> str:
    answer = client.post(
        "/measurement/measurements",
        json=MEASUREMENT,
        headers={
            **ADMIN,
            "Content-Type": "application/vnd.com.nsn.cumulocity.measurement+json",
            "Accept": "*/*",
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.mark.parametrize(
    ("path", "headers", "status", "handler_calls", "fast"),
    [
        ("/measurement/measurements/{id}", ADMIN, 200, 1, True),
        ("/measurement/measurements/987654", ADMIN, 404, 1, True),  # the handler raises NotFound
        ("/measurement/measurements/{id}", {}, 401, 0, True),
        ("/measurement/measurements/{id}", READER, 403, 0, True),
        ("/measurement/measurements?pageSize=5", ADMIN, 200, 1, True),
        ("/measurement/measurements?pageSize=0", ADMIN, 400, 0, False),  # handed to Connexion
        ("/measurement/measurements?pageSize=1&pageSize=2", ADMIN, 200, 1, False),
    ],
    ids=[
        "found",
        "unknown id",
        "no credentials",
        "missing role",
        "page",
        "bad pageSize",
        "repeated pageSize",
    ],
)
def test_a_get_runs_its_handler_at_most_once(
    mock: tuple[TestClient, Counter[str]],
    path: str,
    headers: dict[str, str],
    status: int,
    handler_calls: int,
    fast: bool,
) -> None:
    client, calls = mock
    url = path.replace("{id}", created_id(client))
    calls.clear()
    served = client.app.mock_fast_path.served  # type: ignore[attr-defined]
    answer = client.get(url, headers=headers)
    assert answer.status_code == status, answer.text
    assert sum(calls[name] for name in HANDLERS) == handler_calls
    assert (client.app.mock_fast_path.served - served == 1) is (fast and status == 200)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (MEASUREMENT, 201),
        ({**MEASUREMENT, "time": 5}, 422),
        ({"time": "2024-01-01T00:00:00.000Z"}, 422),
    ],
    ids=["valid", "wrong type", "missing fields"],
)
def test_a_body_is_validated_once_and_its_handler_runs_once_or_not_at_all(
    mock: tuple[TestClient, Counter[str]], body: dict[str, Any], status: int
) -> None:
    client, calls = mock
    answer = client.post(
        "/measurement/measurements",
        json=body,
        headers={
            **ADMIN,
            "Content-Type": "application/vnd.com.nsn.cumulocity.measurement+json",
            "Accept": "*/*",
        },
    )
    assert answer.status_code == status, answer.text
    assert calls["body validation"] == 1
    assert calls["compiled body check"] == 1
    assert calls["post_measurement_collection_resource"] == (1 if status == 201 else 0)
