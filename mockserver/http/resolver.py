"""Resolve an operationId to a method of a handler object (shared with the generators).

The convention: operation ``getMeasurementCollectionResource`` is served by the method
``get_measurement_collection_resource`` of the first handler object that has one. Handler
objects are plain instances built around the app's state, so several apps (for example a
correct mock and a deliberately broken variant) can live in one process without module
globals. An operation no handler serves goes to ``fallback(operation)`` if one is given,
else app creation fails with an error naming the operationId, the method and path, and
the spec it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion.exceptions import ResolverError
from connexion.resolver import Resolution, Resolver

from mockserver.names import snake_case


class HandlerResolver(Resolver):  # type: ignore[misc]
    """A Connexion resolver over handler objects (see the module docstring)."""

    def __init__(
        self,
        *handler_objects: object,
        fallback: Callable[[Any], Callable[..., Any]] | None = None,
        spec_name: str = "the specification",
    ) -> None:
        super().__init__()
        self.handler_objects = handler_objects
        self.fallback = fallback
        self.spec_name = spec_name

    def find(self, operation_id: str) -> Callable[..., Any] | None:
        """The bound handler method for ``operation_id``, or None."""
        name = snake_case(operation_id)
        for handler in self.handler_objects:
            method = getattr(handler, name, None)
            if callable(method):
                return method  # type: ignore[no-any-return]
        return None

    def resolve(self, operation: Any) -> Resolution:
        operation_id = operation.operation_id
        where = f"{operation.method.upper()} {operation.path} in {self.spec_name}"
        if not operation_id:
            raise ResolverError(f"The operation {where} has no operationId; every operation needs one.")
        function = self.find(operation_id)
        if function is None and self.fallback is not None:
            function = self.fallback(operation)
        if function is None:
            owners = ", ".join(type(h).__name__ for h in self.handler_objects) or "no handler objects"
            raise ResolverError(
                f"No handler for operationId {operation_id!r} ({where}): expected a method "
                f"{snake_case(operation_id)!r} on one of {owners}."
            )
        return Resolution(function, operation_id)
