"""CSV bulk import over HTTP (in-process), and the ``import-csv`` command against a real server."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import free_port
from mock_http import ADMIN, Mock, assert_error, make_mock

from mockserver.__main__ import main

IMPORTS = "/service/dtm/asset-imports"
INSTANCES = "/service/dtm/asset-instances"
HEADER = "model,name,path,managedObjectId,description,serial,maxPower (NUMBER),running,status"


@pytest.fixture(scope="module")
def module_mock() -> Iterator[Mock]:
    yield from make_mock()


def setup_models(post: Any, suffix: str = "") -> tuple[str, str]:
    """A Site model (allowing Pump) and a Pump model, created through ``post(path, json)``."""
    site = post("/service/dtm/asset-models", {"name": f"Site{suffix}"})["id"]
    pump = post(
        "/service/dtm/asset-models",
        {
            "name": f"Pump{suffix}",
            "properties": [
                {"key": "serial", "type": "TEXT", "required": True},
                {"key": "maxPower", "type": "NUMBER", "default": 5.5},
                {"key": "running", "type": "BOOLEAN"},
                {"key": "status", "type": "ENUM", "values": ["ok", "fault"], "default": "ok"},
            ],
        },
    )["id"]
    post("/service/dtm/asset-models", {"name": f"Other{suffix}"})
    return site, pump


@pytest.fixture
def models(mock: Mock) -> None:
    def post(path: str, body: Any) -> Any:
        response = mock.json_post(path, body)
        assert response.status_code == 201, response.text
        return response.json()

    site, pump = setup_models(post)
    response = mock.client.put(
        f"/service/dtm/asset-models/{site}", json={"allowedSubtypes": [pump]}, auth=ADMIN
    )
    assert response.status_code == 200, response.text


def post_csv(mock: Mock, text: str | bytes, content_type: str = "text/csv", **params: Any) -> httpx.Response:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return mock.client.post(
        IMPORTS, content=content, params=params, headers={"Content-Type": content_type}, auth=ADMIN
    )


def pump_rows(count: int, start: int = 0) -> list[str]:
    return [
        f"Pump,P{i},Hall,,row {i},SN-{i},{i}.5,{'true' if i % 2 else 'false'},ok"
        for i in range(start, start + count)
    ]


def instance_count(mock: Mock) -> int:
    response = mock.client.get(INSTANCES, params={"withTotalElements": "true"}, auth=ADMIN)
    return int(response.json()["statistics"]["totalElements"])


@pytest.mark.usefixtures("models")
def test_a_valid_file_creates_every_row_in_file_order(mock: Mock) -> None:
    text = "\n".join([HEADER, "Site,Hall,,,,,,,", *pump_rows(3), "Pump,Q,Hall,,,SN,,,null"]) + "\n"
    response = post_csv(mock, text)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] == body["rows"] == 5
    hall, *pumps = (mock.client.get(f"{INSTANCES}/{i}", auth=ADMIN).json() for i in body["assetInstances"])
    assert hall["children"] == body["assetInstances"][1:]
    assert pumps[1]["properties"] == {"serial": "SN-1", "maxPower": 1.5, "running": True, "status": "ok"}
    assert pumps[3]["properties"] == {"serial": "SN", "maxPower": 5.5}
    assert pumps[0]["description"] == "row 0"


@pytest.mark.usefixtures("models")
def test_one_bad_row_among_many_is_listed_and_nothing_is_created(mock: Mock) -> None:
    rows = ["Site,Hall,,,,,,,", *pump_rows(200)]
    rows[120] = "Pump,P119,Hall,,,,fast,maybe,broken"
    body = assert_error(
        post_csv(mock, "\n".join([HEADER, *rows])), 422, "dtm/validationError", "nothing was imported"
    )
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (122, "serial"),
        (122, "maxPower (NUMBER)"),
        (122, "running"),
        (122, "status"),
    ]
    assert instance_count(mock) == 0
    assert mock.state.counts()["managedObjects"] == 0


@pytest.mark.usefixtures("models")
def test_dry_run_validates_without_creating(mock: Mock) -> None:
    text = "\n".join([HEADER, "Site,Hall,,,,,,,", *pump_rows(2)])
    response = post_csv(mock, text, dryRun="true")
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 0, "assetInstances": [], "rows": 3}
    assert instance_count(mock) == 0


@pytest.mark.usefixtures("models")
def test_paths_resolve_under_the_parent_parameter(mock: Mock) -> None:
    hall = post_csv(mock, f"{HEADER}\nSite,Hall,,,,,,,\n").json()["assetInstances"][0]
    response = post_csv(mock, "model,name,path,serial\nPump,P,,s\n", parent=hall)
    assert response.status_code == 201, response.text
    child = response.json()["assetInstances"][0]
    assert mock.client.get(f"{INSTANCES}/{hall}", auth=ADMIN).json()["children"] == [child]
    assert_error(post_csv(mock, "model,name\n", parent="999"), 422, "dtm/validationError", "999")


@pytest.mark.usefixtures("models")
def test_five_thousand_rows_are_imported(mock: Mock) -> None:
    text = "\n".join([HEADER, "Site,Hall,,,,,,,", *pump_rows(4999)])
    response = post_csv(mock, text)
    assert response.status_code == 201, response.text
    assert response.json()["created"] == 5000
    assert instance_count(mock) == 5000


def test_non_utf8_is_400_and_other_media_types_are_415(mock: Mock) -> None:
    assert_error(post_csv(mock, b"model,name\n\xff\xfe,x\n"), 400, "dtm/Bad Request", "UTF-8")
    assert post_csv(mock, "model,name\n", content_type="application/xml").status_code == 415


# --- the import-csv command against a real server -----------------------------------------


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import-csv", *argv])
    return code, out.getvalue(), err.getvalue()


def test_the_cli_imports_reports_refusals_and_usage_errors(mock_server_url: str, tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    with httpx.Client(base_url=mock_server_url, auth=("t100/admin", "admin"), timeout=30) as client:

        def post(path: str, body: Any) -> Any:
            response = client.post(path, json=body, headers={"Accept": "application/json"})
            assert response.status_code == 201, response.text
            return response.json()

        setup_models(post, suffix)
        good = tmp_path / "good.csv"
        good.write_text(f"model,name,serial\nPump{suffix},P,SN\n", encoding="utf-8")
        bad = tmp_path / "bad.csv"
        bad.write_text(f"model,name,serial\nPump{suffix},P,\nNope,Q,x\n", encoding="utf-8")

        code, out, _ = run_cli(str(good), "--base-url", mock_server_url, "--dry-run")
        assert (code, "Dry run passed: 1 row(s)" in out) == (0, True)
        code, out, _ = run_cli(
            str(good),
            "--base-url",
            mock_server_url,
            "--tenant",
            "t100",
            "--user",
            "admin",
            "--password",
            "admin",
        )
        assert code == 0, out
        assert "Imported 1 asset instance(s)." in out
        code, out, _ = run_cli(str(bad), "--base-url", mock_server_url)
        assert code == 1
        assert "line 2, column 'serial'" in out
        assert "line 3, column 'model'" in out
        code, out, _ = run_cli(
            str(good), "--base-url", mock_server_url, "--user", "admin", "--password", "wrong"
        )
        assert code == 1
        assert "401" in out
    code, _, err = run_cli(str(tmp_path / "missing.csv"), "--base-url", mock_server_url)
    assert (code, "Cannot read" in err) == (2, True)
    code, _, err = run_cli(str(good), "--base-url", f"http://127.0.0.1:{free_port()}")
    assert (code, "Cannot reach" in err) == (2, True)
    code, _, err = run_cli(str(good), "--base-url", mock_server_url, "--token", "t", "--user", "u")
    assert code == 2
