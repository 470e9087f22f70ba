"""Everything one mock instance remembers, in one object handed to its handlers.

Several apps may live in one process (tests run a correct mock beside broken variants), so
there is no module-level state: each app gets its own :class:`MockState`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.alarms import AlarmStore
from mockserver.alarms.store import child_ids
from mockserver.dtm.store import DtmStore
from mockserver.events import Action, EventBus
from mockserver.inventory import InventoryStore
from mockserver.measurements import MeasurementStore
from mockserver.realtime import RealtimeHub
from mockserver.seed import SeedStores, load_seed
from mockserver.users import UserDirectory


class MockState:
    """The stores, users and event bus of one mock; :meth:`reset` empties it."""

    def __init__(self, users: UserDirectory | None = None) -> None:
        self.events = EventBus()
        self.users = users or UserDirectory()
        self._configured_users = (self.users.users(), self.users.tokens())
        self.inventory = InventoryStore()
        self.measurements = MeasurementStore(self.inventory)
        self.measurements.subscribe(self._publish_measurement)
        self.inventory.subscribe(self._publish_managed_object)
        self.alarms = AlarmStore(self.inventory)
        self.alarms.subscribe(self._publish_alarm)
        self.dtm = DtmStore(self.inventory, self.measurements, self.alarms)
        self.realtime = RealtimeHub(
            self.events, self.users, self.inventory.exists, children_of=self._child_devices
        )

    def _child_devices(self, id: str) -> frozenset[str]:
        """The child devices of managed object ``id``, at any depth (``childDevices`` references)."""
        found: set[str] = set()
        stack = [id]
        while stack:
            current = stack.pop()
            if not self.inventory.exists(current):
                continue
            for child in child_ids(self.inventory.get(current), "childDevices"):
                if child not in found and child != id:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)

    def _publish_measurement(self, action: str, doc: Mapping[str, Any]) -> None:
        source = doc.get("source", {}).get("id", "*") if isinstance(doc.get("source"), Mapping) else "*"
        if action.lower() == "delete":
            self.events.publish(f"/measurements/{source}", "DELETE", doc)
        else:
            self.events.publish(f"/measurements/{source}", "CREATE", doc)

    def _publish_alarm(self, action: str, doc: Mapping[str, Any]) -> None:
        kind: Action = "CREATE" if action == "create" else "DELETE" if action == "delete" else "UPDATE"
        self.events.publish(f"/alarms/{doc['source']['id']}", kind, doc)

    def _publish_managed_object(self, action: str, doc: Mapping[str, Any]) -> None:
        kind: Action = "CREATE" if action == "create" else "UPDATE" if action == "update" else "DELETE"
        self.events.publish(f"/managedobjects/{doc['id']}", kind, doc)

    def reset(self, seed: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Empty every store, restore the configured users, then load ``seed`` if given.

        Ids keep counting up across resets (never reused).
        """
        self.realtime.clear()
        self.dtm.clear()
        self.measurements.clear()
        self.alarms.clear()
        self.inventory.clear()
        self.users.reset()
        users, tokens = self._configured_users
        for user in users:
            self.users.add(user)
        for token, user in tokens.items():
            self.users.add_token(token, user)
        return self.load_seed(seed) if seed else {}

    def load_seed(self, data: Mapping[str, Any]) -> dict[str, int]:
        """Add a seed document (see :mod:`mockserver.seed`); raises SeedError naming a bad entry."""
        return load_seed(
            SeedStores(self.users, self.inventory, self.measurements, self.alarms, self.dtm), data
        )

    def counts(self) -> dict[str, int]:
        """How many objects each store holds (the admin endpoints answer this)."""
        return {
            "managedObjects": len(self.inventory),
            "measurements": len(self.measurements),
            "alarms": len(self.alarms),
            **self.dtm.counts(),
            **self.realtime.counts(),
        }
