"""End to end: for each spec, the generated mock starts on 127.0.0.1 and the generated contract
suite (Schemathesis schema checks and stateful link sequences) passes against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from run_generated import ROOT, generate, import_generated_app, run_contract_suite, serving

DATA = ROOT / "tests" / "data" / "openapi"
SPECS = [
    ROOT / "spec" / "dtm.yaml",
    ROOT / "spec" / "inventory.yaml",
    DATA / "petstore.yaml",  # the OpenAPI Petstore 3.0: client-chosen integer ids, limit, default error
    DATA / "petstore-expanded.yaml",  # allOf item schema, integer ids, 204 delete
    DATA / "museum.yaml",  # OpenAPI 3.1 served as 3.0, uuid ids, page/limit paging, canned image answer
    DATA / "realworld-conduit.yaml",  # nested, {"article": ...} envelopes, $ref-heavy, 422 for unknown ids
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_generated_contract_suite_passes_against_generated_mock(spec: Path, tmp_path: Path) -> None:
    mock_dir, suite_dir, package = generate(spec, tmp_path)
    app = import_generated_app(mock_dir, package).create_app()
    with serving(app) as base_url:
        result = run_contract_suite(suite_dir, base_url)
    assert result.returncode == 0, f"contract suite failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


BROKEN_HOOKS = {
    "answer-violates-schema": (
        "    async def find_pet_by_id(self, **kwargs):\n"
        "        return {'id': 'not an integer', 'name': 'Rex'}, 200\n",
        "Response violates schema",
    ),
    "delete-keeps-the-item": (
        "    async def delete_pet(self, **kwargs):\n        return None, 204\n",
        "DeletedItemStillReadable",  # test_resources.py reports it before Schemathesis's stateful phase
    ),
}


@pytest.mark.parametrize(("hook", "failure"), BROKEN_HOOKS.values(), ids=BROKEN_HOOKS.keys())
def test_generated_contract_suite_fails_against_a_broken_mock(
    hook: str, failure: str, tmp_path: Path
) -> None:
    """The suite is not vacuous: a mock broken through its hooks file fails it, with the expected title."""
    mock_dir, suite_dir, package = generate(DATA / "petstore-expanded.yaml", tmp_path)
    (mock_dir / package / "hooks.py").write_text(
        "class UserHooks:\n    def __init__(self, stores):\n        self.stores = stores\n\n" + hook,
        encoding="utf-8",
    )
    app = import_generated_app(mock_dir, package).create_app()
    with serving(app) as base_url:
        result = run_contract_suite(suite_dir, base_url)
    assert result.returncode == 1, result.stdout[-3000:]
    assert failure in result.stdout
