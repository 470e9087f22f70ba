"""The generated suite catches a broken mock: for five specs, six kinds of breakage each (see
``mutants.py``), the suite's resource checks fail with the title naming what was observed.

The correct mock passes the same checks (``test_generated_projects_pass_their_contracts.py``
runs the whole suite against it), so each failure here is the breakage, not the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mutants import EXPECTED, KINDS, hooks_source, target
from run_generated import ROOT, generate, import_generated_app, run_contract_suite, serving

from generators import load_model
from generators.crud import resource_rows

DATA = ROOT / "tests" / "data"
# Spec -> the resource broken in it (one with list, create, read, update and delete).
SPECS = {
    "dtm": (ROOT / "spec" / "dtm.yaml", "asset-models"),
    "inventory": (ROOT / "spec" / "inventory.yaml", "managedObjects"),
    "museum": (DATA / "openapi" / "museum.yaml", "special-events"),
    "realworld-conduit": (DATA / "openapi" / "realworld-conduit.yaml", "articles"),
    "box": (DATA / "corpus" / "box.json", "webhooks"),
}
# `make test` runs museum's six; `make mutations` all thirty (about 10 s of CPU each).
FAST = "museum"
CASES = [
    pytest.param(name, kind, id=f"{name}-{kind}", marks=() if name == FAST else pytest.mark.slow)
    for name in SPECS
    for kind in KINDS
]
_GENERATED: dict[str, tuple[Path, Path, str]] = {}


def generated(name: str, tmp_root: Path) -> tuple[Path, Path, str]:
    """Both outputs for a spec, generated once per session."""
    if name not in _GENERATED:
        _GENERATED[name] = generate(SPECS[name][0], tmp_root / name)
    return _GENERATED[name]


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_generated_suite_fails_against_a_mock_broken_this_way(
    name: str, kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    mock_dir, suite_dir, package = generated(name, tmp_path_factory.getbasetemp() / "mutations")
    spec, resource = SPECS[name]
    model = load_model(spec, name=str(spec.relative_to(ROOT)))
    row = next(r for r in resource_rows(model) if r["name"] == resource)
    (mock_dir / package / "hooks.py").write_text(hooks_source(kind, target(model, row)), encoding="utf-8")
    app = import_generated_app(mock_dir, package).create_app()
    with serving(app) as base_url:
        result = run_contract_suite(
            suite_dir, base_url, max_examples=2, modules=(f"test_resources.py::{_test_id(resource)}",)
        )
    assert result.returncode == 1, f"the suite passed against {kind}:\n{result.stdout[-3000:]}"
    assert any(title in result.stdout for title in EXPECTED[kind]), result.stdout[-4000:]


def _test_id(resource: str) -> str:
    return f"test_created_item_is_listed_read_updated_and_deleted[{resource}]"
