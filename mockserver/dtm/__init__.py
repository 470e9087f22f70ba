"""Digital Twin Manager: asset models, asset instances, smart functions and CSV import.

Pure domain code (no HTTP): :class:`~mockserver.dtm.store.DtmStore` is what the handlers call;
every :class:`~mockserver.state.MockState` holds one as ``state.dtm``.
"""

from __future__ import annotations

from mockserver.dtm.store import DtmStore

__all__ = ["DtmStore"]
