"""Managed objects: the inventory store the measurement and DTM stores refer to."""

from mockserver.inventory.store import InventoryFilter, InventoryStore

__all__ = ["InventoryFilter", "InventoryStore"]
