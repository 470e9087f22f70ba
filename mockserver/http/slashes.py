"""The official clients' spellings of alarm paths, served as the plain ones.

``c8y-api`` builds alarm URLs from the resource ``/alarm/alarms/``: it posts to
``/alarm/alarms/``, lists ``/alarm/alarms/?...``, counts ``/alarm/alarms//count`` and updates
``/alarm/alarms//<id>``. Under the prefixes in :data:`LENIENT_PREFIXES` this ASGI middleware
collapses repeated slashes and drops a trailing one before routing, as ``spec/alarm.yaml``
states; every other path is left exactly as sent.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

LENIENT_PREFIXES = ("/alarm/",)
_REPEATED = re.compile(r"/{2,}")


def normalised(path: str) -> str:
    """``/alarm/alarms//7`` -> ``/alarm/alarms/7``; ``/alarm/alarms/`` -> ``/alarm/alarms``."""
    if not path.startswith(LENIENT_PREFIXES):
        return path
    collapsed = _REPEATED.sub("/", path)
    return collapsed.rstrip("/") or "/"


class SlashQuirks:
    """Rewrite ``scope["path"]`` (and ``raw_path``) to :func:`normalised` before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = normalised(scope["path"])
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": path.encode("latin-1")}
        await self.app(scope, receive, send)
