"""Sizes in the mock follow from one job per room: no module over 400 lines, no function over 60.

Tables (a module-level literal, however long) are data, not functions, and are not counted
as function lines; a module that is mostly table still has to stay under the module limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mockserver"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MODULES = sorted(PACKAGE.rglob("*.py"))


def oversized_functions(source: str) -> list[tuple[str, int]]:
    """(name, lines) of every function or method longer than the limit, nested ones included."""
    return [
        (node.name, (node.end_lineno or node.lineno) - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_the_scan_sees_the_package() -> None:
    assert len(MODULES) > 30


def test_the_function_check_finds_a_long_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert oversized_functions(f"def long():\n{body}\n") == [("long", MAX_FUNCTION_LINES + 1)]
    assert oversized_functions("def short():\n    return 1\n") == []


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_and_its_functions_fit_their_limits(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module.name} has {lines} lines; split it by job"
    assert oversized_functions(source) == [], f"{module.name} has functions over {MAX_FUNCTION_LINES} lines"
