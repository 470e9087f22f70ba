"""No module of ours imports or touches a private name of a dependency.

A private name starts with one underscore and is not a dunder (``__init__``) or a sunder
(``_missing_``, enum's documented hooks). Three checks, each run for every module of
``mockserver/``, ``contracts/`` and ``generators/``:

* imports: ``import x._y``, ``from x._y import z`` and ``from x import _z`` of anything but our
  own packages;
* attribute access: ``obj._y`` and ``getattr(obj, "_y")`` (also ``setattr``, ``hasattr``,
  ``delattr``) where no module of ours defines ``_y`` (as a function, class, module or class
  variable, import alias, or an attribute assigned on ``self``/``cls``/anything). An access of
  a name we define is taken to be our own; a collision with a dependency's private name on an
  object of that dependency is the one case this cannot see;
* overrides: a class of ours that defines a private name which a base class from a
  dependency also defines (``_validate`` on a Connexion validator) touches that dependency's
  internals, whatever the name's spelling elsewhere.

``test_the_checks_find_planted_violations`` proves each check fails on a planted violation.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("mockserver", "contracts", "generators")
NAME_CALLS = frozenset({"getattr", "setattr", "hasattr", "delattr"})
# namedtuple's documented API carries a leading underscore so as not to clash with field names.
DOCUMENTED_UNDERSCORE = frozenset({"_asdict", "_replace", "_fields", "_make", "_field_defaults"})


def is_private(name: str) -> bool:
    if name.startswith("__") and name.endswith("__"):
        return False
    if len(name) > 2 and name.startswith("_") and name.endswith("_") and not name.startswith("__"):
        return False  # a sunder name
    return name.startswith("_") and name not in DOCUMENTED_UNDERSCORE


def is_ours(module: str) -> bool:
    return module.split(".")[0] in OURS


@dataclass(frozen=True)
class Violation:
    where: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what}"


def modules() -> list[Path]:
    return sorted(p for package in OURS for p in (ROOT / package).rglob("*.py"))


def defined_names(tree: ast.AST) -> set[str]:
    """Every name a module binds: defs, classes, assignments, attribute targets, import aliases."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def import_violations(tree: ast.AST, where: str) -> list[Violation]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not is_ours(alias.name) and any(map(is_private, alias.name.split("."))):
                    found.append(Violation(where, node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if is_ours(node.module):
                continue
            if any(map(is_private, node.module.split("."))):
                found.append(Violation(where, node.lineno, f"from {node.module} import ..."))
            for alias in node.names:
                if is_private(alias.name):
                    found.append(Violation(where, node.lineno, f"from {node.module} import {alias.name}"))
    return found


def access_violations(tree: ast.AST, where: str, ours: set[str]) -> list[Violation]:
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in NAME_CALLS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name = node.args[1].value
        if name is not None and is_private(name) and name not in ours:
            found.append(Violation(where, node.lineno, f"touches {name}, which no module of ours defines"))
    return found


def class_body_names(cls: type) -> set[str]:
    """The names the class statement of ``cls`` itself binds (not those its metaclass adds)."""
    node = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
    assert isinstance(node, ast.ClassDef)
    names: set[str] = set()
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign):
            names |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.add(statement.target.id)
    return names


def override_violations(module_name: str) -> list[Violation]:
    """Private names a class of ``module_name`` defines that a dependency's base class defines too."""
    module = importlib.import_module(module_name)
    found = []
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if cls.__module__ != module_name:
            continue
        foreign = [base for base in cls.__mro__[1:] if not is_ours(base.__module__) and base is not object]
        for name in class_body_names(cls) if foreign else ():
            owners = [base.__qualname__ for base in foreign if is_private(name) and name in vars(base)]
            if owners:
                line = inspect.getsourcelines(cls)[1]
                what = f"{cls.__qualname__}.{name} overrides a private name of {', '.join(owners)}"
                found.append(Violation(module_name, line, what))
    return found


def module_name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.fixture(scope="module")
def our_names() -> set[str]:
    names: set[str] = set()
    for path in modules():
        names |= defined_names(ast.parse(path.read_text(encoding="utf-8")))
    return names


MODULES = modules()


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_module_touches_no_private_name_of_a_dependency(path: Path, our_names: set[str]) -> None:
    where = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = import_violations(tree, where) + access_violations(tree, where, our_names)
    found += override_violations(module_name_of(path))
    assert not found, "\n".join(map(str, found))


PLANTED = """
import connexion._private_module
from connexion.context import _scope
from connexion.decorators import parameter
from mockserver.http import _ours_may_be_private

def build(app, middleware):
    middleware._build_middleware_stack()
    parameter._get_val_from_param(1, {})
    return getattr(app, "_middleware_app")

class Mine:
    def __init__(self):
        self._lock = None

    def use(self):
        return self._lock, Mine.__name__, self._asdict
"""


def test_the_checks_find_planted_violations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = ast.parse(PLANTED)
    imports = {v.what for v in import_violations(tree, "planted")}
    assert imports == {"import connexion._private_module", "from connexion.context import _scope"}
    accessed = {v.what.split(",")[0] for v in access_violations(tree, "planted", defined_names(tree))}
    assert accessed == {
        "touches _build_middleware_stack",
        "touches _get_val_from_param",
        "touches _middleware_app",
    }
    (tmp_path / "mockserver_planted.py").write_text(
        "from connexion.validators import JSONRequestBodyValidator\n\n"
        "class Overrides(JSONRequestBodyValidator):\n"
        "    def _validate(self, body):\n"
        "        return None\n\n"
        "    def validate_more(self):\n"
        "        return None\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys.modules[__name__], "OURS", (*OURS, "mockserver_planted"))
    found = override_violations("mockserver_planted")
    owners = "JSONRequestBodyValidator, AbstractRequestBodyValidator"
    assert [v.what for v in found] == [f"Overrides._validate overrides a private name of {owners}"]
