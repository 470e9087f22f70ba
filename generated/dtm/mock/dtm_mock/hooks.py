"""Your handlers for this mock: created once by the generator, never overwritten.

A method here named after an operationId in snake_case (``listPets`` -> ``list_pets``) takes
precedence over the generated handler of that operation. It receives Connexion's validated
arguments as keyword arguments and returns ``(body, status)`` or ``(body, status, headers)``;
raise a ``mockserver.errors.MockError`` subclass for an error answer. ``self.stores`` holds
the in-memory stores by resource name (see ``resources.py``).
"""

from __future__ import annotations

from mockserver.generic import ResourceStore


class UserHooks:
    """User-defined handlers (none yet)."""

    def __init__(self, stores: dict[str, ResourceStore]) -> None:
        self.stores = stores
