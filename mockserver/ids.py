"""Server-side ids: what counts as one, and the one factory every store takes new ids from.

A Cumulocity id is a non-empty string of ASCII decimal digits. ``str.isdigit`` alone is not the
test: it accepts superscripts (``"²"``), which ``int()`` then refuses, and other scripts' digits
(fullwidth ``"\uff11\uff12"``), which ``int()`` reads as another id.

:class:`IdFactory` hands out ids of one type, as a spec types them: ``integer`` (1, 2, 3 ...),
``digits`` (Cumulocity's strings of decimal digits: "1", "2" ...) and ``uuid`` (random
version-4 UUID strings). Ids are never reused: the counter only moves forward, also past
preset (seeded, client-chosen) ids and across a store's clear.
"""

from __future__ import annotations

import uuid
from typing import Literal, TypeGuard

IdType = Literal["integer", "digits", "uuid"]
ID_TYPES: tuple[IdType, ...] = ("integer", "digits", "uuid")


# Far beyond any id the mock hands out, and below the 4300 digits ``int()`` accepts: a longer
# string of digits names nothing the server could have created (404, never a 500).
MAX_ID_DIGITS = 1000


def is_server_id(value: object) -> TypeGuard[str]:
    """True for a string such as ``"42"`` that could name a resource the server created."""
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_DIGITS and value.isascii() and value.isdigit()


class IdFactory:
    """Hands out fresh ids of one type; :meth:`observe` moves the counter past known ids.

    Not thread-safe on its own: each store draws from its factory under its own lock.
    """

    def __init__(self, id_type: IdType = "digits") -> None:
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

    @property
    def upcoming(self) -> int:
        """The number the next counted id will have (``integer`` and ``digits`` factories)."""
        return self._last + 1

    def next_number(self) -> int:
        """A fresh counted id as a number (``integer`` and ``digits`` factories)."""
        if self.id_type == "uuid":
            raise TypeError("A uuid id factory does not count; call next().")
        self._last += 1
        return self._last

    def next_server_id(self) -> str:
        """A fresh Cumulocity id: a string of digits (``digits`` factories)."""
        return str(self.next_number())

    def next(self) -> int | str:
        """A fresh id of this factory's type."""
        if self.id_type == "uuid":
            return str(uuid.uuid4())
        number = self.next_number()
        return number if self.id_type == "integer" else str(number)


def id_key(value: object) -> str:
    """The store key of an id: path parameters and body fields compare by their text."""
    return str(value).lower() if isinstance(value, uuid.UUID) else str(value)
