"""Everything one mock instance remembers, in one object handed to its handlers.

Several apps may live in one process (tests run a correct mock beside broken variants), so
there is no module-level state: each app gets its own :class:`MockState`.

Each tenant has a :class:`World` of its own (inventory, measurements, alarms, DTM), made the
first time the tenant is used. ``state.inventory`` and the other store attributes are the
stores of the tenant the current request acts for (:func:`mockserver.tenancy.current_tenant`,
set at authentication), so handlers and seeds never name a tenant. Managed object, alarm and
DTM ids come from one factory per family shared by every world, so an id names one tenant's
object only (another tenant's answers 404); measurement ids are counted per world (the store's
rows are numbered from its own factory). The realtime hub and the event bus are shared: every
event carries its world's tenant and is delivered only to that tenant's clients.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from mockserver.alarms import AlarmStore
from mockserver.dtm.store import DtmStore
from mockserver.events import Action, EventBus, ProcessingMode
from mockserver.ids import IdFactory
from mockserver.inventory import InventoryStore
from mockserver.inventory.children import reachable
from mockserver.inventory.identity import IdentityStore
from mockserver.measurements import MeasurementStore
from mockserver.realtime import RealtimeHub
from mockserver.seed import SeedStores, check_seed, load_seed
from mockserver.tenancy import DEFAULT_TENANT, acting_for, current_tenant
from mockserver.users import UserDirectory


class World:
    """One tenant's stores, publishing their changes on ``events`` under ``tenant``."""

    def __init__(self, tenant: str, events: EventBus, ids: Mapping[str, IdFactory]) -> None:
        self.tenant = tenant
        self.events = events
        self.inventory = InventoryStore(ids=ids["managedObjects"])
        self.identity = IdentityStore(self.inventory)
        self.measurements = MeasurementStore(self.inventory)
        self.measurements.subscribe(self._publish_measurement)
        self.inventory.subscribe(self._publish_managed_object)
        self.alarms = AlarmStore(self.inventory, ids=ids["alarms"])
        self.alarms.subscribe(self._publish_alarm)
        self.dtm = DtmStore(self.inventory, self.measurements, self.alarms, ids=ids["dtm"])

    def _publish(
        self, channel: str, action: Action, doc: Mapping[str, Any], mode: ProcessingMode = "PERSISTENT"
    ) -> None:
        self.events.publish(channel, action, doc, mode, tenant=self.tenant)

    def _publish_measurement(self, action: str, doc: Mapping[str, Any], mode: ProcessingMode) -> None:
        source = doc.get("source", {}).get("id", "*") if isinstance(doc.get("source"), Mapping) else "*"
        kind: Action = "DELETE" if action.lower() == "delete" else "CREATE"
        self._publish(f"/measurements/{source}", kind, doc, mode)

    def _publish_alarm(self, action: str, doc: Mapping[str, Any]) -> None:
        kind: Action = "CREATE" if action == "create" else "DELETE" if action == "delete" else "UPDATE"
        self._publish(f"/alarms/{doc['source']['id']}", kind, doc)

    def _publish_managed_object(self, action: str, doc: Mapping[str, Any]) -> None:
        kind: Action = "CREATE" if action == "create" else "UPDATE" if action == "update" else "DELETE"
        self._publish(f"/managedobjects/{doc['id']}", kind, doc)

    def counts(self) -> dict[str, int]:
        return {
            "managedObjects": len(self.inventory),
            "externalIds": len(self.identity),
            "measurements": len(self.measurements),
            "alarms": len(self.alarms),
            **self.dtm.counts(),
        }


class MockState:
    """The worlds of every tenant, the users and the event bus of one mock; :meth:`reset` empties it."""

    def __init__(self, users: UserDirectory | None = None) -> None:
        self.events = EventBus()
        self.users = users or UserDirectory()
        self._configured_users = (self.users.users(), self.users.tokens())
        self._ids = {family: IdFactory() for family in ("managedObjects", "alarms", "dtm")}
        self._worlds: dict[str, World] = {}
        self._lock = threading.Lock()
        self.world(DEFAULT_TENANT)
        self.realtime = RealtimeHub(
            self.events, self.users, self._source_exists, children_of=self._child_devices
        )

    def _child_devices(self, id: str) -> frozenset[str]:
        """The child devices of managed object ``id``, at any depth (``childDevices`` references),
        in the tenant the current event is delivered for."""
        return frozenset(reachable(self.inventory, [id], ["childDevices"]) - {id})

    def world(self, tenant: str | None = None) -> World:
        """The stores of ``tenant`` (default: the tenant of the current request), made on first use."""
        tenant = tenant or current_tenant()
        found = self._worlds.get(tenant)
        if found is None:
            with self._lock:
                found = self._worlds.setdefault(tenant, World(tenant, self.events, self._ids))
        return found

    def _source_exists(self, source: str) -> bool:
        return self.world().inventory.exists(source)

    @property
    def inventory(self) -> InventoryStore:
        return self.world().inventory

    @property
    def identity(self) -> IdentityStore:
        return self.world().identity

    @property
    def measurements(self) -> MeasurementStore:
        return self.world().measurements

    @property
    def alarms(self) -> AlarmStore:
        return self.world().alarms

    @property
    def dtm(self) -> DtmStore:
        return self.world().dtm

    def reset(self, seed: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Empty every tenant's stores, restore the configured users, then load ``seed`` if given.

        Ids keep counting up across resets (never reused). All or nothing: the seed is first
        loaded into a scratch state, so a refused seed leaves this state as it was.
        """
        self.try_reset(seed)
        self.realtime.clear()
        return self.reset_stores(seed)

    def try_reset(self, seed: Mapping[str, Any] | None) -> None:
        """Raise SeedError if :meth:`reset` would refuse ``seed``; changes nothing."""
        if seed:
            MockState(self._configured_directory()).load_seed(seed)

    def reset_stores(self, seed: Mapping[str, Any] | None) -> dict[str, int]:
        """The stores' part of :meth:`reset`, after :meth:`try_reset` (realtime clients are left)."""
        with self._lock:
            worlds, self._worlds = list(self._worlds.values()), {}
        for world in worlds:
            world.dtm.clear()
            world.measurements.clear()
            world.alarms.clear()
            world.identity.clear()
            world.inventory.clear()
        self.world(DEFAULT_TENANT)
        self.users.reset()
        users, tokens = self._configured_users
        for user in users:
            self.users.add(user)
        for token, user in tokens.items():
            self.users.add_token(token, user)
        return self.load_seed(seed) if seed else {}

    def _configured_directory(self) -> UserDirectory:
        users, tokens = self._configured_users
        return UserDirectory(users, tokens)

    def _scratch(self) -> MockState:
        """A state with this one's users and managed-object ids, to try a seed on first."""
        scratch = MockState(UserDirectory(self.users.users(), self.users.tokens()))
        for mo in self.inventory.select():
            scratch.inventory.create({}, owner="admin", preset_id=str(mo["id"]))
        return scratch

    def load_seed(self, data: Mapping[str, Any]) -> dict[str, int]:
        """Add a seed document (see :mod:`mockserver.seed`); raises SeedError naming a bad entry.

        All or nothing: the seed is first tried on a scratch state holding this state's users,
        and the current tenant's managed-object ids, asset models and instances; only a seed the
        trial accepts is loaded.
        """
        data = check_seed(data)
        scratch = self._scratch()
        scratch.dtm.copy_from(self.dtm)
        scratch.apply_seed(data)
        return self.apply_seed(data)

    def apply_seed(self, data: Mapping[str, Any]) -> dict[str, int]:
        """Load a seed without the trial run: its data sections to the current tenant's stores,
        each of its ``tenants`` to that tenant's. Answers how many entries of each section
        loaded, every tenant's together."""
        data = check_seed(data)
        world = self.world()
        own = {key: value for key, value in data.items() if key != "tenants"}
        loaded = load_seed(
            SeedStores(self.users, world.inventory, world.measurements, world.alarms, world.dtm), own
        )
        for tenant, doc in data.get("tenants", {}).items():
            with acting_for(str(tenant)):
                for key, count in self.apply_seed(doc).items():
                    loaded[key] = loaded.get(key, 0) + count
        return loaded

    def counts(self) -> dict[str, int]:
        """How many objects the stores of every tenant hold together (the admin endpoints answer this)."""
        total: dict[str, int] = {}
        for world in list(self._worlds.values()):
            for key, value in world.counts().items():
                total[key] = total.get(key, 0) + value
        return {**total, **self.realtime.counts()}
