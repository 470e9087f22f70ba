"""The realtime endpoints, a middleware of the mock's ASGI stack.

:class:`RealtimeEndpoints` sits right inside the server-error middleware (``create_app``
inserts it): requests to ``/notification/realtime`` (CometD, long-polling POSTs and
websockets) and websockets to ``/notification2/consumer/`` go to their transports; everything
else, the Notification 2.0 REST API included (``spec/notification2.yaml``), passes on. It also
teaches the hub to present resources with the links a client of that host expects.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.events import Event
from mockserver.http.alarm_answers import present_alarm
from mockserver.http.cometd import COMETD_PATH, CometdTransport
from mockserver.http.consumer import CONSUMER_PATH, ConsumerTransport
from mockserver.http.links import present_managed_object, present_measurement
from mockserver.realtime import RealtimeHub
from mockserver.realtime.channels import family

PRESENTERS = {
    "measurements": present_measurement,
    "managedobjects": present_managed_object,
    "alarms": present_alarm,
}


def present(event: Event, base_url: str) -> dict[str, Any]:
    """The event's resource with its ``self`` links on ``base_url`` (as GET would answer it)."""
    presenter = PRESENTERS.get(family(event.channel))
    doc = dict(event.payload)
    return presenter(doc, base_url) if presenter is not None else doc


class RealtimeEndpoints:
    """Routes the realtime paths to their transports; any other request goes to ``app``."""

    def __init__(self, app: ASGIApp, hub: RealtimeHub, *, max_body_bytes: int) -> None:
        self.app = app
        hub.present = present
        self.cometd = CometdTransport(hub, max_body_bytes=max_body_bytes)
        self.consumer = ConsumerTransport(hub)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and (
            path == COMETD_PATH or path.startswith(COMETD_PATH + "/")
        ):
            await self.cometd(scope, receive, send)
        elif scope["type"] == "websocket" and path.rstrip("/") == CONSUMER_PATH:
            await self.consumer(scope, receive, send)
        else:
            await self.app(scope, receive, send)
