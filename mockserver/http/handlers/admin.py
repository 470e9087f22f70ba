"""Handlers of mockserver/admin.yaml: the mock-only ``/_mock/*`` hooks (no auth)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.http.media import json_response
from mockserver.seed import check_seed, parse_seed_text
from mockserver.state import MockState


def _seed_of(payload: Any, body: Any) -> dict[str, Any]:
    """The seed document from a JSON body (already parsed) or a YAML/JSON text body."""
    if payload is not None:
        return check_seed(payload, source="The request body")
    if isinstance(body, bytes | str) and body:
        return parse_seed_text(body, source="The request body")
    return {}


class AdminHandlers:
    """Reset and seed the state; every answer reports what the stores now hold."""

    public_operations: ClassVar[frozenset[str]] = frozenset({"resetMock", "seedMock", "getMockState"})

    def __init__(self, state: MockState) -> None:
        self.state = state

    async def reset_mock(self, payload: Any = None, body: Any = None) -> Response:
        loaded = self.state.reset(_seed_of(payload, body))
        return json_response({"loaded": loaded, "counts": self.state.counts()})

    async def seed_mock(self, payload: Any = None, body: Any = None) -> Response:
        loaded = self.state.load_seed(_seed_of(payload, body))
        return json_response({"loaded": loaded, "counts": self.state.counts()})

    async def get_mock_state(self) -> Response:
        return json_response({"counts": self.state.counts()})
