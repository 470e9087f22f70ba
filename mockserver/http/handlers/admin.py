"""Handlers of mockserver/admin.yaml: the mock-only ``/_mock/*`` hooks (no auth)."""

from __future__ import annotations

from typing import Any, ClassVar

from starlette.responses import Response

from mockserver.http.media import json_response
from mockserver.http.offload import off_loop
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

    async def reset_mock(self, payload: Any = None, raw_body: bytes = b"") -> Response:
        # Parsing and the trial run in a worker thread (mockserver/http/offload.py); realtime
        # clients are dropped on the loop, which owns their connections, between the two.
        state = self.state
        seed = await off_loop(lambda: _seed_of(payload, raw_body))
        await off_loop(lambda: state.try_reset(seed))
        state.realtime.clear()
        loaded = await off_loop(lambda: state.reset_stores(seed))
        return json_response({"loaded": loaded, "counts": state.counts()})

    async def seed_mock(self, payload: Any = None, raw_body: bytes = b"") -> Response:
        state = self.state
        loaded = await off_loop(lambda: state.load_seed(_seed_of(payload, raw_body)))
        return json_response({"loaded": loaded, "counts": state.counts()})

    async def get_mock_state(self) -> Response:
        return json_response({"counts": self.state.counts()})
