"""The generators as functions: spec file -> files on disk (what the CLI calls)."""

from __future__ import annotations

from pathlib import Path

from generators.infer import build_model, contract_model, package_name
from generators.loader import Spec
from generators.model import Model
from generators.render import contract_files, mock_files, provenance
from generators.writer import OutputFile, write_files


def load_model(spec_path: Path, *, name: str | None = None, package: str | None = None) -> Model:
    """The model of the spec at ``spec_path``; ``name`` is how provenance lines cite it."""
    spec = Spec.load(spec_path, name)
    return build_model(spec, package or package_name(spec_path))


def load_contract_model(spec_path: Path, *, name: str | None = None) -> Model:
    """The model the contract suite needs: never blocked by what the mock generator refuses."""
    spec = Spec.load(spec_path, name)
    return contract_model(spec, package_name(spec_path))


def mock_project(model: Model) -> list[OutputFile]:
    """The files of the mock project for ``model`` (nothing written)."""
    return mock_files(model)


def contract_suite(model: Model) -> list[OutputFile]:
    """The files of the contract suite for ``model`` (nothing written)."""
    return contract_files(model)


def _kit(command: str, model: Model, python: str | None) -> list[OutputFile]:
    """``kit.mk``: the interpreter that generated the project (it has this kit installed)."""
    if python is None:
        return []
    return [OutputFile("kit.mk", f"# {provenance(command, model)}\nPYTHON ?= {python}\n")]


def generate_mock(
    spec_path: Path,
    out: Path,
    *,
    name: str | None = None,
    package: str | None = None,
    force: bool = False,
    python: str | None = None,
) -> list[Path]:
    """Write the mock project for ``spec_path`` into ``out``; returns the files written.

    ``python`` (the CLI passes its own interpreter) goes into ``kit.mk`` for the Makefile.
    """
    model = load_model(spec_path, name=name, package=package)
    return write_files(out, mock_files(model) + _kit("mock", model, python), force=force)


def generate_contracts(
    spec_path: Path, out: Path, *, name: str | None = None, force: bool = False, python: str | None = None
) -> list[Path]:
    """Write the contract suite for ``spec_path`` into ``out``; returns the files written."""
    model = load_contract_model(spec_path, name=name)
    return write_files(out, contract_files(model) + _kit("contracts", model, python), force=force)
