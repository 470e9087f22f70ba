"""The fast path for read-only GETs (mockserver/http/fast.py) answers exactly as Connexion does.

Two apps over one state: the mock as built (fast path installed) and the same mock with
``C8Y_MOCK_FAST_PATH=0`` (every request through Connexion). Each request goes to both; status,
the headers clients read and the body bytes must be identical, for happy paths (which the fast
path serves) and error cases (which it hands back to Connexion).
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mockserver.http.app import create_app
from mockserver.http.config import MockConfig
from mockserver.http.fast import SWITCH, FastRoutes
from mockserver.state import MockState

DEVICE = "1001"
COMPARED_HEADERS = ("content-type", "content-length", "location", "www-authenticate")


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


ADMIN = basic("t100/admin", "admin")
READER = basic("reader", "pw")  # inventory read only: measurement reads are forbidden

SEED = {
    "users": [{"username": "reader", "password": "pw", "roles": ["ROLE_INVENTORY_READ"]}],
    "tokens": {"tok-123": "admin"},
    "managedObjects": [{"id": DEVICE, "name": "dev", "type": "c8y_Device"}],
    "measurements": [
        {
            "time": f"2024-01-01T00:00:{i:02d}.000Z",
            "type": "c8y_Temperature" if i % 2 else "c8y_Pressure",
            "source": {"id": DEVICE},
            "c8y_Temperature": {"T": {"value": 20 + i, "unit": "C"}},
        }
        for i in range(12)
    ],
}


@pytest.fixture(scope="module")
def clients() -> tuple[TestClient, TestClient, FastRoutes]:
    state = MockState()
    state.reset(SEED)
    fast_app = create_app(state)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SWITCH, "0")
        plain_app = create_app(state)
    fast_layer = fast_app.mock_fast_path
    assert isinstance(fast_layer, FastRoutes)
    assert plain_app.mock_fast_path is None
    return TestClient(fast_app), TestClient(plain_app), fast_layer


def some_id(client: TestClient) -> str:
    answer = client.get("/measurement/measurements", params={"pageSize": 1}, headers=ADMIN)
    return str(answer.json()["measurements"][0]["id"])


# (id, path with query, headers, taken by the fast path)
CASES = [
    ("by id", "/measurement/measurements/{id}", ADMIN, True),
    (
        "by id asking plain json",
        "/measurement/measurements/{id}",
        {**ADMIN, "Accept": "application/json"},
        True,
    ),
    ("by id with bearer token", "/measurement/measurements/{id}", {"Authorization": "Bearer tok-123"}, True),
    ("page of 100", "/measurement/measurements?pageSize=100", ADMIN, True),
    (
        "page 2 with totals",
        "/measurement/measurements?pageSize=3&currentPage=2&withTotalPages=true&withTotalElements=true",
        ADMIN,
        True,
    ),
    (
        "filters and revert",
        "/measurement/measurements?source=1001&type=c8y_Pressure&revert=true"
        "&dateFrom=2024-01-01&dateTo=2024-01-02T00:00:00Z",
        ADMIN,
        True,
    ),
    ("unknown query parameter ignored", "/measurement/measurements?foo=bar&pageSize=2", ADMIN, True),
    ("pageSize above 2000 trimmed", "/measurement/measurements?pageSize=5000", ADMIN, True),
    ("current tenant", "/tenant/currentTenant", ADMIN, True),
    ("measurement api", "/measurement", ADMIN, True),
    ("managed object", f"/inventory/managedObjects/{DEVICE}", READER, True),
    ("managed objects page", "/inventory/managedObjects?pageSize=2&withTotalPages=true", READER, True),
    ("unknown id", "/measurement/measurements/987654", ADMIN, False),
    ("non-numeric id", "/measurement/measurements/abc", ADMIN, False),
    ("pageSize 0", "/measurement/measurements?pageSize=0", ADMIN, False),
    ("pageSize not a number", "/measurement/measurements?pageSize=abc", ADMIN, False),
    ("pageSize empty", "/measurement/measurements?pageSize=", ADMIN, False),
    ("revert not a boolean", "/measurement/measurements?revert=maybe", ADMIN, False),
    ("bad dateFrom", "/measurement/measurements?dateFrom=yesterday", ADMIN, False),
    ("repeated pageSize", "/measurement/measurements?pageSize=1&pageSize=2", ADMIN, False),
    ("no credentials", "/measurement/measurements/{id}", {}, False),
    ("no credentials, XBasic", "/measurement/measurements/{id}", {"UseXBasic": "true"}, False),
    ("wrong password", "/measurement/measurements/{id}", basic("admin", "nope"), False),
    ("garbled basic", "/measurement/measurements/{id}", {"Authorization": "Basic %%%"}, False),
    ("unknown bearer token", "/measurement/measurements/{id}", {"Authorization": "Bearer nope"}, False),
    ("missing role", "/measurement/measurements/{id}", READER, False),
    ("missing role on page", "/measurement/measurements?pageSize=100", READER, False),
    (
        "series is not taken (it shares a path with {id})",
        "/measurement/measurements/series?source=1001&dateFrom=2024-01-01&dateTo=2024-01-02",
        ADMIN,
        False,
    ),
    ("unknown path", "/measurement/nothing/here", ADMIN, False),
]


@pytest.mark.parametrize(("path", "headers", "fast"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fast_path_answers_like_connexion(
    clients: tuple[TestClient, TestClient, FastRoutes], path: str, headers: dict[str, str], fast: bool
) -> None:
    fast_client, plain_client, layer = clients
    url = path.replace("{id}", some_id(plain_client))
    before = layer.served
    mine, reference = fast_client.get(url, headers=headers), plain_client.get(url, headers=headers)
    assert (layer.served - before == 1) is fast, "the fast path was (not) taken where expected"
    assert mine.status_code == reference.status_code
    for name in COMPARED_HEADERS:
        assert mine.headers.get(name) == reference.headers.get(name), name
    assert mine.content == reference.content


@pytest.mark.parametrize(
    "authorizations",
    [[ADMIN["Authorization"], "Basic bm9wZTpub3Bl"], ["Basic bm9wZTpub3Bl", ADMIN["Authorization"]]],
    ids=["valid then invalid", "invalid then valid"],
)
def test_repeated_authorization_headers_answer_like_connexion(
    clients: tuple[TestClient, TestClient, FastRoutes], authorizations: list[str]
) -> None:
    fast_client, plain_client, _ = clients
    url = "/measurement/measurements/" + some_id(plain_client)
    headers = [("Authorization", value) for value in authorizations]
    mine, reference = fast_client.get(url, headers=headers), plain_client.get(url, headers=headers)
    assert mine.status_code == reference.status_code
    assert mine.content == reference.content


def test_fast_path_stays_out_when_answers_are_validated() -> None:
    app = create_app(MockState(), config=MockConfig(validate_responses=True))
    assert app.mock_fast_path is None


QUERY_NAMES = [
    "pageSize",
    "currentPage",
    "withTotalPages",
    "withTotalElements",
    "revert",
    "source",
    "type",
    "dateFrom",
    "dateTo",
    "fragmentType",
    "valueFragmentType",
    "valueFragmentSeries",
    "foo",
    "a[b]",
]
QUERY_VALUES = st.one_of(
    st.integers(min_value=-3, max_value=2500).map(str),
    st.sampled_from(
        [
            "true",
            "false",
            "TRUE",
            "False",
            "",
            "null",
            "1001",
            "c8y_Temperature",
            "c8y_Pressure",
            "T",
            "2024-01-01",
            "2024-01-01T00:00:05Z",
            "2024-01-01T00:00:05+01:00",
            "yesterday",
            "1_0",
            " 5",
            "1e3",
            "%",
            "ä",
        ]
    ),
)


@given(query=st.lists(st.tuples(st.sampled_from(QUERY_NAMES), QUERY_VALUES), max_size=5))
def test_any_collection_query_answers_like_connexion(
    clients: tuple[TestClient, TestClient, FastRoutes], query: list[tuple[str, str]]
) -> None:
    fast_client, plain_client, _ = clients
    url = "/measurement/measurements?" + urlencode(query)
    mine, reference = fast_client.get(url, headers=ADMIN), plain_client.get(url, headers=ADMIN)
    assert (mine.status_code, mine.headers.get("content-type")) == (
        reference.status_code,
        reference.headers.get("content-type"),
    )
    assert mine.content == reference.content
