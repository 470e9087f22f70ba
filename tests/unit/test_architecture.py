"""The one rule per directory from ARCHITECTURE.md, held by the import graph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(directory: str) -> list[Path]:
    return sorted((ROOT / directory).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("contracts"), ids=lambda p: str(p.relative_to(ROOT)))
def test_contracts_never_import_the_mock(path: Path) -> None:
    offending = {m for m in imported_modules(path) if m == "mockserver" or m.startswith("mockserver.")}
    assert not offending, f"{path} imports {sorted(offending)}; contracts/ must work against any base URL"


DOMAIN_FILES = [
    p
    for p in python_files("mockserver")
    if "http" not in p.relative_to(ROOT / "mockserver").parts and p.name != "__main__.py"
]


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_mock_domain_knows_nothing_about_http(path: Path) -> None:
    web = {"connexion", "starlette", "uvicorn", "httpx"}
    offending = {m for m in imported_modules(path) if m.split(".")[0] in web}
    assert not offending, f"{path} imports {sorted(offending)}; only mockserver/http/ may"
