"""How one mock app is configured; every field has a default that `make mock` uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_JSON_DEPTH = 64

# The repository checkout (or editable install) keeps the specs beside the package.
DEFAULT_SPEC_DIR = Path(__file__).resolve().parents[2] / "spec"


@dataclass(frozen=True)
class MockConfig:
    """Options of :func:`mockserver.http.app.create_app`.

    ``spec_dir`` is where ``measurement.yaml``, ``inventory.yaml``, ``dtm.yaml`` and ``alarm.yaml`` are looked
    up (default: ``spec/`` of the checkout). Specs that are missing are skipped and reported
    by :attr:`mockserver.http.app.MockApp.missing_specs`.
    """

    spec_dir: Path = DEFAULT_SPEC_DIR
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH
    swagger_ui: bool = True
    # Check every answer against the spec (slower; tests turn it on to catch drift).
    validate_responses: bool = False
    # Fail at startup when an operation has no handler; otherwise it answers 501 and is listed
    # in ``app.mock_specs.unimplemented`` (lets a spec land before its handlers).
    require_all_handlers: bool = False
    # The test-double layer (mockserver/http/double.py): admin token for /_mock (None = open),
    # global latency in ms (min, max), the access log, the journal ring, fault rules at start.
    admin_token: str | None = None
    latency_ms: tuple[int, int] | None = None
    access_log: bool = False
    journal_capacity: int = 1000
    journal_body_bytes: int = 4096
    max_url_bytes: int = 8192
    faults: tuple[Any, ...] = ()
