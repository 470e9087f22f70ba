"""Spec -> plain model -> text: a runnable mock project and a contract suite for an OpenAPI spec.

``python -m generators mock|contracts|regenerate --help``. The model is computed in Python
(:mod:`generators.infer`), the templates only render it (:mod:`generators.render`), and one
function writes files (:func:`generators.writer.write_files`).
"""

from __future__ import annotations

from generators.api import (
    contract_suite,
    generate_contracts,
    generate_mock,
    load_contract_model,
    load_model,
    mock_project,
)
from generators.errors import GenerationError

__all__ = [
    "GenerationError",
    "contract_suite",
    "generate_contracts",
    "generate_mock",
    "load_contract_model",
    "load_model",
    "mock_project",
]
