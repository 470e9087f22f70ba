"""Fixed answers for operations that are not part of a resource (reports, actions, images).

The generator picks, per operationId, the lowest documented success status and a body that
validates against its schema (the spec's example, or a minimal instance it synthesised).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from mockserver.errors import NotFound, NotImplementedOperation
from mockserver.generic.errorshape import ErrorShape, unknown_id
from mockserver.generic.store import ResourceStore

# (resource, id argument, parent arguments, unknown-id status[, the unknown-id answer's own shape])
Owner = tuple[str, str, tuple[str, ...], int] | tuple[str, str, tuple[str, ...], int, ErrorShape | None]
Handler = Callable[..., Awaitable[tuple[Any, int] | tuple[Any, int, dict[str, str]]]]


class CannedResponses:
    """operationId -> (body, status, media type); :meth:`handler` turns one into a handler.

    ``owners`` maps an operation under an item path (``/things/{id}/report``) to that item's
    resource, its id argument, parent arguments and the status for a missing item: the canned
    answer is given only while the item exists, else that error (404 unless the spec says otherwise),
    in the operation's own error schema where the owner names one.
    ``locations`` gives the ``Location`` of a redirect answer (3xx); ``/`` where it names none.
    """

    def __init__(
        self,
        answers: Mapping[str, tuple[Any, int, str | None]],
        owners: Mapping[str, Owner] | None = None,
        locations: Mapping[str, str] | None = None,
    ) -> None:
        self.answers = dict(answers)
        self.owners = dict(owners or {})
        self.locations = dict(locations or {})

    def handler(self, operation_id: str, stores: Mapping[str, ResourceStore] | None = None) -> Handler:
        """An async handler answering the canned response of ``operation_id`` (501 if none)."""
        answer = self.answers.get(operation_id)
        owner = self.owners.get(operation_id)

        async def canned(**args: Any) -> tuple[Any, int] | tuple[Any, int, dict[str, str]]:
            if answer is None:
                raise NotImplementedOperation(
                    f"Operation {operation_id!r} has no handler in this mock; "
                    "add a method for it to the project's hooks module."
                )
            if owner is not None and stores is not None:
                resource, id_arg, parent_args, status, *shape = owner
                try:
                    stores[resource].get({name: args[name] for name in parent_args}, args[id_arg])
                except NotFound as missing:
                    return unknown_id(missing, status, shape[0] if shape else None)
            body, status, media_type = answer
            headers = {"Location": self.locations.get(operation_id, "/")} if 300 <= status < 400 else {}
            if media_type is None:
                return None, status, headers
            # body None with a media type: a bodiless answer of an operation offering several.
            return copy.deepcopy(body), status, {**headers, "Content-Type": media_type}

        return canned
