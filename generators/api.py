"""The generators as functions: spec file -> files on disk (what the CLI calls)."""

from __future__ import annotations

from pathlib import Path

from generators.infer import build_model, package_name
from generators.loader import Spec
from generators.model import Model
from generators.render import contract_files, mock_files
from generators.writer import OutputFile, write_files


def load_model(spec_path: Path, *, name: str | None = None, package: str | None = None) -> Model:
    """The model of the spec at ``spec_path``; ``name`` is how provenance lines cite it."""
    spec = Spec.load(spec_path, name)
    return build_model(spec, package or package_name(spec_path))


def mock_project(model: Model) -> list[OutputFile]:
    """The files of the mock project for ``model`` (nothing written)."""
    return mock_files(model)


def contract_suite(model: Model) -> list[OutputFile]:
    """The files of the contract suite for ``model`` (nothing written)."""
    return contract_files(model)


def generate_mock(
    spec_path: Path, out: Path, *, name: str | None = None, package: str | None = None
) -> list[Path]:
    """Write the mock project for ``spec_path`` into ``out``; returns the files written."""
    return write_files(out, mock_files(load_model(spec_path, name=name, package=package)))


def generate_contracts(spec_path: Path, out: Path, *, name: str | None = None) -> list[Path]:
    """Write the contract suite for ``spec_path`` into ``out``; returns the files written."""
    return write_files(out, contract_files(load_model(spec_path, name=name)))
