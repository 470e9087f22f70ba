"""The paging module's numbers are the ones every spec states for ``pageSize``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


def page_size_parameters() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(SPEC_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, parameter in (document.get("components", {}).get("parameters") or {}).items():
            if parameter.get("name") == "pageSize" and parameter.get("in") == "query":
                found.append((f"{path.name}#{name}", parameter))
    return found


PARAMETERS = page_size_parameters()


def test_every_paged_spec_declares_page_size() -> None:
    assert {where.split("#")[0] for where, _ in PARAMETERS} >= {
        "measurement.yaml",
        "inventory.yaml",
        "dtm.yaml",
    }


@pytest.mark.parametrize(("where", "parameter"), PARAMETERS, ids=[w for w, _ in PARAMETERS])
def test_page_size_default_and_trim_are_the_ones_the_spec_states(
    where: str, parameter: dict[str, Any]
) -> None:
    schema = parameter["schema"]
    assert schema["default"] == DEFAULT_PAGE_SIZE
    assert schema["minimum"] == 1
    assert "maximum" not in schema, f"{where}: larger values are trimmed, not refused"
    trims = re.search(r"trimmed to (\d+)", " ".join(parameter.get("description", "").split()))
    assert trims, f"{where} does not state the trim"
    assert int(trims.group(1)) == MAX_PAGE_SIZE
