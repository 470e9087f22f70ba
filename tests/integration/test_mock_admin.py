"""The mock-only hooks /_mock/reset, /_mock/seed, /_mock/state and seed files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from mock_http import ADMIN, Mock, assert_error, basic, fresh, make_mock, measurement

from mockserver.seed import SeedError, read_seed_file
from mockserver.state import MockState

SEED = {
    "users": [{"username": "seeded", "password": "pw", "roles": ["ROLE_MEASUREMENT_READ"]}],
    "tokens": {"seed-token": "seeded"},
    "managedObjects": [{"id": "500", "name": "Seeded device"}, {"name": "Second"}],
    "measurements": [measurement("500", "2024-01-01T00:00:00Z"), measurement("500", "2024-01-02T00:00:00Z")],
}


@pytest.fixture(scope="module")
def module_mock() -> Iterator[Mock]:
    yield from make_mock()


@pytest.fixture
def mock(module_mock: Mock) -> Iterator[Mock]:
    yield from fresh(module_mock)


def test_seed_adds_users_objects_and_measurements(mock: Mock) -> None:
    response = mock.client.post("/_mock/seed", json=SEED)
    assert response.status_code == 200, response.text
    assert response.json()["loaded"] == {"users": 1, "managedObjects": 2, "measurements": 2}
    assert mock.client.get("/inventory/managedObjects/500", auth=ADMIN).json()["name"] == "Seeded device"
    listed = mock.client.get("/measurement/measurements?source=500", headers=basic("seeded", "pw"))
    assert len(listed.json()["measurements"]) == 2
    assert (
        mock.client.get(
            "/measurement/measurements", headers={"Authorization": "Bearer seed-token"}
        ).status_code
        == 200
    )


def test_reset_empties_every_store_and_forgets_seeded_users(mock: Mock) -> None:
    mock.client.post("/_mock/seed", json=SEED)
    response = mock.client.post("/_mock/reset")
    assert response.json()["counts"] == {"managedObjects": 0, "measurements": 0} | {
        k: 0 for k in response.json()["counts"] if k not in ("managedObjects", "measurements")
    }
    assert mock.client.get("/measurement/measurements", headers=basic("seeded", "pw")).status_code == 401
    assert mock.client.get("/measurement/measurements", headers=basic("mreader", "pw")).status_code == 200


def test_reset_with_a_yaml_body_loads_it(mock: Mock) -> None:
    response = mock.client.post(
        "/_mock/reset", content=yaml.safe_dump(SEED).encode(), headers={"Content-Type": "application/yaml"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["measurements"] == 2


@pytest.mark.parametrize(
    ("seed", "mention"),
    [
        ({"managedObjects": [{"name": "ok"}, {"id": "x1"}]}, "managedObjects[1]"),
        ({"measurements": [measurement("404404")]}, "source.id"),
        ({"users": [{"username": "u"}]}, "users[0].password"),
        ({"gadgets": []}, "gadgets"),
        ({"managedObjects": {"name": "not a list"}}, "managedObjects"),
    ],
    ids=["bad-mo-id", "unknown-source", "user-without-password", "unknown-section", "section-not-a-list"],
)
def test_an_invalid_seed_answers_422_naming_the_entry(
    mock: Mock, seed: dict[str, object], mention: str
) -> None:
    assert_error(mock.client.post("/_mock/seed", json=seed), 422, "mock/validationError", mention)


def test_seed_files_parse_as_json_or_yaml(tmp_path: Path) -> None:
    (tmp_path / "seed.json").write_text(json.dumps(SEED))
    (tmp_path / "seed.yaml").write_text(yaml.safe_dump(SEED))
    for name in ("seed.json", "seed.yaml"):
        state = MockState()
        assert state.load_seed(read_seed_file(tmp_path / name))["measurements"] == 2
    (tmp_path / "broken.yaml").write_text("managedObjects: [\n")
    with pytest.raises(SeedError, match=r"broken\.yaml"):
        read_seed_file(tmp_path / "broken.yaml")
