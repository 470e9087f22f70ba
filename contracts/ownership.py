"""What the run created on the target: the guard's memory (:class:`Ownership`).

:class:`contracts.guard.Guard` fills it from the target's 2xx answers to the run's own writes
and asks it before every write; cleanup (:class:`contracts.checks.Tracker`) deletes what it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

DIGITS = re.compile(r"^\d+$")


@dataclass
class Ownership:
    """What the run created on the target, learnt from the target's own answers."""

    managed_objects: list[str] = field(default_factory=list)
    measurements: set[str] = field(default_factory=set)
    alarms: set[str] = field(default_factory=set)
    models: list[str] = field(default_factory=list)
    model_names: dict[str, str] = field(default_factory=dict)
    """model id -> name."""
    model_references: dict[str, set[str]] = field(default_factory=dict)
    """model id -> keys of its own REFERENCE properties; ``extends`` adds the base's."""
    model_bases: dict[str, str] = field(default_factory=dict)
    instances: list[str] = field(default_factory=list)
    instance_models: dict[str, str] = field(default_factory=dict)
    subscriptions: set[str] = field(default_factory=set)
    """Notification 2.0 subscription ids (not always digits)."""
    external_ids: set[tuple[str, str]] = field(default_factory=set)
    """(type, externalId) pairs the run created (contracts.guard_identity)."""

    def owns(self, family: str, value: Any) -> bool:
        key = str(value)
        return {
            "managed object": key in self.managed_objects,
            "measurement": key in self.measurements,
            "alarm": key in self.alarms,
            "asset model": key in self.model_names or key in self.models,
            "asset instance": key in self.instances,
        }[family]

    def add(self, family: str, value: Any) -> None:
        key = str(value)
        if not DIGITS.match(key) or self.owns(family, key):
            return
        if family == "managed object":
            self.managed_objects.append(key)
        elif family == "measurement":
            self.measurements.add(key)
        elif family == "alarm":
            self.alarms.add(key)
        elif family == "asset model":
            self.models.append(key)
        else:
            self.instances.append(key)

    def reference_keys(self, model: str) -> set[str]:
        """REFERENCE property keys of a model of the run's, inherited ones included."""
        keys: set[str] = set()
        seen: set[str] = set()
        current: str | None = model
        while current is not None and current not in seen:
            seen.add(current)
            keys |= self.model_references.get(current, set())
            current = self.model_bases.get(current)
        return keys

    def model_named(self, name: str) -> str | None:
        return next((mid for mid, known in self.model_names.items() if known == name), None)
