"""The served app freezes its start-up heap for its lifetime (mockserver/http/heap.py)."""

from __future__ import annotations

import gc

from starlette.testclient import TestClient

from mockserver.http.app import create_app


def test_the_start_up_heap_is_frozen_while_serving_and_given_back_at_shutdown() -> None:
    before = gc.get_freeze_count()
    with TestClient(create_app()) as client:
        assert client.get("/_mock/state").status_code == 200
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0
