"""The generated mocks, imported and driven in-process: CRUD, 404s, filters, paging, validation,
error bodies in the spec's shape, and user hooks that survive regeneration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from run_generated import ROOT, generate, import_generated_app

from generators import generate_mock

DTM = ROOT / "spec" / "dtm.yaml"
PETSTORE = ROOT / "tests" / "data" / "openapi" / "petstore-expanded.yaml"
CUMULOCITY_ERROR = "application/vnd.com.nsn.cumulocity.error+json"


def client_for(spec: Path, out: Path) -> Any:
    mock_dir, _, package = generate(spec, out)
    return import_generated_app(mock_dir, package).create_app().test_client()


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with client_for(PETSTORE, tmp_path_factory.mktemp("petstore-expanded")) as client:
        yield client


@pytest.fixture(scope="module")
def dtm(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with client_for(DTM, tmp_path_factory.mktemp("dtm")) as client:
        client.auth = ("admin", "any password")
        yield client


def test_create_then_get_returns_the_item_with_a_server_assigned_integer_id(pets: Any) -> None:
    created = pets.post("/pets", json={"name": "Rex", "tag": "dog"})
    assert created.status_code == 200
    body = created.json()
    assert isinstance(body["id"], int)
    assert pets.get(f"/pets/{body['id']}").json() == {"id": body["id"], "name": "Rex", "tag": "dog"}


def test_delete_then_get_returns_404_in_the_spec_error_shape(pets: Any) -> None:
    pet_id = pets.post("/pets", json={"name": "Gone"}).json()["id"]
    assert pets.delete(f"/pets/{pet_id}").status_code == 204
    missing = pets.get(f"/pets/{pet_id}")
    assert missing.status_code == 404
    assert missing.json()["code"] == 404
    assert str(pet_id) in missing.json()["message"]


def test_ids_are_never_reused_after_delete(pets: Any) -> None:
    first = pets.post("/pets", json={"name": "A"}).json()["id"]
    pets.delete(f"/pets/{first}")
    assert pets.post("/pets", json={"name": "B"}).json()["id"] > first


def test_limit_caps_the_list(pets: Any) -> None:
    for name in ("L1", "L2", "L3"):
        pets.post("/pets", json={"name": name})
    assert len(pets.get("/pets", params={"limit": 2}).json()) == 2


def test_invalid_body_is_rejected_by_connexion_with_400_in_the_spec_error_shape(pets: Any) -> None:
    answer = pets.post("/pets", json={"tag": "no name"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"code", "message"}
    assert answer.json()["code"] == 400


def test_credentials_are_required_where_the_spec_requires_them_and_any_are_accepted(dtm: Any) -> None:
    assert dtm.get("/service/dtm/asset-models", auth=None).status_code == 401
    assert dtm.get("/service/dtm/asset-models", auth=("someone", "anything")).status_code == 200


def test_cumulocity_unknown_id_is_404_with_the_cumulocity_error_body(dtm: Any) -> None:
    answer = dtm.get("/service/dtm/asset-models/999999")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith(CUMULOCITY_ERROR)
    assert answer.json()["error"] == "dtm/Not Found"
    assert {"error", "message", "info"} <= set(answer.json())


def test_cumulocity_list_filters_by_name_and_pages_with_statistics(dtm: Any) -> None:
    for name in ("pump-a", "pump-b", "pump-c"):
        created = dtm.post(
            "/service/dtm/asset-models", json={"name": name}, headers={"Accept": "application/json"}
        )
        assert created.status_code == 201, created.text
    only = dtm.get("/service/dtm/asset-models", params={"name": "pump-b"}).json()
    assert [m["name"] for m in only["assetModels"]] == ["pump-b"]
    page = dtm.get(
        "/service/dtm/asset-models", params={"pageSize": 1, "currentPage": 2, "withTotalPages": "true"}
    )
    body = page.json()
    assert [m["name"] for m in body["assetModels"]] == ["pump-b"]
    assert body["statistics"]["currentPage"] == 2
    assert body["statistics"]["pageSize"] == 1
    assert body["statistics"]["totalPages"] >= 3
    assert "currentPage=3" in body["next"]


def test_created_item_carries_its_self_url_and_location(dtm: Any) -> None:
    created = dtm.post("/service/dtm/asset-models", json={"name": "with-self"})
    item = created.json()
    assert item["self"].endswith(f"/service/dtm/asset-models/{item['id']}")
    assert created.headers["location"] == item["self"]
    assert item["id"].isdigit()


def test_user_hook_overrides_a_generated_handler_and_survives_regeneration(tmp_path: Path) -> None:
    mock_dir, _, package = generate(PETSTORE, tmp_path)
    hooks = mock_dir / package / "hooks.py"
    hooks.write_text(
        "class UserHooks:\n"
        "    def __init__(self, stores):\n"
        "        self.stores = stores\n\n"
        "    async def find_pets(self, **kwargs):\n"
        "        return [{'id': 7, 'name': 'from the hook'}], 200\n",
        encoding="utf-8",
    )
    written = generate_mock(PETSTORE, mock_dir, name="tests/data/openapi/petstore-expanded.yaml")
    assert hooks not in written
    assert "from the hook" in hooks.read_text(encoding="utf-8")
    with import_generated_app(mock_dir, package).create_app().test_client() as client:
        assert client.get("/pets").json() == [{"id": 7, "name": "from the hook"}]
        assert client.get("/pets/1").status_code == 404


def test_generated_project_make_test_and_mock_help_work(tmp_path: Path) -> None:
    mock_dir, _, package = generate(ROOT / "tests" / "data" / "openapi" / "petstore.yaml", tmp_path)
    tests = subprocess.run(
        ["make", "-C", str(mock_dir), "test", f"PYTHON={sys.executable}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "2 passed" in tests.stdout
    usage = subprocess.run(
        [sys.executable, "-m", package, "--help"],
        cwd=mock_dir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert usage.returncode == 0, usage.stderr
    assert "--port" in usage.stdout
