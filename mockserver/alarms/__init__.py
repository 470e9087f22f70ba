"""Alarms: the create and update rules, the collection filters, and the store with its indexes."""

from mockserver.alarms.filters import AlarmFilter
from mockserver.alarms.model import AlarmRecord, NewAlarm, validate_new_alarm
from mockserver.alarms.store import AlarmStore, StoredAlarm

__all__ = ["AlarmFilter", "AlarmRecord", "AlarmStore", "NewAlarm", "StoredAlarm", "validate_new_alarm"]
