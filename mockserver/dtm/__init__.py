"""Digital Twin Manager: asset models, asset instances, smart functions and CSV import.

Pure domain code (no HTTP): :class:`~mockserver.dtm.store.DtmStore` is what the handlers call.
Importing the package registers the store with :data:`mockserver.state.OPTIONAL_STORES`, so
every :class:`~mockserver.state.MockState` gets ``state.dtm`` (reset and seeds included).
"""

from __future__ import annotations

from mockserver.dtm.store import DtmStore
from mockserver.state import OPTIONAL_STORES

OPTIONAL_STORES.setdefault("dtm", lambda state: DtmStore(state.inventory, state.measurements, state.alarms))

__all__ = ["DtmStore"]
