"""Server-side id generation, one factory per resource, typed as the spec types the id.

Three id types cover the specs we generate for: ``integer`` (1, 2, 3 ...), ``digits``
(Cumulocity's strings of decimal digits: "1", "2" ...) and ``uuid`` (random version-4 UUID
strings). Ids are never reused: the counter only moves forward, also past seeded ids.
"""

from __future__ import annotations

import uuid
from typing import Literal

IdType = Literal["integer", "digits", "uuid"]
ID_TYPES: tuple[IdType, ...] = ("integer", "digits", "uuid")


class IdFactory:
    """Hands out fresh ids of one type; :meth:`observe` moves the counter past known ids."""

    def __init__(self, id_type: IdType) -> None:
        if id_type not in ID_TYPES:
            raise ValueError(f"Unknown id type {id_type!r}; expected one of {', '.join(ID_TYPES)}.")
        self.id_type = id_type
        self._last = 0

    def observe(self, value: object) -> None:
        """Note an id that exists already (seed data, client-chosen ids) so it is never handed out."""
        if self.id_type == "uuid":
            return
        try:
            number = int(str(value))
        except ValueError:
            return
        self._last = max(self._last, number)

    def next(self) -> int | str:
        """A fresh id of this factory's type."""
        if self.id_type == "uuid":
            return str(uuid.uuid4())
        self._last += 1
        return self._last if self.id_type == "integer" else str(self._last)


def id_key(value: object) -> str:
    """The store key of an id: path parameters and body fields compare by their text."""
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)
