"""The command line: --help for every command, and `regenerate` (what `make generate` runs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from run_generated import ROOT

from generators.__main__ import OWN_OUTPUTS, main


@pytest.mark.parametrize(
    "argv", [["--help"], ["mock", "--help"], ["contracts", "--help"], ["regenerate", "--help"]]
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert "usage: python -m generators" in capsys.readouterr().out


def test_mock_and_contracts_commands_write_their_projects(tmp_path: Path) -> None:
    spec = ROOT / "tests" / "data" / "openapi" / "petstore.yaml"
    assert main(["mock", "--spec", str(spec), "--out", str(tmp_path / "mock")]) == 0
    assert main(["contracts", "--spec", str(spec), "--out", str(tmp_path / "contracts")]) == 0
    assert (tmp_path / "mock" / "petstore_mock" / "app.py").is_file()
    assert (tmp_path / "contracts" / "test_stateful.py").is_file()
    provenance = (tmp_path / "mock" / "Makefile").read_text(encoding="utf-8").splitlines()[0]
    assert "from tests/data/openapi/petstore.yaml" in provenance


def test_regenerate_writes_both_outputs_for_each_own_spec_and_is_idempotent(tmp_path: Path) -> None:
    from generators.__main__ import regenerate

    for spec in OWN_OUTPUTS:
        (tmp_path / spec).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / spec, tmp_path / spec)
    written = regenerate(tmp_path)
    for target in OWN_OUTPUTS.values():
        assert (tmp_path / target / "mock" / "README.md").is_file()
        assert (tmp_path / target / "contracts" / "openapi.yaml").is_file()
    assert written
    assert regenerate(tmp_path) == []
