"""Handler classes, one per API; each method is named after an operationId in snake_case.

A handler unpacks Connexion's validated arguments, makes one call into the domain and
returns the answer; it holds no domain rules and catches no domain errors (one error handler
in :mod:`mockserver.http.problems` maps them). Each class lists the roles its operations need
in ``required_roles`` (read by :mod:`mockserver.http.auth`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.http.handlers.admin import AdminHandlers
from mockserver.http.handlers.alarm import AlarmHandlers
from mockserver.http.handlers.dtm import DtmHandlers
from mockserver.http.handlers.identity import IdentityHandlers
from mockserver.http.handlers.inventory import InventoryHandlers
from mockserver.http.handlers.login import LoginHandlers
from mockserver.http.handlers.measurement import MeasurementHandlers
from mockserver.http.handlers.notification2 import Notification2Handlers
from mockserver.state import MockState

# Every handler class the app serves; a new API registers its class with one line here.
HANDLER_CLASSES: list[Callable[[MockState], Any]] = [
    MeasurementHandlers,
    InventoryHandlers,
    AdminHandlers,
    DtmHandlers,
    AlarmHandlers,
    Notification2Handlers,
    IdentityHandlers,
    LoginHandlers,
]


def build_handlers(state: MockState) -> list[Any]:
    return [cls(state) for cls in HANDLER_CLASSES]
