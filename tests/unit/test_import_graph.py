"""No import circles in mockserver/, contracts/ or generators/, held by a scan of the import graph.

Every ``import`` counts, wherever it stands (module level, inside a function, under
``TYPE_CHECKING``): a circle that only works because one side imports late is still a circle.
An import of ``a.b`` names module ``a.b``; ``from a import b`` names ``a.b`` when that is a
module of ours, else ``a``. The implicit import of a parent package is not an edge.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mockserver", "contracts", "generators")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the modules of ``packages`` it imports."""
    files = {module_name(root, p): p for package in packages for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name in files)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    if f"{source}.{alias.name}" in files:
                        targets.add(f"{source}.{alias.name}")
                    elif source in files:
                        targets.add(source)
        targets.discard(name)
        graph[name] = targets
    return graph


def import_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph (its modules, the first repeated at the end), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def test_the_packages_have_no_import_circles() -> None:
    cycle = import_cycle(import_graph(ROOT, PACKAGES))
    assert cycle is None, f"import circle: {' -> '.join(reversed(cycle or []))}"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "files",
    [
        {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "from pkg import a\n"},
        {
            "pkg/__init__.py": "from pkg.a import X\n",
            "pkg/a.py": "def f():\n    from pkg import c\n",
            "pkg/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg\n",
        },
        {
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "from .. import a\n",
            "pkg/a.py": "from .sub import x\n",
        },
    ],
    ids=["module-level", "late-and-type-checking-imports", "relative-imports"],
)
def test_a_planted_circle_is_found(tmp_path: Path, files: dict[str, str]) -> None:
    write(tmp_path, files)
    cycle = import_cycle(import_graph(tmp_path, ("pkg",)))
    assert cycle is not None
    assert cycle[0] == cycle[-1]


def test_an_acyclic_package_passes(tmp_path: Path) -> None:
    write(
        tmp_path, {"pkg/__init__.py": "from pkg.a import f\n", "pkg/a.py": "import pkg.b\n", "pkg/b.py": ""}
    )
    assert import_cycle(import_graph(tmp_path, ("pkg",))) is None
