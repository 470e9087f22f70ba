"""The one publish point for store changes (a place for realtime notifications later).

Every create, update and delete in the mock's stores passes through :meth:`EventBus.publish`,
as the platform's realtime API would see it: a channel such as ``/measurements/<source id>``,
an action ``CREATE`` / ``UPDATE`` / ``DELETE`` and the resource (for a delete, ``{"id": ...}``),
and the write's processing mode (``X-Cumulocity-Processing-Mode``): ``PERSISTENT`` and
``TRANSIENT`` changes reach CometD subscribers, ``QUIESCENT`` and ``CEP`` ones only Notification
2.0 (see :data:`STORED_MODES` and :data:`COMETD_MODES`).
By default nobody listens and publishing costs one loop over an empty list. Tests and a future
realtime endpoint subscribe with :meth:`EventBus.subscribe`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["CREATE", "UPDATE", "DELETE"]
ProcessingMode = Literal["PERSISTENT", "TRANSIENT", "QUIESCENT", "CEP"]
PROCESSING_MODES: tuple[ProcessingMode, ...] = ("PERSISTENT", "TRANSIENT", "QUIESCENT", "CEP")
STORED_MODES = frozenset({"PERSISTENT", "QUIESCENT"})
"""The modes whose writes change the stores (TRANSIENT and CEP only notify)."""
COMETD_MODES = frozenset({"PERSISTENT", "TRANSIENT"})
"""The modes whose changes are sent to CometD realtime subscribers."""


@dataclass(frozen=True)
class Event:
    """One change: which channel, what happened, and the resource as it now is."""

    channel: str
    action: Action
    payload: Mapping[str, Any]
    tenant: str | None = None  # the tenant whose store changed (None: every tenant's clients)
    processing_mode: ProcessingMode = "PERSISTENT"


Listener = Callable[[Event], None]


class EventBus:
    """Fan-out of store changes to listeners; a no-op when nobody subscribed."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every event; returns a function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(
        self,
        channel: str,
        action: Action,
        payload: Mapping[str, Any],
        mode: ProcessingMode = "PERSISTENT",
        *,
        tenant: str | None = None,
    ) -> None:
        """Deliver one change to every listener, in subscription order."""
        if not self._listeners:
            return
        event = Event(channel, action, payload, tenant, mode)
        for listener in list(self._listeners):
            listener(event)
