"""The mock-only hooks /_mock/reset, /_mock/seed, /_mock/state and seed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from mock_http import ADMIN, Mock, assert_error, basic, measurement

from mockserver.seed import SeedError, read_seed_file
from mockserver.state import MockState

SEED = {
    "users": [{"username": "seeded", "password": "pw", "roles": ["ROLE_MEASUREMENT_READ"]}],
    "tokens": {"seed-token": "seeded"},
    "managedObjects": [{"id": "500", "name": "Seeded device"}, {"name": "Second"}],
    "measurements": [measurement("500", "2024-01-01T00:00:00Z"), measurement("500", "2024-01-02T00:00:00Z")],
}


def test_seed_adds_users_objects_and_measurements(mock: Mock) -> None:
    response = mock.client.post("/_mock/seed", json=SEED)
    assert response.status_code == 200, response.text
    assert response.json()["loaded"] == {"users": 1, "managedObjects": 2, "measurements": 2, "alarms": 0}
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


def test_a_seed_may_hold_asset_models_and_instances(mock: Mock) -> None:
    seed = {
        "assetModels": [{"id": "900", "name": "Pump", "properties": [{"key": "power", "type": "NUMBER"}]}],
        "assetInstances": [{"modelId": "900", "name": "Pump 1", "properties": {"power": 5}}],
    }
    response = mock.client.post("/_mock/seed", json=seed)
    assert response.status_code == 200, response.text
    assert response.json()["loaded"]["assetModels"] == 1
    assert response.json()["loaded"]["assetInstances"] == 1
    assert mock.client.get("/service/dtm/asset-models/900", auth=ADMIN).json()["name"] == "Pump"


def test_an_invalid_asset_model_in_a_seed_names_its_index(mock: Mock) -> None:
    seed = {"assetModels": [{"name": "ok"}, {"name": ""}]}
    assert_error(mock.client.post("/_mock/seed", json=seed), 422, "mock/validationError", "assetModels[1]")


def test_a_bare_state_has_the_dtm_store() -> None:
    assert MockState().dtm is not None


def test_the_cli_refuses_a_bad_seed_or_users_file_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mockserver.__main__ import main

    (tmp_path / "seed.yaml").write_text("managedObjects: [{id: abc}]\n")
    assert main(["--seed", str(tmp_path / "seed.yaml"), "--port", "0"]) == 2
    assert "managedObjects[0].id" in capsys.readouterr().err
    (tmp_path / "users.yaml").write_text("users: [{username: x}]\n")
    assert main(["serve", "--users", str(tmp_path / "users.yaml")]) == 2
    assert "users[0].password" in capsys.readouterr().err


def test_a_users_file_adds_users_and_tokens(tmp_path: Path) -> None:
    from mockserver.users import load_users_file

    (tmp_path / "users.json").write_text(
        json.dumps(
            {
                "users": [{"tenant": "t7", "username": "ops", "password": "s", "roles": "ALL"}],
                "tokens": {"tok": "t7/ops"},
            }
        )
    )
    directory = load_users_file(tmp_path / "users.json")
    assert directory.authenticate("t7/ops", "s") is not None
    assert directory.authenticate("t100/admin", "admin") is not None
    assert directory.authenticate_token("tok") == directory.find("t7", "ops")
