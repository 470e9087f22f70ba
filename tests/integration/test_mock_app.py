"""How the app is assembled: specs served or missing, the resolver convention, Swagger UI,
isolation between apps, and `python -m mockserver` as a real process."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from mock_http import ADMIN, make_mock

from mockserver.http.app import create_app
from mockserver.http.config import DEFAULT_SPEC_DIR, MockConfig
from mockserver.http.resolver import HandlerResolver
from mockserver.names import snake_case
from mockserver.state import MockState

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 15.0


@pytest.mark.parametrize(
    ("operation_id", "name"),
    [
        ("getMeasurementCollectionResource", "get_measurement_collection_resource"),
        ("getCSVImport", "get_csv_import"),
        ("listAssetModels", "list_asset_models"),
        ("import-asset_csv", "import_asset_csv"),
    ],
)
def test_operation_ids_map_to_snake_case_method_names(operation_id: str, name: str) -> None:
    assert snake_case(operation_id) == name


def test_the_first_handler_object_with_the_method_wins() -> None:
    class A:
        async def get_thing(self) -> str:
            return "a"

    class B:
        async def get_thing(self) -> str:
            return "b"

        async def put_thing(self) -> str:
            return "b"

    a, b = A(), B()
    resolver = HandlerResolver(a, b)
    assert resolver.find("getThing") == a.get_thing
    assert resolver.find("putThing") == b.put_thing
    assert resolver.find("deleteThing") is None


def test_a_spec_operation_without_handler_fails_at_creation_naming_it(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_SPEC_DIR / "measurement.yaml", tmp_path / "measurement.yaml")
    text = (tmp_path / "measurement.yaml").read_text()
    renamed = text.replace("operationId: getMeasurementResource", "operationId: getMeasurementThing")
    assert renamed != text
    (tmp_path / "measurement.yaml").write_text(renamed)
    with pytest.raises(Exception, match=r"getMeasurementThing.*measurement\.yaml"):
        create_app(config=MockConfig(spec_dir=tmp_path, require_all_handlers=True))


def test_missing_specs_are_reported_and_the_rest_is_served(tmp_path: Path) -> None:
    shutil.copy(DEFAULT_SPEC_DIR / "inventory.yaml", tmp_path / "inventory.yaml")
    app = create_app(config=MockConfig(spec_dir=tmp_path))
    assert app.mock_specs.served == ["inventory"]
    missing = {p.name for p in app.mock_specs.missing}
    assert missing == {
        "measurement.yaml",
        "dtm.yaml",
        "alarm.yaml",
        "notification2.yaml",
        "tenant.yaml",
        "identity.yaml",
    }


def test_the_repository_specs_are_all_served_and_every_product_operation_is_implemented() -> None:
    app = create_app()
    assert app.mock_specs.served == [
        "measurement",
        "inventory",
        "dtm",
        "alarm",
        "notification2",
        "tenant",
        "identity",
    ]
    assert app.mock_specs.unimplemented == []


def test_two_apps_in_one_process_keep_separate_state() -> None:
    for first in make_mock():
        for second in make_mock():
            first.device()
            assert len(first.state.inventory) == 1
            assert len(second.state.inventory) == 0
            assert second.client.get("/inventory/managedObjects", auth=ADMIN).json()["managedObjects"] == []


@pytest.mark.parametrize("name", ["measurement", "inventory", "dtm", "notification2", "mock"])
def test_every_spec_has_its_own_swagger_ui_and_document(name: str) -> None:
    for mock in make_mock():
        assert mock.client.get(f"/{name}-ui/").status_code == 200
        document = mock.client.get(f"/{name}-openapi.json")
        assert document.status_code == 200
        assert "paths" in document.json()


def test_python_m_mockserver_serves_within_two_seconds(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=STARTUP_TIMEOUT):
                pytest.fail(f"python -m mockserver printed nothing within {STARTUP_TIMEOUT} s")
        line = process.stdout.readline()  # the banner, or "" if the process died
        match = re.search(r"on (http://127\.0\.0\.1:\d+) \(user t100/admin:admin\)", line)
        assert match, f"unexpected first line: {line!r}"
        url = match.group(1)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_mock/state", timeout=1) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
        ready_after = time.monotonic() - started
        # The 2 s target is measured (printed here, and by bench/); asserting it on a shared
        # 2-core CI box would make the test flaky, so the bound below only catches hangs.
        print(f"python -m mockserver answered after {ready_after:.2f} s (target 2 s)")
        assert line.startswith("c8y mock serving measurement, inventory")
        assert ready_after < STARTUP_TIMEOUT
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_every_product_operation_declares_its_roles_and_admin_hooks_are_public() -> None:
    from mockserver.http.app import ADMIN_SPEC, PRODUCT_SPECS, load_spec
    from mockserver.http.auth import AccessPolicy
    from mockserver.http.double import DoubleSettings
    from mockserver.http.handlers import build_handlers
    from mockserver.http.handlers.double import DoubleHandlers

    policy = AccessPolicy.from_handlers([*build_handlers(MockState()), DoubleHandlers(DoubleSettings())])

    def operation_ids(path: Path) -> set[str]:
        paths = load_spec(path)["paths"].values()
        return {
            op["operationId"]
            for item in paths
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }

    def no_credentials(path: Path) -> set[str]:  # the login calls: ``security: []`` in the spec
        paths = load_spec(path)["paths"].values()
        ops = [op for item in paths for op in item.values() if isinstance(op, dict)]
        return {op["operationId"] for op in ops if op.get("security") == []}

    specs = [DEFAULT_SPEC_DIR / f"{name}.yaml" for name in PRODUCT_SPECS]
    product = set().union(*(operation_ids(path) for path in specs))
    open_ones = set().union(*(no_credentials(path) for path in specs))
    assert open_ones == {"getLoginOptionCollectionResource", "postTenantOauthResource"}
    assert product - open_ones - set(policy.required_roles) == set()
    assert operation_ids(ADMIN_SPEC) | open_ones == policy.public_operations
    assert not (product - open_ones) & policy.public_operations
